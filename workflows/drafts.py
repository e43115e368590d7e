"""Short workflows behind the assistive actions on replies and touches.

DraftReplyWorkflow (`draft-<draftId>`): write the draft with the model when one is
configured (a few tries), else, or when the model keeps failing, the built-in answer for
the reply's label, recording why. RegenerateTouchWorkflow (`touch-regen-<touchId>-<n>`):
the same for a queued LinkedIn / Twitter touch (the model, else the step's next spintax
wording). ReplySendWorkflow (`reply-send-<draftId>`): send an answer once, threaded, on the
email task queue (the sequence steps' SMTP retry policy and exactly-once rule).

The API starts them and waits a few seconds for the result; they never wait on a person.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

from workflows.policies import (
    DB_RETRY,
    DB_TIMEOUT,
    EMAIL_QUEUE_SUFFIX,
    MODEL_RETRY,
    MODEL_TIMEOUT,
    SEND_RETRY,
)

with workflow.unsafe.imports_passed_through():
    from activities.drafts import DraftActivities, ReplySendActivities
    from outreach.drafts.contracts import (
        DRAFT_REPLY_WORKFLOW,
        REGENERATE_TOUCH_WORKFLOW,
        REPLY_SEND_WORKFLOW,
        BuiltinRequest,
        DraftDone,
        RegenerateDone,
        RegenerateRequest,
        ReplySendDone,
        ReplySendFailed,
        ReplySendRequest,
    )


def _why(exc: ActivityError, then: str = "built-in answer used") -> str:
    """The model's failure in words, and what was done instead."""
    cause = exc.cause
    message = cause.message if isinstance(cause, ApplicationError) else str(cause or exc)
    return f"model failed ({message}); {then}"


@workflow.defn(name=DRAFT_REPLY_WORKFLOW)
class DraftReplyWorkflow:
    @workflow.run
    async def run(self, draft_id: str) -> DraftDone:
        note = None
        try:
            written = await workflow.execute_activity_method(
                DraftActivities.write_with_model,
                draft_id,
                start_to_close_timeout=MODEL_TIMEOUT,
                retry_policy=MODEL_RETRY,
            )
            if not written.model_off:
                return written
        except ActivityError as exc:
            note = _why(exc)
        return await workflow.execute_activity_method(
            DraftActivities.write_builtin,
            BuiltinRequest(draft_id, note),
            start_to_close_timeout=DB_TIMEOUT,
            retry_policy=DB_RETRY,
        )


@workflow.defn(name=REGENERATE_TOUCH_WORKFLOW)
class RegenerateTouchWorkflow:
    @workflow.run
    async def run(self, req: RegenerateRequest) -> RegenerateDone:
        try:
            rewritten = await workflow.execute_activity_method(
                DraftActivities.regenerate_with_model,
                req,
                start_to_close_timeout=MODEL_TIMEOUT,
                retry_policy=MODEL_RETRY,
            )
            if not rewritten.model_off:
                return rewritten
        except ActivityError as exc:
            req.note = _why(exc, "the step's next wording tried")
        return await workflow.execute_activity_method(
            DraftActivities.regenerate_variant,
            req,
            start_to_close_timeout=DB_TIMEOUT,
            retry_policy=DB_RETRY,
        )


@workflow.defn(name=REPLY_SEND_WORKFLOW)
class ReplySendWorkflow:
    @workflow.run
    async def run(self, req: ReplySendRequest) -> ReplySendDone:
        try:
            return await workflow.execute_activity_method(
                ReplySendActivities.send_reply,
                req.draft_id,
                task_queue=workflow.info().task_queue + EMAIL_QUEUE_SUFFIX,
                start_to_close_timeout=timedelta(seconds=req.send_timeout_seconds),
                retry_policy=SEND_RETRY,
            )
        except ActivityError as exc:
            # SMTP kept refusing: the send is recorded failed, `send.failed` fires.
            cause = exc.cause
            error = cause.message if isinstance(cause, ApplicationError) else str(cause or exc)
            return await workflow.execute_activity_method(
                ReplySendActivities.fail,
                ReplySendFailed(req.draft_id, error),
                start_to_close_timeout=DB_TIMEOUT,
                retry_policy=DB_RETRY,
            )
