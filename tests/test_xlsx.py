"""Spreadsheet downloads of the public tables, opened with openpyxl: Vietnamese headers, numbers as
numbers equal to the API's, the title block and frozen header, the totals row apart, and no text
ever stored as a formula."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from app.db import get_session
from app.imports.cases import import_events
from tests import late_world
from tests.conftest import make_app

HEADER_ROW = 5


@pytest.fixture
def app(databases, tmp_path):
    found = make_app(databases, tmp_path, SEARCH_BACKEND="null")
    late_world.build(found)
    with found.app_context():
        session = get_session()
        # An explanation a spreadsheet would run, were it stored as a formula.
        events = 'case_code,event,at,reason\nC3,explained,2023-05-09 10:05,"=HYPERLINK(""http://x"",""y"")"\n'
        assert import_events(session, events.encode()).applied
        session.commit()
    late_world.build(found, "2023-05")
    return found


def sheet_of(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return load_workbook(io.BytesIO(response.data)).active


def rows(sheet) -> list[list]:
    return [list(r) for r in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]


def test_the_agency_table_opens_with_its_figures_as_numbers(app, client):
    sheet = sheet_of(client, "/late/agencies.xlsx?month=2023-05")
    assert sheet["A1"].value == "Hồ sơ trễ hạn theo cơ quan" and sheet["A1"].font.bold
    assert sheet["A2"].value == "Tháng 05/2023" and "/late/agencies.xlsx?month=2023-05" in sheet["A3"].value
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    header = [c.value for c in sheet[HEADER_ROW]]
    assert {"Cơ quan", "Đã giải quyết", "Trễ hạn", "Tỷ lệ đúng hạn"} <= set(header)
    api = client.get("/api/v1/late/agencies?month=2023-05").get_json()
    found = rows(sheet)
    body, totals = found[:-1], found[-1]
    assert len(body) == len(api["items"])
    column = {name: header.index(name) for name in ("Mã cơ quan", "Đã giải quyết", "Trễ hạn", "Tỷ lệ đúng hạn")}
    for row, item in zip(body, api["items"], strict=True):
        assert row[column["Mã cơ quan"]] == item["agency_code"]
        assert row[column["Đã giải quyết"]] == item["resolved"] and isinstance(row[column["Đã giải quyết"]], int)
        assert row[column["Trễ hạn"]] == item["late"]
        assert row[column["Tỷ lệ đúng hạn"]] == item["on_time_rate"]
    assert "Tổng cộng" in totals and totals[column["Trễ hạn"]] == api["totals"]["late"]
    assert sheet.cell(row=sheet.max_row, column=1).font.bold
    rate = sheet.cell(row=HEADER_ROW + 1, column=column["Tỷ lệ đúng hạn"] + 1)
    assert rate.number_format == '0.0"%"'  # 88.2 shown as 88.2%, a number still


def test_the_late_files_keep_a_formula_as_text(app, client):
    sheet = sheet_of(client, "/late/files.xlsx?month=2023-05")
    header = [c.value for c in sheet[HEADER_ROW]]
    reason = header.index("Lý do")
    cells = [row[reason] for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]
    formula = next(c for c in cells if c.value and str(c.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s", "stored as a text, never run"
    api = client.get("/api/v1/late/files?month=2023-05").get_json()
    assert len(rows(sheet)) == api["total"]
    days = header.index("Số ngày trễ")
    assert sorted(r[days] for r in rows(sheet)) == sorted(i["days_late"] for i in api["items"])
    # Dates are date cells a spreadsheet sorts and computes with, at the moments the API gives.
    received, due = header.index("Ngày tiếp nhận"), header.index("Hạn giải quyết")
    by_code = {r[header.index("Mã hồ sơ")]: r for r in rows(sheet)}
    for item in api["items"]:
        row = by_code[item["case_code"]]
        assert row[received] == dt.datetime.fromisoformat(item["received_at"]).replace(tzinfo=None)
        assert row[due] == dt.datetime.fromisoformat(item["due_at"]).replace(tzinfo=None)
    cell = next(sheet.iter_rows(min_row=HEADER_ROW + 1, max_row=HEADER_ROW + 1))[received]
    assert cell.is_date and cell.number_format == "dd/mm/yyyy hh:mm"
    assert "Mã thủ tục" in header and "procedure_code" not in header


def test_officers_and_satisfaction_download_as_spreadsheets(app, client):
    officers = sheet_of(client, "/late/officers.xlsx?month=2023-05")
    api = client.get("/api/v1/late/officers?month=2023-05").get_json()
    assert len(rows(officers)) == len(api["items"])
    english = sheet_of(client, "/en/late/officers.xlsx?month=2023-05")
    assert (english["A1"].value, english["A2"].value) == ("Officers who resolved files late", "Month 05/2023")
    satisfaction = sheet_of(client, "/satisfaction.xlsx")
    assert satisfaction["A1"].value == "Mức độ hài lòng"
    assert "Điểm trung bình (/18)" in [c.value for c in satisfaction[HEADER_ROW]]
    assert client.get("/late/agencies.xlsx?month=2023-13").status_code == 400


def test_a_control_character_in_a_name_is_dropped_not_a_500(app, client):
    with app.app_context():
        session = get_session()
        from sqlalchemy import update

        from app.models import Agency

        session.execute(update(Agency).where(Agency.code == "T.STP").values(name="Sở Tư pháp\x01 (thử)"))
        session.commit()
    sheet = sheet_of(client, "/late/agencies.xlsx?month=2023-05")
    assert "Sở Tư pháp (thử)" in [row[1] for row in rows(sheet)]
