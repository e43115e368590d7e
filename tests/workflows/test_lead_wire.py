"""The bytes an SMTP server receives: one-click unsubscribe headers a mail client can use
(RFC 2369 / RFC 8058: a literal `<https://...>`, never an RFC 2047 encoded word), literal
Message-ID / In-Reply-To / References, and no header a lead's values could add. A message
that cannot be built pauses the lead at once instead of retrying like an SMTP outage."""

from __future__ import annotations

import re

from outreach.contracts import LeadSignal
from outreach.models import Event, Lead
from tests.conftest import settings_for
from tests.helpers import (
    events_of,
    eventually,
    make_campaign,
    make_lead,
    make_workspace,
    reload,
    running_worker,
    sends_of,
    start_lead,
)

TWO = [
    ("email", "P0D", "Hello {{firstName}} at {{company|your team}}", "Hi {{firstName}}, one."),
    ("email", "P1D", None, "Two."),
]


def header_lines(raw: bytes) -> dict[str, bytes]:
    """Each header as written on the wire (folded lines joined), by lower-case name."""
    head = raw.split(b"\r\n\r\n", 1)[0]
    out: dict[str, bytes] = {}
    for line in re.split(rb"\r\n(?![ \t])", head):
        name, _, value = line.partition(b":")
        out[name.decode().lower()] = value.strip()
    return out


async def run_two_steps(ts_env, st, db, lead) -> None:
    async with running_worker(ts_env.client, st, db):
        handle = await start_lead(ts_env.client, st, db, lead)
        assert await handle.result() == "completed"


async def test_unsubscribe_and_thread_headers_are_literal_on_the_wire(ts_env, settings, db, smtp):
    for base in ("https://outreach.test", "http://a.io"):
        smtp.messages.clear()
        st = settings_for(settings, smtp, public_url=base)
        ws = await make_workspace(db)
        lead = await make_lead(db, await make_campaign(db, ws.id, TWO), first_name="Sam")
        await run_two_steps(ts_env, st, db, lead)
        first, second = (header_lines(m.raw) for m in smtp.messages)
        sends = await sends_of(db, lead.id)

        unsubscribe = first["list-unsubscribe"]
        assert re.fullmatch(
            rb"<" + re.escape(base.encode()) + rb"/u/[A-Za-z0-9_.\-]+>", unsubscribe
        )
        assert b"=?" not in unsubscribe
        assert first["list-unsubscribe-post"] == b"List-Unsubscribe=One-Click"
        assert first["message-id"] == sends[0].message_id.encode()
        assert second["in-reply-to"] == sends[0].message_id.encode()
        assert second["references"] == sends[0].message_id.encode()
        # On one line each: nothing was folded into an encoded word.
        raw = smtp.messages[0].raw
        assert b"\r\nList-Unsubscribe: <" + base.encode() in raw


async def test_a_lead_value_with_line_breaks_cannot_add_a_header(ts_env, settings, db, smtp):
    """Old rows (or a custom value, which may be multi-line body text) used in a subject or
    a display name: the line breaks become spaces."""
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    camp = await make_campaign(db, ws.id, [("email", "P0D", "About {{pain}}", "{{pain}}")])
    lead = await make_lead(
        db,
        camp,
        first_name="Sam\r\nBcc: victim@example.org",
        custom_fields={"pain": "slow\r\nX-Injected: yes\nbuilds"},
    )
    async with running_worker(ts_env.client, st, db):
        handle = await start_lead(ts_env.client, st, db, lead)
        assert await handle.result() == "completed"
    (message,) = smtp.messages
    headers = header_lines(message.raw)
    assert "x-injected" not in headers and "bcc" not in headers
    assert headers["subject"] == b"About slow X-Injected: yes builds"
    assert message.rcpt == [lead.email]


async def test_a_message_that_cannot_be_built_pauses_the_lead_at_once(ts_env, settings, db, smtp):
    """A row saved before the size caps (a custom value the API now refuses) renders past
    the cap: no eight SMTP-style retries over 25 minutes, the lead is paused `render_failed`
    with `send.failed`, and resuming after the fix sends it."""
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    camp = await make_campaign(db, ws.id, [("email", "P0D", "Hi", "{{big}}")])
    lead = await make_lead(db, camp, custom_fields={"big": "x" * 250_000})
    async with running_worker(ts_env.client, st, db):
        handle = await start_lead(ts_env.client, st, db, lead)

        async def paused() -> Lead | None:
            row = await reload(db, Lead, lead.id)
            return row if row.status == "paused" else None

        row = await eventually(paused)
        assert row.status_reason == "render_failed"
        (send,) = await sends_of(db, lead.id)
        assert send.status == "failed" and send.attempts == 1
        failed: list[Event] = await events_of(db, ws.id, "send.failed")
        assert [e.data["reason"] for e in failed] == ["render_error"]
        assert smtp.messages == []

        # Fixed and resumed: it goes out.
        async with db.session() as s:
            row = await s.get(Lead, lead.id)
            row.custom_fields = {"big": "a fine value"}
            s.add(row)
            await s.commit()
        await handle.signal(LeadSignal.RESUME)
        assert await handle.result() == "completed"
        (message,) = smtp.messages
        assert b"a fine value" in message.raw
