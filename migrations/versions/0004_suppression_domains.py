"""suppression domains: domain entries, a source for every entry, free-text reasons

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Existing rows keep their email and reason; their `source` is filled from the reason
(`bounced` -> bounce; `unsubscribed` -> reply when an opt-out reply from that address
is on record, else unsubscribe_link; anything else -> manual).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('suppression', schema=None) as batch_op:
        batch_op.add_column(sa.Column('domain', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True))
        batch_op.add_column(sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.alter_column('email',
               existing_type=sa.VARCHAR(length=320),
               nullable=True)
        batch_op.alter_column('reason',
               existing_type=sa.VARCHAR(length=40),
               type_=sqlmodel.sql.sqltypes.AutoString(length=200),
               existing_nullable=False)
        batch_op.create_index('ix_suppression_ws_created', ['workspace_id', 'created_at', 'id'], unique=False)
        batch_op.create_unique_constraint('uq_suppression_domain', ['workspace_id', 'domain'])

    # data: a source for every existing entry, from its reason
    op.execute("UPDATE suppression SET source = 'bounce' WHERE reason = 'bounced'")
    op.execute(
        "UPDATE suppression SET source = 'reply' WHERE reason = 'unsubscribed' AND EXISTS ("
        "SELECT 1 FROM reply WHERE reply.workspace_id = suppression.workspace_id"
        " AND reply.from_email = suppression.email AND reply.label = 'unsubscribe_request')"
    )
    op.execute(
        "UPDATE suppression SET source = 'unsubscribe_link'"
        " WHERE reason = 'unsubscribed' AND source IS NULL"
    )
    op.execute("UPDATE suppression SET source = 'manual' WHERE source IS NULL")

    with op.batch_alter_table('suppression', schema=None) as batch_op:
        batch_op.alter_column('source',
               existing_type=sqlmodel.sql.sqltypes.AutoString(length=20),
               nullable=False)


def downgrade() -> None:
    # Domain entries cannot be expressed before 0004: they go.
    op.execute("DELETE FROM suppression WHERE email IS NULL")
    op.execute("UPDATE suppression SET reason = substr(reason, 1, 40)")
    with op.batch_alter_table('suppression', schema=None) as batch_op:
        batch_op.drop_constraint('uq_suppression_domain', type_='unique')
        batch_op.drop_index('ix_suppression_ws_created')
        batch_op.alter_column('reason',
               existing_type=sqlmodel.sql.sqltypes.AutoString(length=200),
               type_=sa.VARCHAR(length=40),
               existing_nullable=False)
        batch_op.alter_column('email',
               existing_type=sa.VARCHAR(length=320),
               nullable=False)
        batch_op.drop_column('source')
        batch_op.drop_column('domain')
