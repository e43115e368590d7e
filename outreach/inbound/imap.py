"""A small blocking IMAP client (stdlib imaplib) for mailbox sync. `sync.py` runs each call
in a thread, so the worker's event loop never blocks.

The folder is opened read-only (EXAMINE) and bodies are fetched with BODY.PEEK: syncing
never marks the founder's mail as read. Each fetch takes at most `cap` bytes of a message.
Errors come out as `ImapError` with a message fit to show (never the password).
"""

from __future__ import annotations

import imaplib
import re
import ssl
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

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
    out, pending = [], []
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


def parse_search(data: list) -> list[int]:
    uids: list[int] = []
    for chunk in data or []:
        if isinstance(chunk, bytes):
            uids += [int(x) for x in chunk.split() if x.isdigit()]
    return sorted(set(uids))


def parse_fetch(data: list) -> list[Fetched]:
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


def _reason(exc: BaseException | bytes | str) -> str:
    if isinstance(exc, bytes):
        text = exc.decode("utf-8", "replace")
    else:
        text = str(exc) or type(exc).__name__
    return re.sub(r"\s+", " ", text.replace("\x00", ""))[:300]


# -- the client ----------------------------------------------------------------------------


class ImapFolder:
    """One open, read-only folder. Use `ImapFolder.open(config)` and `close()`."""

    def __init__(self, conn: imaplib.IMAP4, uidvalidity: int, uidnext: int | None) -> None:
        self.conn = conn
        self.uidvalidity = uidvalidity
        self.uidnext = uidnext

    @classmethod
    def open(cls, config: ImapConfig) -> ImapFolder:
        stage = "connect"
        conn: imaplib.IMAP4 | None = None
        try:
            if config.security == "tls":
                conn = imaplib.IMAP4_SSL(
                    config.host,
                    config.port,
                    ssl_context=ssl.create_default_context(),
                    timeout=config.timeout,
                )
            else:
                conn = imaplib.IMAP4(config.host, config.port, timeout=config.timeout)
                if config.security == "starttls":
                    stage = "starttls"
                    conn.starttls(ssl_context=ssl.create_default_context())
            stage = "login"
            conn.login(config.username, config.password)
            stage = "select"
            typ, data = conn.select(encode_mailbox(config.folder), readonly=True)
            if typ != "OK":
                raise ImapError(
                    f"folder {config.folder!r} cannot be opened: "
                    f"{_reason(data[0] if data else typ)}"
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
        except (imaplib.IMAP4.error, OSError, ValueError, UnicodeError) as exc:
            cls._drop(conn)
            what = "login failed" if stage == "login" else f"{stage} failed"
            raise ImapError(f"{what}: {_reason(exc)}") from None

    def _uid(self, command: str, *args: str) -> list:
        try:
            typ, data = self.conn.uid(command, *args)
        except (imaplib.IMAP4.error, OSError) as exc:
            raise ImapError(f"UID {command} failed: {_reason(exc)}") from None
        if typ != "OK":
            raise ImapError(f"UID {command} refused: {_reason(data[0] if data else typ)}")
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
            conn.logout()
        except Exception:  # noqa: BLE001, S110 - closing a broken connection
            pass
