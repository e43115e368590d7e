"""encrypted secrets: mailbox passwords and webhook secrets sealed with AES-256-GCM

Widens the two columns for their sealed form, adds `webhook_endpoint.secret_hint` (the
`whsec_...` + last 4 characters the API shows, so listing endpoints never opens a secret)
and the `encryption_check` table, then seals every plaintext value under the current key
(the same keys the app loads: outreach/encryption/keys.py). A value that is already sealed
and opens is left alone. Downgrade opens them again (it needs the keys too). On SQLite the
column changes rebuild the tables, with foreign keys off meanwhile (migrations/env.py).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import context, op

from outreach.encryption.crypto import DecryptError, Keyring, key_id_of
from outreach.encryption.fields import MAILBOX_PASSWORD, WEBHOOK_SECRET, SecretColumn
from outreach.encryption.stored import write_check

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HINT_PREFIX = "whsec_"


def _keyring() -> Keyring:
    settings = context.config.attributes.get("settings")
    if settings is None:
        from outreach.config import Settings

        settings = Settings()
    return settings.keyring()


def _rows(column: SecretColumn) -> list[tuple[str, str]]:
    t = sa.table(column.table, sa.column("id"), sa.column(column.column))
    return [tuple(r) for r in op.get_bind().execute(sa.select(t.c.id, t.c[column.column]))]


def _sealed(keyring: Keyring, column: SecretColumn, row_id: str, value: str) -> bool:
    if key_id_of(value) is None:
        return False
    try:
        column.open(keyring, row_id, value)
    except DecryptError as exc:
        raise DecryptError(f"{exc}; configure the key it was encrypted with") from None
    return True


def _to_seal(keyring: Keyring, column: SecretColumn) -> list[tuple[str, str]]:
    """(row id, plaintext) of every value not sealed yet."""
    return [
        (row_id, value)
        for row_id, value in _rows(column)
        if not _sealed(keyring, column, row_id, value)
    ]


def upgrade() -> None:
    # Everything that can refuse comes before the first change (SQLite commits DDL as it
    # goes): the keys, and any stored value already sealed under another key.
    keyring = _keyring()
    passwords = _to_seal(keyring, MAILBOX_PASSWORD)
    secrets = _to_seal(keyring, WEBHOOK_SECRET)
    op.create_table(
        'encryption_check',
        sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('mailbox') as batch:
        batch.alter_column(
            'password',
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=500),
            type_=sqlmodel.sql.sqltypes.AutoString(length=3000),
            existing_nullable=False,
        )
    with op.batch_alter_table('webhook_endpoint') as batch:
        batch.alter_column(
            'secret',
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=200),
            type_=sqlmodel.sql.sqltypes.AutoString(length=1200),
            existing_nullable=False,
        )
        batch.add_column(
            sa.Column(
                'secret_hint',
                sqlmodel.sql.sqltypes.AutoString(length=40),
                nullable=False,
                server_default='',
            )
        )
    bind = op.get_bind()
    mailbox = sa.table('mailbox', sa.column('id'), sa.column('password'))
    for row_id, password in passwords:
        bind.execute(
            sa.update(mailbox)
            .where(mailbox.c.id == row_id)
            .values(password=MAILBOX_PASSWORD.seal(keyring, row_id, password))
        )
    endpoint = sa.table(
        'webhook_endpoint', sa.column('id'), sa.column('secret'), sa.column('secret_hint')
    )
    for row_id, secret in secrets:
        bind.execute(
            sa.update(endpoint)
            .where(endpoint.c.id == row_id)
            .values(
                secret=WEBHOOK_SECRET.seal(keyring, row_id, secret),
                secret_hint=f"{HINT_PREFIX}...{secret[-4:]}",
            )
        )
    write_check(bind, keyring)


def downgrade() -> None:
    keyring = _keyring()
    bind = op.get_bind()
    for column in (MAILBOX_PASSWORD, WEBHOOK_SECRET):
        t = sa.table(column.table, sa.column("id"), sa.column(column.column))
        for row_id, value in _rows(column):
            if key_id_of(value) is not None:
                bind.execute(
                    sa.update(t)
                    .where(t.c.id == row_id)
                    .values({column.column: column.open(keyring, row_id, value)})
                )
    with op.batch_alter_table("webhook_endpoint") as batch:
        batch.drop_column("secret_hint")
        batch.alter_column(
            "secret",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=1200),
            type_=sqlmodel.sql.sqltypes.AutoString(length=200),
            existing_nullable=False,
        )
    with op.batch_alter_table("mailbox") as batch:
        batch.alter_column(
            "password",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=3000),
            type_=sqlmodel.sql.sqltypes.AutoString(length=500),
            existing_nullable=False,
        )
    op.drop_table("encryption_check")
