"""the late-file list's default order in its indexes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 22:20:00

The list pages by days late (most first), then case code (SPEC §2 `/late/files`): with both in
an index in that order, within a month and across a period's months, a page is read from the
index alone, without sorting the month's or the period's whole rows.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: Union[str, Sequence[str], None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("late_files", schema=None) as batch_op:
        batch_op.drop_index("ix_late_files_month_days_late")
        batch_op.create_index(
            "ix_late_files_month_days_late", ["month", sa.text("days_late DESC"), "case_code"], unique=False
        )
        # With the month in it, a period's page is found from this index alone (no row lookups).
        batch_op.create_index(
            "ix_late_files_days_late", [sa.text("days_late DESC"), "case_code", "month"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("late_files", schema=None) as batch_op:
        batch_op.drop_index("ix_late_files_days_late")
        batch_op.drop_index("ix_late_files_month_days_late")
        batch_op.create_index("ix_late_files_month_days_late", ["month", "days_late"], unique=False)
