"""CSV downloads, written one way: UTF-8 with a BOM, offered as an attachment under a file name,
every imported or typed text neutralised so that no spreadsheet runs it as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response

from app.columns import Table
from app.text import spreadsheet_cell


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> Response:
    """A CSV file of `header` then `rows`, downloaded as `filename`."""
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so that spreadsheet programs read the Vietnamese names as UTF-8
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([spreadsheet_cell(value) for value in row] for row in rows)
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def data_csv(filename: str, header: list[str], rows: Iterable[list]) -> Response:
    """A CSV file for programs (the open data package): UTF-8 without a BOM, one line per row; its
    texts neutralised like every CSV of the site."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([spreadsheet_cell(value) for value in row] for row in rows)
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_csv(filename: str, table: Table, rows: Iterable, totals=None) -> Response:
    """A public table as CSV: its columns' headers, one line per row, then the totals if given."""
    lines = [table.csv_row(row.as_dict()) for row in rows]
    if totals is not None:
        lines.append(table.csv_totals(totals.as_dict()))
    return csv_response(filename, table.csv_header(), lines)
