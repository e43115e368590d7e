"""Outbound email: MIME building (pure) and the SMTP exchange (aiosmtplib).

`deliver` drives the SMTP dialogue step by step so the caller can record the moment the
DATA exchange starts: before it, no server has the message and a retry is safe; during it,
the outcome is unknown if the connection dies.

Two ways out:
- the default relay (`Settings.smtp_*`): a new connection per send, as always;
- a mailbox's own server (`SmtpTarget`): the host goes through the SSRF guard
  (`outreach.netguard`) at every connection and the socket is opened to an address it
  passed, while TLS (implicit or STARTTLS) verifies the certificate for the host NAME. With
  a `pool_key`, one authenticated connection per key is kept on this worker (`SMTP_POOL`)
  and reused by one send at a time; see `SmtpPool`.
"""

from __future__ import annotations

import asyncio
import email.policy
import email.utils
import errno
import re
import socket
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import Literal

import aiosmtplib
import idna

from outreach import netguard
from outreach.config import Settings, get_settings


@dataclass(frozen=True)
class Outgoing:
    from_name: str | None
    from_email: str
    to_email: str
    to_name: str | None
    subject: str
    body: str
    message_id: str  # with angle brackets
    unsubscribe_url: str
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    # The unsubscribe line under the body (sequence steps). An answer to a reply, written
    # to one person in a conversation, goes without it (its List-Unsubscribe header stays).
    with_footer: bool = True
    reply_to: str | None = None  # the sending mailbox's Reply-To


# Header lines may be up to 998 characters (RFC 5322 2.1.1). Python's default policy folds at
# 78 and, when a single token is longer (a List-Unsubscribe URL, a Message-ID), writes it as
# an RFC 2047 encoded word, which mail clients cannot use: `<https://...>` must stay literal
# (RFC 2369 / RFC 8058). So headers are written with a 998-column policy (folding still
# happens at spaces past it, as in a long References), while the body is encoded under the
# standard 78 (quoted-printable and base64 lines stay within RFC 2045's 76).
BODY_POLICY = email.policy.SMTP
POLICY = email.policy.SMTP.clone(max_line_length=998)
SUBJECT_CAP = 998  # characters of a rendered subject
_CONTROL = re.compile(r"[ ]*[\x00-\x1f\x7f\u2028\u2029]+[ ]*")


def one_line(value: str, cap: int = SUBJECT_CAP) -> str:
    """Text fit for a header: line breaks and other control characters become one space
    (never a second header), surrounding space trimmed, at most `cap` characters."""
    return _CONTROL.sub(" ", value).strip()[:cap].strip()


def make_message_id(send_id: str, from_email: str) -> str:
    domain = from_email.rsplit("@", 1)[-1] or "localhost"
    return f"<{send_id}@{domain}>"


def footer(unsubscribe_url: str) -> str:
    return f"\n\n--\nDon't want these emails? Unsubscribe: {unsubscribe_url}\n"


def build_message(out: Outgoing) -> bytes:
    """The message as it goes on the wire (CRLF line ends). Pure, but CPU-bound for big
    bodies: callers in async code run it in a thread."""
    msg = EmailMessage(policy=BODY_POLICY)
    local, _, domain = ascii_address(out.from_email).rpartition("@")
    msg["From"] = Address(
        display_name=one_line(out.from_name or "", 200), username=local, domain=domain
    )
    to_local, _, to_domain = ascii_address(out.to_email).rpartition("@")
    msg["To"] = Address(
        display_name=one_line(out.to_name or "", 200), username=to_local, domain=to_domain
    )
    msg["Subject"] = one_line(out.subject)
    msg["Date"] = email.utils.formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = out.message_id
    if out.reply_to:
        rt_local, _, rt_domain = ascii_address(out.reply_to).rpartition("@")
        msg["Reply-To"] = Address(username=rt_local, domain=rt_domain)
    if out.in_reply_to:
        msg["In-Reply-To"] = out.in_reply_to
    if out.references:
        msg["References"] = " ".join(out.references)
    # RFC 2369 + RFC 8058 one-click unsubscribe.
    msg["List-Unsubscribe"] = f"<{out.unsubscribe_url}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    tail = footer(out.unsubscribe_url) if out.with_footer else "\n"
    msg.set_content(out.body.rstrip("\n") + tail)
    return msg.as_bytes(policy=POLICY)


def ascii_address(address: str) -> str:
    """The address with its domain in ASCII (IDNA): stored addresses keep the Unicode form
    of an international domain, the wire needs `xn--` labels."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        return f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}"
    except idna.IDNAError as exc:
        raise ValueError(f"the domain of {address!r} has no ASCII form: {exc}") from exc


class SmtpTransient(Exception):
    """Not accepted by the server, worth retrying (4xx, connection trouble)."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class SmtpPermanent(Exception):
    """Not accepted, retrying will not help (auth or sender refused: a setup problem)."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class SmtpAuthFailed(SmtpPermanent):
    """The server refused the login (AUTH 535 and the like, or no AUTH offered): the
    mailbox's credentials need fixing."""


class SmtpBounce(Exception):
    """The server refused the recipient or the message with a 5xx: a hard bounce."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


class SmtpUnknown(Exception):
    """The connection failed during DATA: the server may or may not have the message."""


def _smtp_client(settings: Settings) -> aiosmtplib.SMTP:
    tls_context = ssl.create_default_context() if settings.smtp_tls != "none" else None
    return aiosmtplib.SMTP(
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        use_tls=settings.smtp_tls == "tls",
        start_tls=settings.smtp_tls == "starttls",
        tls_context=tls_context,
        username=settings.smtp_username or None,
        password=settings.smtp_password or None,
        timeout=settings.smtp_timeout,
    )


def _describe(exc: aiosmtplib.SMTPResponseException) -> str:
    return f"{exc.code} {exc.message}".strip()


async def deliver(
    settings: Settings,
    message: bytes,
    sender: str,
    recipient: str,
    before_data: Callable[[], Awaitable[None]],
    target: SmtpTarget | None = None,
) -> str:
    """Send one message; returns the server's final reply. Raises one of the Smtp* errors
    (SmtpAuthFailed, a SmtpPermanent, when a target's server refuses the login).

    `target=None`: the default relay (`Settings.smtp_*`), a new connection per send. With a
    target: its own server, through the SSRF guard; with `target.pool_key`, on the pooled
    connection of that key (`SMTP_POOL`). `before_data` is awaited once, just before DATA:
    a failure before it is safe to retry (a dead reused connection is replaced once,
    transparently), one after it is SmtpUnknown and never retried here."""
    if target is None:
        return await _deliver_relay(settings, message, sender, recipient, before_data)
    if target.pool_key is None or settings.smtp_idle_seconds <= 0:
        return await _deliver_once(settings, target, message, sender, recipient, before_data)
    return await SMTP_POOL.deliver(settings, target, message, sender, recipient, before_data)


async def _deliver_relay(
    settings: Settings,
    message: bytes,
    sender: str,
    recipient: str,
    before_data: Callable[[], Awaitable[None]],
) -> str:
    """The default relay from `Settings.smtp_*`: a new connection per send."""
    smtp = _smtp_client(settings)
    try:
        try:
            await smtp.connect()
        except aiosmtplib.SMTPAuthenticationError as exc:
            raise SmtpPermanent(f"SMTP authentication failed: {_describe(exc)}", exc.code) from exc
        except aiosmtplib.SMTPResponseException as exc:
            cls = SmtpPermanent if exc.code >= 500 else SmtpTransient
            raise cls(f"SMTP connect refused: {_describe(exc)}", exc.code) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise SmtpTransient(f"SMTP connection failed: {exc}") from exc
        return await _transaction(smtp, message, sender, recipient, before_data, reused=False)
    finally:
        if smtp.is_connected:
            try:
                await smtp.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                smtp.close()


# -- a mailbox's own server ----------------------------------------------------------------


@dataclass(frozen=True)
class SmtpTarget:
    """Where one mailbox sends from. `pool_key` (e.g. the mailbox id) lets sends reuse one
    connection on this worker; None: a new connection per send. `allow_private` admits
    loopback and private addresses (dev and tests: Settings.webhook_allow_private_targets)."""

    host: str
    port: int
    tls: Literal["none", "starttls", "tls"]
    username: str | None
    password: str | None = field(repr=False)
    timeout: float = 30.0
    pool_key: str | None = None
    allow_private: bool = False


Before = Callable[[], Awaitable[None]]
_SMTP_ERRORS = (aiosmtplib.SMTPException, OSError, TimeoutError)
_TLS_CONTEXTS: dict[Path | None, ssl.SSLContext] = {}
_local_hostname: str | None = None
_CONNECT_ERRORS = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset",
    errno.ETIMEDOUT: "connection timed out",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ENETUNREACH: "network unreachable",
    errno.EADDRNOTAVAIL: "address not available",
}


class _Stale(Exception):
    """A reused connection turned out dead before DATA (internal: the pool reconnects)."""

    def __init__(self, error: SmtpTransient) -> None:
        super().__init__(str(error))
        self.error = error


def _words(text: str, cap: int = 300) -> str:
    return one_line(text, cap)


def _cert_error(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return None
        if isinstance(seen, ssl.SSLCertVerificationError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _network_error(
    stage: str, target: SmtpTarget, exc: BaseException
) -> SmtpPermanent | SmtpTransient:
    cert = _cert_error(exc)
    if cert is not None:
        why = _words(str(getattr(cert, "verify_message", "") or cert), 200)
        return SmtpPermanent(
            f"SMTP {stage} failed: TLS certificate of {target.host} not accepted ({why})"
        )
    if isinstance(exc, TimeoutError):
        return SmtpTransient(f"SMTP {stage} failed: {target.host}:{target.port} timed out")
    known = _CONNECT_ERRORS.get(exc.errno) if isinstance(exc, OSError) and exc.errno else None
    if known is not None:
        return SmtpTransient(f"SMTP {stage} failed: {target.host}:{target.port}: {known}")
    detail = _words(str(exc), 200) or type(exc).__name__
    return SmtpTransient(f"SMTP {stage} failed: {detail}")


async def _tls_context(settings: Settings) -> ssl.SSLContext:
    """The system store plus `Settings.smtp_ca_file`; built once (loading the store is CPU
    work: off the event loop)."""
    key = settings.smtp_ca_file
    context = _TLS_CONTEXTS.get(key)
    if context is None:

        def build() -> ssl.SSLContext:
            ctx = ssl.create_default_context()
            if key is not None:
                ctx.load_verify_locations(cafile=str(key))
            return ctx

        context = _TLS_CONTEXTS[key] = await asyncio.to_thread(build)
    return context


async def _local_name() -> str:
    global _local_hostname
    if _local_hostname is None:
        _local_hostname = await asyncio.to_thread(socket.getfqdn)
    return _local_hostname


def _tls_name(host: str) -> str:
    """The name TLS verifies (and SNI carries): ASCII, no IPv6 brackets."""
    host = host.strip("[]")
    if host.isascii():
        return host
    return idna.encode(host, uts46=True).decode("ascii")


async def _open_socket(addresses: list[str], port: int, seconds: float) -> socket.socket:
    """A TCP connection to the first of `addresses` (all checked by the guard) that
    answers; never a second resolution of the name."""
    loop = asyncio.get_running_loop()
    failure: BaseException | None = None
    for address in addresses:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setblocking(False)
        try:
            async with asyncio.timeout(seconds):
                await loop.sock_connect(sock, (address, port))
        except (OSError, TimeoutError) as exc:
            sock.close()
            failure = exc
            continue
        except BaseException:
            sock.close()
            raise
        return sock
    assert failure is not None
    raise failure


async def _connect_target(settings: Settings, target: SmtpTarget) -> tuple[aiosmtplib.SMTP, str]:
    """An open, TLS-upgraded (as configured), logged-in connection, and the server's last
    words (the 235 of the login, or the greeting). Raises SmtpAuthFailed, SmtpPermanent or
    SmtpTransient."""
    try:
        name = _tls_name(target.host)
    except idna.IDNAError as exc:
        raise SmtpPermanent(f"SMTP host {target.host!r} has no ASCII form: {exc}") from exc
    try:
        addresses = await netguard.checked_addresses(
            target.host, target.port, allow_private=target.allow_private
        )
    except netguard.TargetRefused as exc:
        raise SmtpPermanent(f"SMTP host refused: {exc}") from exc
    except netguard.Unresolvable as exc:
        # The name was checked when the mailbox was saved: a failure now is the resolver's
        # moment (SERVFAIL, a timeout, a zone being moved), so the send is retried.
        raise SmtpTransient(f"SMTP host unknown: {exc}") from exc
    context = await _tls_context(settings) if target.tls != "none" else None
    local = await _local_name()
    try:
        sock = await _open_socket(addresses, target.port, target.timeout)
    except (OSError, TimeoutError) as exc:
        raise _network_error("connection", target, exc) from exc
    smtp = aiosmtplib.SMTP(
        hostname=name,
        sock=sock,
        use_tls=target.tls == "tls",
        start_tls=False,
        tls_context=context,
        timeout=target.timeout,
        local_hostname=local,
    )
    stage = "connection"
    try:
        try:
            greeting = await smtp.connect()
            said = f"{greeting.code} {greeting.message}"
            if target.tls == "starttls":
                stage = "STARTTLS"
                await smtp.ehlo()
                if not smtp.supports_extension("starttls"):
                    raise SmtpPermanent(
                        f"SMTP STARTTLS failed: {target.host} does not offer STARTTLS "
                        "(try tls 'tls', or 'none')"
                    )
                await smtp.starttls()
            if target.username:
                stage = "login"
                answer = await smtp.login(target.username, target.password or "")
                said = f"{answer.code} {answer.message}"
        except aiosmtplib.SMTPAuthenticationError as exc:
            if exc.code >= 500:
                raise SmtpAuthFailed(
                    f"SMTP authentication failed: {_words(_describe(exc))}", exc.code
                ) from exc
            raise SmtpTransient(f"SMTP login deferred: {_words(_describe(exc))}", exc.code) from exc
        except aiosmtplib.SMTPResponseException as exc:
            cls = SmtpPermanent if exc.code >= 500 else SmtpTransient
            raise cls(f"SMTP {stage} refused: {_words(_describe(exc))}", exc.code) from exc
        except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError) as exc:
            raise _network_error(stage, target, exc) from exc
        except aiosmtplib.SMTPException as exc:
            if stage == "login":  # the server offers no AUTH (over this channel)
                raise SmtpAuthFailed(f"SMTP authentication failed: {_words(str(exc))}") from exc
            raise _network_error(stage, target, exc) from exc
        except (OSError, TimeoutError) as exc:
            raise _network_error(stage, target, exc) from exc
    except BaseException:
        # The socket belongs to the transport now: closing it here, under a TLS transport
        # still shutting down, would free a descriptor the event loop still watches.
        smtp.close()
        raise
    return smtp, _words(said, 500)


async def _quit(smtp: aiosmtplib.SMTP) -> None:
    """QUIT politely (a few seconds at most), then close whatever happened."""
    try:
        if smtp.is_connected:
            await smtp.quit(timeout=5)
    except _SMTP_ERRORS:
        pass
    finally:
        smtp.close()


async def _reset(smtp: aiosmtplib.SMTP) -> bool:
    """RSET after a refused transaction: True when the connection is clean for the next."""
    if not smtp.is_connected:
        return False
    try:
        await smtp.rset()
    except _SMTP_ERRORS:
        return False
    return True


async def _transaction(
    smtp: aiosmtplib.SMTP,
    message: bytes,
    sender: str,
    recipient: str,
    before_data: Before,
    *,
    reused: bool,
) -> str:
    """MAIL, RCPT, `before_data()`, DATA on an open connection. On a reused connection a
    disconnect (or a 421) before DATA raises _Stale: nothing was handed over, the caller
    may try once more on a new connection."""

    def dead(stage: str, exc: BaseException, code: int | None = None) -> Exception:
        what = _describe(exc) if isinstance(exc, aiosmtplib.SMTPResponseException) else exc
        error = SmtpTransient(f"SMTP failed before DATA ({stage}): {what}", code)
        return _Stale(error) if reused else error

    try:
        await smtp.mail(ascii_address(sender))
    except aiosmtplib.SMTPResponseException as exc:
        if reused and exc.code == 421:
            raise dead("MAIL", exc, exc.code) from exc
        cls = SmtpPermanent if exc.code >= 500 else SmtpTransient
        raise cls(f"sender refused: {_describe(exc)}", exc.code) from exc
    except _SMTP_ERRORS as exc:
        raise dead("MAIL", exc) from exc
    try:
        await smtp.rcpt(ascii_address(recipient))
    except aiosmtplib.SMTPResponseException as exc:
        if reused and exc.code == 421:
            raise dead("RCPT", exc, exc.code) from exc
        if exc.code >= 500:
            raise SmtpBounce(f"recipient refused: {_describe(exc)}", exc.code) from exc
        raise SmtpTransient(f"recipient deferred: {_describe(exc)}", exc.code) from exc
    except _SMTP_ERRORS as exc:
        raise dead("RCPT", exc) from exc
    await before_data()
    try:
        response = await smtp.data(message)
    except aiosmtplib.SMTPResponseException as exc:
        # The server answered: it did not take the message.
        if exc.code >= 500:
            raise SmtpBounce(f"message refused: {_describe(exc)}", exc.code) from exc
        raise SmtpTransient(f"message deferred: {_describe(exc)}", exc.code) from exc
    except _SMTP_ERRORS as exc:
        raise SmtpUnknown(f"connection lost during DATA: {exc}") from exc
    return f"{response.code} {response.message}"


def _answered(exc: BaseException) -> bool:
    """The server refused the transaction in words (a bounce, a deferral): the connection
    itself is fine once RSET."""
    return isinstance(exc, SmtpBounce | SmtpPermanent | SmtpTransient) and exc.code is not None


async def _deliver_once(
    settings: Settings,
    target: SmtpTarget,
    message: bytes,
    sender: str,
    recipient: str,
    before_data: Before,
) -> str:
    """A new connection for this one send, closed after it."""
    smtp, _ = await _connect_target(settings, target)
    try:
        return await _transaction(smtp, message, sender, recipient, before_data, reused=False)
    finally:
        await _quit(smtp)


# -- the pool ------------------------------------------------------------------------------


@dataclass(eq=False)
class _Slot:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    smtp: aiosmtplib.SMTP | None = None
    target: SmtpTarget | None = None
    last_used: float = 0.0
    idle: asyncio.TimerHandle | None = None
    users: int = 0  # sends holding or waiting for the lock
    drop_on_release: bool = False

    def cancel_idle(self) -> None:
        if self.idle is not None:
            self.idle.cancel()
            self.idle = None


class SmtpPool:
    """One authenticated connection per `pool_key` on this worker.

    - One send at a time per key (an asyncio.Lock; the others wait their turn); sends on
      different keys run side by side.
    - A connection is reused while it is younger than `Settings.smtp_idle_seconds` idle and
      its target (host, port, TLS, credentials...) is unchanged; idle ones are closed
      (QUIT) after that time.
    - It is dropped on any error but a server's refusal in words (a bounce, a deferral):
      those leave it reset (RSET) for the next send, or dropped if RSET fails.
    - A reused connection found dead before DATA (disconnect, timeout or 421 on MAIL or
      RCPT) is replaced once, transparently; never after `before_data()` was called.
    """

    def __init__(self) -> None:
        self._slots: dict[str, _Slot] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closing: set[asyncio.Task[None]] = set()

    @property
    def open_connections(self) -> int:
        return sum(1 for slot in self._slots.values() if slot.smtp is not None)

    def _slot(self, key: str) -> _Slot:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            # A new event loop (a test, a restarted worker): the old connections are unusable.
            for slot in self._slots.values():
                if slot.smtp is not None:
                    try:
                        slot.smtp.close()
                    except Exception:  # noqa: BLE001, S110 - the old loop may be closed
                        pass
            self._slots, self._loop = {}, loop
        found = self._slots.get(key)
        if found is None:
            found = self._slots[key] = _Slot()
        return found

    def _forget(self, key: str, slot: _Slot) -> None:
        if slot.users == 0 and slot.smtp is None and self._slots.get(key) is slot:
            del self._slots[key]

    def _close_later(self, smtp: aiosmtplib.SMTP) -> None:
        task = asyncio.get_running_loop().create_task(_quit(smtp))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    def _expire(self, key: str, slot: _Slot) -> None:
        slot.idle = None
        if slot.lock.locked() or slot.smtp is None:
            return
        smtp, slot.smtp, slot.target = slot.smtp, None, None
        self._close_later(smtp)
        self._forget(key, slot)

    def _take(self, slot: _Slot, target: SmtpTarget, idle: float) -> aiosmtplib.SMTP | None:
        smtp = slot.smtp
        if smtp is None:
            return None
        slot.smtp = None
        fresh = time.monotonic() - slot.last_used < idle
        if smtp.is_connected and fresh and slot.target == target:
            return smtp
        self._close_later(smtp)
        return None

    async def deliver(
        self,
        settings: Settings,
        target: SmtpTarget,
        message: bytes,
        sender: str,
        recipient: str,
        before_data: Before,
    ) -> str:
        assert target.pool_key is not None
        key = target.pool_key
        slot = self._slot(key)
        slot.users += 1
        try:
            async with slot.lock:
                slot.cancel_idle()
                return await self._deliver_locked(
                    slot, key, settings, target, message, sender, recipient, before_data
                )
        finally:
            slot.users -= 1
            self._forget(key, slot)

    async def _deliver_locked(
        self,
        slot: _Slot,
        key: str,
        settings: Settings,
        target: SmtpTarget,
        message: bytes,
        sender: str,
        recipient: str,
        before_data: Before,
    ) -> str:
        idle = settings.smtp_idle_seconds
        smtp = self._take(slot, target, idle)
        keep = False
        try:
            try:
                if smtp is not None:
                    try:
                        reply = await _transaction(
                            smtp, message, sender, recipient, before_data, reused=True
                        )
                    except _Stale:
                        smtp.close()
                        smtp = None
                    else:
                        keep = True
                        return reply
                smtp, _ = await _connect_target(settings, target)
                reply = await _transaction(
                    smtp, message, sender, recipient, before_data, reused=False
                )
                keep = True
                return reply
            except (SmtpBounce, SmtpPermanent, SmtpTransient) as exc:
                if smtp is not None and _answered(exc):
                    keep = await _reset(smtp)
                raise
        finally:
            if smtp is not None:
                if keep and smtp.is_connected and not slot.drop_on_release:
                    slot.smtp, slot.target, slot.last_used = smtp, target, time.monotonic()
                    slot.idle = asyncio.get_running_loop().call_later(idle, self._expire, key, slot)
                else:
                    smtp.close()
            slot.drop_on_release = False

    async def close(self) -> None:
        """Close every pooled connection (QUIT); one in use is closed when its send ends."""
        if self._loop is not None and self._loop is not asyncio.get_running_loop():
            self._slot("")  # a different loop: abandons the old connections
        for key, slot in list(self._slots.items()):
            slot.cancel_idle()
            if slot.lock.locked():
                slot.drop_on_release = True
            elif slot.smtp is not None:
                smtp, slot.smtp, slot.target = slot.smtp, None, None
                self._close_later(smtp)
            self._forget(key, slot)
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)


SMTP_POOL = SmtpPool()


async def close_pool() -> None:
    """Worker shutdown: QUIT every pooled SMTP connection."""
    await SMTP_POOL.close()


async def verify_smtp(target: SmtpTarget, settings: Settings | None = None) -> tuple[bool, str]:
    """Connect, STARTTLS/TLS, log in, QUIT. (True, the server's 235 answer, or its greeting
    when there is no login) or (False, what went wrong: the server's words or the network
    error). Never raises for what a server says; the pool is not used."""
    settings = settings or get_settings()
    try:
        smtp, said = await _connect_target(settings, target)
    except (SmtpPermanent, SmtpTransient) as exc:
        return False, str(exc)
    except (ValueError, OSError) as exc:
        return False, f"SMTP connection failed: {_words(str(exc), 200)}"
    await _quit(smtp)
    return True, said
