"""`import officers|cases|steps|holidays`: validation with row numbers, all or nothing, idempotent."""

import pytest
from sqlalchemy import event, func, select

from app.db import get_session
from app.imports.cases import import_cases, import_steps
from app.imports.people import import_holidays, import_officers
from app.late.rules import Month
from app.late.store import compute_month
from app.models import Case, HolidayOverride, Officer, Step
from tests.conftest import FIXTURES, fixture_bytes, make_app
from tests.late_world import build


@pytest.fixture
def app(databases, tmp_path):
    """These tests never search: an app without a search index (SEARCH_BACKEND=null), faster to fill."""
    return make_app(databases, tmp_path, SEARCH_BACKEND="null")


def test_the_world_imports_and_reimports_unchanged(app):
    build(app)
    with app.app_context():
        session = get_session()
        assert session.scalar(select(func.count(Case.id))) == 9
        assert session.scalar(select(func.count(Step.id))) == 4
        c4 = session.scalar(select(Case).where(Case.code == "C4"))
        assert (c4.received_at.isoformat(), c4.due_at.isoformat(), c4.due_has_time) == (
            "2023-05-02T08:30:00",
            "2023-05-08T10:00:00",
            True,
        )
        # An ISO offset is converted to Vietnam's time; a date alone carries no time.
        c2 = session.scalar(select(Case).where(Case.code == "C2"))
        assert c2.received_at.isoformat() == "2023-05-04T08:00:00" and not c2.due_has_time
        for importer, name in (
            (import_officers, "late-officers.csv"),
            (import_cases, "late-cases.csv"),
            (import_steps, "late-steps.csv"),
        ):
            report = importer(session, fixture_bytes(name))
            assert report.summary() == "imported 0, updated 0, rejected 0", name


def test_steps_create_and_update_officers_without_erasing_what_they_omit(app):
    build(app)
    with app.app_context():
        session = get_session()
        o1 = session.scalar(select(Officer).where(Officer.code == "O1"))
        assert (o1.name, o1.title, o1.agency.code) == ("Nguyễn Văn An", "Chuyên viên", "T.STP")
        o2 = session.scalar(select(Officer).where(Officer.code == "O2"))
        assert o2.title == "Phó Giám đốc"  # the step row left the title empty
        report = import_steps(
            session,
            (
                "case_code,step_no,officer_code,officer_name,officer_title,agency_code,started_at,due_at,finished_at\n"
                "C9,2,O9,Phạm Thị Dung,Chuyên viên,T.H1.X1,2023-05-18,2023-05-19,2023-05-19 10:00\n"
            ).encode(),
        )
        assert report.summary() == "imported 1, updated 0, rejected 0"
        assert session.scalar(select(Officer.name).where(Officer.code == "O9")) == "Phạm Thị Dung"


def test_a_steps_import_reads_everything_before_its_first_write(app):
    # On SQLite the write lock is taken at the first write and held to the commit: reading the steps
    # already there after writing the officers held it (and citizens' posts waited) for that read too.
    build(app)
    statements: list[str] = []
    with app.app_context():
        session = get_session()

        def seen(_conn, _cursor, statement, *_args):
            statements.append(statement.lstrip().split(None, 1)[0].upper())

        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", seen)
        try:
            report = import_steps(
                session,
                (
                    "case_code,step_no,officer_code,officer_name,officer_title,agency_code,started_at,due_at,finished_at\n"
                    "C9,2,O9,Phạm Thị Dung,Chuyên viên,T.H1.X1,2023-05-18,2023-05-19,2023-05-19 10:00\n"
                ).encode(),
            )
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        assert report.summary() == "imported 1, updated 0, rejected 0"
    writes = [i for i, kind in enumerate(statements) if kind in ("INSERT", "UPDATE", "DELETE")]
    reads_after = [kind for kind in statements[writes[0] :] if kind == "SELECT"]
    # Only the ids of the officers just inserted are read back after the first write.
    assert len(reads_after) <= 1, statements


def test_a_bad_cases_file_changes_nothing_and_names_every_bad_row(app):
    build(app)
    with app.app_context():
        session = get_session()
        before = session.scalar(select(func.count(Case.id)))
        report = import_cases(session, fixture_bytes("late-cases-bad.csv"))
        assert not report.applied
        reasons = {r.row: r.reason for r in report.rejected}
        assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9]
        assert "31/02/2023" in reasons[3]
        assert "NOPE" in reasons[4]
        assert "ngày hẹn trả" in reasons[5]
        assert "trước ngày tiếp nhận" in reasons[6]
        assert "dòng 2" in reasons[7]
        assert "paused" in reasons[8]
        assert "maybe" in reasons[9]
        assert session.scalar(select(func.count(Case.id))) == before
        assert session.scalar(select(Case.id).where(Case.code == "B1")) is None
        partial = import_cases(session, fixture_bytes("late-cases-bad.csv"), skip_invalid=True)
        assert partial.summary() == "imported 1, updated 0, rejected 7"


def test_vietnamese_headers_and_updates_by_case_code(app):
    build(app)
    with app.app_context():
        session = get_session()
        report = import_cases(
            session,
            (
                b"ma_ho_so,ma_co_quan,ngay_tiep_nhan,ngay_hen_tra,ngay_tra_ket_qua,trang_thai,da_xin_loi\n"
                b"C5,T.H1.X1,10/05/2023,12/05/2023,16/05/2023 10:00,,1\n"
                b"C10,T.STP,11/05/2023,15/05/2023,,,0\n"
            ),
        )
        assert report.summary() == "imported 1, updated 1, rejected 0"
        c5 = session.scalar(select(Case).where(Case.code == "C5"))
        assert c5.finished_at.isoformat() == "2023-05-16T10:00:00" and c5.apology_sent


def test_unknown_procedure_codes_are_kept_with_a_warning(app):
    build(app)
    with app.app_context():
        session = get_session()
        assert session.scalar(select(Case.procedure_code).where(Case.code == "C3")) == "9.999999"
        report = import_cases(session, fixture_bytes("late-cases.csv"))
        assert any("9.999999" in warning for warning in report.warnings)


def test_steps_need_their_case_and_a_named_new_officer(app):
    build(app)
    with app.app_context():
        session = get_session()
        report = import_steps(
            session,
            (
                b"case_code,step_no,officer_code,officer_name,officer_title,agency_code,started_at,due_at,finished_at\n"
                b"NOPE,1,O1,,,,,,\n"
                b"C1,x,O1,,,,,,\n"
                b"C1,1,NEW,,,,,,\n"
                b"C1,2,O1,,,,2023-05-05,2023-05-05,2023-05-04\n"
            ),
        )
        assert [r.row for r in report.rejected] == [2, 3, 4, 5]
        assert "import cases" in report.rejected[0].reason
        assert "họ tên" in report.rejected[2].reason
        assert session.scalar(select(func.count(Step.id))) == 4


def test_holidays_import_and_change_the_computed_due_date(app):
    build(app)
    with app.app_context():
        session = get_session()
        may = compute_month(session, Month(2023, 5))
        stp = next(c for a, c in may.agencies.items() if c.resolved == 4)
        assert (stp.early, stp.on_time) == (1, 1)
        report = import_holidays(session, fixture_bytes("late-holidays.csv"))
        assert report.summary() == "imported 2, updated 0, rejected 0"
        assert (
            import_holidays(session, fixture_bytes("late-holidays.csv")).summary()
            == "imported 0, updated 0, rejected 0"
        )
        assert session.scalar(select(HolidayOverride.kind).where(HolidayOverride.name.like("Làm bù%"))) == "work"
        # C1 (two working days from Friday 28/4) is now due Saturday 6/5, a working day: finished early.
        may = compute_month(session, Month(2023, 5))
        stp = next(c for a, c in may.agencies.items() if c.resolved == 4)
        assert (stp.early, stp.on_time) == (2, 0)
        bad = import_holidays(session, b"date,name,kind\n2023-02-30,x,off\n2023-05-07,y,holiday\n")
        assert [r.row for r in bad.rejected] == [2, 3] and not bad.applied


def test_cli_imports_the_case_files(runner):
    for kind, name in (
        ("agencies", "agencies.csv"),
        ("officers", "late-officers.csv"),
        ("cases", "late-cases-bad.csv"),
    ):
        result = runner.invoke(args=["import", kind, str(FIXTURES / name)])
    assert result.exit_code == 1
    assert "row 3: ngày giờ không hợp lệ: '31/02/2023'" in result.output
    assert result.output.strip().splitlines()[-1] == "imported 0, updated 0, rejected 7"
