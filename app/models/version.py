"""How many times each table has been written: what the page cache checks its pages against."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class DataVersion(Base):
    """One row per table that has been written; `version` grows by one with each committed
    transaction that inserted, updated or deleted rows of it (see app/versioning.py)."""

    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
