"""Printing receipts: one file's, or a counter's daily batch, each with its QR code (SPEC §6)."""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _

from app import audit, clock
from app.db import get_session
from app.feedback.service import selectable_agencies
from app.late import status
from app.late.rules import FIRST_YEAR, LAST_YEAR
from app.models import Agency, by_code
from app.params import BadParameter
from app.routes.admin import bp, current_account, require
from app.web.qr import qr_svg_inline


@bp.get("/receipts")
@require("editor", "responder")
def receipts():
    """Choose what to print: a file by its code, or the files an agency received on a day."""
    session = get_session()
    account = current_account()
    agencies = [account.agency] if account.role == "responder" and account.agency else selectable_agencies(session)
    return render_template("admin/receipts.html", agencies=agencies, today=clock.local_now().date())


@bp.get("/receipts/print")
@require("editor", "responder")
def receipts_print():
    """The receipts asked for, one per A6 page when printed, with the QR code of the rating link."""
    session = get_session()
    account = current_account()
    codes = [c.strip() for c in request.args.get("case", "").replace(",", "\n").splitlines() if c.strip()][:500]
    agency = by_code(session, Agency, request.args.get("agency"))
    day = None
    if request.args.get("day"):
        try:
            day = dt.date.fromisoformat(request.args["day"])
        except ValueError:
            raise BadParameter("day", request.args["day"], "YYYY-MM-DD") from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise BadParameter("day", request.args["day"], f"a day of {FIRST_YEAR} to {LAST_YEAR}")
    if not codes and (agency is None or day is None):
        raise BadParameter("case", request.args.get("case", ""), "a case code, or an agency and a day")
    agency_id = agency.id if agency else None
    if account.role == "responder":
        if account.agency_id is None or (agency_id is not None and agency_id != account.agency_id):
            abort(403)
        agency_id = account.agency_id
    found = status.receipts(session, codes=codes or None, agency_id=agency_id, day=day if not codes else None)
    base = current_app.config["SITE_URL"] or url_for("main.index", _external=True).rstrip("/")
    cards = [
        {
            "receipt": r,
            "rating": status.rating_link(base, r.code, r.token),
            "status": status.status_link(base, r.code, r.token),
            "qr": qr_svg_inline(
                status.rating_link(base, r.code, r.token), _("Mã QR đánh giá hồ sơ %(code)s", code=r.code)
            ),
        }
        for r in found
    ]
    missing = sorted(set(codes) - {r.code for r in found})
    # Receipts carry the files' secrets: who printed which is on the record.
    audit.record(
        session,
        account,
        "receipt.print",
        "receipts",
        agency.code if agency and not codes else None,
        f"{len(found)} giấy biên nhận",
        None,
        {"day": day.isoformat() if day and not codes else None, "cases": [r.code for r in found]},
    )
    session.commit()
    return render_template(
        "admin/receipts_print.html", cards=cards, missing=missing, agency=agency, day=day, limit=status.RECEIPT_BATCH
    )
