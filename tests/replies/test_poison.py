"""Poison messages: no inbound message can stop reply detection, on any intake path.

A message with a thousand nested multiparts used to raise RecursionError in the MIME
parser: every IMAP sync failed on it (lastUid stuck, lastError empty, every later reply
unread) and `POST /inbound` answered 500. Hostile shapes that made parsing take minutes
(RFC 2047 words by the hundred thousand, blank lines in a bounce) are here too. Each is
parsed in bounded time into a stored message or refused as malformed, never an exception.
"""

from __future__ import annotations

import time
from email.message import Message
from email.utils import make_msgid

import pytest

from outreach.inbound.dsn import detect_bounce
from outreach.inbound.message import MalformedMessage, parse_message
from outreach.inbound.sync import sync_mailbox
from outreach.models import Lead, Mailbox, Reply, ReplyRaw, Send
from tests.helpers import reload
from tests.replies.conftest import Dovecot, Flow
from tests.replies.helpers import (
    RFC822,
    api,
    auth,
    dsn,
    first_send,
    message,
    reply_row,
    start_lead,
    workspace_with_campaign,
)
from tests.replies.test_imap_sync import make_mailbox, replies_of, run_sync

# Generous for a loaded 2-core machine; the shapes below took 90-120 s before the fix.
PARSE_BUDGET_SECONDS = 10.0


def nested(
    depth: int,
    *,
    sender: str = "mallory@example.org",
    subject: str = "deep",
    extra: str = "",
    ctype: str = "multipart/mixed",
) -> bytes:
    head = (
        f"From: {sender}\r\nTo: anita@sender.test\r\nSubject: {subject}\r\n"
        f"Message-ID: {make_msgid(domain='example.org')}\r\nMIME-Version: 1.0\r\n{extra}"
    )
    opening, closing = [], []
    for i in range(depth):
        kind = ctype if i == 0 else "multipart/mixed"
        opening.append(f'Content-Type: {kind}; boundary="b{i}"\r\n\r\n--b{i}\r\n')
        closing.append(f"\r\n--b{i}--\r\n")
    inner = "Content-Type: text/plain\r\n\r\nhello from the bottom"
    return (head + "".join(opening) + inner + "".join(reversed(closing))).encode()


HEADERS = b"From: a@example.org\r\nTo: b@example.org\r\nSubject: s\r\nMessage-ID: <x@y.org>\r\n"
DAEMON = (
    b"From: MAILER-DAEMON@mx.example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n"
    b"Message-ID: <dsn@mx.example.org>\r\n"
)
HOSTILE = {
    "nested_1000": nested(1000),
    "nested_20000": nested(20000),
    "message_rfc822_nested": HEADERS
    + b"Content-Type: message/rfc822\r\n\r\n" * 5000
    + b"Subject: inner\r\n\r\nx",
    "siblings_150k": HEADERS
    + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
    + b"--b\r\n\r\nx\r\n" * 150_000
    + b"--b--\r\n",
    "headers_250k": HEADERS + b"X-A: b\r\n" * 250_000 + b"\r\nbody",
    "encoded_words_150k": HEADERS.replace(b"Subject: s", b"Subject: " + b"=?utf-8?q?a?= " * 150_000)
    + b"\r\nbody",
    "addresses_250k": HEADERS.replace(b"From: a@example.org", b"From: " + b"a@b.c, " * 250_000)
    + b"\r\nbody",
    "content_type_params": HEADERS
    + b"Content-Type: multipart/mixed; boundary=b"
    + b'; a="x;' * 200_000
    + b"\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n",
    "lone_cr_lines": HEADERS.replace(b"\r\n", b"\r")
    + b'Content-Type: multipart/mixed; boundary="b"\r\r'
    + b'--b\rContent-Type: multipart/mixed; boundary="b"\r\r' * 3000,
    "daemon_blank_lines": DAEMON + b"\r\n" + b"\n" * 1_500_000,
    "report_blocks_40k": DAEMON
    + b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
    + b"--b\r\nContent-Type: message/delivery-status\r\n\r\n"
    + b"Final-Recipient: rfc822; a@b.c\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n" * 40_000
    + b"--b--\r\n",
    "report_nested": nested(
        3000,
        sender="MAILER-DAEMON@mx.example.org",
        subject="Undelivered Mail Returned to Sender",
        ctype="multipart/report; report-type=delivery-status",
    ),
    "nul_and_8bit": HEADERS + b"\r\n" + bytes(range(256)) * 8000,
    "no_headers_binary": b"\x00\xff" * 1_000_000,
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_messages_parse_in_bounded_time_or_are_refused(name: str) -> None:
    raw = HOSTILE[name]
    started = time.perf_counter()
    try:
        parsed = parse_message(raw)
    except MalformedMessage as exc:  # the only exception parsing may raise
        assert exc.status in (400, 422)
    else:
        assert "\x00" not in parsed.body_text + parsed.subject
        assert len(parsed.raw) <= 2 * 1024 * 1024
    assert time.perf_counter() - started < PARSE_BUDGET_SECONDS, name


def test_a_message_too_deep_to_parse_is_read_from_its_headers() -> None:
    raw = nested(
        1000, sender="Sam <sam@example.com>", extra="In-Reply-To: <send_1@sender.test>\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.unreadable and "nested" in parsed.unreadable
    assert (parsed.from_email, parsed.subject) == ("sam@example.com", "deep")
    assert parsed.thread_ids == ["<send_1@sender.test>"]
    assert parsed.body_text == "" and parsed.truncated and parsed.raw == raw
    # Within the bounds, a nested message is read as before.
    shallow = parse_message(nested(20))
    assert shallow.unreadable is None and "hello from the bottom" in shallow.body_text


def test_bounce_detection_survives_hostile_reports() -> None:
    # A report nested far too deep: still a hard bounce from the mailer daemon.
    deep = parse_message(HOSTILE["report_nested"])
    assert deep.bounce is not None and deep.bounce.hard and deep.unreadable
    # The original's Message-ID after 90,000 blank lines is still found (the search was
    # quadratic in them: minutes).
    blank = parse_message(
        DAEMON + b"\r\n" + b"\n" * 90_000 + b"Message-ID: <send_9@sender.test>\r\n"
    )
    assert blank.bounce is not None and blank.bounce.original_message_ids == [
        "<send_9@sender.test>"
    ]
    # Two thousand status blocks: the first ones read, the lists capped.
    blocks = parse_message(
        DAEMON
        + b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
        + b"--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        + b"Final-Recipient: rfc822; a@b.c\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n" * 2_000
        + b"--b--\r\n"
    )
    assert blocks.bounce is not None and blocks.bounce.hard
    assert blocks.bounce.status == "5.1.1" and blocks.bounce.recipients == ["a@b.c"]


def test_detect_bounce_walks_a_deep_tree_without_recursion() -> None:
    """Whatever tree it is given (here built by hand, 20,000 levels deep, which the parser
    would never produce), the report walk never recurses."""
    root = Message()
    root["Content-Type"] = "multipart/report; report-type=delivery-status"
    node = root
    for _ in range(20_000):
        child = Message()
        child["Content-Type"] = "multipart/mixed"
        node.attach(child)
        node = child
    status = Message()
    status["Content-Type"] = "message/delivery-status"
    status.set_payload("Final-Recipient: rfc822; x@y.org\nAction: failed\nStatus: 5.1.1\n")
    node.attach(status)
    bounce = detect_bounce(root, "mailer-daemon@mx.example.org", "Undelivered", "")
    assert bounce is not None and bounce.hard  # read from the subject: the blocks too deep


# -- POST /inbound -----------------------------------------------------------------------


async def test_inbound_api_stores_a_poison_message_and_its_reply_stops_the_lead(
    flow: Flow,
) -> None:
    ws_id, key, campaign = await workspace_with_campaign(flow.db)
    lead, handle = await start_lead(flow.client, flow.settings, flow.db, campaign)
    send = await first_send(flow.db, lead.id)
    raw = nested(1000, sender=lead.email, extra=f"In-Reply-To: {send.message_id}\r\n")
    async with api(flow.settings, flow.client) as http:
        r = await http.post(
            "/api/v1/outreach/inbound", content=raw, headers={**auth(key), **RFC822}
        )
        assert r.status_code == 202, r.text
        body = r.json()
        assert body["kind"] == "reply" and body["truncated"] is True
        assert "nested" in body["parseError"]
        # The same message again: found by its Message-ID, nothing stored twice.
        again = await http.post(
            "/api/v1/outreach/inbound", content=raw, headers={**auth(key), **RFC822}
        )
        assert (again.status_code, again.json()["id"]) == (200, body["id"])
        # Not even a header section: refused in the envelope.
        bad = await http.post(
            "/api/v1/outreach/inbound", content=b"\x00\xff" * 1000, headers={**auth(key), **RFC822}
        )
        assert bad.status_code == 400 and set(bad.json()) == {"error", "code"}
    await flow.client.get_workflow_handle(f"reply-{body['id']}").result()
    async with flow.env.time_skipping_unlocked():
        assert await handle.result() == "replied"
    reply = await reply_row(flow.db, body["id"])
    assert (reply.lead_id, reply.send_id, reply.body_text) == (lead.id, send.id, "")
    async with flow.db.session() as s:
        assert (await s.get(ReplyRaw, reply.id)).raw == raw  # kept for a human to read
    assert (await reload(flow.db, Lead, lead.id)).status == "replied"


async def test_inbound_api_bounce_with_a_hostile_body_still_bounces_the_lead(
    flow: Flow,
) -> None:
    """The DSN path: a delivery report whose human-readable part is padded with blank
    lines (the Message-ID search used to take minutes on it) bounces the lead it reports
    on; one whose status part is (each block a sub-message to the parser) is stored."""
    ws_id, key, campaign = await workspace_with_campaign(flow.db)
    lead, handle = await start_lead(flow.client, flow.settings, flow.db, campaign)
    send = await first_send(flow.db, lead.id)
    report = dsn(send).replace(b"delivered.\r\n", b"delivered.\r\n" + b"\n" * 1_000_000, 1)
    padded_status = dsn(send).replace(b"Reporting-MTA:", b"\n" * 1_000_000 + b"Reporting-MTA:", 1)
    async with api(flow.settings, flow.client) as http:
        started = time.perf_counter()
        other = await http.post(
            "/api/v1/outreach/inbound", content=padded_status, headers={**auth(key), **RFC822}
        )
        assert time.perf_counter() - started < PARSE_BUDGET_SECONDS
        assert other.status_code == 202 and "empty lines" in other.json()["parseError"]
        started = time.perf_counter()
        r = await http.post(
            "/api/v1/outreach/inbound", content=report, headers={**auth(key), **RFC822}
        )
        assert time.perf_counter() - started < PARSE_BUDGET_SECONDS
    assert r.status_code == 202 and r.json()["kind"] == "bounce", r.text
    assert r.json()["parseError"] is None
    await flow.client.get_workflow_handle(f"reply-{other.json()['id']}").result()
    assert await flow.client.get_workflow_handle(f"reply-{r.json()['id']}").result() == "bounced"
    async with flow.env.time_skipping_unlocked():
        assert await handle.result() == "bounced"
    assert (await reload(flow.db, Send, send.id)).status == "bounced"


# -- IMAP --------------------------------------------------------------------------------


async def test_a_poison_message_over_imap_is_stored_and_the_next_reply_stops_the_lead(
    flow: Flow, dovecot: Dovecot
) -> None:
    ws_id, key, campaign = await workspace_with_campaign(flow.db)
    lead, handle = await start_lead(flow.client, flow.settings, flow.db, campaign)
    send = await first_send(flow.db, lead.id)
    user, password = dovecot.add_user()
    mbx = await make_mailbox(flow, dovecot, ws_id, user, password, sync_existing=True)
    dovecot.append(user, password, "INBOX", nested(1000))  # from a stranger
    dovecot.append(
        user,
        password,
        "INBOX",
        message(
            sender=lead.email,
            body="Please stop emailing me, not interested.",
            in_reply_to=send.message_id,
            message_id=make_msgid(domain="example.com"),
        ),
    )
    out = await run_sync(flow.client, flow.settings, mbx.id)
    assert (out.status, out.stored, out.last_uid) == ("ok", 2, 2)
    row = await reload(flow.db, Mailbox, mbx.id)
    assert (row.last_uid, row.last_error) == (2, None)
    poison, normal = await replies_of(flow.db, mbx.id)
    assert (poison.from_email, poison.body_text, poison.truncated) == (
        "mallory@example.org",
        "",
        True,
    )
    for reply in (poison, normal):
        await flow.client.get_workflow_handle(f"reply-{reply.id}").result()
    assert (await reply_row(flow.db, normal.id)).lead_id == lead.id
    async with flow.env.time_skipping_unlocked():
        assert await handle.result() in ("replied", "unsubscribed")
    async with api(flow.settings, flow.client) as http:
        got = (await http.get(f"/api/v1/outreach/mailboxes/{mbx.id}", headers=auth(key))).json()
    assert (got["status"], got["lastError"], got["lastUid"]) == ("active", None, 2)


async def test_a_failing_sync_says_so_and_recovers(flow: Flow, dovecot: Dovecot) -> None:
    """Any failure past the connection (here the step after storing fails, as when the
    workflow engine is away) is written on the mailbox, in our words, and shows as status
    `error` until a sync succeeds."""
    ws_id, key, _ = await workspace_with_campaign(flow.db)
    user, password = dovecot.add_user()
    mbx = await make_mailbox(flow, dovecot, ws_id, user, password, sync_existing=True)
    for n in (1, 2):
        dovecot.append(
            user, password, "INBOX", message(sender=f"q{n}@example.org", body="How much?")
        )

    async def fails_on_second(reply: Reply) -> None:
        if reply.from_email == "q2@example.org":
            raise RuntimeError("secret internals")

    with pytest.raises(RuntimeError):
        await sync_mailbox(flow.db, mbx.id, fails_on_second)
    row = await reload(flow.db, Mailbox, mbx.id)
    assert row.last_error == (
        "sync failed after UID 1: internal error (RuntimeError); the next sync retries from there"
    )
    async with api(flow.settings, flow.client) as http:
        got = (await http.get(f"/api/v1/outreach/mailboxes/{mbx.id}", headers=auth(key))).json()
        assert (got["status"], got["lastUid"]) == ("error", 1)

        async def started(reply: Reply) -> None:
            return None

        out = await sync_mailbox(flow.db, mbx.id, started)
        assert (out.status, out.duplicates, out.last_uid) == ("ok", 1, 2)
        got = (await http.get(f"/api/v1/outreach/mailboxes/{mbx.id}", headers=auth(key))).json()
        assert (got["status"], got["lastError"]) == ("active", None)
        async with flow.db.session() as s:  # as PATCH {"enabled": false} leaves it
            row = await s.get(Mailbox, mbx.id)
            row.enabled = False
            s.add(row)
            await s.commit()
        got = (await http.get(f"/api/v1/outreach/mailboxes/{mbx.id}", headers=auth(key))).json()
        assert got["status"] == "paused"


async def test_a_reply_under_two_thousand_attribution_lines_still_stops_the_lead(
    flow: Flow,
) -> None:
    """Two thousand attribution lines ("On ... wrote:") above a bottom-posted answer once
    made the classifier's quote stripping recurse too deep. It reads the answer now, and
    the lead stops as for any reply."""
    ws_id, key, campaign = await workspace_with_campaign(flow.db)
    lead, handle = await start_lead(flow.client, flow.settings, flow.db, campaign)
    send = await first_send(flow.db, lead.id)
    body = "On Mon, Jan 1, 2024 at 10:00 AM Anita wrote:\n" * 2000 + "Sure, happy to talk."
    raw = message(sender=lead.email, body=body, in_reply_to=send.message_id)
    async with api(flow.settings, flow.client) as http:
        r = await http.post(
            "/api/v1/outreach/inbound", content=raw, headers={**auth(key), **RFC822}
        )
    assert r.status_code == 202, r.text
    label = await flow.client.get_workflow_handle(f"reply-{r.json()['id']}").result()
    async with flow.env.time_skipping_unlocked():
        assert await handle.result() == "replied"
    reply = await reply_row(flow.db, r.json()["id"])
    assert reply.label == label == "meeting_request"
    assert not any("classifier failed" in x for x in reply.reasons)
