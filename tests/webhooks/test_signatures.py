"""Deliveries as a receiver gets them, checked by implementations that are not ours: the
seed's Node snippet, GitHub's `sha256=` verifier from gidgethub, and the Standard Webhooks
library."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from gidgethub import ValidationFailure
from gidgethub.sansio import validate_event
from standardwebhooks import Webhook, WebhookVerificationError

from outreach.encryption.fields import webhook_secret
from outreach.events import iso, publish_events
from outreach.models import Event
from outreach.temporal import webhook_workflow_id
from outreach.webhooks.signing import new_secret
from tests.helpers import make_workspace, reload
from tests.webhooks.conftest import make_endpoint, make_event, result_of
from tests.webhooks.receiver import Hit, receiving

NODE_VERIFIER = Path(__file__).with_name("verify_pms.mjs")
DATA = {
    "lead": {
        "id": "lead_1",
        "firstName": "Zoë",
        "company": "Ünïcode & Co 🚀",
        "note": 'quotes " and \\ backslash\nnew line',
    }
}


def node_says(body: bytes, signature: str, secret: str, tmp_path: Path) -> str:
    node = shutil.which("node")
    assert node, "node is needed to run the seed's verifier"
    raw = tmp_path / "body.json"
    raw.write_bytes(body)
    done = subprocess.run(
        [node, str(NODE_VERIFIER), str(raw), signature],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PMS_SECRET": secret},
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout.strip()


@pytest.fixture
async def delivered(ts_env, db, wh_settings) -> tuple[Hit, str, Event]:
    """One real delivery of an event with non-ASCII data, as the receiver got it."""
    ws = await make_workspace(db)
    async with receiving() as r:
        endpoint = await make_endpoint(db, ws.id, r.url + "/hooks/outreach")
        event_id = await make_event(db, ws.id, "reply.received", DATA)
        await publish_events(db, ts_env.client, wh_settings.webhook_task_queue, [event_id])
        handle = ts_env.client.get_workflow_handle(webhook_workflow_id(event_id, endpoint.id))
        await result_of(ts_env, handle)
    [hit] = r.hits
    return hit, webhook_secret(db.settings.keyring(), endpoint), await reload(db, Event, event_id)


async def test_the_envelope_and_headers(delivered) -> None:
    hit, secret, event = delivered
    assert json.loads(hit.body) == {
        "id": event.id,
        "type": "reply.received",
        "createdAt": iso(event.created_at),
        "workspaceId": event.workspace_id,
        "data": DATA,
    }
    assert iso(event.created_at).endswith("Z")  # type: ignore[union-attr]
    assert hit.headers["content-type"] == "application/json"
    assert hit.headers["x-pms-event"] == "reply.received"
    assert hit.headers["x-pms-event-id"] == event.id
    assert hit.headers["x-pms-attempt"] == "1"
    assert hit.headers["x-pms-delivery-id"].startswith("dlv_")
    assert hit.headers["x-pms-signature"].startswith("sha256=")
    assert secret.startswith("whsec_")


async def test_the_seeds_node_snippet_verifies_x_pms_signature(delivered, tmp_path) -> None:
    hit, secret, _ = delivered
    signature = hit.headers["x-pms-signature"]
    assert node_says(hit.body, signature, secret, tmp_path) == "valid"
    assert node_says(hit.body + b" ", signature, secret, tmp_path) == "invalid"
    assert node_says(hit.body, signature, new_secret(), tmp_path) == "invalid"


async def test_gidgethub_verifies_x_pms_signature(delivered) -> None:
    hit, secret, _ = delivered
    signature = hit.headers["x-pms-signature"]
    assert signature == signature.lower()
    validate_event(hit.body, signature=signature, secret=secret)  # raises when invalid
    with pytest.raises(ValidationFailure):
        validate_event(hit.body.replace(b"Zo", b"Jo"), signature=signature, secret=secret)
    with pytest.raises(ValidationFailure):
        validate_event(hit.body, signature=signature, secret=new_secret())


async def test_standardwebhooks_verifies_the_standard_headers(delivered) -> None:
    hit, secret, event = delivered
    headers = {k: hit.headers[k] for k in ("webhook-id", "webhook-timestamp", "webhook-signature")}
    assert headers["webhook-id"] == event.id
    payload = Webhook(secret).verify(hit.body, headers)
    assert payload["id"] == event.id and payload["data"] == DATA
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(hit.body.replace(b"Zo", b"Jo"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(hit.body, headers)
    stale = {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) - 3600)}
    with pytest.raises(WebhookVerificationError):  # a replayed request is refused
        Webhook(secret).verify(hit.body, stale)
