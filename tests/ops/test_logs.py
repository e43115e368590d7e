"""OUTREACH_LOG_FORMAT=json: one JSON object per line naming the request, the workspace and
the workflow or activity; human lines by default; no key or token at INFO."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio import activity
from temporalio.testing import ActivityEnvironment

from outreach.logs import make_handler
from tests.helpers import make_key, make_workspace

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = make_handler("json", stream)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def records(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]  # each line is JSON


async def test_api_lines_name_the_request_and_workspace_and_hold_no_key(
    ts_env, settings, db, ops_api, json_log
):
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    async with ops_api(settings, ts_env.client) as http:
        ok = await http.get("/api/v1/outreach/me", headers={"Authorization": f"Bearer {key}"})
        anonymous = await http.get("/api/v1/outreach/me", headers={"X-Request-Id": "req-given"})
        await http.post(f"/u/{'t' * 40}")  # an unsubscribe token is a capability
    assert ok.status_code == 200 and anonymous.status_code == 401
    access = [r for r in records(json_log) if r["logger"] == "outreach.access"]
    first, second, third = access
    assert first["request_id"] == ok.headers["x-request-id"]
    assert first["workspace_id"] == ws.id and first["level"] == "INFO"
    assert first["message"].startswith("GET /api/v1/outreach/me 200")
    assert first["ts"].endswith("Z")
    assert second["request_id"] == "req-given" and "workspace_id" not in second  # not leaked
    assert "/u/<token>" in third["message"]
    # What the server logged (the test's own HTTP client logs its URLs as `httpx`; the
    # engine turns that logger down to WARNING).
    text = "\n".join(json.dumps(r) for r in records(json_log) if r["logger"] != "httpx")
    assert key not in text and key[len("pms_live_") :][:16] not in text and "t" * 40 not in text


async def test_worker_lines_name_the_workflow_and_activity(json_log):
    @activity.defn(name="log_something")
    async def log_something() -> None:
        logging.getLogger("outreach.activities.test").info("sent step %s", 2)

    env = ActivityEnvironment()
    env.info = env.info.__class__(
        **{**env.info.__dict__, "workflow_id": "lead-lead_abc", "activity_id": "7"}
    )
    await env.run(log_something)
    (line,) = [r for r in records(json_log) if r["logger"] == "outreach.activities.test"]
    assert line["message"] == "sent step 2"
    assert line["workflow_id"] == "lead-lead_abc" and line["activity_id"] == "7"
    assert line["activity_type"] and line["task_queue"]


@pytest.mark.parametrize("fmt", ["json", "text", ""])
def test_the_format_is_chosen_by_the_environment(fmt):
    code = (
        "import logging; from outreach.logs import setup_logging; setup_logging(); "
        "logging.getLogger('outreach.x').info('hello'); "
        "logging.getLogger('outreach.x').error('boom', exc_info=ValueError('bad'))"
    )
    env = {"PATH": "/usr/bin:/bin", "OUTREACH_LOG_FORMAT": fmt}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stderr
    if fmt == "json":
        hello, boom = (json.loads(line) for line in out.splitlines())
        assert hello["message"] == "hello" and hello["level"] == "INFO"
        assert boom["level"] == "ERROR" and "ValueError: bad" in boom["exc"]
    else:  # human lines by default
        assert " INFO outreach.x hello" in out.splitlines()[0]
        assert not out.startswith("{")
