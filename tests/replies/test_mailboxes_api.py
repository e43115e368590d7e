"""`/mailboxes`: validation, write-only password, workspace isolation, and the per-mailbox
Temporal schedule (real dev server: the time-skipping server has no schedules) that polls
a real Dovecot."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from temporalio.client import ScheduleIntervalSpec, ScheduleOverlapPolicy
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from outreach.config import Settings
from outreach.db import Database
from outreach.inbound.contracts import MAILBOX_SYNC_WORKFLOW, mailbox_schedule_id
from outreach.models import Mailbox, Reply
from tests.conftest import settings_for
from tests.helpers import make_key, make_workspace, reload, running_worker
from tests.replies.conftest import Dovecot
from tests.replies.helpers import api, auth, message, wait_for

MAILBOXES = "/api/v1/outreach/mailboxes"

pytestmark = pytest.mark.integration


def body_for(dovecot: Dovecot, user: str, password: str, **kw: object) -> dict:
    return {
        "host": dovecot.host,
        "port": dovecot.port,
        "security": "none",
        "username": user,
        "password": password,
        **kw,
    }


@pytest.mark.parametrize(
    "change, status, code",
    [
        ({"host": "imap.example.com:993"}, 422, "invalid_host"),
        ({"host": "https://imap.example.com"}, 422, "invalid_host"),
        ({"host": "imap..example.com"}, 422, "invalid_host"),
        ({"host": "imap.example.com", "security": "none"}, 422, "insecure_connection"),
        ({"host": "8.8.8.8", "security": "none"}, 422, "insecure_connection"),
        ({"folder": "INBOX\r\nA1 DELETE INBOX"}, 422, "invalid_folder"),
        ({"port": 0}, 400, "invalid_request"),
        ({"port": 70000}, 400, "invalid_request"),
        ({"port": "993"}, 400, "invalid_request"),
        ({"security": "ssl"}, 400, "invalid_request"),
        ({"password": ""}, 400, "invalid_request"),
        ({"password": None}, 400, "invalid_request"),
        ({"extra": 1}, 400, "invalid_request"),
    ],
)
async def test_bad_mailboxes_are_refused(
    settings: Settings, db: Database, change: dict, status: int, code: str
) -> None:
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    body = {
        "host": "127.0.0.1",
        "port": 143,
        "security": "none",
        "username": "u",
        "password": "p",
        **change,
    }
    # No Temporal client: every refusal happens before anything is scheduled.
    async with api(settings_for(settings), None) as http:  # type: ignore[arg-type]
        r = await http.post(MAILBOXES, json=body, headers=auth(key))
        assert (r.status_code, r.json()["code"]) == (status, code), r.text
        assert (await http.get(MAILBOXES, headers=auth(key))).json()["data"] == []


async def test_mailbox_lifecycle_with_its_schedule(
    dev_env: WorkflowEnvironment, settings: Settings, db: Database, dovecot: Dovecot
) -> None:
    cfg = settings_for(settings)
    client = dev_env.client
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    reader = await make_key(db, ws.id, scopes=["mailboxes:read"])
    other_key = await make_key(db, (await make_workspace(db)).id)
    user, password = dovecot.add_user()
    async with running_worker(client, cfg, db), api(cfg, client) as http:
        r = await http.post(MAILBOXES, json=body_for(dovecot, user, password), headers=auth(reader))
        assert r.status_code == 403
        r = await http.post(MAILBOXES, json=body_for(dovecot, user, password), headers=auth(key))
        assert r.status_code == 201, r.text
        created = r.json()
        mbx_id = created["id"]
        assert "password" not in created and created["hasPassword"] is True
        assert (created["folder"], created["enabled"], created["syncExisting"]) == (
            "INBOX",
            True,
            False,
        )
        dup = await http.post(MAILBOXES, json=body_for(dovecot, user, password), headers=auth(key))
        assert (dup.status_code, dup.json()["code"]) == (422, "mailbox_exists")

        handle = client.get_schedule_handle(mailbox_schedule_id(mbx_id))
        desc = await handle.describe()
        action = desc.schedule.action
        assert action.workflow == MAILBOX_SYNC_WORKFLOW
        assert action.task_queue == cfg.task_queue
        assert [await client.data_converter.decode([a]) for a in action.args] == [[mbx_id]]
        assert desc.schedule.spec.intervals == [ScheduleIntervalSpec(every=timedelta(minutes=1))]
        assert desc.schedule.policy.overlap == ScheduleOverlapPolicy.SKIP

        # The first sync ran at once through the schedule (last_sync_at is its last write).
        async def synced() -> Mailbox | None:
            row = await reload(db, Mailbox, mbx_id)
            return row if row.last_sync_at is not None else None

        row = await wait_for(synced, within=30)
        assert row.last_error is None and row.last_sync_at is not None
        got = (await http.get(f"{MAILBOXES}/{mbx_id}", headers=auth(reader))).json()
        assert got["uidValidity"] == row.uidvalidity and "password" not in got
        assert (await http.get(f"{MAILBOXES}/{mbx_id}", headers=auth(other_key))).status_code == 404
        listed = (await http.get(MAILBOXES, headers=auth(key))).json()
        assert [m["id"] for m in listed["data"]] == [mbx_id]

        # New mail arrives; "sync now" ingests it.
        dovecot.append(
            user,
            password,
            "INBOX",
            message(sender="pat@example.org", body="How much does it cost?"),
        )
        r = await http.post(f"{MAILBOXES}/{mbx_id}/sync", headers=auth(key))
        assert r.status_code == 202

        async def ingested() -> list[Reply]:
            async with db.session() as s:
                return list((await s.exec(select(Reply).where(Reply.mailbox_id == mbx_id))).all())

        (reply,) = await wait_for(ingested, within=30)
        assert reply.source == "imap" and reply.from_email == "pat@example.org"

        r = await http.patch(
            f"{MAILBOXES}/{mbx_id}",
            json={"enabled": False, "password": "new-pass"},
            headers=auth(key),
        )
        assert r.status_code == 200 and r.json()["enabled"] is False
        assert (await handle.describe()).schedule.state.paused is True
        r = await http.post(f"{MAILBOXES}/{mbx_id}/sync", headers=auth(key))
        assert (r.status_code, r.json()["code"]) == (422, "mailbox_disabled")
        r = await http.patch(
            f"{MAILBOXES}/{mbx_id}", json={"folder": "Archive", "enabled": True}, headers=auth(key)
        )
        assert r.json()["folder"] == "Archive" and r.json()["uidValidity"] is None
        assert r.json()["lastUid"] == 0  # another folder: another UID space
        assert (await handle.describe()).schedule.state.paused is False
        r = await http.patch(f"{MAILBOXES}/{mbx_id}", json={"enabled": None}, headers=auth(key))
        assert r.status_code == 400

        assert (
            await http.delete(f"{MAILBOXES}/{mbx_id}", headers=auth(other_key))
        ).status_code == 404
        r = await http.delete(f"{MAILBOXES}/{mbx_id}", headers=auth(key))
        assert r.status_code == 204
        with pytest.raises(RPCError) as err:
            await handle.describe()
        assert err.value.status == RPCStatusCode.NOT_FOUND
        assert (await http.get(f"{MAILBOXES}/{mbx_id}", headers=auth(key))).status_code == 404
    assert (await reload(db, Reply, reply.id)) is not None  # replies stay
