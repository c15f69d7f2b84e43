"""The OpenAPI description of `/api/v1`."""
from __future__ import annotations


def _param(name: str, kind: str = "string", description: str = "") -> dict:
    return {"name": name, "in": "query", "required": False, "schema": {"type": kind},
            "description": description}


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
    _param("sort", description="A column name"),
    _param("dir", description="asc or desc"),
]
AGENCY_COUNTS = {k: {"type": "integer"} for k in
                 ("resolved", "early", "on_time", "late", "pending_overdue", "apologies")}
AGENCY_ROW = {"type": "object", "properties": {
    "agency_code": {"type": "string"}, "agency_name": {"type": "string"}, **AGENCY_COUNTS,
    "on_time_rate": {"type": ["number", "null"], "description": "0 to 100, one decimal"}}}
OFFICER_ROW = {"type": "object", "properties": {
    **{k: {"type": ["string", "null"]} for k in ("officer_code", "officer_name", "officer_title", "agency_code")},
    "late_files": {"type": "integer"}, "days_late": {"type": "integer"}}}
PERIOD_SCHEMA = {"type": "object", "properties": {"from": {"type": "string"}, "to": {"type": "string"}}}
SATISFACTION_ROW = {"type": "object", "properties": {
    "agency_code": {"type": "string"}, "agency_name": {"type": "string"}, "ratings": {"type": "integer"},
    "satisfied_pct": {"type": ["number", "null"],
                      "description": "Share of ratings very satisfied or satisfied, 0 to 100, one decimal"},
    "average_score": {"type": ["number", "null"],
                      "description": "Mean total (out of 18) of the ratings that scored all nine criteria, one decimal"},
    **{k: {"type": "integer"} for k in ("very_satisfied", "satisfied", "unsatisfied", "scored_all_criteria",
                                         "verified")},
    "verified_pct": {"type": ["number", "null"], "description": "Share of ratings whose case code matched a file"}}}
NOT_PUBLISHED = {"description": "A month of the period is not published (listed in `months`)"}


def _late_path(summary: str, extra: list, row: dict, totals: bool) -> dict:
    properties = {"period": PERIOD_SCHEMA, "items": {"type": "array", "items": row}}
    if totals:
        properties["totals"] = {"type": "object", "properties": {
            k: v for k, v in row["properties"].items() if not k.startswith("agency_")}}
    return {"get": {"summary": summary, "parameters": PERIOD + extra, "responses": {
        "200": {"description": summary, "content": {"application/json": {
            "schema": {"type": "object", "properties": properties}}}},
        "400": {"description": "A bad parameter, named in the answer"}, "404": NOT_PUBLISHED}}}


def openapi_document() -> dict:
    """Return the OpenAPI 3.1 document."""
    summary = {"type": "object", "properties": {k: {"type": ["string", "null"]} for k in
                                                ("code", "name", "agency", "field", "level", "url")}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Công khai TTHC API", "version": "1",
                 "description": "Read-only access to the posted administrative procedures, the published late tables and the satisfaction results."},
        "paths": {
            "/api/v1/procedures": {"get": {
                "summary": "Search and browse procedures", "parameters": PROCEDURE_FILTERS,
                "responses": {
                    "200": {"description": "A page of procedures", "content": {"application/json": {
                        "schema": {"type": "object", "properties": {
                            "total": {"type": "integer"}, "page": {"type": "integer"},
                            "per_page": {"type": "integer"},
                            "items": {"type": "array", "items": summary}}}}}},
                    "400": {"description": "A bad parameter, named in the answer"}}}},
            "/api/v1/procedures/{code}": {"get": {
                "summary": "One procedure with every part of its record",
                "parameters": [{"name": "code", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "The procedure: code, name, field, level, agencies, "
                                                     "steps, channels, documents, conditions, result, "
                                                     "legal_basis, decision, status"},
                              "404": {"description": "No procedure has this code"}}}},
            "/api/v1/late/agencies": _late_path(
                "Published late table by agency; a period sums its months, pending overdue at its end",
                [_param("level", description="Agency level, as in the agencies file"),
                 _param("parent", description="Agency code: it and every agency under it")],
                AGENCY_ROW, True),
            "/api/v1/late/officers": _late_path(
                "Published table of officers responsible for files resolved late",
                [_param("agency", description="Agency code")], OFFICER_ROW, False),
            "/api/v1/satisfaction": {"get": {
                "summary": "Satisfaction results by agency, live: a rating counts in the month it was given",
                "parameters": [_param("month", description="YYYY-MM; without month, from or to: the latest rated month"),
                               *PERIOD[1:]],
                "responses": {"200": {"description": "Results by agency, with totals", "content": {
                    "application/json": {"schema": {"type": "object", "properties": {
                        "period": PERIOD_SCHEMA, "items": {"type": "array", "items": SATISFACTION_ROW},
                        "totals": SATISFACTION_ROW}}}}},
                    "400": {"description": "A bad parameter, named in the answer"}}}},
        },
    }
