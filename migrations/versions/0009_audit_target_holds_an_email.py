"""the audit log's target holds any account email

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 01:00:00

An account is logged under its email, which may be 254 characters (RFC 5321); the target column
held 120, so creating an account with a long email failed at write on PostgreSQL.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: Union[str, Sequence[str], None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("target", existing_type=sa.String(length=120), type_=sa.String(length=254))


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("target", existing_type=sa.String(length=254), type_=sa.String(length=120))
