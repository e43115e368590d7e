"""The seed's auth rules on every route under /api/v1/outreach, derived from the app itself.

The routes come from the app's OpenAPI document, so a route added later is covered the
moment it exists. Each must declare its scope (`x-required-scope`, or `Scope:` in its
description) or `test_every_route_declares_its_scope` fails. A route whose path names a
kind of row this file cannot provide fails too, with a message saying what to add.

For every route: no key -> 401, an unknown key -> 401, a revoked key -> 401 "Key
revoked", a workspace below Pro -> 402, a key lacking the scope -> 403 naming it, a key
holding only that scope -> through, and another workspace's key -> 404 for ids in the
path (exactly what a non-existent id gets) and none of the other workspace's rows in
lists. No response or log line ever contains a key.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from api.docs import NO_SCOPE, api_routes
from api.main import create_app
from outreach.config import Settings
from outreach.db import Database
from outreach.scopes import ALL_SCOPES
from outreach.security import KEY_PREFIX
from tests.api.conftest import (
    BASE,
    Resources,
    Tenant,
    assert_envelope,
    make_resources,
    new_tenant,
)
from tests.helpers import make_key, running_worker


@dataclass(frozen=True)
class Op:
    method: str
    path: str
    spec: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.method} {self.path.removeprefix(BASE)}"

    @property
    def params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)


def _collect() -> tuple[list[Op], list[str]]:
    """Every operation of the API (from an app built only to read its routes), and the
    routes under the prefix that are missing from the OpenAPI document."""
    app = create_app(Settings(secret_key="route-listing-only"))
    schema = app.openapi()
    ops = [
        Op(method.upper(), path, spec)
        for path, methods in schema["paths"].items()
        if path.startswith(BASE)
        for method, spec in methods.items()
    ]
    documented = {(op.method, op.path) for op in ops}
    routes = list(api_routes(app.routes))
    hidden = [
        f"{method} {path}"
        for path, route in routes
        if path.startswith(BASE)
        for method in sorted(route.methods - {"HEAD"})
        if (method, path) not in documented
    ]
    assert len(routes) >= len(ops), "the app's routes could not be listed"
    return ops, hidden


OPS, HIDDEN = _collect()
_SCOPE_LINE = re.compile(r"Scope:\**\s*`?(none|[a-z_]+:[a-z_]+)")


def scope_of(op: Op) -> str | None:
    if "x-required-scope" in op.spec:
        declared = op.spec["x-required-scope"]
        return None if declared == NO_SCOPE else declared
    found = _SCOPE_LINE.search(op.spec.get("description") or "")
    if not found:
        raise LookupError(f"{op.id} declares no scope")
    return None if found.group(1) == "none" else found.group(1)


def has_scope(op: Op) -> bool:
    """For parametrizing: a route that declares none fails its own test, not collection."""
    try:
        return scope_of(op) is not None
    except LookupError:
        return False


# Which row a path parameter names: its name, or else the path segment before it.
_KINDS = (
    ("autopilot_run", "autopilot_run"),
    ("suppression", "suppression"),
    ("campaign", "campaign"),
    ("lead", "lead"),
    ("touch", "touch"),
    ("repl", "reply"),
    ("deliver", "delivery"),
    ("endpoint", "endpoint"),
    ("webhook", "endpoint"),
    ("mailbox", "mailbox"),
    ("event", "event"),
    ("send", "send"),
    ("discovery", "discovery_run"),
)


def _kind(op: Op, param: str) -> str:
    before = op.path.split("{" + param + "}")[0].rstrip("/").rsplit("/", 1)[-1]
    for text in (param.lower(), before.lower()):
        for needle, kind in _KINDS:
            if needle in text:
                return kind
    raise LookupError(
        f"{op.id}: no sample row for {{{param}}}; teach _KINDS in {__name__} which row it names"
    )


def fill(op: Op, res: Resources | None) -> str:
    """The route's path with the ids of `res` (or ids that exist nowhere)."""
    path = op.path
    for param in op.params:
        kind = _kind(op, param)
        value = getattr(res, kind).id if res else f"{kind[:4]}_{secrets.token_hex(10)}"
        path = path.replace("{" + param + "}", value)
    return path


@dataclass(frozen=True)
class Sample:
    """What a key that holds the route's scope sends, and the statuses it may get."""

    body: Any = None
    ok: tuple[int, ...] = (200,)
    code: str | None = None
    worker: bool = False  # the route waits for a workflow's result


def _new_email() -> str:
    return f"matrix-{secrets.token_hex(5)}@example.com"


def sample(op: Op, res: Resources) -> Sample:
    """A request that passes auth and validation. Routes not listed get `{}` (for bodies)
    and must simply not answer an auth error or a 5xx."""
    key = (op.method, op.path.removeprefix(BASE))
    lead_path = "/leads/{lead_id}"
    table: dict[tuple[str, str], Sample] = {
        ("POST", "/campaigns"): Sample({"name": "Matrix"}, (201,)),
        ("PATCH", "/campaigns/{campaign_id}"): Sample({"pitchContext": "Matrix"}),
        ("POST", "/leads"): Sample({"campaignId": res.campaign.id, "email": _new_email()}, (201,)),
        ("PATCH", lead_path): Sample({"company": "Matrix Inc"}),
        # The sample lead has no workflow: controls answer that its sequence is not running.
        ("POST", lead_path + "/pause"): Sample(None, (422,), "lead_finished"),
        ("POST", lead_path + "/stop"): Sample(None, (422,), "lead_finished"),
        ("POST", lead_path + "/resume"): Sample(None, (422,), "lead_not_paused"),
        ("POST", lead_path + "/send-next"): Sample(None, (422,), "lead_finished"),
        ("POST", "/channel-touches/{touch_id}/sent"): Sample(None, (200,)),
        ("POST", "/webhooks/{webhook_id}/test"): Sample(None, (200,), worker=True),
        ("POST", "/suppressions"): Sample({"emails": [_new_email()]}, (200,)),
        ("DELETE", "/suppressions/{suppression_id}"): Sample(None, (204,)),
    }
    if key in table:
        return table[key]
    if op.method == "GET":
        return Sample()
    return Sample({}, ())  # unknown body: any answer but auth errors and 5xx


async def call(
    api: httpx.AsyncClient, op: Op, path: str, headers: dict[str, str], body: Any = None
) -> httpx.Response:
    if body is None and op.method in ("POST", "PUT", "PATCH") and "requestBody" in op.spec:
        body = {}
    return await api.request(op.method, path, headers=headers, json=body)


_KNOWN = {
    ("GET", "/campaigns/{campaign_id}"),
    ("PATCH", "/campaigns/{campaign_id}"),
    ("PATCH", "/leads/{lead_id}"),
    ("POST", "/leads/{lead_id}/pause"),
    ("POST", "/leads/{lead_id}/resume"),
    ("POST", "/leads/{lead_id}/stop"),
    ("POST", "/leads/{lead_id}/send-next"),
    ("POST", "/channel-touches/{touch_id}/sent"),
}


@dataclass
class World:
    a: Tenant
    b: Tenant
    a_rows: Resources
    b_rows: Resources
    revoked: str
    free: Tenant


@pytest.fixture(scope="module")
async def world(db: Database) -> World:
    a, b = await new_tenant(db, name="Tenant A"), await new_tenant(db, name="Tenant B")
    return World(
        a=a,
        b=b,
        a_rows=await make_resources(db, a.id),
        b_rows=await make_resources(db, b.id),
        revoked=await make_key(db, a.id, revoked=True),
        free=await new_tenant(db, plan="free"),
    )


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def no_key_leaks(response: httpx.Response, caplog: pytest.LogCaptureFixture, *keys: str) -> None:
    text = response.text + repr(response.headers.items()) + caplog.text
    for key in keys:
        assert key not in text
        assert key[len(KEY_PREFIX) :] not in text


def test_routes_were_found() -> None:
    paths = {op.id for op in OPS}
    for expected in (
        "GET /me",
        "GET /campaigns",
        "POST /campaigns",
        "GET /campaigns/{campaign_id}",
        "PATCH /campaigns/{campaign_id}",
        "GET /leads",
        "POST /leads",
        "GET /leads/{lead_id}",
        "GET /replies",
        "GET /sends",
    ):
        assert expected in paths


def test_every_route_is_documented() -> None:
    assert HIDDEN == [], f"routes missing from /openapi.json: {HIDDEN}"


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.id)
def test_every_route_declares_its_scope(op: Op) -> None:
    scope = scope_of(op)
    assert scope is None or scope in ALL_SCOPES, f"{op.id}: unknown scope {scope!r}"
    if op.id != "GET /me":
        assert scope is not None, f"{op.id}: only /me may go without a scope"
    for param in op.params:
        _kind(op, param)  # raises with a clear message when the matrix cannot fill it


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.id)
async def test_missing_invalid_and_revoked_keys_answer_401(
    api: httpx.AsyncClient, world: World, op: Op, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    path = fill(op, world.a_rows)
    r = await call(api, op, path, {})
    assert_envelope(r, 401, "missing_api_key")
    assert r.headers["www-authenticate"].startswith("Bearer")

    unknown = KEY_PREFIX + secrets.token_urlsafe(32)
    r = await call(api, op, path, bearer(unknown))
    assert_envelope(r, 401, "invalid_api_key")

    r = await call(api, op, path, bearer(world.revoked))
    body = assert_envelope(r, 401, "key_revoked")
    assert body["error"] == "Key revoked"
    no_key_leaks(r, caplog, unknown, world.revoked)


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.id)
async def test_workspace_below_pro_answers_402(
    api: httpx.AsyncClient, world: World, op: Op
) -> None:
    r = await call(api, op, fill(op, world.a_rows), world.free.headers)
    body = assert_envelope(r, 402, "plan_upgrade_required")
    assert "Pro" in body["error"]


@pytest.mark.parametrize("op", [op for op in OPS if has_scope(op)], ids=lambda op: op.id)
async def test_missing_scope_answers_403_naming_it(
    api: httpx.AsyncClient, db: Database, world: World, op: Op
) -> None:
    scope = scope_of(op)
    key = await make_key(db, world.a.id, [s for s in ALL_SCOPES if s != scope])
    r = await call(api, op, fill(op, world.a_rows), bearer(key), sample(op, world.a_rows).body)
    body = assert_envelope(r, 403, "missing_scope")
    assert scope in body["error"]
    assert body["requiredScope"] == scope


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.id)
async def test_a_key_with_only_the_declared_scope_gets_through(
    api: httpx.AsyncClient,
    db: Database,
    world: World,
    op: Op,
    caplog: pytest.LogCaptureFixture,
    api_temporal: WorkflowEnvironment,
    api_settings: Settings,
) -> None:
    caplog.set_level(logging.DEBUG)
    scope = scope_of(op)
    key = await make_key(db, world.a.id, [scope] if scope else [])
    rows = await make_resources(db, world.a.id)  # fresh rows: this call may change them
    s = sample(op, rows)
    if s.worker:
        # Only the webhook queue's worker: the leads started by other cases stay unrun.
        def webhooks_only(workers: list) -> None:
            workers[:] = [w for w in workers if w.task_queue == api_settings.webhook_task_queue]

        async with running_worker(api_temporal.client, api_settings, db, webhooks_only):
            r = await call(api, op, fill(op, rows), bearer(key), s.body)
    else:
        r = await call(api, op, fill(op, rows), bearer(key), s.body)
    if r.status_code == 503 and "503" in op.spec["responses"]:
        # Through auth; the engine refused (the time-skipping server has no Schedules API).
        assert r.json()["code"] == "temporal_unavailable"
        return
    assert r.status_code not in (401, 402, 403) and r.status_code < 500, r.text
    if s.ok:
        assert r.status_code in s.ok, r.text
    if s.code:
        assert r.json()["code"] == s.code
    assert r.headers.get("x-request-id")
    no_key_leaks(r, caplog, key)


@pytest.mark.parametrize("op", [op for op in OPS if op.params], ids=lambda op: op.id)
async def test_another_workspaces_id_answers_404_like_a_missing_one(
    api: httpx.AsyncClient, world: World, op: Op
) -> None:
    body = sample(op, world.b_rows).body  # a body valid for B, so only the id differs
    theirs = await call(api, op, fill(op, world.a_rows), world.b.headers, body)
    missing = await call(api, op, fill(op, None), world.b.headers, body)
    assert theirs.status_code == missing.status_code
    assert theirs.json() == missing.json()
    if (op.method, op.path.removeprefix(BASE)) in _KNOWN:
        assert_envelope(theirs, 404, "not_found")
    elif op.method == "GET":
        assert_envelope(theirs, 404)
    else:  # a body it cannot fill may fail validation first: the same answer either way
        assert theirs.status_code >= 400
    assert not any(i in theirs.text for i in world.a_rows.ids())


@pytest.mark.parametrize(
    "op", [op for op in OPS if op.method == "GET" and not op.params], ids=lambda op: op.id
)
async def test_lists_never_show_another_workspaces_rows(
    api: httpx.AsyncClient, world: World, op: Op
) -> None:
    a = world.a_rows
    filters = {"campaignId": a.campaign.id, "leadId": a.lead.id, "email": a.lead.email}
    for params in ({}, {k: v for k, v in filters.items() if _accepts(op, k)}):
        r = await api.get(op.path, headers=world.b.headers, params=params)
        assert r.status_code == 200, r.text
        assert not any(i in r.text for i in a.ids())
        assert a.lead.email not in r.text
    # ... while A sees its own (where the list holds one of the kinds made above).
    own = {k: v for k, v in {**filters, "limit": 200}.items() if _accepts(op, k)}
    r = await api.get(op.path, headers=world.a.headers, params=own)
    assert r.status_code == 200
    if isinstance(r.json().get("data"), list) and r.json()["data"]:
        assert any(i in r.text for i in a.ids())


def _accepts(op: Op, name: str) -> bool:
    return any(p.get("name") == name for p in op.spec.get("parameters", []))


async def test_create_lead_in_another_workspaces_campaign_answers_404(
    api: httpx.AsyncClient, db: Database, world: World
) -> None:
    r = await api.post(
        f"{BASE}/leads",
        headers=world.b.headers,
        json={"campaignId": world.a_rows.campaign.id, "email": _new_email()},
    )
    assert_envelope(r, 404, "not_found")
    r = await api.get(
        f"{BASE}/leads", headers=world.a.headers, params={"campaignId": world.a_rows.campaign.id}
    )
    assert [lead["id"] for lead in r.json()["data"]] == [world.a_rows.lead.id]
