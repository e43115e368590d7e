"""A wrong, unknown or malformed key stops `outreach migrate`, `outreach api` and
`outreach worker` with one clear line; rotating re-encrypts everything, after which the
old key can go."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from gidgethub.sansio import validate_event

from activities.webhooks import WebhookActivities
from api.main import create_app
from outreach.config import Settings
from outreach.db import Database
from outreach.encryption.crypto import parse_keys
from outreach.encryption.fields import (
    MAILBOX_PASSWORD,
    MAILBOX_SMTP_PASSWORD,
    WEBHOOK_SECRET,
    seal_mailbox_password,
    seal_smtp_password,
    seal_webhook_secret,
)
from outreach.encryption.stored import KeyMismatch, verify
from outreach.ids import new_id
from outreach.migrate import upgrade
from outreach.models import Mailbox, WebhookEndpoint
from outreach.webhooks.policy import DELIVERED, AttemptRequest
from outreach.webhooks.signing import new_secret
from tests.encryption.conftest import KEY_NEW, KEY_OLD, KEY_OTHER_UNDER_OLD_ID, Fresh, stored
from tests.helpers import make_workspace
from tests.webhooks.receiver import receiving

OUTREACH = str(Path(sys.executable).parent / "outreach")


def cli(settings: Settings, keys: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "OUTREACH_DATABASE_URL": settings.db_url,
        "OUTREACH_DATA_DIR": str(settings.data_dir),
        "OUTREACH_ENCRYPTION_KEY": keys,
        "TEMPORAL_ADDRESS": "127.0.0.1:1",  # nothing is reached before the check
        "OUTREACH_METRICS_PORT": "0",
    }
    return subprocess.run([OUTREACH, *args], env=env, capture_output=True, text=True, timeout=60)


async def seeded(settings: Settings) -> tuple[str, dict[str, str], dict[str, str]]:
    """Two mailboxes and a webhook sealed under the settings' current key: (workspace id,
    passwords by mailbox id, secrets by endpoint id)."""
    db = Database(settings)
    keyring = settings.keyring()
    passwords, secrets = {}, {}
    try:
        ws = await make_workspace(db)
        async with db.session() as s:
            for n in range(2):
                mbx_id, password = new_id("mbx"), f"imap-password-{n}"
                passwords[mbx_id] = password
                s.add(
                    Mailbox(
                        id=mbx_id,
                        workspace_id=ws.id,
                        host="imap.example.com",
                        username=f"u{n}",
                        folder=f"F{n}",
                        password=seal_mailbox_password(keyring, mbx_id, password),
                        # the first one sends too: its SMTP password is sealed beside
                        smtp_host="smtp.example.com" if n == 0 else None,
                        smtp_password=(
                            seal_smtp_password(keyring, mbx_id, f"smtp-{password}")
                            if n == 0
                            else None
                        ),
                    )
                )
            whk_id, secret = new_id("whk"), new_secret()
            secrets[whk_id] = secret
            s.add(
                WebhookEndpoint(
                    id=whk_id,
                    workspace_id=ws.id,
                    url="http://127.0.0.1:9/x",
                    events=["*"],
                    secret=seal_webhook_secret(keyring, whk_id, secret),
                )
            )
            await s.commit()
    finally:
        await db.dispose()
    return ws.id, passwords, secrets


def one_error_line(done: subprocess.CompletedProcess[str], *phrases: str) -> str:
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if "error" in line.lower()]
    assert len(lines) == 1, done.stderr
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    for key in (KEY_OLD, KEY_NEW, KEY_OTHER_UNDER_OLD_ID):
        assert key.split(":")[1] not in done.stderr
    return lines[0]


@pytest.mark.parametrize("command", [["migrate"], ["api", "--port", "1"], ["worker"]])
async def test_a_wrong_key_refuses_to_start(fresh: Fresh, command: list[str]) -> None:
    settings = fresh(KEY_OLD)
    upgrade(settings)
    await seeded(settings)
    one_error_line(
        cli(settings, KEY_OTHER_UNDER_OLD_ID, *command),
        "wrong encryption key",
        "OUTREACH_ENCRYPTION_KEY's key 'old' does not decrypt the stored secrets",
    )


async def test_an_unknown_or_malformed_key_refuses_to_start(fresh: Fresh) -> None:
    settings = fresh(KEY_OLD)
    upgrade(settings)
    one_error_line(
        cli(settings, KEY_NEW, "migrate"),
        "1 stored secret(s) are encrypted under key id(s) old, which "
        "OUTREACH_ENCRYPTION_KEY does not hold (it holds new)",
    )
    one_error_line(cli(settings, "old:c2hvcnQ=", "api"), "key 1 is not the base64 of 32")
    # The API's lifespan refuses too (uvicorn started without the CLI).
    app = create_app(fresh(KEY_NEW))
    with pytest.raises(KeyMismatch):
        async with app.router.lifespan_context(app):
            pass


async def test_rotation_re_encrypts_everything_and_the_old_key_can_go(fresh: Fresh) -> None:
    old = fresh(KEY_OLD)
    upgrade(old)
    ws_id, passwords, secrets = await seeded(old)

    # The new key alone, before rotating: refused, with the procedure.
    with pytest.raises(KeyMismatch, match="under key id\\(s\\) old.*rotate-encryption-key"):
        verify(fresh(KEY_NEW))

    both = f"{KEY_NEW},{KEY_OLD}"
    verify(fresh(both))
    done = cli(old, both, "admin", "rotate-encryption-key")
    assert done.returncode == 0, done.stderr
    counts = {"reencrypted": 0, "alreadyCurrent": 0, "changedMeanwhile": 0}
    assert json.loads(done.stdout) == {
        "currentKeyId": "new",
        "reencrypted": 5,
        "columns": {
            "encryption_check.value": {**counts, "reencrypted": 1},
            "mailbox.password": {**counts, "reencrypted": 2},
            "mailbox.smtp_password": {**counts, "reencrypted": 1},  # (the other has none)
            "webhook_endpoint.secret": {**counts, "reencrypted": 1},
        },
        "keyIdsInUse": ["new"],
        "removableKeyIds": ["old"],
    }
    again = json.loads(cli(old, both, "admin", "rotate-encryption-key").stdout)
    assert again["reencrypted"] == 0
    assert again["columns"]["mailbox.password"]["alreadyCurrent"] == 2

    # The old key removed: everything opens with the new one alone.
    new = fresh(KEY_NEW)
    verify(new)
    ring = new.keyring()
    for mbx_id, value in stored(new, "mailbox", "password").items():
        assert value.startswith("enc:v1:new:")
        assert MAILBOX_PASSWORD.open(ring, mbx_id, value) == passwords[mbx_id]
    for mbx_id, value in stored(new, "mailbox", "smtp_password").items():
        if value is not None:
            assert MAILBOX_SMTP_PASSWORD.open(ring, mbx_id, value) == f"smtp-{passwords[mbx_id]}"
    for whk_id, value in stored(new, "webhook_endpoint", "secret").items():
        assert WEBHOOK_SECRET.open(ring, whk_id, value) == secrets[whk_id]
    with pytest.raises(KeyMismatch, match="under key id\\(s\\) new"):
        verify(fresh(KEY_OLD))

    # A delivery signs with the secret as first shown.
    [(whk_id, secret)] = secrets.items()
    db = Database(new)
    try:
        async with receiving() as receiver:
            async with db.session() as s:
                endpoint = await s.get(WebhookEndpoint, whk_id)
                assert endpoint is not None
                endpoint.url = receiver.url
                await s.commit()
            request = AttemptRequest("", whk_id, new_id("evt"), ws_id, attempt=1, ping=True)
            assert (await WebhookActivities(db, new).deliver(request)).outcome == DELIVERED
            [hit] = receiver.hits
            validate_event(hit.body, signature=hit.headers["x-pms-signature"], secret=secret)
    finally:
        await db.dispose()


def test_generate_encryption_key_prints_a_usable_key(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    done = cli(settings, "", "admin", "generate-encryption-key")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert parse_keys(out["key"], "printed").kids == (out["keyId"],)
