"""The data dir holds secrets (signing key, mailbox passwords and webhook secrets in the
database, every caught email): it is 0700 and its files 0600, under the usual umask 022;
and `outreach dev` says in its banner whether private webhook/IMAP targets are allowed,
which is what it then does."""

from __future__ import annotations

import os
import re
import signal
import smtplib
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from outreach.config import Settings
from outreach.db import Database
from outreach.migrate import upgrade
from outreach.models import Workspace
from outreach.smtp_catcher import start_catcher
from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)  # what most systems give a user: new files 0644
    yield
    os.umask(old)


async def test_database_and_signing_key_are_private(tmp_path: Path) -> None:
    data = tmp_path / "fresh" / "data"
    settings = Settings(data_dir=data, database_url=None, secret_key=None)  # SQLite in it
    upgrade(settings)
    settings.signing_key()
    db = Database(settings)
    try:
        async with db.session() as s:  # a connection in WAL mode: -wal and -shm exist
            (await s.exec(select(Workspace))).all()
            files = {p.name: mode(p) for p in data.iterdir()}
    finally:
        await db.dispose()
    assert mode(data) == 0o700
    assert {"outreach.db", "outreach.db-wal", "outreach.db-shm", "secret_key"} <= set(files)
    assert files == dict.fromkeys(files, 0o600), files


async def test_files_left_world_readable_by_an_older_install_are_tightened(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    Settings(data_dir=data, secret_key=None).signing_key()
    upgrade(Settings(data_dir=data, database_url=None))
    for name in ("outreach.db", "secret_key"):
        (data / name).chmod(0o644)
    settings = Settings(data_dir=data, database_url=None, secret_key=None)
    key = settings.signing_key()
    db = Database(settings)
    try:
        async with db.session() as s:
            (await s.exec(select(Workspace))).all()
    finally:
        await db.dispose()
    assert key == (data / "secret_key").read_text().strip().encode()  # the same key
    assert mode(data / "outreach.db") == 0o600
    assert mode(data / "secret_key") == 0o600


def test_caught_mail_is_private(tmp_path: Path) -> None:
    mail = tmp_path / "data" / "mail"
    port = free_port()
    controller = start_catcher("127.0.0.1", port, mail)
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.sendmail("a@example.com", ["b@example.com"], b"Subject: hi\r\n\r\nhello\r\n")
    finally:
        controller.stop()
    (eml,) = mail.glob("*.eml")
    assert b"hello" in eml.read_bytes()
    assert (mode(mail), mode(eml)) == (0o700, 0o600)


# -- outreach dev ------------------------------------------------------------------------


def _read_until(proc: subprocess.Popen, pattern: str, limit: float) -> str:
    seen: list[str] = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                break
            continue
        seen.append(line)
        if re.search(pattern, line):
            return "".join(seen)
    raise AssertionError("output so far:\n" + "".join(seen))


def _dev(data: Path, extra_env: dict[str, str]) -> tuple[subprocess.Popen, dict[str, int]]:
    ports = {"api": free_port(), "temporal": free_port(), "ui": free_port(), "smtp": free_port()}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OUTREACH_", "TEMPORAL_"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "outreach.cli", "dev", "--data-dir", str(data)]
        + [f"--{name}-port={port}" for name, port in ports.items()],
        cwd=ROOT,
        env={**env, **extra_env},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    return proc, ports


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        assert proc.wait(timeout=30) == 0
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise


def _api_up(base: str, key: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/me", headers={"Authorization": f"Bearer {key}"}, timeout=5)
            return
        except httpx.TransportError:
            assert time.monotonic() < deadline
            time.sleep(0.3)


@pytest.mark.integration
@pytest.mark.parametrize("setting", [None, "false"])
def test_dev_banner_tells_the_truth_about_private_targets_and_the_data_dir_is_private(
    tmp_path: Path, setting: str | None
) -> None:
    data = tmp_path / "data"
    proc, ports = _dev(data, {"OUTREACH_WEBHOOK_ALLOW_PRIVATE_TARGETS": setting} if setting else {})
    try:
        out = _read_until(proc, r"Ctrl-C stops everything", 120)
        key = re.search(r"(pms_live_[A-Za-z0-9_-]+)", out).group(1)
        base = f"http://127.0.0.1:{ports['api']}/api/v1/outreach"
        auth = {"Authorization": f"Bearer {key}"}
        _api_up(base, key)
        hook = httpx.post(
            f"{base}/webhooks",
            headers=auth,
            json={"url": f"http://127.0.0.1:{free_port()}/hook", "events": ["*"]},
            timeout=10,
        )
        if setting is None:  # the dev default
            assert "Private targets ALLOWED" in out, out
            assert hook.status_code == 201, hook.text
        else:
            assert "Private targets refused" in out, out
            assert "ALLOWED" not in out
            assert (hook.status_code, hook.json()["code"]) == (422, "webhook_target_refused")
        # A send lands in the catcher: every file the dev processes wrote is private.
        (campaign,) = httpx.get(f"{base}/campaigns", headers=auth).json()["data"]
        r = httpx.post(
            f"{base}/leads",
            headers=auth,
            json={"campaignId": campaign["id"], "email": "founder@example.com"},
        )
        assert r.status_code == 201, r.text
        deadline = time.monotonic() + 30
        while not list((data / "mail").glob("*.eml")):
            assert time.monotonic() < deadline, "no email reached the catcher"
            time.sleep(0.1)
        files = {p.relative_to(data).as_posix(): mode(p) for p in data.rglob("*") if p.is_file()}
        dirs = {p.relative_to(data).as_posix(): mode(p) for p in data.rglob("*") if p.is_dir()}
    finally:
        _stop(proc)
    assert mode(data) == 0o700
    assert {"outreach.db", "temporal.db", "secret_key"} <= set(files), files
    assert any(name.startswith("mail/") for name in files)
    assert files == dict.fromkeys(files, 0o600), files
    assert dirs == dict.fromkeys(dirs, 0o700), dirs
