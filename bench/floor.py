"""The floor of what the Temporal server can do here: a bare workflow that runs one activity,
and the activity does one thing (one SMTP send, or one HTTP POST). Used by the benchmarks,
which run this module as its own worker process:

    python bench/floor.py <temporal address> <task queue>
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.worker import Worker

with workflow.unsafe.imports_passed_through():
    import aiosmtplib
    import httpx


@activity.defn(name="bare_send")
async def bare_send(args: list[str]) -> None:
    host, port, rcpt = args[0], int(args[1]), args[2]
    message = (
        f"From: bench@example.com\r\nTo: {rcpt}\r\nSubject: floor\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@example.com>\r\n\r\nfloor\r\n"
    )
    await aiosmtplib.send(
        message, sender="bench@example.com", recipients=[rcpt], hostname=host, port=port
    )


_http: httpx.AsyncClient | None = None


@activity.defn(name="bare_post")
async def bare_post(args: list[str]) -> None:
    global _http
    if _http is None:
        _http = httpx.AsyncClient(timeout=10)
    url, body = args
    resp = await _http.post(
        url, content=body.encode(), headers={"Content-Type": "application/json"}
    )
    resp.raise_for_status()


@workflow.defn(name="BareSendWorkflow")
class BareSendWorkflow:
    @workflow.run
    async def run(self, args: list[str]) -> None:
        await workflow.execute_activity(
            "bare_send",
            args,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_attempts=5),
        )


@workflow.defn(name="BareSleeperWorkflow")
class BareSleeperWorkflow:
    """The bare minimum of a lead waiting for its second step: one send, then a timer."""

    @workflow.run
    async def run(self, args: list[str]) -> None:
        await workflow.execute_activity(
            "bare_send",
            args,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_attempts=5),
        )
        await workflow.sleep(timedelta(days=3))


@workflow.defn(name="BarePostWorkflow")
class BarePostWorkflow:
    @workflow.run
    async def run(self, args: list[str]) -> None:
        await workflow.execute_activity(
            "bare_post",
            args,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_attempts=5),
        )


async def serve(address: str, task_queue: str) -> None:
    client = await Client.connect(address)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    worker = Worker(
        client,
        task_queue=task_queue,
        workflows=[BareSendWorkflow, BareSleeperWorkflow, BarePostWorkflow],
        activities=[bare_send, bare_post],
    )
    async with worker:
        await stop.wait()


if __name__ == "__main__":
    # Workflows must come from an importable module (the sandbox re-imports it), not
    # from __main__.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from bench.floor import serve as _serve

    asyncio.run(_serve(sys.argv[1], sys.argv[2]))
    os._exit(0)
