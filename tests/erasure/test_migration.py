"""Migration 0006 on this suite's database kind (SQLite, or PostgreSQL in CI's second run):
existing events get the lead and the reply their data shows; downgrading drops the hashed
entries (they have no address to go back to) and the columns."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command

from outreach.config import Settings
from outreach.db import make_sync_engine
from outreach.migrate import alembic_config, upgrade
from tests.conftest import _pg_database

NOW = "2026-12-01 10:00:00"


@pytest.fixture
def fresh(tmp_path) -> Iterator[Settings]:
    base = os.environ.get("OUTREACH_DATABASE_URL")
    drop = None
    if base and base.startswith(("postgres", "postgresql")):
        url, drop = _pg_database(Settings(database_url=base).db_url)
    else:
        url = f"sqlite:///{tmp_path / 'm.db'}"
    yield Settings(data_dir=tmp_path, database_url=url)
    if drop:
        drop()


def test_events_get_their_lead_and_reply(fresh: Settings) -> None:
    upgrade(fresh, "0005")
    engine = make_sync_engine(fresh)
    rows = [
        ("evt_1", "lead.created", {"lead": {"id": "lead_1", "email": "a@example.com"}}),
        ("evt_2", "reply.received", {"reply": {"id": "reply_1"}, "lead": {"id": "lead_1"}}),
        ("evt_3", "lead.replied", {"lead": {"id": "lead_1"}, "replyId": "reply_1"}),
        ("evt_4", "reply.received", {"reply": {"id": "reply_2"}, "lead": None}),
        ("evt_5", "lead.created", {"lead": {"id": "lead_gone"}}),
    ]
    with engine.begin() as conn:
        x = sa.text
        conn.execute(
            x(
                "INSERT INTO workspace (id, name, plan, created_at)"
                f" VALUES ('ws_1', 'A', 'pro', '{NOW}')"
            )
        )
        conn.execute(
            x(
                "INSERT INTO campaign (id, workspace_id, name, status, timezone, created_at,"
                " updated_at)"
                f" VALUES ('camp_1', 'ws_1', 'C', 'active', 'UTC', '{NOW}', '{NOW}')"
            )
        )
        conn.execute(
            x(
                "INSERT INTO lead (id, workspace_id, campaign_id, email, custom_fields, status,"
                " current_step, created_at, updated_at) VALUES ('lead_1', 'ws_1', 'camp_1',"
                f" 'a@example.com', '{{}}', 'active', 1, '{NOW}', '{NOW}')"
            )
        )
        for reply_id in ("reply_1", "reply_2"):
            conn.execute(
                x(
                    "INSERT INTO reply (id, workspace_id, kind, source, headers, raw_size,"
                    " truncated, status, reasons, needs_action, received_at, created_at) VALUES"
                    f" ('{reply_id}', 'ws_1', 'reply', 'inbound', '{{}}', 0, false, 'done', '[]',"
                    f" false, '{NOW}', '{NOW}')"
                )
            )
        for event_id, type_, data in rows:
            conn.execute(
                x(
                    "INSERT INTO event (id, workspace_id, type, data, dedupe_key, created_at)"
                    " VALUES (:id, 'ws_1', :type, :data, :id, :at)"
                ),
                {"id": event_id, "type": type_, "data": json.dumps(data), "at": NOW},
            )
        conn.execute(
            x(
                "INSERT INTO suppression (id, workspace_id, email, reason, source, created_at)"
                f" VALUES ('sup_1', 'ws_1', 'a@example.com', 'unsubscribed', 'reply', '{NOW}')"
            )
        )
    upgrade(fresh, "0006")
    with engine.begin() as conn:
        got = dict(
            (r[0], (r[1], r[2]))
            for r in conn.execute(sa.text("SELECT id, lead_id, reply_id FROM event ORDER BY id"))
        )
        assert got == {
            "evt_1": ("lead_1", None),
            "evt_2": ("lead_1", "reply_1"),
            "evt_3": ("lead_1", "reply_1"),
            "evt_4": (None, "reply_2"),
            "evt_5": (None, None),  # a lead no longer there
        }
        conn.execute(
            sa.text(
                "INSERT INTO suppression (id, workspace_id, email_hash, reason, source, created_at)"
                f" VALUES ('sup_2', 'ws_1', '{'0' * 64}', 'bounced', 'bounce', '{NOW}')"
            )
        )
    command.downgrade(alembic_config(fresh), "0005")
    with engine.begin() as conn:
        kept = [r[0] for r in conn.execute(sa.text("SELECT id FROM suppression"))]
        columns = {c["name"] for c in sa.inspect(conn).get_columns("event")}
    assert kept == ["sup_1"]
    assert "lead_id" not in columns and "reply_id" not in columns
    engine.dispose()
