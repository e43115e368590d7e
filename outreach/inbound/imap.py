"""A small blocking IMAP client (stdlib imaplib) for mailbox sync. `sync.py` runs each call
in a thread, so the worker's event loop never blocks.

The connection goes to an address the SSRF guard (`outreach.netguard`) has just checked,
never to a second resolution of the name; TLS (implicit or STARTTLS) still verifies the
certificate against the host name. The folder is opened read-only (EXAMINE) and bodies are
fetched with BODY.PEEK: syncing never marks the founder's mail as read. Each fetch takes at
most `cap` bytes of a message.

Errors come out as `ImapError` with a message in our own words: what failed ("connection
refused", "TLS handshake failed", "login refused"...), never the server's greeting or
answers (a host pointed at another service would otherwise echo its banner), never the
password.
"""

from __future__ import annotations

import contextlib
import errno
import imaplib
import re
import socket
import ssl
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
_INTERNALDATE = re.compile(rb'\bINTERNALDATE "([^"]+)"')


class ImapError(Exception):
    """The mailbox could not be read; the message says why (no secrets in it)."""


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int
    security: str  # tls | starttls | none
    username: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    timeout: float = 30.0


@dataclass
class Fetched:
    uid: int
    size: int
    internaldate: datetime | None
    raw: bytes


# -- pure helpers --------------------------------------------------------------------------


def _b64_utf7(text: str) -> str:
    import base64

    data = base64.b64encode(text.encode("utf-16-be")).decode("ascii").rstrip("=")
    return data.replace("/", ",")


def encode_mailbox(name: str) -> str:
    """A folder name as an IMAP argument: modified UTF-7 (RFC 3501 5.1.3), quoted."""
    out: list[str] = []
    pending: list[str] = []
    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            if pending:
                out.append("&" + _b64_utf7("".join(pending)) + "-")
                pending = []
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    if pending:
        out.append("&" + _b64_utf7("".join(pending)) + "-")
    encoded = "".join(out)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def imap_date(day: date) -> str:
    """RFC 3501 date for SEARCH SINCE (English month names whatever the locale)."""
    return f"{day.day}-{_MONTHS[day.month - 1]}-{day.year}"


def parse_internaldate(raw: bytes | str) -> datetime | None:
    text = raw.decode("ascii", "replace") if isinstance(raw, bytes) else raw
    try:
        return datetime.strptime(text.strip(), "%d-%b-%Y %H:%M:%S %z").astimezone(UTC)
    except ValueError:
        return None


def parse_search(data: list[Any]) -> list[int]:
    uids: list[int] = []
    for chunk in data or []:
        if isinstance(chunk, bytes):
            uids += [int(x) for x in chunk.split() if x.isdigit()]
    return sorted(set(uids))


def parse_fetch(data: list[Any]) -> list[Fetched]:
    """imaplib's FETCH answer -> messages. Each message is a (meta, literal) tuple followed
    by the closing bytes, which may carry more items (`UID 7)`)."""
    items: list[tuple[bytes, bytes]] = []
    for part in data or []:
        if isinstance(part, tuple) and len(part) == 2:
            items.append((bytes(part[0]), bytes(part[1])))
        elif isinstance(part, bytes) and items:
            meta, body = items[-1]
            items[-1] = (meta + b" " + part, body)
    out = []
    for meta, body in items:
        uid = _UID.search(meta)
        if uid is None:
            continue
        size = _SIZE.search(meta)
        when = _INTERNALDATE.search(meta)
        out.append(
            Fetched(
                uid=int(uid.group(1)),
                size=int(size.group(1)) if size else len(body),
                internaldate=parse_internaldate(when.group(1)) if when else None,
                raw=body,
            )
        )
    return sorted(out, key=lambda f: f.uid)


# RFC 5530 response codes: fixed tokens, safe to show (the text around them is not).
_RESPONSE_CODES = frozenset(
    {
        "UNAVAILABLE",
        "AUTHENTICATIONFAILED",
        "AUTHORIZATIONFAILED",
        "EXPIRED",
        "PRIVACYREQUIRED",
        "CONTACTADMIN",
        "NOPERM",
        "INUSE",
        "EXPUNGEISSUED",
        "CORRUPTION",
        "SERVERBUG",
        "CLIENTBUG",
        "CANNOT",
        "LIMIT",
        "OVERQUOTA",
        "ALREADYEXISTS",
        "NONEXISTENT",
    }
)
_CODE = re.compile(r"\[([A-Z-]{2,30})[\] ]")
_CONNECT_ERRORS = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset",
    errno.ETIMEDOUT: "connection timed out",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ENETUNREACH: "network unreachable",
    errno.EADDRNOTAVAIL: "address not available",
}


def _code(data: object) -> str:
    """The RFC 5530 code of a server answer, as ` (CODE)`, or nothing."""
    if isinstance(data, list | tuple):
        data = data[0] if data else b""
    if isinstance(data, bytes):
        data = data.decode("ascii", "replace")
    found = _CODE.search(str(data or "")[:200])
    return f" ({found.group(1)})" if found and found.group(1) in _RESPONSE_CODES else ""


def _network(exc: BaseException) -> str:
    """A connection-level failure in our words."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        detail = str(getattr(exc, "verify_message", "") or "").strip()[:120]
        return "TLS certificate not accepted" + (f" ({detail})" if detail else "")
    if isinstance(exc, ssl.SSLError):
        return "TLS handshake failed"
    if isinstance(exc, TimeoutError):
        return "connection timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, Overrun):
        return str(exc)
    if isinstance(exc, imaplib.IMAP4.abort):
        return "the server closed the connection or answered out of turn"
    if isinstance(exc, OSError) and exc.errno in _CONNECT_ERRORS:
        return _CONNECT_ERRORS[exc.errno]
    if isinstance(exc, EOFError | ConnectionError):
        return "the connection was lost"
    return "connection failed"


# What one command may cost, whatever the server does: a server a tenant points us at shares
# the worker with everyone else. imaplib reads any literal size a server announces and any
# number of untagged lines, and a server that drips one byte a second never trips the socket
# timeout (it bounds each read, not a command).
COMMAND_SECONDS = 120.0
LITERAL_CAP = 2 * 1024 * 1024 + 64 * 1024  # a capped partial FETCH, and some slack
COMMAND_BYTES = 64 * 1024 * 1024  # a FETCH batch of capped messages, and some slack


class Overrun(imaplib.IMAP4.abort):
    """The server went past what one command may take (time or bytes)."""


class _Bounded(imaplib.IMAP4):
    """The bounds above, on every command: a watchdog closes the connection when a command
    takes longer than COMMAND_SECONDS; a literal over LITERAL_CAP or a response over
    COMMAND_BYTES ends it at once."""

    _watchdog: threading.Timer | None = None
    _expired = False
    _taken = 0
    overrun: str | None = None  # why the last command was cut off (imaplib re-wraps it)

    def _overrun(self, why: str) -> Overrun:
        self.overrun = why
        return Overrun(why)

    def _arm(self) -> None:
        self._disarm()
        self._expired, self._taken = False, 0
        self._watchdog = threading.Timer(COMMAND_SECONDS, self._expire)
        self._watchdog.daemon = True
        self._watchdog.start()

    def _disarm(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None

    def _expire(self) -> None:
        self._expired = True
        sock = getattr(self, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _take(self, size: int) -> None:
        self._taken += size
        if self._taken > COMMAND_BYTES:
            raise self._overrun(
                f"the server sent more than {COMMAND_BYTES // 2**20} MB for one command"
            )

    def _command(self, name: str, *args: Any) -> Any:
        self._arm()
        return super()._command(name, *args)  # type: ignore[misc]

    def _command_complete(self, name: str, tag: bytes) -> Any:
        try:
            return super()._command_complete(name, tag)  # type: ignore[misc]
        finally:
            self._disarm()  # the bound is on a command, not on idle time between them

    def _get_line(self) -> bytes:
        try:
            line: bytes = super()._get_line()  # type: ignore[misc]
        except (imaplib.IMAP4.abort, OSError):
            if self._expired:
                raise self._overrun(
                    f"the server took more than {COMMAND_SECONDS:.0f} s to answer"
                ) from None
            raise
        return line

    def read(self, size: int) -> bytes:
        if size > LITERAL_CAP:
            raise self._overrun(
                f"the server sent a {size:,}-byte literal (at most {LITERAL_CAP:,})"
            )
        self._take(size)
        return super().read(size)

    def readline(self) -> bytes:
        line = super().readline()
        self._take(len(line))
        return line

    def shutdown(self) -> None:
        self._disarm()
        super().shutdown()


# Connecting to a given address instead of resolving `host` again; `host` stays the name
# TLS verifies (imaplib wraps with server_hostname=self.host, for STARTTLS too). The
# watchdog is armed before connecting: the greeting is bounded too.


class PinnedIMAP4(_Bounded):
    def __init__(self, address: str, host: str, port: int, timeout: float | None) -> None:
        self._address = address
        super().__init__(host, port, timeout=timeout)

    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        self._arm()
        return socket.create_connection((self._address, self.port), timeout)


class PinnedIMAP4_SSL(_Bounded, imaplib.IMAP4_SSL):
    def __init__(
        self,
        address: str,
        host: str,
        port: int,
        ssl_context: ssl.SSLContext,
        timeout: float | None,
    ) -> None:
        self._address = address
        self._context = ssl_context
        super().__init__(host, port, ssl_context=ssl_context, timeout=timeout)

    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        self._arm()
        sock = socket.create_connection((self._address, self.port), timeout)
        return self._context.wrap_socket(sock, server_hostname=self.host)


# -- the client ----------------------------------------------------------------------------


class ImapFolder:
    """One open, read-only folder. Use `ImapFolder.open(config)` and `close()`."""

    def __init__(self, conn: imaplib.IMAP4, uidvalidity: int, uidnext: int | None) -> None:
        self.conn = conn
        self.uidvalidity = uidvalidity
        self.uidnext = uidnext

    @classmethod
    def open(
        cls, config: ImapConfig, addresses: list[str], ssl_context: ssl.SSLContext | None = None
    ) -> ImapFolder:
        """Connect to the first of `addresses` (checked by the guard) that answers, then
        TLS, login and EXAMINE the folder."""
        conn: imaplib.IMAP4 | None = None
        stage = "connect"
        try:
            conn = cls._connect(config, addresses, ssl_context)
            if config.security == "starttls":
                stage = "starttls"
                if "STARTTLS" not in conn.capabilities:
                    raise ImapError(
                        "starttls failed: the server does not offer STARTTLS (try security 'tls')"
                    )
                conn.starttls(ssl_context=ssl_context or ssl.create_default_context())
            stage = "login"
            conn.login(config.username, config.password)
            stage = "select"
            typ, data = conn.select(encode_mailbox(config.folder), readonly=True)
            if typ != "OK":
                raise ImapError(
                    f"folder {config.folder!r} cannot be opened{_code(data)} "
                    "(does it exist, and may this account read it?)"
                )
            _, validity = conn.response("UIDVALIDITY")
            _, uidnext = conn.response("UIDNEXT")
            if not validity or validity[0] is None:
                raise ImapError("the server reported no UIDVALIDITY for the folder")
            return cls(
                conn,
                int(validity[0]),
                int(uidnext[0]) if uidnext and uidnext[0] is not None else None,
            )
        except ImapError:
            cls._drop(conn)
            raise
        except imaplib.IMAP4.abort as exc:
            why = getattr(conn, "overrun", None) or _network(exc)
            cls._drop(conn)
            raise ImapError(f"{stage} failed: {why}") from None
        except imaplib.IMAP4.error as exc:
            cls._drop(conn)
            raise ImapError(cls._refused(stage, exc)) from None
        except (OSError, EOFError, ValueError, UnicodeError) as exc:
            cls._drop(conn)
            what = _network(exc) if isinstance(exc, OSError | EOFError) else "unreadable answer"
            raise ImapError(f"{stage} failed: {what}") from None

    @staticmethod
    def _connect(
        config: ImapConfig, addresses: list[str], ssl_context: ssl.SSLContext | None
    ) -> imaplib.IMAP4:
        if not addresses:
            raise ImapError("connect failed: no address to connect to")
        failure: BaseException | None = None
        for address in addresses:
            try:
                if config.security == "tls":
                    context = ssl_context or ssl.create_default_context()
                    return PinnedIMAP4_SSL(
                        address, config.host, config.port, context, config.timeout
                    )
                return PinnedIMAP4(address, config.host, config.port, config.timeout)
            except Overrun as exc:
                raise ImapError(f"connect failed: {exc}") from None
            except imaplib.IMAP4.error:
                # Connected, but what answered is no IMAP server (its greeting not shown).
                raise ImapError(
                    "connect failed: the server at that address and port did not answer "
                    "as an IMAP server"
                ) from None
            except ssl.SSLError as exc:
                raise ImapError(f"connect failed: {_network(exc)}") from None
            except (OSError, EOFError) as exc:
                failure = exc  # the next address, if any
        assert failure is not None
        raise ImapError(f"connect failed: {_network(failure)}") from None

    @staticmethod
    def _refused(stage: str, exc: imaplib.IMAP4.error) -> str:
        code = _code(exc.args[0] if exc.args else "")
        if stage == "login":
            return (
                f"login refused{code}: check the user name and password (some providers "
                "need an app password, or IMAP turned on)"
            )
        return f"{stage} refused by the server{code}"

    def _uid(self, command: str, *args: str) -> list[Any]:
        try:
            typ, data = self.conn.uid(command, *args)
        except imaplib.IMAP4.abort as exc:
            why = getattr(self.conn, "overrun", None) or _network(exc)
            raise ImapError(f"UID {command} failed: {why}") from None
        except imaplib.IMAP4.error as exc:
            code = _code(exc.args[0] if exc.args else "")
            raise ImapError(f"UID {command} refused by the server{code}") from None
        except (OSError, EOFError) as exc:
            raise ImapError(f"UID {command} failed: {_network(exc)}") from None
        if typ != "OK":
            raise ImapError(f"UID {command} refused by the server{_code(data)}")
        return data

    def search_after(self, last_uid: int, since: date | None = None) -> list[int]:
        """UIDs above `last_uid` (and, with `since`, arrived on or after that day)."""
        criteria = f"UID {last_uid + 1}:*"
        if since is not None:
            criteria += f" SINCE {imap_date(since)}"
        # `n:*` always names the last message, even when its UID is below n.
        return [u for u in parse_search(self._uid("SEARCH", criteria)) if u > last_uid]

    def max_uid(self) -> int:
        return max(parse_search(self._uid("SEARCH", "ALL")), default=0)

    def fetch(self, uids: list[int], cap: int) -> list[Fetched]:
        if not uids:
            return []
        items = f"(UID RFC822.SIZE INTERNALDATE BODY.PEEK[]<0.{cap}>)"
        return parse_fetch(self._uid("FETCH", ",".join(str(u) for u in uids), items))

    def close(self) -> None:
        self._drop(self.conn)

    @staticmethod
    def _drop(conn: imaplib.IMAP4 | None) -> None:
        if conn is None:
            return
        try:
            if getattr(conn, "overrun", None):
                conn.shutdown()  # no LOGOUT: the server is not one to wait for
            else:
                conn.logout()
        except Exception:  # noqa: BLE001, S110 - closing a broken connection
            pass


# -- verify (POST /mailboxes/{id}/verify) ---------------------------------------------------


def check_login(
    config: ImapConfig, addresses: list[str], ssl_context: ssl.SSLContext | None = None
) -> tuple[bool, str]:
    """Blocking: log in and open the folder read-only as a sync would, then log out.
    (True, what worked) or (False, what failed, in our words as everywhere here)."""
    try:
        folder = ImapFolder.open(config, addresses, ssl_context)
    except ImapError as exc:
        return False, str(exc)
    folder.close()
    return True, f"login accepted, folder {config.folder!r} opened"


async def verify_imap(
    config: ImapConfig, *, allow_private: bool, ssl_context: ssl.SSLContext | None = None
) -> tuple[bool, str]:
    """The SSRF guard, then `check_login` on a checked address in the IMAP thread pool (the
    event loop never blocks). Never raises for what a server says or does."""
    from outreach.netguard import TargetRefused, Unresolvable, checked_addresses
    from outreach.workpool import run_imap

    try:
        addresses = await checked_addresses(config.host, config.port, allow_private=allow_private)
    except TargetRefused as exc:
        return False, f"host refused: {exc}"
    except Unresolvable as exc:
        return False, f"connect failed: {exc}"
    return await run_imap(check_login, config, addresses, ssl_context)
