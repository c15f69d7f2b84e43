"""Citizens' feedback (phản ánh, kiến nghị) and satisfaction ratings.

Contact details are kept for the Office only and never shown on a public page; client addresses
are kept only as keyed hashes, to trace abuse without holding anyone's address.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.agency import Agency
from app.models.base import Base, Timestamped
from app.models.late import Case, Officer
from app.models.procedure import Procedure


class Feedback(Timestamped, Base):
    """One phản ánh or kiến nghị, followed by its tracking code."""

    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_public", "published", "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # a FeedbackKind
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedures.id", ondelete="SET NULL"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    content: Mapped[str] = mapped_column(Text)
    # The question and its answer folded (no diacritics), for searching the published answers.
    folded: Mapped[str] = mapped_column(Text, default="")
    # Private: for the Office to reply; never on a public page.
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    publish_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    # a FeedbackStatus
    status: Mapped[str] = mapped_column(String(20), default="received", index=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    answered_by: Mapped[str | None] = mapped_column(String(200))
    # Shown in /feedback only when the citizen consented and the Office chose to publish.
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    client_hash: Mapped[str | None] = mapped_column(String(64))
    # The language the citizen wrote in (the site's language then): their mail is in it.
    lang: Mapped[str] = mapped_column(String(8), default="vi", server_default="vi")

    procedure: Mapped[Procedure | None] = relationship()
    agency: Mapped[Agency | None] = relationship()
    events: Mapped[list[FeedbackEvent]] = relationship(
        order_by="FeedbackEvent.at", cascade="all, delete-orphan", back_populates="feedback"
    )


class FeedbackEvent(Base):
    """A change of a feedback's status, with its date: the history the tracking page shows."""

    __tablename__ = "feedback_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text)

    feedback: Mapped[Feedback] = relationship(back_populates="events")


class Rating(Base):
    """One citizen's rating of how a file or a service was handled; counts in the month given."""

    __tablename__ = "ratings"
    __table_args__ = (Index("ix_ratings_month_agency", "month", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM, local time
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedures.id", ondelete="SET NULL"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"), index=True)
    # Set only for a verified rating (the file's receipt token was given): one per file. A rating
    # without a valid token claims no file.
    case_code: Mapped[str | None] = mapped_column(String(100), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    overall: Mapped[str] = mapped_column(String(20))  # an Overall
    criteria_set: Mapped[str] = mapped_column(String(40))
    # {"1": 2, "2": 1, ...}: the criteria scored, 0 to 2 each.
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    score_total: Mapped[int] = mapped_column(Integer, default=0)
    # Every criterion of the set scored: only these count in the average score.
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str | None] = mapped_column(Text)
    # A comment is public only once the Office approved it; the scores count at once.
    comment_approved: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    comment_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    client_hash: Mapped[str | None] = mapped_column(String(64))

    agency: Mapped[Agency] = relationship()
    procedure: Mapped[Procedure | None] = relationship()
    officer: Mapped[Officer | None] = relationship()
    case: Mapped[Case | None] = relationship()


class OutboxMail(Base):
    """A mail waiting to be sent (or sent): written in the transaction of the action it tells of,
    sent afterwards with retries, so a mail server that is down neither fails the action nor loses
    the mail (app/outbox.py). Its text is written when it is sent, in its language."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_waiting", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # What the mail is about, such as "feedback.answered:7K3M-Q9XD-2H4T-8RWC".
    topic: Mapped[str] = mapped_column(String(100))
    recipient: Mapped[str] = mapped_column(String(254))
    lang: Mapped[str] = mapped_column(String(8), default="vi")
    # What was sent (empty until then).
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # A sender that took the mail holds it until then: another never sends it meanwhile.
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The server refused the mail for good (an address that does not exist): never retried.
    failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class Subscription(Base):
    """An address told by mail when a month of the late tables is published or corrected, for the
    province or for one agency (app/subscriptions.py). It counts only once its owner confirms from
    the mail it was sent (double opt-in); unconfirmed it is deleted after SUBSCRIPTION_CONFIRM_DAYS,
    and it is deleted the moment its owner unsubscribes. Never shown on any page."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    # None: the whole province's publication.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(8), default="vi")
    # The secret of its confirm and unsubscribe links.
    token: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    confirm_sent_at: Mapped[dt.datetime] = mapped_column(DateTime)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    agency: Mapped[Agency | None] = relationship()
