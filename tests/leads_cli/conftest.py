"""`outreach leads import|export` against the API served by uvicorn on a free loopback port
(real HTTP, the session's database). No Temporal: the bulk endpoint's workflow starts fail
fast (a closed port) and stay in the outbox, which these tests do not need."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlmodel import col, select

from api.main import create_app
from outreach.cli import run
from outreach.config import Settings
from outreach.db import Database
from outreach.models import Lead
from tests.conftest import settings_for
from tests.helpers import free_port, make_campaign, make_key, make_workspace

STEPS = [("email", "P0D", "Hello {{firstName|there}}", "Hi {{firstName|there}}.")]


@pytest.fixture(scope="module")
def served(settings: Settings) -> Iterator[str]:
    """The API (its own lifespan, engine and event loop) in a thread."""
    st = settings_for(settings, temporal_address=f"127.0.0.1:{free_port()}")
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(st), host="127.0.0.1", port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> dict[str, Any]:
        return json.loads(self.out)


@dataclass
class Tenant:
    db: Database
    ws_id: str
    key: str
    campaign_id: str

    async def campaign(self) -> str:
        return (await make_campaign(self.db, self.ws_id, STEPS)).id

    async def leads(self, campaign_id: str | None = None) -> list[Lead]:
        async with self.db.session() as s:
            stmt = select(Lead).where(col(Lead.campaign_id) == (campaign_id or self.campaign_id))
            return list((await s.exec(stmt.order_by(col(Lead.email)))).all())


@pytest.fixture
async def tenant(served: str, db: Database, monkeypatch: pytest.MonkeyPatch) -> Tenant:
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    monkeypatch.setenv("OUTREACH_API_URL", served)
    monkeypatch.setenv("OUTREACH_API_KEY", key)
    camp = await make_campaign(db, ws.id, STEPS)
    return Tenant(db, ws.id, key, camp.id)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    async def call(*argv: str) -> Result:
        def go() -> Result:
            code = run(list(argv))
            out, err = capsys.readouterr()
            return Result(code, out, err)

        return await asyncio.to_thread(go)

    return call


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path
