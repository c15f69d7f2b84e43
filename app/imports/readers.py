"""Read any import file into numbered rows, detecting the format by content."""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from collections.abc import Iterator

from app.imports.errors import ImportRejected
from app.text import nfc

Row = tuple[int, dict]


def read_rows(data: bytes, known_headers: set[str] | None = None) -> list[Row]:
    """Return `(row number, row)` pairs; row numbers are those a spreadsheet or editor shows."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise ImportRejected(f"tệp .gz hỏng: {exc}") from exc
    if data[:4] == b"PK\x03\x04":
        return list(_xlsx_rows(data, known_headers or set()))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected("tệp không phải UTF-8, JSON, CSV hay XLSX") from exc
    stripped = text.lstrip()
    if not stripped:
        raise ImportRejected("tệp rỗng")
    if stripped[0] == "[":
        return _json_array(text)
    if stripped[0] == "{":
        return _json_lines(text)
    return list(_csv_rows(text, known_headers or set()))


def _json_array(text: str) -> list[Row]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRejected(f"JSON không hợp lệ: {exc}") from exc
    return [(i, item if isinstance(item, dict) else {"_invalid": item}) for i, item in enumerate(items, start=1)]


def _json_lines(text: str) -> list[Row]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            item = {"_invalid": "dòng JSON không hợp lệ"}
        rows.append((number, item if isinstance(item, dict) else {"_invalid": item}))
    return rows


def _find_header(rows: list[list], known: set[str]) -> int:
    """Index of the header row: the first naming a known column, else the first with 2 cells."""
    for index, row in enumerate(rows[:30]):
        if known & {nfc(str(c)).lower() for c in row if c not in (None, "")}:
            return index
    for index, row in enumerate(rows[:30]):
        if sum(1 for c in row if c not in (None, "")) >= 2:
            return index
    raise ImportRejected("không tìm thấy dòng tiêu đề")


def _table(rows: list[list], known: set[str], first_number: int = 1) -> Iterator[Row]:
    if not rows:
        raise ImportRejected("tệp rỗng")
    header_index = _find_header(rows, known)
    header = [nfc(str(c)) if c not in (None, "") else None for c in rows[header_index]]
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 1):
        if all(c in (None, "") or (isinstance(c, str) and not c.strip()) for c in row):
            continue
        values = {h: (c if c is not None else "") for h, c in zip(header, row) if h}
        yield first_number + offset, values


def _csv_rows(text: str, known: set[str]) -> Iterator[Row]:
    sample = text[:4096]
    delimiter = max([",", ";", "\t"], key=sample.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return _table(rows, known)


def _xlsx_rows(data: bytes, known: set[str]) -> Iterator[Row]:
    import openpyxl  # imported here: only XLSX imports pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportRejected(f"tệp XLSX không đọc được: {exc}") from exc
    sheet = workbook.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    workbook.close()
    return _table(rows, known)
