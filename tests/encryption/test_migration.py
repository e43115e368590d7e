"""Migration 0008 on rows a release before it wrote: plaintext in, ciphertext out, and the
IMAP login and the webhook signature still work with the same secrets."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from gidgethub.sansio import validate_event

from activities.webhooks import WebhookActivities
from outreach.db import Database, make_sync_engine
from outreach.encryption.crypto import KeyConfigError
from outreach.ids import new_id
from outreach.inbound.status import SyncStatus
from outreach.inbound.sync import sync_mailbox
from outreach.migrate import downgrade, upgrade
from outreach.models import Reply, utcnow
from outreach.webhooks.policy import DELIVERED, AttemptRequest
from outreach.webhooks.signing import new_secret
from tests.encryption.conftest import (
    KEY_OLD,
    Fresh,
    insert_plaintext_rows,
    plaintext_in_database,
    stored,
)
from tests.replies.conftest import Dovecot
from tests.replies.helpers import message
from tests.webhooks.receiver import receiving


def revision(settings) -> str | None:
    engine = make_sync_engine(settings)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def point_at(settings, ws_id: str, mbx_id: str, whk_id: str) -> None:
    """A delivery of an event to the endpoint and a reply from the mailbox, as before 0008."""
    now = utcnow().replace(tzinfo=None)
    params = {"ws": ws_id, "mbx": mbx_id, "whk": whk_id, "now": now}
    engine = make_sync_engine(settings)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO event (id, workspace_id, type, data, dedupe_key, created_at) "
                    "VALUES ('evt_m8', :ws, 'lead.created', '{}', 'm8', :now)"
                ),
                params,
            )
            conn.execute(
                sa.text(
                    "INSERT INTO webhook_delivery (id, workspace_id, endpoint_id, event_id, "
                    "event_type, workflow_id, status, attempt_count, created_at, updated_at) "
                    "VALUES ('dlv_m8', :ws, :whk, 'evt_m8', 'lead.created', 'wf-m8', "
                    "'delivered', 1, :now, :now)"
                ),
                params,
            )
            conn.execute(
                sa.text(
                    "INSERT INTO reply (id, workspace_id, mailbox_id, source, kind, message_id, "
                    "from_email, subject, body_text, headers, bounce, raw_size, truncated, "
                    "status, reasons, needs_action, received_at, created_at) VALUES "
                    "('reply_m8', :ws, :mbx, 'imap', 'reply', '<m8@example.org>', "
                    "'a@example.org', 's', 'b', '{}', NULL, 1, false, 'received', '[]', "
                    "false, :now, :now)"
                ),
                params,
            )
    finally:
        engine.dispose()


async def _nothing(reply: Reply) -> None:
    return None


async def test_0008_encrypts_stored_secrets_and_they_still_work(
    fresh: Fresh, dovecot: Dovecot
) -> None:
    settings = fresh(KEY_OLD)
    upgrade(settings, "0007")
    user, password = dovecot.add_user()
    secret = new_secret()
    mbx_id, whk_id = new_id("mbx"), new_id("whk")
    async with receiving() as receiver:
        ws_id = insert_plaintext_rows(
            settings,
            mailbox={
                "id": mbx_id,
                "host": dovecot.host,
                "port": dovecot.port,
                "security": "none",
                "username": user,
                "password": password,
            },
            endpoint={"id": whk_id, "url": receiver.url + "/hook", "secret": secret},
        )
        assert plaintext_in_database(settings, [password, secret]) != []
        point_at(settings, ws_id, mbx_id, whk_id)

        upgrade(settings, "0008")
        assert revision(settings) == "0008"
        upgrade(settings)  # and whatever later migrations keep it so
        assert stored(settings, "mailbox", "password")[mbx_id].startswith("enc:v1:old:")
        assert stored(settings, "webhook_endpoint", "secret")[whk_id].startswith("enc:v1:old:")
        assert stored(settings, "webhook_endpoint", "secret_hint")[whk_id] == (
            "whsec_..." + secret[-4:]
        )
        assert stored(settings, "encryption_check", "value")["check"].startswith("enc:v1:old:")
        assert plaintext_in_database(settings, [password, secret]) == []
        # The rows pointing at the rebuilt tables are all there (SQLite rebuilds them).
        assert len(stored(settings, "webhook_delivery", "endpoint_id")) == 1
        assert len(stored(settings, "reply", "mailbox_id")) == 1

        db = Database(settings)
        try:
            dovecot.append(user, password, "INBOX", message(sender="pat@example.org", body="Hi"))
            out = await sync_mailbox(db, mbx_id, _nothing)
            assert (out.status, out.error, out.stored) == (SyncStatus.OK, None, 1)

            request = AttemptRequest("", whk_id, new_id("evt"), ws_id, attempt=1, ping=True)
            result = await WebhookActivities(db, settings).deliver(request)
            assert result.outcome == DELIVERED, result
            [hit] = receiver.hits
            validate_event(hit.body, signature=hit.headers["x-pms-signature"], secret=secret)
        finally:
            await db.dispose()

    # Down and up again: the plaintext comes back, then is sealed again (fresh nonces).
    before = stored(settings, "mailbox", "password")[mbx_id]
    downgrade(settings, "0007")
    assert stored(settings, "mailbox", "password")[mbx_id] == password
    assert stored(settings, "webhook_endpoint", "secret")[whk_id] == secret
    upgrade(settings)
    again = stored(settings, "mailbox", "password")[mbx_id]
    assert again.startswith("enc:v1:old:") and again != before


def test_0008_without_a_usable_key_changes_nothing(fresh: Fresh) -> None:
    settings = fresh(KEY_OLD)
    upgrade(settings, "0007")
    mbx_id, whk_id = new_id("mbx"), new_id("whk")
    insert_plaintext_rows(
        settings,
        mailbox={
            "id": mbx_id,
            "host": "imap.example.com",
            "port": 993,
            "security": "tls",
            "username": "u",
            "password": "pw-before",
        },
        endpoint={"id": whk_id, "url": "https://hooks.example.com/x", "secret": "whsec_x"},
    )
    broken = fresh("not-a-key")
    with pytest.raises(KeyConfigError, match="OUTREACH_ENCRYPTION_KEY: key 1 is not the base64"):
        upgrade(broken)
    assert revision(settings) == "0007"
    assert stored(settings, "mailbox", "password") == {mbx_id: "pw-before"}
