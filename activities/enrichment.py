"""Lead enrichment's I/O: reading the lead, one DNS query, one page fetch (through the SSRF
guard, allowed by its origin's robots.txt, which this side reads and keeps: the workflow
only learns the outcome), the model's summary and opener, and storing the result on the
lead. Thin wrappers around outreach.enrichment (the rules, the parsing, the prompt)."""

from __future__ import annotations

import logging

from dns.asyncresolver import Resolver
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from activities.base import Activities
from outreach.classify.provider import LLMSettings
from outreach.config import Settings
from outreach.db import Database
from outreach.enrichment import address as addr
from outreach.enrichment import dns as edns
from outreach.enrichment import model, service
from outreach.enrichment.contracts import (
    AddressFacts,
    AddressQuery,
    EnrichResult,
    ModelRequest,
    ModelWritten,
    MxResult,
    PageResult,
    Source,
)
from outreach.enrichment.extract import parse_page, robots_allows, robots_url
from outreach.enrichment.fetch import (
    MAX_PAGE_BYTES,
    MAX_ROBOTS_BYTES,
    ROBOTS_AGENT,
    FetchRetry,
    fetch,
)
from outreach.enrichment.robots import RobotsCache, rules_from
from outreach.enrichment.status import SourceStatus
from outreach.models import Campaign, Lead, utcnow
from outreach.workpool import run_cpu

log = logging.getLogger("outreach.activities.enrichment")

DNS_UNAVAILABLE = "DnsUnavailable"  # retried by the workflow's policy, then `unknown`
FETCH_FAILED = "FetchFailed"  # network error, timeout or 5xx: retried, then `failed`
MODEL_FAILED = "ModelFailed"
# robots.txt unreachable: retried, then nothing of the site is fetched (RFC 9309)
ROBOTS_UNREACHABLE = "RobotsUnreachable"


def _now() -> str:
    return utcnow().isoformat().replace("+00:00", "Z")


class EnrichmentActivities(Activities):
    def __init__(self, db: Database, settings: Settings, client: Client) -> None:
        super().__init__(db, settings, client)
        self.robots_cache = RobotsCache()  # this worker's, shared by its page fetches

    def llm(self) -> LLMSettings:
        return LLMSettings.from_env()

    def resolver(self) -> Resolver:
        return edns.resolver_for(edns.parse_nameservers(self.settings.dns_nameservers))

    @activity.defn(name="enrich_read_address")
    async def read_address(self, lead_id: str) -> AddressFacts:
        async with self.db.session() as s:
            lead = await s.get(Lead, lead_id)
            email = lead.email if lead is not None else ""
        parsed = addr.parse_address(email) if email else None
        if parsed is None:
            return AddressFacts(syntax_ok=False)
        return AddressFacts(
            syntax_ok=True,
            domain=parsed.domain,
            company_domain=addr.company_domain(parsed.domain),
            disposable=addr.is_disposable(parsed.domain),
            role=addr.is_role_account(parsed.local),
            free_mail=addr.is_free_mail(parsed.domain),
        )

    @activity.defn(name="enrich_lookup_mx")
    async def lookup_mx(self, domain: str) -> MxResult:
        try:
            answer = await edns.lookup_mx(self.resolver(), domain)
        except edns.DnsUnavailable as exc:
            raise ApplicationError(str(exc), type=DNS_UNAVAILABLE) from None
        return MxResult(answer.nxdomain, answer.null_mx, answer.hosts or [], _now())

    @activity.defn(name="enrich_lookup_address")
    async def lookup_address(self, q: AddressQuery) -> bool:
        if q.kind not in ("A", "AAAA"):
            raise ApplicationError(f"not an address record type: {q.kind}", non_retryable=True)
        try:
            return await edns.has_address(self.resolver(), q.domain, q.kind)
        except edns.DnsUnavailable as exc:
            raise ApplicationError(str(exc), type=DNS_UNAVAILABLE) from None

    async def _get(self, url: str) -> tuple[Source, bytes, str]:
        try:
            got = await fetch(
                url,
                allow_private=self.settings.webhook_allow_private_targets,
                timeout=self.settings.enrich_fetch_timeout,
                max_bytes=MAX_PAGE_BYTES,
            )
        except FetchRetry as exc:
            raise ApplicationError(str(exc), type=FETCH_FAILED) from None
        source = Source(got.url, got.status, got.http_status, got.detail, _now())
        if got.status == SourceStatus.OK:
            return source, got.body, f"{got.content_type}\n{got.content_language}"
        return source, b"", ""

    async def _robots(self, url: str) -> tuple[Source, str | None]:
        """The robots.txt of `url`'s origin: its fetch's source and its rules (None: all
        allowed), from the cache when read lately. Unreachable (network error, timeout,
        5xx): ROBOTS_UNREACHABLE, retried by the workflow's policy, then nothing of that
        site is fetched (RFC 9309 §2.3.1.4)."""
        robots = robots_url(url)
        cached = self.robots_cache.get(robots)
        if cached is not None:
            return cached.source, cached.rules
        try:
            got = await fetch(
                robots,
                allow_private=self.settings.webhook_allow_private_targets,
                timeout=self.settings.enrich_fetch_timeout,
                max_bytes=MAX_ROBOTS_BYTES,
            )
        except FetchRetry as exc:
            raise ApplicationError(f"robots.txt: {exc}", type=ROBOTS_UNREACHABLE) from None
        source = Source(got.url, got.status, got.http_status, got.detail, _now())
        rules = rules_from(got.status, got.content_type, got.body)
        self.robots_cache.put(robots, source, rules)
        return source, rules

    async def read_allowed(self, url: str) -> tuple[Source, Source, bytes, str]:
        """robots.txt (cached), then the page if it allows it: (the page's source, the
        robots.txt fetch's source, the HTML body, its language). The body is empty unless
        the page was read and is HTML. Shared with discovery's page fetch."""
        robots, rules = await self._robots(url)
        allowed = rules is None or await run_cpu(robots_allows, rules, url, ROBOTS_AGENT)
        if not allowed:
            return Source(url, SourceStatus.ROBOTS), robots, b"", ""
        source, body, meta = await self._get(url)
        if source.status != SourceStatus.OK:
            return source, robots, b"", ""
        ctype, language = meta.split("\n", 1)
        if "html" not in ctype.lower():
            source.status, source.detail = SourceStatus.NOT_HTML, ctype[:100] or None
            return source, robots, b"", ""
        return source, robots, body, language

    @activity.defn(name="enrich_fetch_page")
    async def fetch_page(self, url: str) -> PageResult:
        source, robots, body, language = await self.read_allowed(url)
        if source.status != SourceStatus.OK:
            return PageResult(source, robots=robots)
        facts = await run_cpu(parse_page, source.url, body, language)
        return PageResult(source, facts, robots)

    @activity.defn(name="enrich_write_with_model")
    async def write_with_model(self, req: ModelRequest) -> ModelWritten:
        llm = self.llm()
        if not llm.enabled or not llm.model:
            return ModelWritten(model_off=True)
        async with self.db.session() as s:
            lead = await s.get(Lead, req.lead_id)
            if lead is None:
                return ModelWritten(model_off=True)
            campaign = await s.get(Campaign, lead.campaign_id)
            person = {
                "firstName": lead.first_name or "",
                "role": lead.role or "",
                "company": lead.company or "",
            }
            pitch = campaign.pitch_context if campaign else None
        try:
            summary, opener = await model.write_summary(llm, req.company, person, pitch)
        except model.ModelError as exc:
            raise ApplicationError(str(exc), type=MODEL_FAILED) from None
        return ModelWritten(summary, opener, llm.model)

    @activity.defn(name="enrich_store")
    async def store(self, result: EnrichResult) -> bool:
        """Write the result on the lead (False when the lead is gone: erased meanwhile)."""
        async with self.db.session() as s:
            lead = await s.get(Lead, result.lead_id)
            if lead is None:
                return False
            now = utcnow()
            lead.enrichment = service.stored(lead.enrichment, result, now)
            lead.updated_at = now
            s.add(lead)
            await s.commit()
        return True
