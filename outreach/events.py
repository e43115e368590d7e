"""Events of the seed's table: recorded once (dedupe key), then fanned out to webhooks.

`record_event` joins the caller's transaction. `publish_events` runs after the commit and
starts one `WebhookDeliveryWorkflow` per (event, subscribed endpoint); the workflow id
`webhook-<eventId>-<endpointId>` makes a retried fan-out start nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from outreach import search_attributes as sa_keys
from outreach.contracts import WEBHOOK_DELIVERY_WORKFLOW, DeliveryInput
from outreach.db import Database
from outreach.ids import new_id
from outreach.models import Event, WebhookDelivery, WebhookEndpoint, utcnow
from outreach.temporal import webhook_workflow_id
from outreach.webhooks.policy import PENDING

log = logging.getLogger("outreach.events")

START_CONCURRENCY = 16  # workflow starts in flight per fan-out

# Reserved by the seed ("not yet emitting"): endpoints may subscribe to it already.
RESERVED_EVENT_TYPES = ("system.api_change",)
EVENT_TYPES = (
    "lead.created",
    "lead.replied",
    "lead.bounced",
    "lead.unsubscribed",
    "lead.completed",
    "send.sent",
    "send.failed",
    "reply.received",
    "reply.classified",
    "channel_touch.queued",
    "channel_touch.sent",
    "lead.deleted",  # additive: a lead was erased (its data names no person)
    "mailbox.paused",  # additive: a sending mailbox stopped (auth failure, bounce rate)
    "autopilot.completed",  # additive: a campaign's autopilot run ended (data: the run)
)


SUBSCRIBABLE_EVENT_TYPES = EVENT_TYPES + RESERVED_EVENT_TYPES


def _subject(data: dict[str, Any], key: str) -> str | None:
    """The id of the `lead` / `reply` an event's data shows."""
    shown = data.get(key)
    return shown.get("id") if isinstance(shown, dict) else None


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def record_event(
    session: AsyncSession,
    *,
    workspace_id: str,
    type: str,
    data: dict[str, Any],
    dedupe_key: str,
    at: datetime | None = None,
    new: bool = False,
) -> str:
    """Insert the event unless one with this dedupe key exists; return its id.
    `new=True` when the key names a row created in this transaction (no lookup needed)."""
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type}")
    # Whose event it is: an erasure deletes by these.
    lead_id = _subject(data, "lead")
    reply_id = _subject(data, "reply") or data.get("replyId")
    if new:
        event = Event(
            id=new_id("evt"),
            workspace_id=workspace_id,
            type=type,
            data=data,
            dedupe_key=dedupe_key,
            created_at=at or utcnow(),
            lead_id=lead_id,
            reply_id=reply_id,
        )
        session.add(event)
        return event.id
    existing = (await session.exec(select(Event.id).where(Event.dedupe_key == dedupe_key))).first()
    if existing:
        return existing
    event = Event(
        id=new_id("evt"),
        workspace_id=workspace_id,
        type=type,
        data=data,
        dedupe_key=dedupe_key,
        created_at=at or utcnow(),
        lead_id=lead_id,
        reply_id=reply_id,
    )
    try:
        async with session.begin_nested():
            session.add(event)
    except IntegrityError:
        found = (await session.exec(select(Event.id).where(Event.dedupe_key == dedupe_key))).first()
        if found is None:
            raise
        return found
    return event.id


async def event_ids_for(session: AsyncSession, dedupe_keys: list[str]) -> list[str]:
    if not dedupe_keys:
        return []
    rows = (
        await session.exec(
            select(Event.id, Event.dedupe_key).where(col(Event.dedupe_key).in_(dedupe_keys))
        )
    ).all()
    order = {k: i for i, k in enumerate(dedupe_keys)}
    return [eid for eid, _ in sorted(rows, key=lambda r: order[r[1]])]


def subscribed(endpoint: WebhookEndpoint, event_type: str) -> bool:
    return endpoint.enabled and ("*" in endpoint.events or event_type in endpoint.events)


def delivery_search_attributes(
    workspace_id: str, event_type: str, endpoint_id: str, status: str = PENDING
) -> TypedSearchAttributes:
    return TypedSearchAttributes(
        [
            SearchAttributePair(sa_keys.WORKSPACE_ID, workspace_id),
            SearchAttributePair(sa_keys.EVENT_TYPE, event_type),
            SearchAttributePair(sa_keys.WEBHOOK_ENDPOINT_ID, endpoint_id),
            SearchAttributePair(sa_keys.DELIVERY_STATUS, status),
        ]
    )


async def publish_events(
    db: Database, client: Client, task_queue: str, event_ids: list[str]
) -> int:
    """Start the webhook deliveries of these events: one `WebhookDeliveryWorkflow` on
    `task_queue` per (event, enabled endpoint subscribed to its type). Idempotent: a retried
    call finds the delivery rows (unique workflow id) and the workflows it made before and
    starts nothing twice. Returns the number of workflows started."""
    if not event_ids:
        return 0
    async with db.session() as session:
        events = (await session.exec(select(Event).where(col(Event.id).in_(event_ids)))).all()
        if not events:
            return 0
        endpoints = (
            await session.exec(
                select(WebhookEndpoint).where(
                    col(WebhookEndpoint.workspace_id).in_({e.workspace_id for e in events}),
                    WebhookEndpoint.enabled == True,  # noqa: E712
                )
            )
        ).all()
        to_start: list[WebhookDelivery] = []
        for event in sorted(events, key=lambda e: (e.created_at, e.id)):
            for endpoint in endpoints:
                if endpoint.workspace_id == event.workspace_id and subscribed(endpoint, event.type):
                    delivery = await _delivery_row(
                        session, event, endpoint, webhook_workflow_id(event.id, endpoint.id)
                    )
                    if delivery is not None and delivery.status == PENDING:
                        to_start.append(delivery)
        await session.exec(
            update(Event)
            .where(col(Event.id).in_([e.id for e in events]), col(Event.published_at).is_(None))
            .values(published_at=utcnow())
        )
        await session.commit()

    # One endpoint's deliveries start in event order; endpoints start side by side.
    chains: dict[str, list[WebhookDelivery]] = {}
    for delivery in to_start:
        chains.setdefault(delivery.endpoint_id, []).append(delivery)
    gate = asyncio.Semaphore(START_CONCURRENCY)

    async def start_chain(chain: list[WebhookDelivery]) -> int:
        started = 0
        for delivery in chain:
            async with gate:
                started += await _start(client, task_queue, delivery)
        return started

    results = await asyncio.gather(
        *(start_chain(c) for c in chains.values()), return_exceptions=True
    )
    for result in results:
        if isinstance(result, BaseException):
            raise result  # the caller's activity retries; nothing starts twice
    return sum(results)  # type: ignore[arg-type]


async def start_delivery(
    session: AsyncSession,
    client: Client,
    task_queue: str,
    event: Event,
    endpoint: WebhookEndpoint,
    *,
    replay_of: str | None = None,
) -> WebhookDelivery | None:
    """Create one delivery row and start its workflow; a replay (`replay_of` = the delivery
    it repeats) gets a new row and workflow for the same event. Commits the session.
    None when the endpoint disappeared meanwhile."""
    workflow_id = webhook_workflow_id(event.id, endpoint.id)
    if replay_of is not None:
        workflow_id += f"-replay-{new_id('dlv')[4:]}"
    delivery = await _delivery_row(session, event, endpoint, workflow_id, replay_of)
    await session.commit()
    if delivery is not None and delivery.status == PENDING:
        try:
            await _start(client, task_queue, delivery)
        except RPCError:
            if replay_of is not None:  # a replay that did not start leaves no row behind
                await session.delete(delivery)
                await session.commit()
            raise
    return delivery


async def _delivery_row(
    session: AsyncSession,
    event: Event,
    endpoint: WebhookEndpoint,
    workflow_id: str,
    replay_of: str | None = None,
) -> WebhookDelivery | None:
    """The delivery row of this workflow id, created unless it exists."""
    by_workflow = select(WebhookDelivery).where(WebhookDelivery.workflow_id == workflow_id)
    found = (await session.exec(by_workflow)).first()
    if found is not None:
        return found
    delivery = WebhookDelivery(
        id=new_id("dlv"),
        workspace_id=event.workspace_id,
        endpoint_id=endpoint.id,
        event_id=event.id,
        event_type=event.type,
        workflow_id=workflow_id,
        replay_of=replay_of,
    )
    try:
        async with session.begin_nested():
            session.add(delivery)
    except IntegrityError:
        # A concurrent fan-out created it first, or the endpoint was just deleted.
        return (await session.exec(by_workflow)).first()
    return delivery


async def _start(client: Client, task_queue: str, delivery: WebhookDelivery) -> bool:
    try:
        await client.start_workflow(
            WEBHOOK_DELIVERY_WORKFLOW,
            DeliveryInput(
                delivery_id=delivery.id,
                event_id=delivery.event_id,
                endpoint_id=delivery.endpoint_id,
                workspace_id=delivery.workspace_id,
                event_type=delivery.event_type,
            ),
            id=delivery.workflow_id,
            task_queue=task_queue,
            # Running or finished before: "already started", so nothing is started twice.
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=delivery_search_attributes(
                delivery.workspace_id, delivery.event_type, delivery.endpoint_id
            ),
            static_summary=f"{delivery.event_type} to {delivery.endpoint_id}",
        )
    except WorkflowAlreadyStartedError:
        return False
    return True
