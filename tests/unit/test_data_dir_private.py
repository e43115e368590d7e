"""The data dir holds secrets (signing key, mailbox passwords and webhook secrets in the
database, every caught email): it is 0700 and its files 0600, under the usual umask 022."""

from __future__ import annotations

import os
import smtplib
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from outreach.config import Settings
from outreach.db import Database
from outreach.migrate import upgrade
from outreach.models import Workspace
from outreach.smtp_catcher import start_catcher
from tests.helpers import free_port


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
