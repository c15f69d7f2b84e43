"""The JSON API of SPEC §5."""

from app.imports.procedures import import_procedures
from tests.conftest import load


def test_list(client, loaded):
    body = client.get("/api/v1/procedures?q=doanh+nghiep&per_page=2").get_json()
    assert body["total"] >= 1 and body["page"] == 1
    item = body["items"][0]
    assert set(item) == {"code", "name", "agency", "field", "level", "url"}
    assert item["url"].endswith(f"/api/v1/procedures/{item['code']}")


def test_detail_has_every_part(client, loaded):
    body = client.get("/api/v1/procedures/2.001610").get_json()
    for key in (
        "code",
        "name",
        "field",
        "level",
        "agencies",
        "steps",
        "channels",
        "documents",
        "conditions",
        "result",
        "legal_basis",
        "decision",
        "status",
    ):
        assert key in body
    channel = body["channels"][0]
    assert set(channel) >= {"method", "method_code", "processing_time", "fees"}
    assert {(c["method"], c["method_code"]) for c in body["channels"]} == {
        ("Trực tuyến", "online"),
        ("Dịch vụ bưu chính", "postal"),
        ("Trực tiếp", "direct"),
    }
    assert channel["processing_time"] == {"value": 3, "unit": "working_day"}
    assert all(set(f) >= {"amount_vnd", "text"} for f in channel["fees"])
    assert all(set(d) >= {"name", "form", "original_qty", "copy_qty"} for d in body["documents"])
    assert all(set(b) == {"number", "title"} for b in body["legal_basis"])


def test_missing_parts_are_null(client, app):
    load(app, (import_procedures, "catalogue-sample.jsonl.gz"))
    body = client.get("/api/v1/procedures/3.000616").get_json()
    assert body["channels"] is None and body["documents"] is None and body["legal_basis"] is None


def test_errors(client, loaded):
    response = client.get("/api/v1/procedures?page=x")
    assert response.status_code == 400 and response.get_json()["parameter"] == "page"
    assert client.get("/api/v1/procedures/0.000000").status_code == 404


def test_openapi(client):
    body = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/procedures/{code}" in body["paths"]
