"""Imports from the browser: the file is kept, previewed by running the very import the command line
runs inside a transaction that is rolled back, and applied only when confirmed."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.imports import KINDS
from app.imports.errors import ImportReport

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def preview(engine: Engine, importer, data: bytes) -> ImportReport:
    """What importing `data` would do: the same code as a real import, in a transaction rolled back."""
    with Session(bind=engine) as session:
        try:
            return importer(session, data)
        finally:
            session.rollback()


def keep_upload(directory: str, kind: str, data: bytes) -> str:
    """Store an uploaded file until it is confirmed; return its token."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.{kind}").write_bytes(data)
    return token


def upload_path(directory: str, token: str, kind: str) -> Path | None:
    """The kept file of `token`, or None for an unknown or malformed token."""
    if not _TOKEN.match(token or "") or kind not in KINDS:
        return None
    path = Path(directory) / f"{token}.{kind}"
    return path if path.is_file() else None
