"""Through the API and the worker: what is stored is ciphertext (no plaintext in any table
or log line), the webhook secret shown at creation verifies deliveries, the IMAP password
logs in, and a value moved to another row does not open."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from gidgethub.sansio import validate_event
from temporalio.testing import WorkflowEnvironment

from activities.webhooks import WebhookActivities
from outreach.config import Settings
from outreach.db import Database, make_sync_engine
from outreach.ids import new_id
from outreach.inbound.status import SyncStatus
from outreach.inbound.sync import sync_mailbox
from outreach.models import Mailbox, Reply
from outreach.webhooks.policy import DELIVERED, FAILED, AttemptRequest
from tests.conftest import settings_for
from tests.encryption.conftest import plaintext_in_database, stored
from tests.helpers import make_key, make_workspace, reload, running_worker
from tests.replies.conftest import Dovecot
from tests.replies.helpers import api, auth, wait_for
from tests.replies.test_mailbox_guard import make_row
from tests.smtp_servers import smtp_server
from tests.webhooks.conftest import make_endpoint
from tests.webhooks.receiver import receiving

BASE = "/api/v1/outreach"

pytestmark = pytest.mark.integration


async def test_stored_encrypted_and_still_working_through_the_api(
    dev_env: WorkflowEnvironment,
    settings: Settings,
    db: Database,
    dovecot: Dovecot,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    user, password = dovecot.add_user()
    smtp_password = "smtp-secret-5e21"
    async with (
        smtp_server(tls="starttls", username="sender", password=smtp_password) as srv,
        receiving() as receiver,
    ):
        cfg = settings_for(settings, smtp_ca_file=Path(srv.ca_file) if srv.ca_file else None)
        async with running_worker(dev_env.client, cfg, db), api(cfg, dev_env.client) as http:
            r = await http.post(f"{BASE}/webhooks", headers=auth(key), json={"url": receiver.url})
            assert r.status_code == 201, r.text
            hook = r.json()
            r = await http.post(f"{BASE}/webhooks/{hook['id']}/test", headers=auth(key))
            assert r.json()["status"] == "delivered", r.text
            [hit] = receiver.hits
            validate_event(
                hit.body, signature=hit.headers["x-pms-signature"], secret=hook["secret"]
            )
            listed = (await http.get(f"{BASE}/webhooks/{hook['id']}", headers=auth(key))).json()
            assert listed["secretHint"] == "whsec_..." + hook["secret"][-4:]

            r = await http.post(
                f"{BASE}/mailboxes",
                headers=auth(key),
                json={
                    "host": dovecot.host,
                    "port": dovecot.port,
                    "security": "none",
                    "username": user,
                    "password": password,
                    "email": "sender@acme.example",
                    "smtp": {
                        "host": srv.hostname,
                        "port": srv.port,
                        "tls": "starttls",
                        "username": "sender",
                        "password": smtp_password,
                    },
                },
            )
            assert r.status_code == 201, r.text
            mbx_id = r.json()["id"]

            async def synced() -> Mailbox | None:  # the schedule's first sync, at once
                row = await reload(db, Mailbox, mbx_id)
                return row if row.last_sync_at is not None else None

            row = await wait_for(synced, within=30)
            assert row.last_error is None and row.uidvalidity is not None  # it logged in
            checks = await http.post(f"{BASE}/mailboxes/{mbx_id}/verify", headers=auth(key))
            assert checks.json()["smtp"]["ok"] is True, checks.text  # the sealed one opens
            assert srv.auths  # and was the one the server accepted
            assert stored(settings, "mailbox", "smtp_password")[mbx_id].startswith("enc:v1:")
            r = await http.patch(
                f"{BASE}/mailboxes/{mbx_id}", headers=auth(key), json={"password": "changed-pw-77"}
            )
            assert r.status_code == 200
            r = await http.delete(f"{BASE}/mailboxes/{mbx_id}", headers=auth(key))
            assert r.status_code == 204
    assert stored(settings, "webhook_endpoint", "secret")[hook["id"]].startswith("enc:v1:test:")
    needles = [password, hook["secret"], "changed-pw-77", smtp_password]
    assert plaintext_in_database(settings, needles) == []
    logged = [(rec.name, rec.getMessage()) for rec in caplog.records]
    assert logged  # the API and the worker did log
    for name, text in logged:
        assert not any(n in text for n in needles), (name, text)


def _copy(settings: Settings, table: str, column: str, source: str, target: str) -> None:
    engine = make_sync_engine(settings)
    try:
        with engine.begin() as conn:
            value = conn.execute(
                sa.text(f"SELECT {column} FROM {table} WHERE id = :id"), {"id": source}
            ).scalar_one()
            conn.execute(
                sa.text(f"UPDATE {table} SET {column} = :v WHERE id = :id"),
                {"v": value, "id": target},
            )
    finally:
        engine.dispose()


async def _nothing(reply: Reply) -> None:
    return None


async def test_a_secret_copied_to_another_row_does_not_open(
    settings: Settings, db: Database, dovecot: Dovecot, caplog: pytest.LogCaptureFixture
) -> None:
    ws = await make_workspace(db)
    good = await make_row(db, ws.id, dovecot.host, dovecot.port)
    moved = await make_row(db, ws.id, dovecot.host, dovecot.port, folder="Other")
    _copy(settings, "mailbox", "password", good.id, moved.id)
    out = await sync_mailbox(db, moved.id, _nothing)
    assert out.status == SyncStatus.ERROR
    assert out.error == "the stored password cannot be decrypted: set it again"
    assert (await reload(db, Mailbox, moved.id)).last_error == out.error
    assert any(
        moved.id in r.getMessage() and "another row" in r.getMessage() for r in caplog.records
    )

    async with receiving() as receiver:
        first = await make_endpoint(db, ws.id, receiver.url)
        second = await make_endpoint(db, ws.id, receiver.url)
        _copy(settings, "webhook_endpoint", "secret", first.id, second.id)
        activities = WebhookActivities(db, settings)
        ping = AttemptRequest("", second.id, new_id("evt"), ws.id, attempt=1, ping=True)
        result = await activities.deliver(ping)
        assert result.outcome == FAILED and "cannot be decrypted" in (result.error or "")
        assert receiver.hits == []  # nothing unsigned or wrongly signed went out
        ping = AttemptRequest("", first.id, new_id("evt"), ws.id, attempt=1, ping=True)
        assert (await activities.deliver(ping)).outcome == DELIVERED
