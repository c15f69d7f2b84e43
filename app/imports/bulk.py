"""Upsert many rows by natural key in a few statements: the case files run to hundreds of thousands."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import RowMapping, bindparam, insert, select, update
from sqlalchemy.orm import Session

from app.imports import progress
from app.imports.errors import ImportReport

CHUNK = 5000


def upsert(
    session: Session,
    table,
    records: Sequence[dict],
    key: Sequence[str],
    report: ImportReport | None = None,
    existing: dict[tuple, RowMapping] | None = None,
    ids: bool = False,
) -> dict[tuple, int]:
    """Insert new records, update changed ones, leave equal ones alone; with `ids`, return every
    row's id by key (reading the table again after inserting: only when the caller needs them).

    Every record has the same columns, `key` among them. Counts go to `report` when given.
    `existing` is `existing_rows` of the same columns read beforehand: on SQLite a read made
    before a transaction's first write holds no write lock, so an import that writes two tables
    reads both first and keeps its write lock, which makes citizens' posts wait, short.
    """
    if not records:
        return {}
    columns = list(records[0])
    if existing is None:
        existing = existing_rows(session, table, columns, key)
    new: list[dict] = []
    changed: list[dict] = []
    for record in records:
        old = existing.get(tuple(record[k] for k in key))
        if old is None:
            new.append(record)
        elif any(old[c] != record[c] for c in columns):
            changed.append({"id": old["id"], **record})
    insert_many(session, table, new)
    update_by_id(session, table, changed)
    if report is not None:
        report.imported += len(new)
        report.updated += len(changed)
        report.unchanged += len(records) - len(new) - len(changed)
    if not ids:
        return {}
    found = {k: row["id"] for k, row in existing.items()}
    if new:
        for row in session.execute(select(table.c.id, *(table.c[k] for k in key))):
            found.setdefault(tuple(row[1:]), row[0])
    return found


def existing_rows(session: Session, table, columns: Sequence[str], key: Sequence[str]) -> dict[tuple, RowMapping]:
    """The table's rows by key, with their id and `columns`, for `upsert`."""
    found: dict[tuple, RowMapping] = {}
    for row in session.execute(select(table.c.id, *(table.c[c] for c in columns))).mappings():
        found[tuple(row[k] for k in key)] = row
    return found


def insert_many(session: Session, table, rows: Sequence[dict]) -> None:
    """Insert rows (all with the same columns) a chunk at a time."""
    for start in range(0, len(rows), CHUNK):
        progress.tell("writing", start, len(rows))
        session.execute(insert(table), rows[start : start + CHUNK])


def update_by_id(session: Session, table, rows: Sequence[dict]) -> None:
    """Update rows by their "id"; every row names the same columns."""
    if not rows:
        return
    # Bind names must differ from column names in an executemany UPDATE.
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values({c: bindparam(f"b_{c}") for c in rows[0] if c != "id"})
    )
    params = [{f"b_{k}": v for k, v in row.items()} for row in rows]
    for start in range(0, len(params), CHUNK):
        progress.tell("writing", start, len(params))
        session.connection().execute(statement, params[start : start + CHUNK])
