"""The audit log, for administrators: on screen and as CSV."""

from __future__ import annotations

import json

from flask import render_template, request
from sqlalchemy import func, select

from app.db import get_session
from app.models import AuditEntry
from app.params import Page, int_param
from app.routes._csv import csv_response
from app.routes.admin import bp, require

PER_PAGE = 100


@bp.get("/audit")
@require("admin")
def audit_log():
    db = get_session()
    page = int_param(request.args, "page", 1, 1, 100000)
    total = db.scalar(select(func.count(AuditEntry.id)))
    rows = db.scalars(
        select(AuditEntry)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    return render_template("admin/audit.html", page=Page(list(rows), total, page, PER_PAGE))


@bp.get("/audit.csv")
@require("admin")
def audit_csv():
    """Download the whole audit log, the oldest entry first."""
    header = ["at", "actor", "action", "target_type", "target", "summary", "before", "after"]
    rows = (
        [
            entry.at.isoformat(sep=" "),
            entry.actor,
            entry.action,
            entry.target_type or "",
            entry.target or "",
            entry.summary or "",
            json.dumps(entry.before, ensure_ascii=False) if entry.before else "",
            json.dumps(entry.after, ensure_ascii=False) if entry.after else "",
        ]
        for entry in get_session().scalars(select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id))
    )
    return csv_response("audit-log.csv", header, rows)
