"""The page cache: a kept page is served again only while the tables it read are unchanged, whoever
changed them (another worker on the same database included); pages of one visitor are never kept."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

from bs4 import BeautifulSoup
from sqlalchemy import text

from app import create_app, versioning
from app.db import get_session, make_engine
from app.web import page_cache
from tests import late_world
from tests.test_feedback import send
from tests.test_ratings import rate, receipt


def twin(app):
    """A second app on the same database and index: another gunicorn worker."""
    return create_app(dict(app.config))


def cached(response) -> str | None:
    return response.headers.get("X-Page-Cache")


def satisfaction_total(client) -> tuple[str | None, int]:
    response = client.get("/api/v1/satisfaction")
    assert response.status_code == 200
    totals = response.get_json()["totals"]
    return cached(response), totals["ratings"] if totals else 0


def test_a_page_is_kept_until_another_worker_writes_a_table_it_read(app, client):
    late_world.build(app, "2023-05")
    assert satisfaction_total(client) == ("miss", 0)
    assert satisfaction_total(client) == ("hit", 0)
    late = client.get("/late?month=2023-05")
    assert cached(late) == "miss" and cached(client.get("/late?month=2023-05")) == "hit"

    other = twin(app).test_client()
    assert rate(other, **receipt(app, "C3"), overall="satisfied").status_code == 303
    assert satisfaction_total(client) == ("miss", 1), "the rating committed by the other worker is seen at once"
    assert satisfaction_total(client) == ("hit", 1)

    # A feedback writes other tables: the late table, which never reads them, stays kept.
    assert send(other, kind="phan_anh", content="Trả kết quả chậm.").status_code == 303
    again = client.get("/late?month=2023-05")
    assert cached(again) == "hit" and again.data == late.data


def test_the_workers_of_a_node_share_what_they_rendered(app, client):
    late_world.build(app, "2023-05")
    assert cached(client.get("/late?month=2023-05")) == "miss"
    other = twin(app).test_client()
    response = other.get("/late?month=2023-05")
    assert cached(response) == "hit" and "2023" in response.get_data(as_text=True)
    # The store on disk going away costs renders, never an error.
    shutil.rmtree(app.config["PAGE_CACHE_DIR"])
    for path in ("/procedures?q=khai+sinh", "/late?month=2023-05", "/procedures?q=khai+sinh"):
        assert twin(app).test_client().get(path).status_code == 200


def test_pages_kept_for_another_database_at_the_same_address_are_never_served(app, client):
    """A database re-created at the same address can reach the same counters; its random name differs."""
    late_world.build(app)
    assert cached(client.get("/agencies/T.STP")) == "miss"
    engine = make_engine(app.config["DATABASE_URL"], track_writes=False)
    with engine.begin() as connection:  # new contents, the counters untouched, a new name
        connection.execute(text("UPDATE agencies SET name = 'Sở Tư pháp khác' WHERE code = 'T.STP'"))
        connection.execute(text("UPDATE data_versions SET version = version + 1 WHERE name = '#database'"))
    engine.dispose()
    response = twin(app).test_client().get("/agencies/T.STP")
    assert cached(response) == "miss" and "Sở Tư pháp khác" in response.get_data(as_text=True)


def test_a_write_in_plain_sql_is_seen_and_a_rollback_changes_nothing(app, client):
    late_world.build(app)
    assert "Sở Tư pháp" in client.get("/agencies/T.STP").get_data(as_text=True)
    assert cached(client.get("/agencies/T.STP")) == "hit"
    with twin(app).app_context():
        session = get_session()
        before = versioning.current(session)
        session.execute(text("UPDATE agencies SET name = 'Sở Tư pháp mới' WHERE code = 'T.STP'"))
        session.rollback()
        assert versioning.current(session) == before
        assert cached(client.get("/agencies/T.STP")) == "hit"
        session.execute(text("UPDATE agencies SET name = 'Sở Tư pháp mới' WHERE code = 'T.STP'"))
        session.commit()
        assert versioning.current(session)["agencies"] == before["agencies"] + 1
    response = client.get("/agencies/T.STP")
    assert cached(response) == "miss" and "Sở Tư pháp mới" in response.get_data(as_text=True)


def test_pages_of_one_visitor_are_never_kept(app):
    late_world.build(app)
    first, second = app.test_client(), app.test_client()
    tokens = []
    for client in (first, second):
        response = client.get("/feedback/new")
        assert cached(response) is None and response.headers["Cache-Control"] == "no-store"
        tokens.append(BeautifulSoup(response.data, "html.parser").select_one("input[name=csrf_token]")["value"])
    assert tokens[0] != tokens[1]
    assert send(second, kind="phan_anh", content="Nội dung của người thứ hai.").status_code == 303
    # The back office is never kept either.
    assert cached(first.get("/admin/login")) is None
    # A message waiting in the visitor's session (after logging out, say) is shown, not a kept page.
    assert cached(first.get("/")) == "miss" and cached(first.get("/")) == "hit"
    with first.session_transaction() as visitor:
        visitor["_flashes"] = [("message", "Bạn đã đăng xuất.")]
    response = first.get("/")
    assert cached(response) is None and "Bạn đã đăng xuất." in response.get_data(as_text=True)


def test_fragments_and_whole_pages_are_kept_apart(app, client):
    late_world.build(app)
    whole = client.get("/procedures?q=khai+sinh")
    fragment = client.get("/procedures?q=khai+sinh", headers={"HX-Request": "true"})
    assert cached(fragment) == "miss" and b"<html" in whole.data and b"<html" not in fragment.data
    assert b"<html" in client.get("/procedures?q=khai+sinh").data
    assert b"<html" not in client.get("/procedures?q=khai+sinh", headers={"HX-Request": "true"}).data
    english = client.get("/en/procedures?q=khai+sinh")
    assert cached(english) == "miss" and english.data != whole.data


def test_results_are_kept_until_the_index_is_rewritten(app, client):
    late_world.build(app, "2023-05")
    for path in ("/procedures?q=khai+sinh", "/api/v1/procedures?q=khai+sinh", "/late?month=2023-05"):
        assert cached(client.get(path)) == "miss" and cached(client.get(path)) == "hit"
    with app.app_context():  # the index rebuilt, no row changed
        app.extensions["search"].reindex(get_session())
    assert cached(client.get("/procedures?q=khai+sinh")) == "miss"
    assert cached(client.get("/api/v1/procedures?q=khai+sinh")) == "miss"
    assert cached(client.get("/late?month=2023-05")) == "hit"


def test_a_search_answered_without_its_index_is_not_kept(app, client):
    late_world.build(app)
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
    for _ in range(2):
        response = client.get("/procedures?q=khai+sinh")
        assert response.status_code == 200 and cached(response) is None


def test_a_kept_page_expires(app, client, monkeypatch):
    late_world.build(app)
    assert cached(client.get("/procedures/1.010093")) == "miss"
    assert cached(client.get("/procedures/1.010093")) == "hit"
    later = app.config["PAGE_CACHE_SECONDS"] + 1
    for clock in ("monotonic", "time"):  # in memory and on disk
        now = getattr(time, clock)()
        monkeypatch.setattr(time, clock, lambda now=now: now + later)
    assert cached(client.get("/procedures/1.010093")) == "miss"


def test_the_cache_is_bounded_in_bytes():
    cache = page_cache.PageCache(max_bytes=8000, seconds=60)
    for n in range(10):
        cache.put((n,), page_cache.Entry(200, (), b"x" * 900, (), float("inf")))
    assert len(cache) == 8 and cache.get((0,), {}) is None and cache.get((9,), {}) is not None
    cache.put(("big",), page_cache.Entry(200, (), b"x" * 1001, (), float("inf")))
    assert cache.get(("big",), {}) is None, "a page over an eighth of the cache is not kept"


def test_turned_off_nothing_is_kept(databases, tmp_path):
    from tests.conftest import make_app

    app = make_app(databases, tmp_path, PAGE_CACHE_SECONDS=0)
    client = app.test_client()
    assert cached(client.get("/procedures")) is None and "page_cache" not in app.extensions


def test_junk_query_variants_are_served_but_never_kept(app, client):
    late_world.build(app, "2023-05")
    for n in range(3):
        response = client.get(f"/late?month=2023-05&junk={n}")
        assert response.status_code == 200 and cached(response) is None
    assert cached(client.get("/late?month=2023-05")) == "miss"


def test_the_kept_parameters_are_those_the_pages_read():
    """Every parameter a public page reads is listed: one missing would silently cost its caching."""
    root = Path(__file__).resolve().parent.parent / "app"
    source = "\n".join(p.read_text() for p in root.rglob("*.py"))
    read = set(re.findall(r"args\.(?:get|getlist)\(\"([a-z_]+)\"", source))
    read |= set(re.findall(r"_param\((?:[a-z_.]+, )?\"([a-z_]+)\"", source))
    read.discard("next")  # the login's: the back office is never kept
    assert read <= page_cache.PARAMETERS, read - page_cache.PARAMETERS
