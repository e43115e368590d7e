"""The outage for real: the Temporal dev server (state in a file) is stopped while leads are
created and an unsubscribe link is clicked, then started again; the worker's catch-up
delivers every start and signal once, and every lead ends where it should."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlmodel import col, select
from temporalio.client import Client

from outreach import outbox
from outreach.models import Event, Lead, OutboxItem
from outreach.temporal import connect, lead_workflow_id, register_search_attributes
from tests.conftest import _binary, settings_for
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

STEPS = [("email", "P0D", "Hi {{firstName|there}}", "one"), ("email", "P2D", None, "two")]


class DevServer:
    """`temporal server start-dev` on a fixed port with its state in a file, so it can be
    stopped and started again with everything it knew."""

    def __init__(self, db_file: Path) -> None:
        self.db_file, self.port = db_file, free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                _binary("temporal"),
                "server",
                "start-dev",
                "--db-filename",
                str(self.db_file),
                "--ip",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--headless",
                "--log-level",
                "error",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
async def server(tmp_path) -> AsyncIterator[DevServer]:
    dev = DevServer(tmp_path / "temporal.db")
    dev.start()
    try:
        yield dev
    finally:
        dev.stop()


async def test_temporal_stopped_and_started_again_strands_nothing(
    server, settings, db, smtp, ops_api
):
    st = settings_for(settings, smtp, temporal_address=server.address)
    client: Client = await connect(st, attempts=60, delay=0.25)
    await register_search_attributes(client, "default")
    ws = await make_workspace(db)
    auth = {"Authorization": f"Bearer {await make_key(db, ws.id)}"}
    camp = await make_campaign(db, ws.id, STEPS)
    async with db.session() as s:
        # The catch-up below sweeps the whole installation: rows that earlier tests left
        # (leads created with no Temporal listening) would be started and sent here too.
        await s.exec(delete(OutboxItem).where(col(OutboxItem.workspace_id) != ws.id))
        await s.commit()

    def lead_body(email: str) -> dict:
        return {"campaignId": camp.id, "email": email}

    async with ops_api(st, client) as http, running_worker(client, st, db):
        first = await http.post("/api/v1/outreach/leads", headers=auth, json=lead_body("a@x.io"))
        assert first.status_code == 201
        await smtp.wait_for(1)
        link = smtp.messages[0].message["List-Unsubscribe"].strip("<>")
        link = link.replace("https://outreach.test", "")

        server.stop()  # the outage
        b, c, click = await asyncio.gather(
            http.post("/api/v1/outreach/leads", headers=auth, json=lead_body("b@x.io")),
            http.post("/api/v1/outreach/leads", headers=auth, json=lead_body("c@x.io")),
            http.post(link),
        )
        assert (b.status_code, c.status_code, click.status_code) == (503, 503, 200)
        async with db.session() as s:
            rows = (await s.exec(select(OutboxItem).where(OutboxItem.workspace_id == ws.id))).all()
            assert sorted(r.kind for r in rows) == ["lead_signal", "lead_start", "lead_start"]
            for row in rows:  # as if the sweeper's minute had passed
                row.created_at = row.created_at - outbox.MIN_AGE
                s.add(row)
            await s.commit()

        server.start()  # back, with everything it had
        await register_search_attributes(await connect(st, attempts=60, delay=0.25), "default")
        try:
            await catch_up_outbox(client, st, db)  # what a worker does when it starts

            await smtp.wait_for(3)
            async with db.session() as s:
                left = (
                    await s.exec(select(OutboxItem).where(OutboxItem.workspace_id == ws.id))
                ).all()
                leads = {
                    lead.email: lead
                    for lead in (
                        await s.exec(select(Lead).where(col(Lead.campaign_id) == camp.id))
                    ).all()
                }
            assert left == []
            assert sorted(m.message["To"] for m in smtp.messages) == ["a@x.io", "b@x.io", "c@x.io"]

            async def a_unsubscribed() -> bool:
                async with db.session() as s:
                    lead = await s.get(Lead, leads["a@x.io"].id)
                    assert lead is not None
                    return lead.status == "unsubscribed"

            await eventually(a_unsubscribed, within=30)

            async def once(type_: str, count: int) -> bool:
                async with db.session() as s:
                    found = (
                        await s.exec(
                            select(Event).where(Event.workspace_id == ws.id, Event.type == type_)
                        )
                    ).all()
                assert len(found) <= count, f"{type_} fired {len(found)} times"
                return len(found) == count and all(e.published_at for e in found)

            await eventually(lambda: once("lead.unsubscribed", 1), within=30)
            await eventually(lambda: once("lead.created", 3), within=30)
            for email in ("b@x.io", "c@x.io"):
                desc = await client.get_workflow_handle(
                    lead_workflow_id(leads[email].id)
                ).describe()
                assert desc.id == lead_workflow_id(leads[email].id)
            await terminate_leads(client, db, ws.id)
        finally:
            with contextlib.suppress(Exception):
                await client.get_schedule_handle(outbox.schedule_id(st)).delete()
