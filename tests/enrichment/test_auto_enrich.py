"""A campaign's `autoEnrich` and `skipUndeliverable`, end to end: the lead's workflow
enriches it before its first step (EnrichLeadWorkflow as a child, against the loopback DNS
server and site), the first email uses what was found, an address that cannot take mail is
stopped and never mailed, and a slow site holds the first step no longer than
OUTREACH_AUTO_ENRICH_WAIT."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from outreach.config import Settings
from outreach.db import Database
from outreach.models import Campaign, Lead
from tests.conftest import settings_for
from tests.enrichment.servers import Dns, Site
from tests.helpers import (
    SmtpRecorder,
    eventually,
    make_campaign,
    make_key,
    make_lead,
    make_workspace,
    reload,
    running_worker,
    sends_of,
    start_lead,
    start_smtp,
)
from tests.replies.helpers import api, auth

BASE = "/api/v1/outreach"
STEP = [("email", "P0D", "For {{company|you}}", "Hi {{firstName}}, {{companyDescription|hi}}")]


class Env:
    def __init__(self, client: Client, settings: Settings, db: Database, smtp: SmtpRecorder):
        self.client, self.settings, self.db, self.smtp = client, settings, db, smtp


@pytest.fixture(scope="module")
async def env(
    ts_env: WorkflowEnvironment, settings: Settings, db: Database, dns: Dns
) -> AsyncIterator[Env]:
    recorder, controller = start_smtp()
    cfg = settings_for(
        settings,
        recorder,
        dns_nameservers=dns.nameservers,
        enrich_fetch_timeout=1.0,
        auto_enrich_wait=1,
    )
    try:
        async with running_worker(ts_env.client, cfg, db):
            yield Env(ts_env.client, cfg, db, recorder)
    finally:
        controller.stop()


async def _campaign(env: Env, **options: bool) -> tuple[str, Campaign]:
    """A campaign with the options set through the API (PATCH), as a user sets them."""
    ws = await make_workspace(env.db)
    key = await make_key(env.db, ws.id)
    camp = await make_campaign(env.db, ws.id, STEP)
    async with api(env.settings, env.client) as http:
        r = await http.patch(f"{BASE}/campaigns/{camp.id}", headers=auth(key), json=options)
        assert r.status_code == 200, r.text
        for name, value in options.items():
            assert r.json()[name] is value
    return key, camp


async def _run(env: Env, lead: Lead) -> str:
    handle = await start_lead(env.client, env.settings, env.db, lead)
    result: str = await handle.result()
    return result


async def test_the_first_email_uses_what_enrichment_found(env: Env, site: Site) -> None:
    _, camp = await _campaign(env, autoEnrich=True, skipUndeliverable=True)
    lead = await make_lead(
        env.db, camp, "sam@acmewidgets.io", custom_fields={"website": site.url + "/"}
    )
    assert await _run(env, lead) == "completed"
    row = await reload(env.db, Lead, lead.id)
    assert row.enrichment["status"] == "ready"
    assert row.enrichment["email"]["deliverability"] == "deliverable"
    # The lead's own `website` field named the site (its email's domain has none here).
    assert row.enrichment["company"]["name"] == "Acme Widgets Ltd"
    [sent] = env.smtp.to("sam@acmewidgets.io")
    # `{{company}}` falls back to the enriched name; the description fills its variable.
    assert sent.message["Subject"] == "For Acme Widgets Ltd"
    body = sent.message.get_body(("plain",))
    assert body is not None and "stock-counting widgets for independent shops" in body.get_content()


async def test_an_undeliverable_address_is_stopped_and_never_mailed(env: Env) -> None:
    key, camp = await _campaign(env, autoEnrich=True, skipUndeliverable=True)
    lead = await make_lead(env.db, camp, "sam@no-such-company.io")
    assert await _run(env, lead) == "stopped"
    assert await sends_of(env.db, lead.id) == [] and env.smtp.to("sam@no-such-company.io") == []
    async with api(env.settings, env.client) as http:
        shown = (await http.get(f"{BASE}/leads/{lead.id}", headers=auth(key))).json()
    assert (shown["status"], shown["statusReason"]) == (
        "stopped",
        "undeliverable (domain_not_found)",
    )
    assert shown["enrichment"]["email"]["deliverability"] == "undeliverable"


async def test_skip_undeliverable_reads_an_earlier_enrichment_without_auto_enrich(
    env: Env,
) -> None:
    """A lead enriched by hand before (POST /leads/{id}/enrich) is judged by that result."""
    _, camp = await _campaign(env, skipUndeliverable=True)
    found = {
        "status": "ready",
        "email": {"deliverability": "undeliverable", "reasons": ["null_mx"]},
    }
    bad = await make_lead(env.db, camp, "info@nullmx.io", enrichment=found)
    assert await _run(env, bad) == "stopped"
    assert (await reload(env.db, Lead, bad.id)).status_reason == "undeliverable (null_mx)"
    # Without the option the same finding sends as usual; risky addresses are mailed.
    _, plain = await _campaign(env)
    same = await make_lead(env.db, plain, "info@nullmx.io", enrichment=found)
    risky = {"status": "ready", "email": {"deliverability": "risky", "reasons": ["role_account"]}}
    ok = await make_lead(env.db, camp, "info@acmewidgets.io", enrichment=risky)
    assert await _run(env, same) == "completed" and await _run(env, ok) == "completed"
    assert (await reload(env.db, Lead, same.id)).enrichment == found  # never enriched again


async def test_a_slow_site_holds_the_first_step_no_longer_than_the_wait(
    env: Env, site: Site
) -> None:
    _, camp = await _campaign(env, autoEnrich=True)
    lead = await make_lead(
        env.db, camp, "sam@acmewidgets.io", custom_fields={"website": site.url + "/slow"}
    )
    handle = await start_lead(env.client, env.settings, env.db, lead)
    assert await handle.result() == "completed"
    # Sent after the 1 s wait, before the enrichment (two fetches of a 3 s page, cut at 1 s)
    # wrote its result; the enrichment then finishes on its own.
    [send] = await sends_of(env.db, lead.id)
    assert send.status == "sent"
    assert (await reload(env.db, Lead, lead.id)).enrichment is None
    enrich = env.client.get_workflow_handle(f"enrich-{lead.id}")
    done: Any = await enrich.result()
    assert done["deliverability"] == "deliverable"
    row = await reload(env.db, Lead, lead.id)
    assert row.enrichment["status"] == "ready"
    assert any(s.get("status") == "failed" for s in row.enrichment["sources"])
    history = await handle.fetch_history()
    started = [e for e in history.events if e.HasField("timer_started_event_attributes")]
    assert started, "the lead waited for the enrichment on a durable timer"


async def test_the_campaign_options_are_validated_and_shown(env: Env) -> None:
    key, camp = await _campaign(env)
    async with api(env.settings, env.client) as http:
        shown = (await http.get(f"{BASE}/campaigns/{camp.id}", headers=auth(key))).json()
        assert (shown["autoEnrich"], shown["skipUndeliverable"]) == (False, False)
        r = await http.patch(
            f"{BASE}/campaigns/{camp.id}", headers=auth(key), json={"autoEnrich": "sometimes"}
        )
        assert r.status_code == 400, r.text

    async def unchanged() -> bool:
        return not (await reload(env.db, Campaign, camp.id)).auto_enrich

    await eventually(unchanged)
