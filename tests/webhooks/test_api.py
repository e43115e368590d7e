"""The webhook endpoints of the API over ASGI, with a worker on the time-skipping server and
real local receivers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from gidgethub import ValidationFailure
from gidgethub.sansio import validate_event
from sqlalchemy import func
from sqlmodel import select

from api.deps import AppState
from api.main import create_app
from outreach.config import Settings
from outreach.db import Database
from outreach.events import publish_events
from outreach.models import WebhookDelivery, WebhookEndpoint
from outreach.temporal import webhook_workflow_id
from tests.helpers import eventually, make_key, make_workspace
from tests.webhooks.conftest import make_event, result_of
from tests.webhooks.receiver import always, receiving

BASE = "/api/v1/outreach"


async def client_for(settings: Settings, temporal) -> tuple[httpx.AsyncClient, AppState]:
    app = create_app(settings, temporal)
    state = AppState(settings, temporal)
    app.state.outreach = state  # ASGITransport does not run the lifespan
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver"), state


@pytest.fixture
async def api(wh_settings, ts_env) -> AsyncIterator[httpx.AsyncClient]:
    client, state = await client_for(wh_settings, ts_env.client)
    async with client:
        yield client
    await state.close()


@pytest.fixture
async def tenant(db: Database) -> tuple[str, dict[str, str]]:
    ws = await make_workspace(db)
    return ws.id, {"Authorization": f"Bearer {await make_key(db, ws.id)}"}


async def endpoint_count(db: Database) -> int:
    async with db.session() as s:
        return (await s.exec(select(func.count()).select_from(WebhookEndpoint))).one()


async def test_the_secret_is_shown_once_and_never_again(api, tenant, db) -> None:
    ws, auth = tenant
    r = await api.post(
        f"{BASE}/webhooks",
        headers=auth,
        json={"url": "http://127.0.0.1:9/hook", "description": "CRM sync"},
    )
    assert r.status_code == 201, r.text
    created = r.json()
    secret = created["secret"]
    assert secret.startswith("whsec_") and len(secret) >= 38
    assert created["events"] == ["*"] and created["enabled"] is True
    assert created["id"].startswith("whk_") and created["createdAt"].endswith("Z")
    assert created["secretHint"] == "whsec_..." + secret[-4:]

    one = await api.get(f"{BASE}/webhooks/{created['id']}", headers=auth)
    listed = await api.get(f"{BASE}/webhooks", headers=auth)
    rotated_away = await api.patch(
        f"{BASE}/webhooks/{created['id']}", headers=auth, json={"description": "renamed"}
    )
    for response in (one, listed, rotated_away):
        assert response.status_code == 200
        assert secret not in response.text and 'secret"' not in response.text
    assert [w["id"] for w in listed.json()["data"]] == [created["id"]]
    assert one.json()["description"] == "CRM sync"
    assert rotated_away.json()["description"] == "renamed"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 400, "invalid_request"),
        ({"url": 5}, 400, "invalid_request"),
        ({"url": "https://hooks.example.com/x", "events": "lead.created"}, 400, "invalid_request"),
        ({"url": "https://hooks.example.com/x", "events": [1]}, 400, "invalid_request"),
        ({"url": "https://hooks.example.com/x", "secret": "mine"}, 400, "invalid_request"),
        ({"url": "ftp://example.com/x"}, 422, "invalid_webhook_url"),
        ({"url": "http://user:pass@example.com/x"}, 422, "invalid_webhook_url"),
        ({"url": "not a url"}, 422, "invalid_webhook_url"),
        ({"url": "http://169.254.169.254/latest/meta-data/"}, 422, "webhook_target_refused"),
        ({"url": "http://[::ffff:169.254.169.254]/"}, 422, "webhook_target_refused"),
        ({"url": "http://224.0.0.1/"}, 422, "webhook_target_refused"),
        ({"url": "http://127.0.0.1:9/x", "events": []}, 422, "invalid_event_type"),
        ({"url": "http://127.0.0.1:9/x", "events": ["lead.exploded"]}, 422, "invalid_event_type"),
    ],
)
async def test_bad_endpoints_get_their_4xx_and_create_nothing(
    api, tenant, db, body, status, code
) -> None:
    _, auth = tenant
    before = await endpoint_count(db)
    r = await api.post(f"{BASE}/webhooks", headers=auth, json=body)
    assert r.status_code == status, r.text
    assert r.json()["code"] == code and r.json()["error"]
    assert await endpoint_count(db) == before


async def test_private_targets_are_refused_in_production(db, ts_env, settings, tenant) -> None:
    _, auth = tenant
    production = settings.model_copy(update={"webhook_allow_private_targets": False})
    client, state = await client_for(production, ts_env.client)
    async with client:
        for url in (
            "http://127.0.0.1:8000/x",
            "http://localhost/x",
            "http://10.0.0.8/x",
            "http://[::1]/x",
            "http://2130706433/x",
        ):
            r = await client.post(f"{BASE}/webhooks", headers=auth, json={"url": url})
            assert r.status_code == 422 and r.json()["code"] == "webhook_target_refused", url
        r = await client.post(
            f"{BASE}/webhooks", headers=auth, json={"url": "https://8.8.8.8/hook"}
        )
        assert r.status_code == 201
        hook = r.json()["id"]
        r = await client.patch(
            f"{BASE}/webhooks/{hook}", headers=auth, json={"url": "http://127.0.0.1/x"}
        )
        assert r.status_code == 422 and r.json()["code"] == "webhook_target_refused"
        assert (await client.get(f"{BASE}/webhooks/{hook}", headers=auth)).json()["url"] == (
            "https://8.8.8.8/hook"
        )
    await state.close()


async def test_events_are_validated_and_normalised(api, tenant) -> None:
    _, auth = tenant
    r = await api.post(
        f"{BASE}/webhooks",
        headers=auth,
        json={"url": "http://127.0.0.1:9/x", "events": ["send.sent", "lead.created", "send.sent"]},
    )
    assert r.json()["events"] == ["send.sent", "lead.created"]
    hook = r.json()["id"]
    r = await api.patch(
        f"{BASE}/webhooks/{hook}", headers=auth, json={"events": ["lead.replied", "*"]}
    )
    assert r.json()["events"] == ["*"]
    for body in ({"events": None}, {"url": None}, {"enabled": None}, {"enabled": "yes"}):
        r = await api.patch(f"{BASE}/webhooks/{hook}", headers=auth, json=body)
        assert r.status_code == 400, body


async def test_the_seeds_reserved_changelog_event_can_be_subscribed(api, tenant) -> None:
    """The seed: "Subscribe to the changelog by configuring a webhook on system.api_change
    (reserved - not yet emitting)"."""
    _, auth = tenant
    r = await api.post(
        f"{BASE}/webhooks",
        headers=auth,
        json={"url": "http://127.0.0.1:9/x", "events": ["system.api_change"]},
    )
    assert r.status_code == 201, r.text
    assert r.json()["events"] == ["system.api_change"]


async def test_a_workspace_has_at_most_20_endpoints(api, tenant) -> None:
    _, auth = tenant
    for i in range(20):
        r = await api.post(
            f"{BASE}/webhooks", headers=auth, json={"url": f"http://127.0.0.1:9/{i}"}
        )
        assert r.status_code == 201
    r = await api.post(f"{BASE}/webhooks", headers=auth, json={"url": "http://127.0.0.1:9/x"})
    assert r.status_code == 422 and r.json()["code"] == "webhook_limit_reached"
    page = await api.get(f"{BASE}/webhooks", headers=auth, params={"limit": 15})
    rest = await api.get(
        f"{BASE}/webhooks", headers=auth, params={"limit": 15, "cursor": page.json()["nextCursor"]}
    )
    assert len(page.json()["data"]) + len(rest.json()["data"]) == 20
    assert rest.json()["nextCursor"] is None


async def test_keys_need_the_webhook_scopes(api, db) -> None:
    ws = await make_workspace(db)
    reader = {"Authorization": f"Bearer {await make_key(db, ws.id, ['webhooks:read'])}"}
    assert (await api.get(f"{BASE}/webhooks", headers=reader)).status_code == 200
    r = await api.post(f"{BASE}/webhooks", headers=reader, json={"url": "http://127.0.0.1/x"})
    assert r.status_code == 403 and r.json()["code"] == "missing_scope"


async def test_test_sends_a_signed_ping_and_reports_the_answer(api, tenant, db) -> None:
    _, auth = tenant
    async with receiving(always(200, body=b"pong")) as ok, receiving(always(500)) as bad:
        good = (
            await api.post(
                f"{BASE}/webhooks", headers=auth, json={"url": ok.url + "/in", "enabled": False}
            )
        ).json()
        r = await api.post(f"{BASE}/webhooks/{good['id']}/test", headers=auth)
        assert r.status_code == 200, r.text
        result = r.json()
        assert (result["status"], result["statusCode"], result["responseBody"]) == (
            "delivered",
            200,
            "pong",
        )
        [hit] = ok.hits
        assert hit.headers["x-pms-event"] == "webhook.test"
        assert hit.headers["x-pms-event-id"] == result["eventId"]
        assert hit.headers["x-pms-attempt"] == "1"
        validate_event(hit.body, signature=hit.headers["x-pms-signature"], secret=good["secret"])

        failing = (await api.post(f"{BASE}/webhooks", headers=auth, json={"url": bad.url})).json()
        r = await api.post(f"{BASE}/webhooks/{failing['id']}/test", headers=auth)
        assert r.status_code == 200
        assert (r.json()["status"], r.json()["statusCode"]) == ("failed", 500)
        assert len(bad.hits) == 1  # a ping is never retried
    async with db.session() as s:  # and never stored
        rows = await s.exec(
            select(WebhookDelivery).where(
                WebhookDelivery.endpoint_id.in_([good["id"], failing["id"]])
            )
        )  # type: ignore[attr-defined]
        assert rows.all() == []


async def test_deliveries_are_listed_with_attempts_and_can_be_replayed(
    api, tenant, db, ts_env, wh_settings
) -> None:
    ws, auth = tenant
    async with receiving(always(200, body=b"thanks")) as r:
        hook = (await api.post(f"{BASE}/webhooks", headers=auth, json={"url": r.url})).json()
        event = await make_event(db, ws)
        await publish_events(db, ts_env.client, wh_settings.webhook_task_queue, [event])
        handle = ts_env.client.get_workflow_handle(webhook_workflow_id(event, hook["id"]))
        await result_of(ts_env, handle)

        listed = (await api.get(f"{BASE}/webhooks/{hook['id']}/deliveries", headers=auth)).json()
        [first] = listed["data"]
        assert (first["eventId"], first["eventType"], first["status"]) == (
            event,
            "lead.created",
            "delivered",
        )
        [attempt] = first["attempts"]
        assert (attempt["attempt"], attempt["statusCode"], attempt["outcome"]) == (
            1,
            200,
            "delivered",
        )
        assert attempt["responseBody"] == "thanks" and attempt["durationMs"] >= 0
        assert attempt["startedAt"].endswith("Z")

        r2 = await api.post(f"{BASE}/webhooks/deliveries/{first['id']}/replay", headers=auth)
        assert r2.status_code == 202, r2.text
        replay = r2.json()
        assert replay["replayOf"] == first["id"] and replay["eventId"] == event
        assert replay["id"] != first["id"] and replay["status"] == "pending"
        await r.wait_for(2)

        async def replay_done() -> dict | None:
            got = (await api.get(f"{BASE}/webhooks/deliveries/{replay['id']}", headers=auth)).json()
            return got if got["status"] == "delivered" else None

        done = await eventually(replay_done)
        assert [a["attempt"] for a in done["attempts"]] == [1]

    original, again = r.hits
    assert again.headers["x-pms-event-id"] == original.headers["x-pms-event-id"] == event
    assert again.headers["webhook-id"] == event
    assert again.headers["x-pms-attempt"] == "1"
    assert again.body == original.body
    both = (await api.get(f"{BASE}/webhooks/{hook['id']}/deliveries", headers=auth)).json()
    assert [d["id"] for d in both["data"]] == [replay["id"], first["id"]]  # newest first
    only = await api.get(
        f"{BASE}/webhooks/{hook['id']}/deliveries", headers=auth, params={"eventId": "evt_nope"}
    )
    assert only.json()["data"] == []
    bad = await api.get(
        f"{BASE}/webhooks/{hook['id']}/deliveries", headers=auth, params={"status": "lost"}
    )
    assert bad.status_code == 400


async def test_rotation_signs_with_the_new_secret_and_disabled_endpoints_refuse_replays(
    api, tenant, db, ts_env, wh_settings
) -> None:
    ws, auth = tenant
    async with receiving() as r:
        hook = (await api.post(f"{BASE}/webhooks", headers=auth, json={"url": r.url})).json()
        rotated = (
            await api.post(f"{BASE}/webhooks/{hook['id']}/rotate-secret", headers=auth)
        ).json()
        assert rotated["secret"] != hook["secret"] and rotated["secret"].startswith("whsec_")
        event = await make_event(db, ws)
        await publish_events(db, ts_env.client, wh_settings.webhook_task_queue, [event])
        await result_of(
            ts_env, ts_env.client.get_workflow_handle(webhook_workflow_id(event, hook["id"]))
        )
    [hit] = r.hits
    signature = hit.headers["x-pms-signature"]
    validate_event(hit.body, signature=signature, secret=rotated["secret"])
    with pytest.raises(ValidationFailure):
        validate_event(hit.body, signature=signature, secret=hook["secret"])

    off = await api.patch(f"{BASE}/webhooks/{hook['id']}", headers=auth, json={"enabled": False})
    assert off.json()["enabled"] is False
    [delivery] = (await api.get(f"{BASE}/webhooks/{hook['id']}/deliveries", headers=auth)).json()[
        "data"
    ]
    r = await api.post(f"{BASE}/webhooks/deliveries/{delivery['id']}/replay", headers=auth)
    assert r.status_code == 422 and r.json()["code"] == "webhook_disabled"


async def test_delete_removes_the_endpoint_and_its_history(
    api, tenant, db, ts_env, wh_settings
) -> None:
    ws, auth = tenant
    async with receiving() as r:
        hook = (await api.post(f"{BASE}/webhooks", headers=auth, json={"url": r.url})).json()
        event = await make_event(db, ws)
        await publish_events(db, ts_env.client, wh_settings.webhook_task_queue, [event])
        await result_of(
            ts_env, ts_env.client.get_workflow_handle(webhook_workflow_id(event, hook["id"]))
        )
    assert (await api.delete(f"{BASE}/webhooks/{hook['id']}", headers=auth)).status_code == 204
    for path in (f"/webhooks/{hook['id']}", f"/webhooks/{hook['id']}/deliveries"):
        r = await api.get(BASE + path, headers=auth)
        assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert (await api.delete(f"{BASE}/webhooks/{hook['id']}", headers=auth)).status_code == 404
    async with db.session() as s:
        left = await s.exec(select(WebhookDelivery).where(WebhookDelivery.event_id == event))
        assert left.all() == []


async def test_another_workspaces_endpoint_is_not_found(api, tenant, db) -> None:
    _, auth = tenant
    hook = (
        await api.post(f"{BASE}/webhooks", headers=auth, json={"url": "http://127.0.0.1:9/x"})
    ).json()
    other = await make_workspace(db)
    theirs = {"Authorization": f"Bearer {await make_key(db, other.id)}"}
    for method, path in (
        ("GET", ""),
        ("PATCH", ""),
        ("DELETE", ""),
        ("POST", "/rotate-secret"),
        ("POST", "/test"),
        ("GET", "/deliveries"),
    ):
        r = await api.request(
            method,
            f"{BASE}/webhooks/{hook['id']}{path}",
            headers=theirs,
            json={} if method == "PATCH" else None,
        )
        assert r.status_code == 404, (method, path)
    assert (await api.get(f"{BASE}/webhooks", headers=theirs)).json()["data"] == []
