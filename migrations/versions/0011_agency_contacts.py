"""agencies' contact details

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 08:00:00

Where and when a citizen reaches an agency: address, phone, email, opening hours, website
(SPEC §1 `import agencies`, optional columns), shown on its page.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: Union[str, Sequence[str], None] = "0010"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COLUMNS = (("address", 500), ("phone", 100), ("email", 254), ("opening_hours", 500), ("website", 500))


def upgrade() -> None:
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        for name, length in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        for name, _length in reversed(COLUMNS):
            batch_op.drop_column(name)
