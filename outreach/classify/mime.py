"""Turn a parsed RFC 5322 message into a ReplyText (stdlib ``email`` only)."""

from __future__ import annotations

import email.message
import re
from datetime import datetime
from email.header import decode_header, make_header
from email.utils import parseaddr, parsedate_to_datetime
from html.parser import HTMLParser

from .models import ReplyText

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "header", "footer", "pre", "hr", "dt", "dd", "address",
}  # fmt: skip
_SKIP_TAGS = {"script", "style", "head", "title", "template", "noscript"}


class _HTMLToText(HTMLParser):
    """Minimal HTML to text: block elements become line breaks, blockquotes become ``> ``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._out: list[str] = []
        self._skip = 0
        self._quote = 0
        self._quote_stack: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in _SKIP_TAGS:
            self._skip += 1
            return
        classes = " ".join(v or "" for k, v in attrs if k in {"class", "id"}).lower()
        quoting = tag == "blockquote" or any(
            marker in classes
            for marker in ("gmail_quote", "yahoo_quoted", "moz-cite-prefix", "protonmail_quote")
        )
        if tag in {"div", "blockquote"}:
            self._quote_stack.append(quoting)
            if quoting:
                self._quote += 1
        if tag in _BLOCK_TAGS or tag == "blockquote":
            self._out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
            return
        if tag in {"div", "blockquote"} and self._quote_stack and self._quote_stack.pop():
            self._quote = max(0, self._quote - 1)
        if tag in _BLOCK_TAGS or tag == "blockquote":
            self._out.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() in {"br", "hr"}:
            self._out.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        data = re.sub(r"[ \t\r\n]+", " ", data)
        if self._quote and (not self._out or self._out[-1].endswith("\n")):
            if not data.strip():
                return
            data = "> " + data.lstrip()
        self._out.append(data)

    def text(self) -> str:
        raw = "".join(self._out)
        lines = [line.strip() for line in raw.split("\n")]
        text = "\n".join(lines)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_text(html: str) -> str:
    """Plain text of an HTML body; quoted blocks (blockquote, gmail_quote) get ``> `` prefixes."""
    parser = _HTMLToText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed markup must never break classification
        return re.sub(r"<[^>]+>", " ", html)
    return parser.text()


def _decode_header_value(value: object) -> str:
    """Readable text of a header however it was parsed: encoded words (RFC 2047), raw UTF-8
    bytes (surrogate-escaped by the compat32 parser, or an unknown-8bit Header), plain."""
    if value is None:
        return ""
    if not isinstance(value, str):  # email.header.Header from the compat32 policy
        chunks = []
        for chunk, charset in decode_header(value):  # type: ignore[arg-type]
            if isinstance(chunk, bytes):
                try:
                    chunk = chunk.decode(charset or "utf-8", errors="replace")
                except LookupError:  # "unknown-8bit" and other unknown names
                    chunk = chunk.decode("utf-8", errors="replace")
            chunks.append(chunk)
        return "".join(chunks)
    value = _unescape(value)
    if "=?" in value:
        try:
            return str(make_header(decode_header(value)))
        except Exception:  # noqa: BLE001
            return value
    return value


def _unescape(value: str) -> str:
    """Raw 8-bit header bytes come back as surrogate escapes: read them as UTF-8."""
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        return value.encode("utf-8", "surrogateescape").decode("utf-8", errors="replace")
    return value


def _decode_payload(part: email.message.Message) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        payload = None
    if payload is None:
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    if not isinstance(payload, bytes):
        return str(payload)
    charset = None
    try:
        charset = part.get_content_charset()
    except Exception:  # noqa: BLE001
        charset = None
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return payload.decode(candidate, errors="replace")
        except (LookupError, ValueError):
            continue
    return payload.decode("utf-8", errors="replace")


def _is_attachment(part: email.message.Message) -> bool:
    disposition = str(part.get("Content-Disposition", "") or "").lower()
    return disposition.startswith("attachment")


def _body_of(msg: email.message.Message) -> str:
    plain: str | None = None
    html: str | None = None
    parts = msg.walk() if msg.is_multipart() else [msg]
    for part in parts:
        if part.is_multipart() or _is_attachment(part):
            continue
        ctype = (part.get_content_type() or "text/plain").lower()
        if ctype == "text/plain" and plain is None:
            text = _decode_payload(part)
            if text.strip():
                plain = text
        elif ctype == "text/html" and html is None:
            text = _decode_payload(part)
            if text.strip():
                html = text
    if plain is not None:
        return plain
    if html is not None:
        return html_to_text(html)
    return ""


def reply_text_from_message(
    msg: email.message.Message, received_at: datetime | None = None
) -> ReplyText:
    """Build a ReplyText from a parsed message.

    Picks the first non-empty text/plain part (attachments skipped), else converts text/html to
    text. Unknown or broken charsets are decoded as UTF-8 with replacement characters; this
    never raises on bad input. When ``received_at`` is not given, the ``Date`` header is used.
    """
    headers: dict[str, str] = {}
    seen: set[str] = set()
    try:
        items = list(msg.items())
    except Exception:  # noqa: BLE001 - a broken header must not stop classification
        items = []
    for key, value in items:
        if key.lower() not in seen:
            seen.add(key.lower())
            try:
                headers[key] = _decode_header_value(value)
            except Exception:  # noqa: BLE001
                headers[key] = ""
    subject = headers.get(next((k for k in headers if k.lower() == "subject"), ""), "")
    from_raw = headers.get(next((k for k in headers if k.lower() == "from"), ""), "")
    # The address comes from the undecoded header: a decoded display name may hold a comma
    # ("Doe, Jöhn") that would split it.
    undecoded = msg.get("From")
    from_addr = parseaddr(_unescape(str(undecoded)) if undecoded is not None else "")[1]
    from_addr = from_addr or parseaddr(from_raw)[1] or from_raw
    if received_at is None:
        date_raw = msg.get("Date")
        if date_raw:
            try:
                received_at = parsedate_to_datetime(str(date_raw))
            except (TypeError, ValueError, IndexError):
                received_at = None
    body = _body_of(msg)
    return ReplyText(
        subject=subject,
        from_addr=from_addr,
        headers=headers,
        body=body,
        received_at=received_at,
    )
