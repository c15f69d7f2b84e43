"""subscriptions to the monthly publication

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 12:00:00

Addresses told by mail when a month is published or corrected, for the province or one agency,
confirmed from a mail before they count (double opt-in) and deleted when unsubscribed.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: Union[str, Sequence[str], None] = "0011"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirm_sent_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_subscriptions_agency_id_agencies"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        sa.UniqueConstraint("token", name=op.f("uq_subscriptions_token")),
    )
    op.create_index(op.f("ix_subscriptions_email"), "subscriptions", ["email"])
    op.create_index(op.f("ix_subscriptions_agency_id"), "subscriptions", ["agency_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_subscriptions_agency_id"), table_name="subscriptions")
    op.drop_index(op.f("ix_subscriptions_email"), table_name="subscriptions")
    op.drop_table("subscriptions")
