"""`POST /campaigns/{id}/autopilot/run`: 202 with the run at once, under the contract's
"Autopilot manual run" limit (2 a minute) with its headers; Temporal away is 503 and
spends nothing; the run is recorded and fires `autopilot.completed`."""

from __future__ import annotations

from sqlmodel import select

from outreach.models import AutopilotRun, Event
from tests.autopilot.conftest import (
    BASE,
    Env,
    autopilot,
    campaign_with_autopilot,
    finished,
    quota_used_today,
    run_now,
    runs,
)
from tests.replies.helpers import api, auth


async def test_a_manual_run_answers_202_at_once_and_is_recorded(env: Env) -> None:
    import json

    from tests.helpers import eventually
    from tests.webhooks.conftest import make_endpoint
    from tests.webhooks.receiver import receiving

    key, camp = await campaign_with_autopilot(env.db, autopilot(newLeadsPerDay=2))
    await quota_used_today(env.db, camp, 2)  # today's quota spent: nothing to discover
    async with receiving() as hook:
        await make_endpoint(env.db, camp.workspace_id, hook.url + "/hook", ["autopilot.completed"])
        r = await run_now(env, key, camp)
        assert r.status_code == 202, r.text
        run = r.json()
        assert run["id"].startswith("aprun_")
        assert (run["status"], run["trigger"], run["campaignId"]) == ("running", "manual", camp.id)
        done = await finished(env, run["id"])
        [hit] = await eventually(lambda: hook.hits, within=10)
    assert hit.headers["x-pms-event"] == "autopilot.completed"
    delivered = json.loads(hit.body)
    assert delivered["type"] == "autopilot.completed"
    assert (delivered["data"]["id"], delivered["data"]["status"]) == (run["id"], "completed")
    assert (done.status, done.discovered) == ("completed", 0)
    shown = {x["id"]: x for x in await runs(env, key, camp)}[run["id"]]
    assert shown["status"] == "completed" and shown["finishedAt"]
    assert (shown["quota"], shown["discovered"], shown["drafted"]) == (0, 0, 0)
    assert shown["note"] == "the day's quota is used"
    async with env.db.session() as s:
        events = (
            await s.exec(
                select(Event).where(Event.dedupe_key == f"autopilot.completed:{run['id']}")
            )
        ).all()
    assert [e.type for e in events] == ["autopilot.completed"]
    assert events[0].data == shown  # the event's data is the run as GET shows it
    async with api(env.settings, env.client) as http:
        one = await http.get(
            f"{BASE}/campaigns/{camp.id}/autopilot/runs/{run['id']}", headers=auth(key)
        )
    assert one.status_code == 200 and one.json() == shown


async def test_manual_runs_are_rate_limited_with_the_contract_headers(env: Env) -> None:
    key, camp = await campaign_with_autopilot(env.db)
    await quota_used_today(env.db, camp, 3)
    first, second, third = [await run_now(env, key, camp) for _ in range(3)]
    assert [first.status_code, second.status_code] == [202, 202]
    # 2 a minute is the tightest window of the contract's "Autopilot manual run" row.
    assert (first.headers["X-RateLimit-Limit"], first.headers["X-RateLimit-Window"]) == (
        "2",
        "minute",
    )
    assert [first.headers["X-RateLimit-Remaining"], second.headers["X-RateLimit-Remaining"]] == [
        "1",
        "0",
    ]
    assert third.status_code == 429
    assert third.json()["code"] == "rate_limited"
    assert "Autopilot manual run is limited to 2 per minute" in third.json()["error"]
    assert 0 < int(third.headers["Retry-After"]) <= 60
    assert third.headers["X-RateLimit-Limit"] == "2"
    assert third.headers["X-RateLimit-Window"] == "minute"
    assert third.headers["X-RateLimit-Remaining"] == "0"
    for r in (first, second):
        await finished(env, r.json()["id"])
    assert len(await runs(env, key, camp)) == 3  # the refused call recorded no run (2 + seed)


async def test_temporal_away_answers_503_and_loses_nothing(env: Env) -> None:
    import httpx

    from api.deps import AppState
    from api.main import create_app
    from tests.helpers import free_port

    key, camp = await campaign_with_autopilot(env.db)
    await quota_used_today(env.db, camp, 3)
    down = env.settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    app = create_app(down)
    app.state.outreach = AppState(down)  # no client: it must connect, and cannot
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        r = await http.post(f"{BASE}/campaigns/{camp.id}/autopilot/run", headers=auth(key))
    await app.state.outreach.close()
    assert (r.status_code, r.json()["code"]) == (503, "temporal_unavailable")
    async with env.db.session() as s:
        rows = (await s.exec(select(AutopilotRun).where(AutopilotRun.campaign_id == camp.id))).all()
    assert len(rows) == 1  # the seeded run only: no run left `running` that never started
    again = await run_now(env, key, camp)
    assert again.status_code == 202
    assert again.headers["X-RateLimit-Remaining"] == "1"  # the refused start's slot came back
    await finished(env, again.json()["id"])


async def test_what_a_manual_run_refuses(env: Env) -> None:
    from outreach.models import Campaign

    key, camp = await campaign_with_autopilot(env.db)
    other_key, _ = await campaign_with_autopilot(env.db)
    assert (await run_now(env, other_key, camp)).status_code == 404  # another workspace's

    async def changed(**values: object) -> tuple[str, Campaign]:
        key, made = await campaign_with_autopilot(env.db)
        async with env.db.session() as s:
            row = await s.get(Campaign, made.id)
            assert row is not None
            for name, value in values.items():
                setattr(row, name, value)
            s.add(row)
            await s.commit()
            await s.refresh(row)
        return key, row

    for values, code in (
        ({"autopilot": None}, "autopilot_not_configured"),
        ({"status": "paused"}, "campaign_not_active"),
        ({"status": "archived"}, "campaign_archived"),
    ):
        key, row = await changed(**values)
        r = await run_now(env, key, row)
        assert (r.status_code, r.json()["code"]) == (422, code), r.text
        assert "X-RateLimit-Remaining" not in r.headers  # refused before a slot was taken
