"""`POST /campaigns/{id}/discover`'s refusals (each a documented 4xx in the error envelope,
spending nothing), its rate limit (the contract's 429 and headers), and the SSRF guard on
every fetch discovery makes: the webhook tests' table of refused addresses, for seeds at
the API, for page fetches, and for search results pointing at them."""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio.client import Client

from outreach.discovery.contracts import DiscoveryDone
from outreach.models import Campaign
from tests.discovery.conftest import Env
from tests.helpers import make_campaign, make_key, make_workspace, running_worker
from tests.replies.helpers import api, auth
from tests.webhooks.test_guard import REFUSED

BASE = "/api/v1/outreach"


def _url(address: str) -> str:
    return f"http://[{address}]/" if ":" in address else f"http://{address}/"


async def _campaign(env: Env, **kw: Any) -> tuple[str, Campaign]:
    ws = await make_workspace(env.db)
    return await make_key(env.db, ws.id), await make_campaign(env.db, ws.id, **kw)


async def _post(env: Env, key: str, campaign_id: str, body: Any, settings: Any = None) -> Any:
    async with api(settings or env.settings, env.client) as http:
        return await http.post(
            f"{BASE}/campaigns/{campaign_id}/discover", headers=auth(key), json=body
        )


async def _done(client: Client, accepted: dict) -> DiscoveryDone:
    handle = client.get_workflow_handle(accepted["workflowId"], result_type=DiscoveryDone)
    return await asyncio.wait_for(handle.result(), 60)


async def test_bad_requests_are_refused_and_spend_nothing(env: Env) -> None:
    key, camp = await _campaign(env)
    other_key, other = await _campaign(env)
    _, archived = await _campaign(env)
    async with env.db.session() as s:
        row = await s.get(Campaign, archived.id)
        assert row is not None
        row.status = "archived"
        s.add(row)
        await s.commit()
    site = env.sites.nullmx.url
    cases: list[tuple[str, Any, int, str]] = [
        ("camp_doesnotexist", {"domains": [site]}, 404, "not_found"),
        (other.id, {"domains": [site]}, 404, "not_found"),  # another workspace's campaign
        (camp.id, {}, 422, "nothing_to_discover"),
        (camp.id, {"icp": "   ", "domains": []}, 422, "nothing_to_discover"),
        (camp.id, {"domains": ["not a domain"]}, 422, "invalid_domain"),
        (camp.id, {"domains": ["localhost"]}, 422, "invalid_domain"),
        (camp.id, {"domains": ["ftp://acme.com/"]}, 422, "invalid_domain"),
        (camp.id, {"domains": ["http://user:pw@acme.com/"]}, 422, "invalid_domain"),
        (camp.id, {"domains": ["http://169.254.169.254/"]}, 422, "invalid_domain"),
        (camp.id, {"domains": [site], "limit": 0}, 422, "invalid_limit"),
        (camp.id, {"domains": [site], "limit": 101}, 422, "invalid_limit"),
        (camp.id, {"domains": [site], "limit": "ten"}, 400, None),
        (camp.id, {"domains": "acme.com"}, 400, None),
        (camp.id, {"domains": [site] * 21}, 400, None),
        (camp.id, {"icp": "x" * 2001}, 400, None),
        (camp.id, {"icp": "founders of coffee roasters"}, 422, "search_not_configured"),
    ]
    async with api(env.settings, env.client) as http:
        for campaign_id, body, status, code in cases:
            r = await http.post(
                f"{BASE}/campaigns/{campaign_id}/discover", headers=auth(key), json=body
            )
            assert r.status_code == status, (body, r.text)
            error = r.json()
            assert set(error) >= {"error", "code"} and error["error"], error
            if code:
                assert error["code"] == code, (body, error)
    # An archived campaign takes no leads (its own workspace's key).
    archived_key = await make_key(env.db, archived.workspace_id)
    r = await _post(env, archived_key, archived.id, {"domains": [site]})
    assert (r.status_code, r.json()["code"]) == (422, "campaign_archived")
    # None of them spent a slot: the first admitted call has two of three left.
    r = await _post(env, key, camp.id, {"domains": [site]})
    assert r.status_code == 202 and r.headers["X-RateLimit-Remaining"] == "2"
    run_id = r.json()["id"]
    await _done(env.client, r.json())
    async with api(env.settings, env.client) as http:
        mine = await http.get(f"{BASE}/discovery-runs/{run_id}", headers=auth(key))
        assert mine.status_code == 200
        theirs = await http.get(f"{BASE}/discovery-runs/{run_id}", headers=auth(other_key))
        missing = await http.get(f"{BASE}/discovery-runs/disc_nope", headers=auth(key))
    assert (theirs.status_code, theirs.json()["code"]) == (404, "not_found")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


async def test_a_fourth_discover_in_a_minute_is_rate_limited(env: Env) -> None:
    key, camp = await _campaign(env)
    body = {"domains": [env.sites.nullmx.url], "limit": 1}
    admitted = []
    for remaining in ("2", "1", "0"):
        r = await _post(env, key, camp.id, body)
        assert r.status_code == 202, r.text
        assert r.headers["X-RateLimit-Remaining"] == remaining
        admitted.append(r.json())
    r = await _post(env, key, camp.id, body)
    assert r.status_code == 429, r.text
    assert r.json()["code"] == "rate_limited" and r.json()["action"] == "discovery"
    assert r.json()["window"] == "minute" and r.json()["retryAfter"] >= 1
    assert r.headers["X-RateLimit-Limit"] == "3"
    assert r.headers["X-RateLimit-Window"] == "minute"
    assert r.headers["X-RateLimit-Remaining"] == "0"
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    for accepted in admitted:
        await _done(env.client, accepted)


async def test_every_fetch_discovery_makes_goes_through_the_ssrf_guard(env: Env) -> None:
    """With private targets refused (production), every address of the webhook tests'
    table is refused: as a seed at the API (422), as a page the fetch activity is given,
    and as a search result the workflow reads (reported `refused`, never connected)."""
    from activities.discovery import DiscoveryActivities
    from activities.enrichment import EnrichmentActivities

    strict = env.settings.model_copy(
        update={
            "webhook_allow_private_targets": False,
            "task_queue": env.settings.task_queue + "-strict",
        }
    )
    key, camp = await _campaign(env)
    async with api(strict, env.client) as http:
        for address, _reason in REFUSED:
            r = await http.post(
                f"{BASE}/campaigns/{camp.id}/discover",
                headers=auth(key),
                json={"domains": [_url(address)]},
            )
            assert (r.status_code, r.json()["code"]) == (422, "invalid_domain"), address

    acts = DiscoveryActivities(
        env.db, strict, env.client, EnrichmentActivities(env.db, strict, env.client)
    )
    pages = await asyncio.gather(*(acts.fetch_page(_url(a)) for a, _ in REFUSED))
    for (address, _reason), page in zip(REFUSED, pages, strict=True):
        assert page.status == "refused", (address, page)
        assert not page.people and not page.addresses

    # Search results are tenant-influenced: the same guard, at fetch time.
    sample = [a for a, _ in REFUSED[::4]]
    strict.search_url = env.search.url
    env.search.results = {"coffee roasters": [_url(a) for a in sample]}
    async with running_worker(env.client, strict, env.db):
        r = await _post(env, key, camp.id, {"icp": "coffee roasters"}, settings=strict)
        assert r.status_code == 202, r.text
        done = await _done(env.client, r.json())
        async with api(strict, env.client) as http:
            run = (
                await http.get(f"{BASE}/discovery-runs/{r.json()['id']}", headers=auth(key))
            ).json()
    assert done.created == 0
    statuses = {c["site"]: c["status"] for c in run["companies"]}
    assert len(statuses) == len(sample)
    assert set(statuses.values()) == {"refused"}, statuses


async def test_temporal_down_answers_503_writes_no_run_and_gives_the_slot_back(env: Env) -> None:
    import httpx
    from sqlmodel import select

    from api.deps import AppState
    from api.main import create_app
    from outreach.models import DiscoveryRun
    from tests.helpers import free_port

    key, camp = await _campaign(env)
    down = env.settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    app = create_app(down)
    app.state.outreach = AppState(down)  # no client: it must connect, and cannot
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        r = await http.post(
            f"{BASE}/campaigns/{camp.id}/discover",
            headers=auth(key),
            json={"domains": [env.sites.nullmx.url]},
        )
    await app.state.outreach.close()
    assert (r.status_code, r.json()["code"]) == (503, "temporal_unavailable")
    async with env.db.session() as s:
        runs = (await s.exec(select(DiscoveryRun).where(DiscoveryRun.campaign_id == camp.id))).all()
    assert runs == []  # no run left pending that never started
    again = await _post(env, key, camp.id, {"domains": [env.sites.nullmx.url]})
    assert again.status_code == 202
    assert again.headers["X-RateLimit-Remaining"] == "2"  # the refused start's slot came back
    await _done(env.client, again.json())
