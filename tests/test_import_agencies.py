"""`import agencies`: the tree, its levels as data, validity dates, and bad rows."""

from sqlalchemy import func, select

from app.imports.agencies import import_agencies
from app.imports.procedures import import_procedures
from app.models import Agency, ProcedureAgency
from tests.conftest import fixture_bytes


def test_tree_and_idempotency(session):
    report = import_agencies(session, fixture_bytes("agencies.csv"))
    assert report.summary() == "imported 4, updated 0, rejected 0"
    commune = session.scalar(select(Agency).where(Agency.code == "T.H1.X1"))
    assert [a.code for a in commune.ancestors()] == ["T", "T.H1"]
    assert commune.valid_from.isoformat() == "2020-01-01"
    assert import_agencies(session, fixture_bytes("agencies.csv")).summary() == "imported 0, updated 0, rejected 0"


def test_the_two_level_2026_tree_fits_beside_the_2022_one(session):
    import_agencies(session, fixture_bytes("agencies.csv"))
    report = import_agencies(session, fixture_bytes("agencies-2026.csv"))
    assert report.summary() == "imported 3, updated 0, rejected 0"
    import datetime as dt

    day_2022, day_2026 = dt.date(2022, 5, 1), dt.date(2026, 5, 1)
    agencies = session.scalars(select(Agency)).all()
    assert {a.code for a in agencies if a.is_valid_on(day_2022)} == {"T", "T.STP", "T.H1", "T.H1.X1"}
    assert {a.code for a in agencies if a.is_valid_on(day_2026)} == {"Q", "Q.SNNMT", "Q.X1"}
    assert session.scalar(select(Agency).where(Agency.code == "Q.X1")).parent.code == "Q"


def test_bad_rows_are_all_reported_and_nothing_changes(session):
    report = import_agencies(session, fixture_bytes("agencies-bad.csv"))
    assert not report.applied
    reasons = {r.row: r.reason for r in report.rejected}
    assert set(reasons) == {3, 4, 5, 6, 7}
    assert "thiếu tên" in reasons[3]
    assert "NOPE" in reasons[4]
    assert "vòng lặp" in reasons[5]
    assert "trùng" in reasons[7]
    assert session.scalar(select(func.count(Agency.id))) == 0


def test_procedures_link_to_agencies_by_name_and_alias(session):
    import_agencies(session, fixture_bytes("agencies.csv"))
    import_procedures(session, fixture_bytes("procedures-table.csv"))
    links = session.execute(select(Agency.code, func.count()).join(ProcedureAgency).group_by(Agency.code)).all()
    assert dict(links) == {"T.H1.X1": 2, "T.STP": 1}


CONTACTS = """code,name,parent_code,level,address,phone,email,opening_hours,website
T,UBND tỉnh Thử Nghiệm,,tỉnh,"Số 1 Lê Lợi, phường Trung Tâm",0260 3862 000,vp@thunghiem.gov.vn,"Thứ Hai đến Thứ Sáu, 7:30–17:00",https://thunghiem.gov.vn
T.STP,Sở Tư pháp,T,sở,,,,,
""".encode()


def test_agencies_carry_their_contacts_and_a_file_without_them_keeps_them(session):
    assert import_agencies(session, CONTACTS).applied
    agency = session.scalar(select(Agency).where(Agency.code == "T"))
    assert (agency.address, agency.phone, agency.email) == (
        "Số 1 Lê Lợi, phường Trung Tâm",
        "0260 3862 000",
        "vp@thunghiem.gov.vn",
    )
    assert agency.opening_hours == "Thứ Hai đến Thứ Sáu, 7:30–17:00" and agency.website == "https://thunghiem.gov.vn"
    # The same tree without the contact columns, with Vietnamese headers: nothing lost, nothing changed.
    plain = "mã cơ quan,tên cơ quan,mã cơ quan cấp trên,cấp\nT,UBND tỉnh Thử Nghiệm,,tỉnh\n".encode()
    report = import_agencies(session, plain)
    assert report.summary() == "imported 0, updated 0, rejected 0"
    assert session.scalar(select(Agency.phone).where(Agency.code == "T")) == "0260 3862 000"
    # Vietnamese headers for the contacts too.
    vietnamese = "mã cơ quan,tên cơ quan,điện thoại,giờ làm việc\nT.STP,Sở Tư pháp,0260 3 111 222,Sáng 7:30–11:30\n"
    assert import_agencies(session, vietnamese.encode()).applied
    assert session.scalar(select(Agency.phone).where(Agency.code == "T.STP")) == "0260 3 111 222"


def test_a_contact_a_citizen_could_not_use_is_refused_with_its_row(session):
    bad = (
        CONTACTS.decode()
        .replace("vp@thunghiem.gov.vn", "vp at thunghiem")
        .replace("T.STP,Sở Tư pháp,T,sở,,,,,", "T.STP,Sở Tư pháp,T,sở,,,,,javascript:alert(1)")
    )
    report = import_agencies(session, bad.encode())
    assert not report.applied
    assert [(r.row, r.reason.split(":")[0]) for r in report.rejected] == [
        (2, "thư điện tử không đúng dạng"),
        (3, "trang web phải bắt đầu bằng https"),
    ]
    assert session.scalar(select(func.count(Agency.id))) == 0


def test_a_contact_longer_than_its_column_is_refused_with_its_row(session):
    long = f"code,name,phone\nT,UBND tỉnh,{'0' * 101}\n".encode()
    report = import_agencies(session, long)
    assert not report.applied and "phone" in report.rejected[0].reason
