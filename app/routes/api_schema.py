"""The OpenAPI description of `/api/v1`; the tables' items are described by their column specs."""

from __future__ import annotations

from app.columns import Table
from app.feedback import stats
from app.feedback.criteria import CriteriaSet
from app.late import changes, tables


def _param(name: str, kind: str = "string", description: str = "") -> dict:
    return {"name": name, "in": "query", "required": False, "schema": {"type": kind}, "description": description}


PROCEDURE_FILTERS = [
    _param("q", description="Search words, with or without diacritics"),
    _param("agency", description="Agency code"),
    _param("field", description="Field slug"),
    _param("level", description="bo, tinh, huyen, xa or khac"),
    _param("online", description="full (toàn trình), online (any online filing) or none"),
    _param("postal", description="1: results can be sent by post; 0: not"),
    _param("page", "integer"),
    _param("per_page", "integer", "1 to 100"),
]


PERIOD = [
    _param("month", description="YYYY-MM; without month, from or to: the latest published month"),
    _param("from", description="YYYY-MM, first month of a period"),
    _param("to", description="YYYY-MM, last month of a period"),
]
PERIOD_SCHEMA = {"type": "object", "properties": {"from": {"type": "string"}, "to": {"type": "string"}}}
COMPARE_SCHEMA = {
    "type": "object",
    "properties": {
        "from": {"type": "string"},
        "to": {"type": "string"},
        "compare": {"type": "string", "enum": list(changes.COMPARISONS)},
        "published": {"type": "boolean"},
    },
}
NOT_PUBLISHED = {"description": "A month of the period is not published (listed in `months`)"}
BAD = {"description": "A bad parameter, named in the answer"}
JSON_TYPES = {
    "text": "string",
    "number": "integer",
    "percent": "number",
    "score": "number",
    "change": "integer",
    "points": "number",
}


def _sort_params(table: Table) -> list:
    rising = [key for key, column in table.sorts.items() if not column.descending]
    return [
        _param("sort", description=f"One of {', '.join(table.sorts)}; default {table.default_sort}"),
        _param("dir", description=f"asc or desc; empty: asc for {', '.join(rising)}, desc for the others"),
    ]


def _row(table: Table, criteria: CriteriaSet, totals: bool = False) -> dict:
    """The JSON schema of a table's items (or totals), from its columns."""
    properties = {}
    for column in table.columns:
        if not column.api or (totals and not column.total):
            continue
        kind = column.json or JSON_TYPES[column.format]
        nullable = column.nullable or column.format in ("percent", "score", "change", "points")
        described: dict = {"type": [kind, "null"] if nullable else kind}
        if kind == "array":
            described["items"] = {"type": "string"}
        properties[column.api] = described
        if column.doc:
            properties[column.api]["description"] = column.doc.format(
                max_score=criteria.max_score, criteria=len(criteria.criteria)
            )
    return {"type": "object", "properties": properties}


def _table_path(
    summary: str,
    parameters: list,
    table: Table,
    criteria: CriteriaSet,
    extra: dict,
    paged: bool = False,
    compared: bool = False,
) -> dict:
    properties = {"period": PERIOD_SCHEMA, "items": {"type": "array", "items": _row(table, criteria)}}
    if compared:
        properties["compare"] = COMPARE_SCHEMA
    if paged:
        properties.update({"total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}})
    if table.totals_label:
        properties["totals"] = _row(table, criteria, totals=True)
    return {
        "get": {
            "summary": summary,
            "parameters": parameters + _sort_params(table),
            "responses": {
                "200": {
                    "description": summary,
                    "content": {"application/json": {"schema": {"type": "object", "properties": properties}}},
                },
                "400": BAD,
                **extra,
            },
        }
    }


def openapi_document(criteria: CriteriaSet) -> dict:
    """Return the OpenAPI 3.1 document, scores described by the criteria set in force."""
    summary = {
        "type": "object",
        "properties": {k: {"type": ["string", "null"]} for k in ("code", "name", "agency", "field", "level", "url")},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Công khai TTHC API",
            "version": "1",
            "description": "Read-only access to the posted administrative procedures, the published late "
            "tables and the satisfaction results.",
        },
        "paths": {
            "/api/v1/procedures": {
                "get": {
                    "summary": "Search and browse procedures",
                    "parameters": PROCEDURE_FILTERS,
                    "responses": {
                        "200": {
                            "description": "A page of procedures",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "total": {"type": "integer"},
                                            "page": {"type": "integer"},
                                            "per_page": {"type": "integer"},
                                            "items": {"type": "array", "items": summary},
                                        },
                                    }
                                }
                            },
                        },
                        "400": BAD,
                    },
                }
            },
            "/api/v1/procedures/{code}": {
                "get": {
                    "summary": "One procedure with every part of its record",
                    "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {
                            "description": "The procedure: code, name, field, level, agencies, "
                            "steps, channels, documents, conditions, result, "
                            "legal_basis, decision, status"
                        },
                        "404": {"description": "No procedure has this code"},
                    },
                }
            },
            "/api/v1/late/agencies": _table_path(
                "Published late table by agency; a period sums its months, pending overdue at its end",
                PERIOD
                + [
                    _param("level", description="Agency level, as in the agencies file"),
                    _param("parent", description="Agency code: it and every agency under it"),
                ],
                tables.AGENCY_TABLE,
                criteria,
                {"404": NOT_PUBLISHED},
            ),
            "/api/v1/late/changes": _table_path(
                "Each agency's late files, on-time rate and rank in a period against a comparison period "
                "(`compare`: the period as long just before it, or the same months a year earlier); "
                "`compare` in the answer gives that period and whether it is published (else nothing is compared)",
                PERIOD
                + [
                    _param("compare", description="previous (default) or year"),
                    _param("level", description="Agency level, as in the agencies file"),
                    _param("parent", description="Agency code: it and every agency under it"),
                ],
                changes.CHANGE_TABLE,
                criteria,
                {"404": NOT_PUBLISHED},
                compared=True,
            ),
            "/api/v1/late/officers": _table_path(
                "Published table of officers responsible for files resolved late",
                PERIOD
                + [
                    _param("agency", description="Agency code"),
                    _param("q", description="Words each beginning a word of the officer's name or code"),
                ],
                tables.OFFICER_TABLE,
                criteria,
                {"404": NOT_PUBLISHED},
            ),
            "/api/v1/late/files": _table_path(
                "Published late files of a month or period, one item each, a page at a time",
                PERIOD
                + [
                    _param("agency", description="Agency code: it and every agency under it"),
                    _param("officer", description="Officer code: the files this officer is responsible for"),
                    _param("page", "integer"),
                    _param("per_page", "integer", f"1 to {tables.MAX_FILES_PER_PAGE}; default 50"),
                ],
                tables.LATE_FILE_TABLE,
                criteria,
                {"404": NOT_PUBLISHED},
                paged=True,
            ),
            "/api/v1/satisfaction": _table_path(
                "Satisfaction results by agency, live: a rating counts in the month it was given",
                [
                    _param("month", description="YYYY-MM; without month, from or to: the latest rated month"),
                    *PERIOD[1:],
                ],
                stats.AGENCY_TABLE,
                criteria,
                {},
            ),
        },
    }
