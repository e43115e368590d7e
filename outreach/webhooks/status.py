"""What a webhook delivery and one attempt of it can be.

pending --attempt 1--> delivered | failed | retrying --attempt n+1--> ... (4 attempts)
retrying --endpoint disabled or deleted--> cancelled
"""

from __future__ import annotations

from enum import StrEnum


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    RETRYING = "retrying"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINAL = frozenset({DeliveryStatus.DELIVERED, DeliveryStatus.FAILED, DeliveryStatus.CANCELLED})


class AttemptOutcome(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"  # transient: another attempt follows (unless it was the last)
    FAILED = "failed"
    CANCELLED = "cancelled"  # nothing was sent (the endpoint or event is gone)
