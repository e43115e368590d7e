"""Mailbox hosts go through the SSRF guard, as webhook targets do: refused when saved and
again at every sync, the connection made to the address that was checked (TLS still
verifying the host name), and what the server says never echoed into `lastError`.

Before: a mailbox at 127.0.0.1:<port> of any internal service showed that service's banner
in lastError, and 169.254.169.254, 10.0.0.5, 0.0.0.0 and [::1] were accepted."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import subprocess
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from outreach.config import Settings
from outreach.db import Database
from outreach.encryption.fields import seal_mailbox_password
from outreach.ids import new_id
from outreach.inbound.imap import ImapConfig, ImapError, ImapFolder
from outreach.inbound.sync import sync_mailbox
from outreach.models import Mailbox
from tests.conftest import settings_for
from tests.helpers import free_port, make_key, make_workspace, reload
from tests.replies.conftest import Dovecot
from tests.replies.helpers import api, auth

MAILBOXES = "/api/v1/outreach/mailboxes"
SECRET = "banner-secret-7d1f"  # what hostile servers say: must never reach lastError

# Refused in production (allow_private off).
NOT_PUBLIC = [
    "127.0.0.1",
    "10.0.0.5",
    "192.168.1.10",
    "0.0.0.0",
    "[::1]",
    "::ffff:10.0.0.5",
    "169.254.169.254",
    "localhost",
    "2130706433",  # 127.0.0.1 written as one number: resolves to loopback
    "0x7f.1",  # and in hex
]
# Refused even with the dev/test allowance.
NEVER = [
    "169.254.169.254",
    "0.0.0.0",
    "[::]",
    "fd00:ec2::254",
    "224.0.0.1",
    "::ffff:169.254.169.254",
]


async def no_sync(reply: object) -> None:
    raise AssertionError("nothing may be stored")


async def post_mailbox(settings: Settings, db: Database, host: str) -> tuple[int, dict, str]:
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    body = {"host": host, "port": 993, "username": "u@example.com", "password": "pw-1"}
    # No Temporal client: a refusal happens before anything is scheduled.
    async with api(settings, None) as http:  # type: ignore[arg-type]
        r = await http.post(MAILBOXES, json=body, headers=auth(key))
        listed = (await http.get(MAILBOXES, headers=auth(key))).json()["data"]
    assert listed == []
    return r.status_code, r.json(), key


@pytest.mark.parametrize("host", NOT_PUBLIC)
async def test_non_public_hosts_are_refused_at_creation(
    settings: Settings, db: Database, host: str
) -> None:
    production = settings_for(settings, webhook_allow_private_targets=False)
    status, body, _ = await post_mailbox(production, db, host)
    assert (status, body["code"]) == (422, "mailbox_host_refused"), body
    assert "only public addresses" in body["error"]


@pytest.mark.parametrize("host", NEVER)
async def test_metadata_and_unspecified_hosts_are_refused_even_in_dev(
    settings: Settings, db: Database, host: str
) -> None:
    status, body, _ = await post_mailbox(settings, db, host)  # allow_private on
    assert (status, body["code"]) == (422, "mailbox_host_refused"), body


async def test_an_unresolvable_host_is_refused_at_creation(
    settings: Settings, db: Database
) -> None:
    status, body, _ = await post_mailbox(settings, db, "imap.does-not-exist.invalid")
    assert (status, body["code"]) == (422, "mailbox_host_unresolvable"), body


async def make_row(db: Database, workspace_id: str, host: str, port: int, **kw: object) -> Mailbox:
    mailbox_id = new_id("mbx")
    async with db.session() as s:
        mbx = Mailbox(
            id=mailbox_id,
            workspace_id=workspace_id,
            host=host,
            port=port,
            security=kw.pop("security", "none"),
            username="user",
            password=seal_mailbox_password(db.settings.keyring(), mailbox_id, "Pass-Word-9"),
            sync_existing=True,
            **kw,
        )
        s.add(mbx)
        await s.commit()
        return mbx


async def test_a_host_cannot_be_moved_to_a_refused_address(
    settings: Settings, db: Database
) -> None:
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    mbx = await make_row(db, ws.id, "127.0.0.1", 143)
    async with api(settings, None) as http:  # type: ignore[arg-type]
        r = await http.patch(
            f"{MAILBOXES}/{mbx.id}", json={"host": "169.254.169.254"}, headers=auth(key)
        )
    assert (r.status_code, r.json()["code"]) == (422, "mailbox_host_refused")
    assert (await reload(db, Mailbox, mbx.id)).host == "127.0.0.1"


# -- at connect time -----------------------------------------------------------------------


@contextlib.asynccontextmanager
async def tcp_server(
    handler: Callable[[asyncio.StreamReader, asyncio.StreamWriter], object],
    ssl_context: ssl.SSLContext | None = None,
) -> AsyncIterator[tuple[int, list[int]]]:
    """A loopback server; yields its port and a list that grows by one per connection."""
    connections: list[int] = []

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        try:
            await handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0, ssl=ssl_context)
    try:
        yield server.sockets[0].getsockname()[1], connections
    finally:
        server.close()
        await server.wait_closed()


def fake_imap(
    greeting: bytes = b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready " + SECRET.encode(),
    login: bytes = b"OK logged in",
    select: bytes = b"NO [NONEXISTENT] no such folder " + SECRET.encode(),
    starttls: ssl.SSLContext | None = None,
) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], object]:
    """A scripted IMAP server whose every answer carries SECRET (with `starttls`, one that
    offers STARTTLS with that server context)."""
    capabilities = b"IMAP4rev1 STARTTLS" if starttls else b"IMAP4rev1"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(greeting + b"\r\n")
        await writer.drain()
        while line := await reader.readline():
            tag, _, rest = line.strip().partition(b" ")
            command = rest.split(b" ", 1)[0].upper()
            if command == b"CAPABILITY":
                writer.write(b"* CAPABILITY " + capabilities + b"\r\n" + tag + b" OK done\r\n")
            elif command == b"STARTTLS" and starttls:
                writer.write(tag + b" OK begin TLS\r\n")
                await writer.drain()
                await writer.start_tls(starttls)
            elif command == b"LOGIN":
                writer.write(tag + b" " + login + b"\r\n")
            elif command in (b"SELECT", b"EXAMINE"):
                writer.write(tag + b" " + select + b"\r\n")
            elif command == b"LOGOUT":
                writer.write(b"* BYE " + SECRET.encode() + b"\r\n" + tag + b" OK bye\r\n")
                await writer.drain()
                return
            else:
                writer.write(tag + b" BAD " + SECRET.encode() + b"\r\n")
            await writer.drain()

    return handle


def banner(text: bytes) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], object]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(text)
        await writer.drain()
        await reader.read(100)

    return handle


async def sync_error(db: Database, host: str, port: int, **kw: object) -> str:
    ws = await make_workspace(db)
    mbx = await make_row(db, ws.id, host, port, **kw)
    out = await sync_mailbox(db, mbx.id, no_sync)
    row = await reload(db, Mailbox, mbx.id)
    assert out.status == "error" and row.last_error == out.error
    assert SECRET not in row.last_error and "Pass-Word-9" not in row.last_error
    return row.last_error


async def test_a_refused_address_is_never_connected_to(settings: Settings) -> None:
    """A mailbox saved while allowed (or whose name now resolves elsewhere) is checked
    again when the sync connects: nothing reaches the address."""
    db = Database(settings_for(settings, webhook_allow_private_targets=False))
    try:
        async with tcp_server(fake_imap()) as (port, connections):
            error = await sync_error(db, "127.0.0.1", port)
            assert error == (
                "host refused: 127.0.0.1, a loopback address; only public addresses can be reached"
            )
            error = await sync_error(db, "localhost", port)
            assert error.startswith("host refused: localhost resolves to ")
            assert connections == []
    finally:
        await db.dispose()


@pytest.mark.parametrize(
    "case, server, security, expected",
    [
        (
            "ssh",
            banner(b"SSH-2.0-OpenSSH_9.6 " + SECRET.encode() + b"\r\n"),
            "none",
            "connect failed: the server at that address and port did not answer as an IMAP server",
        ),
        (
            "http",
            banner(b"HTTP/1.1 400 Bad Request\r\nServer: " + SECRET.encode() + b"\r\n\r\n"),
            "none",
            "connect failed: the server at that address and port did not answer as an IMAP server",
        ),
        ("tls_to_plain", banner(b"SSH-2.0-" + SECRET.encode() + b"\r\n"), "tls", None),
        (
            "login",
            fake_imap(login=b"NO [AUTHENTICATIONFAILED] " + SECRET.encode()),
            "none",
            "login refused (AUTHENTICATIONFAILED): check the user name and password "
            "(some providers need an app password, or IMAP turned on)",
        ),
        (
            "login_odd_code",
            fake_imap(login=b"NO [" + SECRET.upper().replace("-", "").encode() + b"] x"),
            "none",
            "login refused: check the user name and password "
            "(some providers need an app password, or IMAP turned on)",
        ),
        (
            "folder",
            fake_imap(),
            "none",
            "folder 'INBOX' cannot be opened (NONEXISTENT) "
            "(does it exist, and may this account read it?)",
        ),
        (
            "no_starttls",
            fake_imap(),
            "starttls",
            "starttls failed: the server does not offer STARTTLS (try security 'tls')",
        ),
    ],
)
async def test_what_a_server_says_is_never_echoed(
    db: Database, case: str, server: Callable, security: str, expected: str | None
) -> None:
    async with tcp_server(server) as (port, connections):
        error = await sync_error(db, "127.0.0.1", port, security=security)
    assert connections == [1]
    if expected is None:
        assert error.startswith("connect failed: TLS handshake failed"), error
    else:
        assert error == expected


async def test_a_closed_port_says_connection_refused(db: Database) -> None:
    assert await sync_error(db, "127.0.0.1", free_port()) == "connect failed: connection refused"


# -- TLS to the pinned address --------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for imap.test (a name that resolves nowhere)."""
    root = tmp_path_factory.mktemp("tls")
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=imap.test"]
        + ["-addext", "subjectAltName=DNS:imap.test"],
        check=True,
        capture_output=True,
    )
    return cert, key


@contextlib.asynccontextmanager
async def tls_proxy(dovecot: Dovecot, cert: Path, key: Path) -> AsyncIterator[int]:
    """Implicit TLS (imaps) in front of the test Dovecot."""
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(dovecot.host, dovecot.port)
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    async with tcp_server(handle, server_ctx) as (port, _):
        yield port


async def test_tls_goes_to_the_checked_address_and_verifies_the_host_name(
    db: Database, dovecot: Dovecot, certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate
    user, password = dovecot.add_user()
    trusting = ssl.create_default_context(cafile=str(cert))
    async with tls_proxy(dovecot, cert, key) as port:
        config = ImapConfig("imap.test", port, "tls", user, password)
        # imap.test resolves nowhere: the connection can only go to the address given,
        # and the certificate is checked for imap.test.
        folder = await asyncio.to_thread(ImapFolder.open, config, ["127.0.0.1"], trusting)
        assert folder.uidvalidity == dovecot.uidvalidity(user, password, "INBOX")
        await asyncio.to_thread(folder.close)

        other = ImapConfig("other.test", port, "tls", user, password)
        with pytest.raises(ImapError) as refused:
            await asyncio.to_thread(ImapFolder.open, other, ["127.0.0.1"], trusting)
        assert str(refused.value).startswith("connect failed: TLS certificate not accepted")
        assert "other.test" in str(refused.value)

        # The sync's own default trust store does not know the test certificate.
        error = await sync_error(db, "127.0.0.1", port, security="tls")
        assert error.startswith("connect failed: TLS certificate not accepted"), error


async def test_starttls_goes_to_the_checked_address_and_verifies_the_host_name(
    certificate: tuple[Path, Path],
) -> None:
    cert, key = certificate
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    trusting = ssl.create_default_context(cafile=str(cert))
    greeting = b"* OK ready " + SECRET.encode()
    async with tcp_server(fake_imap(greeting=greeting, starttls=server_ctx)) as (port, _):
        config = ImapConfig("imap.test", port, "starttls", "user", "pw")
        with pytest.raises(ImapError) as past_tls:
            await asyncio.to_thread(ImapFolder.open, config, ["127.0.0.1"], trusting)
        # Through TLS and the login: only the (scripted) missing folder stops it.
        assert str(past_tls.value).startswith("folder 'INBOX' cannot be opened (NONEXISTENT)")

        other = ImapConfig("other.test", port, "starttls", "user", "pw")
        with pytest.raises(ImapError) as refused:
            await asyncio.to_thread(ImapFolder.open, other, ["127.0.0.1"], trusting)
        assert str(refused.value).startswith("starttls failed: TLS certificate not accepted")
        assert SECRET not in str(refused.value)
