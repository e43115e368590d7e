"""Webhook delivery activities (webhooks task queue): one signed POST per attempt, and the
record of what happened.

`deliver_webhook` reads the endpoint and the stored event, builds the envelope, signs the
exact bytes it sends, POSTs them through the guarded transport and records the attempt. If
the record cannot be written it says so, and the workflow records it with
`record_webhook_attempt` (database retries) instead of sending again.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select
from temporalio import activity

from outreach.config import Settings
from outreach.db import Database
from outreach.encryption.crypto import DecryptError
from outreach.encryption.fields import webhook_secret
from outreach.events import iso
from outreach.ids import new_id
from outreach.metrics import WEBHOOK_ATTEMPTS
from outreach.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint, utcnow
from outreach.webhooks import policy, signing
from outreach.webhooks.policy import AttemptRequest, AttemptResult
from outreach.webhooks.status import FINAL
from outreach.webhooks.transport import WebhookSender

log = logging.getLogger("outreach.activities.webhooks")


class WebhookActivities:
    def __init__(
        self, db: Database, settings: Settings, sender: WebhookSender | None = None
    ) -> None:
        self.db = db
        self.keyring = settings.keyring()
        self.sender = sender or WebhookSender(allow_private=settings.webhook_allow_private_targets)

    @activity.defn(name="deliver_webhook")
    async def deliver(self, req: AttemptRequest) -> AttemptResult:
        async with self.db.session() as s:
            endpoint = await s.get(WebhookEndpoint, req.endpoint_id)
            event = None if req.ping else await s.get(Event, req.event_id)
        if endpoint is None or endpoint.workspace_id != req.workspace_id:
            result = AttemptResult(policy.CANCELLED, error="The endpoint was deleted.")
        elif not endpoint.enabled and not req.ping:
            reason = f" ({endpoint.disabled_reason})" if endpoint.disabled_reason else ""
            result = AttemptResult(policy.CANCELLED, error=f"The endpoint is disabled{reason}.")
        elif not req.ping and event is None:
            result = AttemptResult(policy.CANCELLED, error="The event no longer exists.")
        else:
            result = await self._post(req, endpoint, event)
        WEBHOOK_ATTEMPTS.labels(outcome=str(result.outcome)).inc()
        if not req.ping:
            try:
                await record_attempt(self.db, req, result)
                result.recorded = True
            except SQLAlchemyError:
                log.warning(
                    "delivery %s attempt %s: record deferred to the workflow",
                    req.delivery_id,
                    req.attempt,
                    exc_info=True,
                )
        return result

    async def _post(
        self, req: AttemptRequest, endpoint: WebhookEndpoint, event: Event | None
    ) -> AttemptResult:
        sent_at = utcnow()
        if event is None:  # a ping
            body = signing.envelope(
                req.event_id,
                policy.TEST_EVENT_TYPE,
                iso(sent_at) or "",
                req.workspace_id,
                {"endpointId": endpoint.id, "message": "A test delivery from Outreach."},
            )
            event_type = policy.TEST_EVENT_TYPE
        else:
            body = signing.envelope(
                event.id,
                event.type,
                iso(event.created_at) or "",
                event.workspace_id,
                event.data,
            )
            event_type = event.type
        raw = signing.encode(body)
        try:
            secret = webhook_secret(self.keyring, endpoint)
        except DecryptError as exc:
            log.error("webhook %s to %s not sent: %s", req.event_id, endpoint.id, exc)
            return AttemptResult(
                policy.FAILED,
                started_at=sent_at,
                error="The endpoint's signing secret cannot be decrypted; rotate it.",
            )
        headers = signing.delivery_headers(
            secret=secret,
            body=raw,
            event_id=req.event_id,
            event_type=event_type,
            attempt=req.attempt,
            delivery_id=req.delivery_id or None,
            sent_at=sent_at,
        )
        result = await self.sender.post(endpoint.url, raw, headers)
        log.info(
            "webhook %s %s attempt %s to %s: %s %s",
            req.event_id,
            event_type,
            req.attempt,
            endpoint.id,
            result.outcome,
            result.status_code or result.error,
        )
        return result

    @activity.defn(name="record_webhook_attempt")
    async def record(self, req: AttemptRequest, result: AttemptResult) -> None:
        await record_attempt(self.db, req, result)


async def record_attempt(db: Database, req: AttemptRequest, result: AttemptResult) -> None:
    """Write the attempt and the delivery's new status (idempotent per attempt). A delivery
    whose endpoint was deleted meanwhile has no row left: nothing to write."""
    status, delay = policy.after_attempt(result.outcome, req.attempt, result.retry_after_seconds)
    now = utcnow()
    async with db.session() as s:
        delivery = await s.get(WebhookDelivery, req.delivery_id)
        if delivery is None:
            return
        if result.outcome != policy.CANCELLED:  # cancelled: nothing was sent
            attempt = (
                await s.exec(
                    select(WebhookAttempt).where(
                        WebhookAttempt.delivery_id == delivery.id,
                        WebhookAttempt.attempt == req.attempt,
                    )
                )
            ).first() or WebhookAttempt(
                id=new_id("att"), delivery_id=delivery.id, attempt=req.attempt, outcome=""
            )
            attempt.started_at = result.started_at or now
            attempt.duration_ms = result.duration_ms
            attempt.status_code = result.status_code
            attempt.outcome = policy.RETRY if status == policy.RETRYING else status
            attempt.error = result.error
            attempt.response_body = result.response_body
            s.add(attempt)
            delivery.attempt_count = max(delivery.attempt_count, req.attempt)
            delivery.last_status_code = result.status_code
        delivery.status = status
        delivery.last_error = result.error
        delivery.next_attempt_at = now + delay if delay else None
        delivery.completed_at = now if status in FINAL else None
        delivery.updated_at = now
        s.add(delivery)
        if result.disable_endpoint:
            endpoint = await s.get(WebhookEndpoint, delivery.endpoint_id)
            if endpoint is not None and endpoint.enabled:
                endpoint.enabled = False
                endpoint.disabled_reason = f"The receiver answered 410 Gone on {iso(now)}."
                endpoint.updated_at = now
                s.add(endpoint)
        await s.commit()
