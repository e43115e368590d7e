"""Webhook endpoints: manage them, test them, see and replay their deliveries.

Additive to the seed (which configures webhooks in the app): scopes `webhooks:read` and
`webhooks:write`. Deliveries themselves happen in `WebhookDeliveryWorkflow`s.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import Field
from sqlalchemy import func
from sqlmodel import col, delete, select
from temporalio.service import RPCError

from api.deps import Principal, SessionDep, StateDep, get_owned, require
from api.docs import scoped
from api.errors import APIError, not_found, unprocessable
from api.pagination import Page, page_params
from api.schemas import In, Out, Timestamp
from outreach.contracts import WEBHOOK_DELIVERY_WORKFLOW, DeliveryInput
from outreach.encryption.crypto import Keyring
from outreach.encryption.fields import seal_webhook_secret
from outreach.events import (
    SUBSCRIBABLE_EVENT_TYPES,
    delivery_search_attributes,
    start_delivery,
)
from outreach.ids import new_id
from outreach.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint, utcnow
from outreach.scopes import Scope
from outreach.webhooks import guard
from outreach.webhooks.policy import TEST_EVENT_TYPE, AttemptResult, DeliveryOutcome
from outreach.webhooks.signing import new_secret, secret_hint
from outreach.webhooks.status import AttemptOutcome, DeliveryStatus

log = logging.getLogger("outreach.api.webhooks")
router = APIRouter(tags=["webhooks"])

MAX_ENDPOINTS_PER_WORKSPACE = 20
TEST_WAIT_SECONDS = 15  # the attempt's own limit is 10 s
TEST_EXPIRY = timedelta(minutes=2)  # a ping nobody ran by then is dropped


# -- bodies ------------------------------------------------------------------------------


class WebhookCreate(In):
    url: str = Field(max_length=guard.MAX_URL_LENGTH, description="http(s) URL, public host")
    events: list[str] = Field(
        default_factory=lambda: ["*"],
        max_length=len(SUBSCRIBABLE_EVENT_TYPES) + 1,
        description='Event types to receive, or `["*"]` for all (the default): '
        + ", ".join(f"`{t}`" for t in SUBSCRIBABLE_EVENT_TYPES)
        + ". `lead.deleted` (additive) fires when a lead is erased; its data is "
        '`{"id", "campaignId", "deletedAt"}` and names no person.',
    )
    description: str | None = Field(None, max_length=500)
    enabled: bool = True


class WebhookUpdate(In):
    url: str | None = Field(None, max_length=guard.MAX_URL_LENGTH)
    events: list[str] | None = Field(None, max_length=len(SUBSCRIBABLE_EVENT_TYPES) + 1)
    description: str | None = Field(None, max_length=500)
    enabled: bool | None = None


class WebhookOut(Out):
    id: str
    url: str
    description: str | None
    events: list[str]
    enabled: bool
    disabled_reason: str | None
    secret_hint: str = Field(description="`whsec_...` and the last 4 characters")
    created_at: Timestamp
    updated_at: Timestamp


class WebhookWithSecret(WebhookOut):
    secret: str = Field(
        description="Shown only in this response. Keep it to verify "
        "signatures; it is never returned again (rotate it if lost)."
    )


class WebhookList(Out):
    data: list[WebhookOut]
    next_cursor: str | None


class AttemptOut(Out):
    attempt: int
    started_at: Timestamp
    duration_ms: int | None
    status_code: int | None
    outcome: AttemptOutcome = Field(
        description="delivered | retry (another attempt is scheduled) | failed"
    )
    error: str | None
    response_body: str | None = Field(description="The first 2 KB of the response")


class DeliveryOut(Out):
    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    status: DeliveryStatus
    attempt_count: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: Timestamp | None
    replay_of: str | None
    created_at: Timestamp
    updated_at: Timestamp
    completed_at: Timestamp | None
    attempts: list[AttemptOut]


class DeliveryList(Out):
    data: list[DeliveryOut]
    next_cursor: str | None


PingStatus = Literal[DeliveryStatus.DELIVERED, DeliveryStatus.FAILED, DeliveryStatus.PENDING]


class TestDeliveryOut(Out):
    event_id: str
    status: PingStatus = Field(
        description="pending (202): no answer yet within the wait; the ping still goes out"
    )
    status_code: int | None
    duration_ms: int | None
    error: str | None
    response_body: str | None = Field(description="The first 2 KB of the response")


# -- helpers -----------------------------------------------------------------------------


def webhook_out(endpoint: WebhookEndpoint) -> WebhookOut:
    return WebhookOut(
        id=endpoint.id,
        url=endpoint.url,
        description=endpoint.description,
        events=list(endpoint.events),
        enabled=endpoint.enabled,
        disabled_reason=endpoint.disabled_reason,
        secret_hint=endpoint.secret_hint,
        created_at=endpoint.created_at,
        updated_at=endpoint.updated_at,
    )


def with_secret(endpoint: WebhookEndpoint, secret: str) -> WebhookWithSecret:
    """The answer that shows the secret, this once (the row holds it sealed)."""
    return WebhookWithSecret(**webhook_out(endpoint).model_dump(), secret=secret)


def set_secret(keyring: Keyring, endpoint: WebhookEndpoint) -> str:
    """A new signing secret on the endpoint, sealed; the plaintext to show once."""
    secret = new_secret()
    endpoint.secret = seal_webhook_secret(keyring, endpoint.id, secret)
    endpoint.secret_hint = secret_hint(secret)
    return secret


def delivery_out(d: WebhookDelivery, attempts: list[WebhookAttempt]) -> DeliveryOut:
    return DeliveryOut(
        id=d.id,
        endpoint_id=d.endpoint_id,
        event_id=d.event_id,
        event_type=d.event_type,
        status=d.status,
        attempt_count=d.attempt_count,
        last_status_code=d.last_status_code,
        last_error=d.last_error,
        next_attempt_at=d.next_attempt_at,
        replay_of=d.replay_of,
        created_at=d.created_at,
        updated_at=d.updated_at,
        completed_at=d.completed_at,
        attempts=[
            AttemptOut(
                attempt=a.attempt,
                started_at=a.started_at,
                duration_ms=a.duration_ms,
                status_code=a.status_code,
                outcome=a.outcome,
                error=a.error,
                response_body=a.response_body,
            )
            for a in attempts
        ],
    )


async def _attempts_of(session: SessionDep, ids: list[str]) -> dict[str, list[WebhookAttempt]]:
    out: dict[str, list[WebhookAttempt]] = {i: [] for i in ids}
    if ids:
        rows = await session.exec(
            select(WebhookAttempt)
            .where(col(WebhookAttempt.delivery_id).in_(ids))
            .order_by(col(WebhookAttempt.attempt))
        )
        for row in rows.all():
            out[row.delivery_id].append(row)
    return out


def _events(values: list[str]) -> list[str]:
    """Validated, de-duplicated event types; `*` alone means all of them."""
    if not values:
        raise unprocessable(
            'events is empty: list the event types to receive, or ["*"] for all.',
            "invalid_event_type",
        )
    unknown = [v for v in values if v != "*" and v not in SUBSCRIBABLE_EVENT_TYPES]
    if unknown:
        raise unprocessable(
            f"Unknown event type(s): {', '.join(unknown)}. "
            f'Known: {", ".join(SUBSCRIBABLE_EVENT_TYPES)}, or "*" for all.',
            "invalid_event_type",
        )
    return ["*"] if "*" in values else list(dict.fromkeys(values))


async def _url(state: StateDep, url: str) -> str:
    url = url.strip()
    try:
        await guard.check_url(url, allow_private=state.settings.webhook_allow_private_targets)
    except guard.InvalidUrl as exc:
        raise unprocessable(f"url {exc}.", "invalid_webhook_url") from exc
    except guard.TargetRefused as exc:
        raise unprocessable(f"url refused: {exc}.", "webhook_target_refused") from exc
    except guard.Unresolvable as exc:
        raise unprocessable(f"url: {exc}.", "webhook_url_unresolvable") from exc
    return url


# -- endpoints ---------------------------------------------------------------------------


@router.post(
    "/webhooks",
    status_code=201,
    response_model=WebhookWithSecret,
    **scoped("webhooks:write", 422, summary="Create a webhook endpoint"),
)
async def create_webhook(
    body: WebhookCreate,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.WEBHOOKS_WRITE)],
) -> WebhookWithSecret:
    """Creates an endpoint and returns its signing `secret`, shown this once only.
    `events` defaults to `["*"]`; unknown types answer 422. At most 20 endpoints per
    workspace.

    **Delivery.** Each event is POSTed to every enabled endpoint subscribed to its type as
    `{"id": "evt_...", "type": "lead.replied", "createdAt": "...Z", "workspaceId": "ws_...",
    "data": {...}}` with `Content-Type: application/json` and these headers:

    - `X-PMS-Signature`: `sha256=<hex>`, the lower-case hex HMAC-SHA256 of the raw body bytes,
      keyed with the secret string (`whsec_...`, all of it).
    - `X-PMS-Event`: the event type.
    - `X-PMS-Event-Id`: the event id, the same on every attempt and replay: dedupe on it.
    - `X-PMS-Attempt`: `1`, then `2`, `3`, `4` on retries (a replay counts from 1 again).
    - `X-PMS-Delivery-Id`: the delivery (`dlv_...`), for support.
    - `webhook-id`, `webhook-timestamp`, `webhook-signature`: the
      [Standard Webhooks](https://www.standardwebhooks.com) headers. `webhook-id` is the event
      id; `webhook-signature` is `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` keyed
      with the base64-decoded part of the secret after `whsec_`. Any Standard Webhooks library
      (`standardwebhooks`, `svix`) verifies it from the secret as given, and refuses requests
      whose timestamp is more than 5 minutes off (replay protection).

    Verify the raw body before parsing it. Node, seed scheme:
    `"sha256=" + createHmac("sha256", secret).update(rawBody).digest("hex")` compared in
    constant time with `X-PMS-Signature`.

    **Retries.** Attempt 1 at once. A network error, a timeout (10 s for the whole exchange),
    408, 429 or 5xx is retried 5 minutes, 30 minutes, then 2 hours later (a 429 or 503 whose
    `Retry-After` asks for longer waits that long, up to 24 hours); after attempt 4 the delivery
    is `failed`. 2xx is `delivered`. Any other 1xx/3xx/4xx fails at once: redirects are never
    followed, and 410 Gone also disables the endpoint. Deliveries are independent: their order
    is not guaranteed, use `createdAt`.

    **Targets.** http(s) only, no credentials in the URL; a host that is or resolves to a
    loopback, private, link-local, multicast, unspecified, reserved or cloud-metadata address
    is refused (422) when saved, and again at every connection.
    """
    events = _events(body.events)
    url = await _url(state, body.url)
    count = (
        await session.exec(
            select(func.count())
            .select_from(WebhookEndpoint)
            .where(WebhookEndpoint.workspace_id == principal.workspace_id)
        )
    ).one()
    if count >= MAX_ENDPOINTS_PER_WORKSPACE:
        raise unprocessable(
            f"A workspace can have at most {MAX_ENDPOINTS_PER_WORKSPACE} webhook endpoints.",
            "webhook_limit_reached",
        )
    now = utcnow()
    endpoint = WebhookEndpoint(
        id=new_id("whk"),
        workspace_id=principal.workspace_id,
        url=url,
        description=body.description,
        events=events,
        enabled=body.enabled,
        secret="",
        created_at=now,
        updated_at=now,
    )
    secret = set_secret(state.settings.keyring(), endpoint)
    session.add(endpoint)
    await session.commit()
    return with_secret(endpoint, secret)


@router.get(
    "/webhooks",
    response_model=WebhookList,
    **scoped("webhooks:read", summary="List webhook endpoints"),
)
async def list_webhooks(
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.WEBHOOKS_READ)],
    page: Annotated[Page, Depends(page_params)],
) -> dict:
    """Newest first. Secrets are never listed, only `secretHint`."""
    stmt = select(WebhookEndpoint).where(WebhookEndpoint.workspace_id == principal.workspace_id)
    rows = list((await session.exec(page.apply(stmt, WebhookEndpoint))).all())
    return page.result(rows, webhook_out)


@router.get(
    "/webhooks/{webhook_id}",
    response_model=WebhookOut,
    **scoped("webhooks:read", 404, summary="Get a webhook endpoint"),
)
async def get_webhook(
    webhook_id: str,
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.WEBHOOKS_READ)],
) -> WebhookOut:
    return webhook_out(await get_owned(session, WebhookEndpoint, webhook_id, principal))


@router.patch(
    "/webhooks/{webhook_id}",
    response_model=WebhookOut,
    **scoped("webhooks:write", 404, 422, summary="Change a webhook endpoint"),
)
async def update_webhook(
    webhook_id: str,
    body: WebhookUpdate,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.WEBHOOKS_WRITE)],
) -> WebhookOut:
    """Partial update of `url`, `events`, `description` and `enabled`. Re-enabling clears
    `disabledReason`. Deliveries waiting for a retry use the new URL at their next attempt;
    those of a disabled endpoint end `cancelled` then, without being sent."""
    endpoint = await get_owned(session, WebhookEndpoint, webhook_id, principal)
    given = body.model_fields_set
    for name in ("url", "events", "enabled"):
        if name in given and getattr(body, name) is None:
            raise APIError(400, "invalid_request", f"Invalid request: '{name}' cannot be null.")
    if "events" in given:
        endpoint.events = _events(body.events or [])
    if "url" in given:
        endpoint.url = await _url(state, body.url or "")
    if "description" in given:
        endpoint.description = body.description
    if "enabled" in given:
        endpoint.enabled = bool(body.enabled)
        if endpoint.enabled:
            endpoint.disabled_reason = None
    endpoint.updated_at = utcnow()
    session.add(endpoint)
    await session.commit()
    return webhook_out(endpoint)


@router.delete(
    "/webhooks/{webhook_id}",
    status_code=204,
    **scoped("webhooks:write", 404, summary="Delete a webhook endpoint"),
)
async def delete_webhook(
    webhook_id: str,
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.WEBHOOKS_WRITE)],
) -> Response:
    """Deletes the endpoint and its delivery history. Deliveries waiting for a retry are
    never sent: they end at their next attempt."""
    endpoint = await get_owned(session, WebhookEndpoint, webhook_id, principal)
    deliveries = select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint.id)
    await session.exec(
        delete(WebhookAttempt).where(col(WebhookAttempt.delivery_id).in_(deliveries))
    )
    await session.exec(
        delete(WebhookDelivery).where(col(WebhookDelivery.endpoint_id) == endpoint.id)
    )
    await session.delete(endpoint)
    await session.commit()
    return Response(status_code=204)


@router.post(
    "/webhooks/{webhook_id}/rotate-secret",
    response_model=WebhookWithSecret,
    **scoped("webhooks:write", 404, summary="Replace the signing secret"),
)
async def rotate_secret(
    webhook_id: str,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.WEBHOOKS_WRITE)],
) -> WebhookWithSecret:
    """Returns the new `secret` once. It signs every request from now on, retries of
    earlier events included; the old secret stops working at once."""
    endpoint = await get_owned(session, WebhookEndpoint, webhook_id, principal)
    secret = set_secret(state.settings.keyring(), endpoint)
    endpoint.updated_at = utcnow()
    session.add(endpoint)
    await session.commit()
    return with_secret(endpoint, secret)


_TEST_DOC = scoped("webhooks:write", 404, 503, summary="Send a signed test event")
_TEST_DOC["responses"][202] = {"description": "Not answered within 15 s; still on its way"}


@router.post("/webhooks/{webhook_id}/test", response_model=TestDeliveryOut, **_TEST_DOC)
async def test_webhook(
    webhook_id: str,
    session: SessionDep,
    state: StateDep,
    response: Response,
    principal: Annotated[Principal, require(Scope.WEBHOOKS_WRITE)],
) -> TestDeliveryOut:
    """POSTs a `webhook.test` event, signed like any delivery (`X-PMS-Attempt: 1`, never
    retried, not stored), and answers with what the receiver said: `status` is `delivered`
    for a 2xx, else `failed` with the status code or error. Works on disabled endpoints too.
    Answers 202 with `status: pending` when the attempt has not finished within 15 s (for
    instance while no worker runs); the ping still goes out within 2 minutes or not at all.
    """
    endpoint = await get_owned(session, WebhookEndpoint, webhook_id, principal)
    event_id = new_id("evt")
    client = await state.temporal()
    try:
        handle = await client.start_workflow(
            WEBHOOK_DELIVERY_WORKFLOW,
            DeliveryInput(
                delivery_id="",
                event_id=event_id,
                endpoint_id=endpoint.id,
                workspace_id=endpoint.workspace_id,
                event_type=TEST_EVENT_TYPE,
            ),
            id=f"webhook-test-{event_id}-{endpoint.id}",
            task_queue=state.settings.webhook_task_queue,
            execution_timeout=TEST_EXPIRY,
            search_attributes=delivery_search_attributes(
                endpoint.workspace_id, TEST_EVENT_TYPE, endpoint.id
            ),
            static_summary=f"{TEST_EVENT_TYPE} to {endpoint.id}",
            result_type=DeliveryOutcome,
        )
        # A plain handle to wait on: it never unlocks a time-skipping test server's clock.
        waiting = client.get_workflow_handle(
            handle.id, run_id=handle.result_run_id, result_type=DeliveryOutcome
        )
        outcome = await asyncio.wait_for(waiting.result(), timeout=TEST_WAIT_SECONDS)
    except TimeoutError:
        response.status_code = 202
        return TestDeliveryOut(
            event_id=event_id,
            status=DeliveryStatus.PENDING,
            status_code=None,
            duration_ms=None,
            error=None,
            response_body=None,
        )
    except RPCError as exc:
        raise APIError(
            503, "temporal_unavailable", "The test delivery could not start; retry shortly."
        ) from exc
    last = outcome.last or AttemptResult(AttemptOutcome(outcome.status))
    delivered = outcome.status == DeliveryStatus.DELIVERED
    return TestDeliveryOut(
        event_id=event_id,
        status=DeliveryStatus.DELIVERED if delivered else DeliveryStatus.FAILED,
        status_code=last.status_code,
        duration_ms=last.duration_ms,
        error=last.error,
        response_body=last.response_body,
    )


# -- deliveries --------------------------------------------------------------------------


@router.get(
    "/webhooks/{webhook_id}/deliveries",
    response_model=DeliveryList,
    **scoped("webhooks:read", 404, summary="List an endpoint's deliveries"),
)
async def list_deliveries(
    webhook_id: str,
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.WEBHOOKS_READ)],
    page: Annotated[Page, Depends(page_params)],
    status: DeliveryStatus | None = None,
    event_type: Annotated[str | None, Query(alias="eventType", max_length=60)] = None,
    event_id: Annotated[str | None, Query(alias="eventId", max_length=60)] = None,
) -> dict:
    """Newest first, each with its attempts (time, status code, duration, error, the first
    2 KB of the response). Filter by `status`, `eventType`, `eventId`."""
    endpoint = await get_owned(session, WebhookEndpoint, webhook_id, principal)
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    if status:
        stmt = stmt.where(WebhookDelivery.status == status)
    if event_type:
        stmt = stmt.where(WebhookDelivery.event_type == event_type)
    if event_id:
        stmt = stmt.where(WebhookDelivery.event_id == event_id)
    rows = list((await session.exec(page.apply(stmt, WebhookDelivery))).all())
    attempts = await _attempts_of(session, [d.id for d in rows[: page.limit]])
    return page.result(rows, lambda d: delivery_out(d, attempts[d.id]))


@router.get(
    "/webhooks/deliveries/{delivery_id}",
    response_model=DeliveryOut,
    **scoped("webhooks:read", 404, summary="Get a delivery with its attempts"),
)
async def get_delivery(
    delivery_id: str,
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.WEBHOOKS_READ)],
) -> DeliveryOut:
    delivery = await get_owned(session, WebhookDelivery, delivery_id, principal)
    return delivery_out(delivery, (await _attempts_of(session, [delivery.id]))[delivery.id])


@router.post(
    "/webhooks/deliveries/{delivery_id}/replay",
    status_code=202,
    response_model=DeliveryOut,
    **scoped("webhooks:write", 404, 422, 503, summary="Deliver an event again"),
)
async def replay_delivery(
    delivery_id: str,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.WEBHOOKS_WRITE)],
) -> DeliveryOut:
    """Starts a new delivery of the same event to the same endpoint: the same envelope,
    `X-PMS-Event-Id` and `webhook-id`, attempts counted from 1 on the full retry schedule,
    `replayOf` naming the delivery it repeats. The endpoint must be enabled (else 422)."""
    original = await get_owned(session, WebhookDelivery, delivery_id, principal)
    endpoint = await session.get(WebhookEndpoint, original.endpoint_id)
    event = await session.get(Event, original.event_id)
    if endpoint is None or event is None:
        raise not_found("Delivery")
    if not endpoint.enabled:
        raise unprocessable(
            "The endpoint is disabled; enable it before replaying.", "webhook_disabled"
        )
    client = await state.temporal()
    try:
        replay = await start_delivery(
            session,
            client,
            state.settings.webhook_task_queue,
            event,
            endpoint,
            replay_of=original.id,
        )
    except RPCError as exc:
        log.warning("replay of %s not started: %s", original.id, exc)
        raise APIError(
            503, "temporal_unavailable", "The replay could not start; retry shortly."
        ) from exc
    if replay is None:
        raise not_found("Webhook")
    return delivery_out(replay, [])
