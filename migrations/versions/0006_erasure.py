"""erasure: hashed suppression entries, the lead and reply an event shows

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

`suppression.email_hash` (SHA-256 hex of the normalised address) keeps an erased person's
address suppressed without naming it. `event.lead_id` / `event.reply_id` (indexed) say whose event it is, so erasing a lead deletes its events without reading
JSON; existing rows are filled from their `data` (`lead.id`, `reply.id` or `replyId`),
where that lead or reply still exists.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json_text(dialect: str, path: tuple[str, ...]) -> str:
    """SQL: the text at `path` in event.data (NULL when missing)."""
    if dialect == "postgresql":
        inner = "".join(f"->'{key}'" for key in path[:-1])
        return f"(data{inner}->>'{path[-1]}')"
    return f"json_extract(data, '$.{'.'.join(path)}')"


def upgrade() -> None:
    with op.batch_alter_table('suppression', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_suppression_hash', ['workspace_id', 'email_hash'])

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lead_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('reply_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_event_lead_id'), ['lead_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_reply_id'), ['reply_id'], unique=False)

    # data: the lead and the reply each existing event shows
    dialect = op.get_bind().dialect.name
    lead = _json_text(dialect, ("lead", "id"))
    reply = f"COALESCE({_json_text(dialect, ('reply', 'id'))}, {_json_text(dialect, ('replyId',))})"
    op.execute(f"UPDATE event SET lead_id = {lead} WHERE {lead} IN (SELECT id FROM lead)")
    op.execute(f"UPDATE event SET reply_id = {reply} WHERE {reply} IN (SELECT id FROM reply)")


def downgrade() -> None:
    # A hashed entry has no address to go back to: it goes.
    op.execute("DELETE FROM suppression WHERE email IS NULL AND domain IS NULL")
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_reply_id'))
        batch_op.drop_index(batch_op.f('ix_event_lead_id'))
        batch_op.drop_column('reply_id')
        batch_op.drop_column('lead_id')

    with op.batch_alter_table('suppression', schema=None) as batch_op:
        batch_op.drop_constraint('uq_suppression_hash', type_='unique')
        batch_op.drop_column('email_hash')
