"""`outreach admin ...` as an operator runs it (a subprocess on the session's database):
JSON on stdout, one clear line on stderr and a non-zero exit on failure; a created key works
against the API and a revoked one answers 401 "Key revoked"."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from api.deps import AppState
from api.main import create_app
from outreach.config import Settings
from outreach.db import Database
from outreach.models import ApiKey
from outreach.scopes import ALL_SCOPES

ROOT = Path(__file__).resolve().parents[2]
ME = "/api/v1/outreach/me"


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)


async def outreach(settings: Settings, *args: str) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OUTREACH_", "TEMPORAL_"))}
    env |= {
        "OUTREACH_DATABASE_URL": settings.db_url,
        "OUTREACH_DATA_DIR": str(settings.data_dir),
        "PYTHONPATH": str(ROOT),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "outreach.cli",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    return Run(proc.returncode or 0, out.decode(), err.decode())


def failed(run: Run, *words: str) -> None:
    """Non-zero exit, nothing on stdout, one line on stderr that says why."""
    assert run.code != 0
    assert run.out == ""
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("outreach: error:")
    assert "Traceback" not in run.err
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    app.state.outreach = AppState(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        yield client
    await app.state.outreach.close()


async def test_create_workspace_key_use_it_then_revoke_it(
    settings: Settings, db: Database, api: httpx.AsyncClient
) -> None:
    ws = await outreach(settings, "admin", "create-workspace", "--name", "Acme Inc")
    assert ws.code == 0, ws.err
    workspace = ws.json()
    assert {"id", "name", "plan"} <= set(workspace)
    assert workspace["id"].startswith("ws_") and workspace["name"] == "Acme Inc"
    assert workspace["plan"] == "pro"  # the default

    made = await outreach(
        settings,
        "admin",
        "create-key",
        "--workspace",
        workspace["id"],
        "--scopes",
        "leads:read,campaigns:read",
        "--name",
        "zapier",
    )
    assert made.code == 0, made.err
    key = made.json()
    assert {"key", "id", "prefix", "scopes"} <= set(key)
    assert key["key"].startswith("pms_live_") and key["key"].startswith(key["prefix"])
    assert key["scopes"] == ["leads:read", "campaigns:read"]
    async with db.session() as s:
        row = (await s.exec(select(ApiKey).where(ApiKey.id == key["id"]))).one()
    assert row.key_hash == hashlib.sha256(key["key"].encode()).hexdigest()
    assert key["key"] not in json.dumps(row.model_dump(mode="json"))  # only the hash is kept

    headers = {"Authorization": f"Bearer {key['key']}"}
    r = await api.get(ME, headers=headers)
    assert r.status_code == 200
    assert r.json()["workspace"]["id"] == workspace["id"]
    assert r.json()["key"] == {"prefix": key["prefix"], "scopes": key["scopes"]}
    assert (await api.get("/api/v1/outreach/sends", headers=headers)).status_code == 403

    revoked = await outreach(settings, "admin", "revoke-key", key["id"])
    assert revoked.code == 0, revoked.err
    assert revoked.json()["id"] == key["id"] and revoked.json()["revokedAt"]
    assert key["key"] not in revoked.out
    r = await api.get(ME, headers=headers)
    assert r.status_code == 401 and r.json()["error"] == "Key revoked"
    again = await outreach(settings, "admin", "revoke-key", key["id"])
    assert again.code == 0 and again.json()["revokedAt"] == revoked.json()["revokedAt"]


async def test_all_scopes_plans_and_the_plan_gate(
    settings: Settings, api: httpx.AsyncClient
) -> None:
    free = (
        await outreach(settings, "admin", "create-workspace", "--name", "Hobby", "--plan", "free")
    ).json()
    assert free["plan"] == "free"
    key = (
        await outreach(settings, "admin", "create-key", "--workspace", free["id"], "--scopes", "*")
    ).json()
    assert key["scopes"] == list(ALL_SCOPES)
    r = await api.get(ME, headers={"Authorization": f"Bearer {key['key']}"})
    assert r.status_code == 402 and r.json()["code"] == "plan_upgrade_required"
    business = await outreach(
        settings, "admin", "create-workspace", "--name", "Big", "--plan", "business"
    )
    assert business.json()["plan"] == "business"


async def test_failures_are_one_line_on_stderr_with_a_non_zero_exit(settings: Settings) -> None:
    ws = (await outreach(settings, "admin", "create-workspace", "--name", "Errors")).json()
    failed(
        await outreach(
            settings, "admin", "create-key", "--workspace", "ws_nope", "--scopes", "leads:read"
        ),
        "ws_nope",
        "not found",
    )
    failed(
        await outreach(
            settings,
            "admin",
            "create-key",
            "--workspace",
            ws["id"],
            "--scopes",
            "leads:read,leads:delete",
        ),
        "unknown scope",
        "leads:delete",
    )
    failed(
        await outreach(settings, "admin", "create-workspace", "--name", "X", "--plan", "gold"),
        "--plan",
        "gold",
    )
    failed(await outreach(settings, "admin", "create-workspace", "--name", "   "), "empty")
    failed(await outreach(settings, "admin", "revoke-key", "key_nope"), "key_nope", "not found")
    failed(await outreach(settings, "admin", "create-key", "--scopes", "leads:read"), "--workspace")
    failed(await outreach(settings, "admin"), "required")
    failed(await outreach(settings, "admin", "rotate-everything"), "invalid choice")


async def test_a_database_error_is_one_line_too(settings: Settings, tmp_path: Path) -> None:
    empty = settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'none.db'}", "data_dir": tmp_path}
    )
    failed(await outreach(empty, "admin", "create-workspace", "--name", "X"), "workspace")
