"""The SMTP transport of mailboxes (outreach.mail with an SmtpTarget): TLS to a checked
address under the host's name, login failures, the connection pool (reuse, idle timeout,
transparent reconnect before DATA, never after), verify_smtp and verify_imap. Every server
is real and on loopback (tests/smtp_servers.py, Dovecot)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from outreach import mail, netguard
from outreach.config import Settings
from outreach.inbound.imap import ImapConfig, verify_imap
from tests.replies.conftest import Dovecot
from tests.smtp_servers import SmtpServer, smtp_server

SENDER = "anita@acme.test"
RCPT = "sam@example.test"


class BeforeData:
    """A `before_data` that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self) -> None:
        self.calls += 1


def raw(n: int = 0) -> bytes:
    return (
        f"From: {SENDER}\r\nTo: {RCPT}\r\nSubject: hello {n}\r\n"
        f"Message-ID: <m{n}@acme.test>\r\n\r\nHi, number {n}.\r\n"
    ).encode()


def settings_for(srv: SmtpServer, **kw: object) -> Settings:
    return Settings(smtp_ca_file=Path(srv.ca_file) if srv.ca_file else None, **kw)  # type: ignore[arg-type]


async def send(
    srv: SmtpServer,
    n: int = 0,
    *,
    settings: Settings | None = None,
    rcpt: str = RCPT,
    before: BeforeData | None = None,
    **target: object,
) -> str:
    return await mail.deliver(
        settings or settings_for(srv),
        raw(n),
        SENDER,
        rcpt,
        before or BeforeData(),
        target=srv.target(**target),
    )


# -- delivery and TLS ------------------------------------------------------------------------


@pytest.mark.parametrize("tls", ["none", "starttls", "tls"])
async def test_delivers_with_each_security(tls: str) -> None:
    async with smtp_server(tls=tls, username="anita", password="s3cret") as srv:  # type: ignore[arg-type]
        before = BeforeData()
        reply = await send(srv, before=before)
        assert reply.startswith("250")
        assert before.calls == 1
        [got] = srv.messages
        assert got.recipients == [RCPT] and got.sender == SENDER
        assert got.login == "anita"
        assert got.tls is (tls != "none")
        assert b"Hi, number 0." in got.data
        assert (srv.connections, srv.auths) == (1, 1)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
async def test_tls_verifies_the_name_or_the_address(host: str) -> None:
    async with smtp_server(tls="starttls", username="u", password="p") as srv:
        assert (await send(srv, host=host)).startswith("250")


@pytest.mark.parametrize("tls", ["starttls", "tls"])
async def test_connects_to_the_checked_address_and_verifies_the_name(
    tls: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name resolves once (in the guard); the socket goes to that address; TLS checks
    the certificate against the name, which is not what the socket was opened to."""
    looked_up: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        looked_up.append(host)
        return ["127.0.0.1"]

    monkeypatch.setattr(netguard, "system_resolver", resolver)
    async with smtp_server(
        tls=tls, username="u", password="p", cert_names=["smtp.acme.test"]
    ) as srv:  # type: ignore[arg-type]
        assert (await send(srv, host="smtp.acme.test")).startswith("250")
        assert looked_up == ["smtp.acme.test"]
        # Another name on the same address: the certificate does not cover it.
        with pytest.raises(mail.SmtpPermanent, match="certificate"):
            await send(srv, host="localhost")
        assert len(srv.messages) == 1


async def test_an_unknown_ca_is_refused() -> None:
    async with smtp_server(tls="tls", username="u", password="p") as srv:
        with pytest.raises(mail.SmtpPermanent, match="certificate"):
            await send(srv, settings=Settings(smtp_ca_file=None))
        assert srv.messages == [] and srv.auths == 0


async def test_wrong_password_is_auth_failed() -> None:
    async with smtp_server(tls="starttls", username="u", password="p") as srv:
        with pytest.raises(mail.SmtpAuthFailed) as caught:
            await send(srv, password="wrong", pool_key="mbx_1")
        assert isinstance(caught.value, mail.SmtpPermanent)
        assert caught.value.code == 535
        assert "535" in str(caught.value)
        assert srv.messages == [] and srv.auth_failures >= 1
        assert mail.SMTP_POOL.open_connections == 0


def test_target_repr_hides_the_password() -> None:
    target = mail.SmtpTarget("smtp.acme.test", 587, "starttls", "anita", "hunter2-secret")
    assert "hunter2-secret" not in repr(target)


async def test_loopback_refused_unless_allowed() -> None:
    async with smtp_server(tls="none") as srv:
        with pytest.raises(mail.SmtpPermanent, match="loopback"):
            await send(srv, allow_private=False)
        ok, why = await mail.verify_smtp(srv.target(allow_private=False), settings_for(srv))
        assert not ok and "loopback" in why
        assert srv.connections == 0
        assert (await send(srv, allow_private=True)).startswith("250")


async def test_unresolvable_host_is_transient(monkeypatch: pytest.MonkeyPatch) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        raise socket.gaierror("no such name")

    monkeypatch.setattr(netguard, "system_resolver", resolver)
    async with smtp_server() as srv:
        with pytest.raises(mail.SmtpTransient, match="does not resolve"):
            await send(srv, host="nowhere.acme.test")


async def test_connection_refused_is_transient() -> None:
    srv = SmtpServer()  # never started: nothing listens on its port
    with pytest.raises(mail.SmtpTransient, match="connection failed"):
        await send(srv)


async def test_default_relay_unchanged() -> None:
    """target=None: the relay from Settings.smtp_*, a new connection per send."""
    async with smtp_server() as srv:
        settings = Settings(smtp_host=srv.host, smtp_port=srv.port)
        for n in range(2):
            await mail.deliver(settings, raw(n), SENDER, RCPT, BeforeData())
        assert len(srv.messages) == 2 and srv.connections == 2


# -- the pool ----------------------------------------------------------------------------------


async def test_sends_on_one_key_reuse_one_connection() -> None:
    async with smtp_server(tls="starttls", username="u", password="p") as srv:
        for n in range(10):
            await send(srv, n, pool_key="mbx_1")
        assert len(srv.messages) == 10
        assert (srv.connections, srv.auths) == (1, 1)
        assert mail.SMTP_POOL.open_connections == 1


async def test_without_a_pool_key_every_send_connects() -> None:
    async with smtp_server(tls="starttls", username="u", password="p") as srv:
        for n in range(3):
            await send(srv, n)
        assert (srv.connections, srv.auths) == (3, 3)
        await srv.wait_closed()  # each one QUIT


async def test_idle_timeout_closes_and_next_send_connects_again() -> None:
    async with smtp_server(tls="starttls", username="u", password="p") as srv:
        settings = settings_for(srv, smtp_idle_seconds=0.3)
        await send(srv, 0, settings=settings, pool_key="mbx_1")
        await asyncio.sleep(0.6)
        await srv.wait_closed()  # the pool closed it
        assert mail.SMTP_POOL.open_connections == 0
        await send(srv, 1, settings=settings, pool_key="mbx_1")
        assert len(srv.messages) == 2 and srv.connections == 2


async def test_changed_credentials_do_not_reuse_the_old_connection() -> None:
    async with smtp_server(tls="starttls", username="u", password="p") as srv:
        await send(srv, 0, pool_key="mbx_1")
        with pytest.raises(mail.SmtpAuthFailed):
            await send(srv, 1, pool_key="mbx_1", password="changed")
        assert len(srv.messages) == 1 and srv.connections == 2


async def test_server_closed_the_idle_connection_next_send_reconnects() -> None:
    async with smtp_server(tls="starttls", username="u", password="p") as srv:
        await send(srv, 0, pool_key="mbx_1")
        srv.drop_connections()
        before = BeforeData()
        assert (await send(srv, 1, pool_key="mbx_1", before=before)).startswith("250")
        assert before.calls == 1
        assert [m.data.count(b"number 1") for m in srv.messages] == [0, 1]
        assert srv.connections == 2


async def test_reused_connection_dead_on_mail_reconnects_once() -> None:
    async with smtp_server(tls="starttls", username="u", password="p") as srv:
        await send(srv, 0, pool_key="mbx_1")
        srv.drop_on_mail = 1  # the reused connection dies on MAIL, no answer
        before = BeforeData()
        assert (await send(srv, 1, pool_key="mbx_1", before=before)).startswith("250")
        assert before.calls == 1
        assert len(srv.messages) == 2 and srv.connections == 2 and srv.auths == 2


async def test_fresh_connection_dead_on_mail_is_transient_not_retried() -> None:
    async with smtp_server(tls="starttls", username="u", password="p") as srv:
        srv.drop_on_mail = 2
        before = BeforeData()
        with pytest.raises(mail.SmtpTransient) as caught:
            await send(srv, 0, pool_key="mbx_1", before=before)
        assert type(caught.value) is mail.SmtpTransient  # not the pool's internal marker
        assert before.calls == 0 and srv.messages == [] and srv.connections == 1


async def test_failure_during_data_is_unknown_and_never_retried() -> None:
    async with smtp_server(tls="starttls", username="u", password="p") as srv:
        await send(srv, 0, pool_key="mbx_1")  # a reused connection next: no retry anyway
        srv.drop_in_data = 1  # stores the message, then cuts before the final reply
        before = BeforeData()
        with pytest.raises(mail.SmtpUnknown):
            await send(srv, 1, pool_key="mbx_1", before=before)
        assert before.calls == 1
        assert len(srv.messages) == 2 and srv.connections == 1
        assert mail.SMTP_POOL.open_connections == 0  # dropped
        await send(srv, 2, pool_key="mbx_1")
        assert len(srv.messages) == 3 and srv.connections == 2


async def test_bounce_leaves_the_connection_clean_for_the_next_send() -> None:
    async with smtp_server(tls="starttls", username="u", password="p") as srv:
        srv.rcpt_replies["nobody@example.test"] = "550 5.1.1 No such user"
        await send(srv, 0, pool_key="mbx_1")
        with pytest.raises(mail.SmtpBounce) as caught:
            await send(srv, 1, pool_key="mbx_1", rcpt="nobody@example.test")
        assert caught.value.code == 550
        await send(srv, 2, pool_key="mbx_1")
        assert [m.recipients for m in srv.messages] == [[RCPT], [RCPT]]
        assert srv.rsets >= 1 and srv.connections == 1


async def test_concurrent_sends_on_one_key_take_turns() -> None:
    async with smtp_server(tls="starttls", username="u", password="p") as srv:
        inside = 0
        most = 0

        async def one(n: int) -> None:
            nonlocal inside, most

            async def before() -> None:
                nonlocal inside, most
                inside += 1
                most = max(most, inside)

            await mail.deliver(
                settings_for(srv), raw(n), SENDER, RCPT, before, target=srv.target(pool_key="k")
            )
            inside -= 1

        await asyncio.gather(*(one(n) for n in range(20)))
        subjects = sorted(m.data.split(b"Subject: ")[1].split(b"\r\n")[0] for m in srv.messages)
        assert subjects == sorted(f"hello {n}".encode() for n in range(20))
        assert most == 1
        assert (srv.connections, srv.auths) == (1, 1)


async def test_two_keys_two_connections() -> None:
    async with smtp_server(tls="starttls", username="u", password="p") as srv:
        await asyncio.gather(
            *(send(srv, n, pool_key=f"mbx_{n % 2}") for n in range(6)),
        )
        assert len(srv.messages) == 6 and srv.connections == 2


async def test_close_pool_quits_every_connection() -> None:
    async with smtp_server(tls="starttls", username="u", password="p") as srv:
        await send(srv, 0, pool_key="a")
        await send(srv, 1, pool_key="b")
        assert srv.open_connections == 2
        await mail.close_pool()
        await srv.wait_closed()
        assert mail.SMTP_POOL.open_connections == 0


# -- verify ----------------------------------------------------------------------------------


@pytest.mark.parametrize("tls", ["starttls", "tls"])
async def test_verify_smtp(tls: str) -> None:
    async with smtp_server(tls=tls, username="u", password="p") as srv:  # type: ignore[arg-type]
        settings = settings_for(srv)
        ok, said = await mail.verify_smtp(srv.target(), settings)
        assert ok and said.startswith("235")
        ok, said = await mail.verify_smtp(srv.target(password="nope"), settings)
        assert not ok and "535" in said
        await srv.wait_closed()
        assert srv.messages == [] and mail.SMTP_POOL.open_connections == 0


async def test_verify_smtp_network_error() -> None:
    srv = SmtpServer()  # not started
    ok, said = await mail.verify_smtp(srv.target(), settings_for(srv))
    assert not ok and "refused" in said.lower()


async def test_verify_imap(dovecot: Dovecot) -> None:
    user, password = dovecot.add_user()

    def config(pw: str) -> ImapConfig:
        return ImapConfig(
            host=dovecot.host, port=dovecot.port, security="none", username=user, password=pw
        )

    ok, said = await verify_imap(config(password), allow_private=True)
    assert ok, said
    ok, said = await verify_imap(config(password + "x"), allow_private=True)
    assert not ok and "login refused" in said
    assert password not in said
    ok, said = await verify_imap(config(password), allow_private=False)
    assert not ok and "loopback" in said
