"""What the Atom feeds carry (SPEC §2 `/feeds/...`): each published or corrected month of the late
tables (the province's, or one agency's), each published answer, each publication decision. The
entries are plain data; app/routes/feeds.py writes them as Atom."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.clock import VIETNAM
from app.feedback.codes import FeedbackStatus
from app.late.rules import on_time_rate
from app.models import AgencyMonth, Decision, DecisionItem, Feedback, Procedure, PublishedMonth

LIMIT = 50  # entries in a feed, the latest first


def aware(moment: dt.datetime | dt.date, zone: dt.timezone = VIETNAM) -> dt.datetime:
    """A stored moment with its offset: naive ones are Vietnam's time, as every stored date-time of
    the site, but for the database's own timestamps (`updated_at`, in UTC: pass `zone`)."""
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time())
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


@dataclass(frozen=True)
class MonthEntry:
    """A published month's headline figures, with the notes of its corrections."""

    month: str
    first_published_at: dt.datetime
    published_at: dt.datetime
    revision: int
    notes: list[str]
    resolved: int
    late: int
    on_time_rate: float | None
    pending_overdue: int
    apologies: int


def month_entries(session: Session, agency_id: int | None = None) -> list[MonthEntry]:
    """Every published month (of one agency's figures when `agency_id`), the latest first."""
    sums = select(
        AgencyMonth.month,
        func.sum(AgencyMonth.resolved),
        func.sum(AgencyMonth.early),
        func.sum(AgencyMonth.on_time),
        func.sum(AgencyMonth.late),
        func.sum(AgencyMonth.pending_overdue),
        func.sum(AgencyMonth.apologies),
    ).group_by(AgencyMonth.month)
    if agency_id is not None:
        sums = sums.where(AgencyMonth.agency_id == agency_id)
    figures = {row[0]: row[1:] for row in session.execute(sums)}
    months = session.scalars(
        select(PublishedMonth)
        .options(selectinload(PublishedMonth.revisions))
        .order_by(PublishedMonth.month.desc())
        .limit(LIMIT)
    )
    entries = []
    for published in months:
        if published.month not in figures:
            continue  # the agency had no file that month
        resolved, early, on_time, late, overdue, apologies = (int(v or 0) for v in figures[published.month])
        entries.append(
            MonthEntry(
                published.month,
                aware(published.first_published_at),
                aware(published.published_at),
                published.revision,
                [r.note for r in published.revisions if r.note],
                resolved,
                late,
                on_time_rate(early, on_time, resolved),
                overdue,
                apologies,
            )
        )
    return entries


def answer_entries(session: Session) -> list[Feedback]:
    """The latest published answers (only those the citizen agreed to publish)."""
    return list(
        session.scalars(
            select(Feedback)
            .where(
                Feedback.published.is_(True),
                Feedback.publish_consent.is_(True),
                Feedback.status == FeedbackStatus.ANSWERED,
            )
            .options(selectinload(Feedback.agency), selectinload(Feedback.procedure))
            .order_by(Feedback.answered_at.desc(), Feedback.id.desc())
            .limit(LIMIT)
        )
    )


@dataclass(frozen=True)
class DecisionEntry:
    decision: Decision
    updated: dt.datetime
    procedures: int


def decision_entries(session: Session) -> list[DecisionEntry]:
    """The latest publication decisions, with how many procedures each lists. A decision without a
    date is dated by the last change to its procedures (when the site learnt of it)."""
    latest_change = (
        select(DecisionItem.decision_id, func.max(Procedure.updated_at), func.count(DecisionItem.id))
        .join(Procedure, Procedure.id == DecisionItem.procedure_id)
        .group_by(DecisionItem.decision_id)
    )
    changes = {decision_id: (changed, count) for decision_id, changed, count in session.execute(latest_change)}
    decisions = session.scalars(
        select(Decision).order_by(Decision.date.desc().nulls_last(), Decision.number).limit(LIMIT)
    )
    entries = []
    for decision in decisions:
        changed, count = changes.get(decision.id, (None, 0))
        if decision.date is not None:
            updated = aware(decision.date)
        else:
            updated = aware(changed or dt.datetime(2000, 1, 1), dt.UTC)
        entries.append(DecisionEntry(decision, updated, count))
    return entries
