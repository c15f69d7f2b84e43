"""A small province with hand-counted figures for May 2023 (see tests/fixtures/late-*.csv)."""

from app.audit import Actor
from app.db import get_session
from app.imports.agencies import import_agencies
from app.imports.cases import import_cases, import_steps
from app.imports.people import import_officers
from app.imports.procedures import import_procedures
from app.late.rules import Month
from app.late.store import publish_month
from tests.conftest import load

WORLD = (
    (import_agencies, "agencies.csv"),
    (import_procedures, "national-sample.jsonl"),
    (import_officers, "late-officers.csv"),
    (import_cases, "late-cases.csv"),
    (import_steps, "late-steps.csv"),
)


def build(app, *publish: str) -> None:
    """Import the small province and publish the given months."""
    load(app, *WORLD)
    with app.app_context():
        for month in publish:
            publish_month(get_session(), Month.parse(month), Actor("test"))
        get_session().commit()


def receipt_token(session, case_code: str) -> str | None:
    """The receipt token of the file with this code (what its printed receipt carries)."""
    from sqlalchemy import select

    from app.models import Case

    return session.scalar(select(Case.receipt_token).where(Case.code == case_code))


def receipt_link(app, case_code: str) -> str:
    """The rating link printed on the file's receipt, as a path with its query."""
    with app.app_context():
        return f"/ratings/new?case={case_code}&t={receipt_token(get_session(), case_code)}"
