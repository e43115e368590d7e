"""Fixtures of the autopilot tests: the real worker on the time-skipping server (runs,
quota, drafts) with a real SMTP server for the leads a run enrols, and helpers that make
a campaign with autopilot settings and read its runs through the API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from outreach.autopilot import rules
from outreach.autopilot.contracts import AutopilotDone
from outreach.autopilot.status import AutopilotRunStatus, AutopilotTrigger
from outreach.config import Settings
from outreach.db import Database
from outreach.models import AutopilotRun, Campaign, utcnow
from tests.conftest import settings_for
from tests.helpers import SmtpRecorder, make_campaign, make_key, make_workspace, start_smtp
from tests.replies.helpers import api, auth

BASE = "/api/v1/outreach"


def autopilot(**kw: Any) -> dict[str, Any]:
    """Settings as the API takes them (camelCase), with defaults that run every day."""
    return {
        "enabled": True,
        "time": "09:00",
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "newLeadsPerDay": 3,
        "discovery": {"domains": ["acme.example"]},
        "enrich": False,
        "draftReplies": False,
        **kw,
    }


@dataclass
class Env:
    client: Client
    settings: Settings
    db: Database
    smtp: SmtpRecorder
    ts: WorkflowEnvironment


@pytest.fixture(scope="module")
def module_smtp() -> Iterator[SmtpRecorder]:
    recorder, controller = start_smtp()
    yield recorder
    controller.stop()


@pytest.fixture(scope="module")
async def env(
    ts_env: WorkflowEnvironment, settings: Settings, db: Database, module_smtp: SmtpRecorder
) -> AsyncIterator[Env]:
    """The real worker on the time-skipping server, its resolver the discovery tests' DNS
    server (the seeded companies' mail domains)."""
    from tests.discovery.servers import MAIL_ZONES
    from tests.enrichment.servers import dns_server
    from tests.helpers import running_worker

    with dns_server(MAIL_ZONES) as dns:
        cfg = settings_for(
            settings,
            module_smtp,
            dns_nameservers=dns.nameservers,
            enrich_fetch_timeout=1.0,
            discovery_crawl_delay=0.05,
        )
        async with running_worker(ts_env.client, cfg, db):
            yield Env(ts_env.client, cfg, db, module_smtp, ts_env)


async def campaign_with_autopilot(
    db: Database, settings: dict[str, Any] | None = None, **campaign_kw: Any
) -> tuple[str, Campaign]:
    """(API key, campaign) of a new workspace; the settings are stored as the API stores
    them (the time-skipping server has no schedules: nothing is synced)."""
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    camp = await make_campaign(db, ws.id, **campaign_kw)
    async with db.session() as s:
        row = await s.get(Campaign, camp.id)
        assert row is not None
        row.autopilot = rules.normalise(settings or autopilot())
        s.add(row)
        await s.commit()
        await s.refresh(row)
        return key, row


async def quota_used_today(db: Database, camp: Campaign, discovered: int) -> None:
    """A finished run of today that created `discovered` leads (the day's quota spent)."""
    async with db.session() as s:
        now = utcnow()
        s.add(
            AutopilotRun(
                id="aprun_" + camp.id[-12:] + str(discovered),
                workspace_id=camp.workspace_id,
                campaign_id=camp.id,
                trigger=AutopilotTrigger.SCHEDULE,
                status=AutopilotRunStatus.COMPLETED,
                day=rules.local_day(now, camp.timezone),
                quota=discovered,
                discovered=discovered,
                started_at=now,
                finished_at=now,
                created_at=now,
            )
        )
        await s.commit()


async def start_as_scheduled(client: Client, settings: Settings, camp: Campaign) -> Any:
    """AutopilotWorkflow started exactly as the campaign's schedule action would start it
    (its workflow, arguments and task queue; the time-skipping server has no schedules):
    no run id, trigger `schedule`. The handle."""
    from outreach.autopilot.schedule import wanted
    from outreach.ids import new_id

    action = wanted(camp, settings).action
    return await client.start_workflow(
        action.workflow,  # type: ignore[attr-defined]
        *action.args,  # type: ignore[attr-defined]
        id=f"{action.id}-{new_id('req')}",  # type: ignore[attr-defined]
        task_queue=action.task_queue,  # type: ignore[attr-defined]
        result_type=AutopilotDone,
    )


async def run_now(env: Env, key: str, camp: Campaign) -> Any:
    async with api(env.settings, env.client) as http:
        return await http.post(f"{BASE}/campaigns/{camp.id}/autopilot/run", headers=auth(key))


async def finished(env: Env, run_id: str) -> AutopilotDone:
    from outreach.autopilot.contracts import manual_workflow_id

    handle = env.client.get_workflow_handle(manual_workflow_id(run_id), result_type=AutopilotDone)
    return await handle.result()


async def runs(env: Env, key: str, camp: Campaign) -> list[dict[str, Any]]:
    async with api(env.settings, env.client) as http:
        r = await http.get(f"{BASE}/campaigns/{camp.id}/autopilot/runs", headers=auth(key))
        assert r.status_code == 200, r.text
        return r.json()["data"]


def day_of(at: datetime, camp: Campaign) -> str:
    return rules.local_day(at, camp.timezone)
