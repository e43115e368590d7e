"""discovery runs and lead source: `discovery_run` (one row per `POST
/campaigns/{id}/discover` or autopilot child run: its input, status, counts and every
candidate's outcome, as JSON) and `lead.source` (api | bulk | discovery | autopilot;
existing leads are `api`)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, never batch_alter_table: on SQLite that rebuilds `lead` and drops
    # its counter triggers (migration 0007).
    op.add_column(
        'lead',
        sa.Column('source', sa.String(length=20), nullable=False, server_default='api'),
    )
    op.create_table(
        'discovery_run',
        sa.Column('id', sa.String(length=40), primary_key=True),
        sa.Column('workspace_id', sa.String(length=40), sa.ForeignKey('workspace.id'), nullable=False),
        sa.Column('campaign_id', sa.String(length=40), sa.ForeignKey('campaign.id'), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('trigger', sa.String(length=20), nullable=False),
        sa.Column('icp', sa.Text(), nullable=True),
        sa.Column('domains', sa.JSON(), nullable=False),
        sa.Column('max_leads', sa.Integer(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('companies', sa.JSON(), nullable=False),
        sa.Column('candidates', sa.JSON(), nullable=False),
        sa.Column('queries', sa.JSON(), nullable=False),
        sa.Column('error', sa.String(length=500), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
    )
    op.create_index(
        'ix_discovery_run_ws_created', 'discovery_run', ['workspace_id', 'created_at', 'id']
    )


def downgrade() -> None:
    op.drop_index('ix_discovery_run_ws_created', table_name='discovery_run')
    op.drop_table('discovery_run')
    op.drop_column('lead', 'source')
