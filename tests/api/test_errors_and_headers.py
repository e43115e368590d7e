"""The envelope and X-Request-Id on every path: unknown routes, wrong methods, an exception
inside a route (500, details only in the log), and keys that never reach a response or a
log line."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.exc import DataError

from api.deps import AppState
from api.main import create_app
from outreach.config import Settings
from outreach.db import Database
from tests.api.conftest import BASE, Tenant, assert_envelope
from tests.helpers import make_key


async def test_unknown_routes_are_404_in_the_envelope(
    api: httpx.AsyncClient, tenant: Tenant
) -> None:
    for path in (f"{BASE}/nope", f"{BASE}/campaigns/x/y/z", "/nope", "/api/v2/outreach/me"):
        for headers in ({}, tenant.headers):
            r = await api.get(path, headers=headers)
            body = assert_envelope(r, 404, "not_found")
            assert "no such endpoint" in body["error"]


async def test_wrong_methods_are_405_in_the_envelope(
    api: httpx.AsyncClient, tenant: Tenant
) -> None:
    for method, path in [
        ("DELETE", "/me"),
        ("PUT", "/campaigns"),
        ("POST", "/sends"),
        ("DELETE", "/campaigns/camp_x"),
        ("PUT", "/replies"),
    ]:
        r = await api.request(method, f"{BASE}{path}", headers=tenant.headers)
        body = assert_envelope(r, 405, "method_not_allowed")
        assert method in body["error"]
        assert r.headers.get("allow")


@pytest.fixture
async def failing_app(api_settings: Settings) -> AsyncIterator[FastAPI]:
    """A fresh app with a throwaway route that raises."""
    app = create_app(api_settings)

    @app.get(f"{BASE}/boom")
    async def boom() -> dict:
        raise RuntimeError("secret detail: the database password is hunter2")

    @app.get(f"{BASE}/refused")
    async def refused() -> dict:
        # What the database driver raises for a value it cannot store.
        raise DataError("INSERT ...", {"password": "hunter2"}, ValueError("value out of range"))

    app.state.outreach = AppState(api_settings)
    yield app
    await app.state.outreach.close()


async def test_an_unexpected_exception_is_500_with_details_only_in_the_log(
    failing_app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    transport = httpx.ASGITransport(app=failing_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        r = await client.get(f"{BASE}/boom", headers={"X-Request-Id": "trace-500"})
    body = assert_envelope(r, 500, "internal_error")
    assert r.headers["x-request-id"] == "trace-500"
    assert "X-Request-Id" in body["error"]
    assert "hunter2" not in r.text and "RuntimeError" not in r.text
    errors = [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "trace-500" in errors[0].getMessage()
    assert errors[0].exc_info and "hunter2" in str(errors[0].exc_info[1])
    # ... and the request's access line carries the same id and the status.
    access = [rec.getMessage() for rec in caplog.records if rec.name == "outreach.access"]
    assert any("500" in line and "request_id=trace-500" in line for line in access)


async def test_request_ids_are_echoed_when_sane_and_replaced_when_not(
    api: httpx.AsyncClient, tenant: Tenant, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="outreach.access")
    for sane in ("abc-123", "A.b_c:d-1", "x" * 128):
        r = await api.get(f"{BASE}/me", headers={**tenant.headers, "X-Request-Id": sane})
        assert r.headers["x-request-id"] == sane
    assert any("request_id=abc-123" in rec.getMessage() for rec in caplog.records)
    generated = set()
    for insane in (
        "x" * 129,
        "has space",
        "tab\there",
        "new\nline",
        "trailing\n",
        "ctrl\x01char",
        "semi;colon",
        "<script>",
    ):
        r = await api.get(f"{BASE}/me", headers={**tenant.headers, "X-Request-Id": insane})
        assert r.status_code == 200
        rid = r.headers["x-request-id"]
        assert rid != insane and rid.startswith("req_") and len(rid) < 64
        generated.add(rid)
    assert len(generated) == 8  # a new one each time
    r = await api.get(f"{BASE}/me", headers={**tenant.headers, "X-Request-Id": "ünïcode".encode()})
    assert r.headers["x-request-id"].startswith("req_")


async def test_every_kind_of_response_carries_a_request_id(
    api: httpx.AsyncClient, db: Database, tenant: Tenant
) -> None:
    revoked = await make_key(db, tenant.id, revoked=True)
    big = b'{"name": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    responses = [
        await api.get(f"{BASE}/me", headers=tenant.headers),  # 200
        await api.get(f"{BASE}/me"),  # 401
        await api.get(f"{BASE}/me", headers={"Authorization": f"Bearer {revoked}"}),  # 401
        await api.get(f"{BASE}/campaigns/camp_none", headers=tenant.headers),  # 404
        await api.get(f"{BASE}/nowhere"),  # 404
        await api.delete(f"{BASE}/me"),  # 405
        await api.post(
            f"{BASE}/campaigns",
            content=big,
            headers={**tenant.headers, "content-type": "application/json"},
        ),  # 413
        await api.get(f"{BASE}/campaigns?limit=0", headers=tenant.headers),  # 400
        await api.get("/openapi.json"),
        await api.get("/docs"),
    ]
    statuses = [r.status_code for r in responses]
    assert statuses == [200, 401, 401, 404, 404, 405, 413, 400, 200, 200]
    ids = [r.headers.get("x-request-id") for r in responses]
    assert all(ids) and len(set(ids)) == len(ids)


async def test_keys_never_appear_in_responses_or_logs(
    api: httpx.AsyncClient, db: Database, tenant: Tenant, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    revoked = await make_key(db, tenant.id, revoked=True)
    seen = []
    for key in (tenant.key, revoked):
        for path in ("/me", "/campaigns", "/leads?email=x@example.com", "/nope"):
            r = await api.get(f"{BASE}{path}", headers={"Authorization": f"Bearer {key}"})
            seen.append(r.text + str(r.headers))
        r = await api.post(
            f"{BASE}/campaigns",
            content=b"{bad",
            headers={"Authorization": f"Bearer {key}", "content-type": "application/json"},
        )
        seen.append(r.text + str(r.headers))
    everything = "\n".join(seen) + caplog.text
    for key in (tenant.key, revoked):
        assert key not in everything
        assert key.removeprefix("pms_live_") not in everything
    assert "request_id=" in caplog.text  # the log was captured at all


async def test_a_value_the_database_refuses_is_400_without_its_parameters_in_the_log(
    failing_app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    transport = httpx.ASGITransport(app=failing_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        r = await client.get(f"{BASE}/refused")
    assert_envelope(r, 400, "invalid_value")
    assert "value out of range" in caplog.text
    assert "hunter2" not in caplog.text and "hunter2" not in r.text
