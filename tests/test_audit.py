"""The Office's record does not depend on the tool: the command line and the browser write the same
audit entries (only the actor differs: `cli:<user>` or the account)."""

import getpass
import io

import pytest
from sqlalchemy import select

from app.db import get_session
from app.feedback import service
from app.imports.cases import import_cases
from app.models import AuditEntry, PublishedMonth
from tests import late_world
from tests.test_admin import accounts, login, post, token

EDITOR = "editor@tinh.gov.vn"
CLI = f"cli:{getpass.getuser()}"


@pytest.fixture
def office(app):
    late_world.build(app)  # the small province, nothing published yet
    accounts(app)
    return app


def entries(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(
            get_session().scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
        )


def shape(entry: AuditEntry) -> tuple:
    """What an entry says beside who made it and when."""
    return (entry.action, entry.target_type, entry.summary, entry.before, entry.after)


def test_publishing_a_month_is_logged_alike_from_the_command_line_and_the_browser(office, client):
    result = office.test_cli_runner().invoke(args=["publish-month", "2023-04"])
    assert result.exit_code == 0, result.output
    login(client, EDITOR)
    assert post(client, "/admin/months/2023-05", "/admin/months/2023-05", confirm="1").status_code == 303
    cli, web = entries(office, "month.publish")
    assert (cli.actor, cli.account_id, cli.target) == (CLI, None, "2023-04")
    assert (web.actor, web.target) == (EDITOR, "2023-05") and web.account_id is not None
    assert shape(cli) == shape(web) == ("month.publish", "month", None, None, {"revision": 1})
    with office.app_context():
        published = dict(get_session().execute(select(PublishedMonth.month, PublishedMonth.published_by)).all())
    assert published == {"2023-04": CLI, "2023-05": EDITOR}


def test_only_a_publication_that_changes_the_figures_is_logged(office):
    runner = office.test_cli_runner()
    assert runner.invoke(args=["publish-month", "2023-05"]).exit_code == 0
    assert runner.invoke(args=["publish-month", "2023-05"]).exit_code == 0, "unchanged: nothing to log"
    assert runner.invoke(args=["publish-month", "2023-13"]).exit_code == 1
    assert len(entries(office, "month.publish")) == 1
    with office.app_context():
        assert import_cases(
            get_session(),
            b"case_code,agency_code,received_at,due_at,finished_at\nC11,T.STP,2023-05-02,2023-05-04,2023-05-22\n",
        ).applied
        get_session().commit()
    refused = runner.invoke(args=["publish-month", "2023-05"])
    assert refused.exit_code == 1 and "--note" in refused.output
    assert runner.invoke(args=["publish-month", "2023-05", "--note", "Bổ sung hồ sơ C11"]).exit_code == 0
    first, correction = entries(office, "month.publish")
    assert (correction.summary, correction.after) == ("Bổ sung hồ sơ C11", {"revision": 2})


def _two_feedback(app) -> tuple[str, str]:
    with app.app_context():
        session = get_session()
        codes = tuple(
            service.submit_feedback(
                session, kind="phan_anh", content=f"Hồ sơ số {n} bị chậm", publish_consent=True
            ).tracking_code
            for n in (1, 2)
        )
        session.commit()
    return codes


def test_answering_feedback_is_logged_alike_from_the_command_line_and_the_browser(office, client):
    by_cli, by_web = _two_feedback(office)
    answer = "Sở đã trả kết quả và gửi thư xin lỗi."
    result = office.test_cli_runner().invoke(args=["feedback", "answer", by_cli, "--answer", answer, "--publish"])
    assert result.exit_code == 0, result.output
    login(client, EDITOR)
    page = f"/admin/feedback/{by_web}"
    assert post(client, page, page, action="answer", answer=answer, publish="1").status_code == 303
    cli, web = entries(office, "feedback.answer")
    assert (cli.actor, cli.target, web.actor, web.target) == (CLI, by_cli, EDITOR, by_web)
    assert shape(cli) == shape(web)
    assert cli.before == {"status": "received", "agency": None, "published": False}
    assert cli.after == {"status": "answered", "agency": None, "published": True}


def test_declining_feedback_is_logged_alike(office, client):
    by_cli, by_web = _two_feedback(office)
    result = office.test_cli_runner().invoke(args=["feedback", "status", by_cli, "declined", "--note", "Quảng cáo"])
    assert result.exit_code == 0, result.output
    login(client, EDITOR)
    page = f"/admin/feedback/{by_web}"
    assert post(client, page, page, action="declined", note="Quảng cáo").status_code == 303
    cli, web = entries(office, "feedback.declined")
    assert (cli.actor, web.actor) == (CLI, EDITOR) and shape(cli) == shape(web)


def test_an_import_is_logged_alike(office, client, tmp_path):
    data = "officer_code,officer_name,officer_title,agency_code\nO9,Người Mới,,T.STP\n".encode()
    path = tmp_path / "can-bo.csv"
    path.write_bytes(data)
    assert office.test_cli_runner().invoke(args=["import", "officers", str(path)]).exit_code == 0
    login(client, EDITOR)
    preview = client.post(
        "/admin/imports",
        data={
            "csrf_token": token(client, "/admin/imports"),
            "kind": "officers",
            "file": (io.BytesIO(data), "can-bo.csv"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    form = preview.get_data(as_text=True)
    kept = form.split('name="token" value="', 1)[1].split('"', 1)[0]
    assert (
        post(
            client, "/admin/imports/confirm", "/admin/imports", kind="officers", token=kept, filename="can-bo.csv"
        ).status_code
        == 303
    )
    cli, web = entries(office, "import.officers")
    assert (cli.actor, cli.target, web.actor, web.target) == (CLI, "can-bo.csv", EDITOR, "can-bo.csv")
    assert cli.summary == "imported 1, updated 0, rejected 0" and web.summary == "imported 0, updated 0, rejected 0"
    assert (cli.action, cli.target_type, cli.before) == (web.action, web.target_type, web.before)
    assert set(cli.after) == set(web.after) == {"imported", "updated", "rejected"}
