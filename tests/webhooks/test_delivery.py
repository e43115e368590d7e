"""Delivery workflows on the time-skipping server against real local receivers: the retry
schedule, what each answer does, what is recorded, and the search attributes."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select
from temporalio import activity
from temporalio.worker import Worker

from activities.webhooks import WebhookActivities
from outreach import search_attributes as sa_keys
from outreach.config import Settings
from outreach.db import Database
from outreach.events import publish_events
from outreach.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from outreach.temporal import webhook_workflow_id
from outreach.webhooks.policy import AttemptRequest, DeliveryOutcome
from tests.conftest import settings_for
from tests.helpers import eventually, make_workspace, reload, search_attribute
from tests.webhooks.conftest import deliveries_of, make_endpoint, make_event, result_of
from tests.webhooks.receiver import Answer, Hit, always, receiving, script
from workflows.webhook_delivery import WebhookDeliveryWorkflow


async def deliver(ts_env, st: Settings, db: Database, url: str, events: list[str] | None = None):
    """An endpoint at `url`, one recorded event, its fan-out; the delivery's handle."""
    ws = await make_workspace(db)
    endpoint = await make_endpoint(db, ws.id, url, events)
    event_id = await make_event(db, ws.id)
    assert await publish_events(db, ts_env.client, st.webhook_task_queue, [event_id]) == 1
    handle = ts_env.client.get_workflow_handle(
        webhook_workflow_id(event_id, endpoint.id), result_type=DeliveryOutcome
    )
    return endpoint, event_id, handle


async def attempts_of(db: Database, delivery_id: str) -> list[WebhookAttempt]:
    async with db.session() as s:
        return list(
            (
                await s.exec(
                    select(WebhookAttempt)
                    .where(WebhookAttempt.delivery_id == delivery_id)
                    .order_by(col(WebhookAttempt.attempt))
                )
            ).all()
        )


def offsets(hits: list[Hit]) -> list[float]:
    assert all(h.clock for h in hits)
    return [(h.clock - hits[0].clock).total_seconds() for h in hits]  # type: ignore[operator]


def near(actual: list[float], expected: list[float], slack: float = 5.0) -> bool:
    return len(actual) == len(expected) and all(
        abs(a - e) <= slack for a, e in zip(actual, expected, strict=True)
    )


async def test_a_receiver_that_always_fails_gets_four_attempts_then_none(ts_env, db, wh_settings):
    async with receiving(always(500, body=b"boom"), clock=ts_env.get_current_time) as r:
        endpoint, event_id, handle = await deliver(ts_env, wh_settings, db, r.url + "/hook")
        outcome = await result_of(ts_env, handle)
        await ts_env.sleep(timedelta(days=2))  # nothing more comes, however long we wait

    assert outcome.status == "failed" and outcome.attempts == 4
    assert len(r.hits) == 4
    # 0, +5 min, +35 min, +2 h 35 min (each wait counts from the previous attempt)
    assert near(offsets(r.hits), [0, 300, 2100, 9300]), offsets(r.hits)
    assert [h.headers["x-pms-attempt"] for h in r.hits] == ["1", "2", "3", "4"]
    assert {h.headers["x-pms-event-id"] for h in r.hits} == {event_id}
    assert {h.headers["webhook-id"] for h in r.hits} == {event_id}
    assert len({h.body for h in r.hits}) == 1  # the same bytes every time

    [delivery] = await deliveries_of(db, endpoint.id)
    assert delivery.status == "failed" and delivery.attempt_count == 4
    assert delivery.last_status_code == 500 and delivery.last_error == "HTTP 500"
    assert delivery.completed_at is not None and delivery.next_attempt_at is None
    attempts = await attempts_of(db, delivery.id)
    assert [a.attempt for a in attempts] == [1, 2, 3, 4]
    assert [a.outcome for a in attempts] == ["retry", "retry", "retry", "failed"]
    assert {a.status_code for a in attempts} == {500}
    assert {a.response_body for a in attempts} == {"boom"}
    assert all(a.duration_ms is not None and a.started_at for a in attempts)
    assert await search_attribute(handle, sa_keys.DELIVERY_STATUS) == "failed"
    assert await search_attribute(handle, sa_keys.EVENT_TYPE) == "lead.created"
    assert await search_attribute(handle, sa_keys.WORKSPACE_ID) == endpoint.workspace_id


async def test_a_receiver_that_recovers_on_attempt_3_gets_it_delivered(ts_env, db, wh_settings):
    answers = script(503, 502, 200)
    async with receiving(answers, clock=ts_env.get_current_time) as r:
        endpoint, event_id, handle = await deliver(ts_env, wh_settings, db, r.url)
        outcome = await result_of(ts_env, handle)
        await ts_env.sleep(timedelta(days=1))

    assert outcome.status == "delivered" and outcome.attempts == 3
    assert near(offsets(r.hits), [0, 300, 2100])
    assert [h.headers["x-pms-attempt"] for h in r.hits] == ["1", "2", "3"]
    [delivery] = await deliveries_of(db, endpoint.id)
    assert (delivery.status, delivery.attempt_count, delivery.last_status_code) == (
        "delivered",
        3,
        200,
    )
    assert delivery.last_error is None
    assert [a.outcome for a in await attempts_of(db, delivery.id)] == [
        "retry",
        "retry",
        "delivered",
    ]
    assert await search_attribute(handle, sa_keys.DELIVERY_STATUS) == "delivered"


async def test_a_retry_waits_while_it_is_pending(ts_env, db, wh_settings):
    """Between attempts the delivery shows `retrying`, when the next attempt is due, and
    the UI's status attribute says so too."""
    async with receiving(script(500, 200), clock=ts_env.get_current_time) as r:
        endpoint, _, handle = await deliver(ts_env, wh_settings, db, r.url)

        async def retrying() -> WebhookDelivery | None:
            [d] = await deliveries_of(db, endpoint.id)
            return d if d.status == "retrying" else None

        delivery = await eventually(retrying)
        assert delivery.attempt_count == 1 and delivery.next_attempt_at is not None

        # The row is written by the attempt's activity, the attribute by the workflow's
        # next task: wait for the attribute itself (any value is truthy).
        async def shown() -> str | None:
            value = await search_attribute(handle, sa_keys.DELIVERY_STATUS)
            return value if value == "retrying" else None

        assert await eventually(shown) == "retrying"
        assert (await result_of(ts_env, handle)).status == "delivered"


async def test_429_waits_as_long_as_retry_after_asks_when_that_is_longer(ts_env, db, wh_settings):
    seen = {"n": 0}

    def answer(hit: Hit) -> Answer:
        seen["n"] += 1
        if seen["n"] == 1:
            return Answer(429, headers={"Retry-After": "3600"})
        if seen["n"] == 2:
            return Answer(429, headers={"Retry-After": "10"})  # shorter: the schedule wins
        return Answer(200)

    async with receiving(answer, clock=ts_env.get_current_time) as r:
        _, _, handle = await deliver(ts_env, wh_settings, db, r.url)
        outcome = await result_of(ts_env, handle)
    assert outcome.status == "delivered" and outcome.attempts == 3
    assert near(offsets(r.hits), [0, 3600, 3600 + 1800])


async def test_408_is_transient_too(ts_env, db, wh_settings):
    async with receiving(script(408, 204), clock=ts_env.get_current_time) as r:
        _, _, handle = await deliver(ts_env, wh_settings, db, r.url)
        assert (await result_of(ts_env, handle)).status == "delivered"
    assert near(offsets(r.hits), [0, 300])


async def test_other_4xx_and_3xx_fail_at_once_without_retry(ts_env, db, wh_settings):
    for status in (400, 401, 404, 422, 301):
        async with receiving(always(status, headers={"Location": "http://127.0.0.1:9/x"})) as r:
            endpoint, _, handle = await deliver(ts_env, wh_settings, db, r.url)
            outcome = await result_of(ts_env, handle)
            await ts_env.sleep(timedelta(hours=6))
        assert (outcome.status, outcome.attempts) == ("failed", 1), status
        assert len(r.hits) == 1, status
        [delivery] = await deliveries_of(db, endpoint.id)
        assert delivery.status == "failed" and delivery.last_status_code == status
        assert (await reload(db, WebhookEndpoint, endpoint.id)).enabled  # still enabled


async def test_410_gone_fails_at_once_and_disables_the_endpoint(ts_env, db, wh_settings):
    async with receiving(always(410)) as r:
        endpoint, _, handle = await deliver(ts_env, wh_settings, db, r.url)
        outcome = await result_of(ts_env, handle)
        assert (outcome.status, outcome.attempts) == ("failed", 1)
        gone = await reload(db, WebhookEndpoint, endpoint.id)
        assert not gone.enabled and "410" in (gone.disabled_reason or "")
        # Later events are not delivered to it any more.
        later = await make_event(db, endpoint.workspace_id)
        assert await publish_events(db, ts_env.client, wh_settings.webhook_task_queue, [later]) == 0
    assert len(r.hits) == 1
    assert len(await deliveries_of(db, endpoint.id)) == 1


async def test_a_delivery_waiting_to_retry_is_cancelled_when_its_endpoint_is_disabled(
    ts_env, db, wh_settings
):
    async with receiving(always(500)) as r:
        endpoint, _, handle = await deliver(ts_env, wh_settings, db, r.url)

        async def retrying() -> bool:
            return (await deliveries_of(db, endpoint.id))[0].status == "retrying"

        await eventually(retrying)
        async with db.session() as s:
            row = await s.get(WebhookEndpoint, endpoint.id)
            row.enabled = False
            s.add(row)
            await s.commit()
        outcome = await result_of(ts_env, handle)
    assert (outcome.status, outcome.attempts) == ("cancelled", 2)
    assert len(r.hits) == 1  # the second attempt sent nothing
    [delivery] = await deliveries_of(db, endpoint.id)
    assert delivery.status == "cancelled" and delivery.attempt_count == 1
    assert delivery.last_error == "The endpoint is disabled."
    assert await search_attribute(handle, sa_keys.DELIVERY_STATUS) == "cancelled"


async def test_a_network_error_is_retried_and_recorded(ts_env, db, wh_settings):
    async with receiving() as r:
        dead = r.url
    # The receiver is gone: connections are refused.
    endpoint, _, handle = await deliver(ts_env, wh_settings, db, dead)
    outcome = await result_of(ts_env, handle)
    assert (outcome.status, outcome.attempts) == ("failed", 4)
    attempts = await attempts_of(db, (await deliveries_of(db, endpoint.id))[0].id)
    assert all(a.status_code is None and "ConnectError" in (a.error or "") for a in attempts)


async def test_an_attempt_that_fails_on_our_side_counts_as_a_transient_failure(
    ts_env, db, settings
):
    """The attempt activity itself keeps failing (our bug, our database): the workflow does
    not fail with it; each attempt is recorded as an internal error and retried on the
    schedule, then the delivery fails like any other."""
    tries: list[int] = []

    @activity.defn(name="deliver_webhook")
    async def broken(req: AttemptRequest) -> None:
        tries.append(req.attempt)
        raise RuntimeError("database unavailable")

    st = settings_for(settings)
    real = WebhookActivities(db, st)
    worker = Worker(
        ts_env.client,
        task_queue=st.webhook_task_queue,
        workflows=[WebhookDeliveryWorkflow],
        activities=[broken, real.record],
    )
    async with worker:
        ws = await make_workspace(db)
        endpoint = await make_endpoint(db, ws.id, "http://127.0.0.1:9/never")
        event_id = await make_event(db, ws.id)
        await publish_events(db, ts_env.client, st.webhook_task_queue, [event_id])
        handle = ts_env.client.get_workflow_handle(
            webhook_workflow_id(event_id, endpoint.id), result_type=DeliveryOutcome
        )
        outcome = await result_of(ts_env, handle)
    assert (outcome.status, outcome.attempts) == ("failed", 4)
    assert tries == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]  # 3 tries of each attempt
    [delivery] = await deliveries_of(db, endpoint.id)
    assert delivery.status == "failed" and delivery.attempt_count == 4
    attempts = await attempts_of(db, delivery.id)
    assert [a.outcome for a in attempts] == ["retry", "retry", "retry", "failed"]
    assert all("database unavailable" in (a.error or "") for a in attempts)
