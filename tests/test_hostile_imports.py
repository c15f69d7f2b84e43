"""Import files built to crash or exhaust the importer: each class is refused with a message and a
row number where there is one, and the database stays as it was."""

import gzip
import io
import json
import re
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from app.db import get_session
from app.imports.agencies import import_agencies
from app.imports.cases import import_cases, import_steps
from app.imports.errors import ImportRejected
from app.imports.people import import_officers
from app.imports.procedures import import_procedures
from app.models import Agency, Case, Officer, Step
from tests.conftest import fixture_bytes, make_app
from tests.late_world import build

OFFICERS = "officer_code,officer_name,officer_title,agency_code\n"
STEPS = "case_code,step_no,officer_code,officer_name,officer_title,agency_code,started_at,due_at,finished_at\n"
CASES = "case_code,procedure_code,agency_code,received_at,due_at,finished_at,status,apology_sent,officer_code\n"


@pytest.fixture
def app(databases, tmp_path):
    app = make_app(databases, tmp_path, SEARCH_BACKEND="null")
    build(app)
    return app


def counts(app) -> tuple[int, ...]:
    with app.app_context():
        session = get_session()
        return tuple(session.scalar(select(func.count(m.id))) for m in (Agency, Officer, Case, Step))


def run(app, importer, data: bytes):
    """Import `data`, then roll back what was not applied; return the report (or the refusal)."""
    with app.app_context():
        session = get_session()
        try:
            report = importer(session, data)
        except ImportRejected as exc:
            session.rollback()
            return exc
        session.commit()
        return report


def rejected(app, importer, data: bytes) -> dict[int, str]:
    before = counts(app)
    report = run(app, importer, data)
    assert not isinstance(report, ImportRejected), report
    assert not report.applied
    assert counts(app) == before
    return {r.row: r.reason for r in report.rejected}


def refused(app, importer, data: bytes) -> str:
    before = counts(app)
    outcome = run(app, importer, data)
    assert isinstance(outcome, ImportRejected), outcome
    assert counts(app) == before
    return str(outcome)


@pytest.mark.parametrize("value", ["inf", "1e400", "1e19", "1.7", "0", "-2", "nan", '"2,5"', "99999999999"])
def test_a_step_number_must_be_a_whole_number_in_range(app, value):
    data = (STEPS + f"C3,{value},O1,Nguyễn Văn An,,T.STP,04/05/2023,08/05/2023,12/05/2023 16:00\n").encode()
    reasons = rejected(app, import_steps, data)
    assert list(reasons) == [2] and "step_no" in reasons[2]


def test_a_whole_step_number_written_as_a_decimal_is_that_number(app):
    data = (STEPS + "C3,1.0,O1,Nguyễn Văn An,,T.STP,04/05/2023,08/05/2023,12/05/2023 16:00\n").encode()
    report = run(app, import_steps, data)
    assert report.applied and not report.rejected


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("O9," + "A" * 250 + ",,T.STP", "officer_name"),
        ("O" * 70 + ",Tên,,T.STP", "code"),
        ("O9,Tên\x00độc,,T.STP", "NUL"),
    ],
)
def test_values_that_do_not_fit_their_column_are_rejected_with_their_row(app, row, column):
    reasons = rejected(app, import_officers, (OFFICERS + "O8,Người Tốt,,T.STP\n" + row + "\n").encode())
    assert list(reasons) == [3] and column.split("_")[-1] in reasons[3]


def test_a_case_code_longer_than_its_column_is_rejected(app):
    data = (CASES + "C" * 150 + ",,T.STP,2023-05-02,,2023-05-03,,,O1\n").encode()
    assert list(rejected(app, import_cases, data)) == [2]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "01/01/0001", "1899-12-31T10:00:00"])
def test_dates_outside_the_years_the_site_handles_are_rejected(app, day):
    data = (CASES + f"C99,,T.STP,{day},,2023-05-03,,,O1\n").encode()
    reasons = rejected(app, import_cases, data)
    assert list(reasons) == [2] and ("năm" in reasons[2] or "ngày" in reasons[2])


def test_a_cell_longer_than_the_limit_refuses_the_file_at_its_row(app, monkeypatch):
    monkeypatch.setenv("IMPORT_MAX_FIELD_CHARS", "1000")
    data = (OFFICERS + "O8,Người Tốt,,T.STP\nO9," + "A" * 1001 + ",,T.STP\n").encode()
    message = refused(app, import_officers, data)
    assert "dòng 3" in message and "IMPORT_MAX_FIELD_CHARS" in message


def test_a_cell_over_the_csv_modules_default_limit_is_read_and_judged(app):
    # 131,072 characters is the csv module's own default limit; a longer cell is still read.
    data = (OFFICERS + "O9," + "A" * 200_000 + ",,T.STP\n").encode()
    reasons = rejected(app, import_officers, data)
    assert list(reasons) == [2] and "200000" in reasons[2]


def officer_json(extra: str) -> bytes:
    return ('{"officer_code": "O9", "officer_name": "Tên", "agency_code": "T.STP", "x": ' + extra + "}\n").encode()


@pytest.mark.parametrize("number", ["9" * 5000, "1e400", "-1e400", "Infinity", "NaN"])
def test_json_numbers_no_column_can_hold_reject_their_row(app, number):
    reasons = rejected(app, import_officers, officer_json(number))
    assert list(reasons) == [1] and "số" in reasons[1]


def test_deeply_nested_json_is_refused_without_exhausting_the_stack(app):
    deep = "[" * 100_000 + "]" * 100_000
    reasons = rejected(app, import_officers, officer_json(deep))
    assert list(reasons) == [1] and "sâu" in reasons[1]
    message = refused(app, import_officers, ("[" + officer_json(deep).decode() + "]").encode())
    assert "sâu" in message
    reasons = rejected(app, import_officers, officer_json("[" * 70 + "]" * 70))
    assert "sâu" in reasons[1]


def test_a_national_record_with_a_huge_number_is_rejected_not_a_crash(app):
    record = json.loads(fixture_bytes("national-sample.jsonl").decode().splitlines()[0])
    line = json.dumps(record, ensure_ascii=False)
    line = line.replace("{", '{"bad": ' + "7" * 5000 + ", ", 1)
    with app.app_context():
        report = import_procedures(get_session(), line.encode())
        get_session().rollback()
    assert [r.row for r in report.rejected] == [1] and not report.applied


def test_a_gz_bomb_is_refused_while_it_expands(app, monkeypatch):
    monkeypatch.setenv("IMPORT_MAX_MB", "1")
    bomb = gzip.compress(OFFICERS.encode() + b"O9,A,,T.STP\n" * 200_000, compresslevel=9)
    assert len(bomb) < 100_000
    assert "IMPORT_MAX_MB" in refused(app, import_officers, bomb)
    assert "IMPORT_MAX_MB" in refused(app, import_officers, b"x" * (1024 * 1024 + 1))
    truncated = gzip.compress((OFFICERS + "O9,A,,T.STP\n").encode())[:-10]
    assert ".gz" in refused(app, import_officers, truncated)
    # Two members within the limit are one file.
    two = gzip.compress(OFFICERS.encode()) + gzip.compress("O9,Mới,,T.STP\n".encode())
    assert run(app, import_officers, two).applied


def workbook(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(data: bytes, member: str, change) -> bytes:
    """The XLSX with one of its parts changed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            target.writestr(info.filename, change(body) if info.filename == member else body)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
PEOPLE = [
    ["officer_code", "officer_name", "officer_title", "agency_code"],
    ["O7", "Bảy", None, "T.STP"],
    ["O8", "Tám", None, "T.STP"],
    ["O9", "Chín", None, "T.STP"],
]


def dimension(ref: str):
    return lambda body: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref.encode() + b'"', body)


def test_an_xlsx_declaring_a_huge_sheet_reads_only_its_rows(app):
    data = rewrite(workbook(PEOPLE), SHEET, dimension("A1:XFD1048576"))
    assert len(data) < 10_000
    report = run(app, import_officers, data)
    assert report.applied and report.imported == 3


def test_an_xlsx_declaring_fewer_rows_than_it_holds_loses_none(app):
    report = run(app, import_officers, rewrite(workbook(PEOPLE), SHEET, dimension("A1:B2")))
    assert report.applied and report.imported == 3


def test_malformed_or_empty_xlsx_is_refused(app):
    broken = rewrite(workbook(PEOPLE), SHEET, lambda body: body[: len(body) // 2])
    assert "XLSX" in refused(app, import_officers, broken)
    no_sheet = rewrite(
        workbook(PEOPLE), "xl/workbook.xml", lambda body: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", body)
    )
    assert "XLSX" in refused(app, import_officers, no_sheet)
    assert "XLSX" in refused(app, import_officers, b"PK\x03\x04" + b"\x00" * 100)


def test_cells_filled_in_up_to_a_far_column_count_against_the_limit(app, monkeypatch):
    monkeypatch.setenv("IMPORT_MAX_CELLS", "50000")
    far = [[*row, *([None] * 16_379), "x"] for row in PEOPLE]
    message = refused(app, import_officers, workbook(far))
    assert "IMPORT_MAX_CELLS" in message


def test_an_agency_import_cannot_close_a_cycle_with_stored_agencies(app, client):
    # T.STP's parent is T: making T a child of T.STP would close a loop.
    data = "code,name,parent_code\nT,Ủy ban nhân dân tỉnh Thử Nghiệm,T.STP\n".encode()
    reasons = rejected(app, import_agencies, data)
    assert list(reasons) == [2] and "vòng" in reasons[2]
    assert client.get("/late?parent=T").status_code in (200, 404)


def test_a_month_far_outside_the_years_is_not_found(app, client):
    from tests.conftest import login
    from tests.test_admin import accounts

    accounts(app)
    login(client, "editor@tinh.gov.vn")
    assert client.get("/admin/months/9999-12").status_code == 404
    assert client.get("/late?month=9999-12").status_code == 400


def test_the_audit_log_holds_any_account_email():
    from app.models import Account, AuditEntry

    # An account is logged under its email: a 135-character one overflowed a 120-character target.
    assert AuditEntry.__table__.c.target.type.length >= Account.__table__.c.email.type.length


@pytest.mark.parametrize("value", [1e20, 1.5, "abc", "1e3", 2**40, float("inf")])
def test_an_integer_column_takes_only_a_whole_number_in_its_range(value):
    from app.imports.errors import RowError
    from app.imports.procedures import COLUMNS

    with pytest.raises(RowError):
        COLUMNS.check({"code": "1.0001", "documents": [{"name": "Tờ khai", "original_qty": value}]})


@pytest.mark.parametrize("value", [2, 2.0, "3", None])
def test_an_integer_column_takes_what_both_databases_store_alike(value):
    from app.imports.procedures import COLUMNS

    COLUMNS.check({"code": "1.0001", "documents": [{"name": "Tờ khai", "original_qty": value}]})


def test_a_new_agency_may_come_before_its_new_parent_in_the_file(app):
    data = "code,name,parent_code\nT.NEW.CHILD,Phòng Con,T.NEW\nT.NEW,Sở Mới,T\n".encode()
    report = run(app, import_agencies, data)
    assert report.applied and report.imported == 2
    with app.app_context():
        child = get_session().scalar(select(Agency).where(Agency.code == "T.NEW.CHILD"))
        assert child is not None and child.parent is not None and child.parent.code == "T.NEW"
