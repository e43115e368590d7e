"""Retry policy and timeout shared by every workflow's database activities."""

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
