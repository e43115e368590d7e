"""Business counters (Prometheus, `prometheus_client`'s default registry).

Every counter is defined here and incremented at one place. Labels are bounded: each one
takes its values from a closed set (an enum, a label list), never from ids, addresses or
free text, so the number of series stays fixed whatever the tenants do.

Where they are exposed: the API's `GET /metrics` (api/ops.py) and the worker's metrics
port (`OUTREACH_METRICS_PORT`, outreach/opsserver.py) both serve this registry; a counter
shows up on the process that increments it (sends, replies and webhook attempts on the
worker; refused requests and failed starts mostly on the API).
"""

from __future__ import annotations

from prometheus_client import Counter

SENDS = Counter(
    "outreach_sends",
    "Email sends by outcome (sent, bounced, failed, unknown, skipped).",
    ["outcome"],
)

REPLIES = Counter(
    "outreach_replies_classified",
    "Replies classified, by label.",
    ["label"],
)

WEBHOOK_ATTEMPTS = Counter(
    "outreach_webhook_attempts",
    "Webhook delivery attempts by outcome (delivered, retry, failed, cancelled).",
    ["outcome"],
)

RATE_LIMIT_REFUSALS = Counter(
    "outreach_rate_limit_refusals",
    "Requests refused by the workspace rate limiter (429), by action.",
    ["action"],
)

WORKFLOW_START_FAILURES = Counter(
    "outreach_workflow_start_failures",
    "Workflow starts that failed (Temporal unreachable or refusing), by workflow kind.",
    ["workflow"],
)
