"""Security headers on every response (a strict CSP without inline scripts or styles), and rate
limits keyed by a hash of the client's address, never the address itself."""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, abort, current_app, request
from flask.json.provider import DefaultJSONProvider
from flask_limiter import Limiter

from app.admin.login_guard import LoginGuard
from app.web import limit_store  # noqa: F401 (registers the sqlite:// rate-limit storage)


def client_hash(secret: str, address: str | None) -> str:
    """A keyed hash of a client address: enough to see repeats, never the address itself."""
    return hmac.new(secret.encode(), (address or "").encode(), hashlib.sha256).hexdigest()[:32]


def client_key() -> str:
    """The client, as a keyed hash of its address: what rate limits and stored rows know of it."""
    return client_hash(current_app.config["SECRET_KEY"], request.remote_addr)


limiter = Limiter(key_func=client_key)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


class SafeJSON(DefaultJSONProvider):
    """JSON with <, > and & escaped, as Jinja's tojson does: inert even if pasted into HTML."""

    def dumps(self, obj, **kwargs) -> str:
        text = super().dumps(obj, **kwargs)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _refuse_nul() -> None:
    """NUL characters are never meaningful in a parameter, and PostgreSQL refuses them in text."""
    values = list(request.args.values()) + list(request.view_args.values() if request.view_args else [])
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += list(request.form.values())
    if any("\x00" in str(value) for value in values):
        abort(400)


def login_guard() -> LoginGuard:
    """The app's counter of login attempts (app/admin/login_guard.py)."""
    return current_app.extensions["login_guard"]


def init_app(app: Flask) -> None:
    limiter.init_app(app)
    config = app.config
    app.extensions["login_guard"] = LoginGuard(
        config["RATELIMIT_STORAGE_URI"], config["LOGIN_FAILURE_LIMIT"], config["LOGIN_ACCOUNT_LIMIT"]
    )
    app.json = SafeJSON(app)
    app.before_request(_refuse_nul)

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if "frame-ancestors 'none'" in headers["Content-Security-Policy"]:
            # The /embed/ pages relax frame-ancestors; every other page may never be framed.
            headers.setdefault("X-Frame-Options", "DENY")
        if not app.debug and not app.testing:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
