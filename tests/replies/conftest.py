"""Fixtures of the inbound-mail tests: a private Dovecot IMAP server (installed from Debian's
`dovecot-imapd` when missing, run from its own config in a temp dir on a free loopback port,
no system service touched), and the API over ASGI."""

from __future__ import annotations

import contextlib
import imaplib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from outreach.config import Settings
from outreach.db import Database
from outreach.inbound.imap import encode_mailbox
from tests.conftest import settings_for
from tests.helpers import SmtpRecorder, free_port, running_worker, start_smtp

ACCOUNTS = 50
DOVECOT_CONF = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/home/%u/Maildir
{users}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def _dovecot_binary() -> str:
    found = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None
    )
    if found:
        return found
    if os.geteuid() != 0:
        pytest.fail("dovecot is missing: apt-get install dovecot-imapd", pytrace=False)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "dovecot-imapd"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    found = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not os.path.exists(found):
        pytest.fail("dovecot-imapd installed but no dovecot binary found", pytrace=False)
    return found


@dataclass
class Dovecot:
    host: str
    port: int
    root: Path
    accounts: list[tuple[str, str]]

    def add_user(self) -> tuple[str, str]:
        """A fresh account (its own empty mail store): (username, password). Accounts are
        written before the server starts (a passwd-file edited within the same second as
        its last read may go unnoticed)."""
        if not self.accounts:
            raise AssertionError("no test IMAP account left: raise ACCOUNTS")
        return self.accounts.pop()

    @contextlib.contextmanager
    def session(self, user: str, password: str) -> Iterator[imaplib.IMAP4]:
        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        conn.login(user, password)
        try:
            yield conn
        finally:
            with contextlib.suppress(Exception):
                conn.logout()

    def append(
        self, user: str, password: str, folder: str, raw: bytes, when: datetime | None = None
    ) -> int:
        """IMAP APPEND; returns the new UID."""
        with self.session(user, password) as conn:
            stamp = imaplib.Time2Internaldate(when) if when else None
            typ, data = conn.append(encode_mailbox(folder), None, stamp, raw)
            assert typ == "OK", data
            text = data[0].decode()
            return int(text.split("APPENDUID", 1)[1].split()[1].rstrip("]"))

    def create(self, user: str, password: str, folder: str) -> None:
        with self.session(user, password) as conn:
            typ, data = conn.create(encode_mailbox(folder))
            assert typ == "OK", data

    def recreate(self, user: str, password: str, folder: str) -> None:
        """DELETE + CREATE: the folder gets a new UIDVALIDITY."""
        with self.session(user, password) as conn:
            assert conn.delete(encode_mailbox(folder))[0] == "OK"
            assert conn.create(encode_mailbox(folder))[0] == "OK"

    def uidvalidity(self, user: str, password: str, folder: str) -> int:
        with self.session(user, password) as conn:
            conn.select(encode_mailbox(folder), readonly=True)
            return int(conn.response("UIDVALIDITY")[1][0])


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    binary = _dovecot_binary()
    root = Path(tempfile.mkdtemp(prefix="outreach-dovecot-"))  # short: socket paths
    root.chmod(0o755)
    for sub in ("run", "state", "home"):
        (root / sub).mkdir()
    accounts = [(f"u{i}{secrets.token_hex(3)}", secrets.token_urlsafe(12)) for i in range(ACCOUNTS)]
    (root / "passwd").write_text("".join(f"{u}:{{PLAIN}}{p}\n" for u, p in accounts))
    if os.geteuid() == 0:
        # Dovecot never runs mail processes as root: the mail store belongs to nobody.
        nobody = pwd.getpwnam("nobody")
        uid, gid, users = nobody.pw_uid, nobody.pw_gid, ""
        os.chown(root / "home", uid, gid)
    else:
        me = pwd.getpwuid(os.getuid()).pw_name
        uid, gid = os.getuid(), os.getgid()
        users = f"default_login_user = {me}\ndefault_internal_user = {me}\n"
    port = free_port()
    conf = root / "dovecot.conf"
    conf.write_text(DOVECOT_CONF.format(root=root, uid=uid, gid=gid, port=port, users=users))
    out = (root / "stdout.log").open("wb")
    proc = subprocess.Popen([binary, "-F", "-c", str(conf)], stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 15
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            break
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log = (root / "stdout.log").read_text() + (
                (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            )
            pytest.fail(f"dovecot did not start:\n{log}", pytrace=False)
        time.sleep(0.05)
    yield Dovecot("127.0.0.1", port, root, accounts)
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
    out.close()
    shutil.rmtree(root, ignore_errors=True)


@dataclass
class Flow:
    """A time-skipping Temporal server with the real worker (every workflow and activity),
    a real SMTP server and the database, for one test module."""

    env: WorkflowEnvironment
    client: Client
    settings: Settings
    db: Database
    smtp: SmtpRecorder


@pytest.fixture(scope="module")
async def flow(
    ts_env: WorkflowEnvironment, settings: Settings, db: Database
) -> AsyncIterator[Flow]:
    """Each test awaits the workflows it starts (replies, the short lead runs a late reply
    starts): the root conftest terminates leftovers after every test, and on the
    time-skipping server a workflow terminated with a task in flight stalls time skipping
    for every later test."""
    recorder, controller = start_smtp()
    cfg = settings_for(settings, recorder)
    try:
        async with running_worker(ts_env.client, cfg, db):
            yield Flow(ts_env, ts_env.client, cfg, db, recorder)
    finally:
        controller.stop()
