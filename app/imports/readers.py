"""Read any import file into numbered rows, detecting the format by content, within set bounds.

Every bound is a setting of app/config.py (`IMPORT_MAX_*`), read from the environment when an
import runs: a file past one (size, rows, cells) is refused as a whole (ImportRejected, naming the
row where there is one); a row past one (fields, nesting, a number no column holds, a long cell of
an XLSX or JSON file) is rejected alone. A CSV cell past IMPORT_MAX_FIELD_CHARS stops the csv
reader itself, so that file is refused at that row.
"""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from app.config import Config
from app.imports.errors import ImportRejected
from app.text import nfc

Row = tuple[int, dict]


@dataclass(frozen=True)
class Limits:
    """How much an import file may hold: the `IMPORT_MAX_*` settings."""

    megabytes: float
    rows: int
    fields: int
    cells: int
    field_chars: int
    json_depth: int

    @classmethod
    def from_config(cls, config) -> Limits:
        return cls(
            megabytes=float(config["IMPORT_MAX_MB"]),
            rows=int(config["IMPORT_MAX_ROWS"]),
            fields=int(config["IMPORT_MAX_FIELDS"]),
            cells=int(config["IMPORT_MAX_CELLS"]),
            field_chars=int(config["IMPORT_MAX_FIELD_CHARS"]),
            json_depth=int(config["IMPORT_MAX_JSON_DEPTH"]),
        )

    @property
    def bytes(self) -> int:
        return int(self.megabytes * 1024 * 1024)


def limits_in_force() -> Limits:
    """The bounds of the settings, read from the environment when an import runs."""
    return Limits.from_config(Config().as_dict())


class Unreadable(dict):
    """A row the reader could not take (too wide, too deep, a number out of range): it is rejected
    with `reason` and its values are dropped."""

    def __init__(self, reason: str):
        super().__init__()
        self.reason = reason


def read_rows(data: bytes, known_headers: set[str] | None = None) -> list[Row]:
    """Return `(row number, row)` pairs; row numbers are those a spreadsheet or editor shows."""
    limits = limits_in_force()
    if data[:2] == b"\x1f\x8b":
        data = gunzip(data, limits.bytes)
    elif len(data) > limits.bytes:
        raise ImportRejected(f"tệp lớn hơn {limits.megabytes:g} MB (IMPORT_MAX_MB)")
    if data[:4] == b"PK\x03\x04":
        return list(_xlsx_rows(data, known_headers or set(), limits))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected("tệp không phải UTF-8, JSON, CSV hay XLSX") from exc
    stripped = text.lstrip()
    if not stripped:
        raise ImportRejected("tệp rỗng")
    if stripped[0] == "[":
        return _json_array(text, limits)
    if stripped[0] == "{":
        return _json_lines(text, limits)
    return list(_csv_rows(text, known_headers or set(), limits))


def gunzip(data: bytes, limit: int) -> bytes:
    """Decompress every member of a .gz a piece at a time, refusing it once past `limit` bytes."""
    out = bytearray()
    rest = data
    try:
        while rest[:2] == b"\x1f\x8b":
            member = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            pending = rest
            while not member.eof:
                if not pending:
                    raise ImportRejected("tệp .gz bị cắt cụt")
                out += member.decompress(pending, limit + 1 - len(out))
                if len(out) > limit:
                    raise ImportRejected(f"tệp .gz giải nén ra hơn {limit / 1024 / 1024:g} MB (IMPORT_MAX_MB)")
                pending = member.unconsumed_tail
            rest = member.unused_data
    except zlib.error as exc:
        raise ImportRejected(f"tệp .gz hỏng: {exc}") from exc
    if rest.strip(b"\x00"):
        raise ImportRejected("tệp .gz hỏng: dữ liệu lạ sau phần nén")
    return bytes(out)


class _BadNumber:
    """A JSON number no column can hold (Infinity, NaN, hundreds of digits): its row is rejected."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


def _int(text: str) -> int | _BadNumber:
    # Python refuses to read integers of more than 4,300 digits; no column holds more than 19.
    return int(text) if len(text) <= 30 else _BadNumber(text)


def _float(text: str) -> float | _BadNumber:
    value = float(text)
    return value if math.isfinite(value) else _BadNumber(text)


def _loads(text: str):
    return json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_BadNumber)


def _json_array(text: str, limits: Limits) -> list[Row]:
    try:
        items = _loads(text)
    except RecursionError:
        raise ImportRejected(f"JSON lồng nhau quá sâu (tối đa {limits.json_depth} cấp)") from None
    except json.JSONDecodeError as exc:
        raise ImportRejected(f"JSON không hợp lệ: {exc}") from exc
    if len(items) > limits.rows:
        raise ImportRejected(f"tệp có hơn {limits.rows} bản ghi (IMPORT_MAX_ROWS)")
    return [(i, _json_row(item, limits, depth=1)) for i, item in enumerate(items, start=1)]


def _json_lines(text: str, limits: Limits) -> list[Row]:
    rows: list[Row] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(rows) >= limits.rows:
            raise ImportRejected(f"tệp có hơn {limits.rows} bản ghi (IMPORT_MAX_ROWS), dừng ở dòng {number}")
        try:
            item = _json_row(_loads(line), limits, depth=0)
        except RecursionError:
            item = Unreadable(f"JSON lồng nhau quá sâu (tối đa {limits.json_depth} cấp)")
        except json.JSONDecodeError:
            item = {"_invalid": "dòng JSON không hợp lệ"}
        rows.append((number, item))
    return rows


def _json_row(item, limits: Limits, depth: int) -> dict:
    """The record, or an Unreadable row saying what in it is out of bounds."""
    if not isinstance(item, dict):
        return {"_invalid": item.text if isinstance(item, _BadNumber) else item}
    if len(item) > limits.fields:
        return Unreadable(f"bản ghi có {len(item)} trường, nhiều hơn {limits.fields} (IMPORT_MAX_FIELDS)")
    stack = [(item, depth + 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict | list):
            if level > limits.json_depth:
                return Unreadable(f"JSON lồng nhau quá sâu (tối đa {limits.json_depth} cấp)")
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, level + 1) for child in children)
        elif isinstance(value, str) and len(value) > limits.field_chars:
            return Unreadable(f"một giá trị dài {len(value)} ký tự, hơn {limits.field_chars} (IMPORT_MAX_FIELD_CHARS)")
        elif isinstance(value, _BadNumber):
            shown = value.text if len(value.text) <= 30 else f"{value.text[:20]}… ({len(value.text)} chữ số)"
            return Unreadable(f"số không đọc được hay quá lớn: {shown}")
    return item


def _find_header(rows: list[list], known: set[str]) -> int:
    """Index of the header row: the first naming a known column, else the first with 2 cells."""
    for index, row in enumerate(rows[:30]):
        if known & {nfc(str(c)).lower() for c in row if c not in (None, "")}:
            return index
    for index, row in enumerate(rows[:30]):
        if sum(1 for c in row if c not in (None, "")) >= 2:
            return index
    raise ImportRejected("không tìm thấy dòng tiêu đề")


def _empty(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _bounded(rows: Iterable, limits: Limits) -> Iterator[tuple[int, list | Unreadable]]:
    """Number the rows as read, trimmed of their empty trailing cells, within the row, field and cell
    bounds; a row wider than allowed becomes Unreadable.

    The cells counted are those read, empty ones included: a spreadsheet reader fills a row up to
    its last cell, so one cell in column XFD makes a row of 16,384."""
    cells = 0
    for number, row in enumerate(rows, start=1):
        if number > limits.rows:
            raise ImportRejected(f"tệp có hơn {limits.rows} dòng (IMPORT_MAX_ROWS)")
        cells += len(row)
        width = len(row)
        while width and _empty(row[width - 1]):
            width -= 1
        if cells > limits.cells:
            raise ImportRejected(f"tệp có hơn {limits.cells} ô (IMPORT_MAX_CELLS), dừng ở dòng {number}")
        if width > limits.fields:
            yield number, Unreadable(f"dòng có {width} ô, nhiều hơn {limits.fields} (IMPORT_MAX_FIELDS)")
            continue
        kept = list(row[:width])
        longest = max((len(c) for c in kept if isinstance(c, str)), default=0)
        if longest > limits.field_chars:
            yield number, Unreadable(f"một ô dài {longest} ký tự, hơn {limits.field_chars} (IMPORT_MAX_FIELD_CHARS)")
        else:
            yield number, kept


def _table(rows: Iterable, known: set[str], limits: Limits) -> Iterator[Row]:
    """The rows under the header found among the first 30, as dicts by header."""
    numbered = _bounded(rows, limits)
    head: list[tuple[int, list | Unreadable]] = []
    for item in numbered:
        head.append(item)
        if len(head) == 30:
            break
    if not head:
        raise ImportRejected("tệp rỗng")
    header_index = _find_header([[] if isinstance(r, Unreadable) else r for _n, r in head], known)
    header_row = head[header_index][1]
    assert not isinstance(header_row, Unreadable)  # _find_header saw those rows as empty
    header = [nfc(str(c)) if c not in (None, "") else None for c in header_row]
    for number, row in [*head[header_index + 1 :], *numbered]:
        if isinstance(row, Unreadable):
            yield number, row
            continue
        if all(_empty(c) for c in row):
            continue
        yield number, {h: (c if c is not None else "") for h, c in zip(header, row) if h}


def _csv_rows(text: str, known: set[str], limits: Limits) -> Iterator[Row]:
    sample = text[:4096]
    delimiter = max([",", ";", "\t"], key=sample.count)
    # The csv module's field limit is a process-wide setting: set it to ours, which is what a
    # cell may hold here; a longer cell stops the reader, and the file is refused at that row.
    csv.field_size_limit(limits.field_chars)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    read = [0]

    def records() -> Iterator[list[str]]:
        try:
            for record in reader:
                read[0] += 1
                yield record
        except csv.Error as exc:
            too_long = "field larger than field limit" in str(exc)
            reason = (
                f"một ô dài hơn {limits.field_chars} ký tự (IMPORT_MAX_FIELD_CHARS)"
                if too_long
                else f"CSV không hợp lệ ({exc})"
            )
            raise ImportRejected(f"dòng {read[0] + 1}: {reason}") from None

    return _table(records(), known, limits)


def _xlsx_rows(data: bytes, known: set[str], limits: Limits) -> Iterator[Row]:
    import openpyxl  # imported here: only XLSX imports pay for it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportRejected(f"tệp XLSX không đọc được: {exc}") from exc
    # ZipFile never yields more than a member's declared size: the sum bounds what openpyxl reads.
    if expanded > limits.bytes:
        raise ImportRejected(f"tệp XLSX giải nén ra hơn {limits.megabytes:g} MB (IMPORT_MAX_MB)")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl fails on a malformed part with any of a dozen exception types
        raise ImportRejected(f"tệp XLSX không đọc được: {exc}") from exc
    try:
        if not workbook.worksheets:
            raise ImportRejected("tệp XLSX không có trang tính nào")
        sheet = workbook.worksheets[0]
        # The declared <dimension> may claim a million rows of 16,384 columns, or fewer rows than the
        # sheet holds: forget it and read the rows that are there, within the bounds.
        sheet.reset_dimensions()
        yield from _table(sheet.iter_rows(values_only=True), known, limits)
    except ImportRejected:
        raise
    except Exception as exc:  # malformed sheet XML surfaces only as the rows are read
        raise ImportRejected(f"tệp XLSX không đọc được: {exc}") from exc
    finally:
        workbook.close()
