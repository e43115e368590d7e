"""What the send activities need from a sending mailbox: the SMTP target to deliver
through, the message identity it gives, and the `mailbox.paused` event when it stops."""

from __future__ import annotations

import uuid

from sqlmodel.ext.asyncio.session import AsyncSession

from outreach import mail
from outreach.config import Settings
from outreach.encryption.fields import smtp_password
from outreach.events import record_event
from outreach.inbound.status import MailboxStatus
from outreach.mailboxes import store
from outreach.mailboxes.health import BounceRule, bounce_reason, over_bounce_threshold
from outreach.mailboxes.schemas import DEFAULT_SMTP_PORTS, mailbox_out
from outreach.models import Mailbox
from outreach.schemas import dump

MAILBOX_PAUSED = "mailbox.paused"


def smtp_target(settings: Settings, m: Mailbox) -> mail.SmtpTarget:
    """The mailbox's SMTP server, its password opened for this connection only. One
    connection per mailbox is reused across sends on a worker (`pool_key`)."""
    tls = m.smtp_tls or "starttls"
    return mail.SmtpTarget(
        host=m.smtp_host or "",
        port=m.smtp_port or DEFAULT_SMTP_PORTS[tls],
        tls=tls,  # type: ignore[arg-type]
        username=m.smtp_username,
        password=smtp_password(settings.keyring(), m),
        timeout=settings.smtp_timeout,
        pool_key=f"{m.id}:{m.updated_at.isoformat()}",
        allow_private=settings.webhook_allow_private_targets,
    )


def with_signature(body: str, m: Mailbox | None) -> str:
    """The step's body with the mailbox's signature under it."""
    if m is None or not m.signature or not m.signature.strip():
        return body
    return f"{body.rstrip()}\n\n{m.signature.strip()}\n"


async def stop_mailbox(
    s: AsyncSession,
    m: Mailbox,
    status: MailboxStatus,
    reason: str,
    error: str | None = None,
) -> str | None:
    """Stop the mailbox sending (`paused` or `error`) and record `mailbox.paused`; the
    event's id, or None when it had already stopped. The caller commits and publishes."""
    if not store.stop_sending(m, status, reason, error):
        return None
    s.add(m)
    return await record_event(
        s,
        workspace_id=m.workspace_id,
        type=MAILBOX_PAUSED,
        data={"mailbox": dump(mailbox_out(m)), "reason": m.status_reason},
        dedupe_key=f"{MAILBOX_PAUSED}:{m.id}:{uuid.uuid4().hex}",  # one per stop
        new=True,
    )


async def check_bounce_rate(s: AsyncSession, settings: Settings, m: Mailbox) -> str | None:
    """After a hard bounce: pause the mailbox when its recent bounce rate is over the
    threshold. The `mailbox.paused` event's id, or None."""
    rule = BounceRule(settings.mailbox_bounce_threshold, settings.mailbox_bounce_window)
    bounced, sends = await store.recent_bounces(s, m.id, rule.window)
    if m.send_status != MailboxStatus.ACTIVE or not over_bounce_threshold(bounced, sends, rule):
        return None
    return await stop_mailbox(s, m, MailboxStatus.PAUSED, bounce_reason(bounced, sends, rule))
