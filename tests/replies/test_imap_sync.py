"""IMAP sync against a real Dovecot: each message ingested once (across runs, restarts,
crashes and UIDVALIDITY changes), our own mail skipped, replies matched and applied."""

from __future__ import annotations

import uuid
from email.utils import make_msgid

import pytest
from sqlmodel import col, select

from outreach.db import Database
from outreach.encryption.fields import seal_mailbox_password
from outreach.ids import new_id
from outreach.inbound.contracts import MAILBOX_SYNC_WORKFLOW, SyncOutcome
from outreach.inbound.message import RAW_CAP
from outreach.inbound.sync import sync_mailbox
from outreach.models import Lead, Mailbox, Reply, ReplyRaw
from tests.conftest import settings_for
from tests.helpers import make_workspace, reload, running_worker
from tests.replies.conftest import Dovecot, Flow
from tests.replies.helpers import first_send, message, start_lead, workspace_with_campaign


async def make_mailbox(
    flow: Flow,
    dovecot: Dovecot,
    workspace_id: str,
    user: str,
    password: str,
    folder: str = "INBOX",
    **kw: object,
) -> Mailbox:
    mailbox_id = new_id("mbx")
    async with flow.db.session() as s:
        mbx = Mailbox(
            id=mailbox_id,
            workspace_id=workspace_id,
            host=dovecot.host,
            port=dovecot.port,
            security="none",
            username=user,
            password=seal_mailbox_password(flow.db.settings.keyring(), mailbox_id, password),
            folder=folder,
            **kw,
        )
        s.add(mbx)
        await s.commit()
        return mbx


async def run_sync(client, settings, mailbox_id: str) -> SyncOutcome:
    """One sync round, on the server's normal clock: IMAP and database work take real time,
    and skipping ahead meanwhile would only time out the activity's heartbeat."""
    workflow_id = f"mailbox-sync-test-{uuid.uuid4().hex[:8]}"
    await client.start_workflow(
        MAILBOX_SYNC_WORKFLOW, mailbox_id, id=workflow_id, task_queue=settings.task_queue
    )
    return await client.get_workflow_handle(workflow_id, result_type=SyncOutcome).result()


async def replies_of(db: Database, mailbox_id: str) -> list[Reply]:
    async with db.session() as s:
        return list(
            (
                await s.exec(
                    select(Reply)
                    .where(Reply.mailbox_id == mailbox_id)
                    .order_by(col(Reply.created_at), col(Reply.id))
                )
            ).all()
        )


async def all_processed(flow: Flow, mailbox_id: str) -> list[str]:
    return [
        await flow.client.get_workflow_handle(f"reply-{r.id}").result()
        for r in await replies_of(flow.db, mailbox_id)
    ]


def note(n: int, sender: str = "someone@example.org") -> bytes:
    return message(
        sender=sender,
        subject=f"Question {n}",
        body="How much does it cost?",
        message_id=f"<q{n}.{uuid.uuid4().hex[:8]}@example.org>",
    )


async def test_new_mail_is_ingested_once_across_runs_and_restarts(
    flow: Flow, dovecot: Dovecot
) -> None:
    ws_id, _, _ = await workspace_with_campaign(flow.db)
    user, password = dovecot.add_user()
    dovecot.append(user, password, "INBOX", note(0))  # there before the mailbox was added
    mbx = await make_mailbox(flow, dovecot, ws_id, user, password)

    first = await run_sync(flow.client, flow.settings, mbx.id)
    assert (first.status, first.stored, first.last_uid) == ("ok", 0, 1)
    row = await reload(flow.db, Mailbox, mbx.id)
    assert row.uidvalidity == dovecot.uidvalidity(user, password, "INBOX")
    assert row.last_sync_at is not None and row.last_error is None

    for n in (1, 2, 3):
        dovecot.append(user, password, "INBOX", note(n))
    second = await run_sync(flow.client, flow.settings, mbx.id)
    assert (second.stored, second.duplicates, second.last_uid) == (3, 0, 4)
    assert await all_processed(flow, mbx.id) == ["question"] * 3
    assert (await run_sync(flow.client, flow.settings, mbx.id)).stored == 0

    # A restarted worker (new process: new engine, new worker) carries on from the row.
    restarted_db = Database(flow.settings)
    cfg = settings_for(flow.settings)
    try:
        async with running_worker(flow.client, cfg, restarted_db):
            again = await run_sync(flow.client, cfg, mbx.id)
            assert (again.stored, again.duplicates) == (0, 0)
            dovecot.append(user, password, "INBOX", note(4))
            later = await run_sync(flow.client, cfg, mbx.id)
            assert (later.stored, later.last_uid) == (1, 5)
            replies = await replies_of(flow.db, mbx.id)
            await flow.client.get_workflow_handle(f"reply-{replies[-1].id}").result()
    finally:
        await restarted_db.dispose()
    replies = await replies_of(flow.db, mbx.id)
    assert [r.subject for r in replies] == ["Question 1", "Question 2", "Question 3", "Question 4"]
    assert {r.source for r in replies} == {"imap"} and all(r.status == "done" for r in replies)


async def test_sync_existing_takes_the_mail_already_there(flow: Flow, dovecot: Dovecot) -> None:
    ws_id, _, _ = await workspace_with_campaign(flow.db)
    user, password = dovecot.add_user()
    dovecot.append(user, password, "INBOX", note(1))
    dovecot.append(user, password, "INBOX", note(2))
    mbx = await make_mailbox(flow, dovecot, ws_id, user, password, sync_existing=True)
    out = await run_sync(flow.client, flow.settings, mbx.id)
    assert (out.stored, out.last_uid) == (2, 2)
    assert await all_processed(flow, mbx.id) == ["question", "question"]


async def test_uidvalidity_change_starts_over_without_duplicates(
    flow: Flow, dovecot: Dovecot
) -> None:
    ws_id, _, _ = await workspace_with_campaign(flow.db)
    user, password = dovecot.add_user()
    dovecot.create(user, password, "Réponses")  # a non-ASCII folder (modified UTF-7)
    mbx = await make_mailbox(flow, dovecot, ws_id, user, password, folder="Réponses")
    await run_sync(flow.client, flow.settings, mbx.id)
    a, b = note(1), note(2)
    dovecot.append(user, password, "Réponses", a)
    dovecot.append(user, password, "Réponses", b)
    assert (await run_sync(flow.client, flow.settings, mbx.id)).stored == 2
    before = (await reload(flow.db, Mailbox, mbx.id)).uidvalidity

    dovecot.recreate(user, password, "Réponses")  # new UIDVALIDITY, UIDs restart at 1
    for raw in (a, b, note(3)):
        dovecot.append(user, password, "Réponses", raw)
    after = dovecot.uidvalidity(user, password, "Réponses")
    assert after != before
    out = await run_sync(flow.client, flow.settings, mbx.id)
    assert (out.stored, out.duplicates, out.last_uid, out.uidvalidity) == (1, 2, 3, after)
    row = await reload(flow.db, Mailbox, mbx.id)
    assert (row.uidvalidity, row.last_uid) == (after, 3)
    assert [r.subject for r in await replies_of(flow.db, mbx.id)] == [
        "Question 1",
        "Question 2",
        "Question 3",
    ]
    assert await all_processed(flow, mbx.id) == ["question"] * 3


async def test_a_crash_between_storing_and_moving_on_ingests_nothing_twice(
    flow: Flow, dovecot: Dovecot
) -> None:
    ws_id, _, _ = await workspace_with_campaign(flow.db)
    user, password = dovecot.add_user()
    mbx = await make_mailbox(flow, dovecot, ws_id, user, password, sync_existing=True)
    for n in (1, 2, 3):
        dovecot.append(user, password, "INBOX", note(n))
    started: list[str] = []

    async def crash_on_second(reply: Reply) -> None:
        if len(started) == 1:
            raise RuntimeError("worker died")
        started.append(reply.subject)

    with pytest.raises(RuntimeError):
        await sync_mailbox(flow.db, mbx.id, crash_on_second)
    assert (await reload(flow.db, Mailbox, mbx.id)).last_uid == 1  # stored 2, not past it
    assert len(await replies_of(flow.db, mbx.id)) == 2

    async def record(reply: Reply) -> None:
        started.append(reply.subject)

    out = await sync_mailbox(flow.db, mbx.id, record)
    assert (out.stored, out.duplicates, out.last_uid) == (1, 1, 3)
    # The message whose processing never started gets it now; each row exists once.
    assert started == ["Question 1", "Question 2", "Question 3"]
    assert [r.subject for r in await replies_of(flow.db, mbx.id)] == [
        "Question 1",
        "Question 2",
        "Question 3",
    ]


async def test_own_mail_is_skipped_and_replies_reach_the_lead(flow: Flow, dovecot: Dovecot) -> None:
    ws_id, _, campaign = await workspace_with_campaign(flow.db)
    lead, handle = await start_lead(flow.client, flow.settings, flow.db, campaign)
    send = await first_send(flow.db, lead.id)
    user, password = dovecot.add_user()
    mbx = await make_mailbox(flow, dovecot, ws_id, user, password, sync_existing=True)
    dovecot.append(user, password, "INBOX", flow.smtp.to(lead.email)[-1].raw)  # a Bcc copy
    dovecot.append(
        user,
        password,
        "INBOX",
        message(
            sender=lead.email,
            body="Happy to chat. Can we book a call on Thursday?",
            in_reply_to=send.message_id,
            message_id=make_msgid(domain="example.com"),
        ),
    )
    out = await run_sync(flow.client, flow.settings, mbx.id)
    assert (out.stored, out.ignored) == (1, 1)
    assert await all_processed(flow, mbx.id) == ["meeting_request"]
    async with flow.env.time_skipping_unlocked():
        assert await handle.result() == "replied"
    (reply,) = await replies_of(flow.db, mbx.id)
    assert (reply.lead_id, reply.send_id, reply.needs_action) == (lead.id, send.id, True)
    assert (await reload(flow.db, Lead, lead.id)).status == "replied"


async def test_huge_message_over_imap_is_capped(flow: Flow, dovecot: Dovecot) -> None:
    ws_id = (await make_workspace(flow.db)).id
    user, password = dovecot.add_user()
    mbx = await make_mailbox(flow, dovecot, ws_id, user, password, sync_existing=True)
    raw = message(sender="big@example.org", body="Tell me more. " + "lorem ipsum " * 300_000)
    dovecot.append(user, password, "INBOX", raw)
    out = await run_sync(flow.client, flow.settings, mbx.id)
    assert out.stored == 1
    assert await all_processed(flow, mbx.id) == ["interested"]
    (reply,) = await replies_of(flow.db, mbx.id)
    async with flow.db.session() as s:
        kept = await s.get(ReplyRaw, reply.id)
    assert reply.truncated and reply.raw_size >= len(raw) - 100  # the server's CRLF count
    assert len(kept.raw) == RAW_CAP


async def test_login_failure_is_recorded_without_the_password(flow: Flow, dovecot: Dovecot) -> None:
    ws_id = (await make_workspace(flow.db)).id
    user, _ = dovecot.add_user()
    mbx = await make_mailbox(flow, dovecot, ws_id, user, "wrong-Secret-123")
    out = await run_sync(flow.client, flow.settings, mbx.id)
    assert out.status == "error" and "login refused" in (out.error or "")
    row = await reload(flow.db, Mailbox, mbx.id)
    assert row.last_error and "login refused" in row.last_error
    assert "Authentication failed" not in row.last_error  # Dovecot's own words are not shown
    assert "wrong-Secret-123" not in row.last_error and row.last_sync_at is not None
    assert row.uidvalidity is None and row.last_uid == 0
