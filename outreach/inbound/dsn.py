"""Delivery status reports (RFC 3464 `multipart/report; report-type=delivery-status`) and
the older mailer-daemon bounces: which message bounced, for whom, and how hard. Pure.

A report whose recipients failed (`Action: failed`, or a 5.x.x status) is a hard bounce;
`delayed` / `relayed` / `delivered` reports are kept but change nothing.

Hostile reports cost bounded work: at most `MAX_PARTS` parts are looked at (without
recursion), `MAX_BLOCKS` status blocks per report, `TEXT_CAP` characters of any text, and
no pattern backtracks over the input.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from email.message import Message
from email.parser import HeaderParser
from email.policy import compat32
from typing import Any

_DAEMONS = ("mailer-daemon", "mailerdaemon", "mail-daemon", "postmaster")
_FAILURE_SUBJECT = re.compile(
    r"undeliver|undelivered|delivery (?:status notification|failure|has failed)|"
    r"failure notice|returned mail|mail delivery (?:failed|system)|"
    r"delivery to the following recipient|could not be delivered|non[- ]?delivery|"
    r"unzustellbar|non remis|no entregado|rejected",
    re.IGNORECASE,
)
_DELAY_SUBJECT = re.compile(r"delay|delayed|warning|will retry|verz.gert|retard", re.IGNORECASE)
# Horizontal space only: `^\s*` would rescan every following blank line (quadratic).
_MESSAGE_ID_LINE = re.compile(r"^[ \t]*Message-ID:[ \t]*(<[^<>\s]{1,298}>)", re.IGNORECASE | re.M)
_STATUS = re.compile(r"\b([245])\.\d{1,3}\.\d{1,3}\b")
_REPORT_TYPE = re.compile(r";\s*report-type\s*=\s*\"?([A-Za-z0-9_.-]{1,40})", re.IGNORECASE)
_FIELD_CAP = 300
MAX_PARTS = 1_000
MAX_BLOCKS = 100
TEXT_CAP = 100_000


@dataclass
class Bounce:
    hard: bool
    action: str | None = None  # failed | delayed | delivered | relayed | expanded
    status: str | None = None  # e.g. 5.1.1
    recipients: list[str] = field(default_factory=list)
    original_message_ids: list[str] = field(default_factory=list)
    diagnostic: str | None = None
    report: bool = True  # a multipart/report (False: guessed from a mailer-daemon message)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {
            "hard": data["hard"],
            "action": data["action"],
            "status": data["status"],
            "recipients": data["recipients"],
            "originalMessageIds": data["original_message_ids"],
            "diagnostic": data["diagnostic"],
            "report": data["report"],
        }


def _text(value: object) -> str:
    text = str(value or "")[: _FIELD_CAP * 20]
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return re.sub(r"\s+", " ", text.replace("\x00", "")).strip()[:_FIELD_CAP]


def _recipient(value: object) -> str | None:
    """`rfc822; user@example.com` -> user@example.com."""
    text = _text(value)
    if ";" in text:
        text = text.split(";", 1)[1]
    text = text.strip().strip("<>").strip().lower()
    return text if "@" in text and " " not in text and len(text) <= 320 else None


def _status_blocks(part: Message) -> list[Message]:
    """The header blocks of a message/delivery-status part (per-message, then one per
    recipient). The parser gives them as sub-messages; a global (UTF-8) report as text."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload[:MAX_BLOCKS] if isinstance(p, Message)]
    if isinstance(payload, str):
        text = payload
        if _header(part, "Content-Transfer-Encoding").lower() in ("base64", "quoted-printable"):
            raw = part.get_payload(decode=True)
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else text
        blocks = [b for b in re.split(r"\r?\n[ \t]*\r?\n", text[:TEXT_CAP]) if b.strip()]
        return [
            HeaderParser(policy=compat32).parsestr(block.strip() + "\n")
            for block in blocks[:MAX_BLOCKS]
        ]
    return []


def _header(msg: Message, name: str) -> str:
    return str(msg.get(name, "") or "")[:TEXT_CAP]


def _parts(msg: Message) -> list[Message]:
    """The message and its parts, depth first like `Message.walk`, without recursion and
    at most MAX_PARTS of them."""
    out: list[Message] = []
    stack = [msg]
    while stack and len(out) < MAX_PARTS:
        part = stack.pop()
        out.append(part)
        payload = part.get_payload() if part.is_multipart() else None
        if isinstance(payload, list):
            stack.extend(reversed([p for p in payload[:MAX_PARTS] if isinstance(p, Message)]))
    return out


def _original_ids(part: Message) -> list[str]:
    """Message-ID of the returned message (message/rfc822 or text/rfc822-headers)."""
    ctype = part.get_content_type()
    headers: Message | None = None
    if ctype in ("message/rfc822", "message/global"):
        payload = part.get_payload()
        if isinstance(payload, list) and payload and isinstance(payload[0], Message):
            headers = payload[0]
    elif ctype in ("text/rfc822-headers", "message/global-headers"):
        raw = part.get_payload(decode=True)
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(part.get_payload())
        headers = HeaderParser(policy=compat32).parsestr(text[:TEXT_CAP])
    if headers is None:
        return []
    value = _text(headers.get("Message-ID"))
    return re.findall(r"<[^<>\s]{1,298}>", value)[:1]


def _is_daemon(from_email: str | None) -> bool:
    local = (from_email or "").split("@", 1)[0].lower()
    return local in _DAEMONS


def _thread_ids(msg: Message) -> list[str]:
    ids: list[str] = []
    for name in ("In-Reply-To", "References"):
        ids += re.findall(r"<[^<>\s]{1,298}>", _text(msg.get(name)))
    return ids


def detect_bounce(msg: Message, from_email: str | None, subject: str, body: str) -> Bounce | None:
    """The bounce this message reports, or None when it is not a delivery report."""
    # The report type read from a bounded slice (the stdlib's parameter parser is slow on
    # a huge header).
    report_type = _REPORT_TYPE.search(_header(msg, "Content-Type")[:2_000])
    is_report = msg.get_content_type() == "multipart/report" and (
        report_type is not None
        and report_type.group(1).lower() in ("delivery-status", "global-delivery-status")
    )
    from_daemon = _is_daemon(from_email) and (
        (from_email or "").lower().startswith("mailer") or bool(_FAILURE_SUBJECT.search(subject))
    )
    if not is_report and not from_daemon:
        return None

    bounce = Bounce(hard=False, report=is_report)
    failed = False
    saw_recipient = False
    for part in _parts(msg):
        ctype = part.get_content_type()
        if ctype in ("message/delivery-status", "message/global-delivery-status"):
            for block in _status_blocks(part):
                rcpt = _recipient(block.get("Final-Recipient") or block.get("Original-Recipient"))
                action = _text(block.get("Action")).lower() or None
                status = _STATUS.search(_text(block.get("Status")))
                if rcpt is None and action is None:
                    continue  # the per-message block
                saw_recipient = True
                if rcpt and rcpt not in bounce.recipients:
                    bounce.recipients.append(rcpt)
                this_failed = action == "failed" or (
                    action is None and status is not None and status.group(1) == "5"
                )
                if this_failed or bounce.action is None:
                    bounce.action = action
                    bounce.status = status.group(0) if status else bounce.status
                    diag = _text(block.get("Diagnostic-Code"))
                    bounce.diagnostic = diag or bounce.diagnostic
                failed = failed or this_failed
        elif ctype in (
            "message/rfc822",
            "message/global",
            "text/rfc822-headers",
            "message/global-headers",
        ):
            for mid in _original_ids(part):
                if mid not in bounce.original_message_ids:
                    bounce.original_message_ids.append(mid)

    for mid in _MESSAGE_ID_LINE.findall((body or "")[:TEXT_CAP]) + _thread_ids(msg):
        if mid not in bounce.original_message_ids:
            bounce.original_message_ids.append(mid)
    if not saw_recipient:
        # An old-style bounce (or a report without recipient blocks): read the subject.
        failed = not _DELAY_SUBJECT.search(subject)
        found = _STATUS.search((body or "")[:TEXT_CAP])
        bounce.status = found.group(0) if found else None
        bounce.action = "failed" if failed else "delayed"
    bounce.hard = failed
    bounce.original_message_ids = bounce.original_message_ids[:10]
    bounce.recipients = bounce.recipients[:10]
    return bounce
