"""Mail subscriptions to the monthly publication, through a real SMTP conversation: double opt-in
(nothing is sent to an address before its owner confirms), the same answer whatever the address's
state, a mail per publication and per correction to the province's and the agency's subscribers,
one-click unsubscribe (RFC 8058) that deletes the address, unconfirmed addresses deleted in time."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from app import outbox, subscriptions
from app.audit import Actor
from app.clock import local_now
from app.db import get_session
from app.imports.cases import import_cases
from app.late.rules import Month
from app.late.store import publish_month
from app.models import OutboxMail, Subscription
from tests import late_world
from tests.conftest import make_app, post, soup
from tests.test_mail import Inbox, free_port


@pytest.fixture
def port():
    return free_port()


@pytest.fixture
def app(databases, tmp_path, port):
    found = make_app(
        databases,
        tmp_path,
        SEARCH_BACKEND="null",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_TIMEOUT=5,
        MAIL_DEFAULT_SENDER="tthc@kontum.gov.vn",
        SITE_URL="https://congkhai.kontum.gov.vn",
        SUBSCRIBE_RATE_LIMIT="100 per minute",
    )
    late_world.build(found)
    return found


@pytest.fixture
def inbox(port):
    box = Inbox()
    server = Controller(box, hostname="127.0.0.1", port=port)
    server.start()
    yield box
    server.stop()


def subscribe(client, email: str, agency: str = ""):
    path = f"/subscriptions/new?agency={agency}" if agency else "/subscriptions/new"
    return post(client, "/subscriptions/new", path, email=email, agency_code=agency)


def link_in(message, kind: str) -> str:
    found = re.search(
        rf"https://congkhai\.kontum\.gov\.vn(/subscriptions/{kind}/[A-Za-z0-9_-]+)", message.get_content()
    )
    assert found, message.get_content()
    return found.group(1)


def publish(app, month: str, note: str | None = None) -> None:
    with app.app_context():
        session = get_session()
        publish_month(session, Month.parse(month), Actor("test"), note=note)
        session.commit()


def count(app, model) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model))


def test_nothing_is_sent_before_the_owner_confirms_and_then_each_publication_is(app, client, inbox):
    response = subscribe(client, "Bao@Example.vn", agency="T.STP")
    assert response.status_code == 303 and response.headers["Location"].startswith("/subscriptions/sent")
    assert "Kiểm tra hộp thư" in soup(client.get(response.headers["Location"])).get_text()
    assert outbox.send_waiting(app).sent == 1
    [confirm_mail] = inbox.messages
    assert confirm_mail["To"].strip() == "bao@example.vn"
    assert "Sở Tư pháp tỉnh Thử Nghiệm" in confirm_mail.get_content()
    link = link_in(confirm_mail, "confirm")
    # Published before confirming: nothing for this address.
    publish(app, "2023-04")
    assert outbox.send_waiting(app).sent == 0
    # Opening the link confirms nothing (a mail scanner opens links); the button does.
    page = client.get(link)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page.headers["Cache-Control"]
    with app.app_context():
        assert get_session().scalar(select(Subscription.confirmed_at)) is None
    assert post(client, link, link).status_code == 200
    with app.app_context():
        assert get_session().scalar(select(Subscription.confirmed_at)) is not None
    publish(app, "2023-05")
    assert outbox.send_waiting(app).sent == 1
    month_mail = inbox.messages[-1]
    assert month_mail["Subject"].strip() == "Số liệu tháng 05/2023 đã được công bố"
    body = month_mail.get_content()
    assert "Sở Tư pháp tỉnh Thử Nghiệm: 4 hồ sơ đã giải quyết, 2 trễ hạn; tỷ lệ đúng hạn 50,0%" in body
    assert "https://congkhai.kontum.gov.vn/agencies/T.STP" in body
    unsubscribe = link_in(month_mail, "unsubscribe")
    assert month_mail["List-Unsubscribe"].strip() == f"<https://congkhai.kontum.gov.vn{unsubscribe}>"
    assert month_mail["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    # A correction is told too.
    with app.app_context():
        session = get_session()
        fixed = (
            b"case_code,procedure_code,agency_code,received_at,due_at,finished_at,status,apology_sent,officer_code\n"
        )
        fixed += b"C4,,T.STP,02/05/2023 08:30,08/05/2023 10:00,08/05/2023 09:00,,,O2\n"
        assert import_cases(session, fixed).applied
        session.commit()
    publish(app, "2023-05", note="Sửa ngày trả của hồ sơ C4")
    assert outbox.send_waiting(app).sent == 1
    assert inbox.messages[-1]["Subject"].strip() == "Số liệu tháng 05/2023 đã được đính chính"
    # One click in the mail program (RFC 8058): a POST without the site's form, and the address is gone.
    response = client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert count(app, Subscription) == 0
    assert client.get(unsubscribe).status_code == 404


def test_the_answer_is_the_same_whatever_the_address_and_no_one_is_mailed_twice_an_hour(app, client, inbox):
    first = subscribe(client, "dan@example.vn")
    again = subscribe(client, "dan@example.vn")
    other = subscribe(client, "khac@example.vn")
    assert first.status_code == again.status_code == other.status_code == 303
    assert first.headers["Location"] == again.headers["Location"] == other.headers["Location"]
    assert outbox.send_waiting(app).sent == 2, "a waiting address is not mailed again within the hour"
    assert count(app, Subscription) == 2
    with app.app_context():
        session = get_session()
        later = local_now() + dt.timedelta(minutes=61)
        subscriptions.subscribe(session, "dan@example.vn", None, "en", later, app.config)
        session.commit()
    assert outbox.send_waiting(app, now=later).sent == 1
    assert inbox.messages[-1]["Subject"].strip() == "Confirm your subscription to the figures on resolving files"
    # Confirmed addresses are not mailed on subscribing again.
    link = link_in(inbox.messages[0], "confirm")
    post(client, link, link)
    subscribe(client, "dan@example.vn")
    assert outbox.send_waiting(app).sent == 0


def test_the_province_subscribers_hear_of_every_month_an_agency_only_of_its_own(app, client, inbox):
    with app.app_context():
        session = get_session()
        now = local_now()
        province = subscriptions.subscribe(session, "tinh@example.vn", None, "vi", now, app.config)
        from app.models import Agency

        commune = session.scalar(select(Agency).where(Agency.code == "T.H1.X1"))
        other = session.scalar(select(Agency).where(Agency.code == "T.STP"))
        mine = subscriptions.subscribe(session, "xa@example.vn", commune, "vi", now, app.config)
        subscriptions.subscribe(session, "so@example.vn", other, "vi", now, app.config)
        waiting = subscriptions.subscribe(session, "cho@example.vn", None, "vi", now, app.config)
        for found in (province, mine):
            assert subscriptions.confirm(session, found.token, now, 7)
        session.commit()
        waiting_token = waiting.token
    outbox.send_waiting(app)
    inbox.messages.clear()
    # Only the commune has figures in a month of its own: the department's subscriber is not told.
    fixed = b"case_code,procedure_code,agency_code,received_at,due_at,finished_at,status,apology_sent,officer_code\n"
    fixed += b"Z1,,T.H1.X1,2023-03-01,2023-03-10,2023-03-09,,,O3\n"
    with app.app_context():
        session = get_session()
        assert import_cases(session, fixed).applied
        session.commit()
    publish(app, "2023-03")
    assert outbox.send_waiting(app).sent == 2
    assert sorted(m["To"].strip() for m in inbox.messages) == ["tinh@example.vn", "xa@example.vn"]
    province_mail = next(m for m in inbox.messages if m["To"].strip() == "tinh@example.vn")
    assert "Toàn tỉnh: 1 hồ sơ đã giải quyết" in province_mail.get_content()
    assert "/late?month=2023-03" in province_mail.get_content()
    # An address never confirmed is deleted after SUBSCRIPTION_CONFIRM_DAYS, and its link then fails.
    with app.app_context():
        session = get_session()
        subscriptions.purge(session, local_now() + dt.timedelta(days=8), app.config["SUBSCRIPTION_CONFIRM_DAYS"])
        session.commit()
        assert subscriptions.by_token(session, waiting_token) is None
    assert client.get(f"/subscriptions/confirm/{waiting_token}").status_code == 404


def test_a_mail_for_an_address_unsubscribed_meanwhile_is_not_sent(app, client, inbox):
    subscribe(client, "dan@example.vn")
    with app.app_context():
        token = get_session().scalar(select(Subscription.token))
    client.post(f"/subscriptions/unsubscribe/{token}")
    assert outbox.send_waiting(app).summary() == "sent 0, retrying 0, failed 1"
    assert inbox.messages == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": ""}, "Hãy nhập địa chỉ thư điện tử."),
        ({"email": "không phải thư"}, "Địa chỉ thư điện tử không đúng dạng."),
        ({"email": "a@b.vn", "agency_code": "NOPE"}, "Không có cơ quan mã này."),
        ({"email": "x" * 250 + "@b.vn"}, "dài quá"),
    ],
)
def test_a_bad_form_keeps_what_was_typed_and_changes_nothing(app, client, fields, message):
    response = post(client, "/subscriptions/new", "/subscriptions/new", **fields)
    assert response.status_code == 422
    page = soup(response)
    assert message in page.get_text()
    assert page.select_one("#email")["value"] == fields["email"]
    assert count(app, Subscription) == 0 and count(app, OutboxMail) == 0


def test_the_form_needs_its_csrf_token_and_is_rate_limited(databases, tmp_path):
    app = make_app(databases, tmp_path / "limited", SEARCH_BACKEND="null", SUBSCRIBE_RATE_LIMIT="2 per minute")
    late_world.build(app)
    client = app.test_client()
    assert client.post("/subscriptions/new", data={"email": "a@b.vn"}).status_code == 400
    statuses = [subscribe(client, f"n{i}@example.vn").status_code for i in range(3)]
    assert statuses == [303, 303, 429]


def test_unknown_links_and_the_pages_that_offer_subscribing(app, client):
    assert client.get("/subscriptions/confirm/nope").status_code == 404
    assert client.post("/subscriptions/unsubscribe/nope").status_code == 200
    publish(app, "2023-05")
    page = soup(client.get("/agencies/T.STP"))
    link = page.select_one("a[href^='/subscriptions/new?agency=T.STP']")
    assert link is not None
    form = soup(client.get(link["href"]))
    assert form.select_one("input[name=agency_code]")["value"] == "T.STP"
    assert form.select_one("label[for=email]")
