"""The contract's rate limits at the API: take a slot, or answer 429 with its headers.

A route checks what it can (404, 422) first, so a call that would fail spends nothing;
then `take_slot` either admits it (the hit is written in the request's transaction, and the
`X-RateLimit-*` headers of the tightest window go on the response) or refuses it with 429
`rate_limited`, `Retry-After`, `X-RateLimit-Limit`, `X-RateLimit-Window` and
`X-RateLimit-Remaining`, having written nothing.
"""

from __future__ import annotations

from fastapi import Response
from sqlmodel.ext.asyncio.session import AsyncSession

from api.deps import AppState, Principal
from api.errors import APIError
from outreach.metrics import RATE_LIMIT_REFUSALS
from outreach.ratelimit import service
from outreach.ratelimit.limits import RateAction, Verdict, limits_for

SHOWN = {
    RateAction.DISCOVERY: "Discovery",
    RateAction.LEAD_ENRICHMENT: "Lead enrichment",
    RateAction.REPLY_DRAFT: "Reply draft",
    RateAction.TOUCH_REGENERATE: "Channel-touch regenerate",
    RateAction.AUTOPILOT_RUN: "Autopilot manual run",
}


class Slot:
    """An admitted call: its headers, and the hit to give back if its work cannot start."""

    def __init__(self, verdict: Verdict, hit_id: int | None) -> None:
        self.verdict = verdict
        self.hit_id = hit_id

    def headers(self) -> dict[str, str]:
        return self.verdict.headers()


async def take_slot(
    session: AsyncSession,
    state: AppState,
    principal: Principal,
    action: RateAction,
    response: Response | None = None,
) -> Slot:
    limits = limits_for(action, principal.workspace.plan, state.settings.rate_limits)
    verdict, hit_id = await service.take(session, principal.workspace_id, action, limits)
    if not verdict.allowed:
        await session.rollback()
        RATE_LIMIT_REFUSALS.labels(action=action.value).inc()
        raise APIError(
            429,
            "rate_limited",
            f"{SHOWN[action]} is limited to {verdict.limit} per {verdict.window.value} for "
            f"this workspace; retry in {verdict.retry_after} s.",
            headers=verdict.headers(),
            extra={
                "action": action.value,
                "window": verdict.window.value,
                "retryAfter": verdict.retry_after,
            },
        )
    if response is not None:
        response.headers.update(verdict.headers())
    return Slot(verdict, hit_id)


async def give_back(session: AsyncSession, slot: Slot) -> None:
    """The admitted call's work could not start: its slot is free again."""
    if slot.hit_id is not None:
        await service.give_back(session, slot.hit_id)
        await session.commit()
