"""/healthz and /readyz: what an orchestrator (compose, Kubernetes, a load balancer) asks
before it sends traffic. /readyz names the component that is not ready."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from outreach.config import Settings
from outreach.migrate import upgrade
from tests.conftest import start_time_skipping
from tests.helpers import free_port

# The newest migration file's revision (files are numbered: 0001_..., 0002_...).
HEAD = sorted((Path(__file__).resolve().parents[2] / "migrations" / "versions").glob("0*.py"))[
    -1
].name[:4]


async def test_ready_when_database_temporal_and_migrations_answer(ts_env, settings, ops_api):
    async with ops_api(settings, ts_env.client) as http:
        alive = await http.get("/healthz")
        ready = await http.get("/readyz")
    assert alive.status_code == 200 and alive.json() == {"ok": True}
    assert ready.status_code == 200, ready.text
    report = ready.json()
    assert report["status"] == "ready"
    parts = report["components"]
    assert parts["database"]["ok"] and parts["temporal"]["ok"]
    assert parts["migrations"] == {"ok": True, "current": [HEAD], "head": [HEAD]}
    assert ready.headers["x-request-id"]  # same middleware as every route


async def test_not_ready_once_temporal_goes_away(settings, ops_api):
    env: WorkflowEnvironment = await start_time_skipping()
    try:
        async with ops_api(settings, env.client) as http:
            assert (await http.get("/readyz")).status_code == 200
            await env.shutdown()
            started = time.monotonic()
            resp = await http.get("/readyz")
            took = time.monotonic() - started
            # The liveness probe does not depend on Temporal: no restart loop over it.
            assert (await http.get("/healthz")).status_code == 200
    finally:
        await env.shutdown()
    assert resp.status_code == 503
    parts = resp.json()["components"]
    assert resp.json()["status"] == "not_ready"
    assert parts["temporal"]["ok"] is False and parts["temporal"]["error"]
    assert parts["database"]["ok"] and parts["migrations"]["ok"]
    assert took < 5


async def test_not_ready_when_temporal_was_never_reachable(settings, ops_api):
    down = settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    async with ops_api(down) as http:
        started = time.monotonic()
        resp = await http.get("/readyz")
    assert resp.status_code == 503
    assert resp.json()["components"]["temporal"] == {"ok": False, "error": "temporal_unavailable"}
    assert time.monotonic() - started < 5


async def test_not_ready_when_migrations_are_behind(ts_env, tmp_path, ops_api):
    behind = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(behind, "0001")
    async with ops_api(behind, ts_env.client) as http:
        resp = await http.get("/readyz")
    assert resp.status_code == 503
    parts = resp.json()["components"]
    assert parts["database"]["ok"] and parts["temporal"]["ok"]
    assert parts["migrations"]["ok"] is False
    assert parts["migrations"]["current"] == ["0001"]
    assert parts["migrations"]["head"] == [HEAD]
    assert "outreach migrate" in parts["migrations"]["error"]


async def test_not_ready_when_the_database_is_down(ts_env, tmp_path, ops_api):
    url = f"postgresql://outreach:s3cret-password@127.0.0.1:{free_port()}/outreach"
    down = Settings(data_dir=tmp_path, database_url=url)
    async with ops_api(down, ts_env.client) as http:
        resp = await http.get("/readyz")
    assert resp.status_code == 503
    parts = resp.json()["components"]
    assert parts["database"]["ok"] is False and parts["migrations"]["ok"] is False
    assert parts["temporal"]["ok"]
    assert "s3cret" not in resp.text and "127.0.0.1" not in resp.text  # no connection string


async def test_probes_and_scrapes_stay_out_of_the_info_access_log(
    ts_env, settings, ops_api, caplog
):
    caplog.set_level(logging.INFO, logger="outreach.access")
    async with ops_api(settings, ts_env.client) as http:
        for path in ("/healthz", "/readyz", "/metrics"):
            assert (await http.get(path)).status_code == 200
        await http.get("/api/v1/outreach/me")  # 401: an ordinary request is logged
    lines = [r.getMessage() for r in caplog.records if r.name == "outreach.access"]
    assert len(lines) == 1 and lines[0].startswith("GET /api/v1/outreach/me 401"), lines
