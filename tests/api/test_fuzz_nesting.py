"""Deeply nested JSON on every route that takes a JSON body: a 400 in the envelope, never a
500, and no traceback in the log (a 500 used to write ~90 KB of it per request)."""

from __future__ import annotations

import logging

import httpx
import pytest

from tests.api.conftest import BASE, Tenant, assert_envelope, make_resources

DEPTHS = [20, 400, 600, 989, 5_000, 100_000]


def nested(depth: int, shape: str) -> str:
    if shape == "array":
        return "[" * depth + "]" * depth
    return '{"a": ' * depth + '"x"' + "}" * depth


async def json_operations(api: httpx.AsyncClient) -> list[tuple[str, str]]:
    schema = (await api.get("/openapi.json")).json()
    out = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                out.append((method.upper(), path))
    return out


@pytest.mark.parametrize("shape", ["array", "object"])
async def test_deep_json_is_a_400_on_every_json_route(
    api: httpx.AsyncClient, db, tenant: Tenant, caplog: pytest.LogCaptureFixture, shape: str
) -> None:
    res = await make_resources(db, tenant.id)
    ids = {
        "campaign_id": res.campaign.id,
        "lead_id": res.lead.id,
        "reply_id": res.reply.id,
        "touch_id": res.touch.id,
        "webhook_id": res.endpoint.id,
        "delivery_id": res.delivery.id,
        "mailbox_id": res.mailbox.id,
    }
    ops = await json_operations(api)
    assert len(ops) >= 6, ops
    headers = {**tenant.headers, "content-type": "application/json"}
    for method, path in ops:
        url = path.format(**{k: v for k, v in ids.items() if "{" + k + "}" in path})
        for depth in DEPTHS:
            for body in (nested(depth, shape), '{"name": ' + nested(depth, shape) + "}"):
                caplog.clear()
                with caplog.at_level(logging.WARNING):
                    r = await api.request(method, url, content=body, headers=headers)
                where = f"{method} {path} depth {depth}"
                assert r.status_code == 400, (where, r.text[:300])
                error = assert_envelope(r, 400)
                if depth > 32:
                    assert error["code"] == "nesting_too_deep", (where, error)
                    assert "nested" in error["error"], error
                errors = [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
                assert not errors, (where, errors[0].getMessage())


async def test_ordinary_nesting_still_passes(api: httpx.AsyncClient, tenant: Tenant) -> None:
    """The limit leaves room for every real body (a campaign with steps and a window)."""
    body = {
        "name": "Nested enough",
        "sendWindow": {"days": ["mon"], "start": "09:00", "end": "17:00"},
        "steps": [{"channel": "email", "delay": "P0D", "subject": "Hi", "body": "Hello"}],
    }
    r = await api.post(f"{BASE}/campaigns", json=body, headers=tenant.headers)
    assert r.status_code == 201, r.text
