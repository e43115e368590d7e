"""Admin operations behind `outreach admin ...` (sync engine; also used by `outreach dev`)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from outreach.config import Settings
from outreach.db import make_sync_engine
from outreach.ids import new_id
from outreach.models import ApiKey, Campaign, Step, Workspace, utcnow
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
    """A demo workspace (plan pro), campaign and all-scopes key on first run; None after."""
    engine = make_sync_engine(settings)
    try:
        with Session(engine) as session:
            if session.exec(select(Workspace)).first() is not None:
                return None
            ws = Workspace(id=new_id("ws"), name="Demo workspace", plan="pro")
            session.add(ws)
            session.flush()
            now = utcnow()
            camp = Campaign(
                id=new_id("camp"),
                workspace_id=ws.id,
                name="Demo: vibe coders Q2",
                status="active",
                from_name="Anita",
                from_email="anita@example.com",
                pitch_context="We help solo SaaS founders ship in 7 days.",
                daily_cap=80,
                timezone="UTC",
                send_window=None,
                created_at=now,
                updated_at=now,
            )
            session.add(camp)
            session.flush()
            for pos, (channel, delay, subject, body) in enumerate(DEMO_STEPS, start=1):
                session.add(
                    Step(
                        id=new_id("step"),
                        campaign_id=camp.id,
                        position=pos,
                        channel=channel,
                        delay=delay,
                        subject=subject,
                        body=body,
                    )
                )
            session.commit()
            ws_id, camp_id = ws.id, camp.id
    finally:
        engine.dispose()
    key = create_key(settings, ws_id, list(ALL_SCOPES), name="demo")
    return {"workspaceId": ws_id, "campaignId": camp_id, "key": key["key"]}
