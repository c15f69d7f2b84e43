"""Ratings: the form (also reached by a file's case code or its QR code) and the published results."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.db import Busy, commit_patiently, get_session
from app.feedback import service, stats
from app.feedback.criteria import in_force
from app.feedback.forms import rating_form
from app.late import charts
from app.models import Agency, Officer, Procedure, by_code
from app.routes._csv import table_csv
from app.routes._render import render_page
from app.routes._xlsx import table_xlsx
from app.web.caching import secret_address
from app.web.i18n import period_label
from app.web.qr import qr_svg
from app.web.security import client_key, limiter

bp = Blueprint("ratings", __name__)
ALREADY_RATED = _l("Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần.")


def _criteria():
    return in_force(current_app.config)


@bp.route("/ratings/new", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATING_RATE_LIMIT"], methods=["POST"])
# A token tried from the address is a lookup, limited as the status page's are.
@limiter.limit(
    lambda: current_app.config["CASE_LOOKUP_RATE_LIMIT"],
    methods=["GET"],
    exempt_when=lambda: not request.args.get("t"),
    key_func=lambda: f"lookup:{client_key()}",
)
def new():
    """Rate how a file or a service was handled; on success go to the thank-you page.

    Reached from a receipt (`?case=CODE&t=TOKEN`, its QR code) the rating is verified: the file
    names the agency, officer and procedure. Without the file's token the page and the answer are
    the same whether a file has that code or not, and the rating claims no file.
    """
    session = get_session()
    criteria = _criteria()
    form = rating_form(criteria, str(get_locale()))
    if request.method == "GET":
        form.case_code.data = request.args.get("case", "")[:100]
        form.t.data = request.args.get("t", "")[:64]
        form.agency_code.data = request.args.get("agency", "")[:50]
        form.procedure_code.data = request.args.get("procedure", "")[:64]
        form.officer_code.data = request.args.get("officer", "")[:64]
    # Without the file's token, the page is the same for any code, of a file or not: it echoes what
    # was typed, nothing more.
    facts = service.case_facts(session, form.case_code.data, form.t.data)
    secret_address()  # a receipt's token may be in the address
    rated = service.already_rated(session, facts)
    agency = facts.agency if facts else by_code(session, Agency, form.agency_code.data)
    procedure = facts.procedure if facts else by_code(session, Procedure, form.procedure_code.data)
    officer = None if facts else by_code(session, Officer, form.officer_code.data)
    status, busy = 200, False
    if request.method == "POST":
        valid = form.validate()
        checks = [
            (rated, form.case_code, ALREADY_RATED),
            (facts is None and not form.agency_code.data, form.agency_code, _("Hãy chọn cơ quan giải quyết hồ sơ.")),
            (
                facts is None and form.agency_code.data and agency is None,
                form.agency_code,
                _("Không có cơ quan mã này."),
            ),
            (
                facts is None and form.procedure_code.data and procedure is None,
                form.procedure_code,
                _("Không có thủ tục mã này."),
            ),
            (
                facts is None and form.officer_code.data and officer is None,
                form.officer_code,
                _("Không có cán bộ mã này."),
            ),
            (
                officer is not None and agency is not None and not service.officer_of_agency(officer, agency),
                form.officer_code,
                _("Cán bộ này không thuộc cơ quan đã chọn."),
            ),
        ]
        for failed, field, message in checks:
            if failed:
                field.errors = [*field.errors, message]
                valid = False
        if valid:
            scores = {
                n: int(getattr(form, f"criterion_{n}").data)
                for n in range(1, len(criteria.criteria) + 1)
                if getattr(form, f"criterion_{n}").data not in (None, "")
            }
            try:
                rating = commit_patiently(
                    session,
                    lambda: service.submit_rating(
                        session,
                        criteria,
                        overall=form.overall.data,
                        scores=scores,
                        agency=agency,
                        procedure=procedure,
                        officer=officer,
                        facts=facts,
                        comment=form.comment.data,
                        client=client_key(),
                    ),
                    current_app.config["SQLITE_BUSY_SECONDS"],
                )
            except service.DuplicateRating:
                form.case_code.errors = [ALREADY_RATED]
            except Busy:
                busy = True
            else:
                verified = {"verified": "1"} if rating.verified else {}
                return redirect(url_for("ratings.thanks", agency=rating.agency.code, **verified), 303)
        status = 503 if busy else 422
    agencies = service.selectable_agencies(session)
    page = render_template(
        "ratings/new.html",
        form=form,
        criteria=criteria,
        facts=facts,
        rated=rated,
        agencies=agencies,
        procedure=procedure,
        officer=officer,
        busy=busy,
    )
    return page, status, ({"Retry-After": "30"} if busy else {})


@bp.get("/ratings/thanks")
def thanks():
    session = get_session()
    return render_template(
        "ratings/thanks.html",
        agency=by_code(session, Agency, request.args.get("agency")),
        verified=request.args.get("verified") == "1",
    )


@bp.get("/ratings/qr.svg")
def qr():
    """A QR code of the rating form, to print at a counter (a file's own code, with its receipt
    token, is printed on its receipt by the back office)."""
    return Response(
        qr_svg(url_for("ratings.new", _external=True), _("Đánh giá mức độ hài lòng")), mimetype="image/svg+xml"
    )


@bp.get("/satisfaction")
def satisfaction():
    """Satisfaction results by agency for a month or period, the trend, and the officers."""
    session = get_session()
    period, months = stats.satisfaction_period(session, request.args)
    sort = stats.AGENCY_TABLE.parse_sort(request.args)
    minimum = current_app.config["SATISFACTION_MIN_RATINGS"]
    results = stats.agency_results(session, period, sort=sort, minimum=minimum) if period else None
    officers = stats.officer_results(session, period, minimum=minimum) if period else []
    series = stats.monthly(session, stats.recent_period(months), minimum=minimum) if months else []
    trend = charts.rate_chart([(m, f.satisfied_pct) for m, f in series])
    return render_page(
        "ratings/satisfaction.html",
        "view",
        period=period,
        results=results,
        officers=officers,
        spec=stats.AGENCY_TABLE,
        sort=sort,
        months=months,
        month_options=[{"month": m} for m in months],
        series=series,
        trend=trend,
        criteria=_criteria(),
        minimum=minimum,
        args=request.args.to_dict(),
    )


def _satisfaction_download():
    """The agency results a download asks for, with the page's parameters (None without ratings)."""
    session = get_session()
    period, _months = stats.satisfaction_period(session, request.args)
    sort = stats.AGENCY_TABLE.parse_sort(request.args)
    minimum = current_app.config["SATISFACTION_MIN_RATINGS"]
    return period, stats.agency_results(session, period, sort=sort, minimum=minimum) if period else None


@bp.get("/satisfaction.csv")
def satisfaction_csv():
    """Download the agency results with the same parameters as the page."""
    period, results = _satisfaction_download()
    name = f"satisfaction-{period.months[0]}-{period.months[-1]}.csv" if period else "satisfaction.csv"
    return table_csv(name, stats.AGENCY_TABLE, results.agencies if results else [])


@bp.get("/satisfaction.xlsx")
def satisfaction_xlsx():
    """The agency results as a spreadsheet, with the same parameters as the page."""
    period, results = _satisfaction_download()
    return table_xlsx(
        f"satisfaction-{period.months[0]}-{period.months[-1]}.xlsx" if period else "satisfaction.xlsx",
        _("Mức độ hài lòng"),
        period_label(period.first, period.last) if period else _("Chưa có đánh giá nào."),
        stats.AGENCY_TABLE,
        [row.as_dict() for row in results.agencies] if results else [],
        totals=results.totals.as_dict() if results else None,
        label_args={"max": _criteria().max_score},
    )
