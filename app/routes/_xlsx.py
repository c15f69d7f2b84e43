"""Spreadsheet downloads (XLSX, openpyxl) of the public tables, for people who open them: the
columns' Vietnamese (or English) headers, numbers as numbers, a title block with the table, the
period and the source, the header row frozen, the totals row set apart. Texts stay texts: nothing
typed or imported is ever stored as a formula."""

from __future__ import annotations

import io
from collections.abc import Iterable

from flask import Response, request
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from app.clock import local_now
from app.columns import Table
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
    """The columns' headers in the visitor's language; a column without a label keeps its CSV name."""
    found = []
    for column in table.csv_columns():
        if column.label:
            text = _(column.label)
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
    """The table's rows (`records`, keyed as `table` keys them) and its totals, as an XLSX file."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    columns = table.csv_columns()
    title, period = xml_safe(title), xml_safe(period)
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([period])
    sheet.append(
        [_("Nguồn: %(url)s, tải lúc %(moment)s", url=request.url, moment=local_now().strftime("%H:%M %d/%m/%Y"))]
    )
    sheet.append([])
    sheet.append(header(table, label_args))
    for cell in sheet[TITLE_ROWS + 1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = f"A{TITLE_ROWS + 2}"  # a string: asking for the cell would add an empty row
    for record in records:
        _row(sheet, [record[c.key] for c in columns], columns)
    if totals is not None:
        first = table.shown[0].key
        values = [totals[c.key] if c.total else (_(table.totals_label) if c.key == first else None) for c in columns]
        _row(sheet, values, columns)
        for cell in sheet[sheet.max_row]:
            cell.font, cell.fill = Font(bold=True), TOTALS_FILL
    for index, column in enumerate(columns, start=1):
        letter = sheet.cell(row=TITLE_ROWS + 1, column=index).column_letter
        sheet.column_dimensions[letter].width = 14 if column.numeric else 32
    buffer = io.BytesIO()
    book.save(buffer)
    response = Response(buffer.getvalue(), mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _row(sheet, values: list, columns) -> None:
    sheet.append([_plain(v) for v in values])
    for cell, column in zip(sheet[sheet.max_row], columns, strict=True):
        if isinstance(cell.value, str):
            cell.data_type = "s"  # a text beginning with "=" is still a text, never a formula
        elif column.format in FORMATS and cell.value is not None:
            cell.number_format = FORMATS[column.format]


def _plain(value):
    """A cell's value: lists (officer codes) joined, everything else as it is."""
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return xml_safe(value)  # a workbook is XML: a control character would make it unwritable
