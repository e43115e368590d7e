"""WebhookDeliveryWorkflow: one event delivered to one endpoint (id `webhook-<evt>-<whk>`).

Attempt 1 at once; after a transient failure (network error, timeout, 408, 429, 5xx) wait
5 minutes, 30 minutes, then 2 hours (longer when a 429 / 503 asks for it with Retry-After)
before attempts 2, 3 and 4; then the delivery is permanently failed. Each attempt is one
activity run (the activity records it); the workflow owns the schedule.

Started with event type `webhook.test` it is a ping: one attempt, nothing recorded, the
result returned to the API that asked for it.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

from workflows.policies import DB_RETRY, DB_TIMEOUT

with workflow.unsafe.imports_passed_through():
    from activities.webhooks import WebhookActivities
    from outreach import search_attributes as sa
    from outreach.contracts import WEBHOOK_DELIVERY_WORKFLOW, DeliveryInput
    from outreach.webhooks.policy import (
        ATTEMPT_TIMEOUT_SECONDS,
        RETRY,
        RETRYING,
        TEST_EVENT_TYPE,
        AttemptRequest,
        AttemptResult,
        DeliveryOutcome,
        after_attempt,
    )
    from outreach.webhooks.status import DeliveryStatus

# The attempt activity is retried only when it fails itself (a database hiccup before the
# POST, a worker crash); receivers' answers are results, never activity failures.
ATTEMPT_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=10),
    maximum_attempts=3,
)
ATTEMPT_TIMEOUT = timedelta(seconds=ATTEMPT_TIMEOUT_SECONDS + 20)
WEBHOOKS_QUEUE_SUFFIX = "-webhooks"


@workflow.defn(name=WEBHOOK_DELIVERY_WORKFLOW)
class WebhookDeliveryWorkflow:
    def __init__(self) -> None:
        self._shown: str = DeliveryStatus.PENDING

    @workflow.run
    async def run(self, inp: DeliveryInput) -> DeliveryOutcome:
        ping = inp.event_type == TEST_EVENT_TYPE
        attempt = 1
        while True:
            request = AttemptRequest(
                delivery_id=inp.delivery_id,
                endpoint_id=inp.endpoint_id,
                event_id=inp.event_id,
                workspace_id=inp.workspace_id,
                attempt=attempt,
                ping=ping,
            )
            result = await self._attempt(request)
            status, delay = after_attempt(result.outcome, attempt, result.retry_after_seconds)
            if ping:
                status, delay = (DeliveryStatus.FAILED if status == RETRYING else status), None
            elif not result.recorded:
                await workflow.execute_activity_method(
                    WebhookActivities.record,
                    args=[request, result],
                    task_queue=self._queue(),
                    start_to_close_timeout=DB_TIMEOUT,
                    retry_policy=DB_RETRY,
                )
            self._show(status)
            if delay is None:
                return DeliveryOutcome(status=status, attempts=attempt, last=result)
            await workflow.sleep(delay, summary=f"attempt {attempt + 1} of the delivery")
            attempt += 1

    async def _attempt(self, request: AttemptRequest) -> AttemptResult:
        try:
            return await workflow.execute_activity_method(
                WebhookActivities.deliver,
                request,
                task_queue=self._queue(),
                start_to_close_timeout=ATTEMPT_TIMEOUT,
                retry_policy=ATTEMPT_RETRY,
            )
        except ActivityError as err:
            # Our side failed (not the receiver): count it as a transient failed attempt.
            cause = err.cause or err
            return AttemptResult(
                RETRY, started_at=workflow.now(), error=f"Internal error: {cause}"[:1000]
            )

    def _queue(self) -> str:
        """Attempts run on the webhooks task queue, wherever this workflow runs."""
        queue = workflow.info().task_queue
        return queue if queue.endswith(WEBHOOKS_QUEUE_SUFFIX) else queue + WEBHOOKS_QUEUE_SUFFIX

    def _show(self, status: str) -> None:
        """Keep the Temporal UI's `OutreachDeliveryStatus` equal to the delivery row."""
        if status != self._shown:
            workflow.upsert_search_attributes([sa.DELIVERY_STATUS.value_set(status)])
            self._shown = status
