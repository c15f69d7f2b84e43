"""The audit log: every change the Office is accountable for, with who, what, when, before, after.

Services write their own entry in the transaction of the change, so the browser and the command
line leave the same record; only the actor differs (an account, or `cli:<user>`)."""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.clock import local_now
from app.models import Account, AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who made a change: an account of the back office, or a person at the command line."""

    name: str
    account_id: int | None = None

    @classmethod
    def of(cls, account: Account) -> Actor:
        return cls(account.email, account.id)

    @classmethod
    def command_line(cls) -> Actor:
        """The person running the command, as `cli:<user>`."""
        try:
            user = getpass.getuser()
        except (KeyError, OSError):  # no name for this uid (some containers)
            user = "unknown"
        return cls(f"cli:{user}")


def record(
    session: Session,
    actor: Actor | Account,
    action: str,
    target_type: str | None = None,
    target: str | None = None,
    summary: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
    now: dt.datetime | None = None,
) -> AuditEntry:
    """Add an entry to the log (committed with the change it records)."""
    if isinstance(actor, Account):
        actor = Actor.of(actor)
    entry = AuditEntry(
        at=now or local_now(),
        account_id=actor.account_id,
        actor=actor.name,
        action=action,
        target_type=target_type,
        target=target,
        summary=summary,
        before=_plain(before),
        after=_plain(after),
    )
    session.add(entry)
    return entry


def history(session: Session, target_type: str, target: str | None = None, limit: int = 50) -> list[AuditEntry]:
    """The latest logged changes of one record, or of every record of a kind when `target` is None."""
    from sqlalchemy import select

    query = select(AuditEntry).where(AuditEntry.target_type == target_type)
    if target is not None:
        query = query.where(AuditEntry.target == target)
    return list(session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)))


def _plain(values: dict | None) -> dict | None:
    """Values as JSON can hold them (dates as ISO text)."""
    if values is None:
        return None
    return {k: v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v for k, v in values.items()}
