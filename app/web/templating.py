"""The code lists for templates, each code's label in the visitor's language, and list filters."""

from itertools import groupby
from operator import attrgetter

from flask import Flask
from flask_babel import gettext

from app.admin.codes import AccountRole
from app.catalogue.codes import AgencyRole, ChannelMethod, DecisionAction, Level, OnlineLevel, ProcedureStatus, TimeUnit
from app.codes import CodeList
from app.feedback.codes import FeedbackKind, FeedbackStatus, Overall
from app.late.codes import CaseStatus, EventKind, HolidayKind

# Templates name the lists (`Level`, `FeedbackStatus`, ...) to iterate them or to label a stored code.
CODE_LISTS = (
    AccountRole,
    AgencyRole,
    CaseStatus,
    ChannelMethod,
    DecisionAction,
    EventKind,
    FeedbackKind,
    FeedbackStatus,
    HolidayKind,
    Level,
    OnlineLevel,
    Overall,
    ProcedureStatus,
    TimeUnit,
)


def label(value, codes: type[CodeList] | None = None) -> str:
    """The label of a code in the visitor's language: `member|label`, or `stored|label(List)`; a value
    the list does not know is shown as it is."""
    member = value if isinstance(value, CodeList) else codes.get(value) if codes else None
    if member is None:
        return "" if value is None else str(value)
    return gettext(member.label)


def consecutive_groups(items, attribute: str):
    """Group items by an attribute, keeping their order (Jinja's groupby sorts them)."""
    return [(key, list(group)) for key, group in groupby(items, key=attrgetter(attribute))]


def procedure_snippet(procedure, words: set[str]) -> str | None:
    """The passage of a procedure's record that best shows why a search found it."""
    from app.search.highlight import snippet

    parts = [procedure.subjects, procedure.conditions]
    parts += [r.get("name") if isinstance(r, dict) else r for r in procedure.results or []]
    parts += [s for s in procedure.steps or [] if isinstance(s, str)]
    return snippet([p for p in parts if isinstance(p, str)], words) if words else None


def init_app(app: Flask) -> None:
    from app.catalogue.checklist import checklist, item_name
    from app.search.engine import national_code
    from app.search.highlight import highlight
    from app.web.labels import field_name, level_text

    app.jinja_env.filters["consecutive_groups"] = consecutive_groups
    app.jinja_env.filters["highlight"] = highlight
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["national_code"] = national_code
    app.jinja_env.globals["procedure_snippet"] = procedure_snippet
    app.jinja_env.globals["checklist"] = checklist
    app.jinja_env.filters["item_name"] = item_name
    app.jinja_env.filters["field_name"] = field_name
    app.jinja_env.filters["level_text"] = level_text
    app.jinja_env.globals.update({codes.__name__: codes for codes in CODE_LISTS})
