"""Sending mailboxes as the tests need them: a row for an SMTP server on loopback (the
password sealed as the API seals it), and the settings that trust the server's
certificate."""

from __future__ import annotations

from typing import Any

from outreach.config import Settings
from outreach.db import Database
from outreach.encryption.fields import seal_mailbox_password, seal_smtp_password
from outreach.ids import new_id
from outreach.models import Mailbox, utcnow
from tests.smtp_servers import SmtpServer


async def make_sending_mailbox(
    db: Database,
    settings: Settings,
    workspace_id: str,
    server: SmtpServer,
    *,
    email: str | None = None,
    password: str | None = None,
    **fields: Any,
) -> Mailbox:
    """A mailbox sending through `server` (IMAP settings present but unused here)."""
    mailbox_id = new_id("mbx")
    keyring = settings.keyring()
    async with db.session() as s:
        m = Mailbox(
            id=mailbox_id,
            workspace_id=workspace_id,
            host="127.0.0.1",
            port=1,
            security="none",
            username="imap-user",
            password=seal_mailbox_password(keyring, mailbox_id, "imap-secret"),
            enabled=False,
            email=email or f"{mailbox_id[4:12]}@sender.example.com",
            smtp_host=server.hostname,
            smtp_port=server.port,
            smtp_tls=server.tls,
            smtp_username=server.username,
            smtp_password=seal_smtp_password(
                keyring, mailbox_id, password if password is not None else server.password or ""
            ),
            created_at=utcnow(),
            updated_at=utcnow(),
            **fields,
        )
        s.add(m)
        await s.commit()
        await s.refresh(m)
        return m


async def use_mailboxes(db: Database, campaign_id: str, mailbox_ids: list[str], **kw: Any) -> None:
    from outreach.models import Campaign

    async with db.session() as s:
        c = await s.get(Campaign, campaign_id)
        assert c is not None
        c.mailbox_ids = list(mailbox_ids)
        for k, v in kw.items():
            setattr(c, k, v)
        s.add(c)
        await s.commit()
