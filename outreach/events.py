"""Events of the seed's table: recorded once (dedupe key), then fanned out to webhooks.

`record_event` joins the caller's transaction. `publish_events` runs after the commit and
starts one `WebhookDeliveryWorkflow` per (event, subscribed endpoint); the workflow id
`webhook-<eventId>-<endpointId>` makes a retried fan-out start nothing twice.
"""

from __future__ import annotations

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

from outreach import search_attributes as sa_keys
from outreach.contracts import WEBHOOK_DELIVERY_WORKFLOW, DeliveryInput
from outreach.db import Database
from outreach.ids import new_id
from outreach.models import Event, WebhookDelivery, WebhookEndpoint, utcnow
from outreach.temporal import webhook_workflow_id

log = logging.getLogger("outreach.events")

EVENT_TYPES = (
    "lead.created", "lead.replied", "lead.bounced", "lead.unsubscribed", "lead.completed",
    "send.sent", "send.failed", "reply.received", "reply.classified",
    "channel_touch.queued", "channel_touch.sent",
)


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
    if new:
        event = Event(id=new_id("evt"), workspace_id=workspace_id, type=type, data=data,
                      dedupe_key=dedupe_key, created_at=at or utcnow())
        session.add(event)
        return event.id
    existing = (
        await session.exec(select(Event.id).where(Event.dedupe_key == dedupe_key))
    ).first()
    if existing:
        return existing
    event = Event(
        id=new_id("evt"), workspace_id=workspace_id, type=type, data=data,
        dedupe_key=dedupe_key, created_at=at or utcnow(),
    )
    try:
        async with session.begin_nested():
            session.add(event)
    except IntegrityError:
        found = (
            await session.exec(select(Event.id).where(Event.dedupe_key == dedupe_key))
        ).first()
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


async def publish_events(
    db: Database, client: Client, task_queue: str, event_ids: list[str]
) -> int:
    """Start the webhook deliveries of these events. Idempotent; returns deliveries started."""
    if not event_ids:
        return 0
    started = 0
    async with db.session() as session:
        events = (await session.exec(select(Event).where(col(Event.id).in_(event_ids)))).all()
        workspaces = {e.workspace_id for e in events}
        endpoints = (
            await session.exec(
                select(WebhookEndpoint).where(
                    col(WebhookEndpoint.workspace_id).in_(workspaces),
                    WebhookEndpoint.enabled == True,  # noqa: E712
                )
            )
        ).all() if workspaces else []
        for event in sorted(events, key=lambda e: (e.created_at, e.id)):
            for endpoint in endpoints:
                if endpoint.workspace_id != event.workspace_id or not subscribed(
                    endpoint, event.type
                ):
                    continue
                if await start_delivery(session, client, task_queue, event, endpoint):
                    started += 1
        if events:
            await session.exec(
                update(Event)
                .where(col(Event.id).in_([e.id for e in events]), col(Event.published_at).is_(None))
                .values(published_at=utcnow())
            )
            await session.commit()
    return started


async def start_delivery(
    session: AsyncSession,
    client: Client,
    task_queue: str,
    event: Event,
    endpoint: WebhookEndpoint,
    *,
    replay_of: str | None = None,
) -> bool:
    """Create the delivery row (once) and start its workflow (once)."""
    if replay_of is None:
        workflow_id = webhook_workflow_id(event.id, endpoint.id)
    else:
        workflow_id = f"{webhook_workflow_id(event.id, endpoint.id)}-replay-{new_id('dlv')[4:]}"
    by_workflow = select(WebhookDelivery).where(WebhookDelivery.workflow_id == workflow_id)
    delivery = (await session.exec(by_workflow)).first()
    if delivery is None:
        delivery = WebhookDelivery(
            id=new_id("dlv"), workspace_id=event.workspace_id, endpoint_id=endpoint.id,
            event_id=event.id, event_type=event.type, workflow_id=workflow_id,
            replay_of=replay_of,
        )
        try:
            async with session.begin_nested():
                session.add(delivery)
        except IntegrityError:
            delivery = (
                await session.exec(
                    select(WebhookDelivery).where(WebhookDelivery.workflow_id == workflow_id)
                )
            ).one()
        await session.commit()
    try:
        await client.start_workflow(
            WEBHOOK_DELIVERY_WORKFLOW,
            DeliveryInput(
                delivery_id=delivery.id, event_id=event.id, endpoint_id=endpoint.id,
                workspace_id=event.workspace_id, event_type=event.type,
            ),
            id=workflow_id,
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=TypedSearchAttributes([
                SearchAttributePair(sa_keys.WORKSPACE_ID, event.workspace_id),
                SearchAttributePair(sa_keys.EVENT_TYPE, event.type),
                SearchAttributePair(sa_keys.WEBHOOK_ENDPOINT_ID, endpoint.id),
                SearchAttributePair(sa_keys.DELIVERY_STATUS, "pending"),
            ]),
        )
    except WorkflowAlreadyStartedError:
        return False  # finished before: reuse policy default rejects; nothing to do
    return True
