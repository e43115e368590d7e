"""`POST /campaigns/{id}/discover` end to end on the dev server: the API answers 202 with the
run's id at once under the contract's Discovery limit, DiscoveryWorkflow reads the loopback
company sites (robots.txt, redirects, an oversized and a slow page), asks the loopback DNS
server for MX, searches the loopback SearXNG, and creates leads through the bulk service;
`GET /discovery-runs/{id}` reports every candidate's outcome."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from outreach.discovery.contracts import DiscoveryDone
from outreach.models import Campaign
from tests.assist.conftest import serving_model
from tests.discovery.conftest import Env
from tests.enrichment.test_enrich_flow import _payloads
from tests.helpers import events_of, eventually, make_campaign, make_key, make_workspace
from tests.replies.helpers import api, auth

BASE = "/api/v1/outreach"
ICP = "Founders, heads of marketing and sales leaders at specialty coffee roasters"


async def _campaign(env: Env) -> tuple[str, Campaign]:
    ws = await make_workspace(env.db)
    return await make_key(env.db, ws.id), await make_campaign(env.db, ws.id)


async def _post(env: Env, key: str, campaign_id: str, body: dict[str, Any]) -> Any:
    async with api(env.settings, env.client) as http:
        return await http.post(
            f"{BASE}/campaigns/{campaign_id}/discover", headers=auth(key), json=body
        )


async def _get(env: Env, key: str, path: str) -> Any:
    async with api(env.settings, env.client) as http:
        r = await http.get(BASE + path, headers=auth(key))
        assert r.status_code == 200, r.text
        return r.json()


async def _done(env: Env, accepted: dict) -> DiscoveryDone:
    handle = env.client.get_workflow_handle(accepted["workflowId"], result_type=DiscoveryDone)
    return await asyncio.wait_for(handle.result(), 60)


def _by_name(run: dict) -> dict[str, dict]:
    return {c["name"]: c for c in run["candidates"] if "name" in c}


async def test_a_seeded_site_with_five_people_yields_its_leads_and_reports_the_rest(
    env: Env,
) -> None:
    key, camp = await _campaign(env)
    northwind = env.sites.northwind
    async with api(env.settings, env.client) as http:
        # Carla's address is suppressed; Dan's is in the campaign already.
        r = await http.post(
            f"{BASE}/suppressions",
            headers=auth(key),
            json={"emails": ["carla.mendes@northwind.io"]},
        )
        assert r.status_code == 200, r.text
        r = await http.post(
            f"{BASE}/leads",
            headers=auth(key),
            json={"campaignId": camp.id, "email": "dan.kim@northwind.io", "firstName": "Dan"},
        )
        assert r.status_code == 201, r.text
        dan_id = r.json()["id"]
    seed = northwind.url + "team?from=seed"  # any page of the site names the site
    hits_before = len(northwind.hits)
    started = time.monotonic()
    r = await _post(env, key, camp.id, {"icp": ICP, "domains": [seed], "limit": 10})
    assert r.status_code == 202, r.text
    assert time.monotonic() - started < 2.0  # never waits on the network
    accepted = r.json()
    assert accepted["status"] == "pending" and accepted["id"].startswith("disc_")
    assert accepted["workflowId"] == f"discover-{accepted['id']}"
    assert (r.headers["X-RateLimit-Limit"], r.headers["X-RateLimit-Window"]) == ("3", "minute")
    assert r.headers["X-RateLimit-Remaining"] == "2"
    # The run is readable at once.
    first = await _get(env, key, f"/discovery-runs/{accepted['id']}")
    assert first["status"] in ("pending", "running", "completed")
    assert first["campaignId"] == camp.id and first["limit"] == 10 and first["trigger"] == "api"

    done = await _done(env, accepted)
    run = await _get(env, key, f"/discovery-runs/{accepted['id']}")
    assert run["status"] == "completed" and run["finishedAt"].endswith("Z")
    people = _by_name(run)
    assert set(people) == {"Jane Doe", "Bob Stone", "Carla Mendes", "Dan Kim", "Eve Park"}
    # Jane's address was on the page; Bob's comes from the pattern hers and Dan's confirm.
    assert people["Jane Doe"] | {"outcome": "created", "addressFrom": "page"} == people["Jane Doe"]
    assert people["Bob Stone"]["email"] == "bob.stone@northwind.io"
    assert people["Bob Stone"]["addressFrom"] == "pattern:first.last"
    assert people["Bob Stone"]["outcome"] == "created"
    assert people["Carla Mendes"]["outcome"] == "suppressed"
    assert (people["Dan Kim"]["outcome"], people["Dan Kim"]["leadId"]) == ("duplicate", dan_id)
    assert people["Eve Park"]["outcome"] == "not_matching"
    assert "Office Manager" in people["Eve Park"]["reason"]
    # Ranked by the ICP's roles: the best fits first.
    assert run["candidates"][0]["name"] in ("Jane Doe", "Bob Stone")
    counts = run["counts"]
    assert (counts["created"], counts["suppressed"], counts["duplicate"]) == (2, 1, 1)
    assert (counts["not_matching"], counts["candidates"], counts["companies"]) == (1, 5, 1)
    assert done.created == 2 and len(done.lead_ids) == 2 and done.candidates == 5
    # info@ is a role account, not a person; robots.txt kept /private unread.
    assert not any(c.get("email", "").startswith("info@") for c in run["candidates"])
    assert "/private/people" not in northwind.hits[hits_before:]
    assert "Frank Hidden" not in people
    # The row and the leads on the main queue; pages and DNS on the enrichment queue; the
    # history holds what was found, never a page.
    history = await env.client.get_workflow_handle(accepted["workflowId"]).fetch_history()
    queues = {
        e.activity_task_scheduled_event_attributes.activity_type.name: (
            e.activity_task_scheduled_event_attributes.task_queue.name
        )
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
    }
    main, enrich = env.settings.task_queue, env.settings.enrich_task_queue
    assert queues == {
        "discovery_open_run": main,
        "discovery_fetch_page": enrich,
        "enrich_lookup_mx": enrich,
        "discovery_create_leads": main,
        "discovery_finish": main,
    }
    carried = _payloads(history)
    assert any(b"Bob Stone" in p for p in carried)
    assert not any(b"itemprop" in p or b"<h3>" in p or b"Disallow" in p for p in carried)
    (company,) = run["companies"]
    assert company["status"] == "read" and company["name"] == "Northwind Roasters"
    assert company["from"] == "seed"

    # The leads: made by discovery, with what was found, and sequenced like any other.
    listed = (await _get(env, key, f"/leads?campaignId={camp.id}"))["data"]
    made = {lead["email"]: lead for lead in listed if lead["id"] in done.lead_ids}
    assert set(made) == {"jane.doe@northwind.io", "bob.stone@northwind.io"}
    bob = made["bob.stone@northwind.io"]
    assert (bob["source"], bob["firstName"], bob["lastName"]) == ("discovery", "Bob", "Stone")
    assert (bob["role"], bob["company"]) == ("Head of Marketing", "Northwind Roasters")
    assert next(x for x in listed if x["id"] == dan_id)["source"] == "api"
    created = [e for e in await events_of(env.db, camp.workspace_id, "lead.created")]
    sources = {e.data["lead"]["email"]: e.data["lead"]["source"] for e in created}
    assert sources == {
        "dan.kim@northwind.io": "api",
        "jane.doe@northwind.io": "discovery",
        "bob.stone@northwind.io": "discovery",
    }
    # Jane's and Bob's first steps go out like any lead's; never one to Carla.
    await eventually(
        lambda: env.smtp.to("jane.doe@northwind.io") and env.smtp.to("bob.stone@northwind.io")
    )
    assert not env.smtp.to("carla.mendes@northwind.io")

    # Erasing a person takes them out of the report too (a lead's address, and one that
    # only a suppression entry held); the counts stay.
    async with api(env.settings, env.client) as http:
        for email in ("bob.stone@northwind.io", "carla.mendes@northwind.io"):
            r = await http.post(f"{BASE}/erasure", headers=auth(key), json={"email": email})
            assert r.status_code == 200, r.text
    after = await _get(env, key, f"/discovery-runs/{accepted['id']}")
    assert set(_by_name(after)) == {"Jane Doe", "Dan Kim", "Eve Park"}
    assert after["counts"] == counts


async def test_search_finds_companies_and_hostile_pages_cannot_stall_the_run(env: Env) -> None:
    """With search on and no model, the ICP's keywords make the searches; a result on a
    social network is skipped, one at a metadata address refused. Bluebird's home page moved
    (redirect), its team page is over 1 MB, its about page too slow, its legal page redirects
    to the metadata address: the run reads what it can and goes on. Zero Mail's domain has a
    null MX: its founder is undeliverable. The limit stops at one lead, the best ranked."""
    key, camp = await _campaign(env)
    bluebird, nullmx = env.sites.bluebird, env.sites.nullmx
    env.settings.search_url = env.search.url
    env.search.results = {
        "specialty coffee roasters": [
            "https://www.linkedin.com/company/bluebird",
            bluebird.url + "en/",
            "http://169.254.169.254/latest/meta-data/",
            nullmx.url,
        ]
    }
    try:
        r = await _post(env, key, camp.id, {"icp": ICP, "limit": 1})
        assert r.status_code == 202, r.text
        done = await _done(env, r.json())
    finally:
        env.settings.search_url = None
    run = await _get(env, key, f"/discovery-runs/{r.json()['id']}")
    assert env.search.queries[:2] == ["specialty coffee roasters", "specialty coffee roasters team"]
    assert run["queries"] == env.search.queries[:2]
    companies = {c.get("site"): c for c in run["companies"]}
    assert set(companies) == {bluebird.url, "http://169.254.169.254/", nullmx.url}
    assert companies["http://169.254.169.254/"]["status"] == "refused"
    assert all(c["from"] == "search" for c in companies.values())
    pages = {p["url"]: p for p in companies[bluebird.url]["pages"]}
    assert pages[bluebird.url + "en/"]["status"] == "ok"  # after the redirect
    assert pages[bluebird.url + "team"]["status"] == "too_large"
    assert pages[bluebird.url + "about"]["status"] == "failed"
    assert pages[bluebird.url + "to-metadata/contact"]["status"] == "refused"
    people = _by_name(run)
    # Head of Sales names two of the ICP's roles, Founder one: Noah ranks first and takes
    # the run's one lead, with the address the pattern of Mia's (`first`) gives him.
    assert people["Noah Fox"]["score"] > people["Mia Wong"]["score"]
    assert (people["Noah Fox"]["email"], people["Noah Fox"]["outcome"]) == (
        "noah@bluebird.io",
        "created",
    )
    assert people["Mia Wong"]["outcome"] == "limit_reached"
    assert people["Zed Null"]["outcome"] == "undeliverable"
    assert done.created == 1


async def test_the_model_writes_the_searches_when_one_is_configured(
    env: Env, monkeypatch: Any
) -> None:
    key, camp = await _campaign(env)
    env.settings.search_url = env.search.url
    env.search.results = {"roasteries in Leeds": [env.sites.nullmx.url]}
    env.search.queries.clear()
    with serving_model() as fake:
        fake.answers = ['{"queries": ["roasteries in Leeds"], "roles": ["founder"]}']
        monkeypatch.setenv("OUTREACH_LLM_BASE_URL", fake.url)
        monkeypatch.setenv("OUTREACH_LLM_MODEL", "fake-model-1")
        try:
            r = await _post(env, key, camp.id, {"icp": "people who own coffee shops in Leeds"})
            assert r.status_code == 202, r.text
            await _done(env, r.json())
        finally:
            env.settings.search_url = None
        assert "coffee shops in Leeds" in fake.requests[0]["body"]["messages"][1]["content"]
    run = await _get(env, key, f"/discovery-runs/{r.json()['id']}")
    assert env.search.queries == ["roasteries in Leeds"] == run["queries"]
    # "founder" came from the model: Zed (a founder) matches, and is undeliverable.
    assert _by_name(run)["Zed Null"]["outcome"] == "undeliverable"


async def test_the_company_cap_and_a_failing_search_are_reported(env: Env) -> None:
    key, camp = await _campaign(env)
    sites = env.sites
    env.settings.search_url = env.search.url + "/not-searxng"  # answers 404: not retried
    env.settings.discovery_max_companies = 1
    try:
        r = await _post(
            env,
            key,
            camp.id,
            {"icp": "founders of roasters", "domains": [sites.nullmx.url, sites.northwind.url]},
        )
        assert r.status_code == 202, r.text
        done = await _done(env, r.json())
    finally:
        env.settings.search_url = None
        env.settings.discovery_max_companies = 10
    run = await _get(env, key, f"/discovery-runs/{r.json()['id']}")
    assert run["status"] == "completed" and done.created == 0
    by_site = {c.get("site"): c["status"] for c in run["companies"]}
    assert by_site[sites.nullmx.url] == "read"
    assert by_site[sites.northwind.url] == "limit_reached"
    failed = [c for c in run["companies"] if "search" in c]
    assert failed and all(c["status"] == "unreachable" and "404" in c["detail"] for c in failed)
    assert run["counts"]["companies"] == 2
    assert _by_name(run)["Zed Null"]["outcome"] == "undeliverable"
