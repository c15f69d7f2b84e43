"""receipt tokens, moderated rating comments, the feedback's language, the mail outbox

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 07:00:00

Every case file gets the secret its printed receipt carries (SPEC §6): files already imported
get one now. Comments already shown stay shown (they were public before moderation). The mail
outbox holds what is sent after the action it tells of.
"""

import secrets
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: Union[str, Sequence[str], None] = "0009"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

CHUNK = 5000


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("receipt_token", sa.String(length=32), nullable=True))
    connection = op.get_bind()
    cases = sa.table("cases", sa.column("id", sa.Integer), sa.column("receipt_token", sa.String))
    ids = [row[0] for row in connection.execute(sa.select(cases.c.id))]
    statement = sa.update(cases).where(cases.c.id == sa.bindparam("b_id")).values(receipt_token=sa.bindparam("b_t"))
    for start in range(0, len(ids), CHUNK):
        connection.execute(
            statement, [{"b_id": i, "b_t": secrets.token_urlsafe(12)} for i in ids[start : start + CHUNK]]
        )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_cases_receipt_token"), ["receipt_token"])

    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("comment_approved", sa.Boolean(), server_default=sa.false(), nullable=False))
    ratings = sa.table("ratings", sa.column("comment_approved", sa.Boolean), sa.column("comment_hidden", sa.Boolean))
    connection.execute(sa.update(ratings).where(ratings.c.comment_hidden.is_(False)).values(comment_approved=True))

    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lang", sa.String(length=8), server_default="vi", nullable=False))

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("topic", sa.String(length=100), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("failed_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_waiting", ["sent_at", "next_attempt_at"], unique=False)


def downgrade() -> None:
    op.drop_table("outbox")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_column("lang")
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_column("comment_approved")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_cases_receipt_token"), type_="unique")
        batch_op.drop_column("receipt_token")
