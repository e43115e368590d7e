"""Webhook test helpers: endpoint and event rows, and a worker on the time-skipping server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from outreach.config import Settings
from outreach.db import Database
from outreach.encryption.fields import seal_webhook_secret
from outreach.events import record_event
from outreach.ids import new_id
from outreach.models import WebhookDelivery, WebhookEndpoint
from outreach.webhooks.signing import new_secret, secret_hint
from tests.conftest import settings_for
from tests.helpers import running_worker


async def make_endpoint(
    db: Database,
    workspace_id: str,
    url: str,
    events: list[str] | None = None,
    enabled: bool = True,
) -> WebhookEndpoint:
    endpoint_id = new_id("whk")
    secret = new_secret()
    async with db.session() as s:
        endpoint = WebhookEndpoint(
            id=endpoint_id,
            workspace_id=workspace_id,
            url=url,
            events=events or ["*"],
            enabled=enabled,
            secret=seal_webhook_secret(db.settings.keyring(), endpoint_id, secret),
            secret_hint=secret_hint(secret),
        )
        s.add(endpoint)
        await s.commit()
        return endpoint


async def make_event(
    db: Database, workspace_id: str, type_: str = "lead.created", data: dict | None = None
) -> str:
    async with db.session() as s:
        event_id = await record_event(
            s,
            workspace_id=workspace_id,
            type=type_,
            data=data if data is not None else {"lead": {"id": new_id("lead"), "firstName": "Zoë"}},
            dedupe_key=f"test:{new_id('evt')}",
        )
        await s.commit()
        return event_id


async def deliveries_of(db: Database, endpoint_id: str) -> list[WebhookDelivery]:
    async with db.session() as s:
        from sqlmodel import col, select

        return list(
            (
                await s.exec(
                    select(WebhookDelivery)
                    .where(WebhookDelivery.endpoint_id == endpoint_id)
                    .order_by(col(WebhookDelivery.created_at))
                )
            ).all()
        )


@pytest.fixture
async def wh_settings(
    settings: Settings, db: Database, ts_env: WorkflowEnvironment
) -> AsyncIterator[Settings]:
    """Settings with a fresh task queue, and a worker polling it on the time-skipping
    server for the duration of the test."""
    st = settings_for(settings)
    async with running_worker(ts_env.client, st, db):
        yield st


async def result_of(ts_env: WorkflowEnvironment, handle: Any) -> Any:
    """Wait for a workflow the test did not start itself (so its handle does not skip time
    on its own), letting the time-skipping server jump over timers meanwhile."""
    async with ts_env.time_skipping_unlocked():  # type: ignore[attr-defined]
        return await handle.result()
