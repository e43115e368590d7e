"""Starting the drafting, touch-rewrite and reply-send workflows, and waiting a little for
them (the API answers 202 when they run longer)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, TypeVar

from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from outreach.config import Settings
from outreach.drafts.contracts import (
    DRAFT_REPLY_WORKFLOW,
    REGENERATE_TOUCH_WORKFLOW,
    REPLY_SEND_WORKFLOW,
    DraftDone,
    RegenerateDone,
    RegenerateRequest,
    ReplySendDone,
    ReplySendRequest,
    draft_workflow_id,
    regenerate_workflow_id,
    reply_send_workflow_id,
)

T = TypeVar("T")
log = logging.getLogger("outreach.drafts")


async def _start(
    client: Client,
    settings: Settings,
    name: str,
    arg: Any,
    wid: str,
    result: type[T],
    summary: str,
    reuse: WorkflowIDReusePolicy = WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
) -> WorkflowHandle[Any, T]:
    try:
        return await client.start_workflow(
            name,
            arg,
            id=wid,
            task_queue=settings.task_queue,
            result_type=result,
            # A second call for the same draft joins the run that exists.
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=reuse,
            static_summary=summary,
        )
    except WorkflowAlreadyStartedError:
        # It ran to completion before: its result is the answer.
        return client.get_workflow_handle(wid, result_type=result)


async def start_draft(
    client: Client, settings: Settings, draft_id: str
) -> WorkflowHandle[Any, DraftDone]:
    return await _start(
        client,
        settings,
        DRAFT_REPLY_WORKFLOW,
        draft_id,
        draft_workflow_id(draft_id),
        DraftDone,
        f"draft {draft_id}",
    )


async def start_regenerate(
    client: Client, settings: Settings, req: RegenerateRequest, request: str
) -> WorkflowHandle[Any, RegenerateDone]:
    wid = regenerate_workflow_id(req.touch_id, request)
    return await _start(
        client,
        settings,
        REGENERATE_TOUCH_WORKFLOW,
        req,
        wid,
        RegenerateDone,
        f"rewrite touch {req.touch_id}",
    )


async def start_reply_send(
    client: Client, settings: Settings, draft_id: str
) -> WorkflowHandle[Any, ReplySendDone]:
    req = ReplySendRequest(draft_id, send_timeout_seconds=int(settings.smtp_timeout * 2 + 10))
    return await _start(
        client,
        settings,
        REPLY_SEND_WORKFLOW,
        req,
        reply_send_workflow_id(draft_id),
        ReplySendDone,
        f"answer {draft_id}",
        # A send that failed (SMTP kept refusing) is tried again by a new run.
        reuse=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
    )


async def result_within(handle: WorkflowHandle[Any, T], seconds: float) -> T | None:
    """The workflow's result, or None when it is still running after `seconds`."""
    try:
        return await asyncio.wait_for(handle.result(), timeout=seconds)
    except TimeoutError:
        return None
    except WorkflowFailureError as exc:
        # It gave up (SMTP refused the login, say): the rows say what happened.
        log.warning("workflow %s failed: %s", handle.id, exc.cause)
        return None
