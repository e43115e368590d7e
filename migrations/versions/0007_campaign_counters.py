"""campaign counters: counter_delta, campaign_counter, campaign_daily, their triggers; lead
list indexes for status and campaign-with-status filters

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

The triggers of lead, send and reply write every change of a counted row as deltas
(outreach/campaigns/counters.py, version 1). Existing rows are counted once here: replies
get the step they answer (their send's, else the lead's current step), then the counters
are filled from a recount. On SQLite a later batch_alter_table on lead, send or reply
recreates the table without its triggers: such a migration must install them again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from outreach.campaigns import counters


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('counter_delta',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('sender', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('day', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('metric', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_counter_delta_campaign', 'counter_delta', ['campaign_id', 'day'], unique=False)
    op.create_table('campaign_counter',
    sa.Column('campaign_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('sender', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('metric', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('campaign_id', 'step', 'sender', 'metric')
    )
    op.create_table('campaign_daily',
    sa.Column('campaign_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('day', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('metric', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('campaign_id', 'day', 'metric')
    )
    op.add_column('reply', sa.Column('step_position', sa.Integer(), nullable=True))
    # GET /leads filtered by status, or by campaign and status, newest first, at scale
    op.drop_index('ix_lead_ws_status', table_name='lead')
    op.create_index('ix_lead_ws_status', 'lead', ['workspace_id', 'status', 'created_at', 'id'], unique=False)
    op.create_index('ix_lead_campaign_status', 'lead', ['campaign_id', 'status', 'created_at', 'id'], unique=False)

    # data: the step each matched reply answers, then the counters from the rows
    op.execute(
        "UPDATE reply SET step_position = (SELECT send.step_position FROM send "
        "WHERE send.id = reply.send_id) WHERE send_id IS NOT NULL"
    )
    op.execute(
        "UPDATE reply SET step_position = (SELECT lead.current_step FROM lead "
        "WHERE lead.id = reply.lead_id) WHERE step_position IS NULL AND lead_id IS NOT NULL"
    )
    dialect = op.get_bind().dialect.name
    for stmt in counters.backfill_sql(dialect):
        op.execute(stmt)
    if dialect == "postgresql":
        # a queue-like table (every row is deleted within a minute): keep it vacuumed and
        # its statistics fresh, so reads use its index
        op.execute(
            "ALTER TABLE counter_delta SET (autovacuum_vacuum_scale_factor = 0, "
            "autovacuum_vacuum_threshold = 5000, autovacuum_analyze_scale_factor = 0, "
            "autovacuum_analyze_threshold = 5000)"
        )
    create, _ = counters.trigger_ddl(dialect, version=1)
    for stmt in create:
        op.execute(stmt)


def downgrade() -> None:
    _, drop = counters.trigger_ddl(op.get_bind().dialect.name, version=1)
    for stmt in drop:
        op.execute(stmt)
    op.drop_index('ix_lead_campaign_status', table_name='lead')
    op.drop_index('ix_lead_ws_status', table_name='lead')
    op.create_index('ix_lead_ws_status', 'lead', ['workspace_id', 'status'], unique=False)
    op.drop_column('reply', 'step_position')
    op.drop_table('campaign_daily')
    op.drop_table('campaign_counter')
    op.drop_index('ix_counter_delta_campaign', table_name='counter_delta')
    op.drop_table('counter_delta')
