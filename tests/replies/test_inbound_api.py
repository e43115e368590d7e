"""`POST /inbound` on bad and hostile input (every refusal in the error envelope, nothing
half-stored, never a 500), duplicates, caps; `GET /replies` filters and `PATCH /replies`."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlmodel import func, select

from outreach.inbound.message import BODY_CAP, RAW_CAP
from outreach.leads.runs import lead_handle
from outreach.models import Reply, ReplyFeedback, ReplyRaw, Suppression
from tests.helpers import make_campaign, make_key, make_lead
from tests.replies.conftest import Flow
from tests.replies.helpers import RFC822, api, auth, message, workspace_with_campaign

INBOUND = "/api/v1/outreach/inbound"
REPLIES = "/api/v1/outreach/replies"


async def reply_count(flow: Flow, workspace_id: str) -> int:
    async with flow.db.session() as s:
        return (
            await s.exec(
                select(func.count()).select_from(Reply).where(Reply.workspace_id == workspace_id)
            )
        ).one()


async def processed(flow: Flow, reply_id: str) -> str:
    return await flow.client.get_workflow_handle(f"reply-{reply_id}").result()


async def test_refusals_are_in_the_envelope_and_store_nothing(flow: Flow) -> None:
    ws_id, key, _ = await workspace_with_campaign(flow.db)
    read_only = await make_key(flow.db, ws_id, scopes=["replies:read"])
    good = message(sender="sam@example.com", body="hello")
    cases = [
        ({**RFC822}, good, 401, "missing_api_key"),
        ({**RFC822, **auth(read_only)}, good, 403, "missing_scope"),
        (
            {"Content-Type": "application/json", **auth(key)},
            b'{"raw": "x"}',
            415,
            "unsupported_media_type",
        ),
        ({**auth(key)}, good, 415, "unsupported_media_type"),
        ({**RFC822, **auth(key)}, b"", 400, "empty_message"),
        ({**RFC822, **auth(key)}, b"\x00\xff\xfe\x01 binary junk", 400, "malformed_message"),
        ({**RFC822, **auth(key)}, b"not a message, just words", 400, "malformed_message"),
        ({**RFC822, **auth(key)}, b"Subject: hi\r\n\r\nanonymous", 422, "unusable_message"),
    ]
    async with api(flow.settings, flow.client) as http:
        for headers, body, status, code in cases:
            r = await http.post(INBOUND, content=body, headers=headers)
            assert r.status_code == status, (code, r.text)
            assert r.json()["code"] == code and r.json()["error"]
        too_big = b"From: a@example.com\r\n\r\n" + b"x" * (40 * 1024 * 1024)
        r = await http.post(INBOUND, content=too_big, headers={**RFC822, **auth(key)})
        assert r.status_code == 413 and r.json()["code"] == "payload_too_large"
    assert await reply_count(flow, ws_id) == 0


async def test_same_message_twice_is_stored_once(flow: Flow) -> None:
    ws_id, key, _ = await workspace_with_campaign(flow.db)
    raw = message(sender="sam@example.com", body="Sounds interesting, tell me more.")
    async with api(flow.settings, flow.client) as http:
        first = await http.post(INBOUND, content=raw, headers={**RFC822, **auth(key)})
        again = await http.post(INBOUND, content=raw, headers={**RFC822, **auth(key)})
    assert first.status_code == 202 and not first.json()["duplicate"]
    assert again.status_code == 200 and again.json()["duplicate"]
    assert again.json()["id"] == first.json()["id"]
    assert await reply_count(flow, ws_id) == 1
    assert await processed(flow, first.json()["id"]) == "interested"


HOSTILE = {
    "unknown_charset": (
        b"From: a@example.com\r\nSubject: caf\xe9\r\nMessage-ID: <c1@x.test>\r\n"
        b"Content-Type: text/plain; charset=x-klingon-42\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\nt\xe9l\xe9phone-moi\r\n"
    ),
    "nul_and_8bit_headers": (
        b"From: =?x-unknown?q?=E9?= <b@example.com>\r\n"
        b"Subject: \x00\xff\xfe weird\r\nMessage-ID: <c2@x.test>\r\n\r\n"
        b"body with NUL \x00 inside\r\n"
    ),
    "broken_multipart": (
        b"From: c@example.com\r\nMessage-ID: <c3@x.test>\r\n"
        b'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
        b"--never-closed\r\nContent-Type: text/plain\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n"
    ),
    "no_boundary": (
        b"From: d@example.com\r\nMessage-ID: <c4@x.test>\r\n"
        b"Content-Type: multipart/alternative\r\n\r\nplain words anyway\r\n"
    ),
    "bad_headers": (
        b"From: e@example.com\r\nMessage-ID: <c5@x.test>\r\nDate: not a date\r\n"
        b"In-Reply-To: garbage without brackets\r\nReferences: <"
        + b"r" * 400
        + b"@x>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hi<b>unclosed"
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
async def test_hostile_messages_are_stored_safely(flow: Flow, name: str) -> None:
    ws_id, key, _ = await workspace_with_campaign(flow.db)
    async with api(flow.settings, flow.client) as http:
        r = await http.post(INBOUND, content=HOSTILE[name], headers={**RFC822, **auth(key)})
        assert r.status_code == 202, r.text
        reply_id = r.json()["id"]
        # The whole pipeline copes: matched, classified, applied.
        assert await processed(flow, reply_id)
        got = await http.get(f"{REPLIES}/{reply_id}", headers=auth(key))
    assert got.status_code == 200 and got.json()["label"]
    assert "\x00" not in (got.json()["body"] or "") + (got.json()["subject"] or "")


async def test_huge_message_is_capped_and_flagged(flow: Flow) -> None:
    ws_id, key, _ = await workspace_with_campaign(flow.db)
    raw = message(sender="big@example.com", body="Tell me more. " + "lorem ipsum " * 400_000)
    assert len(raw) > RAW_CAP
    async with api(flow.settings, flow.client) as http:
        r = await http.post(INBOUND, content=raw, headers={**RFC822, **auth(key)})
        assert r.status_code == 202 and r.json()["truncated"] is True
        await processed(flow, r.json()["id"])
        got = (await http.get(f"{REPLIES}/{r.json()['id']}", headers=auth(key))).json()
    assert got["truncated"] is True and len(got["body"]) == BODY_CAP
    async with flow.db.session() as s:
        row = await s.get(Reply, r.json()["id"])
        kept = await s.get(ReplyRaw, r.json()["id"])
    assert row.raw_size == len(raw) and len(kept.raw) == RAW_CAP and raw.startswith(kept.raw)


async def test_list_filters_and_marking_handled(flow: Flow) -> None:
    ws_id, key, camp_a = await workspace_with_campaign(flow.db)
    camp_b = await make_campaign(flow.db, ws_id)
    lead_a = await make_lead(flow.db, camp_a, "ann@example.com")
    lead_b = await make_lead(flow.db, camp_b, "bob@example.com")
    texts = [
        ("ann@example.com", "Sounds interesting, tell me more."),
        ("bob@example.com", "Not interested, thanks."),
        ("carl@example.com", "How much does it cost per month?"),
    ]
    ids = {}
    async with api(flow.settings, flow.client) as http:
        for sender, text in texts:
            r = await http.post(
                INBOUND, content=message(sender=sender, body=text), headers={**RFC822, **auth(key)}
            )
            ids[sender] = r.json()["id"]
            await processed(flow, ids[sender])

        async def listed(query: str) -> list[str]:
            r = await http.get(f"{REPLIES}?{query}", headers=auth(key))
            assert r.status_code == 200, r.text
            return [x["id"] for x in r.json()["data"]]

        assert set(await listed("needsAction=true")) == {
            ids["ann@example.com"],
            ids["carl@example.com"],
        }
        assert await listed("label=not_interested") == [ids["bob@example.com"]]
        assert await listed(f"campaignId={camp_a.id}") == [ids["ann@example.com"]]
        assert await listed(f"leadId={lead_b.id}") == [ids["bob@example.com"]]
        page1 = (await http.get(f"{REPLIES}?limit=2", headers=auth(key))).json()
        page2 = (
            await http.get(f"{REPLIES}?limit=2&cursor={page1['nextCursor']}", headers=auth(key))
        ).json()
        assert len(page1["data"]) == 2 and len(page2["data"]) == 1 and not page2["nextCursor"]
        assert {x["id"] for x in page1["data"] + page2["data"]} == set(ids.values())

        ann = ids["ann@example.com"]
        r = await http.patch(f"{REPLIES}/{ann}", json={"handled": True}, headers=auth(key))
        assert r.status_code == 200
        assert r.json()["handled"] is True and r.json()["needsAction"] is False
        assert r.json()["leadId"] == lead_a.id and r.json()["label"] == "interested"
        assert await listed("needsAction=true") == [ids["carl@example.com"]]
        assert ann in await listed("needsAction=false")
        r = await http.patch(f"{REPLIES}/{ann}", json={"handled": False}, headers=auth(key))
        assert r.json()["needsAction"] is True

        for bad in ({"handled": "yes"}, {}, {"handled": True, "lable": "other"}):
            r = await http.patch(f"{REPLIES}/{ann}", json=bad, headers=auth(key))
            assert r.status_code == 400 and r.json()["code"] == "invalid_request", bad
        r = await http.patch(
            f"{REPLIES}/{ann}",
            content=b"{not json",
            headers={**auth(key), "Content-Type": "application/json"},
        )
        assert r.status_code == 400 and r.json()["code"] == "malformed_json"

        other_ws, other_key, _ = await workspace_with_campaign(flow.db)
        for method in ("get", "patch"):
            kw = {"json": {"handled": True}} if method == "patch" else {}
            r = await getattr(http, method)(f"{REPLIES}/{ann}", headers=auth(other_key), **kw)
            assert r.status_code == 404 and r.json()["code"] == "not_found"
        assert (await http.get(REPLIES, headers=auth(other_key))).json()["data"] == []
        no_write = await make_key(flow.db, ws_id, scopes=["replies:read"])
        r = await http.patch(f"{REPLIES}/{ann}", json={"handled": True}, headers=auth(no_write))
        assert r.status_code == 403
    # The replies ended both leads (short runs of their workflows, started by the replies).
    for lead in (lead_a, lead_b):
        assert await lead_handle(flow.client, lead.id).result() == "replied"


async def test_correcting_a_label_is_stored_as_feedback_and_exported(
    flow: Flow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws_id, key, camp = await workspace_with_campaign(flow.db)
    lead = await make_lead(flow.db, camp, "dora@example.com")
    async with api(flow.settings, flow.client) as http:
        r = await http.post(
            INBOUND,
            content=message(
                sender="dora@example.com", body="Let me think about it and get back to you."
            ),
            headers={**RFC822, **auth(key)},
        )
        rid = r.json()["id"]
        await processed(flow, rid)
        got = (await http.get(f"{REPLIES}/{rid}", headers=auth(key))).json()
        # Unsure: marked for review, on the list shape too.
        assert got["needsReview"] is True, got
        listed = (await http.get(REPLIES, headers=auth(key))).json()["data"]
        assert [x["needsReview"] for x in listed if x["id"] == rid] == [True]
        first = got["label"]

        for bad in ("super_interested", "Interested", ""):
            r = await http.patch(f"{REPLIES}/{rid}", json={"label": bad}, headers=auth(key))
            assert r.status_code == 422 and r.json()["code"] == "unknown_label", r.text
            assert r.json()["error"]
        r = await http.patch(f"{REPLIES}/{rid}", json={"label": "objection"}, headers=auth(key))
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["label"], body["needsReview"], body["needsAction"]) == (
            "objection",
            False,
            True,
        )
        # The same label again changes nothing; handled and label together work.
        r = await http.patch(
            f"{REPLIES}/{rid}", json={"label": "objection", "handled": True}, headers=auth(key)
        )
        assert r.json()["handled"] is True and r.json()["label"] == "objection"
        # A correction to an opt-out suppresses the address: no step goes out to it again.
        r = await http.patch(
            f"{REPLIES}/{rid}", json={"label": "unsubscribe_request"}, headers=auth(key)
        )
        assert r.status_code == 200 and r.json()["needsAction"] is False
    async with flow.db.session() as s:
        fbs = (await s.exec(select(ReplyFeedback).where(ReplyFeedback.reply_id == rid))).all()
        sup = (
            await s.exec(
                select(Suppression).where(
                    Suppression.workspace_id == ws_id, Suppression.email == lead.email
                )
            )
        ).all()
    assert [(f.original_label, f.label) for f in sorted(fbs, key=lambda f: f.created_at)] == [
        (first, "objection"),
        ("objection", "unsubscribe_request"),
    ]
    assert all(f.corrected_by and f.workspace_id == ws_id for f in fbs)
    assert len(sup) == 1

    # outreach classify export-feedback FILE: the latest correction, in the corpus format.
    from outreach import config
    from outreach.classify.cli import run
    from outreach.classify.dataset import load_labelled

    monkeypatch.setattr(config, "get_settings", lambda: flow.settings)
    out = tmp_path / "feedback.jsonl"
    code = await asyncio.to_thread(run, ["export-feedback", str(out), "--workspace", ws_id])
    assert code == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(x["label"], x["originalLabel"]) for x in rows] == [
        ("unsubscribe_request", "objection")
    ]
    assert "think about it" in rows[0]["body"]
    [row] = list(load_labelled(out))  # readable by the training code as is
    assert row.label == "unsubscribe_request" and row.reply.received_at is not None
