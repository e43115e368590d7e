"""The workspace's suppression list: addresses that are never mailed again."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from outreach.ids import new_id
from outreach.models import Suppression


class SuppressionReason(StrEnum):
    UNSUBSCRIBED = "unsubscribed"  # the link, a one-click POST or an opt-out reply
    BOUNCED = "bounced"  # a hard bounce
    MANUAL = "manual"  # added by the workspace


async def suppress(
    session: AsyncSession, workspace_id: str, email: str, reason: str, lead_id: str | None = None
) -> None:
    """Add the address (joins the caller's transaction). An unsubscribe is the strongest
    reason: it replaces an earlier one; nothing replaces it."""
    existing = (
        await session.exec(
            select(Suppression).where(
                Suppression.workspace_id == workspace_id, Suppression.email == email
            )
        )
    ).first()
    if existing is None:
        try:
            async with session.begin_nested():
                session.add(
                    Suppression(
                        id=new_id("sup"),
                        workspace_id=workspace_id,
                        email=email,
                        reason=reason,
                        lead_id=lead_id,
                    )
                )
        except IntegrityError:  # written by a concurrent request first
            pass
    elif reason == SuppressionReason.UNSUBSCRIBED and existing.reason != reason:
        existing.reason = reason
        session.add(existing)
