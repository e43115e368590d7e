"""The suppression list tests: the API over ASGI with the real worker on the module's
time-skipping server and a real SMTP server; each test gets a fresh workspace."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from api.deps import AppState
from api.main import create_app
from outreach.config import Settings
from outreach.db import Database
from outreach.models import Campaign, Workspace
from tests.conftest import settings_for
from tests.helpers import (
    SmtpRecorder,
    make_campaign,
    make_key,
    make_workspace,
    running_worker,
    start_smtp,
    terminate_leads,
)

API = "/api/v1/outreach"
TWO_STEPS = [
    ("email", "P0D", "Hello {{firstName|there}}", "Hi {{firstName|there}}, quick question."),
    ("email", "P3D", None, "Bumping this up."),
]


@dataclass
class Stack:
    http: httpx.AsyncClient
    settings: Settings
    env: WorkflowEnvironment
    smtp: SmtpRecorder


@dataclass
class Tenant:
    stack: Stack
    ws: Workspace
    key: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    async def campaign(self, db: Database, steps: Any = None) -> Campaign:
        return await make_campaign(db, self.ws.id, steps if steps is not None else TWO_STEPS)

    async def post_lead(self, campaign_id: str, email: str) -> httpx.Response:
        return await self.stack.http.post(
            f"{API}/leads", headers=self.auth, json={"campaignId": campaign_id, "email": email}
        )

    async def suppress(self, **body: Any) -> httpx.Response:
        return await self.stack.http.post(f"{API}/suppressions", headers=self.auth, json=body)

    async def list(self, **params: Any) -> httpx.Response:
        return await self.stack.http.get(f"{API}/suppressions", headers=self.auth, params=params)


@pytest.fixture(scope="module")
async def stack(
    ts_env: WorkflowEnvironment, settings: Settings, db: Database
) -> AsyncIterator[Stack]:
    recorder, controller = start_smtp()
    st = settings_for(settings, recorder)
    app = create_app(st, ts_env.client)
    app.state.outreach = AppState(st, ts_env.client)  # ASGITransport runs no lifespan
    try:
        async with running_worker(ts_env.client, st, db):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
                yield Stack(http, st, ts_env, recorder)
    finally:
        await app.state.outreach.close()
        controller.stop()


@pytest.fixture
async def tenant(stack: Stack, db: Database, ts_env: WorkflowEnvironment) -> AsyncIterator[Tenant]:
    ws = await make_workspace(db)
    yield Tenant(stack, ws, await make_key(db, ws.id))
    await terminate_leads(ts_env.client, db, ws.id)
