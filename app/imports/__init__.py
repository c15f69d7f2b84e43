"""Importers of the data files, one per kind: `flask import KIND FILE` and the back office's uploads."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from app import audit
from app.audit import Actor
from app.imports.errors import ImportReport
from app.imports.readers import Row
from app.models import Account

KINDS = ("agencies", "procedures", "officers", "cases", "steps", "events", "holidays")


def importers() -> dict:
    """Each of KINDS with the function that imports it (session, bytes, skip_invalid=False); the
    modules are loaded only when an import runs."""
    from app.imports.agencies import import_agencies
    from app.imports.cases import import_cases, import_events, import_steps
    from app.imports.people import import_holidays, import_officers
    from app.imports.procedures import import_procedures

    return dict(
        zip(
            KINDS,
            (
                import_agencies,
                import_procedures,
                import_officers,
                import_cases,
                import_steps,
                import_events,
                import_holidays,
            ),
        )
    )


def run(
    session: Session,
    actor: Actor | Account,
    kind: str,
    data: bytes | Iterable[Row],
    source: str | None = None,
    skip_invalid: bool = False,
) -> ImportReport:
    """Import a file's bytes (or rows already numbered) as `kind`, not committed; an applied import is
    logged with its file's name."""
    report = importers()[kind](session, data, skip_invalid=skip_invalid)
    if report.applied:
        audit.record(
            session,
            actor,
            f"import.{kind}",
            "file",
            (source or "")[:120] or None,
            report.summary(),
            None,
            {"imported": report.imported, "updated": report.updated, "rejected": len(report.rejected)},
        )
    return report
