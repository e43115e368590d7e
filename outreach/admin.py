"""Admin operations behind `outreach admin ...` (sync engine; also used by `outreach dev`)."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlmodel import Session, select

from outreach.campaigns import service as campaigns
from outreach.campaigns.schemas import CampaignCreate
from outreach.campaigns.status import CampaignStatus
from outreach.config import Settings
from outreach.db import Database, make_sync_engine
from outreach.ids import new_id
from outreach.models import ApiKey, Workspace, utcnow
from outreach.scopes import ALL_SCOPES, PLANS
from outreach.security import generate_api_key, hash_api_key, key_display_prefix


class AdminError(Exception):
    pass


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def create_workspace(settings: Settings, name: str, plan: str = "pro") -> dict[str, Any]:
    name = name.strip()
    if not name:
        raise AdminError("workspace name must not be empty")
    if plan not in PLANS:
        raise AdminError(f"unknown plan '{plan}'; choose one of {', '.join(PLANS)}")
    engine = make_sync_engine(settings)
    try:
        with Session(engine) as session:
            ws = Workspace(id=new_id("ws"), name=name[:200], plan=plan)
            session.add(ws)
            session.commit()
            return {"id": ws.id, "name": ws.name, "plan": ws.plan, "createdAt": _iso(ws.created_at)}
    finally:
        engine.dispose()


def create_key(
    settings: Settings, workspace_id: str, scopes: list[str], name: str | None = None
) -> dict[str, Any]:
    unknown = [s for s in scopes if s not in ALL_SCOPES]
    if unknown:
        raise AdminError(f"unknown scope(s): {', '.join(unknown)}")
    engine = make_sync_engine(settings)
    try:
        with Session(engine) as session:
            if session.get(Workspace, workspace_id) is None:
                raise AdminError(f"workspace {workspace_id} not found")
            key = generate_api_key()
            row = ApiKey(
                id=new_id("key"),
                workspace_id=workspace_id,
                name=name,
                prefix=key_display_prefix(key),
                key_hash=hash_api_key(key),
                scopes=scopes,
            )
            session.add(row)
            session.commit()
            return {
                "id": row.id,
                "key": key,
                "prefix": row.prefix,
                "scopes": row.scopes,
                "name": row.name,
                "workspaceId": workspace_id,
                "createdAt": _iso(row.created_at),
            }
    finally:
        engine.dispose()


def revoke_key(settings: Settings, key_id: str) -> dict[str, Any]:
    engine = make_sync_engine(settings)
    try:
        with Session(engine) as session:
            row = session.get(ApiKey, key_id)
            if row is None:
                raise AdminError(f"key {key_id} not found")
            if row.revoked_at is None:
                row.revoked_at = utcnow()
                session.add(row)
                session.commit()
            return {"id": row.id, "prefix": row.prefix, "revokedAt": _iso(row.revoked_at)}
    finally:
        engine.dispose()


def recount_counters(settings: Settings) -> dict[str, Any]:
    """Rebuild every campaign counter from the rows (outreach/campaigns/counters.py): a
    repair for counters that drifted (e.g. triggers lost to a hand-made table rebuild)."""
    from outreach.campaigns import counters

    async def _run() -> dict[str, Any]:
        db = Database(settings)
        try:
            async with db.session() as s:
                before, _ = await counters.stored(s)
                totals, days = await counters.repair(s)
                after, _ = await counters.stored(s)
        finally:
            await db.dispose()
        changed = sum(1 for k in set(before) | set(after) if before.get(k) != after.get(k))
        return {"counters": totals, "dailyCounters": days, "corrected": changed}

    return asyncio.run(_run())


def generate_encryption_key() -> dict[str, Any]:
    """A new key, printed for the operator to put in OUTREACH_ENCRYPTION_KEY (first, for a
    rotation); nothing is stored."""
    from outreach.encryption.crypto import new_key_text

    key = new_key_text()
    return {"keyId": key.split(":", 1)[0], "key": key}


def rotate_encryption_key(settings: Settings) -> dict[str, Any]:
    """Re-encrypt every stored secret under the current key: see README, Secrets at rest."""
    from outreach.encryption.stored import rotate

    return rotate(settings)


DEMO_STEPS = [
    (
        "email",
        "P0D",
        "Quick question about {{company|your team}}",
        "Hi {{firstName|there}},\n\nI noticed {{company|your team}} is shipping fast. We help "
        "solo SaaS founders ship in 7 days.\n\nWorth a 15-minute chat next week?\n\n{{fromName}}",
    ),
    (
        "email",
        "P3D",
        None,
        "Hi {{firstName|there}}, floating this back up in case it got buried.\n\n{{fromName}}",
    ),
    (
        "linkedin",
        "P2D",
        None,
        "Hi {{firstName|there}}, I sent you a note about {{company|your team}} by email; happy "
        "to connect here too.",
    ),
    (
        "email",
        "P4D",
        None,
        "Last note from me, {{firstName|there}}. If now is not the time, no worries at all.",
    ),
]


def seed_demo(settings: Settings) -> dict[str, Any] | None:
    """A demo workspace (plan pro), campaign and all-scopes key on first run; None after.
    The campaign is made by the same service (and rules) as `POST /campaigns`."""
    engine = make_sync_engine(settings)
    try:
        with Session(engine) as session:
            if session.exec(select(Workspace)).first() is not None:
                return None
            ws = Workspace(id=new_id("ws"), name="Demo workspace", plan="pro")
            session.add(ws)
            session.commit()
            ws_id = ws.id
    finally:
        engine.dispose()
    camp_id = asyncio.run(_demo_campaign(settings, ws_id))
    key = create_key(settings, ws_id, list(ALL_SCOPES), name="demo")
    return {"workspaceId": ws_id, "campaignId": camp_id, "key": key["key"]}


async def _demo_campaign(settings: Settings, workspace_id: str) -> str:
    body = CampaignCreate.model_validate(
        {
            "name": "Demo: vibe coders Q2",
            "status": CampaignStatus.ACTIVE,
            "fromName": "Anita",
            "fromEmail": "anita@example.com",
            "pitchContext": "We help solo SaaS founders ship in 7 days.",
            "dailyCap": 80,
            "timezone": "UTC",
            "steps": [
                {"channel": channel, "delay": delay, "subject": subject, "body": text}
                for channel, delay, subject, text in DEMO_STEPS
            ],
        }
    )
    db = Database(settings)
    try:
        async with db.session() as session:
            campaign = await campaigns.create(session, workspace_id, body)
            await session.commit()
            return campaign.id
    finally:
        await db.dispose()
