"""`outreach suppressions import FILE` against the API served by uvicorn on a free port
(real HTTP): plain lists and CSVs, batches of 1,000, a summary on stdout, one-line errors."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlmodel import col, func, select

from api.main import create_app
from outreach.cli import run
from outreach.config import Settings
from outreach.db import Database
from outreach.models import Suppression
from outreach.suppressions.importer import read_entries
from tests.helpers import free_port, make_key, make_workspace


@pytest.fixture(scope="module")
def served(settings: Settings) -> Iterator[str]:
    """The API (its own lifespan, database engine and event loop) in a thread."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(["suppressions", "import", *argv])
    out, err = capsys.readouterr()
    return code, out, err


async def _entries(db: Database, workspace_id: str) -> int:
    async with db.session() as s:
        stmt = select(func.count()).where(col(Suppression.workspace_id) == workspace_id)
        return int((await s.exec(stmt)).one())


async def test_import_a_plain_list_in_batches(
    served: str, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    ws = await make_workspace(db)
    monkeypatch.setenv("OUTREACH_API_URL", served)
    monkeypatch.setenv("OUTREACH_API_KEY", await make_key(db, ws.id, ["suppressions:write"]))
    lines = ["# exported from our CRM", ""] + [f"person{i}@acme.com" for i in range(2100)]
    lines += ["@Corp.io", "beta.io", "not an address", "person7@ACME.com"]
    path = tmp_path / "list.txt"
    path.write_text("\n".join(lines) + "\n")

    code, out, err = await asyncio.to_thread(_cli, capsys, str(path), "--reason", "CRM")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["calls"] == 3 and summary["entries"] == 2104
    assert (summary["added"], summary["existing"], summary["invalid"]) == (2102, 1, 1)
    assert summary["invalidRows"] == [
        {"line": 2105, "value": "not an address", "reason": summary["invalidRows"][0]["reason"]}
    ]
    assert await _entries(db, ws.id) == 2102
    async with db.session() as s:
        corp = (
            await s.exec(
                select(Suppression).where(
                    Suppression.workspace_id == ws.id, Suppression.domain == "corp.io"
                )
            )
        ).one()
    assert corp.source == "import" and corp.reason == "CRM" and corp.email is None

    # Again: all existing, nothing added.
    code, out, _ = await asyncio.to_thread(_cli, capsys, str(path))
    assert code == 0 and json.loads(out)["added"] == 0


async def test_import_a_csv_with_an_email_column(
    served: str, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    ws = await make_workspace(db)
    monkeypatch.setenv("OUTREACH_API_URL", served + "/api/v1/outreach")
    monkeypatch.setenv("OUTREACH_API_KEY", await make_key(db, ws.id, ["suppressions:write"]))
    path = tmp_path / "list.csv"
    path.write_text(
        "\ufeffName;Email;Company\nAnn;ann@acme.com;Acme\nBob;;Beta\nCorp;@corp.io;Corp\n",
        encoding="utf-8",
    )
    assert [(e.line, e.value, e.domain) for e in read_entries(path)] == [
        (2, "ann@acme.com", False),
        (4, "@corp.io", True),
    ]
    code, out, err = await asyncio.to_thread(_cli, capsys, str(path))
    assert code == 0, err
    assert json.loads(out)["added"] == 2 and await _entries(db, ws.id) == 2


async def test_errors_are_one_line(
    served: str, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    path = tmp_path / "list.txt"
    path.write_text("a@acme.com\n")
    monkeypatch.delenv("OUTREACH_API_KEY", raising=False)
    monkeypatch.setenv("OUTREACH_API_URL", served)
    code, out, err = await asyncio.to_thread(_cli, capsys, str(path))
    assert code == 1 and out == "" and err.count("\n") == 1 and "OUTREACH_API_KEY" in err

    ws = await make_workspace(db)
    monkeypatch.setenv("OUTREACH_API_KEY", await make_key(db, ws.id, ["suppressions:read"]))
    code, out, err = await asyncio.to_thread(_cli, capsys, str(path))
    assert code == 1 and err.count("\n") == 1 and "403" in err and "suppressions:write" in err

    bad = tmp_path / "bad.csv"
    bad.write_text("name,company\nAnn,Acme\n")
    code, _, err = await asyncio.to_thread(_cli, capsys, str(bad))
    assert code == 1 and "email" in err and err.count("\n") == 1
    code, _, err = await asyncio.to_thread(_cli, capsys, str(tmp_path / "missing.txt"))
    assert code == 1 and "no such file" in err
