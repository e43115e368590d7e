"""DiscoveryWorkflow (`discover-<runId>`): from an ideal-customer description and seed
domains to new leads in a campaign, with a report of every candidate's outcome.

1. The run's row: created when absent (an autopilot parent only starts this workflow),
   marked running; a campaign that is gone or archived ends the run `failed`.
2. The companies: the seeds, then, with search configured (OUTREACH_SEARCH_URL) and an
   ICP, the sites a few searches find (written by the model when one is set, else from
   the ICP's keywords); at most `max_companies`.
3. Each company's site, politely: the home page, then the team, people, about and contact
   pages it links to, at most `max_pages`, one activity per page (robots.txt read and
   honoured there, every fetch through the SSRF guard, 1 MB a page) with a pause between
   two pages of one site. The history holds what was found (people, addresses, links),
   never a page.
4. The candidates (pure: outreach.discovery.rules): each person with the address seen next
   to their name, else one from the pattern the site's own addresses confirm; ranked by the
   ICP's roles; those that do not fit, or have no address, are settled here.
5. Each mail domain's MX (enrichment's DNS activities): an address whose domain takes no
   mail is `undeliverable`.
6. The leads, best first, through the bulk-enrolment service (dedupe, suppression, events,
   outbox), until `limit` are made; then the report on the run's row.

The row and the leads are written on the workflow's own task queue; searches, pages, DNS
and the model run on `<queue>-enrich`. Every activity has a timeout and a bounded retry
policy; a search, page or query that keeps failing is recorded, never retried forever.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

from workflows.policies import (
    DB_RETRY,
    DB_TIMEOUT,
    ENRICH_QUEUE_SUFFIX,
    MODEL_RETRY,
    MODEL_TIMEOUT,
)

with workflow.unsafe.imports_passed_through():
    from activities.discovery import DiscoveryActivities
    from activities.enrichment import ROBOTS_UNREACHABLE, EnrichmentActivities
    from outreach.discovery import rules
    from outreach.discovery.contracts import (
        DISCOVERY_WORKFLOW,
        CrawledPage,
        CreateLeads,
        DiscoveryDone,
        DiscoveryRequest,
        LeadRow,
        QueryPlan,
        RunOpened,
        RunReport,
    )
    from outreach.discovery.ranking import roles_in
    from outreach.discovery.status import CompanyStatus, DiscoveryStatus, Outcome
    from outreach.enrichment.address import MailFacts, judge
    from outreach.enrichment.contracts import AddressQuery
    from outreach.enrichment.status import Deliverability, SourceStatus
    from outreach.leads.status import LeadSource
    from workflows.enrichment import DNS_RETRY, DNS_TIMEOUT, FETCH_RETRY, FETCH_TIMEOUT

# One search: its own deadline is OUTREACH_SEARCH_TIMEOUT (10 s, at most 30); three tries.
SEARCH_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=10),
    maximum_attempts=3,
)
SEARCH_TIMEOUT = timedelta(seconds=45)
# Enrolling up to 100 leads and starting their workflows (bounded concurrency).
CREATE_TIMEOUT = timedelta(minutes=2)


def _queue() -> str:
    return workflow.info().task_queue + ENRICH_QUEUE_SUFFIX


def _failure(exc: ActivityError) -> str:
    cause = exc.cause
    message = cause.message if isinstance(cause, ApplicationError) else str(cause or exc)
    return message[:300]


def _failure_type(exc: ActivityError) -> str | None:
    cause = exc.cause
    return cause.type if isinstance(cause, ApplicationError) else None


def _read_count(companies: list[dict[str, Any]]) -> int:
    """The companies whose site was tried (not invalid seeds, not failed searches)."""
    skipped = (CompanyStatus.INVALID, CompanyStatus.LIMIT_REACHED)
    return len([c for c in companies if "site" in c and c["status"] not in skipped])


@workflow.defn(name=DISCOVERY_WORKFLOW)
class DiscoveryWorkflow:
    @workflow.run
    async def run(self, req: DiscoveryRequest) -> DiscoveryDone:
        opened: RunOpened = await workflow.execute_activity_method(
            DiscoveryActivities.open_run,
            req,
            start_to_close_timeout=DB_TIMEOUT,
            retry_policy=DB_RETRY,
        )
        if not opened.takes_leads:
            await self._finish(RunReport(req.run_id, DiscoveryStatus.FAILED, error=opened.reason))
            return DiscoveryDone(req.run_id, 0)

        companies: list[dict[str, Any]] = []
        sites: list[tuple[str, str]] = []  # (site, from)
        for raw in req.domains[: rules.MAX_DOMAINS]:
            try:
                sites.append((rules.site_of(raw, judge_address=False), "seed"))
            except rules.InvalidDomain as exc:
                companies.append({"site": raw[:300], "from": "seed",
                                  "status": CompanyStatus.INVALID, "detail": str(exc)})  # fmt: skip
        roles = roles_in(req.icp)
        queries: list[str] = []
        if opened.search_on and req.icp:
            plan = await self._plan(req.icp)
            roles = list(dict.fromkeys([*roles, *roles_in(" ".join(plan.roles))]))
            queries = plan.queries or rules.keyword_queries(req.icp)
            for q in queries[: rules.MAX_QUERIES]:
                for site in await self._search(q, companies):
                    sites.append((site, "search"))

        seen: set[str] = set()
        candidates: list[rules.Candidate] = []
        for site, origin in sites:
            if site in seen:
                continue
            seen.add(site)
            if _read_count(companies) >= opened.max_companies:
                companies.append({"site": site, "from": origin,
                                  "status": CompanyStatus.LIMIT_REACHED})  # fmt: skip
                continue
            pages, entry = await self._crawl(site, opened)
            entry["from"] = origin
            companies.append(entry)
            room = rules.MAX_CANDIDATES - len(candidates)
            if room > 0:
                candidates += rules.candidates_of(site, pages)[:room]

        ranked = rules.judge_fit(candidates, roles)
        await self._check_addresses(ranked)
        await self._create(req, ranked)

        report = RunReport(
            req.run_id,
            DiscoveryStatus.COMPLETED,
            counts=rules.counts(ranked, len([c for c in companies if "site" in c])),
            companies=companies,
            candidates=[c.report() for c in ranked],
            queries=queries,
        )
        await self._finish(report)
        created = [c.lead_id for c in ranked if c.outcome == Outcome.CREATED and c.lead_id]
        return DiscoveryDone(req.run_id, len(created), created, len(ranked))

    async def _plan(self, icp: str) -> QueryPlan:
        """The model's searches and roles; without a model (or when it keeps failing), none
        (the ICP's keywords make the searches)."""
        try:
            plan: QueryPlan = await workflow.execute_activity_method(
                DiscoveryActivities.plan_queries,
                icp,
                task_queue=_queue(),
                start_to_close_timeout=MODEL_TIMEOUT,
                retry_policy=MODEL_RETRY,
            )
        except ActivityError:
            return QueryPlan()
        return plan

    async def _search(self, query: str, companies: list[dict[str, Any]]) -> list[str]:
        try:
            found = await workflow.execute_activity_method(
                DiscoveryActivities.search,
                query,
                task_queue=_queue(),
                start_to_close_timeout=SEARCH_TIMEOUT,
                retry_policy=SEARCH_RETRY,
            )
        except ActivityError as exc:
            companies.append({"search": query, "status": CompanyStatus.UNREACHABLE,
                              "detail": _failure(exc)})  # fmt: skip
            return []
        return rules.sites_from_results(found.urls)

    async def _crawl(
        self, site: str, opened: RunOpened
    ) -> tuple[list[CrawledPage], dict[str, Any]]:
        """The home page, then the pages it links to that name people, one at a time with
        a pause between them; stops at a robots.txt that cannot be read (RFC 9309)."""
        pages: list[CrawledPage] = []
        entry: dict[str, Any] = {"site": site, "pages": []}
        queue = [site]
        planned = False
        while queue and len(pages) < opened.max_pages:
            url = queue.pop(0)
            if pages and opened.crawl_delay_seconds > 0:
                await workflow.sleep(timedelta(seconds=opened.crawl_delay_seconds))
            try:
                page = await workflow.execute_activity_method(
                    DiscoveryActivities.fetch_page,
                    url,
                    task_queue=_queue(),
                    start_to_close_timeout=FETCH_TIMEOUT,
                    retry_policy=FETCH_RETRY,
                )
            except ActivityError as exc:
                status = (
                    SourceStatus.ROBOTS
                    if _failure_type(exc) == ROBOTS_UNREACHABLE
                    else SourceStatus.FAILED
                )
                entry["pages"].append({"url": url, "status": status, "detail": _failure(exc)})
                if status == SourceStatus.ROBOTS or not pages:
                    break  # robots.txt unreachable, or the home page failing: leave the site
                continue
            pages.append(page)
            shown = {"url": page.final_url or url, "status": page.status}
            if page.detail:
                shown["detail"] = page.detail
            entry["pages"].append(shown)
            if not planned:
                planned = True
                if page.status != SourceStatus.OK:
                    break  # no home page: nothing links further
                queue = rules.next_pages(site, page.links, opened.max_pages)
        read = [p for p in pages if p.status == SourceStatus.OK]
        first = entry["pages"][0]["status"] if entry["pages"] else SourceStatus.FAILED
        if read:
            entry["status"] = CompanyStatus.READ
        elif first == SourceStatus.REFUSED:
            entry["status"] = CompanyStatus.REFUSED
        elif first == SourceStatus.ROBOTS:
            entry["status"] = CompanyStatus.ROBOTS
        else:
            entry["status"] = CompanyStatus.UNREACHABLE
        name = next((p.company_name for p in read if p.company_name), None)
        if name:
            entry["name"] = name
        return pages, entry

    async def _check_addresses(self, ranked: list[rules.Candidate]) -> None:
        """Each mail domain of the candidates still open, asked once (MX, then A / AAAA
        without MX); an address whose domain cannot take mail is `undeliverable`."""
        verdicts: dict[str, Deliverability] = {}
        for c in ranked:
            if c.outcome is not None or not c.email:
                continue
            domain = c.email.rsplit("@", 1)[1]
            if domain not in verdicts:
                verdicts[domain] = await self._deliverability(domain)
            if verdicts[domain] == Deliverability.UNDELIVERABLE:
                c.outcome = Outcome.UNDELIVERABLE
                c.reason = f"{domain} takes no mail (no MX, null MX or no such domain)"

    async def _deliverability(self, domain: str) -> Deliverability:
        try:
            mx = await workflow.execute_activity_method(
                EnrichmentActivities.lookup_mx,
                domain,
                task_queue=_queue(),
                start_to_close_timeout=DNS_TIMEOUT,
                retry_policy=DNS_RETRY,
            )
        except ActivityError:
            return Deliverability.UNKNOWN
        facts = MailFacts(syntax_ok=True, nxdomain=mx.nxdomain, null_mx=mx.null_mx,
                          mx_hosts=tuple(mx.hosts))  # fmt: skip
        if not (mx.hosts or mx.nxdomain or mx.null_mx):
            found = False
            for kind in ("A", "AAAA"):
                try:
                    found = await workflow.execute_activity_method(
                        EnrichmentActivities.lookup_address,
                        AddressQuery(domain, kind),
                        task_queue=_queue(),
                        start_to_close_timeout=DNS_TIMEOUT,
                        retry_policy=DNS_RETRY,
                    )
                except ActivityError:
                    return Deliverability.UNKNOWN
                if found:
                    break
            facts = MailFacts(syntax_ok=True, has_address=found)
        return judge(facts).deliverability

    async def _create(self, req: DiscoveryRequest, ranked: list[rules.Candidate]) -> None:
        open_ = [(i, c) for i, c in enumerate(ranked) if c.outcome is None and c.email]
        if not open_:
            return
        source = LeadSource.AUTOPILOT if req.trigger == "autopilot" else LeadSource.DISCOVERY
        rows = [
            LeadRow(i, c.email or "", c.first_name, c.last_name, c.company_name, c.title)
            for i, c in open_
        ]
        made = await workflow.execute_activity_method(
            DiscoveryActivities.create_leads,
            CreateLeads(req.run_id, req.campaign_id, req.limit, rows, source),
            start_to_close_timeout=CREATE_TIMEOUT,
            retry_policy=DB_RETRY,
        )
        for row in made.rows:
            c = ranked[row.index]
            c.outcome, c.lead_id, c.reason = row.outcome, row.lead_id, row.reason

    async def _finish(self, report: RunReport) -> None:
        await workflow.execute_activity_method(
            DiscoveryActivities.finish,
            report,
            start_to_close_timeout=DB_TIMEOUT,
            retry_policy=DB_RETRY,
        )


__all__ = ["DiscoveryWorkflow"]
