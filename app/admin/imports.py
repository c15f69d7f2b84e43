"""Imports from the browser: the file is kept, previewed by running the very import the command line
runs inside a transaction that is rolled back, and applied only when its uploader confirms it."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import secrets
import time
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.imports import KINDS
from app.imports.errors import ImportReport

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
# An upload not confirmed within this time is removed.
MAX_AGE = dt.timedelta(days=1)


def preview(engine: Engine, importer, data: bytes) -> ImportReport:
    """What importing `data` would do: the same code as a real import, in a transaction rolled back."""
    with Session(bind=engine) as session:
        try:
            return importer(session, data)
        finally:
            session.rollback()


def keep_upload(directory: str, kind: str, data: bytes, account_id: int, filename: str) -> str:
    """Store an uploaded file until its uploader confirms it; return its token. Files left
    unconfirmed for more than `MAX_AGE` go when the next one comes."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    _sweep(folder)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.{kind}").write_bytes(data)
    owner = {"account": account_id, "filename": Path(filename or "").name[:120]}
    (folder / f"{token}.json").write_text(json.dumps(owner))
    return token


def kept_upload(directory: str, token: str, kind: str, account_id: int) -> tuple[Path, str] | None:
    """The kept file of `token` and the name it was uploaded under, only for the account that
    uploaded it; None for an unknown or malformed token, or someone else's."""
    if not _TOKEN.match(token or "") or kind not in KINDS:
        return None
    path, about = Path(directory) / f"{token}.{kind}", Path(directory) / f"{token}.json"
    if not (path.is_file() and about.is_file()):
        return None
    owner = json.loads(about.read_text())
    if owner.get("account") != account_id:
        return None
    return path, owner.get("filename") or path.name


def discard(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.with_suffix(".json").unlink(missing_ok=True)


def _sweep(folder: Path, now: float | None = None) -> None:
    limit = (now or time.time()) - MAX_AGE.total_seconds()
    for old in folder.iterdir():
        with contextlib.suppress(FileNotFoundError):
            if old.is_file() and old.stat().st_mtime < limit:
                old.unlink()
