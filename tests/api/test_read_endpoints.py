"""The read endpoints answer the seed's shapes: /me, /campaigns (with `_count`),
/campaigns/{id} with steps, /leads with its filters, /leads/{id} with sends, replies and
step position, /replies with campaignId and needsAction, /sends."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx

from outreach.db import Database
from outreach.ids import new_id
from outreach.models import Lead, Reply, Send
from tests.api.conftest import BASE, Tenant, new_tenant
from tests.helpers import make_campaign, make_lead

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


async def add_send(
    db: Database, lead: Lead, step: int, status: str = "sent", at: datetime | None = None
) -> Send:
    async with db.session() as s:
        send = Send(
            id=new_id("send"),
            workspace_id=lead.workspace_id,
            campaign_id=lead.campaign_id,
            lead_id=lead.id,
            step_position=step,
            to_email=lead.email,
            status=status,
            subject=f"Step {step}",
            message_id=f"<{new_id('send')}@sender.test>",
            sent_at=at if status == "sent" else None,
            created_at=at or datetime.now(UTC),
        )
        s.add(send)
        await s.commit()
        return send


async def add_reply(
    db: Database, lead: Lead, label: str, needs_action: bool, handled: bool = False
) -> Reply:
    async with db.session() as s:
        reply = Reply(
            id=new_id("reply"),
            workspace_id=lead.workspace_id,
            campaign_id=lead.campaign_id,
            lead_id=lead.id,
            from_email=lead.email,
            subject="Re: hello",
            body_text="Thanks!",
            label=label,
            confidence=0.9,
            needs_action=needs_action,
            handled_at=datetime.now(UTC) if handled else None,
            message_id=f"<{new_id('reply')}@example.com>",
        )
        s.add(reply)
        await s.commit()
        return reply


async def test_me_has_exactly_the_seed_shape(api: httpx.AsyncClient, db: Database) -> None:
    t = await new_tenant(
        db, scopes=["leads:read", "leads:write", "campaigns:read"], name="Acme Inc"
    )
    r = await api.get(f"{BASE}/me", headers=t.headers)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"workspace", "key"}
    assert set(body["workspace"]) == {"id", "name", "createdAt"}
    assert set(body["key"]) == {"prefix", "scopes"}
    assert body["workspace"]["id"] == t.id and body["workspace"]["name"] == "Acme Inc"
    assert ISO_Z.match(body["workspace"]["createdAt"])
    assert body["key"]["scopes"] == ["leads:read", "leads:write", "campaigns:read"]
    prefix = body["key"]["prefix"]
    assert prefix.startswith("pms_live_") and t.key.startswith(prefix)
    assert len(prefix) < len(t.key) - 30  # a prefix, never the key


async def test_campaign_list_items_have_the_seed_keys_and_true_counts(
    api: httpx.AsyncClient, db: Database, tenant: Tenant
) -> None:
    steps = [
        ("email", "P0D", "Hi", "a"),
        ("email", "P3D", None, "b"),
        ("linkedin", "P1D", None, "c"),
    ]
    camp = await make_campaign(db, tenant.id, steps)
    other = await make_campaign(db, tenant.id, steps[:1])
    leads = [await make_lead(db, camp) for _ in range(3)]
    await add_send(db, leads[0], 1)
    await add_send(db, leads[1], 1)
    await add_send(db, leads[2], 1, status="failed")  # not a send that went out
    await add_reply(db, leads[0], "interested", True)
    r = await api.get(f"{BASE}/campaigns", headers=tenant.headers)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"data", "nextCursor"} and body["nextCursor"] is None
    assert [c["id"] for c in body["data"]] == [other.id, camp.id]  # newest first
    item = body["data"][1]
    seed_types = {
        "id": str,
        "name": str,
        "status": str,
        "fromName": str,
        "pitchContext": type(None),
        "dailyCap": type(None),
        "_count": dict,
        "createdAt": str,
        "updatedAt": str,
    }
    for key, kind in seed_types.items():
        assert isinstance(item[key], kind), key
    assert set(item) == set(seed_types) | {
        "fromEmail",
        "timezone",
        "sendWindow",
        "bookingUrl",
        "mailboxIds",
        "rotation",
        "autoEnrich",
        "skipUndeliverable",
        "autopilot",
    }
    assert item["_count"] == {"leads": 3, "sends": 2, "steps": 3, "replies": 1}
    assert body["data"][0]["_count"] == {"leads": 0, "sends": 0, "steps": 1, "replies": 0}
    assert ISO_Z.match(item["createdAt"]) and ISO_Z.match(item["updatedAt"])
    assert item["status"] == "active" and item["fromName"] == "Anita"


async def test_campaign_detail_has_its_steps_in_order(
    api: httpx.AsyncClient, db: Database, tenant: Tenant
) -> None:
    camp = await make_campaign(
        db,
        tenant.id,
        [("email", "P0D", "Hello {{firstName|there}}", "1"), ("twitter", "PT4H", None, "2")],
    )
    r = await api.get(f"{BASE}/campaigns/{camp.id}", headers=tenant.headers)
    assert r.status_code == 200
    body = r.json()
    assert [(s["position"], s["channel"], s["delay"]) for s in body["steps"]] == [
        (1, "email", "P0D"),
        (2, "twitter", "PT4H"),
    ]
    assert body["steps"][0]["subject"] == "Hello {{firstName|there}}"
    assert all(s["id"].startswith("step_") for s in body["steps"])
    assert body["_count"]["steps"] == 2


async def test_lead_list_filters(api: httpx.AsyncClient, db: Database, tenant: Tenant) -> None:
    c1, c2 = await make_campaign(db, tenant.id), await make_campaign(db, tenant.id)
    a = await make_lead(db, c1, "ann@example.com")
    b = await make_lead(db, c1, "bob@example.com", status="replied")
    c = await make_lead(db, c2, "cid@example.com", status="replied")

    async def ids(**params: object) -> list[str]:
        r = await api.get(f"{BASE}/leads", headers=tenant.headers, params=params)
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()["data"]]

    assert await ids() == [c.id, b.id, a.id]
    assert await ids(campaignId=c1.id) == [b.id, a.id]
    assert await ids(status="replied") == [c.id, b.id]
    assert await ids(campaignId=c1.id, status="replied") == [b.id]
    assert await ids(email="BOB@Example.com") == [b.id]
    assert await ids(email="nobody@example.com") == []
    assert await ids(campaignId="camp_unknown") == []
    r = await api.get(f"{BASE}/leads", headers=tenant.headers)
    assert set(r.json()["data"][0]) >= {
        "id",
        "campaignId",
        "email",
        "status",
        "currentStep",
        "createdAt",
        "updatedAt",
    }


async def test_lead_detail_has_sends_replies_and_position(
    api: httpx.AsyncClient, db: Database, tenant: Tenant
) -> None:
    camp = await make_campaign(
        db,
        tenant.id,
        [("email", "P0D", "Hi", "1"), ("email", "P2D", None, "2"), ("email", "P2D", None, "3")],
    )
    lead = await make_lead(db, camp, current_step=1)
    send = await add_send(db, lead, 1)
    reply = await add_reply(db, lead, "question", True)
    r = await api.get(f"{BASE}/leads/{lead.id}", headers=tenant.headers)
    assert r.status_code == 200
    body = r.json()
    assert [x["id"] for x in body["sends"]] == [send.id]
    assert body["sends"][0]["step"] == 1 and body["sends"][0]["status"] == "sent"
    assert [x["id"] for x in body["replies"]] == [reply.id]
    assert body["replies"][0]["label"] == "question"
    # No workflow runs this lead: the position comes from the row.
    assert body["position"] == {
        "currentStep": 1,
        "nextStep": 2,
        "stepsTotal": 3,
        "nextSendAt": None,
        "waitingFor": None,
    }


async def test_reply_list_filters_by_campaign_and_needs_action(
    api: httpx.AsyncClient, db: Database, tenant: Tenant
) -> None:
    c1, c2 = await make_campaign(db, tenant.id), await make_campaign(db, tenant.id)
    l1, l2 = await make_lead(db, c1), await make_lead(db, c2)
    hot = await add_reply(db, l1, "interested", True)
    done = await add_reply(db, l1, "meeting_request", True, handled=True)
    ooo = await add_reply(db, l1, "out_of_office", False)
    elsewhere = await add_reply(db, l2, "question", True)

    async def ids(**params: object) -> list[str]:
        r = await api.get(f"{BASE}/replies", headers=tenant.headers, params=params)
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()["data"]]

    assert await ids() == [elsewhere.id, ooo.id, done.id, hot.id]
    assert await ids(campaignId=c1.id) == [ooo.id, done.id, hot.id]
    assert await ids(campaignId=c1.id, needsAction="true") == [hot.id]
    assert await ids(campaignId=c1.id, needsAction="false") == [ooo.id, done.id]
    assert await ids(needsAction=True) == [elsewhere.id, hot.id]
    r = await api.get(f"{BASE}/replies", headers=tenant.headers, params={"campaignId": c1.id})
    first = r.json()["data"][-1]
    assert first["label"] == "interested" and first["needsAction"] is True
    assert first["handled"] is False and first["confidence"] == 0.9


async def test_send_list_filters_and_scope(
    api: httpx.AsyncClient, db: Database, tenant: Tenant
) -> None:
    camp = await make_campaign(db, tenant.id)
    l1, l2 = await make_lead(db, camp), await make_lead(db, camp)
    base = datetime.now(UTC) - timedelta(hours=1)
    s1 = await add_send(db, l1, 1, at=base)
    s2 = await add_send(db, l2, 1, status="bounced", at=base + timedelta(minutes=1))
    r = await api.get(f"{BASE}/sends", headers=tenant.headers)
    assert [x["id"] for x in r.json()["data"]] == [s2.id, s1.id]
    r = await api.get(f"{BASE}/sends", headers=tenant.headers, params={"status": "bounced"})
    assert [x["id"] for x in r.json()["data"]] == [s2.id]
    r = await api.get(f"{BASE}/sends", headers=tenant.headers, params={"leadId": l1.id})
    assert [x["id"] for x in r.json()["data"]] == [s1.id]
    item = r.json()["data"][0]
    assert item["to"] == l1.email and item["status"] == "sent" and ISO_Z.match(item["sentAt"])
    reader = await new_tenant(db, scopes=["leads:read", "campaigns:read", "replies:read"])
    r = await api.get(f"{BASE}/sends", headers=reader.headers)
    assert r.status_code == 403 and r.json()["requiredScope"] == "sends:read"
