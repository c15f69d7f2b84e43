"""The audit log: every change made through the back office, with who, what, when, before, after."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.clock import local_now
from app.models import Account, AuditEntry


def record(session: Session, account: Account | None, action: str, target_type: str | None = None,
           target: str | None = None, summary: str | None = None, before: dict | None = None,
           after: dict | None = None, now: dt.datetime | None = None) -> AuditEntry:
    """Add an entry to the log (committed with the change it records)."""
    entry = AuditEntry(at=now or local_now(), account_id=account.id if account else None,
                       actor=account.email if account else "command line", action=action,
                       target_type=target_type, target=target, summary=summary,
                       before=_plain(before), after=_plain(after))
    session.add(entry)
    return entry


def _plain(values: dict | None) -> dict | None:
    """Values as JSON can hold them (dates as ISO text)."""
    if values is None:
        return None
    return {k: v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v for k, v in values.items()}
