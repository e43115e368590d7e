"""The API over ASGI (httpx.ASGITransport) against the session's real database, with the
time-skipping Temporal server's client and no worker: routes that start or signal
workflows reach a real server, and nothing runs them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from temporalio.testing import WorkflowEnvironment

from api.deps import AppState
from api.main import create_app
from outreach.config import Settings
from outreach.db import Database
from outreach.discovery import service as discovery
from outreach.discovery.contracts import DiscoveryRequest
from outreach.encryption.fields import seal_mailbox_password, seal_webhook_secret
from outreach.ids import new_id
from outreach.models import (
    AutopilotRun,
    Campaign,
    ChannelTouch,
    DiscoveryRun,
    Event,
    Lead,
    Mailbox,
    Reply,
    Send,
    Suppression,
    WebhookDelivery,
    WebhookEndpoint,
    Workspace,
)
from outreach.temporal import register_search_attributes
from tests.conftest import _binary, settings_for
from tests.helpers import make_campaign, make_key, make_lead, make_workspace

BASE = "/api/v1/outreach"


@pytest.fixture(scope="session")
def api_settings(settings: Settings) -> Settings:
    # A task queue of its own: no other test's worker picks up the workflows started here.
    return settings_for(settings)


@pytest.fixture(scope="session")
async def api_temporal() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of our own. The workflows these tests start are never run
    (no worker), and a pending workflow task stops a time-skipping server from skipping
    time: on the shared `ts_env` they would stall other tests' timers."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=_binary("temporal-test-server")
    )
    await register_search_attributes(env.client, "default")
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def app(api_settings: Settings, api_temporal: WorkflowEnvironment) -> AsyncIterator[FastAPI]:
    client = api_temporal.client
    application = create_app(api_settings, client)
    # ASGITransport does not run the lifespan: set the state it would.
    state = AppState(api_settings, client)
    application.state.outreach = state
    yield application
    await state.close()


@pytest.fixture(scope="session")
async def api(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@dataclass
class Tenant:
    workspace: Workspace
    key: str

    @property
    def id(self) -> str:
        return self.workspace.id

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


async def new_tenant(
    db: Database, plan: str = "pro", scopes: list[str] | None = None, name: str = "Acme"
) -> Tenant:
    ws = await make_workspace(db, plan=plan, name=name)
    return Tenant(ws, await make_key(db, ws.id, scopes))


@pytest.fixture
async def tenant(db: Database) -> Tenant:
    """A fresh Pro workspace and a key with every scope."""
    return await new_tenant(db)


def assert_envelope(response: httpx.Response, status: int, code: str | None = None) -> dict:
    """The response is `status` with exactly the error envelope (and a request id)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers.get("x-request-id")
    body = response.json()
    assert set(body) - {"requiredScope"} == {"error", "code"}, body
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["code"], str) and body["code"]
    if code is not None:
        assert body["code"] == code, body
    return body


# -- rows of every kind a route can name in its path ---------------------------------------


@dataclass
class Resources:
    """One row of each kind, all in one workspace."""

    campaign: Campaign
    lead: Lead
    send: Send
    reply: Reply
    touch: ChannelTouch
    endpoint: WebhookEndpoint
    event: Event
    delivery: WebhookDelivery
    mailbox: Mailbox
    suppression: Suppression
    discovery_run: DiscoveryRun
    autopilot_run: AutopilotRun

    def ids(self) -> list[str]:
        return [getattr(self, name).id for name in self.__dataclass_fields__]


async def make_resources(db: Database, workspace_id: str) -> Resources:
    campaign = await make_campaign(db, workspace_id)
    lead = await make_lead(db, campaign)  # no workflow: nothing runs it
    async with db.session() as s:
        send = Send(
            id=new_id("send"),
            workspace_id=workspace_id,
            campaign_id=campaign.id,
            lead_id=lead.id,
            step_position=1,
            to_email=lead.email,
            status="sent",
            message_id=f"<{new_id('send')}@sender.test>",
            subject="Hello",
        )
        reply = Reply(
            id=new_id("reply"),
            workspace_id=workspace_id,
            campaign_id=campaign.id,
            lead_id=lead.id,
            send_id=send.id,
            from_email=lead.email,
            subject="Re: Hello",
            body_text="Sounds interesting",
            label="interested",
            needs_action=True,
            message_id=f"<{new_id('reply')}@example.com>",
        )
        touch = ChannelTouch(
            id=new_id("touch"),
            workspace_id=workspace_id,
            campaign_id=campaign.id,
            lead_id=lead.id,
            step_position=2,
            channel="linkedin",
            text="Hi",
            status="sent",
        )
        keyring = db.settings.keyring()
        endpoint_id, mailbox_id = new_id("whk"), new_id("mbx")
        endpoint = WebhookEndpoint(
            id=endpoint_id,
            workspace_id=workspace_id,
            url="http://127.0.0.1:9/hook",
            events=["lead.created"],
            secret=seal_webhook_secret(keyring, endpoint_id, "whsec_matrix_secret"),
        )
        event = Event(
            id=new_id("evt"),
            workspace_id=workspace_id,
            type="lead.created",
            data={},
            dedupe_key=f"matrix:{new_id('evt')}",
        )
        mailbox = Mailbox(
            id=mailbox_id,
            workspace_id=workspace_id,
            host="imap.example.com",
            username="inbox@example.com",
            password=seal_mailbox_password(keyring, mailbox_id, "mailbox-password"),
        )
        suppression = Suppression(
            id=new_id("sup"),
            workspace_id=workspace_id,
            domain=f"{new_id('sup')[4:14]}.example.com",
            reason="matrix",
        )
        s.add_all([send, endpoint, event, mailbox, touch, suppression])
        await s.flush()
        s.add(reply)
        delivery = WebhookDelivery(
            id=new_id("dlv"),
            workspace_id=workspace_id,
            endpoint_id=endpoint.id,
            event_id=event.id,
            event_type=event.type,
            workflow_id=f"webhook-{event.id}-{endpoint.id}",
            status="delivered",
            attempt_count=1,
            last_status_code=200,
        )
        s.add(delivery)
        run = discovery.new_run(
            DiscoveryRequest(new_id("disc"), workspace_id, campaign.id, domains=["acme.com"])
        )
        s.add(run)
        autopilot_run = AutopilotRun(
            id=new_id("aprun"),
            workspace_id=workspace_id,
            campaign_id=campaign.id,
            trigger="manual",
            status="completed",
        )
        s.add(autopilot_run)
        await s.commit()
    return Resources(
        campaign,
        lead,
        send,
        reply,
        touch,
        endpoint,
        event,
        delivery,
        mailbox,
        suppression,
        run,
        autopilot_run,
    )
