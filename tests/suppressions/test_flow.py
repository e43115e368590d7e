"""The list against running sequences (the real worker, the time-skipping server, SMTP):
a domain entry blocks a new lead, a running lead's next send and an answer to its reply;
adding an address stops the running leads with it in every campaign, each once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from outreach.db import Database
from outreach.drafts.service import check_sendable
from outreach.errors import RuleBroken
from outreach.ids import new_id
from outreach.models import Lead, OutboxItem, Reply, Suppression
from outreach.suppressions.status import SuppressionSource
from tests.helpers import events_of, eventually, reload, sends_of
from tests.suppressions.conftest import Tenant


def _to(tenant: Tenant, email: str) -> int:
    return sum(1 for m in tenant.stack.smtp.messages if m.message["To"] == email)


async def _status(db: Database, lead_id: str, status: str) -> bool:
    lead = await reload(db, Lead, lead_id)
    return bool(lead.status == status)


async def test_a_domain_entry_blocks_new_leads_running_sends_and_answers(
    tenant: Tenant, db: Database
) -> None:
    camp = await tenant.campaign(db)
    lead = (await tenant.post_lead(camp.id, "ann@acme.com")).json()
    await eventually(lambda: _to(tenant, "ann@acme.com") == 1)
    await eventually(lambda: _status(db, lead["id"], "active"))
    # Written straight into the table (no signal): only the send path's check can stop it.
    async with db.session() as s:
        s.add(
            Suppression(
                id=new_id("sup"),
                workspace_id=tenant.ws.id,
                domain="acme.com",
                reason="a competitor",
                source=SuppressionSource.MANUAL,
            )
        )
        reply = Reply(
            id=new_id("reply"),
            workspace_id=tenant.ws.id,
            campaign_id=camp.id,
            lead_id=lead["id"],
            from_email="ann@acme.com",
            subject="Re: Hello",
            body_text="Tell me more",
            message_id=f"<{new_id('reply')}@acme.com>",
        )
        s.add(reply)
        await s.commit()
    # An answer to her reply is refused.
    async with db.session() as s:
        with pytest.raises(RuleBroken) as refused:
            await check_sendable(s, reply)
    assert refused.value.code == "suppressed" and "a competitor" in refused.value.message

    await tenant.stack.env.sleep(timedelta(days=3, hours=1))
    await eventually(lambda: _status(db, lead["id"], "unsubscribed"))
    assert _to(tenant, "ann@acme.com") == 1  # step 2 never went out
    assert [s.step_position for s in await sends_of(db, lead["id"])] == [1]
    row = await reload(db, Lead, lead["id"])
    assert row.status_reason == "suppressed (a competitor)"
    assert len(await events_of(db, tenant.ws.id, "lead.unsubscribed")) == 1

    # A new lead at the domain, in another campaign, is created ended and never mailed;
    # another domain and a subdomain are not covered.
    other = await tenant.campaign(db)
    blocked = await tenant.post_lead(other.id, "Bob@ACME.com")
    assert blocked.status_code == 201 and blocked.json()["status"] == "unsubscribed"
    fine = (await tenant.post_lead(other.id, "carl@mail.acme.com")).json()
    assert fine["status"] == "queued"
    await eventually(lambda: _to(tenant, "carl@mail.acme.com") == 1)
    assert _to(tenant, "bob@acme.com") == 0
    # Let carl's send finish (the server skips time only once no task is in flight):
    # ending a workflow with a task in flight would stall the server for later tests.
    await eventually(lambda: _status(db, fine["id"], "active"))
    await tenant.stack.env.sleep(timedelta(minutes=1))


async def test_adding_an_address_stops_its_running_leads_in_every_campaign(
    tenant: Tenant, db: Database
) -> None:
    first, second = await tenant.campaign(db), await tenant.campaign(db)
    a = (await tenant.post_lead(first.id, "dana@beta.io")).json()
    b = (await tenant.post_lead(second.id, "Dana@Beta.io")).json()
    c = (await tenant.post_lead(first.id, "eve@corp.io")).json()
    keep = (await tenant.post_lead(first.id, "frank@other.io")).json()
    await eventually(lambda: _to(tenant, "dana@beta.io") == 2 and _to(tenant, "eve@corp.io") == 1)
    for lead in (a, b, c):
        await eventually(lambda lead=lead: _status(db, lead["id"], "active"))

    r = await tenant.suppress(emails=["DANA@beta.io"], domains=["corp.io"], reason="GDPR request")
    assert r.status_code == 200 and r.json()["counts"]["added"] == 2, r.text
    for lead in (a, b, c):
        await eventually(lambda lead=lead: _status(db, lead["id"], "unsubscribed"))
    assert (await reload(db, Lead, a["id"])).status_reason == (
        "suppression list: dana@beta.io (GDPR request)"
    )
    assert (await reload(db, Lead, c["id"])).status_reason == (
        "suppression list: corp.io (GDPR request)"
    )

    async def announced() -> list[str]:
        return sorted(
            e.data["lead"]["id"] for e in await events_of(db, tenant.ws.id, "lead.unsubscribed")
        )

    await eventually(lambda: _count(announced, 3))
    await tenant.stack.env.sleep(timedelta(days=3, hours=1))
    await eventually(lambda: _to(tenant, "frank@other.io") == 2)  # the others ran on
    await eventually(lambda: _status(db, keep["id"], "completed"))
    assert _to(tenant, "dana@beta.io") == 2 and _to(tenant, "eve@corp.io") == 1
    assert await announced() == sorted([a["id"], b["id"], c["id"]])  # once each
    async with db.session() as s:
        # The list's own entries only: stopping a lead adds no per-address entry, and
        # every signal was delivered (nothing left in the outbox).
        entries = (
            await s.exec(select(Suppression).where(Suppression.workspace_id == tenant.ws.id))
        ).all()
        assert sorted((e.email or e.domain, e.source) for e in entries) == [
            ("corp.io", "manual"),
            ("dana@beta.io", "manual"),
        ]
        pending = (
            await s.exec(select(OutboxItem).where(OutboxItem.workspace_id == tenant.ws.id))
        ).all()
        assert pending == []


async def _count(fetch, n: int) -> bool:  # type: ignore[no-untyped-def]
    return len(await fetch()) == n


async def test_the_outbox_delivers_when_temporal_does_not_answer(
    tenant: Tenant, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.routes import suppressions as route
    from outreach import outbox

    camp = await tenant.campaign(db)
    lead = (await tenant.post_lead(camp.id, "gus@away.io")).json()
    await eventually(lambda: _to(tenant, "gus@away.io") == 1)

    async def unreachable(*args: object, **kw: object) -> None:
        raise RuntimeError("Temporal is away")

    monkeypatch.setattr(route, "signal_lead", unreachable)
    r = await tenant.suppress(domains=["away.io"])
    assert r.status_code == 200 and r.json()["counts"]["added"] == 1
    async with db.session() as s:
        pending = (
            await s.exec(select(OutboxItem).where(OutboxItem.workspace_id == tenant.ws.id))
        ).all()
    assert [(p.lead_id, p.signal) for p in pending] == [(lead["id"], "unsubscribe")]
    monkeypatch.undo()
    done = await outbox.sweep(
        db,
        tenant.stack.settings,
        tenant.stack.env.client,
        min_age=timedelta(0),
        workspace_id=tenant.ws.id,
    )
    assert done.delivered == 1
    await eventually(lambda: _status(db, lead["id"], "unsubscribed"))
    assert len(await events_of(db, tenant.ws.id, "lead.unsubscribed")) == 1
