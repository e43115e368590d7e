from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response
from sqlalchemy import func
from sqlmodel import col, delete, select
from temporalio.service import RPCError

from api import schemas as s
from api.deps import Principal, SessionDep, StateDep, require
from api.docs import scoped
from api.errors import APIError, not_found, unprocessable
from api.pagination import Page, page_params
from api.views import campaign_out, step_out
from outreach import schedule
from outreach.emails import normalise_email
from outreach.ids import new_id
from outreach.models import Campaign, Lead, Reply, Send, Step, utcnow
from outreach.render import check_template
from outreach.scopes import Scope

router = APIRouter(tags=["campaigns"])

# A change to any of these reaches running leads (they re-read the campaign at once).
LIVE_FIELDS = {"status", "timezone", "send_window", "daily_cap", "steps", "from_email"}
ALLOWED_TRANSITIONS = {
    "draft": {"draft", "active", "paused", "archived"},
    "active": {"active", "paused", "archived"},
    "paused": {"paused", "active", "archived"},
    "archived": {"archived"},
}


def clean_name(name: str) -> str:
    if not name.strip():
        raise unprocessable("name must not be blank.", "invalid_name")
    return name.strip()


def validate_steps(steps: list[s.StepIn]) -> None:
    seen_email = False
    for i, step in enumerate(steps, start=1):
        try:
            schedule.parse_delay(step.delay)
        except ValueError as exc:
            raise unprocessable(f"steps[{i}].delay: {exc}", "invalid_delay") from exc
        for name, text in (("subject", step.subject), ("body", step.body)):
            try:
                check_template(text or "")
            except ValueError as exc:
                raise unprocessable(f"steps[{i}].{name}: {exc}", "invalid_template") from exc
        if not step.body.strip():
            raise unprocessable(f"steps[{i}].body is empty", "invalid_step")
        if step.channel == "email":
            if not seen_email and not (step.subject or "").strip():
                raise unprocessable(
                    f"steps[{i}] is the first email of the sequence and needs a subject "
                    "(later emails without one reply in the same thread as 'Re: <subject>').",
                    "missing_subject",
                )
            seen_email = True


def validate_settings(
    timezone: str | None, window: s.SendWindowIn | None, from_email: str | None
) -> tuple[dict | None, str | None]:
    if timezone is not None:
        try:
            schedule.zone(timezone)
        except ValueError as exc:
            raise unprocessable(f"timezone: {exc}", "invalid_timezone") from exc
    norm_window = None
    if window is not None:
        try:
            norm_window = schedule.validate_window(window.model_dump())
        except ValueError as exc:
            raise unprocessable(str(exc), "invalid_send_window") from exc
    norm_email = None
    if from_email is not None:
        try:
            norm_email = normalise_email(from_email)
        except ValueError as exc:
            raise unprocessable(f"fromEmail: {exc}", "invalid_email") from exc
    return norm_window, norm_email


def check_ready(campaign: Campaign, step_count: int) -> None:
    if campaign.status == "active":
        missing = []
        if not campaign.from_email:
            missing.append("fromEmail")
        if step_count == 0:
            missing.append("at least one step")
        if missing:
            raise unprocessable(
                f"An active campaign needs {' and '.join(missing)}.", "campaign_not_ready"
            )


async def get_owned(session: SessionDep, principal: Principal, campaign_id: str) -> Campaign:
    campaign = await session.get(Campaign, campaign_id)
    if campaign is None or campaign.workspace_id != principal.workspace_id:
        raise not_found("Campaign")
    return campaign


async def counts_for(session: SessionDep, ids: list[str]) -> dict[str, dict[str, int]]:
    out = {i: {"leads": 0, "sends": 0, "steps": 0, "replies": 0} for i in ids}
    if not ids:
        return out
    queries: list[tuple[str, Any]] = [
        (
            "leads",
            select(Lead.campaign_id, func.count())
            .where(col(Lead.campaign_id).in_(ids))
            .group_by(Lead.campaign_id),
        ),
        (
            "sends",
            select(Send.campaign_id, func.count())
            .where(col(Send.campaign_id).in_(ids), Send.status == "sent")
            .group_by(Send.campaign_id),
        ),
        (
            "steps",
            select(Step.campaign_id, func.count())
            .where(col(Step.campaign_id).in_(ids))
            .group_by(Step.campaign_id),
        ),
        (
            "replies",
            select(Reply.campaign_id, func.count())
            .where(col(Reply.campaign_id).in_(ids))
            .group_by(Reply.campaign_id),
        ),
    ]
    for name, stmt in queries:
        for cid, n in (await session.exec(stmt)).all():
            out[cid][name] = n
    return out


async def load_steps(session: SessionDep, campaign_id: str) -> list[Step]:
    return list(
        (
            await session.exec(
                select(Step).where(Step.campaign_id == campaign_id).order_by(col(Step.position))
            )
        ).all()
    )


async def detail(session: SessionDep, campaign: Campaign) -> s.CampaignDetailOut:
    counts = (await counts_for(session, [campaign.id]))[campaign.id]
    base = campaign_out(campaign, counts)
    steps = await load_steps(session, campaign.id)
    return s.CampaignDetailOut(**base.model_dump(), steps=[step_out(x) for x in steps])


async def replace_steps(session: SessionDep, campaign: Campaign, steps: list[s.StepIn]) -> None:
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
                Step.campaign_id == campaign.id, col(Step.position).in_(list(existing))
            )
        )


async def notify_running_leads(state: StateDep, campaign_id: str) -> None:
    """Tell every running lead of the campaign to re-read it (durably, in a workflow)."""
    client = await state.temporal()
    await client.start_workflow(
        "CampaignSyncWorkflow",
        campaign_id,
        id=f"campaign-sync-{campaign_id}-{uuid.uuid4().hex[:12]}",
        task_queue=state.settings.task_queue,
    )


@router.get(
    "/campaigns",
    response_model=s.CampaignList,
    **scoped("campaigns:read", summary="List campaigns"),
)
async def list_campaigns(
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.CAMPAIGNS_READ)],
    page: Annotated[Page, Depends(page_params)],
    status: Literal["draft", "active", "paused", "archived"] | None = None,
) -> dict:
    """Campaigns of the workspace, newest first, with `_count` of leads, sends (sent),
    steps and replies. The `id` is what `POST /leads` takes as `campaignId`."""
    stmt = select(Campaign).where(Campaign.workspace_id == principal.workspace_id)
    if status:
        stmt = stmt.where(Campaign.status == status)
    rows = list((await session.exec(page.apply(stmt, Campaign))).all())
    counts = await counts_for(session, [c.id for c in rows[: page.limit]])
    return page.result(rows, lambda c: campaign_out(c, counts[c.id]))


@router.get(
    "/campaigns/{campaign_id}",
    response_model=s.CampaignDetailOut,
    **scoped("campaigns:read", 404, summary="Get a campaign with its steps"),
)
async def get_campaign(
    campaign_id: str,
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.CAMPAIGNS_READ)],
) -> s.CampaignDetailOut:
    return await detail(session, await get_owned(session, principal, campaign_id))


@router.post(
    "/campaigns",
    status_code=201,
    response_model=s.CampaignDetailOut,
    **scoped("campaigns:write", 422, summary="Create a campaign with its steps"),
)
async def create_campaign(
    body: s.CampaignCreate,
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.CAMPAIGNS_WRITE)],
) -> s.CampaignDetailOut:
    name = clean_name(body.name)
    window, from_email = validate_settings(body.timezone, body.send_window, body.from_email)
    validate_steps(body.steps)
    now = utcnow()
    campaign = Campaign(
        id=new_id("camp"),
        workspace_id=principal.workspace_id,
        name=name,
        status=body.status,
        from_name=body.from_name,
        from_email=from_email,
        pitch_context=body.pitch_context,
        daily_cap=body.daily_cap,
        timezone=body.timezone,
        send_window=window,
        created_at=now,
        updated_at=now,
    )
    check_ready(campaign, len(body.steps))
    session.add(campaign)
    await session.flush()
    await replace_steps(session, campaign, body.steps)
    await session.commit()
    return await detail(session, campaign)


@router.patch(
    "/campaigns/{campaign_id}",
    response_model=s.CampaignDetailOut,
    **scoped("campaigns:write", 404, 422, summary="Edit a campaign or its steps"),
)
async def update_campaign(
    campaign_id: str,
    body: s.CampaignUpdate,
    session: SessionDep,
    state: StateDep,
    response: Response,
    principal: Annotated[Principal, require(Scope.CAMPAIGNS_WRITE)],
) -> s.CampaignDetailOut:
    """Partial update. `steps`, when given, replaces the sequence: leads that have not
    reached a step get the new version; steps a lead already passed are never re-sent.
    Status changes (pause, resume, archive) reach running leads within a second."""
    campaign = await get_owned(session, principal, campaign_id)
    given = body.model_fields_set
    if campaign.status == "archived" and given - {"name", "pitch_context"}:
        raise unprocessable(
            "The campaign is archived; it can no longer be changed.", "campaign_archived"
        )
    for nullable_forbidden in ("name", "status", "timezone"):
        if nullable_forbidden in given and getattr(body, nullable_forbidden) is None:
            raise APIError(
                400, "invalid_request", f"Invalid request: '{nullable_forbidden}' cannot be null."
            )
    window, from_email = validate_settings(body.timezone, body.send_window, body.from_email)
    if body.steps is not None:
        validate_steps(body.steps)
    if body.status and body.status not in ALLOWED_TRANSITIONS[campaign.status]:
        raise unprocessable(
            f"A campaign cannot go from '{campaign.status}' to '{body.status}'.",
            "invalid_status_transition",
        )
    before = campaign.model_dump()
    if "name" in given:
        campaign.name = clean_name(body.name)  # type: ignore[arg-type]
    for fld in ("status", "from_name", "pitch_context", "daily_cap", "timezone"):
        if fld in given:
            setattr(campaign, fld, getattr(body, fld))
    if "from_email" in given:
        campaign.from_email = from_email
    if "send_window" in given:
        campaign.send_window = window
    steps_after = (
        len(body.steps) if body.steps is not None else len(await load_steps(session, campaign.id))
    )
    check_ready(campaign, steps_after)
    if body.steps is not None:
        await replace_steps(session, campaign, body.steps)
    campaign.updated_at = utcnow()
    session.add(campaign)
    await session.commit()
    changed = {k for k in LIVE_FIELDS if k != "steps" and before.get(k) != getattr(campaign, k)}
    if body.steps is not None:
        changed.add("steps")
    if changed:
        try:
            await notify_running_leads(state, campaign.id)
        except (APIError, RPCError):
            # Saved; leads re-read the campaign at every wake-up and every six hours anyway.
            response.headers["Warning"] = '199 - "running leads will pick the change up later"'
    return await detail(session, campaign)
