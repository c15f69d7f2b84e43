"""Officers, case files and their processing steps, holiday overrides, and published months."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.agency import Agency
from app.models.base import Base, Timestamped
from app.models.tokens import new_receipt_token


class Officer(Timestamped, Base):
    """Cán bộ, công chức, viên chức: named in published late tables only."""

    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)

    agency: Mapped[Agency | None] = relationship()


class Case(Base):
    """Hồ sơ: one procedure file. Date-times are local (Asia/Ho_Chi_Minh) and stored naive."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_finished_at", "finished_at"), Index("ix_cases_received_at", "received_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(100), unique=True)
    procedure_code: Mapped[str | None] = mapped_column(String(64))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # The promised date as imported; None means "computed from the procedure's time limit".
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # False when the promise names only a day: its due moment is the end of that day.
    due_has_time: Mapped[bool] = mapped_column(Boolean, default=False)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # None, or a CaseStatus (withdrawn, rejected): such files are left out of every figure.
    status: Mapped[str | None] = mapped_column(String(20))
    apology_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    officer_code: Mapped[str | None] = mapped_column(String(64))
    # The secret only the file's printed receipt carries (app/receipts.py): random and stored, set
    # when the file is first imported and kept by every later import of it.
    receipt_token: Mapped[str | None] = mapped_column(String(32), unique=True, default=new_receipt_token)

    agency: Mapped[Agency] = relationship()
    steps: Mapped[list[Step]] = relationship(order_by="Step.step_no", back_populates="case")
    events: Mapped[list[CaseEvent]] = relationship(order_by="CaseEvent.at", back_populates="case")


class CaseEvent(Base):
    """What happened to a file between receipt and result (`import events`): a supplement asked
    for or received, a new appointment, an apology, an explanation."""

    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_id", "event", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(30))  # an EventKind
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    new_due_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    new_due_has_time: Mapped[bool] = mapped_column(Boolean, default=False)

    case: Mapped[Case] = relationship(back_populates="events")


class Step(Base):
    """One processing step of a case, with its own officer and sub-deadline."""

    __tablename__ = "steps"
    __table_args__ = (UniqueConstraint("case_id", "step_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    step_no: Mapped[int] = mapped_column(Integer)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    due_has_time: Mapped[bool] = mapped_column(Boolean, default=False)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    case: Mapped[Case] = relationship(back_populates="steps")
    officer: Mapped[Officer] = relationship()


class HolidayOverride(Base):
    """A day the government made off (`off`) or a weekend day made a working day (`work`)."""

    __tablename__ = "holiday_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))  # a HolidayKind


class PublishedMonth(Base):
    """A month whose late tables are public, with the figures frozen when it was published."""

    __tablename__ = "published_months"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), unique=True)
    first_published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str | None] = mapped_column(String(200))
    revision: Mapped[int] = mapped_column(Integer, default=1)

    revisions: Mapped[list[MonthRevision]] = relationship(
        order_by="MonthRevision.revision", cascade="all, delete-orphan"
    )


class MonthRevision(Base):
    """A public note saying why a published month was corrected and republished."""

    __tablename__ = "month_revisions"
    __table_args__ = (UniqueConstraint("published_month_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    published_month_id: Mapped[int] = mapped_column(ForeignKey("published_months.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text)
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str | None] = mapped_column(String(200))


class AgencyMonth(Base):
    """One agency's published figures for one month."""

    __tablename__ = "agency_months"
    __table_args__ = (UniqueConstraint("month", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    resolved: Mapped[int] = mapped_column(Integer, default=0)
    early: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)
    pending_overdue: Mapped[int] = mapped_column(Integer, default=0)
    apologies: Mapped[int] = mapped_column(Integer, default=0)
    # Files waiting for the applicant's documents at the month's end (never pending overdue).
    waiting_applicant: Mapped[int] = mapped_column(Integer, default=0)
    # Files resolved in the month whose agency asked for documents more than once (all late).
    repeat_supplement: Mapped[int] = mapped_column(Integer, default=0)
    # Every file received and not finished at the month's end, for the national indicator 2.1.
    pending: Mapped[int] = mapped_column(Integer, default=0)


class OfficerMonth(Base):
    """One officer's published late files and days late for one month."""

    __tablename__ = "officer_months"
    __table_args__ = (UniqueConstraint("month", "officer_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    # Frozen with the month: a later rename or move of the officer does not rewrite history.
    officer_code: Mapped[str] = mapped_column(String(64))
    officer_name: Mapped[str] = mapped_column(String(200))
    officer_title: Mapped[str | None] = mapped_column(String(200))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    late_files: Mapped[int] = mapped_column(Integer, default=0)
    days_late: Mapped[int] = mapped_column(Integer, default=0)


class LateFile(Base):
    """One file resolved late in a published month, frozen with the month like the tables."""

    __tablename__ = "late_files"
    __table_args__ = (UniqueConstraint("month", "case_code"), Index("ix_late_files_month_agency", "month", "agency_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    case_code: Mapped[str] = mapped_column(String(100))
    procedure_code: Mapped[str | None] = mapped_column(String(64))
    procedure_name: Mapped[str | None] = mapped_column(Text)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # The effective due moment: the promise moved by the pauses for documents.
    due_at: Mapped[dt.datetime] = mapped_column(DateTime)
    due_has_time: Mapped[bool] = mapped_column(Boolean, default=False)
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime)
    days_late: Mapped[int] = mapped_column(Integer)
    apology: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    rescheduled_to: Mapped[dt.datetime | None] = mapped_column(DateTime)
    rescheduled_has_time: Mapped[bool] = mapped_column(Boolean, default=False)
    supplements: Mapped[int] = mapped_column(Integer, default=0)

    officers: Mapped[list[LateFileOfficer]] = relationship(
        order_by="LateFileOfficer.officer_code", cascade="all, delete-orphan", passive_deletes=True
    )


# The list's default order (days late, most first, then case code) read straight from an index:
# within a month, and across the months of a period.
Index("ix_late_files_month_days_late", LateFile.month, LateFile.days_late.desc(), LateFile.case_code)
Index("ix_late_files_days_late", LateFile.days_late.desc(), LateFile.case_code, LateFile.month)


class LateFileOfficer(Base):
    """An officer responsible for a published late file, with the days late charged to them."""

    __tablename__ = "late_file_officers"
    __table_args__ = (UniqueConstraint("late_file_id", "officer_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    late_file_id: Mapped[int] = mapped_column(ForeignKey("late_files.id", ondelete="CASCADE"))
    officer_code: Mapped[str] = mapped_column(String(64), index=True)
    days_late: Mapped[int] = mapped_column(Integer)
