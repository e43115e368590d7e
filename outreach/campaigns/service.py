"""Campaign rules, in one place for the API, the admin CLI and the tests: what a valid
campaign is, creating one, editing it (settings, steps, status), its counts, and telling
its running leads about a change.

Nothing here commits: the caller owns the transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from outreach import schedule
from outreach.autopilot import service as autopilot
from outreach.campaigns import counters
from outreach.campaigns.schemas import CampaignCreate, CampaignUpdate, SendWindowIn, StepIn
from outreach.campaigns.status import CampaignStatus, Channel, can_become
from outreach.config import Settings
from outreach.contracts import CAMPAIGN_SYNC_WORKFLOW
from outreach.emails import normalise_email
from outreach.errors import RuleBroken
from outreach.ids import new_id
from outreach.models import Campaign, Mailbox, Step, utcnow
from outreach.render import RENDERED_BODY_CAP, check_template, longest_render
from outreach.schemas import single_line

# A change to any of these reaches running leads (they re-read the campaign at once).
LIVE_FIELDS = frozenset(
    {
        "status",
        "timezone",
        "send_window",
        "daily_cap",
        "steps",
        "from_email",
        "mailbox_ids",
        "auto_enrich",
    }
)
# What an archived campaign may still change.
ARCHIVED_EDITABLE = frozenset({"name", "pitch_context"})


# -- rules -----------------------------------------------------------------------------------


def clean_name(name: str) -> str:
    if not name.strip():
        raise RuleBroken("name must not be blank.", "invalid_name")
    return single_line(name.strip(), "name")


def validate_steps(steps: Sequence[StepIn]) -> None:
    seen_email = False
    for i, step in enumerate(steps, start=1):
        try:
            schedule.parse_delay(step.delay)
        except ValueError as exc:
            raise RuleBroken(f"steps[{i}].delay: {exc}", "invalid_delay") from exc
        for name, text in (("subject", step.subject), ("body", step.body)):
            try:
                check_template(text or "")
            except ValueError as exc:
                raise RuleBroken(f"steps[{i}].{name}: {exc}", "invalid_template") from exc
        if not step.body.strip():
            raise RuleBroken(f"steps[{i}].body is empty", "invalid_step")
        if step.subject is not None:
            single_line(step.subject, f"steps[{i}].subject")
        longest = longest_render(step.body)
        if longest > RENDERED_BODY_CAP:
            raise RuleBroken(
                f"steps[{i}].body could render to {longest:,} characters (every variable and "
                f"spin group at its longest); at most {RENDERED_BODY_CAP:,} are sent: use "
                "fewer variables or shorter alternatives.",
                "template_too_large",
            )
        if step.channel == Channel.EMAIL:
            if not seen_email and not (step.subject or "").strip():
                raise RuleBroken(
                    f"steps[{i}] is the first email of the sequence and needs a subject "
                    "(later emails without one reply in the same thread as 'Re: <subject>').",
                    "missing_subject",
                )
            seen_email = True


def validate_settings(
    timezone: str | None,
    window: SendWindowIn | None,
    from_email: str | None,
    from_name: str | None = None,
) -> tuple[dict[str, Any] | None, str | None]:
    """(normalised window, normalised sender address); RuleBroken when one is invalid."""
    if from_name is not None:
        single_line(from_name, "fromName")
    if timezone is not None:
        try:
            schedule.zone(timezone)
        except ValueError as exc:
            raise RuleBroken(f"timezone: {exc}", "invalid_timezone") from exc
    norm_window = None
    if window is not None:
        try:
            norm_window = schedule.validate_window(window.model_dump())
        except ValueError as exc:
            raise RuleBroken(str(exc), "invalid_send_window") from exc
    norm_email = None
    if from_email is not None:
        try:
            norm_email = normalise_email(from_email)
        except ValueError as exc:
            raise RuleBroken(f"fromEmail: {exc}", "invalid_email") from exc
    return norm_window, norm_email


def check_booking_url(url: str | None) -> str | None:
    """A booking link must be an absolute http(s) URL on one line."""
    if url is None or not url.strip():
        return None
    url = single_line(url.strip(), "bookingUrl")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RuleBroken(
            "bookingUrl must be an absolute http(s) URL (e.g. https://cal.com/anita/15min).",
            "invalid_booking_url",
        )
    return url


async def check_mailboxes(
    session: AsyncSession, workspace_id: str, mailbox_ids: Sequence[str]
) -> list[str]:
    """The campaign's sending mailboxes, in the given order without repeats: each must be
    one of the workspace's mailboxes with SMTP settings (RuleBroken otherwise; another
    workspace's id is reported as unknown, never as someone else's)."""
    ids = list(dict.fromkeys(mailbox_ids))
    if not ids:
        return []
    rows = (
        await session.exec(
            select(Mailbox.id, Mailbox.smtp_host).where(
                Mailbox.workspace_id == workspace_id, col(Mailbox.id).in_(ids)
            )
        )
    ).all()
    found = {mid: host for mid, host in rows}
    unknown = [m for m in ids if m not in found]
    if unknown:
        raise RuleBroken(
            f"mailboxIds: no such mailbox: {', '.join(unknown[:5])}.", "unknown_mailbox"
        )
    receive_only = [m for m in ids if not found[m]]
    if receive_only:
        raise RuleBroken(
            f"mailboxIds: {', '.join(receive_only[:5])} cannot send (no `smtp` settings).",
            "mailbox_cannot_send",
        )
    return ids


def check_ready(campaign: Campaign, step_count: int) -> None:
    """An active campaign can send: it has a sender and at least one step."""
    if campaign.status == CampaignStatus.ACTIVE:
        missing = []
        if not campaign.from_email:
            missing.append("fromEmail")
        if step_count == 0:
            missing.append("at least one step")
        if missing:
            raise RuleBroken(
                f"An active campaign needs {' and '.join(missing)}.", "campaign_not_ready"
            )


# -- writes ----------------------------------------------------------------------------------


async def create(session: AsyncSession, workspace_id: str, body: CampaignCreate) -> Campaign:
    name = clean_name(body.name)
    window, from_email = validate_settings(
        body.timezone, body.send_window, body.from_email, body.from_name
    )
    validate_steps(body.steps)
    now = utcnow()
    campaign = Campaign(
        id=new_id("camp"),
        workspace_id=workspace_id,
        name=name,
        status=body.status,
        from_name=body.from_name,
        from_email=from_email,
        pitch_context=body.pitch_context,
        booking_url=check_booking_url(body.booking_url),
        daily_cap=body.daily_cap,
        timezone=body.timezone,
        send_window=window,
        mailbox_ids=await check_mailboxes(session, workspace_id, body.mailbox_ids),
        rotation=body.rotation,
        auto_enrich=body.auto_enrich,
        skip_undeliverable=body.skip_undeliverable,
        autopilot=autopilot.settings_from(body.autopilot),
        created_at=now,
        updated_at=now,
    )
    check_ready(campaign, len(body.steps))
    session.add(campaign)
    await session.flush()
    await replace_steps(session, campaign, body.steps)
    return campaign


async def update(session: AsyncSession, campaign: Campaign, body: CampaignUpdate) -> set[str]:
    """Apply a partial update; returns the live fields that changed (running leads must
    re-read the campaign when it is not empty)."""
    given = body.model_fields_set
    if campaign.status == CampaignStatus.ARCHIVED and given - ARCHIVED_EDITABLE:
        raise RuleBroken(
            "The campaign is archived; it can no longer be changed.", "campaign_archived"
        )
    window, from_email = validate_settings(
        body.timezone, body.send_window, body.from_email, body.from_name
    )
    if body.steps is not None:
        validate_steps(body.steps)
    if body.status and not can_become(campaign.status, body.status):
        raise RuleBroken(
            f"A campaign cannot go from '{campaign.status}' to '{body.status}'.",
            "invalid_status_transition",
        )
    before = campaign.model_dump()
    if "name" in given and body.name is not None:
        campaign.name = clean_name(body.name)
    for fld in ("status", "from_name", "pitch_context", "daily_cap", "timezone"):
        if fld in given:
            setattr(campaign, fld, getattr(body, fld))
    if "from_email" in given:
        campaign.from_email = from_email
    if "booking_url" in given:
        campaign.booking_url = check_booking_url(body.booking_url)
    if "send_window" in given:
        campaign.send_window = window
    if "mailbox_ids" in given and body.mailbox_ids is not None:
        campaign.mailbox_ids = await check_mailboxes(
            session, campaign.workspace_id, body.mailbox_ids
        )
    if "rotation" in given and body.rotation is not None:
        campaign.rotation = body.rotation
    for flag in ("auto_enrich", "skip_undeliverable"):
        if flag in given and getattr(body, flag) is not None:
            setattr(campaign, flag, getattr(body, flag))
    if "autopilot" in given:
        campaign.autopilot = autopilot.settings_from(body.autopilot)
    steps_after = (
        len(body.steps) if body.steps is not None else len(await load_steps(session, campaign.id))
    )
    check_ready(campaign, steps_after)
    if body.steps is not None:
        await replace_steps(session, campaign, body.steps)
    campaign.updated_at = utcnow()
    session.add(campaign)
    changed = {k for k in LIVE_FIELDS if k != "steps" and before.get(k) != getattr(campaign, k)}
    if body.steps is not None:
        changed.add("steps")
    return changed


async def replace_steps(session: AsyncSession, campaign: Campaign, steps: Sequence[StepIn]) -> None:
    """Positions keep their step ids; a lead's progress is counted in positions, so a step it
    already passed is never sent again, and every step it has not reached takes the edit."""
    existing = {st.position: st for st in await load_steps(session, campaign.id)}
    now = utcnow()
    for pos, new in enumerate(steps, start=1):
        row = existing.pop(pos, None) or Step(
            id=new_id("step"), campaign_id=campaign.id, position=pos, created_at=now
        )
        row.channel, row.delay = new.channel, new.delay
        row.subject, row.body, row.updated_at = new.subject, new.body, now
        session.add(row)
    if existing:
        await session.exec(
            delete(Step).where(
                col(Step.campaign_id) == campaign.id, col(Step.position).in_(list(existing))
            )
        )


def autopilot_schedule_stale(before: dict[str, Any], campaign: Campaign) -> bool:
    """Whether an update changed what the campaign's autopilot schedule follows (its
    settings, the campaign's status or time zone); `before` is `campaign.model_dump()`."""
    if before.get("autopilot") is None and campaign.autopilot is None:
        return False
    return any(before.get(k) != getattr(campaign, k) for k in ("autopilot", "status", "timezone"))


# -- reads -----------------------------------------------------------------------------------


async def load_steps(session: AsyncSession, campaign_id: str) -> list[Step]:
    return list(
        (
            await session.exec(
                select(Step).where(Step.campaign_id == campaign_id).order_by(col(Step.position))
            )
        ).all()
    )


async def counts_for(session: AsyncSession, ids: list[str]) -> dict[str, dict[str, int]]:
    """`_count` of each campaign: leads, sends sent (and not bounced), steps, replies; from
    the counters (outreach/campaigns/counters.py), so its cost does not grow with leads."""
    out = {i: {"leads": 0, "sends": 0, "steps": 0, "replies": 0} for i in ids}
    if not ids:
        return out
    for c in await counters.counters(session, ids, counters.COUNT_METRICS):
        counts = out[c.campaign_id]
        if c.metric == "leads":
            counts["leads"] += c.n
        elif c.metric in ("sent", "answer.sent"):
            counts["sends"] += c.n
        elif c.metric in ("bounced", "answer.bounced"):
            counts["sends"] -= c.n
        elif c.metric == "replied":
            counts["replies"] += c.n
    steps = (
        select(Step.campaign_id, func.count())
        .where(col(Step.campaign_id).in_(ids))
        .group_by(col(Step.campaign_id))
    )
    for cid, n in (await session.exec(steps)).all():
        out[cid]["steps"] = n
    return out


# -- running leads ---------------------------------------------------------------------------


async def notify_running_leads(client: Client, settings: Settings, campaign_id: str) -> None:
    """Tell every running lead of the campaign to re-read it (durably, in a workflow)."""
    await client.start_workflow(
        CAMPAIGN_SYNC_WORKFLOW,
        campaign_id,
        id=f"campaign-sync-{campaign_id}-{uuid.uuid4().hex[:12]}",
        task_queue=settings.task_queue,
    )
