"""Retry policies and timeouts shared by the workflows: database activities, SMTP sends
(sequence steps and answers to replies), and model calls (drafts, rewrites, enrichment)."""

from datetime import timedelta

from temporalio.common import RetryPolicy

# Transient failures only (a locked SQLite file, a database failover): explicit and bounded.
DB_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=30,
)
DB_TIMEOUT = timedelta(seconds=30)

# SMTP 4xx and connection errors: retried with backoff for about 25 minutes, then the send
# is reported failed and the lead paused (an operator resumes it once SMTP is fixed).
SEND_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=10),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=5),
    maximum_attempts=8,
    non_retryable_error_types=["SmtpPermanent"],
)
# A model call is bounded by its own HTTP timeout (OUTREACH_LLM_TIMEOUT, 15 s by default);
# three tries, then the caller's fallback.
MODEL_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=10),
    maximum_attempts=3,
)
MODEL_TIMEOUT = timedelta(seconds=90)

EMAIL_QUEUE_SUFFIX = "-email"
# Lead enrichment's network and model activities (DNS, pages, the model).
ENRICH_QUEUE_SUFFIX = "-enrich"
