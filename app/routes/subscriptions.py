"""Subscribing to the monthly publication by mail: the form, the confirm link (double opt-in) and the
one-click unsubscribe link (RFC 8058), which mail programs post to without the site's form."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app import csrf, outbox, subscriptions
from app.clock import local_now
from app.db import get_session
from app.feedback.forms import SubscriptionForm
from app.models import Agency, by_code
from app.web.caching import private_page, secret_address
from app.web.security import limiter

bp = Blueprint("subscriptions", __name__, url_prefix="/subscriptions")


@bp.route("/new", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SUBSCRIBE_RATE_LIMIT"], methods=["POST"])
def new():
    """Subscribe an address; the answer is the same whatever the address's state (it tells no one who subscribes)."""
    session = get_session()
    form = SubscriptionForm()
    if request.method == "GET":
        form.agency_code.data = request.args.get("agency", "")[:50]
    agency = by_code(session, Agency, form.agency_code.data)
    status = 200
    if request.method == "POST":
        valid = form.validate()
        if form.agency_code.data and agency is None:
            form.agency_code.errors = [*form.agency_code.errors, _("Không có cơ quan mã này.")]
            valid = False
        if valid:
            subscriptions.subscribe(
                session, form.email.data, agency, get_locale().language, local_now(), current_app.config
            )
            session.commit()
            outbox.wake(current_app._get_current_object())
            return redirect(url_for("subscriptions.sent", agency=agency.code if agency else None), 303)
        status = 422
    private_page()
    return render_template("subscriptions/new.html", form=form, agency=agency), status


@bp.get("/sent")
def sent():
    """Tell the visitor to look for the confirm mail."""
    agency = by_code(get_session(), Agency, request.args.get("agency", "")[:50])
    return render_template(
        "subscriptions/sent.html", agency=agency, days=current_app.config["SUBSCRIPTION_CONFIRM_DAYS"]
    )


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token):
    """Confirm a subscription: the mail's link shows a button, so that a program that opens links in
    mail (a virus scanner) never confirms for its owner."""
    secret_address()
    session = get_session()
    days = current_app.config["SUBSCRIPTION_CONFIRM_DAYS"]
    if request.method == "GET":
        found = subscriptions.by_token(session, token)
        if found is None:
            return render_template("subscriptions/unknown.html"), 404
        return render_template("subscriptions/confirm.html", subscription=found, token=token)
    found = subscriptions.confirm(session, token, local_now(), days)
    if found is None:
        session.rollback()
        return render_template("subscriptions/unknown.html"), 404
    session.commit()
    return render_template("subscriptions/confirmed.html", subscription=found, token=token)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail program posts "List-Unsubscribe=One-Click" to this link; the token is the proof
def unsubscribe(token):
    """Unsubscribe: a button on the page, or the mail program's own (one click, a POST to this address)."""
    secret_address()
    session = get_session()
    if request.method == "GET":
        found = subscriptions.by_token(session, token)
        if found is None:
            return render_template("subscriptions/unknown.html", unsubscribed=True), 404
        return render_template("subscriptions/unsubscribe.html", subscription=found, token=token)
    gone = subscriptions.unsubscribe(session, token)
    session.commit()
    return render_template("subscriptions/unsubscribed.html", gone=gone)
