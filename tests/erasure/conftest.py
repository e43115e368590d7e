"""The erasure tests: the API over ASGI with the real worker and a real SMTP server, on a
time-skipping server (leads between steps) or on the real dev server (a lead mid-send,
and the deletion of Temporal executions); each test gets a fresh workspace. `leftovers`
reads every table of the database for rows that still name a person."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel
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
    def http(self) -> httpx.AsyncClient:
        return self.stack.http

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    async def campaign(self, db: Database, steps: Any = None) -> Campaign:
        return await make_campaign(db, self.ws.id, steps if steps is not None else TWO_STEPS)

    async def post_lead(self, campaign_id: str, email: str, **fields: Any) -> httpx.Response:
        return await self.http.post(
            f"{API}/leads",
            headers=self.auth,
            json={"campaignId": campaign_id, "email": email, **fields},
        )

    async def delete_lead(self, lead_id: str, **kw: Any) -> httpx.Response:
        return await self.http.delete(
            f"{API}/leads/{lead_id}", headers=kw.get("headers", self.auth)
        )

    async def erase(self, body: Any, **kw: Any) -> httpx.Response:
        return await self.http.post(
            f"{API}/erasure", headers=kw.get("headers", self.auth), json=body
        )


async def _stack(
    env: WorkflowEnvironment, settings: Settings, db: Database
) -> AsyncIterator[Stack]:
    recorder, controller = start_smtp()
    st = settings_for(settings, recorder)
    app = create_app(st, env.client)
    app.state.outreach = AppState(st, env.client)  # ASGITransport runs no lifespan
    try:
        async with running_worker(env.client, st, db):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
                yield Stack(http, st, env, recorder)
    finally:
        await app.state.outreach.close()
        controller.stop()


@pytest.fixture(scope="module")
async def stack(
    ts_env: WorkflowEnvironment, settings: Settings, db: Database
) -> AsyncIterator[Stack]:
    async for s in _stack(ts_env, settings, db):
        yield s


@pytest.fixture(scope="module")
async def dev_stack(
    dev_env: WorkflowEnvironment, settings: Settings, db: Database
) -> AsyncIterator[Stack]:
    async for s in _stack(dev_env, settings, db):
        yield s


@pytest.fixture
async def tenant(stack: Stack, db: Database) -> AsyncIterator[Tenant]:
    ws = await make_workspace(db)
    yield Tenant(stack, ws, await make_key(db, ws.id))
    await terminate_leads(stack.env.client, db, ws.id)


@pytest.fixture
async def dev_tenant(dev_stack: Stack, db: Database) -> AsyncIterator[Tenant]:
    ws = await make_workspace(db)
    yield Tenant(dev_stack, ws, await make_key(db, ws.id))
    await terminate_leads(dev_stack.env.client, db, ws.id)


def _text(value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("latin-1")
    return str(value)


async def leftovers(db: Database, *needles: str) -> list[tuple[str, dict[str, Any]]]:
    """Every row of every table whose values contain one of `needles` (lower-cased),
    except the `lead.deleted` events (their data is the erased lead's id, by design)."""
    wanted = [n.lower() for n in needles]
    found: list[tuple[str, dict[str, Any]]] = []
    async with db.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            rows = (await conn.execute(sa.select(table))).mappings().all()
            for row in rows:
                text = " ".join(_text(v) for v in row.values()).lower()
                if any(n in text for n in wanted):
                    if table.name == "event" and row["type"] == "lead.deleted":
                        continue
                    found.append((table.name, dict(row)))
    return found
