"""receipt tokens, moderated rating comments, the feedback's language, the mail outbox

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 07:00:00

Every case file gets the secret its printed receipt carries (SPEC §6): files already imported
get one now, and ratings given before, which no receipt proves, become unverified and claim no
file. Comments already shown stay shown (they were public before moderation). Each answer given
is kept on its event. The mail outbox holds what is sent after the action it tells of.
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
    # A rating used to be "verified" by a case code alone, which anyone could type: none of the
    # ratings given before receipts proves its file. They stay, unverified, claiming no file (so
    # that the file's applicant can still rate it from the receipt).
    claims = sa.table(
        "ratings",
        sa.column("verified", sa.Boolean),
        sa.column("case_code", sa.String),
        sa.column("case_id", sa.Integer),
    )
    connection.execute(sa.update(claims).values(verified=False, case_code=None, case_id=None))
    # The answer in force is kept on its event too, as every answer is from now on: the history a
    # corrected answer leaves starts with it.
    feedback = sa.table("feedback", sa.column("id", sa.Integer), sa.column("answer", sa.Text))
    events = sa.table(
        "feedback_events",
        sa.column("id", sa.Integer),
        sa.column("feedback_id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("note", sa.Text),
    )
    last_answer = (
        sa.select(sa.func.max(events.c.id))
        .where(events.c.feedback_id == feedback.c.id, events.c.status == "answered")
        .scalar_subquery()
    )
    for event_id, answer in connection.execute(
        sa.select(last_answer, feedback.c.answer).where(feedback.c.answer.is_not(None))
    ).all():
        if event_id is not None:
            connection.execute(
                sa.update(events).where(events.c.id == event_id, events.c.note.is_(None)).values(note=answer)
            )

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
