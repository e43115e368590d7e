"""Applying a mailbox's sending settings (validation beside the API's), pausing and
resuming it, and waking the leads that wait for it."""

from __future__ import annotations

from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from outreach import schedule
from outreach.emails import normalise_email
from outreach.encryption.crypto import Keyring
from outreach.encryption.fields import seal_smtp_password
from outreach.errors import RuleBroken
from outreach.inbound.status import MailboxStatus
from outreach.mailboxes.capacity import today
from outreach.mailboxes.schemas import DEFAULT_SMTP_PORTS, MailboxCreate, MailboxUpdate
from outreach.mailboxes.status import StatusReason
from outreach.models import Campaign, Mailbox
from outreach.schemas import single_line

# Changing any of these points the mailbox at another SMTP login: a new connection.
SMTP_FIELDS = ("host", "port", "tls", "username", "password")


def _address(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    try:
        return normalise_email(value)
    except ValueError as exc:
        raise RuleBroken(f"{field}: {exc}", "invalid_email") from exc


def apply_sending(
    m: Mailbox,
    body: MailboxCreate | MailboxUpdate,
    keyring: Keyring,
    check_host: Any,
) -> bool:
    """Copy the sending settings given in `body` onto the row; True when the SMTP login
    changed (a new connection, and an `error` status is cleared). `check_host` normalises
    and checks a host name (the API's, raising its 422)."""
    given = body.model_fields_set
    if "email" in given:
        m.email = _address(body.email, "email")
    if "reply_to" in given:
        m.reply_to = _address(body.reply_to, "replyTo")
    if "from_name" in given:
        m.from_name = single_line(body.from_name, "fromName") if body.from_name else None
    if "signature" in given:
        m.signature = body.signature or None
    if "timezone" in given and body.timezone is not None:
        try:
            schedule.zone(body.timezone)
        except ValueError as exc:
            raise RuleBroken(f"timezone: {exc}", "invalid_timezone") from exc
        m.timezone = body.timezone
    for name in ("daily_limit", "min_gap_seconds"):
        if name in given and getattr(body, name) is not None:
            setattr(m, name, getattr(body, name))
    if "warmup" in given:
        if body.warmup is None:
            m.warmup_start_per_day = m.warmup_increase_per_day = m.warmup_started_on = None
        else:
            restart = m.warmup_start_per_day is None
            m.warmup_start_per_day = body.warmup.start_per_day
            m.warmup_increase_per_day = body.warmup.increase_per_day
            if restart:
                m.warmup_started_on = today(m.timezone)
    changed = False
    if "smtp" in given and body.smtp is not None:
        smtp = body.smtp.model_dump(exclude_unset=True)
        before = (m.smtp_host, m.smtp_port, m.smtp_tls, m.smtp_username, m.smtp_password)
        if "host" in smtp:
            m.smtp_host = check_host(smtp["host"])
        if "tls" in smtp:
            m.smtp_tls = smtp["tls"]
        m.smtp_tls = m.smtp_tls or "starttls"
        if "port" in smtp:
            m.smtp_port = smtp["port"]
        m.smtp_port = m.smtp_port or DEFAULT_SMTP_PORTS[m.smtp_tls]
        if "username" in smtp:
            m.smtp_username = single_line(smtp["username"], "smtp.username")
        if "password" in smtp:
            if any(ch in smtp["password"] for ch in "\r\n\x00"):
                raise RuleBroken(
                    "smtp.password must not contain line breaks or NUL.", "invalid_password"
                )
            m.smtp_password = seal_smtp_password(keyring, m.id, smtp["password"])
        if not (m.smtp_host and m.smtp_username and m.smtp_password):
            raise RuleBroken(
                "smtp needs host, username and password (give all three the first time).",
                "invalid_smtp",
            )
        after = (m.smtp_host, m.smtp_port, m.smtp_tls, m.smtp_username, m.smtp_password)
        changed = after != before
    if m.smtp_host and not m.email:
        raise RuleBroken(
            "A mailbox that sends needs `email` (its From address).", "mailbox_email_required"
        )
    if changed and m.send_status == MailboxStatus.ERROR:
        m.send_status, m.status_reason, m.send_error = MailboxStatus.ACTIVE, None, None
    return changed


def pause(m: Mailbox) -> None:
    m.send_status, m.status_reason = MailboxStatus.PAUSED, StatusReason.API.value


def resume(m: Mailbox) -> bool:
    """Back to sending; True when it was stopped (its waiting leads are to be woken)."""
    stopped = m.send_status != MailboxStatus.ACTIVE
    m.send_status, m.status_reason, m.send_error = MailboxStatus.ACTIVE, None, None
    return stopped


async def campaigns_using(s: AsyncSession, m: Mailbox) -> list[str]:
    """The workspace's campaigns that send from the mailbox (their leads may wait for it)."""
    rows = (
        await s.exec(
            select(Campaign.id, Campaign.mailbox_ids).where(Campaign.workspace_id == m.workspace_id)
        )
    ).all()
    return [cid for cid, ids in rows if m.id in (ids or [])]
