"""Temporal client helpers: connect, register search attributes, well-known ids."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleUpdate,
)
from temporalio.common import RetryPolicy, SearchAttributeKey
from temporalio.runtime import Runtime
from temporalio.service import RPCError, RPCStatusCode

from outreach import search_attributes
from outreach.config import Settings

log = logging.getLogger("outreach.temporal")


def lead_workflow_id(lead_id: str) -> str:
    return f"lead-{lead_id}"


def webhook_workflow_id(event_id: str, endpoint_id: str) -> str:
    return f"webhook-{event_id}-{endpoint_id}"


async def connect(
    settings: Settings, *, attempts: int = 1, delay: float = 1.0, runtime: Runtime | None = None
) -> Client:
    last: Exception | None = None
    for i in range(max(1, attempts)):
        try:
            return await Client.connect(
                settings.temporal_address, namespace=settings.temporal_namespace, runtime=runtime
            )
        except Exception as exc:  # noqa: BLE001 - RuntimeError from the core on refusal
            last = exc
            if i + 1 < attempts:
                await asyncio.sleep(delay)
    assert last is not None
    raise last


async def register_search_attributes(
    client: Client,
    namespace: str,
    keys: tuple[SearchAttributeKey[Any], ...] = search_attributes.ALL,
) -> list[str]:
    """Create the attributes that are missing; return the names created. Idempotent.
    (The time-skipping test server cannot list them: there every key is added.)"""
    try:
        existing = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=namespace), timeout=timedelta(seconds=10)
        )
        have = set(existing.custom_attributes) | set(existing.system_attributes)
    except RPCError as exc:
        if exc.status != RPCStatusCode.UNIMPLEMENTED:
            raise
        have = set()
    missing: dict[str, Any] = {k.name: k.indexed_value_type for k in keys if k.name not in have}
    if missing:
        try:
            await client.operator_service.add_search_attributes(
                AddSearchAttributesRequest(search_attributes=missing, namespace=namespace),
                timeout=timedelta(seconds=30),
            )
        except RPCError as exc:
            if exc.status != RPCStatusCode.ALREADY_EXISTS:
                raise
            return []
        log.info("registered search attributes: %s", ", ".join(sorted(missing)))
    return sorted(missing)


SCHEDULE_RPC_TIMEOUT = timedelta(seconds=10)


def housekeeping_schedule(
    workflow: str, workflow_id: str, task_queue: str, every: timedelta, summary: str
) -> Schedule:
    """A housekeeping schedule: one run of `workflow` per interval on `task_queue`, a tick
    skipped while the last run goes on, no retry of a failed run (the next tick is it)."""
    return Schedule(
        action=ScheduleActionStartWorkflow(
            workflow,
            id=workflow_id,
            task_queue=task_queue,
            execution_timeout=timedelta(minutes=15),
            retry_policy=RetryPolicy(maximum_attempts=1),
            static_summary=summary,
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


async def ensure_schedule(
    client: Client, schedule_id: str, wanted: Schedule, task_queue: str
) -> bool:
    """Create the schedule unless it exists (True if created); one that starts its
    workflow elsewhere than `task_queue` (an older release) is brought in line. Idempotent:
    every worker calls it at start."""
    try:
        await client.create_schedule(schedule_id, wanted, rpc_timeout=SCHEDULE_RPC_TIMEOUT)
    except ScheduleAlreadyRunningError:
        handle = client.get_schedule_handle(schedule_id)
        action = (await handle.describe(rpc_timeout=SCHEDULE_RPC_TIMEOUT)).schedule.action
        if not isinstance(action, ScheduleActionStartWorkflow) or action.task_queue != task_queue:
            await handle.update(
                lambda _: ScheduleUpdate(schedule=wanted), rpc_timeout=SCHEDULE_RPC_TIMEOUT
            )
        return False
    return True
