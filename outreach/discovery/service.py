"""Discovery's rules at the API and in its activities: checking a request, the run's row
(created once, idempotent on its id, by the API or by the workflow a parent started),
creating the leads through the bulk-enrolment service (dedupe, suppression, events and
the outbox exactly as `POST /leads/bulk`), and recording the report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from outreach.campaigns.status import CampaignStatus
from outreach.config import Settings
from outreach.db import Database
from outreach.discovery import rules
from outreach.discovery.contracts import (
    CreateLeads,
    DiscoveryRequest,
    LeadsCreated,
    RowOutcome,
    RunReport,
)
from outreach.discovery.status import DiscoveryStatus, Outcome
from outreach.errors import RuleBroken
from outreach.leads import bulk
from outreach.leads.status import LeadSource
from outreach.models import Campaign, DiscoveryRun, utcnow

CREATED_SO_FAR = "createdLeadIds"  # on the run's counts while its leads are being made


@dataclass
class Checked:
    icp: str | None
    sites: list[str]


def check(
    icp: str | None,
    domains: list[str],
    limit: int,
    *,
    search_on: bool,
    allow_private: bool,
) -> Checked:
    """The request's rules (RuleBroken, 422): something to start from, every seed a site,
    the limit within bounds, and no ICP-only request while search is off."""
    icp = " ".join(icp.split()) if icp else None
    if not icp and not domains:
        raise RuleBroken("Give an `icp`, `domains`, or both.", "nothing_to_discover")
    if not rules.MIN_LIMIT <= limit <= rules.MAX_LIMIT:
        raise RuleBroken(
            f"limit must be between {rules.MIN_LIMIT} and {rules.MAX_LIMIT}.", "invalid_limit"
        )
    sites: list[str] = []
    for raw in domains:
        try:
            site = rules.site_of(raw, allow_private)
        except rules.InvalidDomain as exc:
            raise RuleBroken(f"domains: {exc}", "invalid_domain") from None
        if site not in sites:
            sites.append(site)
    if not sites and not search_on:
        raise RuleBroken(
            "Web search is not configured (OUTREACH_SEARCH_URL), so an ICP alone finds no "
            "companies; give `domains` too.",
            "search_not_configured",
        )
    return Checked(icp, sites)


def new_run(
    req: DiscoveryRequest, status: DiscoveryStatus = DiscoveryStatus.PENDING
) -> DiscoveryRun:
    now = utcnow()
    return DiscoveryRun(
        id=req.run_id,
        workspace_id=req.workspace_id,
        campaign_id=req.campaign_id,
        status=status,
        trigger=req.trigger,
        icp=req.icp,
        domains=list(req.domains),
        max_leads=req.limit,
        counts={},
        companies=[],
        candidates=[],
        queries=[],
        created_at=now,
        updated_at=now,
    )


async def open_run(session: AsyncSession, req: DiscoveryRequest) -> tuple[DiscoveryRun, str | None]:
    """The run's row, created when absent (a parent workflow only starts the run), marked
    running; and why the campaign takes no leads (None: it does)."""
    run = await session.get(DiscoveryRun, req.run_id)
    if run is None:
        session.add(new_run(req, DiscoveryStatus.RUNNING))
        try:
            await session.commit()
        except IntegrityError:
            await session.rollback()  # the API wrote it meanwhile
        run = await session.get(DiscoveryRun, req.run_id)
        assert run is not None
    elif run.status == DiscoveryStatus.PENDING:
        run.status, run.updated_at = DiscoveryStatus.RUNNING, utcnow()
        session.add(run)
        await session.commit()
    campaign = await session.get(Campaign, req.campaign_id)
    if campaign is None or campaign.workspace_id != req.workspace_id:
        return run, "the campaign is gone"
    if campaign.status == CampaignStatus.ARCHIVED:
        return run, "the campaign is archived; it takes no new leads"
    return run, None


def _raw(row: Any) -> dict[str, Any]:
    out = {"email": row.email}
    for key, shown in (
        ("first_name", "firstName"),
        ("last_name", "lastName"),
        ("company", "company"),
        ("role", "role"),
    ):
        value = getattr(row, key)
        if value:
            out[shown] = value
    return out


async def create_leads(
    db: Database, client: Client, settings: Settings, req: CreateLeads
) -> LeadsCreated:
    """Enrol the rows best first, through `POST /leads/bulk`'s service, until `limit` new
    leads are made; the rest are `limit_reached`. Their workflows start as bulk's do (a
    few at a time; the outbox sweeper starts any that cannot start now). A retry after a
    crash reports the leads this run made as created, not as duplicates."""
    out: list[RowOutcome] = []
    async with db.session() as s:
        run = await s.get(DiscoveryRun, req.run_id)
        ours = set((run.counts if run else {}).get(CREATED_SO_FAR, []))
        campaign = await s.get(Campaign, req.campaign_id)
        if campaign is None:
            return LeadsCreated([RowOutcome(r.index, Outcome.INVALID, None, "the campaign is gone")
                                 for r in req.rows])  # fmt: skip
        pending = list(req.rows)
        made: list[str] = list(ours)
        while pending and len(made) < req.limit:
            chunk, pending = pending[: req.limit - len(made)], pending[req.limit - len(made) :]
            try:
                result = await bulk.enrol_many_retrying(
                    s, campaign, [_raw(r) for r in chunk], source=LeadSource(req.source)
                )
            except RuleBroken as exc:
                out += [RowOutcome(r.index, Outcome.INVALID, None, exc.message) for r in chunk]
                continue
            for row, got in zip(chunk, result.body["results"], strict=True):
                lead_id = got.get("leadId")
                outcome = rules.outcome_of(got["status"])
                if outcome == Outcome.DUPLICATE and lead_id in ours:
                    outcome = Outcome.CREATED
                elif outcome == Outcome.CREATED:
                    made.append(lead_id)
                reason = got.get("reason")
                if outcome == Outcome.DUPLICATE and reason is None:
                    reason = "the campaign has this address already"
                out.append(RowOutcome(row.index, outcome, lead_id, reason))
            if result.new:
                run = await s.get(DiscoveryRun, req.run_id)
                if run is not None:
                    run.counts = {**run.counts, CREATED_SO_FAR: made}
                    s.add(run)
                    await s.commit()
                await bulk.start_all(client, settings, db, result.new)
        out += [
            RowOutcome(r.index, Outcome.LIMIT_REACHED, None, f"the run's limit of {req.limit}")
            for r in pending
        ]
    return LeadsCreated(out)


async def finish(session: AsyncSession, report: RunReport) -> bool:
    run = await session.get(DiscoveryRun, report.run_id)
    if run is None:
        return False
    now = utcnow()
    run.status = report.status
    run.counts = dict(report.counts)
    run.companies = list(report.companies)
    run.candidates = list(report.candidates)
    run.queries = list(report.queries)
    run.error = report.error[:500] if report.error else None
    run.updated_at = run.finished_at = now
    session.add(run)
    await session.commit()
    return True
