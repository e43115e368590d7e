"""Mailbox bodies: what `POST` / `PATCH /mailboxes` take and what the API (and the
`mailbox.paused` event) returns. The IMAP settings are the top-level `host`, `port`,
`security`, `username`, `password`, `folder` (as before: an IMAP-only mailbox reads
replies); sending adds `smtp` and the identity, limits and ramp around it. Passwords are
write-only (`hasPassword`)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from outreach.inbound.status import MailboxStatus
from outreach.mailboxes.capacity import limit_on, policy_of, today
from outreach.models import Mailbox
from outreach.schemas import In, Out, Timestamp

Security = Literal["tls", "starttls", "none"]
DEFAULT_PORTS = {"tls": 993, "starttls": 143, "none": 143}
DEFAULT_SMTP_PORTS = {"tls": 465, "starttls": 587, "none": 25}


class SmtpIn(In):
    host: str = Field(min_length=1, max_length=255, description="SMTP server name or IP")
    port: int | None = Field(
        None, ge=1, le=65535, description="default 465 for tls, 587 for starttls, 25 for none"
    )
    tls: Security = Field("starttls", description="tls (implicit), starttls, or none")
    username: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=500, description="write-only")


class SmtpUpdate(In):
    host: str | None = Field(None, min_length=1, max_length=255)
    port: int | None = Field(None, ge=1, le=65535)
    tls: Security | None = None
    username: str | None = Field(None, min_length=1, max_length=320)
    password: str | None = Field(None, min_length=1, max_length=500)


class WarmupIn(In):
    start_per_day: int = Field(ge=1, le=10_000, description="sends on the ramp's first day")
    increase_per_day: int = Field(ge=0, le=10_000, description="more each following day")


class SendingIn(In):
    """The sending settings (all optional: without `smtp` the mailbox only reads replies)."""

    email: str | None = Field(None, max_length=320, description="the From address")
    from_name: str | None = Field(None, max_length=200)
    reply_to: str | None = Field(None, max_length=320)
    signature: str | None = Field(None, max_length=5_000, description="appended to every step")
    timezone: str | None = Field(None, max_length=64, description="its day, for the daily limit")
    daily_limit: int | None = Field(None, ge=0, le=10_000)
    min_gap_seconds: int | None = Field(
        None, ge=0, le=86_400, description="at least this long between two sends (plus jitter)"
    )
    warmup: WarmupIn | None = None


class MailboxCreate(SendingIn):
    host: str = Field(min_length=1, max_length=255, description="IMAP server name or IP")
    port: int | None = Field(None, ge=1, le=65535, description="default 993 for tls, 143 otherwise")
    security: Security = Field(
        "tls",
        description="tls (implicit TLS), starttls, or none "
        "(only for a server on this machine or a private network)",
    )
    username: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=500, description="write-only")
    folder: str = Field("INBOX", min_length=1, max_length=200)
    enabled: bool = True
    sync_existing: bool = Field(
        False,
        description="also ingest the mail already in the "
        "folder (default: only mail arriving after it is added)",
    )
    smtp: SmtpIn | None = None


class MailboxUpdate(SendingIn):
    host: str | None = Field(None, min_length=1, max_length=255)
    port: int | None = Field(None, ge=1, le=65535)
    security: Security | None = None
    username: str | None = Field(None, min_length=1, max_length=320)
    password: str | None = Field(None, min_length=1, max_length=500)
    folder: str | None = Field(None, min_length=1, max_length=200)
    enabled: bool | None = None
    sync_existing: bool | None = None
    smtp: SmtpUpdate | None = None


class SmtpOut(Out):
    host: str
    port: int
    tls: str
    username: str | None
    has_password: bool


class WarmupOut(Out):
    start_per_day: int
    increase_per_day: int
    started_on: date | None


class MailboxOut(Out):
    id: str
    status: MailboxStatus = Field(
        description="paused: by request, by the bounce-rate rule, or (a mailbox that only "
        "reads replies) its sync disabled; "
        "error: SMTP refused the login, or the last sync failed (`statusReason`, "
        "`lastError` say why); active otherwise"
    )
    status_reason: str | None
    email: str | None
    from_name: str | None
    reply_to: str | None
    signature: str | None
    timezone: str
    smtp: SmtpOut | None
    daily_limit: int
    min_gap_seconds: int
    warmup: WarmupOut | None
    limit_today: int = Field(description="today's limit after the ramp (the mailbox's day)")
    sent_today: int = Field(description="emails sent from it today (the mailbox's day)")
    host: str
    port: int
    security: str
    username: str
    has_password: bool
    folder: str
    enabled: bool
    sync_existing: bool
    uid_validity: int | None
    last_uid: int
    last_sync_at: Timestamp | None
    last_error: str | None = Field(description="the last SMTP failure, else the last sync's")
    created_at: Timestamp
    updated_at: Timestamp


def mailbox_status(m: Mailbox) -> MailboxStatus:
    if m.send_status != MailboxStatus.ACTIVE:
        return MailboxStatus(m.send_status)
    if not m.enabled and not m.smtp_host:
        return MailboxStatus.PAUSED  # it only reads replies, and that is off
    return MailboxStatus.ERROR if m.last_error else MailboxStatus.ACTIVE


def mailbox_out(m: Mailbox, *, sent_today: int = 0, limit_today: int | None = None) -> MailboxOut:
    smtp = None
    if m.smtp_host:
        smtp = SmtpOut(
            host=m.smtp_host,
            port=m.smtp_port or DEFAULT_SMTP_PORTS.get(m.smtp_tls or "starttls", 587),
            tls=m.smtp_tls or "starttls",
            username=m.smtp_username,
            has_password=bool(m.smtp_password),
        )
    warmup = None
    if m.warmup_start_per_day is not None:
        warmup = WarmupOut(
            start_per_day=m.warmup_start_per_day,
            increase_per_day=m.warmup_increase_per_day or 0,
            started_on=m.warmup_started_on,
        )
    status = mailbox_status(m)
    reason = m.status_reason
    if reason is None and status == MailboxStatus.PAUSED and not m.enabled:
        reason = "sync disabled"
    return MailboxOut(
        id=m.id,
        status=status,
        status_reason=reason,
        email=m.email,
        from_name=m.from_name,
        reply_to=m.reply_to,
        signature=m.signature,
        timezone=m.timezone,
        smtp=smtp,
        daily_limit=m.daily_limit,
        min_gap_seconds=m.min_gap_seconds,
        warmup=warmup,
        limit_today=limit_today
        if limit_today is not None
        else limit_on(policy_of(m), today(m.timezone)),
        sent_today=sent_today,
        host=m.host,
        port=m.port,
        security=m.security,
        username=m.username,
        has_password=bool(m.password),
        folder=m.folder,
        enabled=m.enabled,
        sync_existing=m.sync_existing,
        uid_validity=m.uidvalidity,
        last_uid=m.last_uid,
        last_sync_at=m.last_sync_at,
        last_error=m.send_error or m.last_error,
        created_at=m.created_at,
        updated_at=m.updated_at,
    )
