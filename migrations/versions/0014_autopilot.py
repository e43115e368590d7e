"""autopilot: the campaign's `autopilot` settings (JSON) and `autopilot_run`, one row per
run of a campaign's autopilot

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from outreach.models import UTCDateTime

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, never batch_alter_table (migration 0011 says why).
    op.add_column('campaign', sa.Column('autopilot', sa.JSON(), nullable=True))
    op.create_table(
        'autopilot_run',
        sa.Column('id', sa.String(40), primary_key=True),
        sa.Column('workspace_id', sa.String(40), sa.ForeignKey('workspace.id'), nullable=False),
        sa.Column('campaign_id', sa.String(40), sa.ForeignKey('campaign.id'), nullable=False),
        sa.Column('trigger', sa.String(20), nullable=False),
        sa.Column('status', sa.String(20), nullable=False),
        sa.Column('day', sa.String(10), nullable=True),
        sa.Column('quota', sa.Integer(), nullable=False),
        sa.Column('discovered', sa.Integer(), nullable=False),
        sa.Column('enriched', sa.Integer(), nullable=False),
        sa.Column('enrolled', sa.Integer(), nullable=False),
        sa.Column('drafted', sa.Integer(), nullable=False),
        sa.Column('errors', sa.JSON(), nullable=False),
        sa.Column('note', sa.String(300), nullable=True),
        sa.Column('discovery_run_id', sa.String(40), nullable=True),
        sa.Column('started_at', UTCDateTime(), nullable=False),
        sa.Column('finished_at', UTCDateTime(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
    )
    op.create_index(
        'ix_aprun_campaign_created', 'autopilot_run', ['campaign_id', 'created_at', 'id']
    )
    op.create_index('ix_aprun_campaign_day', 'autopilot_run', ['campaign_id', 'day'])


def downgrade() -> None:
    op.drop_index('ix_aprun_campaign_day', 'autopilot_run')
    op.drop_index('ix_aprun_campaign_created', 'autopilot_run')
    op.drop_table('autopilot_run')
    op.drop_column('campaign', 'autopilot')
