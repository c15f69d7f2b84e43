"""`import procedures`: formats, all-or-nothing validation, idempotency, merging."""

import gzip
import io
import json

import openpyxl
from sqlalchemy import func, select

from app.imports.procedures import import_procedures
from app.models import Decision, DecisionItem, Procedure, ProcedureSource
from tests.conftest import fixture_bytes


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_national_records_come_out_structured(session):
    report = import_procedures(session, fixture_bytes("national-sample.jsonl"))
    assert report.summary() == "imported 5, updated 0, rejected 0"
    procedure = session.scalar(select(Procedure).where(Procedure.code == "2.001610"))
    assert {c.method for c in procedure.channels} == {"online", "postal", "direct"}
    assert {c.processing_value for c in procedure.channels} == {3}
    assert {c.processing_unit for c in procedure.channels} == {"working_day"}
    assert 100000 in {f.amount_vnd for c in procedure.channels for f in c.fees}
    assert procedure.documents and all(d.name for d in procedure.documents)
    assert procedure.online_level == "online" and procedure.postal is True


def test_reimport_is_idempotent(session):
    data = fixture_bytes("national-sample.jsonl")
    import_procedures(session, data)
    before = session.execute(select(Procedure.code, Procedure.content_hash).order_by(Procedure.code)).all()
    report = import_procedures(session, data)
    assert report.summary() == "imported 0, updated 0, rejected 0"
    assert report.unchanged == 5
    after = session.execute(select(Procedure.code, Procedure.content_hash).order_by(Procedure.code)).all()
    assert before == after


def test_sources_merge_into_one_procedure_and_richer_parts_win(session):
    import_procedures(session, fixture_bytes("catalogue-sample.jsonl.gz"))
    assert count(session, Procedure) == 3
    catalogue_only = session.scalar(select(Procedure).where(Procedure.code == "2.001610"))
    assert catalogue_only.channels == []
    import_procedures(session, fixture_bytes("national-sample.jsonl"))
    import_procedures(session, fixture_bytes("portal-sample.json"))
    assert count(session, Procedure) == 3 + 4 + 1  # 2.001610 is in all three sources
    merged = session.scalar(select(Procedure).where(Procedure.code == "2.001610"))
    assert merged.sources == "portal_api,national,catalogue"
    assert merged.channels, "the detail sources add the channels the catalogue lacks"
    assert merged.issuing_agency, "the catalogue still gives the issuing agency"
    assert count(session, ProcedureSource) == 3 + 5 + 2


def test_irregular_published_codes_are_kept_verbatim(session):
    import_procedures(session, fixture_bytes("catalogue-sample.jsonl.gz"))
    assert session.scalar(select(Procedure).where(Procedure.code == "1.0133611")) is not None


def test_a_bad_row_changes_nothing_and_is_named_by_its_row(session):
    import_procedures(session, fixture_bytes("national-sample.jsonl"))
    before = count(session, Procedure)
    report = import_procedures(session, fixture_bytes("procedures-bad.csv"))
    assert not report.applied
    assert [r.row for r in report.rejected] == [3, 4, 5, 6]
    assert "thiếu mã" in report.rejected[0].reason
    assert "dropped" in report.rejected[3].reason
    assert count(session, Procedure) == before
    assert session.scalar(select(Procedure).where(Procedure.code == "1.000010")) is None


def test_skip_invalid_imports_the_valid_rows(session):
    report = import_procedures(session, fixture_bytes("procedures-bad.csv"), skip_invalid=True)
    assert report.applied and report.summary() == "imported 1, updated 0, rejected 4"
    assert session.scalar(select(Procedure).where(Procedure.code == "1.000010")) is not None


def test_table_with_vietnamese_headers_and_decisions(session):
    report = import_procedures(session, fixture_bytes("procedures-table.csv"))
    assert report.summary() == "imported 3, updated 0, rejected 0"
    decision = session.scalar(select(Decision).where(Decision.number == "100/QĐ-UBND"))
    assert decision.date.isoformat() == "2022-01-15"
    actions = dict(session.execute(select(Procedure.code, DecisionItem.action).join(DecisionItem.procedure)).all())
    assert actions == {"1.000001": "new", "1.000002": "amended", "1.000003": "abolished"}
    abolished = session.scalar(select(Procedure).where(Procedure.code == "1.000003"))
    assert abolished.status == "abolished"


def test_formats_are_detected_by_content(session):
    rows = [json.loads(line) for line in fixture_bytes("national-sample.jsonl").decode().splitlines()]
    as_array = json.dumps(rows[:2], ensure_ascii=False).encode()
    assert import_procedures(session, gzip.compress(as_array)).imported == 2
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DANH MỤC THỦ TỤC HÀNH CHÍNH"])
    sheet.append(["Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực"])
    sheet.append(["1.000500", "Thủ tục từ bảng tính", "Bộ Tư pháp", "Sở Tư pháp", "Hộ tịch"])
    sheet.append(["", "Thiếu mã", "", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_procedures(session, buffer.getvalue())
    assert [r.row for r in report.rejected] == [4], "rows are numbered as the spreadsheet shows them"
    assert not report.applied


def test_a_duplicated_code_in_one_file_is_rejected(session):
    data = b"code,name\n1.000001,A\n1.000001,B\n"
    report = import_procedures(session, data)
    assert [(r.row, r.reason) for r in report.rejected] == [(3, "mã 1.000001 trùng với dòng 2")]
