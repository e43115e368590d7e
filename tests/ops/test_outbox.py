"""Nothing stranded when Temporal is away: leads created and unsubscribe clicks made while
the workflow engine is unreachable are kept in the outbox (same transaction as the change)
and delivered exactly once by the sweeper when it is back."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import col, select
from temporalio.client import Client, ScheduleActionStartWorkflow
from temporalio.service import RetryConfig

from outreach import outbox
from outreach.models import Event, Lead, OutboxItem
from outreach.temporal import lead_workflow_id
from tests.conftest import settings_for
from tests.helpers import (
    eventually,
    free_port,
    make_campaign,
    make_key,
    make_workspace,
    terminate_leads,
)
from tests.helpers import running_worker as worker_on

STEPS = [("email", "P0D", "Hi {{firstName|there}}", "one"), ("email", "P2D", None, "two")]
NOW = timedelta(0)


async def pending(db, workspace_id: str) -> list[OutboxItem]:
    async with db.session() as s:
        return list(
            (await s.exec(select(OutboxItem).where(OutboxItem.workspace_id == workspace_id))).all()
        )


async def events(db, workspace_id: str, type_: str) -> list[Event]:
    async with db.session() as s:
        return list(
            (
                await s.exec(
                    select(Event).where(Event.workspace_id == workspace_id, Event.type == type_)
                )
            ).all()
        )


async def status(db, lead_id: str) -> str:
    async with db.session() as s:
        lead = await s.get(Lead, lead_id)
        assert lead is not None
        return lead.status


async def test_leads_and_unsubscribes_made_while_temporal_is_down_are_delivered_once_back(
    ts_env, settings, db, smtp, ops_api
):
    st = settings_for(settings, smtp)
    down = st.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    ws = await make_workspace(db)
    auth = {"Authorization": f"Bearer {await make_key(db, ws.id)}"}
    camp = await make_campaign(db, ws.id, STEPS)

    async with worker_on(ts_env.client, st, db):
        # Before the outage: a lead gets its first email; its row left the outbox.
        async with ops_api(st, ts_env.client) as http:
            first = await http.post(
                "/api/v1/outreach/leads",
                headers=auth,
                json={"campaignId": camp.id, "email": "first@example.com"},
            )
        assert first.status_code == 201
        await smtp.wait_for(1)
        assert await pending(db, ws.id) == []
        link = smtp.messages[0].message["List-Unsubscribe"].strip("<>")

        # Temporal unreachable: two leads are saved (503), the first lead unsubscribes.
        async with ops_api(down) as http:
            saved = [
                await http.post(
                    "/api/v1/outreach/leads",
                    headers=auth,
                    json={"campaignId": camp.id, "email": f"down{i}@example.com"},
                )
                for i in range(2)
            ]
            click = await http.post(link.replace("https://outreach.test", ""))
            again = await http.post(link.replace("https://outreach.test", ""))
        assert [r.status_code for r in saved] == [503, 503]
        assert click.status_code == 200 and again.status_code == 200
        rows = await pending(db, ws.id)
        assert sorted(r.kind for r in rows) == ["lead_signal", "lead_start", "lead_start"]
        assert await status(db, first.json()["id"]) == "active"  # not told yet

        # Temporal is back: one sweep delivers everything, a second finds nothing.
        result = await outbox.sweep(db, st, ts_env.client, min_age=NOW, workspace_id=ws.id)
        assert (result.delivered, result.failed) == (3, 0)
        assert (
            await outbox.sweep(db, st, ts_env.client, min_age=NOW, workspace_id=ws.id)
        ).delivered == 0
        assert await pending(db, ws.id) == []

        await smtp.wait_for(3)  # each saved lead got its first email
        await eventually(lambda: _is(db, first.json()["id"], "unsubscribed"))
        async with db.session() as s:
            leads = (await s.exec(select(Lead).where(col(Lead.campaign_id) == camp.id))).all()
        for lead in leads:
            await ts_env.client.get_workflow_handle(lead_workflow_id(lead.id)).describe()
        created = await events(db, ws.id, "lead.created")
        assert len(created) == 3
        await eventually(lambda: _all_published(db, ws.id, "lead.created"))
        await eventually(lambda: _one_event(db, ws.id, "lead.unsubscribed"))
        await terminate_leads(ts_env.client, db, ws.id)  # while their worker runs
    recipients = sorted(m.message["To"] for m in smtp.messages)
    assert recipients == ["down0@example.com", "down1@example.com", "first@example.com"]


async def _all_published(db, workspace_id: str, type_: str) -> bool:
    return all(e.published_at is not None for e in await events(db, workspace_id, type_))


async def test_a_signal_that_reaches_a_lead_before_its_start_loses_no_lead_created(
    ts_env, settings, db, smtp, ops_api
):
    """The lead is saved while Temporal is away (its start waits in the outbox); once
    Temporal is back, the address is put on the suppression list before the sweeper runs:
    the signal starts a short run for the lead first. The start then finds a workflow, and
    the lead's `lead.created` is still published (once)."""
    st = settings_for(settings, smtp)
    down = st.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    ws = await make_workspace(db)
    auth = {"Authorization": f"Bearer {await make_key(db, ws.id)}"}
    camp = await make_campaign(db, ws.id, STEPS)
    async with worker_on(ts_env.client, st, db):
        async with ops_api(down) as http:
            saved = await http.post(
                "/api/v1/outreach/leads",
                headers=auth,
                json={"campaignId": camp.id, "email": "early@example.com"},
            )
        assert saved.status_code == 503
        async with ops_api(st, ts_env.client) as http:
            added = await http.post(
                "/api/v1/outreach/suppressions",
                headers=auth,
                json={"emails": ["early@example.com"], "reason": "asked by phone"},
            )
        assert added.status_code == 200, added.text
        result = await outbox.sweep(db, st, ts_env.client, min_age=NOW, workspace_id=ws.id)
        assert result.failed == 0
        assert await pending(db, ws.id) == []
        await eventually(lambda: _all_published(db, ws.id, "lead.created"))
        assert len(await events(db, ws.id, "lead.created")) == 1
        await eventually(lambda: _lead_unsubscribed(db, camp.id))
        await terminate_leads(ts_env.client, db, ws.id)
    assert smtp.messages == []  # never mailed


async def _lead_unsubscribed(db, campaign_id: str) -> bool:
    async with db.session() as s:
        (lead,) = (await s.exec(select(Lead).where(col(Lead.campaign_id) == campaign_id))).all()
    return lead.status == "unsubscribed"


async def _is(db, lead_id: str, expected: str) -> bool:
    return await status(db, lead_id) == expected


async def _one_event(db, workspace_id: str, type_: str) -> bool:
    found = await events(db, workspace_id, type_)
    assert len(found) <= 1, "fired twice"
    return len(found) == 1


async def test_concurrent_sweepers_deliver_each_row_once(ts_env, settings, db, smtp, ops_api):
    st = settings_for(settings, smtp)
    down = st.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    ws = await make_workspace(db)
    auth = {"Authorization": f"Bearer {await make_key(db, ws.id)}"}
    camp = await make_campaign(db, ws.id, STEPS)
    async with ops_api(down) as http:
        for i in range(6):
            await http.post(
                "/api/v1/outreach/leads",
                headers=auth,
                json={"campaignId": camp.id, "email": f"c{i}@example.com"},
            )
    assert len(await pending(db, ws.id)) == 6
    fresh = await outbox.sweep(
        db, st, ts_env.client, workspace_id=ws.id
    )  # too young: the API may be on them
    assert (fresh.delivered, fresh.pending) == (0, 0)
    async with worker_on(ts_env.client, st, db):
        results = await asyncio.gather(
            *(
                outbox.sweep(db, st, ts_env.client, min_age=NOW, workspace_id=ws.id)
                for _ in range(3)
            )
        )
        assert sum(r.delivered for r in results) == 6
        assert sum(r.failed for r in results) == 0
        await smtp.wait_for(6)
        await terminate_leads(ts_env.client, db, ws.id)
    assert len(smtp.messages) == 6 and await pending(db, ws.id) == []


async def test_a_sweep_while_temporal_is_still_away_keeps_the_rows(settings, db, ops_api):
    st = settings_for(settings)
    down = st.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    ws = await make_workspace(db)
    auth = {"Authorization": f"Bearer {await make_key(db, ws.id)}"}
    camp = await make_campaign(db, ws.id, STEPS)
    async with ops_api(down) as http:
        await http.post(
            "/api/v1/outreach/leads",
            headers=auth,
            json={"campaignId": camp.id, "email": "wait@example.com"},
        )
    # A client of a server that is not there (lazy: it fails at its first call, without
    # the SDK's retries).
    away = await Client.connect(
        down.temporal_address, lazy=True, retry_config=RetryConfig(max_retries=0)
    )
    result = await outbox.sweep(db, st, away, min_age=NOW, workspace_id=ws.id)
    assert result.failed == 1 and result.delivered == 0
    (row,) = await pending(db, ws.id)
    assert row.attempts == 1 and row.last_error
    async with db.session() as s:  # no later sweep of another test meets it
        await s.delete(await s.get(OutboxItem, row.id))
        await s.commit()


async def test_the_sweeper_schedule_and_workflow(dev_env, settings, db, smtp, ops_api):
    """On the real dev server (the time-skipping server has no schedules): the schedule is
    created once, and one run of its workflow delivers what is pending."""
    st = settings_for(settings, smtp)
    down = st.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    ws = await make_workspace(db)
    auth = {"Authorization": f"Bearer {await make_key(db, ws.id)}"}
    camp = await make_campaign(db, ws.id, STEPS)
    async with ops_api(down) as http:
        await http.post(
            "/api/v1/outreach/leads",
            headers=auth,
            json={"campaignId": camp.id, "email": "sched@example.com"},
        )
    (row,) = await pending(db, ws.id)
    async with db.session() as s:  # as if it had waited out MIN_AGE
        item = await s.get(OutboxItem, row.id)
        assert item is not None
        item.created_at = item.created_at - outbox.MIN_AGE
        s.add(item)
        await s.commit()
    client = dev_env.client
    schedule = client.get_schedule_handle(outbox.schedule_id(st))
    other = settings_for(settings)  # another installation in the same namespace
    assert await outbox.ensure_schedule(client, other) is True
    try:
        assert await outbox.ensure_schedule(client, st) is True  # its own schedule
        assert await outbox.ensure_schedule(client, st) is False  # idempotent
        assert outbox.schedule_id(other) != outbox.schedule_id(st)
        desc = await schedule.describe()  # starts the sweep on this installation's queue
        assert desc.schedule.spec.intervals[0].every == outbox.SWEEP_EVERY
        assert isinstance(desc.schedule.action, ScheduleActionStartWorkflow)
        assert desc.schedule.action.task_queue == st.task_queue
        async with worker_on(client, st, db):
            result = await client.execute_workflow(
                outbox.OUTBOX_SWEEP_WORKFLOW,
                id=f"{outbox.SWEEP_WORKFLOW_ID}-{ws.id}",
                task_queue=st.task_queue,
                result_type=outbox.SweepResult,
            )
            assert result.delivered >= 1
            await smtp.wait_for(1)
            (lead,) = await _leads(db, camp.id)
            await client.get_workflow_handle(lead_workflow_id(lead.id)).terminate("test done")
    finally:
        await schedule.delete()
        await client.get_schedule_handle(outbox.schedule_id(other)).delete()
    assert await pending(db, ws.id) == []


async def _leads(db, campaign_id: str) -> list[Lead]:
    async with db.session() as s:
        return list((await s.exec(select(Lead).where(col(Lead.campaign_id) == campaign_id))).all())
