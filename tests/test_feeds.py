"""Atom feeds read back as a feed reader reads them (feedparser) and checked against RFC 4287's
required elements: the published and corrected months, an agency's months, the published answers
(never who asked, nor the tracking code), the publication decisions."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import feedparser
import pytest
from sqlalchemy import func, select

from app.audit import Actor
from app.db import get_session
from app.feedback import service
from app.imports.cases import import_cases
from app.late.rules import Month
from app.late.store import publish_month
from app.models import Decision
from tests import late_world
from tests.conftest import make_app, soup

ATOM = "{http://www.w3.org/2005/Atom}"
HEADER = b"case_code,procedure_code,agency_code,received_at,due_at,finished_at,status,apology_sent,officer_code\n"
FEEDS = ("/feeds/late.atom", "/feeds/feedback.atom", "/feeds/decisions.atom", "/feeds/agencies/T.STP.atom")


@pytest.fixture
def app(databases, tmp_path):
    return make_app(databases, tmp_path, SEARCH_BACKEND="null")


@pytest.fixture
def world(app):
    late_world.build(app, "2023-04", "2023-05")
    with app.app_context():
        session = get_session()
        shown = service.submit_feedback(
            session, kind="phan_anh", content="Khai sinh quá hạn.", email="dan@example.vn", publish_consent=True
        )
        service.answer_feedback(session, Actor("test"), shown, "Đã xin lỗi và trả kết quả.", publish=True)
        hidden = service.submit_feedback(session, kind="phan_anh", content="Chuyện riêng của tôi.")
        service.answer_feedback(session, Actor("test"), hidden, "Trả lời riêng.")
        session.commit()
        return {"shown": shown.tracking_code, "hidden": hidden.tracking_code}


def read(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}") is not None and root.find(f"{ATOM}{name}").text, (path, name)
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}") is not None and entry.find(f"{ATOM}{name}").text, (path, name)
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(ids) == len(set(ids)), "every entry has its own id"
    return parsed, response.get_data(as_text=True)


def test_every_feed_is_valid_atom(app, client, world):
    for path in FEEDS:
        read(client, path)
    assert client.get("/feeds/agencies/NO-SUCH.atom").status_code == 404
    english, _ = read(client, "/en/feeds/late.atom")
    assert english.feed.language == "en" and english.entries[0].title.startswith("05/2023: ")
    assert "/en/late?month=2023-05" in english.entries[0].link


def test_the_late_feed_has_each_month_with_its_figures_and_tells_of_a_correction(app, client, world):
    parsed, _ = read(client, "/feeds/late.atom")
    assert [e.title.split(":")[0] for e in parsed.entries] == ["Tháng 05/2023", "Tháng 04/2023"]
    may = client.get("/api/v1/late/agencies?month=2023-05").get_json()["totals"]
    assert f"{may['late']} hồ sơ trễ hạn trên {may['resolved']}" in parsed.entries[0].title
    first = parsed.entries[0].updated
    with app.app_context():
        session = get_session()
        # C4 was in fact finished on time: the month is corrected and published again with a note.
        fixed = HEADER + b"C4,,T.STP,02/05/2023 08:30,08/05/2023 10:00,08/05/2023 09:00,,,O2\n"
        assert import_cases(session, fixed).applied
        result = publish_month(session, Month.parse("2023-05"), Actor("test"), note="Sửa ngày trả của hồ sơ C4")
        assert result.changed
        session.commit()
    again, _ = read(client, "/feeds/late.atom")
    assert again.entries[0].id == parsed.entries[0].id, "the same month, updated"
    assert again.entries[0].updated >= first and "Sửa ngày trả của hồ sơ C4" in again.entries[0].summary
    agency, _ = read(client, "/feeds/agencies/T.H1.X1.atom")
    assert agency.entries and all("T.H1.X1" in e.id for e in agency.entries)


def test_the_answers_feed_shows_published_answers_and_nobody_who_asked(app, client, world):
    parsed, text = read(client, "/feeds/feedback.atom")
    assert len(parsed.entries) == 1 and "Đã xin lỗi và trả kết quả." in parsed.entries[0].summary
    for secret in (world["shown"], world["hidden"], "dan@example.vn", "Chuyện riêng", "Trả lời riêng"):
        assert secret not in text
    # Each entry links to its answer's own page, wherever the list has moved it.
    answer = client.get(parsed.entries[0].link.replace("http://localhost", ""))
    assert answer.status_code == 200
    page = soup(answer).get_text()
    assert "Khai sinh quá hạn." in page and "Đã xin lỗi và trả kết quả." in page and "dan@example.vn" not in page
    with app.app_context():
        from app.models import Feedback

        hidden = get_session().scalar(select(Feedback.id).where(Feedback.tracking_code == world["hidden"]))
    assert client.get(f"/feedback/answers/{hidden}").status_code == 404, "an answer not published has no page"


def test_the_decisions_feed_lists_each_decision(app, client, world):
    parsed, _ = read(client, "/feeds/decisions.atom")
    with app.app_context():
        count = get_session().scalar(select(func.count(Decision.id)))
    assert count and len(parsed.entries) == min(count, 50)


def test_pages_point_feed_readers_at_their_feed(app, client, world):
    for page, feed in (
        ("/late?month=2023-05", "/feeds/late.atom"),
        ("/feedback", "/feeds/feedback.atom"),
        ("/decisions", "/feeds/decisions.atom"),
        ("/agencies/T.STP", "/feeds/agencies/T.STP.atom"),
    ):
        link = soup(client.get(page)).select_one("link[rel=alternate][type='application/atom+xml']")
        assert link is not None and link["href"] == feed, page


def test_a_control_character_never_makes_a_feed_unreadable_and_feeds_are_cached(app, client, world):
    with app.app_context():
        session = get_session()
        item = service.submit_feedback(session, kind="phan_anh", content="Hỏi\x01 <b>&", publish_consent=True)
        service.answer_feedback(session, Actor("test"), item, "Trả lời\x0b có ký tự lạ & <i>", publish=True)
        session.commit()
    parsed, text = read(client, "/feeds/feedback.atom")
    assert "Trả lời có ký tự lạ & <i>" in [e.summary.split("Trả lời: ")[-1] for e in parsed.entries]
    assert "\x0b" not in text and "&lt;i&gt;" in text
    response = client.get("/feeds/late.atom")
    assert response.headers.get("ETag") and "no-store" not in response.headers.get("Cache-Control", "")
    assert client.get("/feeds/late.atom", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    app.config["SITE_URL"] = "https://congkhai.kontum.gov.vn"
    other, _text = read(client, "/feeds/decisions.atom")
    assert other.feed.id == "tag:congkhai.kontum.gov.vn,2026:decisions", "ids follow the site, not the Host header"
