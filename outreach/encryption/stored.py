"""The stored secrets against the configured keys: the start-up check (api, worker,
migrate) and the re-encryption behind `outreach admin rotate-encryption-key`.

Both read every encrypted column (a few rows per workspace: mailboxes and webhook
endpoints), over a sync connection.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from outreach.encryption.crypto import (
    DecryptError,
    EncryptionError,
    Keyring,
    key_id_of,
)
from outreach.encryption.fields import (
    CHECK_ID,
    CHECK_TEXT,
    CHECK_VALUE,
    SECRET_COLUMNS,
    SecretColumn,
)

if TYPE_CHECKING:
    from outreach.config import Settings

ROTATE_BATCH = 200
ROTATE_HINT = (
    "when rotating, keep the old key after the new one (OUTREACH_ENCRYPTION_KEY=<new>,<old>) "
    "until `outreach admin rotate-encryption-key` has run"
)


class KeyMismatch(EncryptionError):
    """The configured keys cannot read what is stored."""


def _table(column: SecretColumn) -> sa.TableClause:
    return sa.table(column.table, sa.column("id"), sa.column(column.column))


def _values(conn: Connection, column: SecretColumn) -> list[tuple[str, str]]:
    """The column's stored secrets (an optional one may be empty; a column a later
    migration adds is not there yet on a database not migrated that far)."""
    names = {c["name"] for c in sa.inspect(conn).get_columns(column.table)}
    if column.column not in names:
        return []
    t = _table(column)
    value = t.c[column.column]
    rows = conn.execute(sa.select(t.c.id, value).where(value.is_not(None)).order_by(t.c.id))
    return [(row[0], row[1]) for row in rows]


def has_check_table(conn: Connection) -> bool:
    return sa.inspect(conn).has_table(CHECK_VALUE.table)


def write_check(conn: Connection, keyring: Keyring) -> None:
    t = _table(CHECK_VALUE)
    conn.execute(sa.delete(t).where(t.c.id == CHECK_ID))
    conn.execute(
        sa.insert(t).values(id=CHECK_ID, value=CHECK_VALUE.seal(keyring, CHECK_ID, CHECK_TEXT))
    )


@dataclass
class Inventory:
    """Which key ids the stored secrets are under."""

    by_kid: Counter[str] = field(default_factory=Counter)
    plaintext: int = 0
    # One (column, row id, value) per key id, to try opening.
    samples: dict[str, tuple[SecretColumn, str, str]] = field(default_factory=dict)


def inventory(conn: Connection) -> Inventory:
    inv = Inventory()
    for column in SECRET_COLUMNS:
        for row_id, value in _values(conn, column):
            kid = key_id_of(value or "")
            if kid is None:
                inv.plaintext += 1
                continue
            inv.by_kid[kid] += 1
            inv.samples.setdefault(kid, (column, row_id, value))
    return inv


def check(conn: Connection, keyring: Keyring, source: str) -> Inventory:
    """Refuse (KeyMismatch, a sentence for the operator) unless the keys open what is
    stored: every key id in use is configured, and the check value and a value under each
    key id open."""
    inv = inventory(conn)
    if inv.plaintext:
        raise KeyMismatch(
            f"{inv.plaintext} stored secret(s) are not encrypted: run `outreach migrate`"
        )
    missing = sorted(k for k in inv.by_kid if keyring.get(k) is None)
    if missing:
        count = sum(inv.by_kid[k] for k in missing)
        raise KeyMismatch(
            f"{count} stored secret(s) are encrypted under key id(s) {', '.join(missing)}, "
            f"which {source} does not hold (it holds {', '.join(keyring.kids)}): configure "
            f"the key they were encrypted with; {ROTATE_HINT}"
        )
    check_value = dict(_values(conn, CHECK_VALUE)).get(CHECK_ID)
    samples = list(inv.samples.items())
    if check_value is not None:  # first: the one value every database has
        samples.insert(0, (key_id_of(check_value) or "?", (CHECK_VALUE, CHECK_ID, check_value)))
    for kid, (column, row_id, value) in samples:
        try:
            column.open(keyring, row_id, value)
        except DecryptError:
            what = "the stored secrets" if column == CHECK_VALUE else f"{column.name} of {row_id}"
            raise KeyMismatch(
                f"wrong encryption key: {source}'s key '{kid}' does not decrypt {what} (a "
                "different key under the same id?): configure the key they were encrypted with"
            ) from None
    if check_value is None:
        write_check(conn, keyring)
    return inv


def verify(settings: Settings, *, require_keys: bool = True) -> None:
    """The start-up check of the api, the worker and `outreach migrate`: the keys load and
    open what is stored. A database whose migrations are behind (no check table yet) is
    left to `/readyz` and `outreach migrate`; `require_keys=False` (before migrating) then
    does not even load the keys."""
    from outreach.db import make_sync_engine
    from outreach.encryption.keys import describe_source

    keyring = settings.keyring() if require_keys else None
    engine = make_sync_engine(settings)
    try:
        with engine.begin() as conn:
            if has_check_table(conn):
                check(conn, keyring or settings.keyring(), describe_source(settings))
    finally:
        engine.dispose()


def rotate(settings: Settings) -> dict[str, Any]:
    """Re-encrypt every stored secret under the current key (idempotent). A row changed
    meanwhile (a new password saved) is left as it was: it is counted, and already under
    whatever key its writer used; run again to pick it up."""
    from outreach.db import make_sync_engine
    from outreach.encryption.keys import describe_source

    keyring = settings.keyring()
    current = keyring.current.kid
    engine = make_sync_engine(settings)
    columns: dict[str, dict[str, int]] = {}
    try:
        with engine.begin() as conn:
            if not has_check_table(conn):
                raise EncryptionError("the database is not migrated: run `outreach migrate`")
            check(conn, keyring, describe_source(settings))
        for column in SECRET_COLUMNS:
            with engine.connect() as conn:
                rows = _values(conn, column)
            counts = {"reencrypted": 0, "alreadyCurrent": 0, "changedMeanwhile": 0}
            for start in range(0, len(rows), ROTATE_BATCH):
                with engine.begin() as conn:
                    for row_id, value in rows[start : start + ROTATE_BATCH]:
                        counts[_rotate_one(conn, keyring, column, row_id, value)] += 1
            columns[column.name] = counts
        with engine.connect() as conn:
            in_use = inventory(conn).by_kid
    finally:
        engine.dispose()
    return {
        "currentKeyId": current,
        "reencrypted": sum(c["reencrypted"] for c in columns.values()),
        "columns": columns,
        "keyIdsInUse": sorted(in_use),
        "removableKeyIds": [k for k in keyring.kids if k not in in_use],
    }


def _rotate_one(
    conn: Connection, keyring: Keyring, column: SecretColumn, row_id: str, value: str
) -> str:
    if key_id_of(value) == keyring.current.kid:
        return "alreadyCurrent"
    fresh = column.seal(keyring, row_id, column.open(keyring, row_id, value))
    t = _table(column)
    col = t.c[column.column]
    done = conn.execute(
        sa.update(t).where(t.c.id == row_id, col == value).values({column.column: fresh})
    )
    return "reencrypted" if done.rowcount == 1 else "changedMeanwhile"
