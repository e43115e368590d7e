"""`POST /leads/bulk` with the API process killed between its commit and its workflow
starts: no lead is left without its workflow. The API (a real `outreach api` process)
reaches Temporal through a TCP relay that this test can hold, so the request commits its
rows and then waits on Temporal; the process is killed with SIGKILL at that moment, and a
worker's catch-up sweep starts every lead from the outbox."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from email.utils import parseaddr
from pathlib import Path

import httpx
import pytest
from sqlmodel import col, func, select

from outreach import outbox
from outreach.models import Event, Lead, OutboxItem
from outreach.temporal import lead_workflow_id
from tests.conftest import TEST_ENCRYPTION_KEY, settings_for
from tests.helpers import (
    eventually,
    free_port,
    make_campaign,
    make_key,
    make_workspace,
    running_worker,
    terminate_leads,
)
from worker import catch_up_outbox

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
LEADS = 40


class Relay:
    """A TCP relay to Temporal; `hold()` stops passing bytes (both ways) until `release()`."""

    def __init__(self, upstream: str) -> None:
        host, port = upstream.rsplit(":", 1)
        self.upstream = (host, int(port))
        self.flowing = asyncio.Event()
        self.flowing.set()
        self.port = free_port()
        self.server: asyncio.Server | None = None

    async def __aenter__(self) -> Relay:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.flowing.set()
        if self.server is not None:
            self.server.close()

    def hold(self) -> None:
        self.flowing.clear()

    async def _pump(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await src.read(65536):
                await self.flowing.wait()
                dst.write(data)
                await dst.drain()
        dst.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        await asyncio.gather(self._pump(reader, up_writer), self._pump(up_reader, writer))


def spawn_api(st, temporal_address: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": temporal_address,
        "TEMPORAL_NAMESPACE": "default",
        "OUTREACH_DATABASE_URL": st.db_url,
        "OUTREACH_DATA_DIR": str(st.data_dir),
        "OUTREACH_TASK_QUEUE": st.task_queue,
        "OUTREACH_SECRET_KEY": "test-secret-key",
        "OUTREACH_ENCRYPTION_KEY": TEST_ENCRYPTION_KEY,  # the key the suite's rows are sealed with
        "OUTREACH_PUBLIC_URL": "https://outreach.test",
        "OUTREACH_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "outreach.cli", "api", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@contextlib.asynccontextmanager
async def api_process(st, temporal_address: str) -> AsyncIterator[tuple[subprocess.Popen, str]]:
    port = free_port()
    proc = spawn_api(st, temporal_address, port)
    try:
        yield proc, f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


async def _count(db, stmt) -> int:
    async with db.session() as s:
        return int((await s.exec(stmt)).one())


async def test_api_killed_between_commit_and_start_strands_no_lead(dev_env, settings, db, smtp):
    st = settings_for(settings, smtp, send_jitter_seconds=0)
    client = dev_env.client
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    camp = await make_campaign(db, ws.id, [("email", "P0D", "Hi", "Hello {{firstName}}")])
    body = {
        "campaignId": camp.id,
        "leads": [{"email": f"bulk{i}@example.com", "firstName": f"P{i}"} for i in range(LEADS)],
    }
    target = client.service_client.config.target_host
    async with (
        Relay(target) as relay,
        api_process(st, f"127.0.0.1:{relay.port}") as (proc, url),
        httpx.AsyncClient(base_url=url, timeout=30) as http,
    ):

        async def ready() -> bool:
            try:
                return (await http.get("/readyz")).status_code == 200
            except httpx.TransportError:
                return False

        await eventually(ready, within=30, every=0.2)  # connected to Temporal
        relay.hold()
        call = asyncio.create_task(
            http.post(
                "/api/v1/outreach/leads/bulk",
                json=body,
                headers={"Authorization": f"Bearer {key}"},
            )
        )
        leads_of_campaign = (
            select(func.count()).select_from(Lead).where(Lead.campaign_id == camp.id)
        )

        async def committed() -> bool:
            return await _count(db, leads_of_campaign) == LEADS

        await eventually(committed, within=30, every=0.05)
        os.kill(proc.pid, signal.SIGKILL)  # between the commit and the starts
        proc.wait(timeout=10)
        with pytest.raises(httpx.TransportError):
            await call

    async with db.session() as s:
        leads = (await s.exec(select(Lead).where(Lead.campaign_id == camp.id))).all()
        pending = (await s.exec(select(OutboxItem).where(OutboxItem.workspace_id == ws.id))).all()
        assert len(pending) == LEADS  # every lead's start waits in the outbox
        for row in pending:  # as if the sweeper's minute had passed
            row.created_at = row.created_at - outbox.MIN_AGE
            s.add(row)
        await s.commit()
    assert all(lead.current_step == 0 for lead in leads)

    try:
        async with running_worker(client, st, db):
            await catch_up_outbox(client, st, db)  # what a worker does when it starts
            await smtp.wait_for(LEADS, within=60)
            left = select(func.count()).select_from(OutboxItem)
            assert await _count(db, left.where(OutboxItem.workspace_id == ws.id)) == 0
            for lead in leads:
                desc = await client.get_workflow_handle(lead_workflow_id(lead.id)).describe()
                assert desc.id == lead_workflow_id(lead.id)
            created = (
                select(func.count())
                .select_from(Event)
                .where(Event.workspace_id == ws.id, col(Event.type) == "lead.created")
            )
            assert await _count(db, created) == LEADS
            to = sorted(parseaddr(m.message["To"])[1] for m in smtp.messages)
            assert to == sorted(lead.email for lead in leads)  # each first step once
            await terminate_leads(client, db, ws.id)
    finally:
        with contextlib.suppress(Exception):
            await client.get_schedule_handle(outbox.schedule_id(st)).delete()
