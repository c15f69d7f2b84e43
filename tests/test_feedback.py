"""Feedback through the HTTP interface: the form, the tracking page, published answers, privacy,
CSRF, 422 with the typed values kept, rate limits, and nothing acknowledged lost."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import create_app
from app.audit import Actor
from app.db import get_session, upgrade
from app.feedback import service
from app.imports.people import import_officers
from app.models import Agency, Feedback, Officer
from tests import late_world
from tests.conftest import make_app, soup, token
from tests.fragments import assert_same_as_page


@pytest.fixture
def app(databases, tmp_path):
    """These tests never search: an app without a search index (SEARCH_BACKEND=null), faster to fill."""
    return make_app(databases, tmp_path, SEARCH_BACKEND="null")


FORM = "/feedback/new"
CONTACT = {"name": "Phạm Thị Riêng Tư", "email": "rieng.tu@example.vn", "phone": "0905 123 456"}


def send(client, **fields):
    data = {"csrf_token": token(client, FORM), "kind": "phan_anh", "content": "Hồ sơ của tôi quá hạn.", **fields}
    return client.post("/feedback/new", data=data)


def public_pages(client, code: str) -> list[str]:
    return [
        client.get(path).get_data(as_text=True)
        for path in (f"/feedback/{code}", "/feedback", "/feedback?q=qua+han", "/satisfaction", "/")
    ]


def test_a_feedback_from_form_to_tracking_page_to_published_answer(app, client):
    late_world.build(app)
    response = send(
        client,
        procedure_code="1.010093",
        agency_code="T.STP",
        publish_consent="1",
        content="Tôi nộp hồ sơ đã quá hạn 5 ngày mà chưa có kết quả.",
        **CONTACT,
    )
    assert response.status_code == 303
    code = response.headers["Location"].rsplit("/", 1)[1]
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", code)

    page = soup(client.get(f"/feedback/{code}"))
    assert "Đã tiếp nhận" in page.select_one(".facts").text
    assert "quá hạn 5 ngày" in page.text
    assert client.get("/feedback").get_data(as_text=True).count('class="result"') == 0

    with app.app_context():
        session = get_session()
        feedback = service.find_feedback(session, code)
        assert feedback.contact_email == CONTACT["email"] and feedback.agency.code == "T.STP"
        service.set_status(session, Actor("test"), feedback, "in_progress")
        service.answer_feedback(
            session,
            Actor("test"),
            feedback,
            "Sở đã trả kết quả ngày 12/5 và gửi thư xin lỗi.",
            by="Sở Tư pháp",
            publish=True,
        )
        session.commit()

    page = soup(client.get(f"/feedback/{code}"))
    assert "Đã trả lời" in page.select_one(".facts").text
    assert "gửi thư xin lỗi" in page.text
    assert [li.strong.text for li in page.select(".timeline li")] == ["Đã tiếp nhận", "Đang xử lý", "Đã trả lời"]
    listing = soup(client.get("/feedback?q=qua+han&agency=T.STP"))
    assert len(listing.select(".result")) == 1 and "gửi thư xin lỗi" in listing.select_one(".answer").text
    assert len(soup(client.get("/feedback?q=khong+co+tu+nay")).select(".result")) == 0
    # Searching the answers in place (htmx) brings the page's own markup.
    url = "/feedback?q=qua+han&agency=T.STP"
    assert_same_as_page(client.get(url), client.get(url, headers={"HX-Request": "true"}), "#results")
    # Typed in lower case, with spaces: the same feedback.
    assert client.get(f"/feedback/lookup?code={code.lower().replace('-', ' ')}").headers["Location"].endswith(code)

    for html in public_pages(client, code):
        for value in CONTACT.values():
            assert value not in html


def test_an_answer_is_published_only_with_consent(app, client):
    response = send(client)
    code = response.headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        session = get_session()
        feedback = service.find_feedback(session, code)
        with pytest.raises(service.FeedbackError, match="không đồng ý công khai"):
            service.answer_feedback(session, Actor("test"), feedback, "Trả lời.", publish=True)
        service.answer_feedback(session, Actor("test"), feedback, "Trả lời riêng.", publish=False)
        session.commit()
    assert "Trả lời riêng." in client.get(f"/feedback/{code}").get_data(as_text=True)
    assert "Trả lời riêng." not in client.get("/feedback").get_data(as_text=True)


def test_errors_answer_422_and_keep_what_was_typed(app, client):
    late_world.build(app)
    typed = "Nội dung <script>alert(1)</script> " + "x" * 5000
    response = send(
        client,
        content=typed,
        email="khong-phai-email",
        name="Lê Văn Gõ",
        kind="kien_nghi",
        procedure_code="0.000000",
        agency_code="T.STP",
        publish_consent="1",
    )
    assert response.status_code == 422
    page = soup(response)
    assert page.select_one("textarea[name=content]").text == typed
    assert page.select_one("input[name=name]")["value"] == "Lê Văn Gõ"
    assert page.select_one("input[name=email]")["value"] == "khong-phai-email"
    assert page.select_one("input[name=kind][value=kien_nghi]").has_attr("checked")
    assert page.select_one("#agency_code option[selected]")["value"] == "T.STP"
    assert page.select_one("input[name=publish_consent]").has_attr("checked")
    errors = [a.text for a in page.select(".error-summary a")]
    assert "Nội dung dài quá 5000 ký tự." in errors
    assert "Địa chỉ thư điện tử không đúng dạng." in errors
    assert "Không có thủ tục mã này." in errors
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalar(select(func.count(Feedback.id))) == 0


def test_csrf_is_required(client):
    response = client.post("/feedback/new", data={"kind": "phan_anh", "content": "Không có mã CSRF"})
    assert response.status_code == 400
    response = client.post("/ratings/new", data={"agency_code": "T", "overall": "satisfied"})
    assert response.status_code == 400


def test_the_honeypot_refuses_and_stores_nothing(app, client):
    response = send(client, website="http://spam.example")
    assert response.status_code == 422
    with app.app_context():
        assert get_session().scalar(select(func.count(Feedback.id))) == 0


def test_the_procedure_picker_finds_by_name_without_javascript(app, client):
    late_world.build(app)
    data = {
        "csrf_token": token(client, FORM),
        "kind": "kien_nghi",
        "content": "Giữ nguyên nội dung này",
        "procedure_q": "dang ky",
        "action": "find",
    }
    response = client.post("/feedback/new", data=data)
    assert response.status_code == 200
    page = soup(response)
    assert page.select("#procedure-choices input[name=procedure_code]")
    assert page.select_one("textarea[name=content]").text == "Giữ nguyên nội dung này"
    assert not page.select(".error-summary")
    fragment = client.get("/feedback/procedure-choices?procedure_q=dang+ky", headers={"HX-Request": "true"})
    assert [i["value"] for i in soup(fragment).select("input[name=procedure_code]")] == [
        i["value"] for i in page.select("#procedure-choices input[name=procedure_code]")
    ]


def test_procedure_and_agency_pages_link_to_a_prefilled_form(app, client):
    late_world.build(app)
    page = soup(client.get("/procedures/1.010093"))
    link = page.select_one("a[href*='/feedback/new']")["href"]
    form = soup(client.get(link))
    assert form.select_one("input[type=hidden][name=procedure_code]")["value"] == "1.010093"
    page = soup(client.get("/agencies/T.STP"))
    form = soup(client.get(page.select_one("a[href*='/feedback/new']")["href"]))
    assert form.select_one("#agency_code option[selected]")["value"] == "T.STP"
    assert page.select_one("a[href*='/ratings/new']")


def test_unknown_and_malformed_tracking_codes(client):
    assert client.get("/feedback/ABCD-ABCD-ABCD-ABCD").status_code == 404
    assert client.get("/feedback/not-a-code").status_code == 404
    assert client.get("/feedback/lookup?code=abc").status_code == 400


def test_a_burst_of_posts_gets_429(app, client):
    app.config["FEEDBACK_RATE_LIMIT"] = "3 per minute"
    codes = [send(client).status_code for _ in range(5)]
    assert codes[:3] == [303, 303, 303]
    assert codes[3:] == [429, 429]
    assert "quá nhiều" in send(client).get_data(as_text=True)


def test_every_acknowledged_tracking_code_is_stored_under_concurrency(app):
    app.config["FEEDBACK_RATE_LIMIT"] = "1000 per minute"
    acknowledged, failures = [], []
    lock = threading.Lock()

    def citizen(number: int) -> None:
        client = app.test_client()
        for attempt in range(5):
            response = send(client, content=f"Phản ánh số {number}-{attempt}")
            with lock:
                if response.status_code == 303:
                    acknowledged.append(response.headers["Location"].rsplit("/", 1)[1])
                else:
                    failures.append(response.status_code)

    threads = [threading.Thread(target=citizen, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures and len(acknowledged) == 40
    with app.app_context():
        stored = set(get_session().scalars(select(Feedback.tracking_code)))
    assert set(acknowledged) <= stored and len(stored) == 40
    client = app.test_client()
    assert all(client.get(f"/feedback/{code}").status_code == 200 for code in acknowledged)


def test_searching_procedures_does_not_use_up_the_rate_limit_and_a_choice_can_be_changed(app, client):
    late_world.build(app)
    app.config["FEEDBACK_RATE_LIMIT"] = "2 per minute"
    for _ in range(4):
        data = {
            "csrf_token": token(client, FORM),
            "kind": "phan_anh",
            "content": "x",
            "procedure_q": "dang ky",
            "action": "find",
        }
        assert client.post("/feedback/new", data=data).status_code == 200
    chosen = {"csrf_token": token(client, FORM), "kind": "phan_anh", "content": "Giữ", "procedure_code": "2.001610"}
    page = soup(client.post("/feedback/new", data={**chosen, "action": "change"}))
    assert page.select_one("#procedure_q") is not None and not page.select("input[type=hidden][name=procedure_code]")
    assert page.select_one("textarea[name=content]").text == "Giữ"
    assert send(client).status_code == 303


def test_invisible_content_is_refused_and_kept(app, client):
    late_world.build(app)
    blank = "\u200b\u200c\u200d\ufeff \u2060"
    response = send(client, content=blank)
    assert response.status_code == 422 and "Hãy viết nội dung" in response.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalar(select(func.count(Feedback.id))) == 0


def test_a_tracking_page_with_unpublished_text_is_never_cached(app, client):
    late_world.build(app)
    code = send(client, content="Nội dung riêng của tôi.").headers["Location"].rsplit("/", 1)[1]
    for _ in range(2):
        response = client.get(f"/feedback/{code}")
        assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers
    kept = [p.read_bytes() for p in Path(app.config["PAGE_CACHE_DIR"]).rglob("*") if p.is_file()]
    assert not [page for page in kept if "Nội dung riêng".encode() in page], "not in the page cache either"


def sqlite_app(tmp_path: Path, **extra):
    """An app on an SQLite file whatever database the run uses: the write lock is SQLite's."""
    url = f"sqlite:///{tmp_path}/busy.sqlite3"
    upgrade(url)
    config = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "DATABASE_URL": url,
        "SEARCH_BACKEND": "null",
        "PAGE_CACHE_SECONDS": 0,
        "FEEDBACK_RATE_LIMIT": "1000 per minute",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
    }
    return create_app({**config, **extra}), url.removeprefix("sqlite:///")


def hold_the_write_lock(path: str, seconds: float, taken: threading.Event) -> None:
    """What an import's write transaction does to everybody else: hold SQLite's write lock."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    taken.set()
    time.sleep(seconds)
    connection.execute("ROLLBACK")
    connection.close()


def locked_for(path: str, seconds: float) -> threading.Thread:
    taken = threading.Event()
    holder = threading.Thread(target=hold_the_write_lock, args=(path, seconds, taken))
    holder.start()
    assert taken.wait(5)
    return holder


def test_a_post_waits_while_another_writer_holds_the_database(tmp_path):
    app, path = sqlite_app(tmp_path, SQLITE_BUSY_SECONDS=10)
    client = app.test_client()
    form = token(client, FORM)
    holder = locked_for(path, 1.5)
    start = time.monotonic()
    response = client.post("/feedback/new", data={"csrf_token": form, "kind": "phan_anh", "content": "Chờ được."})
    assert response.status_code == 303 and time.monotonic() - start >= 1.0
    holder.join()
    with app.app_context():
        assert get_session().scalar(select(func.count(Feedback.id))) == 1


def test_a_post_refused_by_a_long_write_is_a_503_that_keeps_the_text(tmp_path):
    app, path = sqlite_app(tmp_path, SQLITE_BUSY_SECONDS=0.3)
    client = app.test_client()
    form = token(client, FORM)
    typed = "Nội dung dài tôi đã gõ <b>cẩn thận</b>."
    holder = locked_for(path, 2)
    response = client.post("/feedback/new", data={"csrf_token": form, "kind": "phan_anh", "content": typed})
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    page = soup(response)
    assert page.select_one("#busy") and page.select_one("textarea[name=content]").text == typed
    holder.join()
    with app.app_context():
        assert get_session().scalar(select(func.count(Feedback.id))) == 0
    again = client.post("/feedback/new", data={"csrf_token": form, "kind": "phan_anh", "content": typed})
    assert again.status_code == 303


def test_citizens_posts_succeed_while_a_large_import_writes(tmp_path):
    app, _path = sqlite_app(tmp_path)
    with app.app_context():
        session = get_session()
        session.add(Agency(code="A", name="Cơ quan A", name_folded="co quan a"))
        session.commit()
    rows = "".join(f"X{i},Cán bộ {i},Chuyên viên,A\n" for i in range(60_000))
    data = ("officer_code,officer_name,officer_title,agency_code\n" + rows).encode()
    done = threading.Event()

    def run_import():
        with app.app_context():
            session = get_session()
            assert import_officers(session, data).applied
            session.commit()
        done.set()

    importer = threading.Thread(target=run_import)
    importer.start()
    client = app.test_client()
    form = token(client, FORM)
    answers = []
    while not done.is_set() and len(answers) < 40:
        content = f"Phản ánh số {len(answers)} trong lúc nhập."
        answers.append(client.post("/feedback/new", data={"csrf_token": form, "kind": "phan_anh", "content": content}))
    importer.join()
    assert answers and {a.status_code for a in answers} == {303}
    with app.app_context():
        session = get_session()
        assert session.scalar(select(func.count(Feedback.id))) == len(answers)
        assert session.scalar(select(func.count(Officer.id))) == 60_000


def test_the_tracking_page_shows_the_answer_deadline_in_working_days(app, client):
    """15 working days (FEEDBACK_ANSWER_DAYS) from the day it was sent, as SPEC §3 counts a
    computed due date: sent Friday 28 April 2023, the holidays of 29 April to 3 May and the
    weekends skipped, the 15th working day after it is Wednesday 24 May."""
    late_world.build(app)
    assert app.config["FEEDBACK_ANSWER_DAYS"] == 15
    with app.app_context():
        session = get_session()
        code = service.submit_feedback(
            session, kind="phan_anh", content="Chậm.", now=dt.datetime(2023, 4, 28, 16, 30)
        ).tracking_code
        session.commit()
    facts = soup(client.get(f"/feedback/{code}")).select_one(".facts").get_text(" ", strip=True)
    assert "Hạn trả lời 24/05/2023 (15 ngày làm việc) Quá hạn" in " ".join(facts.split())


def test_the_agency_a_citizen_chose_is_the_one_assigned(app, client):
    late_world.build(app)
    response = send(client, agency_code="T.H1.X1", procedure_code="1.010093")  # the procedure is T.STP's
    assert response.status_code == 303
    with app.app_context():
        feedback = get_session().scalar(select(Feedback))
        assert feedback.agency.code == "T.H1.X1" and feedback.procedure.code == "1.010093"
        assert feedback.lang == "vi"
    english = client.post(
        "/en/feedback/new",
        data={"csrf_token": token(client, "/en/feedback/new"), "kind": "kien_nghi", "content": "Please."},
    )
    with app.app_context():
        code = english.headers["Location"].rsplit("/", 1)[1]
        assert get_session().scalar(select(Feedback.lang).where(Feedback.tracking_code == code)) == "en"
