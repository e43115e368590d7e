"""Test helpers: a real SMTP server that records and can misbehave on cue, data factories
that write real rows, and a worker runner."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlmodel import select
from temporalio.client import Client
from temporalio.worker import Worker

from outreach.config import Settings
from outreach.db import Database
from outreach.ids import new_id
from outreach.models import ApiKey, Campaign, Lead, Send, Workspace
from outreach.scopes import ALL_SCOPES
from outreach.security import generate_api_key, hash_api_key, key_display_prefix

# -- SMTP ------------------------------------------------------------------------------


@dataclass
class Received:
    rcpt: list[str]
    message: EmailMessage
    raw: bytes
    at: float


@dataclass
class SmtpRecorder:
    host: str = "127.0.0.1"
    port: int = 0
    messages: list[Received] = field(default_factory=list)
    # address -> queue of replies for RCPT TO ("550 5.1.1 No such user"); empty = accept
    rcpt_replies: dict[str, list[str]] = field(default_factory=dict)
    # queue of replies for DATA; "drop" stores the message then drops the connection
    data_replies: list[str] = field(default_factory=list)
    data_delay: float = 0.0  # seconds before answering DATA (a slow server)
    rcpt_delay: float = 0.0  # seconds before answering RCPT TO (before any DATA)
    arrived: asyncio.Event | None = None

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt]

    async def wait_for(self, count: int, within: float = 20.0) -> list[Received]:
        deadline = asyncio.get_running_loop().time() + within
        while len(self.messages) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"expected {count} messages, got {len(self.messages)}")
            await asyncio.sleep(0.02)
        return self.messages


class _Handler:
    def __init__(self, recorder: SmtpRecorder) -> None:
        self.r = recorder

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if self.r.rcpt_delay:
            await asyncio.sleep(self.r.rcpt_delay)
        queue = self.r.rcpt_replies.get(address.lower())
        if queue:
            reply = queue.pop(0) if len(queue) > 1 else queue[0]
            if not reply.startswith("250"):
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.r.data_delay:
            await asyncio.sleep(self.r.data_delay)
        reply = self.r.data_replies.pop(0) if self.r.data_replies else "250 OK"
        if reply.startswith("4") or reply.startswith("5"):
            return reply
        raw = envelope.original_content or b""
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        self.r.messages.append(
            Received(list(envelope.rcpt_tos), msg, raw, datetime.now(UTC).timestamp())
        )
        if reply == "drop":
            # Accepted and stored, but the client never hears "250".
            server.transport.close()
            return "250 OK"
        return reply


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_smtp() -> tuple[SmtpRecorder, Controller]:
    recorder = SmtpRecorder(port=free_port())
    controller = Controller(_Handler(recorder), hostname=recorder.host, port=recorder.port)
    controller.start()
    return recorder, controller


# -- data ------------------------------------------------------------------------------

WEEKDAYS = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}


async def make_workspace(db: Database, plan: str = "pro", name: str = "Acme") -> Workspace:
    async with db.session() as s:
        ws = Workspace(id=new_id("ws"), name=name, plan=plan)
        s.add(ws)
        await s.commit()
        return ws


async def make_key(
    db: Database, workspace_id: str, scopes: list[str] | None = None, revoked: bool = False
) -> str:
    key = generate_api_key()
    async with db.session() as s:
        s.add(
            ApiKey(
                id=new_id("key"),
                workspace_id=workspace_id,
                prefix=key_display_prefix(key),
                key_hash=hash_api_key(key),
                scopes=list(ALL_SCOPES) if scopes is None else scopes,
                revoked_at=datetime.now(UTC) if revoked else None,
            )
        )
        await s.commit()
    return key


async def make_campaign(
    db: Database,
    workspace_id: str,
    steps: list[tuple[str, str, str | None, str]] | None = None,
    *,
    status: str = "active",
    timezone: str = "UTC",
    window: dict | None = None,
    daily_cap: int | None = None,
    from_email: str = "anita@sender.test",
) -> Campaign:
    """A campaign made as the API makes one (the same service and rules)."""
    from outreach.campaigns import service
    from outreach.campaigns.schemas import CampaignCreate

    steps = (
        steps
        if steps is not None
        else [
            ("email", "P0D", "Hello {{firstName|there}}", "Hi {{firstName|there}}, quick question.")
        ]
    )
    body = CampaignCreate.model_validate(
        {
            "name": "Test campaign",
            "status": status,
            "fromName": "Anita",
            "fromEmail": "anita@sender.example.com",
            "timezone": timezone,
            "sendWindow": window,
            "dailyCap": daily_cap,
            "steps": [
                {"channel": channel, "delay": delay, "subject": subject, "body": body}
                for channel, delay, subject, body in steps
            ],
        }
    )
    async with db.session() as s:
        camp = await service.create(s, workspace_id, body)
        # The suite's senders live on `.test` (RFC 2606), which the API refuses as an address.
        camp.from_email = from_email
        await s.commit()
        return camp


async def make_lead(
    db: Database, campaign: Campaign, email_addr: str | None = None, **kw: Any
) -> Lead:
    async with db.session() as s:
        lead = Lead(
            id=new_id("lead"),
            workspace_id=campaign.workspace_id,
            campaign_id=campaign.id,
            email=email_addr or f"{new_id('lead')[5:13]}@example.com",
            first_name=kw.pop("first_name", "Sam"),
            **kw,
        )
        s.add(lead)
        await s.commit()
        return lead


async def sends_of(db: Database, lead_id: str) -> list[Send]:
    async with db.session() as s:
        return list(
            (
                await s.exec(
                    select(Send).where(Send.lead_id == lead_id).order_by(Send.step_position)
                )
            ).all()
        )


async def reload(db: Database, model: type, row_id: str) -> Any:
    async with db.session() as s:
        return await s.get(model, row_id)


# -- workers ---------------------------------------------------------------------------

STARTED: dict[str, list[Any]] = {}  # task queue -> workflow handles started by tests


@contextlib.asynccontextmanager
async def running_worker(
    client: Client,
    settings: Settings,
    db: Database,
    tweak: Callable[[list[Worker]], None] | None = None,
) -> AsyncIterator[list[Worker]]:
    from worker import build_workers

    workers = list(build_workers(client, settings, db))
    if tweak:
        tweak(workers)
    tasks = [asyncio.create_task(w.run()) for w in workers]
    try:
        yield workers
    finally:
        # Workflows left running would wake later on a queue nobody polls, and the
        # time-skipping server would wait for them: end them with the worker.
        for handle in STARTED.pop(settings.task_queue, []):
            await terminate_when_idle(handle)
        await asyncio.gather(*(w.shutdown() for w in workers), return_exceptions=True)
        await asyncio.gather(*tasks, return_exceptions=True)


async def start_lead(
    client: Client,
    settings: Settings,
    db: Database,
    lead: Lead,
    events: list[str] | None = None,
    **input_overrides: Any,
) -> Any:
    """Start the lead's workflow the way the API does; return its handle."""
    from outreach.leads.plans import load_plan
    from outreach.leads.runs import lead_input, lead_search_attributes
    from outreach.temporal import lead_workflow_id

    async with db.session() as s:
        plan = await load_plan(s, await s.get(Lead, lead.id))
    inp = lead_input(settings, lead, plan=plan, publish_event_ids=events or [])
    for key, value in input_overrides.items():
        setattr(inp, key, value)
    handle = await client.start_workflow(
        "LeadWorkflow",
        inp,
        id=lead_workflow_id(lead.id),
        task_queue=settings.task_queue,
        search_attributes=lead_search_attributes(lead),
    )
    STARTED.setdefault(settings.task_queue, []).append(handle)
    return handle


async def advance_to(env: Any, instant: datetime) -> None:
    """Move the time-skipping server's clock to `instant`."""
    now = await env.get_current_time()
    if instant > now:
        await env.sleep(instant - now)


def close_to(a: datetime | None, b: datetime, seconds: float = 3.0) -> bool:
    return a is not None and abs((a - b).total_seconds()) <= seconds


async def eventually(check: Callable[[], Any], within: float = 15.0, every: float = 0.02) -> Any:
    """Poll an async (or sync) check in real time until it returns a truthy value."""
    deadline = asyncio.get_running_loop().time() + within
    last: Any = None
    while asyncio.get_running_loop().time() < deadline:
        last = check()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        await asyncio.sleep(every)
    raise AssertionError(f"condition not met within {within}s (last: {last!r})")


async def events_of(db: Database, workspace_id: str, type_: str | None = None) -> list[Any]:
    from outreach.models import Event

    async with db.session() as s:
        stmt = select(Event).where(Event.workspace_id == workspace_id)
        if type_:
            stmt = stmt.where(Event.type == type_)
        return list((await s.exec(stmt.order_by(Event.created_at))).all())


async def search_attribute(handle: Any, key: Any) -> Any:
    return (await handle.describe()).typed_search_attributes.get(key)


async def terminate_when_idle(handle: Any) -> None:
    from temporalio.client import WorkflowExecutionStatus

    with contextlib.suppress(Exception):
        for _ in range(200):
            desc = await handle.describe()
            if desc.status != WorkflowExecutionStatus.RUNNING:
                return
            raw = desc.raw_description
            # Terminating with an activity or a workflow task in flight leaves the
            # time-skipping server waiting for it: let them finish first.
            if not raw.pending_activities and not raw.HasField("pending_workflow_task"):
                break
            await asyncio.sleep(0.05)
        await handle.terminate("test finished")


async def terminate_leads(client: Client, db: Database, workspace_id: str) -> None:
    """End the lead workflows of a workspace still running (API-started ones included), so
    their timers do not hold the time-skipping server's clock in later tests. An activity
    in flight is let finish first: the server would wait for it otherwise."""
    from outreach.temporal import lead_workflow_id

    async with db.session() as s:
        ids = (await s.exec(select(Lead.id).where(Lead.workspace_id == workspace_id))).all()
    for lead_id in ids:
        await terminate_when_idle(client.get_workflow_handle(lead_workflow_id(lead_id)))
