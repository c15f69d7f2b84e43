"""channel methods stored as codes: direct, online, postal, other (with the source's wording)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 09:00:00

Channels stored the Vietnamese label of their method ("Trực tiếp"); they now store a code, and a
method no rule recognised keeps the source's wording in `method_text`. The sources' records
(`procedure_sources.payload`, the Office's corrections among them) are converted the same way,
since every import merges them again. The mapping is written out here, not imported from the
app: a migration must do tomorrow what it did today.
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

CODES = {"Trực tiếp": "direct", "Trực tuyến": "online", "Dịch vụ bưu chính": "postal"}
LABELS = {code: label for label, code in CODES.items()}
OTHER = "other"
CHUNK = 500

channels = sa.table("channels", sa.column("method", sa.String), sa.column("method_text", sa.String))
sources = sa.table("procedure_sources", sa.column("id", sa.Integer), sa.column("payload", sa.JSON))


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("method_text", sa.String(length=200), nullable=True))
    known = list(CODES)
    op.execute(
        channels.update()
        .where(channels.c.method.not_in(known), channels.c.method != "")
        .values(method_text=channels.c.method)
    )
    op.execute(
        channels.update().values(
            method=sa.case(*[(channels.c.method == label, code) for label, code in CODES.items()], else_=OTHER)
        )
    )
    _convert_payloads(_to_code)
    _bump("channels", "procedure_sources")


def downgrade() -> None:
    """Downgrade schema."""
    op.execute(
        channels.update().values(
            method=sa.case(
                *[(channels.c.method == code, label) for code, label in LABELS.items()],
                else_=sa.func.coalesce(channels.c.method_text, ""),
            )
        )
    )
    # ALTER TABLE, never a copy of the table: on SQLite, dropping the old copy would delete the
    # channels' fees (ON DELETE CASCADE with foreign keys on). SQLite has dropped columns since 3.35.
    with op.batch_alter_table("channels", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("method_text")
    _convert_payloads(_to_label)
    _bump("channels", "procedure_sources")


def _to_code(channel: dict) -> None:
    method = channel.get("method")
    if method in CODES:
        channel["method"] = CODES[method]
    else:
        channel["method"] = OTHER
        if method:
            channel["method_text"] = method


def _to_label(channel: dict) -> None:
    method = channel.get("method")
    wording = channel.pop("method_text", None)
    channel["method"] = LABELS.get(method) or wording


def _convert_payloads(convert) -> None:
    """Rewrite the channels of every stored source record, a chunk of records at a time."""
    connection = op.get_bind()
    with_channels = sa.cast(sources.c.payload, sa.Text).like('%"channels"%')
    ids = list(connection.scalars(sa.select(sources.c.id).where(with_channels).order_by(sources.c.id)))
    for start in range(0, len(ids), CHUNK):
        rows = connection.execute(
            sa.select(sources.c.id, sources.c.payload).where(sources.c.id.in_(ids[start : start + CHUNK]))
        ).all()
        for row_id, payload in rows:
            if not isinstance(payload, dict) or not isinstance(payload.get("channels"), list):
                continue
            payload = dict(payload, channels=[dict(c) for c in payload["channels"]])
            for channel in payload["channels"]:
                if isinstance(channel, dict):
                    convert(channel)
            connection.execute(sources.update().where(sources.c.id == row_id).values(payload=payload))


def _bump(*tables: str) -> None:
    """Move the write counters of the tables changed here, so that no page kept from before is served."""
    versions = sa.table("data_versions", sa.column("name", sa.String), sa.column("version", sa.BigInteger))
    connection = op.get_bind()
    for name in tables:
        updated = connection.execute(
            versions.update().where(versions.c.name == name).values(version=versions.c.version + 1)
        )
        if not updated.rowcount:
            connection.execute(versions.insert().values(name=name, version=1))
