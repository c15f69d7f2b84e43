"""Mail to citizens, sent from the outbox (SPEC §6).

The action a mail tells of (a feedback answered, corrected or declined) writes an `OutboxMail`
in its own transaction (`feedback.service.notify`); this module writes the mail's text in the
citizen's language and sends it, outside any request: once (`flask outbox send`), every
OUTBOX_INTERVAL seconds (`flask outbox work`, the production stack's job worker), or in a thread
of the process under `make run`. A sender first claims a mail (an UPDATE only one sender can win),
so that two processes never send it twice; a mail server that is down leaves the mail waiting,
retried every OUTBOX_RETRY_SECONDS, never lost. Without MAIL_SERVER the mail is written to the log.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import threading
from dataclasses import dataclass
from urllib.parse import quote

from flask import Flask, render_template
from flask_babel import force_locale
from flask_mailman import EmailMessage, Mail
from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm import Session

from app import subscriptions
from app.clock import local_now
from app.feedback.service import find_feedback
from app.models import OutboxMail

log = logging.getLogger("app.outbox")
mail = Mail()
# A sender that took a mail and died holds it this long; then another sends it.
CLAIM = dt.timedelta(minutes=5)
BATCH = 100
LOCAL_SITE = "http://127.0.0.1:5000"  # make run's address: mail links when SITE_URL is not set
_warned: list[bool] = []  # SITE_URL's warning is given once per process


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def summary(self) -> str:
        return f"sent {self.sent}, retrying {self.retrying}, failed {self.failed}"


def waiting(session: Session, now: dt.datetime) -> list[int]:
    """The mails due to be sent now, the oldest first."""
    return list(
        session.scalars(
            select(OutboxMail.id)
            .where(
                OutboxMail.sent_at.is_(None),
                OutboxMail.failed_at.is_(None),
                OutboxMail.next_attempt_at <= now,
                or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now),
            )
            .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
            .limit(BATCH)
        )
    )


def claim(session: Session, mail_id: int, now: dt.datetime) -> bool:
    """Take the mail for this sender (committed), unless another sender has it or sent it."""
    result: CursorResult = session.execute(  # type: ignore[assignment]
        update(OutboxMail)
        .where(
            OutboxMail.id == mail_id,
            OutboxMail.sent_at.is_(None),
            OutboxMail.failed_at.is_(None),
            or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now),
        )
        .values(claimed_until=now + CLAIM)
    )
    session.commit()
    return result.rowcount == 1


def send_waiting(app: Flask, now: dt.datetime | None = None) -> SendReport:
    """Send every mail due now, once each; what fails waits for the next round."""
    report = SendReport()
    session: Session = app.extensions["sessionmaker"]()
    try:
        with app.app_context():
            for mail_id in waiting(session, now or local_now()):
                moment = now or local_now()
                if not claim(session, mail_id, moment):
                    continue
                item = session.get(OutboxMail, mail_id)
                assert item is not None
                _send_one(app, session, item, moment, report)
                session.commit()
    finally:
        session.close()
    return report


def _send_one(app: Flask, session: Session, item: OutboxMail, now: dt.datetime, report: SendReport) -> None:
    item.attempts += 1
    try:
        composed = compose(app, session, item)
        item.subject, item.body = composed.subject, composed.body
        deliver(app, item, composed.headers)
    except Exception as exc:  # noqa: BLE001 - any failure of the server or the network: retry
        if not permanent(exc):
            retry = dt.timedelta(seconds=app.config["OUTBOX_RETRY_SECONDS"])
            item.next_attempt_at, item.claimed_until, item.last_error = now + retry, None, _error(exc)
            report.retrying += 1
            log.warning("mail %s not sent (attempt %s), retrying: %s", item.id, item.attempts, item.last_error)
            return
        item.failed_at, item.claimed_until, item.last_error = now, None, _error(exc)
        report.failed += 1
        log.warning("mail %s refused for good: %s", item.id, item.last_error)
    else:
        item.sent_at, item.claimed_until, item.last_error = now, None, None
        report.sent += 1


class Undeliverable(ValueError):
    """The mail's subject is gone (its feedback deleted): nothing to tell."""


def permanent(exc: Exception) -> bool:
    """A refusal no retry will change: a 5xx reply to the sender or to every recipient (a 4xx
    reply, such as greylisting or throttling, is retried), or a mail about nothing."""
    if isinstance(exc, Undeliverable | subscriptions.Gone):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):  # the sender or the data refused
        return exc.smtp_code >= 500
    return False


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


def _site(app: Flask) -> str:
    if not app.config["SITE_URL"] and not (app.debug or app.testing) and not _warned:
        _warned.append(True)
        log.warning("SITE_URL is not set: mail to citizens links to %s", LOCAL_SITE)
    return app.config["SITE_URL"] or LOCAL_SITE


def compose(app: Flask, session: Session, item: OutboxMail) -> subscriptions.Composed:
    """The mail's subject and text, in its language, from what it tells of as it stands now."""
    if item.topic.startswith("subscription."):
        return subscriptions.compose(app, session, item, _site(app))
    kind, _, code = item.topic.partition(":")
    feedback = find_feedback(session, code) if kind.startswith("feedback.") else None
    if feedback is None:
        raise Undeliverable(item.topic)
    event = kind.removeprefix("feedback.")
    prefix = "/en" if item.lang == "en" else ""
    link = f"{_site(app)}{prefix}/feedback/{quote(feedback.tracking_code)}"
    with app.test_request_context(), force_locale(item.lang):
        text = render_template("mail/feedback.txt", feedback=feedback, event=event, link=link)
    subject, _, body = text.strip().partition("\n")
    return subscriptions.Composed(subject.strip()[:300], body.strip() + "\n")


def deliver(app: Flask, item: OutboxMail, headers: dict[str, str] | None = None) -> None:
    """Send through MAIL_SERVER (with the extra `headers`), or write to the log when there is none."""
    config = app.config
    if not config["MAIL_SERVER"]:
        log.info("mail (no MAIL_SERVER) to %s: %s\n%s", item.recipient, item.subject, item.body)
        return
    connection = mail.get_connection(
        backend="smtp",
        host=config["MAIL_SERVER"],
        port=config["MAIL_PORT"],
        username=config["MAIL_USERNAME"],
        password=config["MAIL_PASSWORD"],
        use_tls=config["MAIL_USE_TLS"],
        use_ssl=False,
        timeout=config["MAIL_TIMEOUT"],
    )
    message = EmailMessage(
        item.subject, item.body, config["MAIL_DEFAULT_SENDER"], [item.recipient], connection=connection
    )
    message.extra_headers["Auto-Submitted"] = "auto-generated"
    message.extra_headers.update(headers or {})
    message.send(fail_silently=False)


class Worker:
    """Sends the outbox every OUTBOX_INTERVAL seconds in a thread of this process (`make run`),
    and at once when an action has just written a mail (`wake`)."""

    def __init__(self, app: Flask):
        self.app = app
        self.event = threading.Event()
        self.thread = threading.Thread(target=self._run, name="outbox", daemon=True)

    def start(self) -> Worker:
        self.thread.start()
        return self

    def wake(self) -> None:
        self.event.set()

    def _run(self) -> None:
        while True:
            self.event.wait(self.app.config["OUTBOX_INTERVAL"])
            self.event.clear()
            try:
                send_waiting(self.app)
            except Exception:  # noqa: BLE001 - the database away for a moment: next round
                log.exception("outbox round failed")


def init_app(app: Flask) -> None:
    mail.init_app(app)
    # Without MAIL_SERVER the mail is written to the log: at INFO, so that it is seen, through the
    # app's logger (this logger is its child; asking for it gives it Flask's handler).
    log.setLevel(logging.INFO)
    app.logger.debug("outbox ready")
    if app.config["OUTBOX_IN_PROCESS"] and not app.testing:
        app.extensions["outbox"] = Worker(app).start()


def wake(app: Flask) -> None:
    """Send the outbox now if this process runs its sender (a mail was just written)."""
    worker = app.extensions.get("outbox")
    if worker is not None:
        worker.wake()
