"""Procedures with every part of the published record, and the decisions that publish them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.agency import Agency
from app.models.base import Base, Timestamped


class Field(Base):
    """Lĩnh vực: the subject area of a procedure."""

    __tablename__ = "fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    slug: Mapped[str] = mapped_column(String(320), unique=True)
    code: Mapped[str | None] = mapped_column(String(60))


class Decision(Base):
    """A publication decision (quyết định công bố)."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(120), unique=True)
    date: Mapped[dt.date | None] = mapped_column(Date)
    issuer: Mapped[str | None] = mapped_column(String(300))

    items: Mapped[list[DecisionItem]] = relationship(back_populates="decision", cascade="all, delete-orphan")


class Procedure(Timestamped, Base):
    __tablename__ = "procedures"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    name_folded: Mapped[str] = mapped_column(Text)
    field_id: Mapped[int | None] = mapped_column(ForeignKey("fields.id"), index=True)
    # The level as the sources write it ("Cấp tỉnh, Cấp xã").
    level: Mapped[str | None] = mapped_column(String(200))
    # "|tinh|xa|": the Level codes found in it, for filtering.
    level_keys: Mapped[str | None] = mapped_column(String(60))
    procedure_type: Mapped[str | None] = mapped_column(String(200))
    subjects: Mapped[str | None] = mapped_column(Text)
    agency_names: Mapped[dict | None] = mapped_column(JSON)
    issuing_agency: Mapped[str | None] = mapped_column(String(300))
    receiving_address: Mapped[str | None] = mapped_column(Text)
    steps: Mapped[list | None] = mapped_column(JSON)
    conditions: Mapped[str | None] = mapped_column(Text)
    results: Mapped[list | None] = mapped_column(JSON)
    related: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="in_force")  # a ProcedureStatus
    # An OnlineLevel: full (toàn trình), online (can be filed online, degree not published), none.
    online_level: Mapped[str | None] = mapped_column(String(10), index=True)
    postal: Mapped[bool | None] = mapped_column(Boolean, index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), index=True)
    source_url: Mapped[str | None] = mapped_column(String(500))
    sources: Mapped[str | None] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))

    field: Mapped[Field | None] = relationship()
    decision: Mapped[Decision | None] = relationship()
    channels: Mapped[list[Channel]] = relationship(
        order_by="Channel.position", cascade="all, delete-orphan", back_populates="procedure"
    )
    documents: Mapped[list[Document]] = relationship(order_by="Document.position", cascade="all, delete-orphan")
    legal_bases: Mapped[list[LegalBasis]] = relationship(order_by="LegalBasis.position", cascade="all, delete-orphan")
    agency_links: Mapped[list[ProcedureAgency]] = relationship(cascade="all, delete-orphan", back_populates="procedure")


class Channel(Base):
    """Cách thức thực hiện: one way of filing, with its own time limit and fees."""

    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(60))  # a ChannelMethod
    # The source's wording of a method no rule recognises (method "other"), shown in its place.
    method_text: Mapped[str | None] = mapped_column(String(200))
    processing_value: Mapped[float | None] = mapped_column(Float)
    # A TimeUnit; None when the source gives a bare number.
    processing_unit: Mapped[str | None] = mapped_column(String(20))
    processing_text: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)

    procedure: Mapped[Procedure] = relationship(back_populates="channels")
    fees: Mapped[list[Fee]] = relationship(order_by="Fee.position", cascade="all, delete-orphan")


class Fee(Base):
    __tablename__ = "fees"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    amount_vnd: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)


class Document(Base):
    """Thành phần hồ sơ: one paper the applicant brings."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    form: Mapped[str | None] = mapped_column(Text)
    original_qty: Mapped[int] = mapped_column(Integer, default=0)
    copy_qty: Mapped[int] = mapped_column(Integer, default=0)
    group_name: Mapped[str | None] = mapped_column(Text)


class LegalBasis(Base):
    """Căn cứ pháp lý: a legal document by number and title."""

    __tablename__ = "legal_bases"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(Text)


class DecisionItem(Base):
    """A procedure that a decision adds (new), amends or abolishes."""

    __tablename__ = "decision_items"
    __table_args__ = (UniqueConstraint("decision_id", "procedure_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), index=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(12))  # a DecisionAction

    decision: Mapped[Decision] = relationship(back_populates="items")
    procedure: Mapped[Procedure] = relationship()


class ProcedureSource(Base):
    """One source's canonical record of a procedure; the procedure is the merge of these."""

    __tablename__ = "procedure_sources"
    __table_args__ = (UniqueConstraint("procedure_code", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_code: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict] = mapped_column(JSON)


class ProcedureAgency(Base):
    """An agency of the province's tree that carries out a procedure."""

    __tablename__ = "procedure_agencies"

    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id", ondelete="CASCADE"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20))  # an AgencyRole

    procedure: Mapped[Procedure] = relationship(back_populates="agency_links")
    agency: Mapped[Agency] = relationship()
