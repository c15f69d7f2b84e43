"""Column specs of the public tables: one list per table drives its sort, page, CSV and API."""

from __future__ import annotations

from dataclasses import dataclass

from app.params import BadParameter

# change: a signed count against another period; points: a signed difference of two percentages.
FORMATS = ("text", "number", "percent", "score", "change", "points")
DIRECTIONS = ("asc", "desc")
_SAME = "\0same-as-key"


@dataclass(frozen=True)
class Column:
    """One column of a table: its row key, label, sort key, number format, CSV header and API key."""

    key: str  # the row's value: row.as_dict()[key]
    label: str | None = None  # the page's header, marked with N_ (the template translates it); None: hidden
    sort: str | None = None  # the `sort=` value that orders rows by this column; None: not sortable
    descending: bool = True  # the direction an empty `dir` means for this column
    format: str = "text"  # one of FORMATS
    csv: str | None = _SAME  # the CSV header (default: the key); None: not in the CSV
    api: str | None = _SAME  # the API key (default: the key); None: not in the API
    total: bool = False  # has a value in the totals row
    link: str | None = None  # the key of the agency code this cell links to
    nullable: bool = False  # the API may answer null for it (percentages and scores always may)
    doc: str = ""  # the API's description; `{max_score}` and `{criteria}` are filled in
    json: str | None = None  # the API's JSON type where the format does not give it: boolean, array
    moment: bool = False  # an ISO date or date-time text: a date cell in spreadsheets
    heading: str | None = None  # the spreadsheet's header of a column the page hides (marked with N_)

    def __post_init__(self):
        if self.format not in FORMATS:
            raise ValueError(f"{self.key}: format {self.format!r} is not one of {FORMATS}")
        for name in ("csv", "api"):
            if getattr(self, name) == _SAME:
                object.__setattr__(self, name, self.key)

    @property
    def numeric(self) -> bool:
        return self.format != "text"


@dataclass(frozen=True)
class Sort:
    """A table's order as asked for: the sort key, its column and the direction."""

    key: str
    column: str
    descending: bool

    def aria(self, column: Column) -> str | None:
        """`aria-sort` of a header: the direction on the sorted column, nothing elsewhere."""
        if column.sort != self.key:
            return None
        return "descending" if self.descending else "ascending"

    def link_dir(self, column: Column) -> str:
        """The `dir` a header's link asks for: the other way on the sorted column, else its default."""
        if column.sort == self.key:
            return "asc" if self.descending else "desc"
        return "desc" if column.descending else "asc"


def _present(value):
    # Missing values (no rate without files) sort below every number, and never compare with one.
    return (value is not None, value)


@dataclass(frozen=True)
class Table:
    """A public table: its columns in page order, its default sort and what breaks ties."""

    columns: tuple[Column, ...]
    default_sort: str
    ties: tuple[str, ...]  # keys ordering rows whose sorted values are equal
    totals_label: str | None = None  # the totals row's header (marked with N_); None: no totals row
    csv_order: tuple[str, ...] | None = None  # the CSV's column keys, where they differ from the page's order

    def __post_init__(self):
        if self.default_sort not in self.sorts:
            raise ValueError(f"default sort {self.default_sort!r} is no column's sort key")
        for key in (*self.ties, *(self.csv_order or ())):
            self.column(key)

    @property
    def shown(self) -> list[Column]:
        return [c for c in self.columns if c.label]

    @property
    def sorts(self) -> dict[str, Column]:
        return {c.sort: c for c in self.columns if c.sort}

    @property
    def sortable(self) -> list[Column]:
        """The sortable columns, the default first, for the sort picker."""
        default = self.sorts[self.default_sort]
        return [default] + [c for c in self.sorts.values() if c is not default]

    def column(self, key: str) -> Column:
        """The column whose row key is `key`; KeyError when there is none."""
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def parse_sort(self, args) -> Sort:
        """Read `sort` and `dir` (empty: the default column, the column's own direction); else BadParameter."""
        key = args.get("sort") or self.default_sort
        if key not in self.sorts:
            raise BadParameter("sort", key, ", ".join(self.sorts))
        column = self.sorts[key]
        direction = args.get("dir") or ("desc" if column.descending else "asc")
        if direction not in DIRECTIONS:
            raise BadParameter("dir", direction, ", ".join(DIRECTIONS))
        return Sort(key, column.key, direction == "desc")

    def sort_rows(self, rows: list, sort: Sort) -> None:
        """Order rows in place by the sorted column, ties by `ties` (always ascending)."""
        records = {id(row): row.as_dict() for row in rows}
        rows.sort(key=lambda r: tuple(_present(records[id(r)][k]) for k in self.ties))
        rows.sort(key=lambda r: _present(records[id(r)][sort.column]), reverse=sort.descending)

    def csv_columns(self) -> list[Column]:
        if self.csv_order:
            return [self.column(key) for key in self.csv_order]
        return [c for c in self.columns if c.csv]

    def csv_header(self) -> list[str]:
        return [c.csv for c in self.csv_columns() if c.csv]

    def csv_row(self, record: dict) -> list:
        return [record[c.key] for c in self.csv_columns()]

    def csv_totals(self, record: dict) -> list:
        """The totals as a CSV row: the totals label under the row header, blanks beside it."""
        header = self.shown[0].key
        return [
            record[c.key] if c.total else (self.totals_label if c.key == header else "") for c in self.csv_columns()
        ]

    def api_item(self, record: dict) -> dict:
        return {c.api: record[c.key] for c in self.columns if c.api}

    def api_totals(self, record: dict) -> dict:
        return {c.api: record[c.key] for c in self.columns if c.api and c.total}
