"""Autopilot rules that touch the database, for the API and the activities: a campaign's
settings, checking a manual run, beginning a run (its day and quota), the replies whose
answers it drafts, counting what it enrolled, and recording its end.

The API's functions take its session and never commit; the activities' take the database.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from outreach.autopilot import rules
from outreach.autopilot.contracts import (
    AUTOPILOT_COMPLETED,
    BeginRequest,
    Begun,
    DraftBatch,
    Finish,
)
from outreach.autopilot.schemas import AutopilotIn, AutopilotRunOut
from outreach.autopilot.status import AutopilotRunStatus, AutopilotTrigger
from outreach.campaigns.status import CampaignStatus
from outreach.db import Database
from outreach.drafts.builtin import NO_DRAFT
from outreach.drafts.status import DraftStatus
from outreach.errors import RuleBroken
from outreach.events import record_event
from outreach.ids import new_id
from outreach.inbound.status import ReplyKind
from outreach.models import AutopilotRun, Campaign, Lead, OutboxItem, Reply, ReplyDraft, utcnow
from outreach.outbox import start_key
from outreach.schemas import dump

# -- settings (campaign create / PATCH) -------------------------------------------------------


def settings_from(body: AutopilotIn | None) -> dict[str, Any] | None:
    """The settings to store (None: no autopilot); RuleBroken (422) when one is wrong."""
    if body is None:
        return None
    try:
        return rules.normalise(body.model_dump(by_alias=True))
    except rules.SettingsError as exc:
        raise RuleBroken(str(exc), exc.code) from None


def check_runnable(campaign: Campaign) -> dict[str, Any]:
    """A manual run needs an active campaign with autopilot settings that say where to
    look (it may run while `enabled` is false: a trial run). RuleBroken (422) otherwise."""
    if campaign.status == CampaignStatus.ARCHIVED:
        raise RuleBroken(
            "The campaign is archived; its autopilot no longer runs.", "campaign_archived"
        )
    settings = campaign.autopilot
    discovery = (settings or {}).get("discovery") or {}
    if not settings or not (discovery.get("icp") or discovery.get("domains")):
        raise RuleBroken(
            "The campaign has no autopilot settings with discovery.icp or discovery.domains "
            "(PATCH /campaigns/{id} with `autopilot`).",
            "autopilot_not_configured",
        )
    if campaign.status != CampaignStatus.ACTIVE:
        raise RuleBroken(
            f"The campaign is {campaign.status}; its autopilot runs while it is active.",
            "campaign_not_active",
        )
    return settings


def new_run(
    campaign: Campaign, trigger: AutopilotTrigger, run_id: str | None = None
) -> AutopilotRun:
    now = utcnow()
    return AutopilotRun(
        id=run_id or new_id("aprun"),
        workspace_id=campaign.workspace_id,
        campaign_id=campaign.id,
        trigger=trigger,
        status=AutopilotRunStatus.RUNNING,
        started_at=now,
        created_at=now,
    )


# -- a run (the activities) ---------------------------------------------------------------------


async def used_today(session: AsyncSession, campaign_id: str, day: str, run_id: str) -> int:
    """Leads the day's other runs created, or hold while they run (their quota)."""
    rows = (
        await session.exec(
            select(AutopilotRun.status, AutopilotRun.quota, AutopilotRun.discovered).where(
                AutopilotRun.campaign_id == campaign_id,
                AutopilotRun.day == day,
                AutopilotRun.id != run_id,
            )
        )
    ).all()
    return sum(
        quota if status == AutopilotRunStatus.RUNNING else found for status, quota, found in rows
    )


async def begin(db: Database, req: BeginRequest) -> Begun:
    """The run's row (a scheduled run's is written here), its day and quota, and its plan
    from the campaign's settings as they are now. Idempotent (a retry finds the row)."""
    at = datetime.fromisoformat(req.at)
    async with db.session() as s:
        campaign = (
            await s.exec(select(Campaign).where(Campaign.id == req.campaign_id).with_for_update())
        ).first()
        run = await s.get(AutopilotRun, req.run_id)
        if campaign is None or campaign.workspace_id != req.workspace_id:
            return Begun(go=False, failed=True, note="the campaign is gone")
        if run is None:
            run = new_run(campaign, AutopilotTrigger(req.trigger), req.run_id)
        settings = campaign.autopilot or {}
        discovery = settings.get("discovery") or {}
        note = None
        if campaign.status != CampaignStatus.ACTIVE:
            note = f"the campaign is {campaign.status}"
        elif not settings:
            note = "the campaign has no autopilot settings"
        elif req.trigger == AutopilotTrigger.SCHEDULE and not settings.get("enabled"):
            note = "the autopilot is disabled"
        if run.day is None:
            run.day = rules.local_day(at, campaign.timezone)
            if note is None:
                used = await used_today(s, campaign.id, run.day, run.id)
                run.quota = rules.quota_left(int(settings.get("newLeadsPerDay", 0)), used)
        s.add(run)
        await s.commit()
        if note is not None:
            return Begun(go=False, note=note)
        return Begun(
            go=True,
            quota=run.quota,
            icp=discovery.get("icp"),
            domains=list(discovery.get("domains") or []),
            # The campaign's autoEnrich has each lead's workflow enrich it before step 1.
            enrich=bool(settings.get("enrich")) and not campaign.auto_enrich,
            draft_replies=bool(settings.get("draftReplies")),
        )


def draft_id_for(run_id: str, reply_id: str) -> str:
    """The draft a run writes for a reply: the same on a retried activity."""
    return "draft_" + hashlib.sha256(f"{run_id}:{reply_id}".encode()).hexdigest()[:20]


async def draft_rows(db: Database, batch: DraftBatch) -> list[str]:
    """Pending drafts for the campaign's replies that need an answer and have none (a
    failed draft does not count as one), oldest reply first, at most `limit`; the ids of
    the drafts to write. A retry answers the drafts it made before."""
    async with db.session() as s:
        replies = (
            await s.exec(
                select(Reply)
                .where(
                    Reply.campaign_id == batch.campaign_id,
                    Reply.kind == ReplyKind.REPLY,
                    col(Reply.needs_action).is_(True),
                    col(Reply.handled_at).is_(None),
                    col(Reply.lead_id).is_not(None),
                    col(Reply.label).is_not(None),
                    col(Reply.label).not_in(list(NO_DRAFT)),
                )
                .order_by(col(Reply.received_at), col(Reply.id))
                .limit(batch.limit * 4)
            )
        ).all()
        ids: list[str] = []
        for reply in replies:
            if len(ids) >= batch.limit:
                break
            mine = draft_id_for(batch.run_id, reply.id)
            drafts = (await s.exec(select(ReplyDraft).where(ReplyDraft.reply_id == reply.id))).all()
            if any(d.id == mine for d in drafts):
                ids.append(mine)
            elif not any(d.status != DraftStatus.FAILED for d in drafts):
                now = utcnow()
                s.add(
                    ReplyDraft(
                        id=mine,
                        workspace_id=reply.workspace_id,
                        reply_id=reply.id,
                        lead_id=reply.lead_id,
                        note="drafted by the campaign's autopilot",
                        created_at=now,
                        updated_at=now,
                    )
                )
                ids.append(mine)
        await s.commit()
        return ids


async def count_enrolled(db: Database, campaign_id: str, lead_ids: list[str]) -> int:
    """Of these leads, those in the campaign whose workflow has started (no start left
    waiting in the outbox)."""
    if not lead_ids:
        return 0
    async with db.session() as s:
        ids = set(
            (
                await s.exec(
                    select(Lead.id).where(
                        col(Lead.id).in_(lead_ids), Lead.campaign_id == campaign_id
                    )
                )
            ).all()
        )
        waiting = set(
            (
                await s.exec(
                    select(OutboxItem.lead_id).where(
                        col(OutboxItem.dedupe_key).in_([start_key(i) for i in ids])
                    )
                )
            ).all()
        )
        return len(ids - waiting)


async def finish(db: Database, f: Finish) -> str | None:
    """Record the run's end and `autopilot.completed` (its data: the run as GET shows it);
    the event's id (None when the run's row is gone). Idempotent."""
    async with db.session() as s:
        run = await s.get(AutopilotRun, f.run_id)
        if run is None:
            return None
        if run.finished_at is None:
            run.status = f.status
            run.discovery_run_id = f.discovery_run_id
            run.discovered, run.enriched = f.discovered, f.enriched
            run.enrolled, run.drafted = f.enrolled, f.drafted
            run.errors = [e[:300] for e in f.errors][:20]
            note = f.note or run.note
            run.note = note[:300] if note else None
            run.finished_at = utcnow()
            s.add(run)
        event_id = await record_event(
            s,
            workspace_id=run.workspace_id,
            type=AUTOPILOT_COMPLETED,
            data=dump(AutopilotRunOut.from_row(run)),
            dedupe_key=f"{AUTOPILOT_COMPLETED}:{run.id}",
        )
        await s.commit()
        return event_id
