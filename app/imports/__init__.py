"""Importers of the data files, one per kind: `flask import KIND FILE` and the back office's uploads."""
from __future__ import annotations


KINDS = ("agencies", "procedures", "officers", "cases", "steps", "holidays")


def importers() -> dict:
    """Each of KINDS with the function that imports it (session, bytes, skip_invalid=False); the
    modules are loaded only when an import runs."""
    from app.imports.agencies import import_agencies
    from app.imports.cases import import_cases, import_steps
    from app.imports.people import import_holidays, import_officers
    from app.imports.procedures import import_procedures

    return dict(zip(KINDS, (import_agencies, import_procedures, import_officers, import_cases, import_steps,
                            import_holidays)))
