"""The whole stack on the real dev server: API, worker, SMTP and a local receiver. Creating a
lead delivers `lead.created` and then `send.sent`, signed, and the deliveries can be found in
Temporal by workspace and event type."""

from __future__ import annotations

import json

import httpx
import pytest
from gidgethub.sansio import validate_event
from standardwebhooks import Webhook

from api.deps import AppState
from api.main import create_app
from tests.conftest import settings_for
from tests.helpers import eventually, make_campaign, make_key, make_workspace, running_worker
from tests.webhooks.receiver import receiving

BASE = "/api/v1/outreach"
pytestmark = pytest.mark.integration


async def test_creating_a_lead_delivers_lead_created_then_send_sent(
    dev_env, settings, db, smtp
) -> None:
    st = settings_for(settings, smtp)
    app = create_app(st, dev_env.client)
    app.state.outreach = state = AppState(st, dev_env.client)
    ws = await make_workspace(db)
    auth = {"Authorization": f"Bearer {await make_key(db, ws.id)}"}
    campaign = await make_campaign(db, ws.id, [("email", "P0D", "Hi {{firstName}}", "Hello!")])
    transport = httpx.ASGITransport(app=app)
    async with (
        running_worker(dev_env.client, st, db),
        receiving() as receiver,
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as api,
    ):
        hook = await api.post(
            f"{BASE}/webhooks",
            headers=auth,
            json={"url": receiver.url + "/outreach", "events": ["lead.created", "send.sent"]},
        )
        assert hook.status_code == 201, hook.text
        secret = hook.json()["secret"]
        lead = await api.post(
            f"{BASE}/leads",
            headers=auth,
            json={"campaignId": campaign.id, "email": "sam@example.com", "firstName": "Sam"},
        )
        assert lead.status_code == 201, lead.text
        lead_id = lead.json()["id"]

        hits = await receiver.wait_for(2, within=60)
        await smtp.wait_for(1)

        # Find the deliveries in Temporal by workspace and event type (the UI's filter).
        async def listed() -> list[str]:
            query = f'OutreachWorkspaceId = "{ws.id}" AND OutreachEventType = "send.sent"'
            return [w.id async for w in dev_env.client.list_workflows(query)]

        found = await eventually(listed, within=30, every=0.5)
    await state.close()

    envelopes = [json.loads(h.body) for h in hits]
    by_type = {e["type"]: e for e in envelopes}
    assert set(by_type) == {"lead.created", "send.sent"}
    # Deliveries are independent; the events themselves are in order.
    assert by_type["lead.created"]["createdAt"] <= by_type["send.sent"]["createdAt"]
    assert by_type["lead.created"]["data"]["lead"]["id"] == lead_id
    assert by_type["send.sent"]["data"]["send"]["leadId"] == lead_id
    assert by_type["send.sent"]["data"]["send"]["status"] == "sent"
    assert all(e["workspaceId"] == ws.id for e in envelopes)
    for hit in hits:
        assert hit.path == "/outreach"
        validate_event(hit.body, signature=hit.headers["x-pms-signature"], secret=secret)
        Webhook(secret).verify(
            hit.body,
            {k: hit.headers[k] for k in ("webhook-id", "webhook-timestamp", "webhook-signature")},
        )
        assert hit.headers["x-pms-attempt"] == "1"
    assert found == [f"webhook-{by_type['send.sent']['id']}-{hook.json()['id']}"]
