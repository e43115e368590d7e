"""Fan-out: each event reaches every enabled endpoint subscribed to its type, exactly once,
however often (or concurrently) the fan-out runs."""

from __future__ import annotations

import asyncio

from outreach import search_attributes as sa_keys
from outreach.events import publish_events
from outreach.models import Event
from outreach.temporal import webhook_workflow_id
from tests.helpers import make_workspace, reload, search_attribute
from tests.webhooks.conftest import deliveries_of, make_endpoint, make_event, result_of
from tests.webhooks.receiver import receiving


async def test_each_event_goes_to_each_subscribed_endpoint_once(ts_env, db, wh_settings):
    ws = await make_workspace(db)
    other = await make_workspace(db)
    queue = wh_settings.webhook_task_queue
    async with receiving() as r:
        everything = await make_endpoint(db, ws.id, r.url + "/all", ["*"])
        sends_only = await make_endpoint(db, ws.id, r.url + "/sends", ["send.sent"])
        leads = await make_endpoint(db, ws.id, r.url + "/leads", ["lead.created", "send.sent"])
        disabled = await make_endpoint(db, ws.id, r.url + "/off", ["*"], enabled=False)
        theirs = await make_endpoint(db, other.id, r.url + "/theirs", ["*"])
        created = await make_event(db, ws.id, "lead.created")
        sent = await make_event(db, ws.id, "send.sent", {"send": {"id": "send_1"}})

        # The fan-out runs, is retried, and races itself: nothing is started twice.
        first = await publish_events(db, ts_env.client, queue, [created, sent])
        again = await asyncio.gather(
            publish_events(db, ts_env.client, queue, [created, sent]),
            publish_events(db, ts_env.client, queue, [sent, created]),
        )
        assert first == 5 and again == [0, 0]
        for endpoint, event in (
            (everything, created),
            (everything, sent),
            (leads, created),
            (leads, sent),
            (sends_only, sent),
        ):
            handle = ts_env.client.get_workflow_handle(webhook_workflow_id(event, endpoint.id))
            await result_of(ts_env, handle)
        hits = await r.wait_for(5)
        await asyncio.sleep(0.5)  # room for a duplicate to show up

    got = sorted((h.path, h.headers["x-pms-event"]) for h in hits)
    assert got == [
        ("/all", "lead.created"),
        ("/all", "send.sent"),
        ("/leads", "lead.created"),
        ("/leads", "send.sent"),
        ("/sends", "send.sent"),
    ]
    assert len(r.hits) == 5
    for endpoint, count in (
        (everything, 2),
        (sends_only, 1),
        (leads, 2),
        (disabled, 0),
        (theirs, 0),
    ):
        rows = await deliveries_of(db, endpoint.id)
        assert len(rows) == count, endpoint.url
        assert all(d.status == "delivered" and d.attempt_count == 1 for d in rows)
    assert (await reload(db, Event, created)).published_at is not None


async def test_a_finished_delivery_is_not_started_again(ts_env, db, wh_settings):
    ws = await make_workspace(db)
    async with receiving() as r:
        endpoint = await make_endpoint(db, ws.id, r.url)
        event = await make_event(db, ws.id)
        queue = wh_settings.webhook_task_queue
        assert await publish_events(db, ts_env.client, queue, [event]) == 1
        handle = ts_env.client.get_workflow_handle(webhook_workflow_id(event, endpoint.id))
        await result_of(ts_env, handle)
        assert await publish_events(db, ts_env.client, queue, [event]) == 0
        await asyncio.sleep(0.5)
    assert len(r.hits) == 1
    assert len(await deliveries_of(db, endpoint.id)) == 1
    assert await search_attribute(handle, sa_keys.WEBHOOK_ENDPOINT_ID) == endpoint.id


async def test_events_without_subscribers_start_nothing(ts_env, db, wh_settings):
    ws = await make_workspace(db)
    await make_endpoint(db, ws.id, "http://127.0.0.1:9/x", ["lead.replied"])
    event = await make_event(db, ws.id, "lead.created")
    assert await publish_events(db, ts_env.client, wh_settings.webhook_task_queue, [event]) == 0
    assert await publish_events(db, ts_env.client, wh_settings.webhook_task_queue, []) == 0
