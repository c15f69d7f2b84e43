"""The Office's accounts and the audit log of everything changed through the back office."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.agency import Agency
from app.models.base import Base


class Account(Base):
    """A person of the Office (administrator or editor) or of an agency (responder)."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))  # an AccountRole
    # A responder answers the feedback of this agency only.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Changed with the password: sessions opened before a change stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)

    agency: Mapped[Agency | None] = relationship()


class AuditEntry(Base):
    """One change made through the back office: who, what, when, before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), index=True)
    # Kept as written: the log outlives renamed or removed accounts.
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(254))  # a code, a case code or an email
    summary: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


class Job(Base):
    """A piece of back-office work run outside the request (app/jobs.py): an import's preview or
    its application. The row is the job's truth, whichever runner runs it: its state, how far it
    has come, what it gave (an import's report) or why it failed; a job whose runner died shows
    as such (no heartbeat for JOB_STALE_SECONDS) and can be run again."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_account_created", "account_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # one of app.jobs.KINDS
    # queued, running, done or failed
    state: Mapped[str] = mapped_column(String(12), default="queued")
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    params: Mapped[dict] = mapped_column(JSON)
    # How far it has come: a stage ("reading", "checking", "writing") and rows done of total.
    stage: Mapped[str | None] = mapped_column(String(20))
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
