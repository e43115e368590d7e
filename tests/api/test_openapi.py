"""/openapi.json describes every endpoint with its scope and its errors (in the envelope);
/docs serves the interactive page."""

from __future__ import annotations

import httpx

from outreach.scopes import ALL_SCOPES
from tests.api.conftest import BASE

ENVELOPE_KEYS = {"error", "code"}


async def _schema(api: httpx.AsyncClient) -> dict:
    r = await api.get("/openapi.json")
    assert r.status_code == 200
    assert r.headers.get("x-request-id")
    return r.json()


def _operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (method.upper(), path, op)
        for path, methods in schema["paths"].items()
        if path.startswith(BASE)
        for method, op in methods.items()
    ]


async def test_every_operation_documents_scope_and_auth_errors(api: httpx.AsyncClient) -> None:
    schema = await _schema(api)
    ops = _operations(schema)
    assert len(ops) >= 10
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for method, path, op in ops:
        where = f"{method} {path}"
        scope = op.get("x-required-scope")
        assert scope == "none" or scope in ALL_SCOPES, where
        assert op["description"].startswith("**Scope:**"), where
        assert (scope in op["description"]) if scope != "none" else True
        assert op["security"] == [{"bearer": []}], where
        codes = set(op["responses"])
        assert {"400", "401", "402", "500"} <= codes, where
        assert ("403" in codes) == (scope != "none"), where
        if scope != "none":
            assert scope in op["responses"]["403"]["description"], where
        if "{" in path:
            assert "404" in codes, where
        if "requestBody" in op:
            assert "413" in codes, where
        assert op.get("summary"), where


async def test_every_error_response_uses_the_envelope(api: httpx.AsyncClient) -> None:
    schema = await _schema(api)
    for method, path, op in _operations(schema):
        for code, response in op["responses"].items():
            if code.startswith(("4", "5")):
                body = response["content"]["application/json"]["schema"]
                assert set(body["required"]) == ENVELOPE_KEYS, (method, path, code)
                assert set(body["properties"]) >= ENVELOPE_KEYS


async def test_validation_errors_are_not_documented_as_fastapis_422(
    api: httpx.AsyncClient,
) -> None:
    schema = await _schema(api)
    text = str(schema)
    assert "HTTPValidationError" not in text
    for method, path, op in _operations(schema):
        if "422" in op["responses"]:
            assert "business rule" in op["responses"]["422"]["description"], (method, path)


async def test_the_seed_endpoints_are_described(api: httpx.AsyncClient) -> None:
    paths = (await _schema(api))["paths"]
    for path, method in [
        ("/me", "get"),
        ("/campaigns", "get"),
        ("/campaigns", "post"),
        ("/campaigns/{campaign_id}", "get"),
        ("/campaigns/{campaign_id}", "patch"),
        ("/leads", "get"),
        ("/leads", "post"),
        ("/leads/{lead_id}", "get"),
        ("/replies", "get"),
        ("/sends", "get"),
    ]:
        assert method in paths[BASE + path], path
    leads = paths[BASE + "/leads"]["get"]
    assert {p["name"] for p in leads["parameters"]} >= {
        "campaignId",
        "status",
        "email",
        "cursor",
        "limit",
    }
    replies = paths[BASE + "/replies"]["get"]
    assert {p["name"] for p in replies["parameters"]} >= {"campaignId", "needsAction"}
    # The docstring of a route follows its scope line.
    assert "_count" in paths[BASE + "/campaigns"]["get"]["description"]


async def test_campaign_schema_names_count_as_in_the_seed(api: httpx.AsyncClient) -> None:
    schemas = (await _schema(api))["components"]["schemas"]
    campaign = schemas["CampaignOut"]["properties"]
    assert "_count" in campaign and "count" not in campaign
    for name in (
        "id",
        "name",
        "status",
        "fromName",
        "pitchContext",
        "dailyCap",
        "createdAt",
        "updatedAt",
    ):
        assert name in campaign


async def test_docs_page_is_served(api: httpx.AsyncClient) -> None:
    r = await api.get("/docs")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "/openapi.json" in r.text and "swagger" in r.text.lower()
