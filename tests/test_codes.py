"""Code lists: one StrEnum per list, stored as codes, labelled and translated, defined once.

Channel methods are the case in point: sources spell them in many ways, the database keeps a code,
the late rules choose the direct channel by its code, and migration 0006 turns the labels stored
before it into codes (and back)."""

from __future__ import annotations

import ast
import gzip
import json
import re
import uuid
from pathlib import Path

import pytest
from alembic import command
from babel.messages.pofile import read_po
from sqlalchemy import create_engine, make_url, select, text

from app.admin import codes as admin_codes
from app.catalogue import codes as catalogue_codes
from app.catalogue.codes import ChannelMethod, Level
from app.codes import CodeList
from app.db import alembic_config, get_session, upgrade
from app.feedback import codes as feedback_codes
from app.imports.agencies import import_agencies
from app.imports.cases import import_cases
from app.imports.errors import RowError
from app.imports.flattened import parse_channels
from app.imports.procedure_records import to_record
from app.imports.procedures import import_procedures
from app.late import codes as late_codes
from app.late.rules import Month
from app.late.store import compute_month, processing_times
from app.models import Agency, Procedure
from tests.conftest import SERVER, fixture_bytes, require_shared

ROOT = Path(__file__).resolve().parent.parent
OWNERS = {
    catalogue_codes: "app/catalogue/codes.py",
    feedback_codes: "app/feedback/codes.py",
    late_codes: "app/late/codes.py",
    admin_codes: "app/admin/codes.py",
}
LISTS = [
    codes
    for module in OWNERS
    for codes in vars(module).values()
    if isinstance(codes, type) and issubclass(codes, CodeList) and codes is not CodeList
]


# --- channel methods as the sources spell them ------------------------------------------------


@pytest.mark.parametrize(
    "spelled, code",
    [
        ("Trực tiếp", "direct"),
        ("Nộp hồ sơ trực tiếp", "direct"),
        ("TRỰC TIẾP", "direct"),
        ("truc tiep", "direct"),
        ("DIRECT", "direct"),
        ("Trực tuyến", "online"),
        ("TRỰC TUYẾN", "online"),
        ("Nop truc tuyen", "online"),
        ("ONLINE", "online"),
        ("Dịch vụ bưu chính", "postal"),
        ("Qua dịch vụ bưu chính công ích", "postal"),
        ("qua buu dien", "postal"),
        ("POSTAL", "postal"),
        ("Kiosk tự phục vụ", "other"),
        ("", "other"),
    ],
)
def test_a_method_is_recognised_however_it_is_spelled(spelled, code):
    assert ChannelMethod.recognise(spelled) == code


def test_flattened_channels_spelled_differently_get_the_same_codes():
    text = (
        "Hình thức nộpThời gianPhí, lệ phíMô tảNộp hồ sơ trực tiếp15 Ngày làm việcMiễn phí"
        "TRỰC TUYẾN10 Ngày làm việcMiễn phíQua dịch vụ bưu chính công ích15 Ngày làm việcMiễn phí"
        "Truc tiep: nộp tại Bộ phận một cửa"
    )
    channels = parse_channels(text)
    assert [(c["method"], c["processing_time"]["value"]) for c in channels] == [
        ("direct", 15),
        ("online", 10),
        ("postal", 15),
    ]
    # Words that start no channel (no time follows them) stay in the description.
    assert channels[2]["description"] == "Truc tiep: nộp tại Bộ phận một cửa"


# A national record whose methods are spelled otherwise: the direct channel is the second one and
# takes longer than the first, so choosing the first one would make the file below late.
NATIONAL = {
    "ma_thu_tuc": "1.999001",
    "ten_thu_tuc": "Thủ tục thử cách viết",
    "cap_thuc_hien": "Cấp tỉnh",
    "co_quan_thuc_hien": "Sở Tư pháp",
    "cach_thuc_thuc_hien": (
        "Hình thức nộpThời gianPhí, lệ phíMô tảTRỰC TUYẾN2 Ngày làm việcMiễn phí"
        "Nộp hồ sơ trực tiếp10 Ngày làm việcMiễn phí"
        "Qua dịch vụ bưu chính công ích10 Ngày làm việcMiễn phí"
    ),
}
# The portal's API with free wording instead of its codes, one of them unknown.
PORTAL = {
    "data": {
        "code": "1.999002",
        "name": "Thủ tục thử API",
        "isProvince": True,
        "executionMethods": [
            {
                "submissionMethod": "nop truc tuyen",
                "processingTime": 1,
                "processingTimeUnit": "WORKING_DAY",
                "fees": [],
            },
            {
                "submissionMethod": "Truc tiep tai bo phan mot cua",
                "processingTime": 5,
                "processingTimeUnit": "WORKING_DAY",
                "fees": [],
            },
            {"submissionMethod": "Kiosk tự phục vụ", "processingTime": 3, "processingTimeUnit": "DAY", "fees": []},
        ],
    }
}
CASES = (
    "case_code,procedure_code,agency_code,received_at,due_at,finished_at\n"
    "X1,1.999001,T.STP,2023-05-15 09:00,,2023-05-22 15:00\n"
    "X2,1.999002,T.STP,2023-05-15 09:00,,2023-05-19 15:00\n"
)


def _jsonl(*records: dict) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()


def test_sources_spelling_methods_differently_store_codes_and_the_direct_channel_sets_the_due_date(app):
    with app.app_context():
        session = get_session()
        assert import_agencies(session, fixture_bytes("agencies.csv")).applied
        assert import_procedures(session, _jsonl(NATIONAL, PORTAL)).applied
        national, portal = (
            session.scalar(select(Procedure).where(Procedure.code == code)) for code in ("1.999001", "1.999002")
        )
        assert [c.method for c in national.channels] == ["online", "direct", "postal"]
        assert [(c.method, c.method_text) for c in portal.channels] == [
            ("online", None),
            ("direct", None),
            ("other", "Kiosk tự phục vụ"),
        ]
        assert (national.online_level, national.postal) == ("online", True)
        assert processing_times(session)["1.999001"] == (10, "working_day")
        assert processing_times(session)["1.999002"] == (5, "working_day")
        assert import_cases(session, CASES.encode()).applied
        figures = compute_month(session, Month(2023, 5))
        counts = figures.agencies[session.scalar(select(Agency.id).where(Agency.code == "T.STP"))]
        # Due 2023-05-29 (10 working days) and 2023-05-22 (5): both finished early; by the
        # online channels' 2 and 1 working days both would be late.
        assert (counts.resolved, counts.early, counts.late) == (2, 2, 0)
        session.commit()


def test_the_api_gives_the_method_label_and_its_code(app, client):
    with app.app_context():
        session = get_session()
        import_procedures(session, _jsonl(PORTAL))
        session.commit()
    channels = client.get("/api/v1/procedures/1.999002").get_json()["channels"]
    assert [(c["method"], c["method_code"]) for c in channels] == [
        ("Trực tuyến", "online"),
        ("Trực tiếp", "direct"),
        ("Kiosk tự phục vụ", "other"),
    ]
    page = client.get("/procedures/1.999002?lang=en").get_data(as_text=True)
    assert "In person" in page and "Kiosk tự phục vụ" in page


# --- migration 0006: the labels stored before it become codes ----------------------------------


@pytest.fixture
def empty_database(tmp_path):
    """The URL of a database with no tables, on the suite's server when there is one."""
    if not SERVER:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"tthc_codes_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _revision(name: str) -> str:
    source = next((ROOT / "migrations" / "versions").glob(f"{name}_*.py")).read_text()
    return re.search(r"""^revision: str = ["']([^"']+)["']""", source, re.MULTILINE).group(1)


OLD_PAYLOAD = {
    "code": "1.000001",
    "name": "Thủ tục cũ",
    "channels": [
        {"method": "Trực tiếp", "processing_time": {"value": 5, "unit": "working_day", "text": None}, "fees": []},
        {"method": "Dịch vụ bưu chính", "processing_time": None, "fees": []},
        {"method": "Kiosk", "processing_time": None, "fees": []},
    ],
}


def _read(engine) -> tuple[list, dict, int]:
    with engine.connect() as connection:
        channels = connection.execute(text("SELECT * FROM channels ORDER BY position")).mappings().all()
        payload = connection.execute(text("SELECT payload FROM procedure_sources")).scalar_one()
        fees = connection.execute(text("SELECT count(*) FROM fees")).scalar_one()
    payload = json.loads(payload) if isinstance(payload, str) else payload
    return [dict(c) for c in channels], payload, fees


def test_migration_0006_turns_stored_labels_into_codes_and_back(empty_database):
    before = _revision("0005")
    upgrade(empty_database, before)
    engine = create_engine(empty_database)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO procedures (id, code, name, name_folded, status, content_hash) "
                    "VALUES (1, '1.000001', 'Thủ tục cũ', '1.000001 thu tuc cu', 'in_force', 'x')"
                )
            )
            for position, method in enumerate(("Trực tiếp", "Dịch vụ bưu chính", "Kiosk")):
                connection.execute(
                    text(
                        "INSERT INTO channels (id, procedure_id, position, method) VALUES (:id, 1, :position, :method)"
                    ),
                    {"id": position + 1, "position": position, "method": method},
                )
            connection.execute(text("INSERT INTO fees (channel_id, position, amount_vnd) VALUES (1, 0, 0)"))
            connection.execute(
                text(
                    "INSERT INTO procedure_sources (procedure_code, kind, payload) "
                    "VALUES ('1.000001', 'office', :payload)"
                ),
                {"payload": json.dumps(OLD_PAYLOAD, ensure_ascii=False)},
            )
        engine.dispose()
        upgrade(empty_database)
        channels, payload, fees = _read(engine)
        assert [(c["method"], c["method_text"]) for c in channels] == [
            ("direct", None),
            ("postal", None),
            ("other", "Kiosk"),
        ]
        assert [c["method"] for c in payload["channels"]] == ["direct", "postal", "other"]
        assert payload["channels"][2]["method_text"] == "Kiosk"
        assert fees == 1
        engine.dispose()

        command.downgrade(alembic_config(empty_database), before)
        channels, payload, fees = _read(engine)
        assert [c["method"] for c in channels] == ["Trực tiếp", "Dịch vụ bưu chính", "Kiosk"]
        assert "method_text" not in channels[0]
        assert payload == OLD_PAYLOAD
        assert fees == 1  # the column was dropped in place: the channels' fees are still there
    finally:
        engine.dispose()


# --- every list: labels, translations, one definition ------------------------------------------


def test_every_code_has_a_label_translated_into_english():
    english = read_po((ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb"))
    assert len(LISTS) >= 13
    for codes in LISTS:
        for member in codes:
            assert member.label, member
            message = english.get(member.label)
            assert message is not None and message.string, (member, member.label)


def test_labels_are_translated_where_they_are_shown(app):
    from app.web.templating import label

    with app.test_request_context("/?lang=en"):
        assert label(Level.TINH) != Level.TINH.label
        assert label("direct", ChannelMethod) == "In person"
        assert label("unknown", ChannelMethod) == "unknown"
    with app.test_request_context("/"):
        assert label("direct", ChannelMethod) == "Trực tiếp"


def _defined_lists(path: Path, lists: list[type[CodeList]]) -> list[str]:
    """Literal collections in a module made of two or more codes of one list (and nothing else),
    and strings that are a list's Vietnamese label: each is a second definition of that list."""
    labels = {member.label: codes for codes in lists for member in codes if len(member.label) > 4}
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Dict)):
            items = node.keys if isinstance(node, ast.Dict) else node.elts
            strings = {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)}
            for codes in lists:
                if len(strings) >= 2 and strings <= set(codes.codes()):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {codes.__name__} {sorted(strings)}")
        elif isinstance(node, ast.Constant) and node.value in labels:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: label of {labels[node.value].__name__}")
    return found


def test_no_module_defines_a_code_list_again():
    owners = set(OWNERS.values())
    modules = [
        p for folder in ("app", "seed") for p in (ROOT / folder).rglob("*.py") if str(p.relative_to(ROOT)) not in owners
    ]
    found = [hit for path in modules for hit in _defined_lists(path, LISTS)]
    assert found == []


def test_templates_show_codes_through_the_label_filter():
    """No template keeps its own table of labels or writes a list's label itself."""
    labels = {member.label for codes in LISTS for member in codes if len(member.label) > 4}
    # The holidays page is named after one kind of day in the menu.
    allowed = {("admin/_nav.html", "Ngày nghỉ")}
    found = []
    for path in (ROOT / "app" / "templates").rglob("*.html"):
        name = str(path.relative_to(ROOT / "app" / "templates"))
        source = path.read_text()
        found += [f"{name}: labels." for _ in re.findall(r"\blabels\.", source)]
        found += [
            f"{name}: {m}"
            for m in re.findall(r"""_\(["']([^"']+)["']\)""", source)
            if m in labels and (name, m) not in allowed
        ]
    assert found == []


def test_the_vietnam_time_zone_is_defined_once():
    hits = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "app").rglob("*.py")
        if re.search(r"timedelta\(hours=7\)|[\"']Asia/Ho_Chi_Minh[\"']", p.read_text())
    ]
    assert hits == ["app/clock.py"]


def test_the_real_records_spell_only_methods_the_rules_know():
    """Every channel of the national records and of the portal's API gets a known method."""
    data = require_shared() / "tthc"
    methods = set()
    for name in ("national-procedures.jsonl.gz", "portal-api-details.jsonl.gz"):
        with gzip.open(data / name, "rt", encoding="utf-8") as handle:
            for line in handle:
                try:
                    _kind, record = to_record(json.loads(line))
                except RowError:
                    continue
                methods |= {c["method"] for c in record.get("channels") or []}
    assert methods == {"direct", "online", "postal"}
