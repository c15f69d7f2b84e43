"""Security and caching headers on every kind of page, 413 for oversized requests, markup sent in
any parameter coming back inert, and no stack trace ever reaching a visitor."""

from __future__ import annotations

import pytest

from tests import late_world
from tests.conftest import make_app

PUBLIC = [
    "/",
    "/procedures?q=khai+sinh",
    "/procedures/1.010093",
    "/decisions",
    "/agencies/T.STP",
    "/late?month=2023-04",
    "/late/officers?month=2023-04",
    "/late/months",
    "/satisfaction",
    "/feedback",
    "/feedback/new",
    "/ratings/new",
    "/api/v1/procedures?q=dang+ky",
    "/api/v1/late/agencies?month=2023-04",
    "/late/agencies.csv?month=2023-04",
    "/en/procedures",
    "/no-such-page",
    "/admin/login",
]
XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


@pytest.fixture
def world(app):
    late_world.build(app, "2023-04")
    return app


def test_every_page_carries_the_security_headers(world, client):
    for path in PUBLIC:
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert "frame-ancestors 'none'" in csp and headers["X-Frame-Options"] == "DENY", path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        # Pages that may carry a receipt's token in their address send no referrer at all.
        assert headers["Referrer-Policy"] in ("strict-origin-when-cross-origin", "no-referrer"), path


def test_hsts_outside_debug_and_tests(databases, tmp_path):
    app = make_app(databases, tmp_path, TESTING=False)
    assert "max-age=31536000" in app.test_client().get("/").headers["Strict-Transport-Security"]


def test_public_pages_are_cacheable_and_revalidate_while_forms_and_admin_are_not_stored(world, client):
    response = client.get("/late?month=2023-04")
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    etag = response.headers["ETag"]
    again = client.get("/late?month=2023-04", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get("/api/v1/late/agencies?month=2023-04").headers.get("ETag")
    for path in ("/feedback/new", "/ratings/new", "/admin/login"):
        client.get(path)  # the session exists: the next answer sets no cookie, but holds a CSRF token
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers, path
    assert client.get("/admin").headers["Cache-Control"] == "no-store"
    static = client.get("/static/css/site.css")
    assert static.headers.get("ETag") and "max-age=86400" in static.headers["Cache-Control"]


def test_oversized_requests_get_413(world, client):
    world.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = client.post("/feedback/new", data={"content": "x" * (100 * 1024)})
    assert response.status_code == 413
    assert "quá lớn" in response.get_data(as_text=True)


def test_markup_in_any_parameter_comes_back_inert(world, client):
    params = ("q", "agency", "field", "level", "month", "from", "to", "sort", "procedure", "case", "code")
    pages = (
        "/procedures",
        "/late",
        "/satisfaction",
        "/feedback",
        "/feedback/new",
        "/ratings/new",
        "/feedback/lookup",
        "/api/v1/procedures",
        "/decisions",
        "/",
    )
    for page in pages:
        for param in params:
            body = client.get(page, query_string={param: XSS}).get_data(as_text=True)
            assert "<script>alert(1)</script>" not in body and "onerror=alert(2)>" not in body, (page, param)
    for path in ("/feedback/" + XSS, "/procedures/" + XSS, "/agencies/" + XSS):
        assert "<script>alert(1)" not in client.get(path).get_data(as_text=True)


def test_sql_shaped_input_is_just_text(world, client):
    for value in ("' OR 1=1 --", "1; DROP TABLE procedures", "%' UNION SELECT * FROM accounts --"):
        assert client.get("/procedures", query_string={"q": value}).status_code == 200
        assert client.get("/feedback", query_string={"q": value}).status_code == 200
        assert client.get("/api/v1/procedures", query_string={"q": value}).get_json()["total"] == 0
    assert client.get("/api/v1/procedures").get_json()["total"] == 5, "the tables are all still there"


def test_no_stack_trace_reaches_a_visitor(databases, tmp_path):
    app = make_app(databases, tmp_path, TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals /work/main/app")

    for target in ("/boom", "/api/v1/procedures/%00"):
        response = app.test_client().get(target)
        body = response.get_data(as_text=True)
        assert response.status_code in (400, 500) and "Traceback" not in body and "secret internals" not in body


def test_a_database_that_cannot_be_reached_is_a_503_not_a_traceback(tmp_path):
    """While PostgreSQL restarts the site answers 503 with Retry-After, in the page's language."""
    from app import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1",
            "SEARCH_BACKEND": "null",
            "PAGE_CACHE_SECONDS": 0,
            "PAGE_CACHE_DIR": "",
        }
    )
    client = app.test_client()
    api = client.get("/api/v1/late/agencies?month=2022-08")
    assert api.status_code == 503 and api.headers["Retry-After"] == "30"
    assert api.get_json()["error"] == "unavailable"
    page = client.get("/en/late?month=2022-08")
    assert page.status_code == 503 and "cannot reach its data" in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)


def test_a_defect_the_database_reports_is_still_a_500_with_its_traceback_logged(tmp_path, caplog):
    """SQLite reports a missing table as an OperationalError too: that is a defect, not an outage."""
    from app import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": f"sqlite:///{tmp_path}/never-migrated.sqlite3",
            "SEARCH_BACKEND": "null",
            "PAGE_CACHE_SECONDS": 0,
            "PAGE_CACHE_DIR": "",
        }
    )
    answer = app.test_client().get("/api/v1/late/agencies?month=2022-08")
    assert answer.status_code == 500 and answer.get_json()["error"] == "internal_error"
    assert "unhandled error" in caplog.text


def test_logins_stay_throttled_while_the_shared_store_is_down():
    from app.admin.login_guard import LoginGuard

    guard = LoginGuard("redis://127.0.0.1:1", "5 per 15 minutes", "50 per hour")  # nothing listens there
    assert [guard.admit("a@tinh.gov.vn", "client") for _ in range(7)] == [True] * 5 + [False] * 2
    guard.succeeded("a@tinh.gov.vn", "client")
    assert guard.admit("a@tinh.gov.vn", "client")
