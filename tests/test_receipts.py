"""Receipts: every file's secret token, the `receipt` command, the status page it opens for the
applicant alone, and the back office's printable receipts with their QR codes."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.db import get_session
from app.imports.cases import import_events
from app.late.status import rating_link, status_link
from app.models import AuditEntry, Case
from tests import late_world
from tests.conftest import PASSWORD, login, soup
from tests.test_admin import accounts

EVENTS = """case_code,event,at,reason,new_due_at
C3,rescheduled,2023-05-09 10:00,,2023-05-16
C3,explained,2023-05-09 10:05,Chờ ý kiến cơ quan thuế,
C5,supplement_requested,2023-05-11 09:00,Thiếu bản sao giấy khai sinh,
""".encode()


def world(app) -> dict[str, str]:
    late_world.build(app)
    with app.app_context():
        session = get_session()
        assert import_events(session, EVENTS).applied
        session.commit()
        return dict(session.execute(select(Case.code, Case.receipt_token)).tuples().all())


def main_text(response) -> str:
    return soup(response).select_one("main").get_text(" ", strip=True)


def test_the_status_page_opens_only_with_the_receipt_token(app, client):
    tokens = world(app)
    page = client.get(f"/cases/C3?t={tokens['C3']}")
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page.headers["Cache-Control"]
    text = main_text(page)
    assert "C3" in text and "Sở Tư pháp" in text
    assert "Đã trả kết quả trễ hạn" in text and "trễ 3 ngày làm việc" in text  # due 10/05, done 15/05
    assert "10/05/2023" in text and "09:00 15/05/2023" in text
    assert "16/05/2023" in text, "the new appointment"
    assert "Chờ ý kiến cơ quan thuế" in text, "the reason given"
    assert "Văn bản xin lỗi Đã gửi" in text
    # Steps by agency, never by officer.
    steps = soup(page).select("main table tbody tr")
    assert len(steps) == 2 and all("Sở Tư pháp" in tr.get_text() for tr in steps)
    for officer in ("Nguyễn Văn An", "Trần Thị Bình"):
        assert officer not in page.get_data(as_text=True)
    # Officer codes as words of the page (the random token in its links may hold the letters "O1").
    assert not re.search(r"\bO[12]\b", soup(page).get_text(" "))
    # A file waiting for the applicant's documents says so, never "overdue".
    waiting = main_text(client.get(f"/cases/C5?t={tokens['C5']}"))
    assert "Đang chờ bạn bổ sung giấy tờ" in waiting and "quá hạn" not in waiting
    assert "09:00 11/05/2023" in waiting
    overdue = main_text(client.get(f"/cases/C6?t={tokens['C6']}"))
    assert "Đang giải quyết, đã quá hạn" in overdue


def test_without_the_token_the_status_page_is_that_of_no_file(app, client):
    tokens = world(app)
    nothing = main_text(client.get("/cases/NO-SUCH-FILE"))
    assert "giấy biên nhận" in nothing
    for path in (
        "/cases/C3",
        "/cases/C3?t=",
        f"/cases/C3?t={tokens['C1']}",
        f"/cases/C3?t={tokens['C3'][:-1]}",
        f"/cases/C3?t={tokens['C3']}x",
        "/cases/NO-SUCH-FILE?t=" + tokens["C3"],
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert main_text(response).replace("NO-SUCH-FILE", "C3") == nothing.replace("NO-SUCH-FILE", "C3"), path
        assert "Sở Tư pháp" not in response.get_data(as_text=True), path
    # The lookup form takes a code and a token typed from paper.
    response = client.get(f"/cases?case=C3&t={tokens['C3']}")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/cases/C3?t={tokens['C3']}")
    assert response.headers["Referrer-Policy"] == "no-referrer" and "no-store" in response.headers["Cache-Control"]


def test_the_receipt_command_prints_the_link_that_verifies_a_rating(app, client):
    tokens = world(app)
    app.config["SITE_URL"] = "https://dichvucong.kontum.gov.vn"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["receipt", "C3"])
    assert result.exit_code == 0, result.output
    link = result.output.strip()
    assert link == f"https://dichvucong.kontum.gov.vn/ratings/new?case=C3&t={tokens['C3']}"
    assert link == rating_link("https://dichvucong.kontum.gov.vn", "C3", tokens["C3"])
    status = runner.invoke(args=["receipt", "C3", "--status"]).output.strip()
    assert status == status_link("https://dichvucong.kontum.gov.vn", "C3", tokens["C3"])
    assert "Đã trả kết quả trễ hạn" in main_text(client.get(status.removeprefix("https://dichvucong.kontum.gov.vn")))
    page = soup(client.get(link.removeprefix("https://dichvucong.kontum.gov.vn")))
    assert "Hồ sơ C3" in page.select_one(".notice").text
    missing = runner.invoke(args=["receipt", "NO-SUCH-FILE"])
    assert missing.exit_code != 0 and "NO-SUCH-FILE" in missing.output


def test_the_back_office_prints_one_receipt_and_a_days_batch(app, client):
    tokens = world(app)
    accounts(app)
    assert client.get("/admin/receipts/print?case=C3").status_code == 302, "anonymous: to the login"
    login(client, "editor@tinh.gov.vn")
    form = soup(client.get("/admin/receipts"))
    assert form.select_one("select[name=agency]") and form.select_one("input[name=day][type=date]")
    one = client.get("/admin/receipts/print?case=C3")
    assert one.status_code == 200
    page = soup(one)
    [receipt] = page.select("article.receipt")
    text = receipt.get_text(" ", strip=True)
    assert "C3" in text and "10/05/2023" in text and tokens["C3"] in text
    assert receipt.select_one(".qr svg"), "the QR code, inline"
    qr = receipt.select_one(".qr")
    assert [child.name for child in qr.children if str(child).strip()] == ["svg"], "the SVG markup, nothing around it"
    assert qr.get_text(strip=True) == "Mã QR đánh giá hồ sơ C3", "its title, for screen readers"
    assert f"http://localhost/ratings/new?case=C3&t={tokens['C3']}" in text, "the rating link, as the QR code holds it"
    assert f"http://localhost/cases/C3?t={tokens['C3']}" in text
    # The files the commune received on 10 May 2023... and on 3 May (a withdrawn one counts too).
    batch = soup(client.get("/admin/receipts/print?agency=T.H1.X1&day=2023-05-03"))
    assert [a.select_one(".code").text for a in batch.select("article.receipt")] == ["C7"]
    several = soup(client.get("/admin/receipts/print?case=C1%0AC2%0ANOPE"))
    assert len(several.select("article.receipt")) == 2 and "NOPE" in several.select_one("[role=alert]").text
    assert client.get("/admin/receipts/print?agency=T.STP&day=2023-13-01").status_code == 400
    assert client.get("/admin/receipts/print?agency=T.STP&day=9999-12-31").status_code == 400
    with app.app_context():
        printed = get_session().scalars(select(AuditEntry).where(AuditEntry.action == "receipt.print")).all()
        assert [e.after["cases"] for e in printed][:2] == [["C3"], ["C7"]], "who printed which receipts"
    assert client.get("/admin/receipts/print").status_code == 400
    # A responder prints only their agency's receipts.
    client.post(
        "/admin/logout", data={"csrf_token": soup(client.get("/admin")).select_one("input[name=csrf_token]")["value"]}
    )
    login(client, "stp@tinh.gov.vn", PASSWORD)
    assert client.get("/admin/receipts/print?agency=T.H1.X1&day=2023-05-03").status_code == 403
    mine = soup(client.get("/admin/receipts/print?case=C3%0AC5"))
    assert [a.select_one(".code").text for a in mine.select("article.receipt")] == ["C3"]
