"""Atom feeds (RFC 4287): the published months of the late tables, for the province and for each
agency; the published answers; the publication decisions. A feed reader, or a newsroom's script,
learns of a month published or corrected without visiting the site."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, make_response, render_template, request, url_for
from flask_babel import gettext as _

from app import feeds
from app.db import get_session
from app.models import Agency, by_code
from app.text import xml_safe
from app.web.i18n import month_label, number, percent

bp = Blueprint("feeds", __name__, url_prefix="/feeds")
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _tag(path: str) -> str:
    """A permanent entry id (RFC 4151 tag URI): the site's host (SITE_URL's, else the request's),
    and what the entry is about."""
    host = urlsplit(current_app.config["SITE_URL"] or request.host_url).hostname
    return f"tag:{host},2026:{path}"


def _atom(title: str, alternate: str, entries: list[dict], feed_id: str):
    updated = max((e["updated"] for e in entries), default=EPOCH)
    # A text that came in with a character XML forbids must not make the whole feed unreadable.
    entries = [{k: xml_safe(v) for k, v in e.items()} for e in entries]
    body = render_template(
        "feeds/atom.xml",
        title=xml_safe(title),
        feed_id=_tag(feed_id),
        self_url=request.url,
        alternate=alternate,
        updated=updated,
        entries=entries,
    )
    response = make_response(body)
    response.mimetype = "application/atom+xml"
    return response


def _month_entries(months: list[feeds.MonthEntry], prefix: str, agency: Agency | None) -> list[dict]:
    entries = []
    for m in months:
        if agency is None:
            page = url_for("late.agencies", month=m.month, _external=True)
        else:
            page = url_for("agencies.show", code=agency.code, _external=True)
        entries.append(
            {
                "id": _tag(f"{prefix}/{m.month}"),
                "title": _(
                    "Tháng %(month)s: %(late)s hồ sơ trễ hạn trên %(resolved)s, đúng hạn %(rate)s",
                    month=month_label(m.month),
                    late=number(m.late),
                    resolved=number(m.resolved),
                    rate=percent(m.on_time_rate),
                ),
                "link": page,
                "published": m.first_published_at,
                "updated": m.published_at,
                "text": " ".join(
                    [
                        _(
                            "Đã giải quyết %(resolved)s hồ sơ, trễ hạn %(late)s, tỷ lệ đúng hạn %(rate)s;"
                            " %(overdue)s hồ sơ quá hạn chưa giải quyết cuối tháng; %(apologies)s văn bản xin lỗi.",
                            resolved=number(m.resolved),
                            late=number(m.late),
                            rate=percent(m.on_time_rate),
                            overdue=number(m.pending_overdue),
                            apologies=number(m.apologies),
                        ),
                        *(
                            [_("Đã đính chính (lần công bố %(n)s): %(notes)s", n=m.revision, notes="; ".join(m.notes))]
                            if m.revision > 1
                            else []
                        ),
                    ]
                ),
            }
        )
    return entries


@bp.get("/late.atom")
def late():
    """Each published or corrected month of the late tables, with its headline figures."""
    entries = _month_entries(feeds.month_entries(get_session()), "late", None)
    return _atom(_("Hồ sơ trễ hạn theo tháng"), url_for("late.agencies", _external=True), entries, "late")


@bp.get("/agencies/<code>.atom")
def agency(code):
    """An agency's published months."""
    session = get_session()
    found = by_code(session, Agency, code)
    if found is None:
        abort(404)
    entries = _month_entries(feeds.month_entries(session, found.id), f"agencies/{found.code}", found)
    return _atom(
        _("%(name)s: hồ sơ trễ hạn theo tháng", name=found.name),
        url_for("agencies.show", code=found.code, _external=True),
        entries,
        f"agencies/{found.code}",
    )


@bp.get("/feedback.atom")
def feedback():
    """Each published answer (the question and the answer, never who asked)."""
    entries = [
        {
            # Never the tracking code: that is the citizen's to give.
            "id": _tag(f"feedback/{item.id}"),
            "title": item.procedure.name if item.procedure else _("Phản ánh, kiến nghị"),
            "link": url_for("feedback.answer", answer_id=item.id, _external=True),
            "published": feeds.aware(item.answered_at),
            "updated": feeds.aware(item.answered_at),
            "text": f"{_('Hỏi')}: {item.content}\n\n{_('Trả lời')}: {item.answer}",
            "author": item.answered_by,
        }
        for item in feeds.answer_entries(get_session())
    ]
    return _atom(_("Phản ánh, kiến nghị đã trả lời"), url_for("feedback.index", _external=True), entries, "feedback")


@bp.get("/decisions.atom")
def decisions():
    """Each publication decision, with how many procedures it lists."""
    entries = [
        {
            "id": _tag(f"decisions/{e.decision.id}"),
            "title": _("Quyết định %(number)s", number=e.decision.number),
            "link": url_for("decisions.show", decision_id=e.decision.id, _external=True),
            "published": e.updated,
            "updated": e.updated,
            "text": " · ".join(
                part
                for part in (
                    e.decision.issuer,
                    e.decision.date.strftime("%d/%m/%Y") if e.decision.date else None,
                    _("%(n)s thủ tục", n=number(e.procedures)),
                )
                if part
            ),
        }
        for e in feeds.decision_entries(get_session())
    ]
    return _atom(
        _("Quyết định công bố thủ tục hành chính"), url_for("decisions.index", _external=True), entries, "decisions"
    )
