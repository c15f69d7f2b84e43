"""`import agencies`: the agencies tree, `code,name,parent_code,level[,valid_from,valid_to,aliases]`
and the optional contact columns `address,phone,email,opening_hours,website`."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.imports import rows
from app.imports.errors import ImportReport, Rejection, RowError
from app.imports.linking import link_procedures
from app.imports.values import parse_date
from app.models import Agency
from app.search.service import catalogue_changed
from app.text import fold, nfc

HEADERS = {
    "code": ("code", "ma_co_quan", "mã cơ quan", "mã"),
    "name": ("name", "ten_co_quan", "tên cơ quan", "tên"),
    "parent_code": ("parent_code", "ma_co_quan_cha", "mã cơ quan cấp trên"),
    "level": ("level", "cap", "cấp"),
    "valid_from": ("valid_from", "hieu_luc_tu", "hiệu lực từ"),
    "valid_to": ("valid_to", "hieu_luc_den", "hiệu lực đến"),
    "aliases": ("aliases", "ten_khac", "tên khác"),
    "address": ("address", "dia_chi", "địa chỉ"),
    "phone": ("phone", "dien_thoai", "so_dien_thoai", "điện thoại", "số điện thoại"),
    "email": ("email", "thu_dien_tu", "thư điện tử"),
    "opening_hours": ("opening_hours", "gio_lam_viec", "giờ làm việc", "thời gian làm việc"),
    "website": ("website", "trang_web", "trang thông tin điện tử"),
}
CONTACTS = ("address", "phone", "email", "opening_hours", "website")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

COLUMNS = rows.Columns.of(Agency.__table__) | rows.Columns({"parent_code": Agency.__table__.c.code})


def validate(session: Session, data) -> tuple[list[tuple[int, dict]], list[Rejection]]:
    """Check every row, then the parents of the rows accepted; return them and the rejections."""
    parent = aliased(Agency)
    stored: dict[str, str | None] = dict(
        session.execute(select(Agency.code, parent.code).outerjoin(parent, Agency.parent_id == parent.id))
        .tuples()
        .all()
    )

    def check(values: dict) -> dict:
        code, name = nfc(values["code"]), nfc(values["name"])
        if not code:
            raise RowError("thiếu mã cơ quan (code)")
        if not name:
            raise RowError("thiếu tên cơ quan (name)")
        start, end = parse_date(values["valid_from"]), parse_date(values["valid_to"])
        if start and end and end < start:
            raise RowError("hiệu lực đến trước hiệu lực từ")
        contacts = contact_values(values)
        return {
            "code": code,
            "name": name,
            "parent_code": nfc(values["parent_code"]) or None,
            "level": nfc(values["level"]) or None,
            "valid_from": start,
            "valid_to": end,
            "aliases": nfc(values["aliases"]) or None,
            **contacts,
        }

    accepted, report = rows.validate(data, HEADERS, check, lambda r: r["code"], columns=COLUMNS)
    rejected = report.rejected
    rejected += _refuse_bad_parents(accepted, stored)
    return accepted, sorted(rejected, key=lambda r: r.row)


def contact_values(values: dict) -> dict:
    """The contact columns of a row (or a back-office form), checked: an email address and a
    website a citizen can use; RowError otherwise."""
    found = {key: " ".join(nfc(values.get(key)).split()) or None for key in CONTACTS}
    for key, value in found.items():
        limit = getattr(Agency.__table__.c[key].type, "length", None) or 0
        if value and limit and len(value) > limit:
            raise RowError(f"{key} dài quá {limit} ký tự")
    if found["email"] and not EMAIL.match(found["email"]):
        raise RowError(f"thư điện tử không đúng dạng: {found['email']!r}")
    if found["website"] and not found["website"].lower().startswith(("https://", "http://")):
        raise RowError(f"trang web phải bắt đầu bằng https:// hoặc http://: {found['website']!r}")
    return found


def _refuse_bad_parents(accepted: list[tuple[int, dict]], stored: dict[str, str | None]) -> list[Rejection]:
    """Take out of `accepted` the rows whose parent is unknown or whose chain of parents, in the
    tree as it will be (the stored agencies with the rows applied), comes back to the row itself.

    Repeated until nothing more goes: a row taken out leaves its agency's stored parent in place,
    which may close a cycle with another row (imported with --skip-invalid)."""
    rejected: list[Rejection] = []
    while True:
        parents = stored | {r["code"]: r["parent_code"] for _n, r in accepted}
        found = set()
        for number, record in accepted:
            reason = _parent_problem(record["code"], parents)
            if reason:
                found.add(number)
                rejected.append(Rejection(number, reason))
        if not found:
            return rejected
        accepted[:] = [(number, record) for number, record in accepted if number not in found]


def _parent_problem(code: str, parents: dict[str, str | None]) -> str | None:
    parent = parents.get(code)
    if parent and parent not in parents:
        return f"không có cơ quan cấp trên mã {parent}"
    # The walk stops at a root, or at an agency met twice: a cycle already stored that the row
    # does not belong to is not this row's doing.
    chain = {code}
    node = parent
    while node is not None and node in parents:
        if node == code:
            return f"cơ quan cấp trên tạo thành vòng lặp ({parent})"
        if node in chain:
            return None
        chain.add(node)
        node = parents[node]
    return None


def import_agencies(session: Session, data: bytes, skip_invalid: bool = False) -> ImportReport:
    """Import an agencies file all or nothing (or only its valid rows with `skip_invalid`); the caller commits."""
    accepted, rejected = validate(session, data)
    report = ImportReport(rejected=rejected)

    def write() -> None:
        agencies = {a.code: a for a in session.scalars(select(Agency))}
        # Every agency of the file exists before any parent is linked: a child may come first.
        new = [record["code"] for _number, record in accepted if record["code"] not in agencies]
        for code in new:
            agencies[code] = Agency(code=code)
            session.add(agencies[code])
        report.imported += len(new)
        changed = bool(new)
        for _number, record in accepted:
            agency = agencies[record["code"]]
            before = _state(agency)
            agency.name, agency.name_folded = record["name"], fold(record["name"])
            agency.level = record["level"]
            agency.valid_from, agency.valid_to = record["valid_from"], record["valid_to"]
            agency.aliases = record["aliases"]
            # A contact left empty (or a file without the column) keeps what is stored: the back
            # office may have filled it in.
            for key in CONTACTS:
                if record[key] is not None:
                    setattr(agency, key, record[key])
            agency.parent = agencies.get(record["parent_code"]) if record["parent_code"] else None
            if before is not None and before != _state(agency):
                report.updated += 1
                changed = True
            elif before is not None:
                report.unchanged += 1
        if changed:
            link_procedures(session)
        catalogue_changed(session)

    return rows.apply_all_or_nothing(session, report, skip_invalid, write)


def _state(agency: Agency):
    if agency.id is None:
        return None
    return (
        agency.name,
        agency.level,
        agency.valid_from,
        agency.valid_to,
        agency.aliases,
        agency.parent.code if agency.parent else None,
        *(getattr(agency, key) for key in CONTACTS),
    )
