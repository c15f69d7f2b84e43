"""The declarative base shared by every model, and the lookup of a row by its code."""

import datetime as dt

from sqlalchemy import DateTime, MetaData, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Timestamped:
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


def by_code(session: Session, model, code: str | None):
    """The row of `model` with this code (stripped), or None for no code or no such row."""
    code = (code or "").strip()
    return session.scalar(select(model).where(model.code == code)) if code else None
