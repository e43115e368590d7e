"""EnrichLeadWorkflow (`enrich-<leadId>`): what a lead's address and company say about
them, stored on the lead.

1. The address without the network (syntax, role account, free mail, disposable domain).
2. DNS, one activity per query: MX; without MX (and no NXDOMAIN), A then AAAA.
3. The company's site (the request's `website`, else the lead's own `website` field, else
   `https://<email domain>/` unless the domain is free mail, disposable or NXDOMAIN): the
   home page and its about page, one activity per page, each through the SSRF guard and
   allowed by robots.txt, which the activity reads itself (none when robots.txt cannot be
   reached: RFC 9309), so the history holds small results only, never a site's robots.txt.
4. With a model configured (`OUTREACH_LLM_*`), a short summary and a one-line opener.
5. The result, on the lead (`enrichment`).

The lead is read and the result stored on the workflow's own task queue; DNS, pages and
the model on `<queue>-enrich`, whose worker bounds how many run at once
(OUTREACH_ENRICH_MAX_CONCURRENT_ACTIVITIES). Every activity has a timeout and a bounded
retry policy; a query or fetch that keeps
failing is recorded as such (deliverability `unknown`, a source `failed`), never retried
forever. The workflow never waits on a person.
"""

from __future__ import annotations

from dataclasses import asdict
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
    from activities.enrichment import ROBOTS_UNREACHABLE, EnrichmentActivities
    from outreach.enrichment.address import MailFacts, judge
    from outreach.enrichment.contracts import (
        ENRICH_LEAD_WORKFLOW,
        AddressQuery,
        EnrichDone,
        EnrichRequest,
        EnrichResult,
        ModelRequest,
        ModelWritten,
        PageResult,
        Source,
    )
    from outreach.enrichment.extract import PageFacts, merge, robots_url, site_root
    from outreach.enrichment.status import SourceStatus

# One DNS query: its own lifetime is 5 s; three tries a few seconds apart.
DNS_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=10),
    maximum_attempts=3,
    non_retryable_error_types=["BadDomain"],
)
DNS_TIMEOUT = timedelta(seconds=20)
# One page: the activity reads robots.txt (unless cached) and the page, each fetch with one
# deadline (OUTREACH_ENRICH_FETCH_TIMEOUT, 10 s, at most 25); a network error, timeout or 5xx
# is tried once more.
FETCH_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=10),
    maximum_attempts=2,
)
FETCH_TIMEOUT = timedelta(seconds=60)


def _queue() -> str:
    """DNS, pages and the model run on the enrichment task queue, wherever this workflow
    runs: a slow site holds only enrichment's activity slots."""
    return workflow.info().task_queue + ENRICH_QUEUE_SUFFIX


def _failure_type(exc: ActivityError) -> str | None:
    cause = exc.cause
    return cause.type if isinstance(cause, ApplicationError) else None


def _failure(exc: ActivityError) -> str:
    cause = exc.cause
    message = cause.message if isinstance(cause, ApplicationError) else str(cause or exc)
    return message[:300]


@workflow.defn(name=ENRICH_LEAD_WORKFLOW)
class EnrichLeadWorkflow:
    @workflow.run
    async def run(self, req: EnrichRequest) -> EnrichDone:
        acts = EnrichmentActivities
        sources: list[dict[str, Any]] = []
        address = await workflow.execute_activity_method(
            acts.read_address,
            req.lead_id,
            start_to_close_timeout=DB_TIMEOUT,
            retry_policy=DB_RETRY,
        )
        facts = MailFacts(
            syntax_ok=address.syntax_ok,
            disposable=address.disposable,
            role=address.role,
            free_mail=address.free_mail,
        )
        email: dict[str, Any] = {"domain": address.domain}
        if address.syntax_ok and address.domain:
            facts, email = await self._dns(address.domain, facts, email, sources)
        verdict = judge(facts)
        email.update(
            deliverability=verdict.deliverability.value,
            reasons=[str(r) for r in verdict.reasons],
            disposable=address.disposable,
            role=address.role,
            freeMail=address.free_mail,
        )

        # The email's domain names the company's site, unless it is free mail, disposable
        # or does not exist.
        own_site = address.company_domain and not facts.nxdomain
        site = (
            req.website
            or address.website
            or (f"https://{address.company_domain}/" if own_site else None)
        )
        company = await self._company(site, sources) if site else {}

        written = ModelWritten(model_off=True)
        if company:
            try:
                written = await workflow.execute_activity_method(
                    acts.write_with_model,
                    ModelRequest(req.lead_id, company),
                    task_queue=_queue(),
                    start_to_close_timeout=MODEL_TIMEOUT,
                    retry_policy=MODEL_RETRY,
                )
            except ActivityError as exc:
                written = ModelWritten(note=f"model failed ({_failure(exc)})")

        await workflow.execute_activity_method(
            acts.store,
            EnrichResult(
                lead_id=req.lead_id,
                run_id=workflow.info().run_id,
                email=email,
                company=company,
                sources=sources,
                summary=written.summary,
                opener=written.opener,
                model=written.model,
                note=written.note,
            ),
            start_to_close_timeout=DB_TIMEOUT,
            retry_policy=DB_RETRY,
        )
        return EnrichDone(req.lead_id, verdict.deliverability.value, bool(company))

    async def _dns(
        self,
        domain: str,
        facts: MailFacts,
        email: dict[str, Any],
        sources: list[dict[str, Any]],
    ) -> tuple[MailFacts, dict[str, Any]]:
        acts = EnrichmentActivities
        try:
            mx = await workflow.execute_activity_method(
                acts.lookup_mx,
                domain,
                task_queue=_queue(),
                start_to_close_timeout=DNS_TIMEOUT,
                retry_policy=DNS_RETRY,
            )
        except ActivityError as exc:
            sources.append({"kind": "dns", "query": f"MX {domain}", "error": _failure(exc)})
            return _with(facts, dns_failed=True), email
        sources.append({"kind": "dns", "query": f"MX {domain}", "at": mx.at})
        facts = _with(facts, nxdomain=mx.nxdomain, null_mx=mx.null_mx, mx_hosts=tuple(mx.hosts))
        email = {**email, "mx": mx.hosts, "nullMx": mx.null_mx}
        if mx.hosts or mx.nxdomain or mx.null_mx:
            return facts, email
        found = False
        for kind in ("A", "AAAA"):
            try:
                found = await workflow.execute_activity_method(
                    acts.lookup_address,
                    AddressQuery(domain, kind),
                    task_queue=_queue(),
                    start_to_close_timeout=DNS_TIMEOUT,
                    retry_policy=DNS_RETRY,
                )
            except ActivityError as exc:
                sources.append({"kind": "dns", "query": f"{kind} {domain}", "error": _failure(exc)})
                return _with(facts, dns_failed=True), email
            sources.append({"kind": "dns", "query": f"{kind} {domain}"})
            if found:
                break
        return _with(facts, has_address=found), email

    async def _company(self, site: str, sources: list[dict[str, Any]]) -> dict[str, Any]:
        """The home page and its about page, each fetched by one activity that first reads
        the origin's robots.txt (kept there, never here) and fetches only what it allows."""
        robots_read: set[str] = set()

        async def page(url: str) -> tuple[PageFacts | None, bool]:
            """The page's facts, and whether to go on (False: robots.txt unreachable)."""
            try:
                got = await workflow.execute_activity_method(
                    EnrichmentActivities.fetch_page,
                    url,
                    task_queue=_queue(),
                    start_to_close_timeout=FETCH_TIMEOUT,
                    retry_policy=FETCH_RETRY,
                )
            except ActivityError as exc:
                if _failure_type(exc) == ROBOTS_UNREACHABLE:
                    # RFC 9309 §2.3.1.4: robots.txt unreachable (network or server errors)
                    # means nothing may be fetched.
                    failed = Source(robots_url(url), SourceStatus.FAILED, detail=_failure(exc))
                    sources.append(_source(failed))
                    return None, False
                sources.append(_source(Source(url, SourceStatus.FAILED, detail=_failure(exc))))
                return None, True
            if got.robots is not None and got.robots.url not in robots_read:
                robots_read.add(got.robots.url)
                sources.append(_source(got.robots))
            sources.append(_source(got.source))
            return got.facts, True

        home, go_on = await page(site)
        if not go_on:
            return {}
        about_url = (home.about_url if home else None) or site_root(site) + "about"
        about = None
        if about_url.rstrip("/") != site.rstrip("/"):
            about, _ = await page(about_url)
        return merge(home, about)


def _with(facts: MailFacts, **changes: Any) -> MailFacts:
    from dataclasses import replace

    return replace(facts, **changes)


def _source(s: Source) -> dict[str, Any]:
    out = {"kind": "page", **asdict(s)}
    out["httpStatus"] = out.pop("http_status")
    return {k: v for k, v in out.items() if v not in (None, "")}


__all__ = ["EnrichLeadWorkflow", "PageResult"]
