"""Webhook secrets, the event envelope and the signature headers.

Two signatures of the same body bytes are sent with every delivery:

* `X-PMS-Signature: sha256=<hex>` (the seed's scheme, also GitHub's): lower-case hex
  HMAC-SHA256 of the exact body bytes, keyed with the secret string as shown on creation
  (`whsec_...`, all of it, UTF-8).
* Standard Webhooks (https://www.standardwebhooks.com): `webhook-id` (the event id, the same
  on every attempt and replay), `webhook-timestamp` (Unix seconds when this attempt was
  sent) and `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed
  with the base64-decoded part of the secret after `whsec_`, which is how the stock
  libraries (`standardwebhooks`, `svix`) read a `whsec_` secret. Checking the timestamp
  lets a receiver refuse replayed requests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import datetime
from typing import Any

from outreach.security import hmac_sha256_hex

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 24
USER_AGENT = "Outreach-Webhooks/1.0"


def new_secret() -> str:
    """`whsec_` + base64 of 24 random bytes (192 bits)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def secret_hint(secret: str) -> str:
    """Enough to tell secrets apart in a list, never enough to use one."""
    return f"{SECRET_PREFIX}...{secret[-4:]}"


def envelope(
    event_id: str, event_type: str, created_at: str, workspace_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": event_type,
        "createdAt": created_at,
        "workspaceId": workspace_id,
        "data": data,
    }


def encode(body: dict[str, Any]) -> bytes:
    """The exact bytes that are signed and sent."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def pms_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac_sha256_hex(secret, body)


def standard_signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def delivery_headers(
    *,
    secret: str,
    body: bytes,
    event_id: str,
    event_type: str,
    attempt: int,
    delivery_id: str | None,
    sent_at: datetime,
) -> dict[str, str]:
    timestamp = int(sent_at.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-PMS-Signature": pms_signature(secret, body),
        "X-PMS-Event": event_type,
        "X-PMS-Event-Id": event_id,
        "X-PMS-Attempt": str(attempt),
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard_signature(secret, event_id, timestamp, body),
    }
    if delivery_id:
        headers["X-PMS-Delivery-Id"] = delivery_id
    return headers
