"""The worker's operator port: /healthz for compose's healthcheck and /metrics, one scrape
target with our business counters and the Temporal SDK's own metrics."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from outreach.opsserver import OpsServer
from tests.conftest import TEST_ENCRYPTION_KEY, settings_for
from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class FakeWorker:
    task_queue: str
    is_running: bool = True


async def test_healthz_follows_the_workers_and_unknown_paths_are_404():
    workers: list[FakeWorker] = []
    ops = OpsServer("127.0.0.1", 0, lambda: workers)
    await ops.start()
    base = f"http://127.0.0.1:{ops.bound_port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=5) as http:
            starting = await http.get("/healthz")  # still connecting to Temporal
            workers += [FakeWorker("q"), FakeWorker("q-email")]
            up = await http.get("/healthz")
            workers[1].is_running = False  # one task queue's worker stopped
            down = await http.get("/healthz")
            other = await http.get("/api/v1/outreach/me")
            posted = await http.post("/metrics")
            scrape = await http.get("/metrics")
    finally:
        await ops.close()
    assert starting.status_code == 503 and starting.json()["starting"]
    assert up.status_code == 200 and up.json()["taskQueues"] == {"q": True, "q-email": True}
    assert down.status_code == 503 and down.json()["taskQueues"]["q-email"] is False
    assert other.status_code == 404 and posted.status_code == 405
    assert scrape.status_code == 200
    for name in (
        "outreach_sends",
        "outreach_replies_classified",
        "outreach_webhook_attempts",
        "outreach_rate_limit_refusals",
        "outreach_workflow_start_failures",
    ):
        assert f"# TYPE {name}_total counter" in scrape.text


async def test_a_client_that_never_finishes_its_request_does_not_hold_the_port():
    ops = OpsServer("127.0.0.1", 0, lambda: [FakeWorker("q")])
    await ops.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", ops.bound_port)
        writer.write(b"GET /healthz HTTP/1.1\r\n" + b"X: " + b"a" * 10000)  # no end, too long
        await writer.drain()
        assert await asyncio.wait_for(reader.read(), 6) == b""  # closed, no answer
        writer.close()
        async with httpx.AsyncClient(timeout=5) as http:
            assert (await http.get(f"http://127.0.0.1:{ops.bound_port}/healthz")).is_success
    finally:
        await ops.close()


@pytest.mark.integration
def test_worker_process_serves_health_and_sdk_metrics_on_its_port(dev_env, settings):
    st = settings_for(settings)
    port = free_port()
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "TEMPORAL_NAMESPACE": "default",
        "OUTREACH_DATABASE_URL": st.db_url,
        "OUTREACH_DATA_DIR": str(st.data_dir),
        "OUTREACH_TASK_QUEUE": st.task_queue,
        "OUTREACH_SECRET_KEY": "test-secret-key",
        "OUTREACH_ENCRYPTION_KEY": TEST_ENCRYPTION_KEY,  # the key the suite's rows are sealed with
        "OUTREACH_METRICS_PORT": str(port),
        "OUTREACH_LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen(
        [sys.executable, "worker.py"], cwd=ROOT, env=env, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{base}/healthz", timeout=5)
                if health.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the worker never became healthy"
            time.sleep(0.2)
        assert set(health.json()["taskQueues"]) == {
            st.task_queue,
            st.email_task_queue,
            st.webhook_task_queue,
            st.enrich_task_queue,
        }
        deadline = time.monotonic() + 30
        while True:  # the SDK publishes its gauges once the pollers have started
            scrape = httpx.get(f"{base}/metrics", timeout=5)
            if "temporal_" in scrape.text:
                break
            assert time.monotonic() < deadline, scrape.text[-2000:]
            time.sleep(0.5)
        assert scrape.status_code == 200
        assert "# TYPE outreach_webhook_attempts_total counter" in scrape.text
        assert "temporal_worker_task_slots_available" in scrape.text
        assert "unavailable" not in scrape.text
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
    assert code == 0
