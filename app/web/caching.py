"""Caching headers: public pages may be cached briefly and revalidated by ETag (a 304 costs no
rendering on the client's side and no bytes on the wire); forms, the back office and anything
that sets a cookie are never stored. Static files get their ETag and a day's max-age from Flask."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from app.web import page_cache

CACHEABLE = ("text/html", "application/json", "text/csv", "image/svg+xml", "application/atom+xml")


def private_page() -> None:
    """Mark the page being built as one visitor's (a citizen's own unpublished text): never stored
    by a cache, ours or any other."""
    g.private_page = True


def secret_address() -> None:
    """Mark the page being built as one whose address holds a secret (a receipt's token): private,
    and sent with no referrer, so that the next page it links to never learns the token."""
    private_page()
    g.secret_address = True


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # Behind a load balancer the client address (rate limits) and scheme come from its headers.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]

    @app.after_request
    def _cache_headers(response):
        if request.endpoint == "static":
            return response
        if g.get("secret_address", False):
            response.headers["Referrer-Policy"] = "no-referrer"
        # A page holding a CSRF token belongs to one visitor's session.
        private = (
            request.path == "/admin"
            or request.path.startswith("/admin/")
            or "Set-Cookie" in response.headers
            or request.method not in ("GET", "HEAD")
            or current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g
            or g.get("private_page", False)
        )
        if private or response.status_code != 200 or response.mimetype not in CACHEABLE:
            response.headers.setdefault("Cache-Control", "no-store" if private else "no-cache")
            return response
        response.headers.setdefault("Cache-Control", f"public, max-age={app.config['PUBLIC_MAX_AGE']}")
        response.add_etag()
        page_cache.keep(response)
        return response.make_conditional(request)
