"""Spreadsheet downloads (XLSX, openpyxl) of the public tables, for people who open them: the
columns' Vietnamese (or English) headers, numbers as numbers, a title block with the table, the
period and the source, the header row frozen, the totals row set apart. Texts stay texts: nothing
typed or imported is ever stored as a formula."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from flask import Response, request
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from app.clock import local_now
from app.columns import Column, Table
from app.text import xml_safe

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {
    "number": "#,##0",
    "percent": '0.0"%"',
    "score": "0.0",
    "change": "+#,##0;-#,##0;0",
    "points": "+0.0;-0.0;0.0",
}
TOTALS_FILL = PatternFill("solid", fgColor="E8EEF4")
TITLE_ROWS = 4  # title, period, source, a blank row: the header is the 5th row


def header(table: Table, label_args: dict | None = None) -> list[str]:
    """The columns' headers in the visitor's language (a column the page hides: its heading, else its CSV name)."""
    found = []
    for column in table.csv_columns():
        if column.label or column.heading:
            text = _(column.label or column.heading)
            found.append(text % (label_args or {}) if "%(" in text else text)
        else:
            found.append(column.csv or column.key)
    return found


def table_xlsx(
    filename: str,
    title: str,
    period: str,
    table: Table,
    records: Iterable[dict],
    totals: dict | None = None,
    label_args: dict | None = None,
) -> Response:
    """The table's rows (`records`, keyed as `table` keys them) and its totals, as an XLSX file.

    Written row by row (openpyxl's write-only mode), so that every late file of a long period costs
    the memory of its cells' XML, not of a worksheet object per cell."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(xml_safe(title)[:31] or "Sheet")
    columns = table.csv_columns()
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 18 if column.moment else 14 if column.numeric else 32
    sheet.freeze_panes = f"A{TITLE_ROWS + 2}"
    source = _("Nguồn: %(url)s, tải lúc %(moment)s", url=request.url, moment=local_now().strftime("%H:%M %d/%m/%Y"))
    sheet.append([_text(sheet, title, Font(bold=True, size=14))])
    sheet.append([_text(sheet, period)])
    sheet.append([_text(sheet, source)])
    sheet.append([])
    sheet.append([_text(sheet, name, Font(bold=True)) for name in header(table, label_args)])
    for record in records:
        sheet.append([_cell(sheet, record[c.key], c) for c in columns])
    if totals is not None:
        first = table.shown[0].key
        values = [totals[c.key] if c.total else (_(table.totals_label) if c.key == first else None) for c in columns]
        sheet.append([_cell(sheet, v, c, Font(bold=True), TOTALS_FILL) for v, c in zip(values, columns, strict=True)])
    buffer = io.BytesIO()
    book.save(buffer)
    response = Response(buffer.getvalue(), mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _text(sheet, value: str, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=xml_safe(value))
    cell.data_type = "s"  # a text beginning with "=" is still a text, never a formula
    if font is not None:
        cell.font = font
    return cell


def _cell(sheet, value, column: Column, font: Font | None = None, fill: PatternFill | None = None) -> WriteOnlyCell:
    """One cell: a text stays a text, a number gets its column's format, a moment is a date cell."""
    value = _plain(value)
    moment = _moment(value) if column.moment and isinstance(value, str) else None
    if moment is not None:
        cell = WriteOnlyCell(sheet, value=moment)
        cell.number_format = "dd/mm/yyyy" if type(moment) is dt.date else "dd/mm/yyyy hh:mm"
    elif isinstance(value, str):
        cell = _text(sheet, value)
    else:
        cell = WriteOnlyCell(sheet, value=value)
        if column.format in FORMATS and value is not None:
            cell.number_format = FORMATS[column.format]
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def _moment(text: str) -> dt.date | dt.datetime | None:
    """An ISO date or moment (as the tables write them) for a date cell: its local wall time, since a
    spreadsheet's dates have no zone; None for anything else."""
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        return None


def _plain(value):
    """A cell's value: lists (officer codes) joined, everything else as it is."""
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return xml_safe(value)  # a workbook is XML: a control character would make it unwritable
