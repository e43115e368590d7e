"""`GET /campaigns/{id}/stats` and `_count`, as a founder reads them: per step, per sending
address and per day, from the counters the database keeps with the rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from outreach.db import Database
from outreach.ids import new_id
from outreach.leads.status import LeadStatus
from outreach.models import Lead, Reply, Send
from outreach.sends.status import SendKind, SendStatus
from tests.api.conftest import BASE, Tenant, assert_envelope
from tests.helpers import make_campaign, make_lead

DAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
STEPS = [
    ("email", "P0D", "Hello", "Hi there"),
    ("email", "P2D", "Following up", "Any thoughts?"),
]


def _send(lead: Lead, position: int | None, status: str, at: datetime, sender: str) -> Send:
    return Send(
        id=new_id("send"),
        workspace_id=lead.workspace_id,
        campaign_id=lead.campaign_id,
        lead_id=lead.id,
        step_position=position,
        kind=SendKind.STEP if position else SendKind.REPLY,
        to_email=lead.email,
        from_email=sender,
        status=status,
        sent_at=at,
        created_at=at,
        updated_at=at,
    )


def _reply(lead: Lead, step: int, label: str, at: datetime, to: str) -> Reply:
    return Reply(
        id=new_id("reply"),
        workspace_id=lead.workspace_id,
        campaign_id=lead.campaign_id,
        lead_id=lead.id,
        step_position=step,
        from_email=lead.email,
        to_email=to,
        label=label,
        received_at=at,
    )


async def test_stats_per_step_mailbox_and_day(
    api: httpx.AsyncClient, db: Database, tenant: Tenant
) -> None:
    camp = await make_campaign(db, tenant.id, STEPS)
    anita, bo = "anita@sender.test", "bo@sender.test"
    leads = [await make_lead(db, camp, created_at=DAY) for _ in range(4)]
    async with db.session() as s:
        # step 1 to all four (two from each mailbox); one bounces; step 2 to two, one failed
        for i, lead in enumerate(leads):
            status = SendStatus.BOUNCED if i == 3 else SendStatus.SENT
            s.add(_send(lead, 1, status, DAY, anita if i < 2 else bo))
        s.add(_send(leads[0], 2, SendStatus.SENT, DAY + timedelta(days=2), anita))
        s.add(_send(leads[1], 2, SendStatus.FAILED, DAY + timedelta(days=2), anita))
        # replies: one interested to step 1, one opt-out to step 2; an answer sent back
        s.add(_reply(leads[2], 1, "interested", DAY + timedelta(days=1), bo))
        s.add(_reply(leads[0], 2, "unsubscribe_request", DAY + timedelta(days=3), anita))
        s.add(_send(leads[2], None, SendStatus.SENT, DAY + timedelta(days=1), bo))
        for lead, status in (
            (leads[0], LeadStatus.UNSUBSCRIBED),
            (leads[2], LeadStatus.REPLIED),
            (leads[3], LeadStatus.BOUNCED),
        ):
            row = await s.get(Lead, lead.id)
            assert row is not None
            row.status = status
            row.current_step = 2 if lead is leads[0] else 1
            row.finished_at = DAY + timedelta(days=3)
            s.add(row)
        await s.commit()

    r = await api.get(
        f"{BASE}/campaigns/{camp.id}/stats",
        params={"from": "2026-11-01", "to": "2026-11-07"},
        headers=tenant.headers,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["totals"]["sent"] == 5  # four first steps (one bounced) and one follow-up
    assert body["totals"]["bounced"] == 1
    assert body["totals"]["failed"] == 1
    assert body["totals"]["replied"] == 2
    assert body["totals"]["repliedByLabel"] == {"interested": 1, "unsubscribe_request": 1}
    assert body["totals"]["unsubscribed"] == 1
    assert body["totals"]["replyRate"] == 0.4
    assert body["answersSent"] == 1
    assert body["leads"]["total"] == 4
    assert body["leads"]["unsubscribed"] == 1 and body["leads"]["queued"] == 1

    step1, step2 = body["steps"]
    assert (step1["position"], step1["sent"], step1["bounced"], step1["replied"]) == (1, 4, 1, 1)
    assert step1["bounceRate"] == 0.25 and step1["replyRate"] == 0.25
    assert step1["stepId"] and step1["channel"] == "email"
    assert (step2["sent"], step2["failed"], step2["unsubscribed"]) == (1, 1, 1)
    assert step2["repliedByLabel"] == {"unsubscribe_request": 1}
    assert step2["unsubscribeRate"] == 1.0

    mailboxes = {m["email"]: m for m in body["mailboxes"]}
    assert mailboxes[anita]["sent"] == 3 and mailboxes[anita]["failed"] == 1
    assert mailboxes[bo]["sent"] == 2 and mailboxes[bo]["answersSent"] == 1
    assert mailboxes[bo]["bounced"] == 1 and mailboxes[bo]["replied"] == 1

    days = {d["day"]: d for d in body["days"]}
    assert list(days) == [f"2026-11-0{i}" for i in range(1, 8)]
    assert days["2026-11-02"]["leads"] == 4 and days["2026-11-02"]["sent"] == 4
    assert days["2026-11-03"]["replied"] == 1 and days["2026-11-03"]["sent"] == 0
    assert days["2026-11-04"]["sent"] == 1 and days["2026-11-04"]["failed"] == 1
    assert days["2026-11-05"]["unsubscribed"] == 1
    assert days["2026-11-01"]["sent"] == 0
    assert body["range"] == {"from": "2026-11-01", "to": "2026-11-07"}

    # `_count` comes from the same counters: sends sent and not bounced, all replies
    r = await api.get(f"{BASE}/campaigns/{camp.id}", headers=tenant.headers)
    assert r.json()["_count"] == {"leads": 4, "sends": 5, "steps": 2, "replies": 2}
    listed = (await api.get(f"{BASE}/campaigns", headers=tenant.headers)).json()["data"]
    assert [c["_count"] for c in listed if c["id"] == camp.id] == [r.json()["_count"]]


async def test_stats_of_a_new_campaign_and_bad_ranges(
    api: httpx.AsyncClient, db: Database, tenant: Tenant
) -> None:
    camp = await make_campaign(db, tenant.id, STEPS)
    r = await api.get(f"{BASE}/campaigns/{camp.id}/stats", headers=tenant.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["days"]) == 30
    assert body["days"][-1]["day"] == datetime.now(UTC).date().isoformat()
    assert [s["sent"] for s in body["steps"]] == [0, 0]
    assert body["totals"]["replyRate"] is None
    assert body["mailboxes"] == []

    url = f"{BASE}/campaigns/{camp.id}/stats"
    backwards = await api.get(
        url, params={"from": "2026-11-05", "to": "2026-11-01"}, headers=tenant.headers
    )
    assert_envelope(backwards, 422, "invalid_range")
    too_long = await api.get(
        url, params={"from": "2024-01-01", "to": "2026-01-01"}, headers=tenant.headers
    )
    assert_envelope(too_long, 422, "invalid_range")
    assert_envelope(await api.get(url, params={"from": "yesterday"}, headers=tenant.headers), 400)
    missing = await api.get(f"{BASE}/campaigns/camp_nope/stats", headers=tenant.headers)
    assert_envelope(missing, 404)
