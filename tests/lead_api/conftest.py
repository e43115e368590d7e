from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from api.deps import AppState
from api.main import create_app
from outreach.config import Settings
from outreach.models import Campaign, Workspace
from tests.conftest import settings_for, start_time_skipping
from tests.helpers import (
    SmtpRecorder,
    make_campaign,
    make_key,
    make_workspace,
    running_worker,
    terminate_leads,
)


@dataclass
class Stack:
    http: httpx.AsyncClient
    settings: Settings
    ws: Workspace
    key: str
    smtp: SmtpRecorder

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    async def campaign(self, db, steps=None, **kw) -> Campaign:
        return await make_campaign(db, self.ws.id, steps, **kw)

    async def post_lead(self, campaign_id: str, email: str, **fields) -> httpx.Response:
        return await self.http.post(
            "/api/v1/outreach/leads",
            headers=self.auth,
            json={"campaignId": campaign_id, "email": email, **fields},
        )


@pytest.fixture
async def ts_env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server per test: these tests drive the API, which starts workflows
    the tests do not own, then move the clock by days."""
    env = await start_time_skipping()
    yield env
    await env.shutdown()


@pytest.fixture
async def stack(ts_env, settings, db, smtp) -> AsyncIterator[Stack]:
    """API (over ASGI) + worker on the time-skipping server + a real SMTP server."""
    st = settings_for(settings, smtp)
    app = create_app(st, ts_env.client)
    app.state.outreach = AppState(st, ts_env.client)
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    async with running_worker(ts_env.client, st, db):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield Stack(http, st, ws, key, smtp)
        await terminate_leads(ts_env.client, db, ws.id)
    await app.state.outreach.close()
