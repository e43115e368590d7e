"""`POST /leads/{id}/enrich` end to end: the API answers 202 at once under the contract's
"Lead enrichment" limit, EnrichLeadWorkflow runs on the time-skipping server with the real
worker, asks the loopback DNS server and reads the loopback site, and `GET /leads/{id}`
shows what it found."""

from __future__ import annotations

from typing import Any

import pytest
from temporalio.client import WorkflowHandle

from outreach.enrichment.contracts import EnrichDone
from outreach.models import Campaign, Lead
from outreach.render import lead_variables, render
from tests.assist.conftest import serving_model
from tests.enrichment.conftest import Env
from tests.helpers import make_campaign, make_key, make_lead, make_workspace, reload
from tests.replies.helpers import api, auth

BASE = "/api/v1/outreach"


async def _lead(env: Env, email: str, plan: str = "pro") -> tuple[str, Lead]:
    ws = await make_workspace(env.db, plan=plan)
    key = await make_key(env.db, ws.id)
    camp = await make_campaign(env.db, ws.id)
    return key, await make_lead(env.db, camp, email, role="Founder")


async def _enrich(env: Env, key: str, lead: Lead, body: dict | None = None) -> Any:
    async with api(env.settings, env.client) as http:
        return await http.post(f"{BASE}/leads/{lead.id}/enrich", headers=auth(key), json=body)


async def _finished(env: Env, accepted: dict) -> EnrichDone:
    handle: WorkflowHandle[Any, EnrichDone] = env.client.get_workflow_handle(
        accepted["workflowId"], run_id=accepted["runId"], result_type=EnrichDone
    )
    return await handle.result()


def _payloads(history: Any) -> list[bytes]:
    """Every payload the history carries (inputs and results)."""
    out: list[bytes] = []

    def walk(msg: Any) -> None:
        for fd, value in msg.ListFields():
            if fd.message_type is None:
                continue
            items = value if fd.is_repeated else [value]
            for item in items:
                if fd.message_type.full_name == "temporal.api.common.v1.Payload":
                    out.append(item.data)
                elif hasattr(item, "ListFields"):
                    walk(item)

    for event in history.events:
        walk(event)
    return out


async def _shown(env: Env, key: str, lead: Lead) -> dict:
    async with api(env.settings, env.client) as http:
        r = await http.get(f"{BASE}/leads/{lead.id}", headers=auth(key))
        assert r.status_code == 200, r.text
        return r.json()["enrichment"]


async def test_enrich_answers_202_at_once_and_the_lead_shows_what_was_found(env: Env) -> None:
    key, lead = await _lead(env, "sam@acmewidgets.io")
    assert await _shown(env, key, lead) is None  # never enriched
    hits_before = len(env.site.hits)
    r = await _enrich(env, key, lead, {"website": env.site.url + "/"})
    assert r.status_code == 202, r.text
    accepted = r.json()
    assert accepted["status"] == "pending" and accepted["runId"]
    assert accepted["workflowId"] == f"enrich-{lead.id}"
    # The contract's Lead enrichment row: 30 a minute is the tightest window.
    assert (r.headers["X-RateLimit-Limit"], r.headers["X-RateLimit-Window"]) == ("30", "minute")
    assert r.headers["X-RateLimit-Remaining"] == "29"

    done = await _finished(env, accepted)
    assert (done.deliverability, done.company_found) == ("deliverable", True)
    shown = await _shown(env, key, lead)
    assert shown["status"] == "ready" and shown["runId"] == accepted["runId"]
    assert shown["enrichedAt"].endswith("Z") and shown["requestedAt"].endswith("Z")
    assert shown["email"]["deliverability"] == "deliverable"
    assert shown["email"]["reasons"] == ["mx_found"]
    assert shown["email"]["mx"] == ["mx1.acmewidgets.io", "mx2.acmewidgets.io"]
    company = shown["company"]
    assert company["name"] == "Acme Widgets Ltd"
    assert company["organization"]["sameAs"] == ["https://www.linkedin.com/company/acme-widgets"]
    assert company["openGraph"]["description"] == "Widgets that count your stock for you."
    assert company["language"] == "en-GB" and "twitter" in company["social"]
    # No model configured: the model's fields are absent, not empty.
    assert "summary" not in shown and "opener" not in shown
    fetched = [s["url"] for s in shown["sources"] if s["kind"] == "page"]
    assert fetched == [env.site.url + "/robots.txt", env.site.url + "/", env.site.url + "/about"]
    # robots.txt was read once for both pages, and only by the activity: the history holds
    # the outcome, never the file.
    assert env.site.hits[hits_before:].count("/robots.txt") <= 1
    history = await env.client.get_workflow_handle(
        accepted["workflowId"], run_id=accepted["runId"]
    ).fetch_history()
    carried = _payloads(history)
    assert carried and not any(b"Disallow" in p for p in carried)
    assert max(len(p) for p in carried) < 4000
    # The lead is read and stored on the main queue; DNS and pages on the enrichment queue.
    queues = {
        e.activity_task_scheduled_event_attributes.activity_type.name: (
            e.activity_task_scheduled_event_attributes.task_queue.name
        )
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
    }
    main, enrich = env.settings.task_queue, env.settings.enrich_task_queue
    assert queues == {
        "enrich_read_address": main,
        "enrich_lookup_mx": enrich,
        "enrich_fetch_page": enrich,
        "enrich_write_with_model": enrich,
        "enrich_store": main,
    }
    assert {"kind": "dns", "query": "MX acmewidgets.io"}.items() <= shown["sources"][0].items()
    # What it found fills the campaign's templates.
    row = await reload(env.db, Lead, lead.id)
    text = "{{opener|Hi}} {{firstName}} at {{companyName|your company}}"
    assert (
        render(text, lead_variables(row, await reload(env.db, Campaign, row.campaign_id)))
        == "Hi Sam at Acme Widgets Ltd"
    )


async def test_null_mx_role_account_and_a_page_robots_forbids(env: Env) -> None:
    key, lead = await _lead(env, "info@nullmx.io")
    hits_before = len(env.site.hits)
    r = await _enrich(env, key, lead, {"website": env.site.url + "/b/"})
    assert r.status_code == 202, r.text
    await _finished(env, r.json())
    shown = await _shown(env, key, lead)
    assert shown["email"]["deliverability"] == "undeliverable"
    assert shown["email"]["reasons"] == ["null_mx", "role_account"]
    assert shown["email"]["nullMx"] is True and shown["email"]["role"] is True
    assert (shown["company"]["name"], shown["company"]["language"]) == ("Beta GmbH", "de")
    refused = [s for s in shown["sources"] if s.get("status") == "disallowed_by_robots"]
    assert [s["url"] for s in refused] == [env.site.url + "/private/about"]
    assert "/private/about" not in env.site.hits[hits_before:]  # never requested


async def test_an_unreachable_robots_txt_means_nothing_of_the_site_is_fetched(env: Env) -> None:
    from tests.enrichment.servers import website

    key, lead = await _lead(env, "sam@acmewidgets.io")
    with website() as down:  # another origin: nothing of it cached
        down.robots_status = 503
        r = await _enrich(env, key, lead, {"website": down.url + "/"})
        done = await _finished(env, r.json())
        hits = list(down.hits)
    assert hits == ["/robots.txt", "/robots.txt"]  # tried twice (the policy), no page
    assert not done.company_found
    shown = await _shown(env, key, lead)
    pages = [s for s in shown["sources"] if s["kind"] == "page"]
    assert [(s["url"], s["status"]) for s in pages] == [(down.url + "/robots.txt", "failed")]
    assert "HTTP 503" in pages[0]["detail"] and "company" not in shown


async def test_a_4xx_robots_txt_allows_everything(env: Env) -> None:
    from tests.enrichment.servers import website

    key, lead = await _lead(env, "sam@acmewidgets.io")
    with website() as site:
        site.robots_status = 404
        r = await _enrich(env, key, lead, {"website": site.url + "/"})
        await _finished(env, r.json())
        hits = list(site.hits)
    assert hits == ["/robots.txt", "/", "/about"]  # read once for both pages
    shown = await _shown(env, key, lead)
    pages = {s["url"]: s for s in shown["sources"] if s["kind"] == "page"}
    assert pages[site.url + "/robots.txt"]["httpStatus"] == 404
    assert shown["company"]["name"] == "Acme Widgets Ltd"


@pytest.mark.parametrize(
    ("email", "deliverability", "reasons"),
    [
        ("sam@gmail.com", "deliverable", ["mx_found", "free_mail"]),
        ("sam@mailinator.com", "risky", ["disposable_domain", "mx_found"]),
        ("sam@nomx-but-a.io", "risky", ["no_mx_address_fallback"]),
        ("sam@nothing-here.io", "undeliverable", ["no_mail_server"]),
        ("sam@no-such-domain.io", "undeliverable", ["domain_not_found"]),
        ("sam@broken-dns.io", "unknown", ["dns_unavailable"]),  # SERVFAIL, 3 tries
    ],
)
async def test_deliverability_of_addresses_by_their_domains_dns(
    env: Env, email: str, deliverability: str, reasons: list[str]
) -> None:
    key, lead = await _lead(env, email)
    r = await _enrich(env, key, lead)
    assert r.status_code == 202, r.text
    done = await _finished(env, r.json())
    assert done.deliverability == deliverability
    shown = await _shown(env, key, lead)
    assert shown["email"]["reasons"] == reasons
    if email.endswith(("gmail.com", "mailinator.com", "no-such-domain.io")):
        # A free-mail, disposable or missing domain names no employer: no site is read.
        assert "company" not in shown
        assert all(s["kind"] == "dns" for s in shown["sources"])


async def test_the_contract_limit_refuses_the_31st_call_in_a_minute(env: Env) -> None:
    key, lead = await _lead(env, "sam@no-such-domain.io")
    runs = []
    async with api(env.settings, env.client) as http:
        for n in range(30):
            r = await http.post(f"{BASE}/leads/{lead.id}/enrich", headers=auth(key))
            assert r.status_code == 202, (n, r.text)
            assert r.headers["X-RateLimit-Remaining"] == str(29 - n)
            runs.append(r.json())
        r = await http.post(f"{BASE}/leads/{lead.id}/enrich", headers=auth(key))
    assert r.status_code == 429
    assert r.json()["code"] == "rate_limited" and r.json()["action"] == "lead_enrichment"
    assert int(r.headers["Retry-After"]) >= 1
    assert (r.headers["X-RateLimit-Limit"], r.headers["X-RateLimit-Window"]) == ("30", "minute")
    assert r.headers["X-RateLimit-Remaining"] == "0"
    for accepted in {a["runId"]: a for a in runs}.values():
        await _finished(env, accepted)


async def test_refusals_spend_nothing(env: Env) -> None:
    key, lead = await _lead(env, "sam@acmewidgets.io")
    other_key, _ = await _lead(env, "x@acmewidgets.io")
    for body in ({"website": "ftp://acmewidgets.io/"}, {"website": "http://169.254.169.254/"}):
        r = await _enrich(env, key, lead, body)
        assert (r.status_code, r.json()["code"]) == (422, "invalid_website")
        assert "X-RateLimit-Remaining" not in r.headers
    r = await _enrich(env, key, lead, {"website": 5})
    assert r.status_code == 400
    r = await _enrich(env, other_key, lead)  # another workspace's lead
    assert r.status_code == 404
    assert await _shown(env, key, lead) is None


async def test_with_a_model_the_lead_gets_a_summary_and_an_opener(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, lead = await _lead(env, "sam@acmewidgets.io")
    with serving_model() as fake:
        monkeypatch.setenv("OUTREACH_LLM_BASE_URL", fake.url)
        monkeypatch.setenv("OUTREACH_LLM_MODEL", "fake-model-1")
        fake.answers = [
            '{"summary": "Acme Widgets makes stock-counting widgets for shops.",'
            ' "opener": "Your stock-counting widget looks like a time saver."}'
        ]
        r = await _enrich(env, key, lead, {"website": env.site.url + "/"})
        await _finished(env, r.json())
    shown = await _shown(env, key, lead)
    assert shown["summary"] == "Acme Widgets makes stock-counting widgets for shops."
    assert shown["opener"] == "Your stock-counting widget looks like a time saver."
    assert shown["model"] == "fake-model-1"
    prompt = fake.requests[0]["body"]["messages"][1]["content"]
    assert "Acme Widgets Ltd" in prompt and "Founder" in prompt
    row = await reload(env.db, Lead, lead.id)
    assert render(
        "{{opener}}", lead_variables(row, await reload(env.db, Campaign, row.campaign_id))
    ).startswith("Your stock-counting")


async def test_a_redirected_site_is_read_and_a_slow_page_recorded_failed(env: Env) -> None:
    key, lead = await _lead(env, "sam@acmewidgets.io")
    r = await _enrich(env, key, lead, {"website": env.site.url + "/old"})
    await _finished(env, r.json())
    shown = await _shown(env, key, lead)
    pages = {s["url"]: s for s in shown["sources"] if s["kind"] == "page"}
    assert pages[env.site.url + "/"]["status"] == "ok"  # /old answered 301 to /
    assert shown["company"]["name"] == "Acme Widgets Ltd"

    key, lead = await _lead(env, "sam@acmewidgets.io")
    env.site.slow_seconds = 3.0  # past the 1 s fetch deadline of this worker
    r = await _enrich(env, key, lead, {"website": env.site.url + "/slow"})
    await _finished(env, r.json())
    shown = await _shown(env, key, lead)
    slow = next(s for s in shown["sources"] if s.get("url") == env.site.url + "/slow")
    assert slow["status"] == "failed" and "within 1 s" in slow["detail"]
    # The rest still counts: the address, and the about page of the same site.
    assert shown["email"]["deliverability"] == "deliverable"
    assert shown["company"]["description"] == "Founded in 2019 in Leeds."


async def test_a_failing_model_leaves_the_fields_absent_and_says_why(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, lead = await _lead(env, "sam@acmewidgets.io")
    with serving_model() as fake:
        monkeypatch.setenv("OUTREACH_LLM_BASE_URL", fake.url)
        monkeypatch.setenv("OUTREACH_LLM_MODEL", "fake-model-1")
        fake.answers = ["HTTP 500"]
        r = await _enrich(env, key, lead, {"website": env.site.url + "/"})
        await _finished(env, r.json())
    shown = await _shown(env, key, lead)
    assert len(fake.requests) == 3  # the activity's bounded retries
    assert "summary" not in shown and "opener" not in shown
    assert shown["note"] == "model failed (model answered HTTP 500)"
    assert shown["company"]["name"] == "Acme Widgets Ltd"


async def test_temporal_down_answers_503_and_spends_nothing(env: Env) -> None:
    import httpx

    from api.deps import AppState
    from api.main import create_app
    from tests.helpers import free_port

    key, lead = await _lead(env, "sam@acmewidgets.io")
    down = env.settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    app = create_app(down)
    app.state.outreach = AppState(down)  # no client: it must connect, and cannot
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        r = await http.post(f"{BASE}/leads/{lead.id}/enrich", headers=auth(key))
    await app.state.outreach.close()
    assert (r.status_code, r.json()["code"]) == (503, "temporal_unavailable")
    assert await _shown(env, key, lead) is None  # no run pending that never started
    again = await _enrich(env, key, lead)
    assert again.status_code == 202
    assert again.headers["X-RateLimit-Remaining"] == "29"  # the refused start's slot came back
    await _finished(env, again.json())


async def test_enrichment_activities_have_their_own_bounded_queue(env: Env) -> None:
    from tests.helpers import running_worker

    queue = env.settings.task_queue + "-built"
    cfg = env.settings.model_copy(
        update={"task_queue": queue, "enrich_max_concurrent_activities": 7}
    )
    async with running_worker(env.client, cfg, env.db) as built:
        workers = {w.task_queue: w for w in built}
    assert cfg.enrich_task_queue == cfg.task_queue + "-enrich"
    enrich = workers[cfg.enrich_task_queue].config()
    assert enrich.get("max_concurrent_activities") == 7 and not enrich.get("workflows")
    names = {getattr(a, "__temporal_activity_definition").name for a in enrich["activities"]}
    assert names == {
        "enrich_lookup_mx",
        "enrich_lookup_address",
        "enrich_fetch_page",
        "enrich_write_with_model",
        # lead discovery's network activities share the queue (and its bound)
        "discovery_plan_queries",
        "discovery_search",
        "discovery_fetch_page",
    }
    main = {
        getattr(a, "__temporal_activity_definition").name
        for a in workers[cfg.task_queue].config()["activities"]
    }
    assert {n for n in main if n.startswith("enrich_")} == {"enrich_read_address", "enrich_store"}
