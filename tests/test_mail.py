"""Mail to citizens through a real SMTP conversation (aiosmtpd): written in the Office's
transaction, sent outside it, retried while the server is down, delivered once, in the citizen's
language, with the tracking link and nothing of anyone else's feedback."""

from __future__ import annotations

import datetime as dt
import email
import logging
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app import outbox
from app.audit import Actor
from app.clock import local_now
from app.db import get_session
from app.feedback import service
from app.models import Agency, Feedback, OutboxMail
from tests import late_world
from tests.conftest import login, make_app, post, soup
from tests.test_admin import accounts
from tests.test_feedback import send


class Inbox:
    """An SMTP server's mailbox: what it accepted, and the addresses it refuses for good."""

    def __init__(self, greylist: int = 0):
        self.messages: list[email.message.EmailMessage] = []
        self.greylist = greylist  # how many times a greylisted@ recipient is put off first

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 no such user"
        if address.startswith("greylisted@") and self.greylist:
            self.greylist -= 1
            return "450 4.2.0 greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
        FEEDBACK_RATE_LIMIT="100 per minute",
    )
    late_world.build(found)
    accounts(found)
    return found


def tracking_code(response) -> str:
    assert response.status_code == 303, response.status_code
    return response.headers["Location"].rsplit("/", 1)[1]


def act(client, code: str, **fields):
    return post(client, f"/admin/feedback/{code}", f"/admin/feedback/{code}", **fields)


def mails(app) -> list[OutboxMail]:
    with app.app_context():
        return list(get_session().scalars(select(OutboxMail).order_by(OutboxMail.id)))


def test_an_answer_reaches_the_citizen_once_even_when_the_server_was_down(app, client, port):
    mine = tracking_code(send(client, content="Hồ sơ khai sinh của con tôi quá hạn.", email="dan@example.vn"))
    other = tracking_code(send(client, content="Bí mật của người khác: nhà số 12.", email="khac@example.vn"))
    silent = tracking_code(send(client, content="Không để lại thư điện tử."))
    login(client, "editor@tinh.gov.vn")
    # The server is down: the Office's answer is saved all the same, and the mail waits.
    response = act(client, mine, action="answer", answer="Đã trả kết quả ngày 20/5.")
    assert response.status_code == 303
    assert act(client, silent, action="answer", answer="Đã xử lý.").status_code == 303
    [waiting] = mails(app)
    assert waiting.recipient == "dan@example.vn" and waiting.sent_at is None and waiting.lang == "vi"
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "sent 0, retrying 1" in result.output
    [waiting] = mails(app)
    assert waiting.attempts == 1 and waiting.sent_at is None and "Connection" in (waiting.last_error or "")
    # Not due again yet: a second round within the minute sends nothing and tries nothing.
    assert outbox.send_waiting(app).summary() == "sent 0, retrying 0, failed 0"

    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        later = waiting.next_attempt_at + dt.timedelta(seconds=1)
        assert outbox.send_waiting(app, now=later).sent == 1
        assert (
            outbox.send_waiting(app, now=later + dt.timedelta(minutes=10)).summary() == "sent 0, retrying 0, failed 0"
        )
    finally:
        server.stop()
    [message] = inbox.messages
    assert message["To"] == "dan@example.vn" and message["From"] == "tthc@kontum.gov.vn"
    assert mine in message["Subject"] and "đã có câu trả lời" in message["Subject"]
    body = message.get_content()
    assert f"https://congkhai.kontum.gov.vn/feedback/{mine}" in body
    assert other not in body and "Bí mật" not in body and "khac@example.vn" not in body
    [sent] = mails(app)
    assert sent.sent_at is not None and sent.attempts == 2 and sent.body == body.replace("\r\n", "\n")
    with app.app_context():
        assert get_session().scalar(select(Feedback.status).where(Feedback.tracking_code == mine)) == "answered"


def test_the_mail_is_in_the_language_the_citizen_wrote_in_and_a_refusal_is_not_retried(app, client, port):

    english = client.post(
        "/en/feedback/new",
        data={
            "csrf_token": soup(client.get("/en/feedback/new")).select_one("input[name=csrf_token]")["value"],
            "kind": "phan_anh",
            "content": "My file is late.",
            "email": "visitor@example.com",
        },
    )
    code = tracking_code(english)
    refused = tracking_code(send(client, content="Địa chỉ sai.", email="nobody@example.vn"))
    login(client, "editor@tinh.gov.vn")
    assert act(client, code, action="declined", note="Không thuộc thẩm quyền").status_code == 303
    assert act(client, refused, action="answer", answer="Đã xử lý.").status_code == 303
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        report = outbox.send_waiting(app)
        assert (report.sent, report.failed) == (1, 1)
        assert outbox.send_waiting(app, now=local_now() + dt.timedelta(hours=1)).failed == 0
    finally:
        server.stop()
    [message] = inbox.messages
    assert "was not taken up" in message["Subject"] and code in message["Subject"]
    assert f"https://congkhai.kontum.gov.vn/en/feedback/{code}" in message.get_content()
    failed = [m for m in mails(app) if m.recipient == "nobody@example.vn"]
    assert failed[0].failed_at is not None and "550" in failed[0].last_error


def test_a_refusal_for_now_is_retried_and_two_senders_never_send_one_mail_twice(app, client, port):
    code = tracking_code(send(client, email="greylisted@example.vn"))
    login(client, "editor@tinh.gov.vn")
    assert act(client, code, action="answer", answer="Đã xử lý.").status_code == 303
    [mail_id] = [m.id for m in mails(app)]
    with app.app_context():
        session = get_session()
        now = local_now()
        assert outbox.claim(session, mail_id, now) and not outbox.claim(session, mail_id, now), "one sender wins"
        assert outbox.waiting(session, now) == [], "taken: no other sender sees it"
        later = now + outbox.CLAIM + dt.timedelta(seconds=1)
        assert outbox.waiting(session, later) == [mail_id], "a sender that died gives it back"
    inbox = Inbox(greylist=1)
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        first = outbox.send_waiting(app, now=later)
        assert (first.sent, first.retrying, first.failed) == (0, 1, 0), "450: tried again, not given up"
        again = outbox.send_waiting(app, now=later + dt.timedelta(seconds=61))
        assert again.sent == 1
    finally:
        server.stop()
    assert len(inbox.messages) == 1


def test_a_corrected_answer_is_told_and_kept_in_the_history(app, client, port):
    code = tracking_code(send(client, email="dan@example.vn", publish_consent="1"))
    login(client, "editor@tinh.gov.vn")
    assert act(client, code, action="answer", answer="Câu trả lời đầu.", publish="1").status_code == 303
    with app.app_context():
        first = get_session().scalar(select(Feedback).where(Feedback.tracking_code == code))
        answered_at = first.answered_at
        assert first.published
    assert act(client, code, action="correct", answer="Câu trả lời đã sửa.").status_code == 303
    with app.app_context():
        corrected = get_session().scalar(select(Feedback).where(Feedback.tracking_code == code))
        assert corrected.answered_at == answered_at, "the day it was answered stays"
        assert corrected.published, "corrected by the Office, it stays published"
    page = soup(client.get(f"/feedback/{code}"))
    assert "Câu trả lời đã sửa." in page.select_one("main").text
    history = page.find("h3", string="Câu trả lời trước khi sửa")
    assert history and "Câu trả lời đầu." in history.find_next("ol").text
    assert [m.topic.split(":")[0] for m in mails(app)] == ["feedback.answered", "feedback.corrected"]
    assert act(client, code, action="correct", answer=" ").status_code == 422
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        assert outbox.send_waiting(app).sent == 2
    finally:
        server.stop()
    assert "đã được sửa" in inbox.messages[1]["Subject"]


def test_an_answer_a_responder_corrects_waits_for_the_office_to_publish_it_again(app, client):
    with app.app_context():
        session = get_session()
        agency = session.scalar(select(Agency).where(Agency.code == "T.STP"))
        item = service.submit_feedback(session, kind="phan_anh", content="Hỏi.", agency=agency, publish_consent=True)
        service.answer_feedback(session, Actor("test"), item, "Trả lời.", publish=True)
        code = item.tracking_code
        session.commit()
    login(client, "stp@tinh.gov.vn")
    assert act(client, code, action="correct", answer="Trả lời đã sửa.").status_code == 303
    with app.app_context():
        assert not get_session().scalar(select(Feedback.published).where(Feedback.tracking_code == code))


def test_without_a_mail_server_the_mail_is_written_to_the_log(databases, tmp_path, caplog):
    app = make_app(databases, tmp_path, SEARCH_BACKEND="null", MAIL_SERVER="")
    late_world.build(app)
    accounts(app)
    client = app.test_client()
    code = tracking_code(send(client, email="dan@example.vn"))
    login(client, "editor@tinh.gov.vn")
    assert act(client, code, action="answer", answer="Đã xử lý.").status_code == 303
    with caplog.at_level(logging.INFO, logger="app.outbox"):
        assert outbox.send_waiting(app).sent == 1
    assert code in caplog.text and "dan@example.vn" in caplog.text
