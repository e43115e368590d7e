"""Lead discovery's I/O, thin: the run's row, the model's searches, one SearXNG search, one
page of a company's site (through enrichment's guarded, robots.txt-honouring read; the
workflow gets the people and addresses found, never the page), the leads (through the bulk
enrolment service) and the report. The rules live in outreach.discovery."""

from __future__ import annotations

import json
import logging

import httpx
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from activities.base import Activities
from activities.enrichment import EnrichmentActivities
from outreach.classify.provider import LLMSettings
from outreach.config import Settings
from outreach.db import Database
from outreach.discovery import model, service
from outreach.discovery.contracts import (
    CrawledPage,
    CreateLeads,
    DiscoveryRequest,
    LeadsCreated,
    PersonFact,
    QueryPlan,
    RunOpened,
    RunReport,
    SearchFound,
    SeenAddress,
)
from outreach.discovery.people import parse_people
from outreach.discovery.rules import MAX_RESULTS_PER_QUERY
from outreach.enrichment import address as addr
from outreach.enrichment.extract import merge, parse_page
from outreach.enrichment.fetch import USER_AGENT
from outreach.enrichment.status import SourceStatus
from outreach.workpool import run_cpu

log = logging.getLogger("outreach.activities.discovery")

SEARCH_FAILED = "SearchFailed"  # retried by the workflow's policy, then recorded
MODEL_FAILED = "ModelFailed"
MAX_SEARCH_BYTES = 2_000_000


class DiscoveryActivities(Activities):
    def __init__(
        self, db: Database, settings: Settings, client: Client, pages: EnrichmentActivities
    ) -> None:
        super().__init__(db, settings, client)
        self.pages = pages  # enrichment's page reader and its robots.txt cache

    def llm(self) -> LLMSettings:
        return LLMSettings.from_env()

    @activity.defn(name="discovery_open_run")
    async def open_run(self, req: DiscoveryRequest) -> RunOpened:
        async with self.db.session() as s:
            _, reason = await service.open_run(s, req)
        cfg = self.settings
        return RunOpened(
            takes_leads=reason is None,
            reason=reason,
            search_on=bool((cfg.search_url or "").strip()),
            max_companies=cfg.discovery_max_companies,
            max_pages=cfg.discovery_max_pages,
            crawl_delay_seconds=cfg.discovery_crawl_delay,
        )

    @activity.defn(name="discovery_plan_queries")
    async def plan_queries(self, icp: str) -> QueryPlan:
        llm = self.llm()
        if not llm.enabled or not llm.model:
            return QueryPlan(model_off=True)
        try:
            queries, roles = await model.plan_queries(llm, icp)
        except model.ModelError as exc:
            raise ApplicationError(str(exc), type=MODEL_FAILED) from None
        return QueryPlan(queries, roles, llm.model)

    @activity.defn(name="discovery_search")
    async def search(self, query: str) -> SearchFound:
        """One search on the configured SearXNG instance (its JSON API). Its results are
        only URLs here: each is fetched later through the SSRF guard."""
        base = (self.settings.search_url or "").strip().rstrip("/")
        if not base:
            return SearchFound()
        url = base if base.endswith("/search") else base + "/search"
        try:
            async with (
                httpx.AsyncClient(
                    timeout=self.settings.search_timeout, follow_redirects=False, trust_env=False
                ) as http,
                http.stream(
                    "GET",
                    url,
                    params={"q": query, "format": "json"},
                    headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                ) as r,
            ):
                if r.status_code >= 500 or r.status_code == 429:
                    raise ApplicationError(
                        f"search answered HTTP {r.status_code}", type=SEARCH_FAILED
                    )
                if r.status_code >= 400:
                    raise ApplicationError(
                        f"search answered HTTP {r.status_code}", non_retryable=True
                    )
                body = bytearray()
                async for chunk in r.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_SEARCH_BYTES:
                        raise ApplicationError("search answer too large", non_retryable=True)
        except httpx.HTTPError as exc:
            raise ApplicationError(f"search: {type(exc).__name__}", type=SEARCH_FAILED) from None
        try:
            data = json.loads(bytes(body))
            results = data.get("results", []) if isinstance(data, dict) else []
        except ValueError:
            raise ApplicationError("search answered no JSON", non_retryable=True) from None
        urls = [
            r["url"][:2000]
            for r in results
            if isinstance(r, dict) and isinstance(r.get("url"), str)
        ]
        return SearchFound(urls[: MAX_RESULTS_PER_QUERY * 2])

    @activity.defn(name="discovery_fetch_page")
    async def fetch_page(self, url: str) -> CrawledPage:
        """One page, if its origin's robots.txt allows it (ROBOTS_UNREACHABLE and
        FETCH_FAILED as enrichment's), with the people, addresses and next links on it."""
        source, robots, body, _language = await self.pages.read_allowed(url)
        page = CrawledPage(
            url=url,
            status=source.status,
            final_url=source.url,
            http_status=source.http_status,
            detail=source.detail,
            robots=robots.status,
        )
        if source.status != SourceStatus.OK:
            return page
        found = await run_cpu(parse_people, source.url, body)
        facts = await run_cpu(parse_page, source.url, body, "")
        page.company_name = merge(facts, None).get("name")
        page.people = [PersonFact(p.name, p.title, p.email, p.source) for p in found.people]
        page.addresses = [_seen(e) for e in found.emails]
        page.links = found.links
        return page

    @activity.defn(name="discovery_create_leads")
    async def create_leads(self, req: CreateLeads) -> LeadsCreated:
        return await service.create_leads(self.db, self.client, self.settings, req)

    @activity.defn(name="discovery_finish")
    async def finish(self, report: RunReport) -> bool:
        async with self.db.session() as s:
            return await service.finish(s, report)


def _seen(email: str) -> SeenAddress:
    local, _, domain = email.rpartition("@")
    return SeenAddress(
        email,
        role=addr.is_role_account(local),
        free_mail=addr.is_free_mail(domain),
        disposable=addr.is_disposable(domain),
    )
