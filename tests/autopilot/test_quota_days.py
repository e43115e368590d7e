"""The daily quota over three days, on the time-skipping server with the real worker and a
real DiscoveryWorkflow reading a seeded company site on loopback: each day's scheduled run
discovers at most `newLeadsPerDay` new leads (counted in the campaign's zone), a manual run
the same day shares that day's quota, and the next day starts afresh. The leads it creates
are enrolled (their first email goes out), enriched when asked, and counted on the run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from outreach.models import Campaign, Lead
from tests.autopilot.conftest import (
    Env,
    autopilot,
    campaign_with_autopilot,
    finished,
    run_now,
    runs,
    start_as_scheduled,
)
from tests.discovery.servers import Site, company_site, northwind_pages
from tests.helpers import advance_to


@pytest.fixture(scope="module")
def northwind() -> Iterator[Site]:
    with company_site(northwind_pages()) as site:
        yield site


async def _leads(env: Env, camp: Campaign) -> list[Lead]:
    async with env.db.session() as s:
        return list((await s.exec(select(Lead).where(Lead.campaign_id == camp.id))).all())


async def test_the_daily_quota_holds_over_three_days(env: Env, northwind: Site) -> None:
    key, camp = await campaign_with_autopilot(
        env.db,
        autopilot(newLeadsPerDay=2, discovery={"domains": [northwind.url]}),
        timezone="Pacific/Auckland",
    )
    # Start at noon in the campaign's zone, whatever the test server's clock says after the
    # tests before: the few minutes the server may skip during a run (the leads' timers)
    # never cross a local midnight between the scheduled run and the manual one.
    now = (await env.ts.get_current_time()).astimezone(ZoneInfo("Pacific/Auckland"))
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
    await advance_to(env.ts, noon if noon > now else noon + timedelta(days=1))
    days: list[dict] = []
    for day in range(3):
        if day:
            await env.ts.sleep(timedelta(days=1))  # the next day, in any zone
        done = await (await start_as_scheduled(env.client, env.settings, camp)).result()
        shown = {r["id"]: r for r in await runs(env, key, camp)}[done.run_id]
        days.append(shown)
        if day == 0:
            # A manual run the same day shares the day's quota: nothing is left of it.
            r = await run_now(env, key, camp)
            assert r.status_code == 202, r.text
            manual = await finished(env, r.json()["id"])
            assert manual.discovered == 0
            shown_manual = {x["id"]: x for x in await runs(env, key, camp)}[manual.run_id]
            assert (shown_manual["quota"], shown_manual["day"]) == (0, shown["day"])
            assert shown_manual["note"] == "the day's quota is used"
    assert [d["trigger"] for d in days] == ["schedule"] * 3
    assert len({d["day"] for d in days}) == 3  # three campaign-local days
    assert [d["quota"] for d in days] == [2, 2, 2]  # each day's quota afresh
    assert [d["discovered"] for d in days][:2] == [2, 2]
    assert days[2]["discovered"] <= 2  # what the site still has, within the quota
    assert all(d["status"] == "completed" and d["discoveryRunId"] for d in days)
    leads = await _leads(env, camp)
    assert len(leads) == sum(d["discovered"] for d in days)  # no lead beyond the quotas
    assert [d["enrolled"] for d in days] == [d["discovered"] for d in days]
    assert {lead.status for lead in leads} <= {"queued", "active", "completed"}
    assert {lead.source for lead in leads} == {"autopilot"}  # who made them, on the lead


async def test_the_leads_a_run_creates_are_enriched_unless_the_campaign_auto_enriches(
    env: Env, northwind: Site
) -> None:
    from temporalio.service import RPCError

    from outreach.enrichment.contracts import enrich_workflow_id

    settings = autopilot(newLeadsPerDay=2, enrich=True, discovery={"domains": [northwind.url]})
    key, camp = await campaign_with_autopilot(env.db, settings)
    done = await (await start_as_scheduled(env.client, env.settings, camp)).result()
    assert (done.discovered, done.enriched, done.enrolled) == (2, 2, 2)
    leads = await _leads(env, camp)
    assert all(lead.enrichment and lead.enrichment["status"] == "ready" for lead in leads)
    assert {lead.enrichment["email"]["domain"] for lead in leads} == {"northwind.io"}

    # With the campaign's autoEnrich, each lead's own workflow enriches it: the run starts
    # no second enrichment.
    key, camp = await campaign_with_autopilot(env.db, settings)
    async with env.db.session() as s:
        row = await s.get(Campaign, camp.id)
        assert row is not None
        row.auto_enrich = True
        s.add(row)
        await s.commit()
        await s.refresh(row)
    done = await (await start_as_scheduled(env.client, env.settings, row)).result()
    assert (done.discovered, done.enriched) == (2, 0)
    shown = {r["id"]: r for r in await runs(env, key, camp)}[done.run_id]
    assert shown["enriched"] == 0 and shown["errors"] == []
    for lead in await _leads(env, camp):
        try:
            desc = await env.client.get_workflow_handle(enrich_workflow_id(lead.id)).describe()
        except RPCError:
            continue  # none at all
        assert desc.parent_id != f"autopilot-{camp.id}" and not (desc.parent_id or "").startswith(
            "autopilot-"
        )
