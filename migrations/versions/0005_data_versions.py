"""data versions: a write counter per table, for the page cache

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 01:20:00

"""

from typing import Sequence, Union

import secrets

from alembic import op
import sqlalchemy as sa


revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "data_versions",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_versions")),
    )
    # A random number naming this database, so that pages kept for another database that happens
    # to have the same counters (a re-created demo, say) are never served for this one.
    versions = sa.table("data_versions", sa.column("name", sa.String), sa.column("version", sa.BigInteger))
    op.bulk_insert(versions, [{"name": "#database", "version": secrets.randbits(62)}])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("data_versions")
