"""InboundReplyWorkflow: one inbound message, from stored row to its effect on the lead.

  match     -> whose reply is it (thread headers, then the sender's address); `reply.received`
  classify  -> its label (an activity: a slow model never blocks a workflow); `reply.classified`
  apply     -> what the label does to the lead's workflow (see outreach.inbound.effects)

A delivery failure report goes another way: match the send it reports on, then bounce it.
Id `reply-<replyId>`; started by `POST /inbound` and by the mailbox sync.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from workflows.policies import DB_RETRY, DB_TIMEOUT

with workflow.unsafe.imports_passed_through():
    from activities.replies import ReplyActivities
    from outreach.inbound.contracts import (
        INBOUND_REPLY_WORKFLOW,
        ReplyEffect,
    )
    from outreach.inbound.effects import effect_for
    from outreach.inbound.status import ReplyKind

# The classifier may call a model over HTTP (its own request timeout is 15 s by default,
# and it falls back to the rules on any failure); a few tries cover a dying worker.
CLASSIFY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
    maximum_attempts=5,
)
CLASSIFY_TIMEOUT = timedelta(minutes=2)
# Signalling the lead's workflow: Temporal briefly unavailable.
SIGNAL_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
    maximum_attempts=20,
)


@workflow.defn(name=INBOUND_REPLY_WORKFLOW)
class InboundReplyWorkflow:
    @workflow.run
    async def run(self, reply_id: str) -> str:
        match = await workflow.execute_activity_method(
            ReplyActivities.match,
            reply_id,
            start_to_close_timeout=DB_TIMEOUT,
            retry_policy=DB_RETRY,
        )
        if match.kind == ReplyKind.BOUNCE:
            if match.lead_id is None:
                return "bounce_unmatched"
            return await workflow.execute_activity_method(
                ReplyActivities.apply_bounce,
                reply_id,
                start_to_close_timeout=DB_TIMEOUT,
                retry_policy=SIGNAL_RETRY,
            )
        if match.kind != ReplyKind.REPLY:
            return match.kind  # a delayed / relayed report, or a row that is gone

        label = await workflow.execute_activity_method(
            ReplyActivities.classify,
            reply_id,
            start_to_close_timeout=CLASSIFY_TIMEOUT,
            retry_policy=CLASSIFY_RETRY,
        )
        effect = effect_for(label.label, label.return_date)
        await workflow.execute_activity_method(
            ReplyActivities.apply_effect,
            ReplyEffect(
                reply_id=reply_id,
                lead_id=match.lead_id,
                effect=effect,
                label=label.label,
                return_date=label.return_date,
            ),
            start_to_close_timeout=DB_TIMEOUT,
            retry_policy=SIGNAL_RETRY,
        )
        return label.label
