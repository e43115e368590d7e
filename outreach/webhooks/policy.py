"""The delivery schedule and what a receiver's answer means.

Pure and deterministic: the delivery workflow and the attempt activity both use it, so the
schedule the workflow follows and the `nextAttemptAt` the API shows always agree.

  attempt 1 at once; after a failed attempt, retry 5 minutes, 30 minutes, then 2 hours later
  2xx                          delivered
  408, 429, 5xx, network error, timeout (10 s)
                               transient: retried on the schedule (429 waits longer when
                               its Retry-After asks for longer, up to 24 hours)
  410 Gone                     failed at once, and the endpoint is disabled
  other 1xx/3xx/4xx            failed at once (redirects are never followed)
  address refused at connect   failed at once (the URL resolves to a forbidden address)
  after attempt 4 fails        permanently failed
"""

from __future__ import annotations

import email.utils
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from outreach.webhooks.status import AttemptOutcome, DeliveryStatus

MAX_ATTEMPTS = 4
# Wait after attempt n (index n-1) before attempt n+1.
RETRY_DELAYS = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_RETRY_AFTER = timedelta(hours=24)
ATTEMPT_TIMEOUT_SECONDS = 10.0
RESPONSE_EXCERPT_BYTES = 2048
TEST_EVENT_TYPE = "webhook.test"

# Outcomes of one attempt, and statuses of a delivery (see outreach.webhooks.status).
DELIVERED, RETRY = AttemptOutcome.DELIVERED, AttemptOutcome.RETRY
FAILED, CANCELLED = AttemptOutcome.FAILED, AttemptOutcome.CANCELLED
PENDING, RETRYING = DeliveryStatus.PENDING, DeliveryStatus.RETRYING


@dataclass
class AttemptRequest:
    """One POST of one event to one endpoint (activity input)."""

    delivery_id: str  # "" for a test ping (nothing is recorded)
    endpoint_id: str
    event_id: str
    workspace_id: str
    attempt: int
    ping: bool = False


@dataclass
class AttemptResult:
    """What happened to one attempt."""

    outcome: AttemptOutcome
    started_at: datetime | None = None
    status_code: int | None = None
    duration_ms: int = 0
    error: str | None = None
    response_body: str | None = None  # the first 2 KB, decoded leniently
    retry_after_seconds: int | None = None
    disable_endpoint: bool = False  # the receiver answered 410 Gone
    recorded: bool = False  # the activity already wrote it to the database


@dataclass
class DeliveryOutcome:
    """The delivery workflow's result."""

    status: DeliveryStatus  # delivered | failed | cancelled
    attempts: int
    last: AttemptResult | None = None


def judge_status(status_code: int) -> AttemptOutcome:
    """The outcome an HTTP status code means (redirects are never followed)."""
    if 200 <= status_code < 300:
        return DELIVERED
    if status_code in (408, 429) or 500 <= status_code < 600:
        return RETRY
    return FAILED


def judge_response(
    status_code: int, headers: dict[str, str], now: datetime
) -> tuple[AttemptOutcome, str | None, int | None]:
    """(outcome, error, retry-after seconds) for a response; header names in lower case.
    `Retry-After` is honoured on 429 and 503."""
    outcome = judge_status(status_code)
    error = None
    if 300 <= status_code < 400:
        where = headers.get("location") or "an unspecified location"
        error = f"HTTP {status_code}: redirect to {where} not followed"
    elif status_code == 410:
        error = "HTTP 410 Gone: the receiver retired this URL; the endpoint is now disabled"
    elif outcome != DELIVERED:
        error = f"HTTP {status_code}"
    retry_after = None
    if status_code in (429, 503):
        retry_after = parse_retry_after(headers.get("retry-after"), now)
    return outcome, error, retry_after


def parse_retry_after(value: str | None, now: datetime) -> int | None:
    """Seconds a `Retry-After` header asks for (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, int((when - now).total_seconds()))


def next_delay(attempt: int, retry_after_seconds: int | None = None) -> timedelta | None:
    """How long to wait after a transient failure of `attempt`; None when it was the last."""
    if attempt >= MAX_ATTEMPTS:
        return None
    delay = RETRY_DELAYS[attempt - 1]
    if retry_after_seconds is not None:
        delay = max(delay, min(timedelta(seconds=retry_after_seconds), MAX_RETRY_AFTER))
    return delay


def after_attempt(
    outcome: str, attempt: int, retry_after_seconds: int | None = None
) -> tuple[DeliveryStatus, timedelta | None]:
    """The delivery's status after `attempt` ended with `outcome`, and the wait before the
    next attempt (None when no attempt follows)."""
    if outcome != RETRY:
        return DeliveryStatus(outcome), None
    delay = next_delay(attempt, retry_after_seconds)
    return (RETRYING, delay) if delay is not None else (DeliveryStatus.FAILED, None)
