"""POST /campaigns and PATCH /campaigns/{id}: steps included; time zone, window, ISO 8601
delays and templates validated (422 with specific codes); status transitions; steps
replaced by position keeping their ids; a change reaches running leads through Temporal,
and is kept when Temporal is down."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import select

from api.deps import AppState
from api.main import create_app
from outreach.config import Settings
from outreach.db import Database
from outreach.models import Campaign, Step
from tests.api.conftest import BASE, Tenant, assert_envelope
from tests.helpers import free_port

WINDOW = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}
STEPS = [
    {"channel": "email", "delay": "P0D", "subject": "Hi {{firstName|there}}", "body": "One"},
    {"channel": "email", "delay": "P3D", "body": "Two {{company|your team}}"},
    {"channel": "linkedin", "delay": "PT12H", "body": "Three"},
]
FULL = {
    "name": "Vibe coders Q2",
    "status": "active",
    "fromName": "Anita",
    "fromEmail": "anita@sender.example.com",
    "pitchContext": "We help solo founders.",
    "dailyCap": 80,
    "timezone": "Europe/Berlin",
    "sendWindow": WINDOW,
    "steps": STEPS,
}


async def create(api: httpx.AsyncClient, tenant: Tenant, **overrides: object) -> httpx.Response:
    return await api.post(f"{BASE}/campaigns", headers=tenant.headers, json={**FULL, **overrides})


async def patch(
    api: httpx.AsyncClient, tenant: Tenant, camp_id: str, **fields: object
) -> httpx.Response:
    return await api.patch(f"{BASE}/campaigns/{camp_id}", headers=tenant.headers, json=fields)


async def test_create_with_steps_then_read_it_back(api: httpx.AsyncClient, tenant: Tenant) -> None:
    r = await create(api, tenant)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["id"].startswith("camp_")
    for key in (
        "name",
        "status",
        "fromName",
        "fromEmail",
        "pitchContext",
        "dailyCap",
        "timezone",
        "sendWindow",
    ):
        assert body[key] == FULL[key], key
    assert [
        (s["position"], s["channel"], s["delay"], s["subject"], s["body"]) for s in body["steps"]
    ] == [
        (i, s["channel"], s["delay"], s.get("subject"), s["body"])
        for i, s in enumerate(STEPS, start=1)
    ]
    assert body["_count"] == {"leads": 0, "sends": 0, "steps": 3, "replies": 0}
    got = await api.get(f"{BASE}/campaigns/{body['id']}", headers=tenant.headers)
    assert got.json() == body
    listed = await api.get(f"{BASE}/campaigns", headers=tenant.headers)
    assert [c["id"] for c in listed.json()["data"]] == [body["id"]]


async def test_minimal_create_gets_defaults(api: httpx.AsyncClient, tenant: Tenant) -> None:
    r = await api.post(f"{BASE}/campaigns", headers=tenant.headers, json={"name": "  Draft  "})
    assert r.status_code == 201
    body = r.json()
    assert (body["name"], body["status"], body["timezone"], body["sendWindow"], body["steps"]) == (
        "Draft",
        "draft",
        "UTC",
        None,
        [],
    )


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"timezone": "Mars/Olympus"}, "invalid_timezone"),
        ({"timezone": "../etc/passwd"}, "invalid_timezone"),
        ({"timezone": ""}, "invalid_timezone"),
        ({"sendWindow": {**WINDOW, "days": ["funday"]}}, "invalid_send_window"),
        ({"sendWindow": {**WINDOW, "start": "9:00"}}, "invalid_send_window"),
        ({"sendWindow": {**WINDOW, "start": "17:00", "end": "09:00"}}, "invalid_send_window"),
        ({"sendWindow": {**WINDOW, "end": "25:00"}}, "invalid_send_window"),
        ({"steps": [{**STEPS[0], "delay": "3 days"}]}, "invalid_delay"),
        ({"steps": [{**STEPS[0], "delay": "P"}]}, "invalid_delay"),
        ({"steps": [{**STEPS[0], "delay": "P2Y"}]}, "invalid_delay"),
        ({"steps": [{**STEPS[0], "delay": "-P1D"}]}, "invalid_delay"),
        ({"steps": [{**STEPS[0], "body": "Hi {{firstName"}]}, "invalid_template"),
        ({"steps": [{**STEPS[0], "subject": "Hi }} there"}]}, "invalid_template"),
        ({"steps": [{**STEPS[0], "body": "   "}]}, "invalid_step"),
        ({"steps": [{**STEPS[0], "subject": None}]}, "missing_subject"),
        ({"steps": [STEPS[2], {**STEPS[1]}]}, "missing_subject"),
        ({"fromEmail": "not-an-address"}, "invalid_email"),
        ({"fromEmail": None}, "campaign_not_ready"),
        ({"steps": []}, "campaign_not_ready"),
        ({"name": "   "}, "invalid_name"),
    ],
)
async def test_business_rules_answer_422_with_a_specific_code(
    api: httpx.AsyncClient, db: Database, tenant: Tenant, overrides: dict, code: str
) -> None:
    r = await create(api, tenant, **overrides)
    assert_envelope(r, 422, code)
    async with db.session() as s:
        rows = (await s.exec(select(Campaign).where(Campaign.workspace_id == tenant.id))).all()
    assert rows == []


async def test_valid_edge_values_are_accepted(api: httpx.AsyncClient, tenant: Tenant) -> None:
    r = await create(
        api,
        tenant,
        timezone="America/Argentina/Buenos_Aires",
        sendWindow={"days": ["Sat", "sun", "sat"], "start": "00:00", "end": "24:00"},
        steps=[
            {**STEPS[0], "delay": "P1W"},
            {**STEPS[1], "delay": "PT0S"},
            {**STEPS[1], "delay": "P1M"},
            {**STEPS[1], "delay": "P1DT2H30M"},
        ],
    )
    assert r.status_code == 201, r.text
    assert r.json()["sendWindow"] == {"days": ["sat", "sun"], "start": "00:00", "end": "24:00"}
    r = await create(api, tenant, sendWindow=None, dailyCap=None)
    assert r.status_code == 201 and r.json()["sendWindow"] is None


async def test_patch_validates_like_create(api: httpx.AsyncClient, tenant: Tenant) -> None:
    camp = (await create(api, tenant, status="draft")).json()
    cases = [
        ({"timezone": "Nowhere/City"}, 422, "invalid_timezone"),
        ({"sendWindow": {**WINDOW, "days": []}}, 400, "invalid_request"),
        ({"steps": [{**STEPS[0], "delay": "tomorrow"}]}, 422, "invalid_delay"),
        ({"steps": [{**STEPS[0], "body": "{{ oops"}]}, 422, "invalid_template"),
        ({"name": None}, 400, "invalid_request"),
        ({"timezone": None}, 400, "invalid_request"),
        ({"status": None}, 400, "invalid_request"),
        ({"dailyCap": 0}, 400, "invalid_request"),
        ({"unknownField": 1}, 400, "invalid_request"),
    ]
    for fields, status, code in cases:
        assert_envelope(await patch(api, tenant, camp["id"], **fields), status, code)
    after = await api.get(f"{BASE}/campaigns/{camp['id']}", headers=tenant.headers)
    assert after.json() == camp  # nothing changed


async def test_status_transitions(api: httpx.AsyncClient, tenant: Tenant) -> None:
    camp = (await create(api, tenant, status="draft")).json()
    cid = camp["id"]
    r = await patch(api, tenant, cid, status="active")
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert_envelope(await patch(api, tenant, cid, status="draft"), 422, "invalid_status_transition")
    for status in ("paused", "active", "paused", "archived"):
        r = await patch(api, tenant, cid, status=status)
        assert r.status_code == 200 and r.json()["status"] == status
    for fields in ({"status": "active"}, {"dailyCap": 5}, {"steps": STEPS}):
        assert_envelope(await patch(api, tenant, cid, **fields), 422, "campaign_archived")
    r = await patch(api, tenant, cid, name="Old campaign", pitchContext="kept for the record")
    assert r.status_code == 200 and r.json()["name"] == "Old campaign"
    # A draft with no sender cannot go live.
    bare = (
        await api.post(f"{BASE}/campaigns", headers=tenant.headers, json={"name": "bare"})
    ).json()
    assert_envelope(
        await patch(api, tenant, bare["id"], status="active"), 422, "campaign_not_ready"
    )


async def test_steps_are_replaced_by_position_keeping_ids(
    api: httpx.AsyncClient, db: Database, tenant: Tenant
) -> None:
    camp = (await create(api, tenant, steps=STEPS[:2])).json()
    old_ids = [s["id"] for s in camp["steps"]]
    edited = [{**STEPS[0], "subject": "New subject"}, STEPS[1], STEPS[2]]
    r = await patch(api, tenant, camp["id"], steps=edited)
    assert r.status_code == 200, r.text
    steps = r.json()["steps"]
    assert [s["id"] for s in steps[:2]] == old_ids  # positions 1 and 2 keep their ids
    assert steps[2]["id"] not in old_ids and steps[2]["position"] == 3
    assert steps[0]["subject"] == "New subject"
    assert r.json()["_count"]["steps"] == 3
    r = await patch(api, tenant, camp["id"], steps=[STEPS[0]])
    assert [s["id"] for s in r.json()["steps"]] == old_ids[:1]
    async with db.session() as s:
        rows = (await s.exec(select(Step).where(Step.campaign_id == camp["id"]))).all()
    assert [(x.id, x.position) for x in rows] == [(old_ids[0], 1)]
    # Leaving `steps` out keeps them; an active campaign cannot drop all of them.
    r = await patch(api, tenant, camp["id"], dailyCap=10)
    assert [s["id"] for s in r.json()["steps"]] == old_ids[:1]
    assert_envelope(await patch(api, tenant, camp["id"], steps=[]), 422, "campaign_not_ready")


async def test_partial_update_touches_only_given_fields(
    api: httpx.AsyncClient, tenant: Tenant
) -> None:
    camp = (await create(api, tenant)).json()
    r = await patch(api, tenant, camp["id"], dailyCap=5, sendWindow=None)
    assert r.status_code == 200
    body = r.json()
    assert body["dailyCap"] == 5 and body["sendWindow"] is None
    assert body["timezone"] == "Europe/Berlin" and body["fromName"] == "Anita"
    assert body["updatedAt"] > camp["updatedAt"] and body["createdAt"] == camp["createdAt"]
    assert "warning" not in r.headers  # the running leads were told at once


async def test_a_change_is_kept_when_temporal_is_down(
    api_settings: Settings, tenant: Tenant
) -> None:
    down = api_settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    app = create_app(down)
    app.state.outreach = AppState(down)  # no client: it connects on first use, and fails
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as api:
            camp = (await create(api, tenant)).json()
            r = await patch(api, tenant, camp["id"], status="paused")
            assert r.status_code == 200
            assert "later" in r.headers["warning"]
            again = await api.get(f"{BASE}/campaigns/{camp['id']}", headers=tenant.headers)
            assert again.json()["status"] == "paused"
    finally:
        await app.state.outreach.close()
