"""Helpers of the inbound-mail tests: the API over ASGI, real messages, a lead whose first
email went out through the real lead workflow and SMTP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import httpx
from sqlmodel import select
from temporalio.client import Client, WorkflowHandle

from api.main import create_app
from outreach.campaigns.service import load_steps
from outreach.config import Settings
from outreach.db import Database
from outreach.leads.plans import plan_from
from outreach.leads.runs import lead_handle, start_lead_workflow
from outreach.models import Campaign, Event, Lead, Reply, Send, utcnow
from tests.helpers import make_campaign, make_key, make_lead, make_workspace

THREE_STEPS = [
    ("email", "P0D", "Hello {{firstName|there}}", "Hi {{firstName|there}}, quick question."),
    ("email", "P3D", None, "Just following up."),
    ("email", "P3D", None, "Last note from me."),
]
RFC822 = {"Content-Type": "message/rfc822"}


@contextlib.asynccontextmanager
async def api(settings: Settings, client: Client) -> AsyncIterator[httpx.AsyncClient]:
    """The real app over ASGI (lifespan included), bound to this Temporal client."""
    app = create_app(settings, client)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as c:
            yield c


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def message(
    *,
    sender: str,
    body: str,
    subject: str = "Re: Hello Sam",
    to: str = "anita@sender.test",
    in_reply_to: str | None = None,
    references: str | None = None,
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = message_id or make_msgid(domain="mail.example.com")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references or in_reply_to:
        msg["References"] = references or in_reply_to
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    return msg.as_bytes()


def dsn(original: Send, *, action: str = "failed", status: str = "5.1.1") -> bytes:
    """A real-world shaped RFC 3464 report (Postfix layout) about one of our sends."""
    boundary = "B0UNDARY-report"
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\r\n"
        f"To: {original.from_email}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {make_msgid(domain='mx.example.com')}\r\n"
        f"Date: {format_datetime(utcnow())}\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"\r\n'
        "\r\n"
        f"--{boundary}\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        "I'm sorry to have to inform you that your message could not be delivered.\r\n\r\n"
        f"--{boundary}\r\n"
        "Content-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.com\r\n\r\n"
        f"Final-Recipient: rfc822; {original.to_email}\r\n"
        f"Action: {action}\r\n"
        f"Status: {status}\r\n"
        f"Diagnostic-Code: smtp; 550 {status} <{original.to_email}>: User unknown\r\n\r\n"
        f"--{boundary}\r\n"
        "Content-Type: text/rfc822-headers\r\n\r\n"
        f"From: Anita <{original.from_email}>\r\n"
        f"To: {original.to_email}\r\n"
        f"Subject: {original.subject}\r\n"
        f"Message-ID: {original.message_id}\r\n\r\n"
        f"--{boundary}--\r\n"
    ).encode()


async def wait_for(predicate, within: float = 20.0, every: float = 0.05):
    deadline = asyncio.get_running_loop().time() + within
    while True:
        value = await predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(every)


async def first_send(db: Database, lead_id: str) -> Send:
    async def sent() -> Send | None:
        async with db.session() as s:
            return (
                await s.exec(
                    select(Send).where(
                        Send.lead_id == lead_id, Send.step_position == 1, Send.status == "sent"
                    )
                )
            ).first()

    return await wait_for(sent)


async def start_lead(
    client: Client, settings: Settings, db: Database, campaign: Campaign, email: str | None = None
) -> tuple[Lead, WorkflowHandle]:
    lead = await make_lead(db, campaign, email)
    async with db.session() as s:
        plan = plan_from(campaign, await load_steps(s, campaign.id), lead)
    await start_lead_workflow(client, settings, lead, plan, [])
    return lead, lead_handle(client, lead.id)


async def workspace_with_campaign(
    db: Database, steps: list | None = None, **kw: object
) -> tuple[str, str, Campaign]:
    """(workspace id, API key, active campaign)."""
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    campaign = await make_campaign(db, ws.id, steps or THREE_STEPS, **kw)  # type: ignore[arg-type]
    return ws.id, key, campaign


async def reply_row(db: Database, reply_id: str) -> Reply:
    async with db.session() as s:
        reply = await s.get(Reply, reply_id)
        assert reply is not None
        return reply


async def events_of(db: Database, workspace_id: str, type_: str | None = None) -> list[Event]:
    async with db.session() as s:
        stmt = select(Event).where(Event.workspace_id == workspace_id)
        if type_:
            stmt = stmt.where(Event.type == type_)
        return list((await s.exec(stmt.order_by(Event.created_at, Event.id))).all())
