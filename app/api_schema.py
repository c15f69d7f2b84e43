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


def openapi_document() -> dict:
    """Return the OpenAPI 3.1 document."""
    summary = {"type": "object", "properties": {k: {"type": ["string", "null"]} for k in
                                                ("code", "name", "agency", "field", "level", "url")}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Công khai TTHC API", "version": "1",
                 "description": "Read-only access to the posted administrative procedures."},
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
        },
    }
