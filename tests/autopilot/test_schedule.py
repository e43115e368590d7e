"""A campaign's autopilot schedule on the real dev server (the time-skipping server has no
schedules): made from the settings given to `POST /campaigns`, changed by `PATCH`, paused
while the campaign is paused or the autopilot disabled, deleted when the settings go or the
campaign is archived; with Temporal away the settings are kept and the outbox sweeper makes
the schedule later. Triggered, it runs AutopilotWorkflow (a run with trigger `schedule`).
And every bad setting is a documented 4xx."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlmodel import select
from temporalio.client import Client, ScheduleDescription
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from outreach import outbox
from outreach.autopilot.contracts import schedule_id
from outreach.config import Settings
from outreach.db import Database
from outreach.models import Campaign, OutboxItem
from tests.autopilot.conftest import BASE, autopilot, quota_used_today
from tests.conftest import settings_for
from tests.helpers import eventually, make_key, make_workspace, running_worker
from tests.replies.helpers import api, auth

STEP = {"channel": "email", "delay": "P0D", "subject": "Hi", "body": "Hello {{firstName|there}}"}


def campaign(**kw: Any) -> dict[str, Any]:
    return {
        "name": "Autopilot",
        "status": "active",
        "fromEmail": "anita@sender.example.com",
        "timezone": "Europe/Paris",
        "steps": [STEP],
        **kw,
    }


@pytest.fixture
async def http(
    dev_env: WorkflowEnvironment, settings: Settings, db: Database
) -> AsyncIterator[tuple[httpx.AsyncClient, str, Client]]:
    """The API on the dev server, and a key of a new workspace."""
    async with api(settings_for(settings), dev_env.client) as c:
        yield c, await new_key(db), dev_env.client


async def new_key(db: Database) -> str:
    ws = await make_workspace(db)
    return await make_key(db, ws.id)


async def described(client: Client, campaign_id: str) -> ScheduleDescription | None:
    try:
        return await client.get_schedule_handle(schedule_id(campaign_id)).describe()
    except RPCError as exc:
        assert exc.status == RPCStatusCode.NOT_FOUND
        return None


async def test_the_schedule_follows_the_campaign(http) -> None:
    c, key, client = http
    r = await c.post(
        f"{BASE}/campaigns",
        headers=auth(key),
        json=campaign(autopilot=autopilot(time="07:30", days=["fri", "mon"])),
    )
    assert r.status_code == 201, r.text
    assert "Warning" not in r.headers
    camp = r.json()
    assert camp["autopilot"]["days"] == ["mon", "fri"]  # week order
    d = await described(client, camp["id"])
    assert d is not None
    cal = d.schedule.spec.calendars[0]
    assert ([x.start for x in cal.hour], [x.start for x in cal.minute]) == ([7], [30])
    assert sorted(x.start for x in cal.day_of_week) == [1, 5]  # Monday, Friday
    assert d.schedule.spec.time_zone_name == "Europe/Paris"  # the campaign's zone
    assert d.schedule.state.paused is False

    async def patch(body: dict[str, Any]) -> ScheduleDescription | None:
        r = await c.patch(f"{BASE}/campaigns/{camp['id']}", headers=auth(key), json=body)
        assert r.status_code == 200, r.text
        return await described(client, camp["id"])

    d = await patch({"status": "paused"})  # pausing the campaign pauses its schedule
    assert d is not None and d.schedule.state.paused is True
    d = await patch({"status": "active", "timezone": "America/New_York"})
    assert d is not None and d.schedule.state.paused is False
    assert d.schedule.spec.time_zone_name == "America/New_York"
    d = await patch({"autopilot": autopilot(enabled=False)})
    assert d is not None and d.schedule.state.paused is True
    d = await patch({"autopilot": None})  # settings removed: no schedule
    assert d is None
    d = await patch({"autopilot": autopilot()})
    assert d is not None and d.schedule.state.paused is False
    d = await patch({"status": "archived"})
    assert d is None


async def test_temporal_away_keeps_the_settings_and_the_sweeper_makes_the_schedule(
    dev_env: WorkflowEnvironment, settings: Settings, db: Database
) -> None:
    from api.deps import AppState
    from api.main import create_app
    from tests.helpers import free_port

    st = settings_for(settings)
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    down = st.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    app = create_app(down)
    app.state.outreach = AppState(down)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.post(
            f"{BASE}/campaigns", headers=auth(key), json=campaign(autopilot=autopilot())
        )
    await app.state.outreach.close()
    assert r.status_code == 201, r.text  # saved: the settings are the campaign's
    assert "autopilot schedule will follow" in r.headers["Warning"]
    camp_id = r.json()["id"]
    assert r.json()["autopilot"]["enabled"] is True
    assert await described(dev_env.client, camp_id) is None
    async with db.session() as s:
        items = (await s.exec(select(OutboxItem).where(OutboxItem.lead_id == camp_id))).all()
    assert [i.kind for i in items] == ["autopilot_schedule"]
    # Temporal is back: the sweeper's round makes the schedule and drops the item.
    from datetime import timedelta

    result = await outbox.sweep(db, st, dev_env.client, min_age=timedelta(0), workspace_id=ws.id)
    assert result.delivered == 1
    d = await described(dev_env.client, camp_id)
    assert d is not None and d.schedule.state.paused is False
    async with db.session() as s:
        assert not (await s.exec(select(OutboxItem).where(OutboxItem.lead_id == camp_id))).all()
    await dev_env.client.get_schedule_handle(schedule_id(camp_id)).delete()


async def test_the_schedule_runs_the_autopilot(
    dev_env: WorkflowEnvironment, settings: Settings, db: Database
) -> None:
    st = settings_for(settings)
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    async with api(st, dev_env.client) as c:
        r = await c.post(
            f"{BASE}/campaigns", headers=auth(key), json=campaign(autopilot=autopilot())
        )
        assert r.status_code == 201, r.text
        camp = await db_campaign(db, r.json()["id"])
        await quota_used_today(db, camp, 3)  # nothing left to discover today
        async with running_worker(dev_env.client, st, db):
            await dev_env.client.get_schedule_handle(schedule_id(camp.id)).trigger()

            async def scheduled_run() -> dict[str, Any] | None:
                got = await c.get(f"{BASE}/campaigns/{camp.id}/autopilot/runs", headers=auth(key))
                done = [
                    x
                    for x in got.json()["data"]
                    if x["trigger"] == "schedule"
                    and x["status"] == "completed"
                    and x["quota"] == 0
                    and x["note"]
                ]
                return done[0] if done else None

            run = await eventually(scheduled_run, within=20)
    assert run["day"] and run["discovered"] == 0 and run["note"] == "the day's quota is used"
    await dev_env.client.get_schedule_handle(schedule_id(camp.id)).delete()


async def db_campaign(db: Database, campaign_id: str) -> Campaign:
    async with db.session() as s:
        row = await s.get(Campaign, campaign_id)
        assert row is not None
        return row


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"time": "9am"}, 422, "invalid_autopilot_time"),
        ({"time": "24:00"}, 422, "invalid_autopilot_time"),
        ({"days": []}, 422, "invalid_autopilot_days"),
        ({"days": ["monday"]}, 422, "invalid_autopilot_days"),
        ({"newLeadsPerDay": 0}, 422, "invalid_autopilot_quota"),
        ({"newLeadsPerDay": 501}, 422, "invalid_autopilot_quota"),
        ({"newLeadsPerDay": "ten"}, 400, None),
        ({"discovery": {}}, 422, "autopilot_discovery_missing"),
        ({"discovery": {"icp": "  "}}, 422, "autopilot_discovery_missing"),
        ({"discovery": {"domains": ["not a domain"]}}, 422, "invalid_autopilot_domain"),
        ({"sendAt": "09:00"}, 400, None),  # unknown field
    ],
)
async def test_bad_settings_are_refused_with_a_4xx(http, change, status, code) -> None:
    c, key, _ = http
    r = await c.post(
        f"{BASE}/campaigns", headers=auth(key), json=campaign(autopilot=autopilot(**change))
    )
    assert r.status_code == status, r.text
    assert set(r.json()) >= {"error", "code"}
    if code:
        assert r.json()["code"] == code


async def test_a_disabled_autopilot_may_go_without_discovery_and_an_archived_campaign_takes_none(
    http, db: Database
) -> None:
    c, key, client = http
    r = await c.post(
        f"{BASE}/campaigns",
        headers=auth(key),
        json=campaign(autopilot=autopilot(enabled=False, discovery={})),
    )
    assert r.status_code == 201, r.text
    camp_id = r.json()["id"]
    d = await described(client, camp_id)
    assert d is not None and d.schedule.state.paused is True
    r = await c.patch(f"{BASE}/campaigns/{camp_id}", headers=auth(key), json={"status": "archived"})
    assert r.status_code == 200
    assert await described(client, camp_id) is None
    r = await c.patch(
        f"{BASE}/campaigns/{camp_id}", headers=auth(key), json={"autopilot": autopilot()}
    )
    assert (r.status_code, r.json()["code"]) == (422, "campaign_archived")
    other = await new_key(db)
    r = await c.patch(
        f"{BASE}/campaigns/{camp_id}", headers=auth(other), json={"autopilot": autopilot()}
    )
    assert r.status_code == 404


async def test_a_pause_made_while_temporal_is_away_reaches_the_schedule_later(
    dev_env: WorkflowEnvironment, settings: Settings, db: Database
) -> None:
    from datetime import timedelta

    from api.deps import AppState
    from api.main import create_app
    from tests.helpers import free_port

    st = settings_for(settings)
    key = await new_key(db)
    async with api(st, dev_env.client) as c:
        r = await c.post(
            f"{BASE}/campaigns", headers=auth(key), json=campaign(autopilot=autopilot())
        )
        assert r.status_code == 201, r.text
    camp_id = r.json()["id"]
    down = st.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    app = create_app(down)
    app.state.outreach = AppState(down)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.patch(
            f"{BASE}/campaigns/{camp_id}", headers=auth(key), json={"status": "paused"}
        )
    await app.state.outreach.close()
    assert r.status_code == 200 and r.json()["status"] == "paused"  # saved
    warning = r.headers["Warning"]  # both followers of the change are late
    assert "autopilot schedule will follow" in warning and "running leads will" in warning
    d = await described(dev_env.client, camp_id)
    assert d is not None and d.schedule.state.paused is False  # not told yet
    camp = await db_campaign(db, camp_id)
    result = await outbox.sweep(
        db, st, dev_env.client, min_age=timedelta(0), workspace_id=camp.workspace_id
    )
    assert result.delivered == 1
    d = await described(dev_env.client, camp_id)
    assert d is not None and d.schedule.state.paused is True
    await dev_env.client.get_schedule_handle(schedule_id(camp_id)).delete()
