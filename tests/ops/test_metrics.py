"""Prometheus on the API (`GET /metrics`) and the business counters, each incremented where
the thing it counts happens, with labels from a closed set."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.testing import ActivityEnvironment

from activities.webhooks import WebhookActivities
from outreach.leads.runs import start_lead_workflow
from outreach.models import Lead
from outreach.webhooks.policy import AttemptRequest

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "outreach-dashboard.json"


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_api_metrics_count_requests_by_route_template_not_by_id(ts_env, settings, ops_api):
    async with ops_api(settings, ts_env.client) as http:
        for lead_id in ("lead_a", "lead_b", "lead_c"):
            await http.get(f"/api/v1/outreach/leads/{lead_id}")  # 401: no key
        await http.get("/no/such/path")
        scrape = await http.get("/metrics")
    assert scrape.status_code == 200
    assert scrape.headers["content-type"].startswith("text/plain")
    text = scrape.text
    assert 'handler="/api/v1/outreach/leads/{lead_id}"' in text
    assert "lead_a" not in text and "/no/such/path" not in text  # bounded series
    assert 'handler="/healthz"' not in text and 'handler="/metrics"' not in text
    assert "# TYPE outreach_workflow_start_failures_total counter" in text
    assert "# TYPE outreach_rate_limit_refusals_total counter" in text


async def test_a_failed_workflow_start_is_counted(dev_env, settings):
    # Temporal refuses the start (a namespace it does not have; unreachable is the same
    # path after the SDK's 10 s of retries).
    client = Client(dev_env.client.service_client, namespace="no-such-namespace")
    lead = Lead(
        id="lead_metrics1",
        workspace_id="ws_x",
        campaign_id="camp_x",
        email="a@example.com",
        status="queued",
        current_step=0,
    )
    before = sample("outreach_workflow_start_failures_total", workflow="lead")
    with pytest.raises(RPCError):
        await start_lead_workflow(client, settings, lead, None, [])
    assert sample("outreach_workflow_start_failures_total", workflow="lead") == before + 1


async def test_each_webhook_attempt_is_counted_by_outcome(settings, db):
    activities = WebhookActivities(db, settings)
    before = sample("outreach_webhook_attempts_total", outcome="cancelled")
    req = AttemptRequest("dlv_gone", "whk_gone", "evt_gone", "ws_gone", attempt=1)
    result = await ActivityEnvironment().run(activities.deliver, req)
    assert result.outcome == "cancelled"  # the endpoint is gone: nothing was sent
    assert sample("outreach_webhook_attempts_total", outcome="cancelled") == before + 1


async def test_the_grafana_dashboard_charts_metrics_that_exist(ts_env, settings, ops_api):
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["__inputs"][0]["pluginId"] == "prometheus"  # importable as is
    async with ops_api(settings, ts_env.client) as http:
        await http.get("/api/v1/outreach/me")
        api_text = (await http.get("/metrics")).text
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    used = {m for e in exprs for m in re.findall(r"\b((?:outreach|http|temporal)_\w+)", e)}
    ours = {"outreach_sends", "outreach_replies_classified", "outreach_webhook_attempts"}
    ours |= {"outreach_rate_limit_refusals", "outreach_workflow_start_failures"}
    assert {f"{n}_total" for n in ours} <= used  # every business counter has a panel
    for name in used:
        if name.startswith(("outreach_", "http_")):
            assert f"\n{name}" in api_text or f"# TYPE {name} " in api_text, name
        else:  # the SDK's, on the worker port (tests/ops/test_worker_port.py scrapes it)
            assert name.startswith("temporal_"), name
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])
