"""Outbound email: MIME building (pure) and the SMTP exchange (aiosmtplib).

`deliver` drives the SMTP dialogue step by step so the caller can record the moment the
DATA exchange starts: before it, no server has the message and a retry is safe; during it,
the outcome is unknown if the connection dies.
"""

from __future__ import annotations

import email.policy
import email.utils
import re
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage

import aiosmtplib
import idna

from outreach.config import Settings


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
) -> str:
    """Send one message; returns the server's final reply. Raises one of the Smtp* errors."""
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
        try:
            await smtp.mail(ascii_address(sender))
        except aiosmtplib.SMTPResponseException as exc:
            cls = SmtpPermanent if exc.code >= 500 else SmtpTransient
            raise cls(f"sender refused: {_describe(exc)}", exc.code) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise SmtpTransient(f"SMTP failed before DATA: {exc}") from exc
        try:
            await smtp.rcpt(ascii_address(recipient))
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code >= 500:
                raise SmtpBounce(f"recipient refused: {_describe(exc)}", exc.code) from exc
            raise SmtpTransient(f"recipient deferred: {_describe(exc)}", exc.code) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise SmtpTransient(f"SMTP failed before DATA: {exc}") from exc
        await before_data()
        try:
            response = await smtp.data(message)
        except aiosmtplib.SMTPResponseException as exc:
            # The server answered: it did not take the message.
            if exc.code >= 500:
                raise SmtpBounce(f"message refused: {_describe(exc)}", exc.code) from exc
            raise SmtpTransient(f"message deferred: {_describe(exc)}", exc.code) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise SmtpUnknown(f"connection lost during DATA: {exc}") from exc
        return f"{response.code} {response.message}"
    finally:
        if smtp.is_connected:
            try:
                await smtp.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                smtp.close()
