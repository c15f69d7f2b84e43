"""The back office through HTTP: login first, roles, upload-preview-confirm equal to the CLI,
publishing and correcting a month, answering feedback, the audit log, throttled login."""

from __future__ import annotations

import datetime as dt
import io
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from app.admin.accounts import create_account
from app.audit import Actor
from app.db import get_session
from app.feedback import service
from app.feedback.criteria import criteria_set
from app.imports.cases import import_cases
from app.imports.procedures import import_procedures
from app.late.rules import Month
from app.late.store import compute_month
from app.models import Account, Agency, AuditEntry, Case, Feedback, Officer
from tests import late_world
from tests.conftest import FIXTURES, PASSWORD, fixture_bytes, login, make_app, post, soup, token


def accounts(app) -> None:
    with app.app_context():
        session = get_session()
        stp = session.scalar(select(Agency).where(Agency.code == "T.STP"))
        create_account(session, Actor("test"), "admin@tinh.gov.vn", PASSWORD, "admin")
        create_account(session, Actor("test"), "editor@tinh.gov.vn", PASSWORD, "editor")
        create_account(session, Actor("test"), "stp@tinh.gov.vn", PASSWORD, "responder", agency=stp)
        session.commit()


@pytest.fixture
def office(app):
    late_world.build(app, "2023-04")
    accounts(app)
    return app


def test_anonymous_visitors_are_sent_to_the_login_from_every_admin_page(office, client):
    rules = [r for r in office.url_map.iter_rules() if r.rule.startswith("/admin") and r.endpoint != "admin.login"]
    assert len(rules) >= 12
    csrf = token(client, "/feedback/new")  # a valid token: the login check itself must refuse
    for rule in rules:
        path = rule.rule.replace("<code>", "AAAA-AAAA-AAAA-AAAA").replace("<month>", "2023-05")
        path = path.replace("<int(max=2147483647):rating_id>", "1").replace("<int(max=2147483647):job_id>", "1")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, data={"csrf_token": csrf} if method == "POST" else None)
            assert response.status_code == 302, (method, path, response.status_code)
            assert response.headers["Location"].startswith("/admin/login"), path
    assert client.get("/admin/no-such-page").headers["Location"].startswith("/admin/login")


def test_login_logout_and_the_session_cookie(office, client):
    response = login(client, "editor@tinh.gov.vn")
    assert response.status_code == 303 and response.headers["Location"] == "/admin"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/admin").status_code == 200
    assert client.get("/admin/audit").status_code == 403, "an editor does not read the audit log"
    assert client.post("/admin/logout").status_code == 400, "logout needs the CSRF token"
    assert post(client, "/admin/logout", "/admin").status_code == 303
    assert client.get("/admin").status_code == 302
    assert login(client, "editor@tinh.gov.vn", "sai-mat-khau-roi").status_code == 401
    assert login(client, "nobody@tinh.gov.vn").status_code == 401


def test_secure_cookie_outside_debug(databases, tmp_path):
    app = make_app(databases, tmp_path, TESTING=False)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    cookie = app.test_client().get("/admin/login").headers["Set-Cookie"]  # the form's CSRF session
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def error_of(response) -> str:
    return soup(response).select_one("[role=alert], .error, .form-error").get_text(" ", strip=True)


def test_failed_logins_throttle_one_client_without_telling_or_shutting_out_the_owner(office, client):
    wrong = login(client, "editor@tinh.gov.vn", "sai-mat-khau-roi")
    for _ in range(4):
        login(client, "editor@tinh.gov.vn", "sai-mat-khau-roi")
    throttled = login(client, "editor@tinh.gov.vn")  # the right password, from the same client
    unknown = login(client, "nobody@tinh.gov.vn")
    assert (throttled.status_code, error_of(throttled)) == (401, error_of(wrong)) == (401, error_of(unknown))
    owner = office.test_client()
    owner.environ_base["REMOTE_ADDR"] = "10.1.2.3"  # the owner, from another device
    assert login(owner, "editor@tinh.gov.vn").status_code == 303
    office.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    other = office.test_client()
    codes = [login(other, "admin@tinh.gov.vn", "sai-mat-khau-roi").status_code for _ in range(5)]
    assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]


def test_parallel_wrong_passwords_cannot_race_the_failure_count(office, monkeypatch):
    from app.admin import accounts as module

    checked, real = [], module.check_password_hash
    monkeypatch.setattr(
        module, "check_password_hash", lambda h, p: checked.append(h != module._DUMMY_HASH) or real(h, p)
    )
    office.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    clients = [office.test_client() for _ in range(8)]
    tokens = [token(c, "/admin/login") for c in clients]

    def attempt(n: int) -> int:
        c = clients[n % 8]
        data = {"csrf_token": tokens[n % 8], "email": "admin@tinh.gov.vn", "password": "sai-mat-khau-roi"}
        return c.post("/admin/login", data=data).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(attempt, range(40)))
    assert codes == [401] * 40
    assert sum(checked) == 5, "only five passwords of one client are checked against the account"


def test_logout_ends_the_session_on_the_server(office, client):
    login(client, "editor@tinh.gov.vn")
    saved = client.get_cookie("session").value
    assert post(client, "/admin/logout", "/admin").status_code == 303
    thief = office.test_client()
    thief.set_cookie("session", saved)
    assert thief.get("/admin").status_code == 302, "a cookie copied before logout no longer opens /admin"


@pytest.mark.parametrize(
    "target", ["/admin/months\r\nSet-Cookie: x=1", "//evil.example/admin", "https://evil.example/admin", "/adminx"]
)
def test_login_next_is_checked_before_anything_is_written(office, client, target):
    response = client.post(
        "/admin/login",
        query_string={"next": target},
        data={"csrf_token": token(client, "/admin/login"), "email": "editor@tinh.gov.vn", "password": PASSWORD},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/admin"


def test_a_responder_answers_only_their_agency_and_cannot_import(office, client):
    with office.app_context():
        session = get_session()
        stp = session.scalar(select(Agency).where(Agency.code == "T.STP"))
        h1 = session.scalar(select(Agency).where(Agency.code == "T.H1"))
        mine = service.submit_feedback(session, kind="phan_anh", content="Hồ sơ chậm ở Sở", agency=stp)
        other = service.submit_feedback(session, kind="phan_anh", content="Hồ sơ chậm ở huyện", agency=h1)
        mine_code, other_code = mine.tracking_code, other.tracking_code
        session.commit()
    login(client, "stp@tinh.gov.vn")
    queue = client.get("/admin/feedback").get_data(as_text=True)
    assert mine_code in queue and other_code not in queue
    assert client.get(f"/admin/feedback/{other_code}").status_code == 403
    response = post(
        client, f"/admin/feedback/{other_code}", "/admin/password", action="answer", answer="Không phải việc của tôi"
    )
    assert response.status_code == 403
    assert client.get("/admin/imports").status_code == 403
    assert client.get("/admin/months").status_code == 403
    response = post(
        client,
        f"/admin/feedback/{mine_code}",
        f"/admin/feedback/{mine_code}",
        action="answer",
        answer="Sở đã trả kết quả hôm nay.",
    )
    assert response.status_code == 303
    page = client.get(f"/feedback/{mine_code}").get_data(as_text=True)
    assert "Sở đã trả kết quả hôm nay." in page and "Đã trả lời" in page
    with office.app_context():
        session = get_session()
        assert session.scalar(select(Feedback.status).where(Feedback.tracking_code == other_code)) == "received"
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "feedback.answer"))
        assert entry.actor == "stp@tinh.gov.vn" and entry.target == mine_code
        assert entry.before["status"] == "received" and entry.after["status"] == "answered"


def test_an_editor_assigns_publishes_and_declines(office, client):
    with office.app_context():
        session = get_session()
        item = service.submit_feedback(session, kind="kien_nghi", content="Đề nghị nộp online", publish_consent=True)
        spam = service.submit_feedback(session, kind="phan_anh", content="Quảng cáo")
        code, spam_code = item.tracking_code, spam.tracking_code
        session.commit()
    login(client, "editor@tinh.gov.vn")
    page = f"/admin/feedback/{code}"
    assert post(client, page, page, action="assign", agency_code="T.H1").status_code == 303
    assert post(client, page, page, action="answer", answer="Đã có dịch vụ trực tuyến.", publish="1").status_code == 303
    assert "Đã có dịch vụ trực tuyến." in client.get("/feedback").get_data(as_text=True)
    assert post(client, page, page, action="unpublish").status_code == 303
    assert "Đã có dịch vụ trực tuyến." not in client.get("/feedback").get_data(as_text=True)
    spam_page = f"/admin/feedback/{spam_code}"
    assert post(client, spam_page, spam_page, action="declined", note="Thư rác").status_code == 303
    assert "Thư rác" in client.get(f"/feedback/{spam_code}").get_data(as_text=True)
    assert post(client, spam_page, spam_page, action="answer", answer="x").status_code == 422
    with office.app_context():
        actions = list(get_session().scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-4:] == ["feedback.assign", "feedback.answer", "feedback.unpublish", "feedback.declined"]


def test_upload_preview_confirm_equals_the_cli(office, client, databases, tmp_path):
    office.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    data = (FIXTURES / "late-cases.csv").read_bytes().replace(b"C1,", b"C1X,").replace(b"C2,", b"C2X,")
    login(client, "editor@tinh.gov.vn")

    def snapshot(app):
        with app.app_context():
            return sorted(
                tuple(r)
                for r in get_session().execute(
                    select(
                        Case.code, Case.agency_id, Case.received_at, Case.due_at, Case.finished_at, Case.officer_code
                    )
                )
            )

    before = snapshot(office)
    response = client.post(
        "/admin/imports",
        data={"csrf_token": token(client, "/admin/imports"), "kind": "cases", "file": (io.BytesIO(data), "ho-so.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303 and response.headers["Location"].startswith("/admin/jobs/")
    preview = soup(client.get(response.headers["Location"]))
    figures = [li.strong.text for li in preview.select(".headline li")]
    assert figures[:2] == ["2", "0"], "two new files; the others are unchanged"
    assert snapshot(office) == before, "nothing changes before confirmation"
    form = {i["name"]: i["value"] for i in preview.select("form input[type=hidden]")}
    applied = client.post("/admin/imports/confirm", data=form)
    assert applied.status_code == 303
    assert "Đã nhập: imported 2, updated 0, rejected 0" in client.get(applied.headers["Location"]).get_data(
        as_text=True
    )
    after = snapshot(office)
    assert len(after) == len(before) + 2

    twin = make_app(databases, tmp_path / "twin")
    late_world.build(twin, "2023-04")
    cli = twin.test_cli_runner()
    upload = tmp_path / "ho-so.csv"
    upload.write_bytes(data)
    assert cli.invoke(args=["import", "cases", str(upload)]).exit_code == 0
    assert snapshot(twin) == after
    assert client.post("/admin/imports/confirm", data=form).status_code == 404, "a file is applied once"
    with office.app_context():
        entry = get_session().scalar(select(AuditEntry).where(AuditEntry.action == "import.cases"))
        assert entry.summary == "imported 2, updated 0, rejected 0" and entry.target == "ho-so.csv"


def test_an_upload_is_confirmed_only_by_its_uploader_under_the_name_it_came_with(office, client, tmp_path):
    office.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    data = (FIXTURES / "late-cases.csv").read_bytes().replace(b"C1,", b"C1Y,")
    login(client, "editor@tinh.gov.vn")
    response = client.post(
        "/admin/imports",
        data={"csrf_token": token(client, "/admin/imports"), "kind": "cases", "file": (io.BytesIO(data), "ho-so.csv")},
        content_type="multipart/form-data",
    )
    job_page = response.headers["Location"]
    form = {i["name"]: i["value"] for i in soup(client.get(job_page)).select("form input[type=hidden]")}
    other = office.test_client()
    login(other, "admin@tinh.gov.vn")
    stolen = dict(form, csrf_token=token(other, "/admin/imports"))
    assert other.post("/admin/imports/confirm", data=stolen).status_code == 404, "another account's upload"
    assert other.get(job_page).status_code == 404, "another account's job and its file"
    form["filename"] = "<script>gia-mao.csv"
    assert client.post("/admin/imports/confirm", data=form).status_code == 303
    with office.app_context():
        entry = get_session().scalar(select(AuditEntry).where(AuditEntry.action == "import.cases"))
        assert entry.target == "ho-so.csv", "the audit log names the uploaded file, not what the form says"


def test_unconfirmed_uploads_are_swept(tmp_path):
    from app.admin import imports as uploads

    old = uploads.keep_upload(str(tmp_path), "cases", b"a,b\n", 1, "cu.csv")
    for path in tmp_path.iterdir():
        os.utime(path, (1, 1))
    new = uploads.keep_upload(str(tmp_path), "cases", b"a,b\n", 1, "moi.csv")
    assert uploads.kept_upload(str(tmp_path), old, "cases", 1) is None
    assert uploads.kept_upload(str(tmp_path), new, "cases", 1)[1] == "moi.csv"
    assert uploads.kept_upload(str(tmp_path), new, "cases", 2) is None


def test_an_answered_feedback_is_not_answered_again(office, client):
    with office.app_context():
        session = get_session()
        stp = session.scalar(select(Agency).where(Agency.code == "T.STP"))
        item = service.submit_feedback(session, kind="phan_anh", content="Hồ sơ chậm", agency=stp, publish_consent=True)
        code = item.tracking_code
        session.commit()
    page = f"/admin/feedback/{code}"
    login(client, "stp@tinh.gov.vn")
    assert post(client, page, page, action="answer", answer="Đã xử lý.", publish="1").status_code == 303
    editor = office.test_client()
    login(editor, "editor@tinh.gov.vn")
    assert post(editor, page, page, action="unpublish").status_code == 303
    # A responder cannot re-publish what the Office withdrew by answering again.
    again = post(client, page, "/admin/password", action="answer", answer="Đã xử lý.", publish="1")
    assert again.status_code == 422 and "đã được trả lời" in again.get_data(as_text=True)
    assert "Đã xử lý." not in client.get("/feedback").get_data(as_text=True)


def test_a_bad_upload_changes_nothing_and_shows_its_rows(office, client, tmp_path):
    office.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    login(client, "editor@tinh.gov.vn")
    data = "officer_code,officer_name,officer_title,agency_code\nO9,Người Mới,,T.STP\nO8,Sai,,NOPE\n".encode()
    response = client.post(
        "/admin/imports",
        data={
            "csrf_token": token(client, "/admin/imports"),
            "kind": "officers",
            "file": (io.BytesIO(data), "can-bo.csv"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = soup(response)
    assert [td.text for td in page.select("table td")][:1] == ["3"]
    with office.app_context():
        assert get_session().scalar(select(func.count(Officer.id))) == 3


def test_publishing_and_correcting_a_month(office, client):
    login(client, "editor@tinh.gov.vn")
    assert client.get("/late?month=2023-05").status_code == 404
    assert post(client, "/admin/months/2023-05", "/admin/months/2023-05", confirm="1").status_code == 303
    assert client.get("/late?month=2023-05").status_code == 200
    late = client.get("/api/v1/late/agencies?month=2023-05").get_json()["totals"]["late"]
    _add_a_late_case(office)
    preview = client.get("/admin/months/2023-05").get_data(as_text=True)
    assert "khác số liệu đã công bố" in preview
    refused = post(client, "/admin/months/2023-05", "/admin/months/2023-05", confirm="1")
    assert "ghi chú" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert (
        post(
            client, "/admin/months/2023-05", "/admin/months/2023-05", confirm="1", note="Bổ sung hồ sơ nhập muộn"
        ).status_code
        == 303
    )
    assert client.get("/api/v1/late/agencies?month=2023-05").get_json()["totals"]["late"] == late + 1
    assert "Bổ sung hồ sơ nhập muộn" in client.get("/late/months").get_data(as_text=True)
    with office.app_context():
        entries = list(get_session().scalars(select(AuditEntry).where(AuditEntry.action == "month.publish")))
        assert [(e.actor, e.target, e.after["revision"]) for e in entries] == [
            ("test", "2023-04", 1),
            ("editor@tinh.gov.vn", "2023-05", 1),
            ("editor@tinh.gov.vn", "2023-05", 2),
        ]
    login(client, "admin@tinh.gov.vn")
    csv = client.get("/admin/audit.csv").get_data(as_text=True)
    assert "month.publish" in csv and "Bổ sung hồ sơ nhập muộn" in csv


def _add_a_late_case(app) -> None:
    with app.app_context():
        data = (
            b"case_code,procedure_code,agency_code,received_at,due_at,finished_at,status,apology_sent,officer_code\n"
            b"C99,,T.STP,2023-05-02 08:00,2023-05-05,2023-05-19 10:00,,,O1\n"
        )
        report = import_cases(get_session(), data)
        assert report.applied
        get_session().commit()


def test_create_admin_and_password_change(office, client):
    runner = office.test_cli_runner()
    result = runner.invoke(args=["create-admin", "moi@tinh.gov.vn", "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0 and "created admin moi@tinh.gov.vn" in result.output
    assert (
        runner.invoke(args=["create-admin", "moi@tinh.gov.vn", "--password-stdin"], input=PASSWORD + "\n").exit_code
        == 1
    )
    assert runner.invoke(args=["create-admin", "ngan@tinh.gov.vn", "--password-stdin"], input="ngan\n").exit_code == 1
    assert login(client, "moi@tinh.gov.vn").status_code == 303
    other = office.test_client()
    login(other, "moi@tinh.gov.vn")
    response = post(
        client,
        "/admin/password",
        "/admin/password",
        current_password=PASSWORD,
        new_password="mot-mat-khau-moi-2",
        confirm_password="mot-mat-khau-moi-2",
    )
    assert response.status_code == 303
    assert client.get("/admin").status_code == 200, "this session goes on"
    assert other.get("/admin").status_code == 302, "other sessions end"
    assert login(office.test_client(), "moi@tinh.gov.vn", "mot-mat-khau-moi-2").status_code == 303


def test_hiding_an_abusive_comment_keeps_its_scores(office, client):
    with office.app_context():
        session = get_session()
        stp = session.scalar(select(Agency).where(Agency.code == "T.STP"))
        rating = service.submit_rating(
            session,
            criteria_set("nd61-2018"),
            overall="unsatisfied",
            scores={},
            agency=stp,
            comment="Cán bộ X là đồ tồi",
        )
        rating_id = rating.id
        session.commit()
    assert "đồ tồi" not in client.get("/agencies/T.STP").get_data(as_text=True), "published only once approved"
    login(client, "editor@tinh.gov.vn")
    queue = soup(client.get("/admin/ratings"))
    assert "đồ tồi" in queue.select_one("ol.results").text, "the moderation queue opens on the waiting comments"
    assert post(client, f"/admin/ratings/{rating_id}", "/admin/ratings", action="approve").status_code == 303
    assert "đồ tồi" in client.get("/agencies/T.STP").get_data(as_text=True)
    assert "đồ tồi" not in soup(client.get("/admin/ratings")).select_one("ol.results").text
    assert "đồ tồi" in soup(client.get("/admin/ratings?view=approved")).select_one("ol.results").text
    assert client.get("/admin/ratings?view=bogus").status_code == 400
    assert post(client, f"/admin/ratings/{rating_id}", "/admin/ratings", action="hide", reason="").status_code == 303
    assert "đồ tồi" in client.get("/agencies/T.STP").get_data(as_text=True), "no reason, no hiding"
    assert (
        post(
            client, f"/admin/ratings/{rating_id}", "/admin/ratings", action="hide", reason="Lăng mạ cán bộ"
        ).status_code
        == 303
    )
    assert "đồ tồi" not in client.get("/agencies/T.STP").get_data(as_text=True)
    assert "đồ tồi" in soup(client.get("/admin/ratings?view=hidden")).select_one("ol.results").text
    body = client.get("/api/v1/satisfaction").get_json()
    assert body["totals"]["unverified_ratings"] == 1, "the scores still count"
    with office.app_context():
        entry = get_session().scalar(select(AuditEntry).where(AuditEntry.action == "rating.hide"))
        assert entry.summary == "Lăng mạ cán bộ" and entry.after["comment_hidden"] is True


def test_a_procedure_correction_reaches_the_site_and_search_and_survives_a_reimport(office, client):
    login(client, "editor@tinh.gov.vn")
    page = "/admin/procedures/2.001610"
    form = soup(client.get(page))
    typed = {i["name"]: i.get("value", "") for i in form.select("form.form input[type=text]")}
    typed.update({t["name"]: t.text for t in form.select("form.form textarea")})
    assert typed["name"] == "Đăng ký thành lập doanh nghiệp tư nhân"
    typed["name"] = "Đăng ký thành lập doanh nghiệp tư nhân (một chủ sở hữu)"
    assert post(client, page, page, **typed).status_code == 303
    assert "(một chủ sở hữu)" in client.get("/procedures/2.001610").get_data(as_text=True)
    found = client.get("/api/v1/procedures?q=mot+chu+so+huu").get_json()["items"]
    assert found and found[0]["code"] == "2.001610", "the search index follows the correction"
    history = soup(client.get(page)).select("table.data-table tbody tr")
    assert len(history) == 1 and "(một chủ sở hữu)" in history[0].text
    with office.app_context():
        report = import_procedures(get_session(), fixture_bytes("national-sample.jsonl"))
        assert report.updated == 0, "re-importing the same records changes nothing"
    assert "(một chủ sở hữu)" in client.get("/procedures/2.001610").get_data(as_text=True)
    assert post(client, page, page, **{**typed, "name": ""}).status_code == 422


def test_agency_officer_and_holiday_corrections_are_checked_and_logged(office, client):
    login(client, "editor@tinh.gov.vn")
    page = "/admin/agencies/T"
    assert post(client, page, page, parent_code="T.H1").status_code == 422, "a cycle in the tree"
    assert post(client, page, page, valid_from="2026-02-30").status_code == 422
    assert post(client, "/admin/agencies/T.STP", "/admin/agencies/T.STP", aliases="Sở TP").status_code == 303
    assert (
        post(
            client,
            "/admin/officers/O1",
            "/admin/officers/O1",
            name="Nguyễn Văn An",
            title="Trưởng phòng",
            agency_code="T.STP",
        ).status_code
        == 303
    )
    assert (
        post(client, "/admin/holidays", "/admin/holidays", date="2023-05-19", name="Nghỉ bù", kind="off").status_code
        == 303
    )
    assert post(client, "/admin/holidays", "/admin/holidays", date="19/05/2023", kind="off").status_code == 422
    with office.app_context():
        session = get_session()
        entries = {(e.action, e.target): e for e in session.scalars(select(AuditEntry))}
        assert entries[("agency.edit", "T.STP")].after == {"aliases": "Sở TP"}
        assert entries[("officer.edit", "O1")].before == {"title": "Chuyên viên"}
        assert entries[("holiday.edit", "2023-05-19")].after == {"name": "Nghỉ bù", "kind": "off"}
        assert session.scalar(select(Officer.title).where(Officer.code == "O1")) == "Trưởng phòng"
    login(client, "stp@tinh.gov.vn")
    assert client.get("/admin/procedures/2.001610").status_code == 403


def test_an_administrator_manages_accounts(office, client):
    login(client, "editor@tinh.gov.vn")
    assert client.get("/admin/accounts").status_code == 403
    login(client, "admin@tinh.gov.vn")
    response = post(
        client,
        "/admin/accounts",
        "/admin/accounts",
        email="h1@tinh.gov.vn",
        role="responder",
        agency_code="",
        password=PASSWORD,
    )
    assert response.status_code == 422 and "cần một cơ quan" in response.get_data(as_text=True)
    assert (
        post(
            client,
            "/admin/accounts",
            "/admin/accounts",
            email="h1@tinh.gov.vn",
            role="responder",
            agency_code="T.H1",
            password=PASSWORD,
        ).status_code
        == 303
    )
    responder = office.test_client()
    assert login(responder, "h1@tinh.gov.vn").status_code == 303
    with office.app_context():
        account_id = get_session().scalar(select(Account.id).where(Account.email == "h1@tinh.gov.vn"))
    assert post(client, f"/admin/accounts/{account_id}", "/admin/accounts", action="deactivate").status_code == 303
    assert responder.get("/admin").status_code == 302, "a deactivated account's session ends"
    assert login(office.test_client(), "h1@tinh.gov.vn").status_code == 401
    with office.app_context():
        actions = [
            e.action for e in get_session().scalars(select(AuditEntry).where(AuditEntry.target == "h1@tinh.gov.vn"))
        ]
    assert actions == ["account.create", "account.deactivate"]


def test_the_queue_filters_in_place_with_htmx_and_the_same_markup(office, client):
    with office.app_context():
        service.submit_feedback(get_session(), kind="phan_anh", content="Một phản ánh")
    login(client, "editor@tinh.gov.vn")
    full = soup(client.get("/admin/feedback?status=received"))
    response = client.get("/admin/feedback?status=received", headers={"HX-Request": "true"})
    fragment = soup(response)
    assert "HX-Request" in response.headers["Vary"]
    assert fragment.select_one("table") is not None and fragment.select_one("form.filters") is None
    assert str(fragment.select_one("table")) == str(full.select_one("#queue table"))


def test_the_queue_is_paged_and_counts_overdue_feedback(office, client):
    office.config["PER_PAGE"] = 2
    with office.app_context():
        session = get_session()
        codes = [
            service.submit_feedback(
                session, kind="phan_anh", content=f"Phản ánh số {n}", now=dt.datetime(2023, 5, n + 1, 9)
            ).tracking_code
            for n in range(5)
        ]
        late = codes[0]
        for code in codes[1:3]:  # answered: never overdue
            feedback = service.find_feedback(session, code)
            service.answer_feedback(session, Actor("test"), feedback, "Đã trả lời.", now=dt.datetime(2023, 5, 20, 9))
        session.commit()
    login(client, "editor@tinh.gov.vn")
    seen = []
    for number in (1, 2, 3):
        page = soup(client.get(f"/admin/feedback?status=all&page={number}"))
        assert "5 phản ánh" in page.select_one(".count").text
        seen += [a.text for a in page.select("#queue tbody a.code")]
    assert seen == codes[::-1], "every feedback once, newest first, two a page"
    assert client.get("/admin/feedback?page=0").status_code == 400
    assert client.get("/admin/feedback?status=bogus").status_code == 400
    # The queue opens on what is still to answer, the newest first.
    opened = soup(client.get("/admin/feedback"))
    assert "3 phản ánh" in opened.select_one(".count").text
    assert [a.text for a in opened.select("#queue tbody a.code")] == [codes[4], codes[3]]
    assert opened.select_one("select[name=status] option[selected]")["value"] == "open"
    overdue = soup(client.get("/admin/feedback?overdue=1"))
    assert [a.text for a in overdue.select("#queue tbody a.code")] == [codes[4], codes[3]]
    assert "3 phản ánh" in overdue.select_one(".count").text
    assert late in [a.text for a in soup(client.get("/admin/feedback?overdue=1&page=2")).select("#queue tbody a.code")]
    # Two answered on time, three open and overdue: 2 of 5 on time, not 100%.
    dashboard = soup(client.get("/admin")).select_one(".headline").text
    assert "3 quá hạn trả lời" in " ".join(dashboard.split()) and "40,0%" in dashboard


def test_a_corrected_time_limit_moves_computed_due_dates(office, client):
    """C1 (procedure 1.010093, no due date) is due from the procedure's time limit."""
    login(client, "editor@tinh.gov.vn")
    page = soup(client.get("/admin/procedures/1.010093"))
    fields = {i["name"]: i.get("value", "") for i in page.select("form[action$='/times'] input[type=text]")}
    assert fields, "the channels' time limits are editable"
    with office.app_context():
        before = compute_month(get_session(), Month(2023, 5))
    data = {name: "1" for name in fields}
    data.update({name.replace("value_", "unit_"): "hour" for name in fields})
    assert post(client, "/admin/procedures/1.010093/times", "/admin/procedures/1.010093", **data).status_code == 303
    api = client.get("/api/v1/procedures/1.010093").get_json()
    assert {(c["processing_time"]["value"], c["processing_time"]["unit"]) for c in api["channels"]} == {(1, "hour")}
    with office.app_context():
        after = compute_month(get_session(), Month(2023, 5))
    assert sum(c.late for c in after.agencies.values()) > sum(c.late for c in before.agencies.values())
    bad = post(client, "/admin/procedures/1.010093/times", "/admin/procedures/1.010093", value_0="abc", unit_0="day")
    assert "thời hạn không hợp lệ" in client.get(bad.headers["Location"]).get_data(as_text=True)
    history = soup(client.get("/admin/procedures/1.010093")).select("table.data-table tbody tr")
    assert len(history) == 1 and "hour" in history[0].text


def test_overdue_feedback_is_found_by_one_day_of_receipt():
    """The queue filters overdue feedback in SQL by a last day of receipt: exactly the feedback whose
    deadline, counted in working days over weekends and holidays, is before today."""
    import datetime as dt

    from app.feedback.queue import last_overdue_day
    from app.late.calendar import WorkCalendar

    calendar = WorkCalendar()
    for today in (dt.date(2025, 9, 8), dt.date(2026, 2, 23), dt.date(2026, 5, 4), dt.date(2026, 12, 3)):
        for days in (1, 10, 15):
            cutoff = last_overdue_day(calendar, days, today)
            for offset in range(0, 60):
                received = today - dt.timedelta(days=offset)
                overdue = calendar.add_working_days(received, days) < today
                assert overdue == (received <= cutoff), (today, days, received)


def test_an_agencys_contacts_are_corrected_in_the_back_office_and_shown_on_its_page(office, client):
    login(client, "editor@tinh.gov.vn")
    page = "/admin/agencies/T.STP"
    assert post(client, page, page, website="javascript:alert(1)").status_code == 422
    assert post(client, page, page, email="not an address").status_code == 422
    response = post(
        client,
        page,
        page,
        address="Số 5 Trần Hưng Đạo",
        phone="0260 3 862 111",
        opening_hours="Thứ Hai đến Thứ Sáu, 7:30–17:00",
        website="https://stp.thunghiem.gov.vn",
    )
    assert response.status_code == 303
    facts = soup(client.get("/agencies/T.STP")).select_one(".facts")
    assert facts.select_one("a[href='tel:02603862111']").text == "0260 3 862 111"
    assert facts.select_one("a[href='https://stp.thunghiem.gov.vn']")
    assert "google.com/maps/search" in facts.select_one("a[href*=maps]")["href"]
    assert "Thứ Hai đến Thứ Sáu" in facts.text
    with office.app_context():
        entry = get_session().scalar(
            select(AuditEntry).where(AuditEntry.action == "agency.edit", AuditEntry.target == "T.STP")
        )
        assert entry.after["phone"] == "0260 3 862 111" and entry.before["phone"] is None
