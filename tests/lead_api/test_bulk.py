"""`POST /leads/bulk`: every outcome of a row, the idempotency key, the transaction, and no
lead left without its workflow when the workflow engine is away (the outbox)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, func, select

from outreach import outbox
from outreach.ids import new_id
from outreach.models import Campaign, Event, Lead, OutboxItem, Suppression
from outreach.temporal import lead_workflow_id
from tests.helpers import free_port, make_lead
from tests.lead_api.conftest import Stack

BULK = "/api/v1/outreach/leads/bulk"
STEPS = [("email", "P0D", "Hi {{firstName|there}}", "Hello"), ("email", "P3D", None, "Bump")]


async def suppress(db, workspace_id: str, email: str | None = None, domain: str | None = None):
    async with db.session() as s:
        s.add(
            Suppression(
                id=new_id("sup"),
                workspace_id=workspace_id,
                email=email,
                domain=domain,
                reason="manual",
                source="manual",
            )
        )
        await s.commit()


async def test_every_outcome_of_a_row(stack: Stack, db) -> None:
    camp = await stack.campaign(db, STEPS)
    old = await make_lead(db, camp, "old@example.com")
    await suppress(db, stack.ws.id, email="gone@example.com")
    await suppress(db, stack.ws.id, domain="blocked.example")
    rows = [
        {"email": "Ann@Example.com", "firstName": "Ann"},  # created
        {"email": "ann@example.com"},  # duplicate of row 0 (lower-cased)
        {"email": "old@example.com"},  # existing
        {"email": "gone@example.com"},  # suppressed (the address)
        {"email": "ceo@blocked.example"},  # suppressed (its domain)
        {"email": "not-an-address"},  # invalid
        {"email": "x@example.com", "firstName": 7},  # invalid type
        {"email": "y@example.com", "company": "two\nlines"},  # a line break: invalid
        {"email": "z@example.com", "shoeSize": 42},  # unknown field: invalid
        {"email": "bo@example.com", "customFields": {"plan": "pro"}},  # created
    ]
    r = await stack.http.post(BULK, headers=stack.auth, json={"campaignId": camp.id, "leads": rows})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["counts"] == {
        "created": 2,
        "existing": 1,
        "suppressed": 2,
        "invalid": 4,
        "duplicateInPayload": 1,
    }
    statuses = [x["status"] for x in body["results"]]
    assert statuses == [
        "created",
        "duplicate_in_payload",
        "existing",
        "suppressed",
        "suppressed",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
        "created",
    ]
    assert [x["index"] for x in body["results"]] == list(range(10))
    assert body["results"][2]["leadId"] == old.id
    assert "row 0" in body["results"][1]["reason"]
    assert all(x["reason"] for x in body["results"] if x["status"] == "invalid")
    created = [x["leadId"] for x in body["results"] if x["status"] == "created"]
    # Every new lead's workflow runs and its first email goes out; nothing stays queued.
    await stack.smtp.wait_for(2)
    assert sorted(m.rcpt[0] for m in stack.smtp.messages) == ["ann@example.com", "bo@example.com"]
    async with db.session() as s:
        leads = (await s.exec(select(Lead).where(col(Lead.id).in_(created)))).all()
        left = (
            await s.exec(
                select(func.count())
                .select_from(OutboxItem)
                .where(OutboxItem.workspace_id == stack.ws.id)
            )
        ).one()
        events = (
            await s.exec(
                select(func.count())
                .select_from(Event)
                .where(Event.workspace_id == stack.ws.id, Event.type == "lead.created")
            )
        ).one()
    assert {x.email for x in leads} == {"ann@example.com", "bo@example.com"}
    assert left == 0  # every start confirmed
    assert events == 2  # the existing lead was made without the API: no event


async def test_idempotency_key_answers_the_same_result_and_refuses_another_body(
    stack: Stack, db
) -> None:
    camp = await stack.campaign(db, STEPS)
    headers = {**stack.auth, "Idempotency-Key": "import-2026-12-02-part-1"}
    payload = {"campaignId": camp.id, "leads": [{"email": "a@example.com"}, {"email": "b@x.io"}]}
    first = await stack.http.post(BULK, headers=headers, json=payload)
    again = await stack.http.post(BULK, headers=headers, json=payload)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()  # the stored answer: `created`, not `existing`
    assert again.json()["counts"]["created"] == 2
    other = await stack.http.post(
        BULK, headers=headers, json={**payload, "leads": [{"email": "c@example.com"}]}
    )
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    without = await stack.http.post(BULK, headers=stack.auth, json=payload)
    assert without.json()["counts"] == {
        "created": 0,
        "existing": 2,
        "suppressed": 0,
        "invalid": 0,
        "duplicateInPayload": 0,
    }


async def test_the_call_itself_is_refused_when_it_must_be(stack: Stack, db) -> None:
    camp = await stack.campaign(db, STEPS)
    too_many = [{"email": f"u{i}@example.com"} for i in range(1_001)]
    r = await stack.http.post(
        BULK, headers=stack.auth, json={"campaignId": camp.id, "leads": too_many}
    )
    assert r.status_code == 400
    r = await stack.http.post(BULK, headers=stack.auth, json={"campaignId": camp.id, "leads": []})
    assert r.status_code == 400
    r = await stack.http.post(
        BULK, headers=stack.auth, json={"campaignId": "camp_nope", "leads": [{"email": "a@b.co"}]}
    )
    assert r.status_code == 404
    archived = await stack.campaign(db, STEPS)
    async with db.session() as s:
        row = await s.get(Campaign, archived.id)
        assert row is not None
        row.status = "archived"
        s.add(row)
        await s.commit()
    r = await stack.http.post(
        BULK, headers=stack.auth, json={"campaignId": archived.id, "leads": [{"email": "a@b.co"}]}
    )
    assert r.status_code == 422 and r.json()["code"] == "campaign_archived"


async def test_leads_saved_while_temporal_is_away_all_start_from_the_outbox(
    stack: Stack, db, ts_env
) -> None:
    """The rows are committed; the starts cannot happen (the API's Temporal is
    unreachable, as when it dies between commit and start): the sweeper starts every one."""
    import httpx

    from api.deps import AppState
    from api.main import create_app

    camp = await stack.campaign(db, [("email", "P1D", "Hi", "Hello")])  # nothing sent today
    down = stack.settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    app = create_app(down)
    app.state.outreach = AppState(down)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", timeout=60
    ) as http:
        rows = [{"email": f"lead{i}@example.com"} for i in range(300)]
        r = await http.post(BULK, headers=stack.auth, json={"campaignId": camp.id, "leads": rows})
    await app.state.outreach.close()
    assert r.status_code == 200, r.text
    assert r.json()["counts"]["created"] == 300
    async with db.session() as s:
        pending = (
            await s.exec(
                select(func.count())
                .select_from(OutboxItem)
                .where(OutboxItem.workspace_id == stack.ws.id)
            )
        ).one()
    assert pending == 300  # committed with the leads, waiting for the engine
    swept = await outbox.sweep(
        db,
        stack.settings,
        ts_env.client,
        min_age=timedelta(0),
        limit=2_000,
        workspace_id=stack.ws.id,
    )
    assert (swept.delivered, swept.failed) == (300, 0)
    ids = [x["leadId"] for x in r.json()["results"]]
    for lead_id in ids[::30]:
        await ts_env.client.get_workflow_handle(lead_workflow_id(lead_id)).describe()
    again = await outbox.sweep(
        db, stack.settings, ts_env.client, min_age=timedelta(0), workspace_id=stack.ws.id
    )
    assert again.delivered == 0


async def test_bulk_is_scoped_like_post_leads(stack: Stack, db) -> None:
    from tests.helpers import make_key

    camp = await stack.campaign(db, STEPS)
    reader = await make_key(db, stack.ws.id, ["leads:read"])
    r = await stack.http.post(
        BULK,
        headers={"Authorization": f"Bearer {reader}"},
        json={"campaignId": camp.id, "leads": [{"email": "a@example.com"}]},
    )
    assert r.status_code == 403 and r.json()["requiredScope"] == "leads:write"
