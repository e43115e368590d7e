"""Raw RFC 5322 bytes -> the facts stored for an inbound message. Pure; never raises on
strange input except `MalformedMessage` (what the API answers 400 / 422 with).

Everything returned is safe for both databases: no NUL characters, no lone surrogates
(undecodable bytes become U+FFFD), and every value clipped to its column.

Caps: the first `RAW_CAP` bytes are parsed and kept; the body text is cut at `BODY_CAP`
characters; `truncated` says when either happened (`raw_size` keeps the true size).

Hostile structure: the stdlib parser recurses once per nesting level (a thousand nested
multiparts raise RecursionError) and some of its steps grow faster than the input. Before
it runs, a linear scan bounds what it will meet: at most `MAX_CONTAINERS` multipart/message
parts, `MAX_PARTS` part delimiters and `CONTENT_TYPE_CAP` characters per Content-Type. A
message over a bound, or one the parser fails on anyway, is read from its headers alone:
`unreadable` says why, the body text is empty and `truncated` is set, and it is stored and
matched like any other (its raw bytes are kept). Header values are decoded from at most
`DECODE_CAP` characters (RFC 2047 decoding is quadratic in the stdlib).
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32

# Only the body: the classifier's `reply_text_from_message` also decodes every header,
# uncapped (quadratic on a header of many encoded words); ours are decoded capped, above.
from outreach.classify.mime import _body_of as body_of_message
from outreach.emails import normalise_email
from outreach.inbound.dsn import Bounce, detect_bounce

RAW_CAP = 2 * 1024 * 1024  # bytes parsed and kept per message
BODY_CAP = 100_000  # characters of body text kept
HEADER_VALUE_CAP = 2_000
HEADER_COUNT_CAP = 100
SUBJECT_CAP = 1_000
ID_CAP = 298  # column width 300, minus nothing we need: longer ids are hashed or dropped
THREAD_IDS_CAP = 50
MAX_CONTAINERS = 100  # multipart/* and message/* parts (bounds the parser's nesting depth)
MAX_PARTS = 2_000  # lines that could delimit a part ("--" first)
CONTENT_TYPE_CAP = 8_000  # characters of one Content-Type value (its parameter parser is slow)
# Empty lines from a delivery-status part on: the parser makes each blank-line separated
# block of one a sub-message (a million of them take half a minute).
MAX_STATUS_EMPTY_LINES = 5_000
DECODE_CAP = 20_000  # characters of one header value decoded

_ID_TOKEN = re.compile(r"<([^<>\s]{1,1000})>")
_FOLD = re.compile(r"\r?\n[ \t]*")
_SURROGATES = re.compile("[\ud800-\udfff]")
# Where the parser sees a header or a delimiter: at the start or after any line break
# (it splits lines on CR, LF and CRLF alike).
_CONTENT_TYPE = re.compile(
    rb"(?:\A|(?<=[\r\n]))content-type:((?:[^\r\n]|\r\n[ \t]|[\r\n][ \t])*)", re.IGNORECASE
)
_DELIMITER = re.compile(rb"(?:\A|(?<=[\r\n]))--")
_EMPTY_LINE = re.compile(rb"(?:\r\n|\r(?!\n)|\n)(?=[\r\n])")

log = logging.getLogger("outreach.inbound.message")


class MalformedMessage(ValueError):
    """The body is not a usable RFC 5322 message. `status` 400 (not a message at all) or
    422 (a message we can do nothing with)."""

    def __init__(self, message: str, code: str = "malformed_message", status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


@dataclass
class ParsedMessage:
    message_id: str  # with angle brackets; synthesised from the content when missing
    synthetic_id: bool
    in_reply_to: str | None
    references: list[str]  # ids of the References header, oldest first
    thread_ids: list[str]  # In-Reply-To first, then References newest first
    from_email: str | None
    from_name: str | None
    to_email: str | None
    subject: str
    body_text: str
    headers: dict[str, str]
    date: datetime | None
    raw: bytes  # at most RAW_CAP bytes
    raw_size: int
    truncated: bool
    bounce: Bounce | None = None
    defects: list[str] = field(default_factory=list)
    # Why only the headers were read (a structure over the bounds, a parser failure).
    unreadable: str | None = None


# -- text hygiene --------------------------------------------------------------------------


def clean(text: str) -> str:
    """Database-safe text: no NUL, no lone surrogates."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    return _SURROGATES.sub("\ufffd", text)


def clip(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    text = clean(text)
    return text if len(text) <= limit else text[:limit]


def _decode_bytes(data: bytes, charset: str | None) -> str:
    for candidate in (charset, "utf-8"):
        if not candidate or candidate.lower() == "unknown-8bit":
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def _raw_header(value: object) -> str:
    """A header value as parsed (8-bit bytes kept as surrogate escapes) -> real text,
    unfolded. UTF-8 first (RFC 6532), else Windows-1252, never an exception."""
    text = str(value)
    if _SURROGATES.search(text):
        data = text.encode("utf-8", "surrogateescape")
        text = _decode_bytes(data, None)
    return _FOLD.sub(" ", text).strip()


def decode_words(text: str) -> str:
    """RFC 2047 encoded words -> text; unknown charsets decode as UTF-8 with replacement."""
    if "=?" not in text:
        return text
    text = text[:DECODE_CAP]
    try:
        parts = decode_header(text)
    except Exception:  # noqa: BLE001 - a broken encoded word stays as written
        return text
    try:
        return str(make_header(parts))
    except (LookupError, UnicodeError, ValueError):
        out = []
        for chunk, charset in parts:
            out.append(chunk if isinstance(chunk, str) else _decode_bytes(chunk, charset))
        return " ".join(x.strip() for x in out if x.strip())


def header_text(value: object) -> str:
    return clean(decode_words(_raw_header(value)))


# -- ids and addresses ---------------------------------------------------------------------


def message_ids(value: str | None) -> list[str]:
    """The `<id>` tokens of a Message-ID / In-Reply-To / References value, in order.
    Ids written without brackets are accepted when they look like one (`local@domain`)."""
    if not value:
        return []
    found = [f"<{m}>" for m in _ID_TOKEN.findall(value)]
    if not found:
        found = [f"<{t.strip('<>')}>" for t in value.split() if "@" in t and "<" not in t[1:]]
    out: list[str] = []
    for token in found:
        token = clean(token)
        if len(token) <= ID_CAP and token not in out:
            out.append(token)
    return out


def _hashed_id(data: bytes, domain: str) -> str:
    return f"<{hashlib.sha256(data).hexdigest()[:40]}@{domain}>"


def address(value: str | None) -> str | None:
    """Canonical address (lower-cased, IDNA domain) or None when it is not one."""
    if not value or "@" not in value:
        return None
    value = clean(value.strip())
    try:
        return normalise_email(value)
    except ValueError:
        lowered = value.lower()
        return lowered if len(lowered) <= 320 and " " not in lowered else None


def _first_address(raw_value: str | None) -> tuple[str | None, str | None]:
    """(address, display name) of the first mailbox in an address header."""
    if not raw_value:
        return None, None
    try:
        pairs = email.utils.getaddresses([_raw_header(raw_value)[:DECODE_CAP]])
    except Exception:  # noqa: BLE001 - parser bugs on hostile input
        pairs = []
    for name, addr in pairs:
        found = address(addr)
        if found:
            shown = clip(decode_words(name).strip().strip('"'), 200) or None
            return found, shown
    return None, None


def _date(raw_value: str | None) -> datetime | None:
    if not raw_value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(_raw_header(raw_value))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


# -- the message ---------------------------------------------------------------------------


def _headers(msg: Message) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in msg.raw_items():
        key = clip(str(name).strip(), 100) or ""
        if not key or key in out:
            continue
        if len(out) >= HEADER_COUNT_CAP:
            break
        out[key] = clip(header_text(value), HEADER_VALUE_CAP) or ""
    return out


def _body(msg: Message) -> str:
    try:
        text = body_of_message(msg)
    except Exception:  # noqa: BLE001 - a body we cannot read is stored empty, not an error
        text = ""
    if not text.strip():
        # A multipart without a usable boundary: keep what was written, as text.
        payload = msg.get_payload()
        if isinstance(payload, str):
            text = payload.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return clean(text)


def structure_problem(raw: bytes) -> str | None:
    """Why the MIME parser should not be run on `raw` (nesting, part count, a monstrous
    Content-Type), or None. One linear pass; it may over-count (a body line that looks
    like a header), never under-count what the parser will recurse into."""
    containers = 0
    status_part: int | None = None  # where the first delivery-status part starts
    for found in _CONTENT_TYPE.finditer(raw):
        value = found.group(1)
        if len(value) > CONTENT_TYPE_CAP:
            return f"a Content-Type header is longer than {CONTENT_TYPE_CAP:,} characters"
        kind = value.lstrip(b" \t\r\n")[:40].lower()
        if kind.startswith((b"multipart/", b"message/")):
            containers += 1
            if containers > MAX_CONTAINERS:
                return f"more than {MAX_CONTAINERS} nested or multipart MIME parts"
            if status_part is None and b"delivery-status" in kind:
                status_part = found.end()
    for count, _ in enumerate(_DELIMITER.finditer(raw), 1):
        if count > MAX_PARTS:
            return f"more than {MAX_PARTS:,} MIME parts"
    if status_part is not None:
        for count, _ in enumerate(_EMPTY_LINE.finditer(raw, status_part), 1):
            if count > MAX_STATUS_EMPTY_LINES:
                return f"a delivery report with more than {MAX_STATUS_EMPTY_LINES:,} empty lines"
    return None


def parse_message(raw: bytes, *, full_size: int | None = None) -> ParsedMessage:
    """Parse one message. `full_size` is the true size when `raw` is already a prefix of
    it (an IMAP partial fetch). Raises nothing but `MalformedMessage`, whatever `raw` is."""
    size = max(full_size or 0, len(raw))
    kept = raw[:RAW_CAP]
    if not kept.strip():
        raise MalformedMessage("The message is empty.", "empty_message")
    problem = structure_problem(kept)
    if problem is None:
        try:
            return _parse(kept, size, None)
        except MalformedMessage:
            raise
        except Exception as exc:  # noqa: BLE001 - RecursionError, a parser bug on odd input
            problem = f"the MIME parser failed ({type(exc).__name__})"
    log.warning("message of %d bytes read from its headers only: %s", size, problem)
    try:
        return _parse(kept, size, problem)
    except MalformedMessage:
        raise
    except Exception as exc:  # noqa: BLE001
        log.warning("message of %d bytes cannot be parsed: %s", size, type(exc).__name__)
        raise MalformedMessage(
            f"The message cannot be parsed ({problem}; its headers failed too).",
            "unparsable_message",
            422,
        ) from None


def _parse(kept: bytes, size: int, unreadable: str | None) -> ParsedMessage:
    """The facts of one message; with `unreadable` set, from its header section alone (the
    parser then never looks into the body)."""
    msg = BytesParser(policy=compat32).parsebytes(kept, headersonly=unreadable is not None)
    raw_items = list(msg.raw_items())
    if not raw_items:
        raise MalformedMessage(
            "Not an RFC 5322 message: no header section (send the raw message, headers first).",
        )
    headers = _headers(msg)
    first: dict[str, str] = {}
    for name, value in raw_items:
        first.setdefault(str(name).strip().lower(), str(value))

    def get(name: str) -> str | None:
        value = first.get(name.lower())
        return None if value is None else _raw_header(value)

    from_email, from_name = _first_address(get("From"))
    to_email, _ = _first_address(get("To"))
    subject = clip(header_text(first.get("subject", "")), SUBJECT_CAP) or ""
    own_ids = message_ids(get("Message-ID"))
    references = message_ids(get("References"))[-THREAD_IDS_CAP:]
    in_reply_to = message_ids(get("In-Reply-To"))
    thread_ids = list(dict.fromkeys(in_reply_to + list(reversed(references))))
    body = "" if unreadable else _body(msg)
    truncated = size > len(kept) or unreadable is not None
    if len(body) > BODY_CAP:
        body, truncated = body[:BODY_CAP], True

    if own_ids:
        message_id, synthetic = own_ids[0], False
    else:
        original = get("Message-ID")
        # Over-long or broken ids are kept stable by hashing; missing ones by the content.
        message_id = (
            _hashed_id(original.encode("utf-8", "replace"), "long-message-id.invalid")
            if original and original.strip()
            else _hashed_id(kept, "no-message-id.invalid")
        )
        synthetic = True

    bounce = detect_bounce(msg, from_email, subject, body)
    if bounce is None and from_email is None and not thread_ids:
        raise MalformedMessage(
            "The message has no sender address (From) and no In-Reply-To / References: "
            "there is nothing to match it with.",
            "unusable_message",
            422,
        )
    return ParsedMessage(
        message_id=message_id,
        synthetic_id=synthetic,
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=references,
        thread_ids=thread_ids[:THREAD_IDS_CAP],
        from_email=from_email,
        from_name=from_name,
        to_email=to_email,
        subject=subject,
        body_text=body,
        headers=headers,
        date=_date(get("Date")),
        raw=kept,
        raw_size=size,
        truncated=truncated,
        bounce=bounce,
        defects=[type(d).__name__ for d in msg.defects][:10],
        unreadable=unreadable,
    )
