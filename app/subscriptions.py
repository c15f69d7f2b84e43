"""Mail subscriptions to the monthly publication of the late tables, for the province or one agency.

Double opt-in: subscribing writes an unconfirmed row and a mail with its confirm link; only a
confirmed address is told of publications. Each mail about a month carries a one-click unsubscribe
link (RFC 8058), which deletes the row. The page that answers a subscription says the same whether
the address was new, waiting or confirmed, so that it tells no one who subscribes; a waiting
address is mailed again at most once an hour (SUBSCRIPTION_RESEND_MINUTES), and an address never
confirmed is deleted after SUBSCRIPTION_CONFIRM_DAYS. Mail goes through the outbox
(app/outbox.py), written in the transaction of the action it tells of.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from flask import Flask, render_template
from flask_babel import force_locale
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from app.late.rules import Month
from app.models import Agency, AgencyMonth, OutboxMail, Subscription

CONFIRM = "subscription.confirm"
MONTH = "subscription.month"


@dataclass
class Composed:
    """A mail's subject, text and extra headers, written when it is sent."""

    subject: str
    body: str
    headers: dict[str, str] = field(default_factory=dict)


def _normal(email: str) -> str:
    return email.strip().lower()


def _mail(session: Session, subscription: Subscription, topic: str, now: dt.datetime) -> None:
    session.add(
        OutboxMail(
            created_at=now, topic=topic, recipient=subscription.email, lang=subscription.lang, next_attempt_at=now
        )
    )


def purge(session: Session, now: dt.datetime, days: int) -> int:
    """Delete the subscriptions left unconfirmed for `days`."""
    result = session.execute(
        delete(Subscription).where(
            Subscription.confirmed_at.is_(None), Subscription.created_at < now - dt.timedelta(days=days)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def subscribe(session: Session, email: str, agency: Agency | None, lang: str, now: dt.datetime, config) -> Subscription:
    """Subscribe `email` (not committed): a new or waiting address gets the confirm mail (a waiting
    one at most once per SUBSCRIPTION_RESEND_MINUTES); a confirmed one nothing."""
    purge(session, now, config["SUBSCRIPTION_CONFIRM_DAYS"])
    email = _normal(email)
    found = session.scalar(
        select(Subscription).where(
            Subscription.email == email,
            Subscription.agency_id.is_(None) if agency is None else Subscription.agency_id == agency.id,
        )
    )
    if found is None:
        found = Subscription(
            email=email,
            agency_id=agency.id if agency else None,
            lang=lang,
            token=secrets.token_urlsafe(16),
            created_at=now,
            confirm_sent_at=now,
        )
        session.add(found)
        session.flush()
        _mail(session, found, f"{CONFIRM}:{found.id}", now)
    elif found.confirmed_at is None and now - found.confirm_sent_at >= dt.timedelta(
        minutes=config["SUBSCRIPTION_RESEND_MINUTES"]
    ):
        found.confirm_sent_at, found.lang = now, lang
        _mail(session, found, f"{CONFIRM}:{found.id}", now)
    return found


def by_token(session: Session, token: str) -> Subscription | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(select(Subscription).where(Subscription.token == token))


def confirm(session: Session, token: str, now: dt.datetime, days: int) -> Subscription | None:
    """Confirm the subscription of this token (not committed); None when there is none, or it expired."""
    found = by_token(session, token)
    if found is None:
        return None
    if found.confirmed_at is None:
        if now - found.created_at >= dt.timedelta(days=days):
            return None
        found.confirmed_at = now
    return found


def unsubscribe(session: Session, token: str) -> bool:
    """Delete the subscription of this token (not committed); False when there was none."""
    found = by_token(session, token)
    if found is None:
        return False
    session.delete(found)
    return True


def notify_publication(session: Session, month: Month, revision: int, now: dt.datetime) -> int:
    """Write a mail to every confirmed subscriber of the province, and of each agency with figures in
    `month`, telling of its publication (revision 1) or correction (in the publishing transaction)."""
    agencies = select(AgencyMonth.agency_id).where(AgencyMonth.month == str(month))
    subscribers = session.scalars(
        select(Subscription).where(
            Subscription.confirmed_at.is_not(None),
            or_(Subscription.agency_id.is_(None), Subscription.agency_id.in_(agencies)),
        )
    )
    count = 0
    for subscription in subscribers:
        _mail(session, subscription, f"{MONTH}:{subscription.id}:{month}:{revision}", now)
        count += 1
    return count


class Gone(ValueError):
    """The subscription a mail was for is gone (unsubscribed before it was sent)."""


def compose(app: Flask, session: Session, item: OutboxMail, site: str) -> Composed:
    """A subscription mail's text, in its language, from the subscription and figures as they stand."""
    kind, _, rest = item.topic.partition(":")
    subscription_id, _, month_revision = rest.partition(":")
    subscription = session.get(Subscription, int(subscription_id)) if subscription_id.isdigit() else None
    if subscription is None:
        raise Gone(item.topic)
    prefix = site + ("/en" if item.lang == "en" else "")
    unsubscribe_link = f"{prefix}/subscriptions/unsubscribe/{subscription.token}"
    context: dict = {"subscription": subscription, "agency": subscription.agency, "unsubscribe": unsubscribe_link}
    headers = {}
    if kind == CONFIRM:
        template = "mail/subscription_confirm.txt"
        context["link"] = f"{prefix}/subscriptions/confirm/{subscription.token}"
    elif kind == MONTH and subscription.confirmed_at is not None:
        from app.late import tables

        month_text, _, revision = month_revision.partition(":")
        month = Month.parse(month_text)
        period = tables.Period(month, month)
        args = {"parent": subscription.agency.code} if subscription.agency else {}
        table = tables.agency_table(session, period, args)
        own = next((r for r in table.rows if subscription.agency and r.agency_code == subscription.agency.code), None)
        template = "mail/subscription_month.txt"
        page = f"/agencies/{subscription.agency.code}" if subscription.agency else f"/late?month={month}"
        context.update(
            month=str(month), corrected=revision not in ("", "1"), figures=own or table.totals, link=prefix + page
        )
        # RFC 8058: mail programs offer their own unsubscribe button, which posts to this link.
        headers = {"List-Unsubscribe": f"<{unsubscribe_link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    else:
        raise Gone(item.topic)
    with app.test_request_context(), force_locale(item.lang):
        text = render_template(template, **context)
    subject, _, body = text.strip().partition("\n")
    return Composed(subject.strip()[:300], body.strip() + "\n", headers)
