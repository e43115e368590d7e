"""Secrets at rest against a real database (the suite's dialect), real IMAP (Dovecot) and
real webhook receivers on loopback."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from outreach.config import Settings
from outreach.db import make_sync_engine
from outreach.models import UTCDateTime, utcnow
from tests.conftest import _pg_database
from tests.replies.conftest import dovecot  # noqa: F401  (the session's IMAP server)

KEY_OLD = "old:" + base64.b64encode(b"o" * 32).decode()
KEY_NEW = "new:" + base64.b64encode(b"n" * 32).decode()
KEY_OTHER_UNDER_OLD_ID = "old:" + base64.b64encode(b"x" * 32).decode()

Fresh = Callable[[str], Settings]


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Fresh]:
    """One new, empty database of the suite's dialect for the test; `fresh(keys)` gives
    settings on it under those keys (as OUTREACH_ENCRYPTION_KEY would)."""
    base = os.environ.get("OUTREACH_DATABASE_URL")
    drop = None
    if base and base.startswith(("postgres", "postgresql")):
        url, drop = _pg_database(Settings(database_url=base).db_url)
    else:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    queue = f"test-{uuid.uuid4().hex[:8]}"

    def make(keys: str) -> Settings:
        return Settings(
            data_dir=tmp_path,
            database_url=url,
            encryption_key=keys,
            task_queue=queue,
            secret_key="test-secret-key",
            webhook_allow_private_targets=True,
        )

    yield make
    if drop:
        drop()


def stored(settings: Settings, table: str, column: str) -> dict[str, str]:
    """What the database holds in that column, by row id."""
    engine = make_sync_engine(settings)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(f"SELECT id, {column} FROM {table}"))
            return {r[0]: r[1] for r in rows}
    finally:
        engine.dispose()


def plaintext_in_database(settings: Settings, needles: list[str]) -> list[str]:
    """`table.column` of every stored value that contains one of `needles` (every column
    of every table, as text)."""
    found = []
    engine = make_sync_engine(settings)
    try:
        with engine.connect() as conn:
            for name in sa.inspect(conn).get_table_names():
                table = sa.Table(name, sa.MetaData(), autoload_with=conn)
                for row in conn.execute(sa.select(table)):
                    for column, value in row._mapping.items():
                        if any(n in str(value) for n in needles):
                            found.append(f"{name}.{column}")
    finally:
        engine.dispose()
    return found


def insert_plaintext_rows(
    settings: Settings, *, mailbox: dict[str, object], endpoint: dict[str, object]
) -> str:
    """A workspace, a mailbox and a webhook endpoint written as a release before 0008 did
    (plaintext password and secret); returns the workspace id."""
    ws_id = f"ws_{uuid.uuid4().hex[:12]}"
    now = utcnow()
    ts = UTCDateTime()
    workspace = sa.table(
        "workspace",
        sa.column("id"),
        sa.column("name"),
        sa.column("plan"),
        sa.column("created_at", ts),
    )
    mbx = sa.table(
        "mailbox",
        *(
            sa.column(c)
            for c in (
                "id",
                "workspace_id",
                "host",
                "port",
                "security",
                "username",
                "password",
                "folder",
                "enabled",
                "sync_existing",
                "last_uid",
            )
        ),
        sa.column("created_at", ts),
        sa.column("updated_at", ts),
    )
    whk = sa.table(
        "webhook_endpoint",
        *(
            sa.column(c)
            for c in (
                "id",
                "workspace_id",
                "url",
                "enabled",
                "secret",
            )
        ),
        sa.column("events", sa.JSON()),
        sa.column("created_at", ts),
        sa.column("updated_at", ts),
    )
    engine = make_sync_engine(settings)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.insert(workspace).values(id=ws_id, name="Old", plan="pro", created_at=now)
            )
            conn.execute(
                sa.insert(mbx).values(
                    workspace_id=ws_id,
                    folder="INBOX",
                    enabled=True,
                    sync_existing=True,
                    last_uid=0,
                    created_at=now,
                    updated_at=now,
                    **mailbox,
                )
            )
            conn.execute(
                sa.insert(whk).values(
                    workspace_id=ws_id,
                    enabled=True,
                    events=["*"],
                    created_at=now,
                    updated_at=now,
                    **endpoint,
                )
            )
    finally:
        engine.dispose()
    return ws_id
