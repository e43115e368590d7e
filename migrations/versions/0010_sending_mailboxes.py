"""sending mailboxes: SMTP settings, limits, ramp, status and send slots on `mailbox`; a
campaign's mailboxes and rotation; a lead's pinned mailbox and slot; a send's mailbox

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import outreach.models

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S = sqlmodel.sql.sqltypes.AutoString

MAILBOX_COLUMNS = [
    sa.Column('email', _S(length=320), nullable=True),
    sa.Column('from_name', _S(length=200), nullable=True),
    sa.Column('reply_to', _S(length=320), nullable=True),
    sa.Column('signature', _S(), nullable=True),
    sa.Column('timezone', _S(length=64), server_default='UTC', nullable=False),
    sa.Column('smtp_host', _S(length=255), nullable=True),
    sa.Column('smtp_port', sa.Integer(), nullable=True),
    sa.Column('smtp_tls', _S(length=20), nullable=True),
    sa.Column('smtp_username', _S(length=320), nullable=True),
    sa.Column('smtp_password', _S(length=3000), nullable=True),
    sa.Column('daily_limit', sa.Integer(), server_default='30', nullable=False),
    sa.Column('min_gap_seconds', sa.Integer(), server_default='300', nullable=False),
    sa.Column('warmup_start_per_day', sa.Integer(), nullable=True),
    sa.Column('warmup_increase_per_day', sa.Integer(), nullable=True),
    sa.Column('warmup_started_on', sa.Date(), nullable=True),
    sa.Column('send_status', _S(length=20), server_default='active', nullable=False),
    sa.Column('status_reason', _S(length=300), nullable=True),
    sa.Column('send_error', _S(length=1000), nullable=True),
    sa.Column('next_free_at', outreach.models.UTCDateTime(), nullable=True),
    sa.Column('slot_day', _S(length=10), nullable=True),
    sa.Column('slot_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('slot_version', sa.Integer(), server_default='0', nullable=False),
]
CAMPAIGN_COLUMNS = [
    sa.Column('mailbox_ids', sa.JSON(), server_default='[]', nullable=False),
    sa.Column('rotation', _S(length=20), server_default='even', nullable=False),
    sa.Column('rotation_cursor', sa.Integer(), server_default='0', nullable=False),
]
LEAD_COLUMNS = [
    sa.Column('mailbox_id', _S(length=40), nullable=True),
    sa.Column('slot_at', outreach.models.UTCDateTime(), nullable=True),
    sa.Column('slot_position', sa.Integer(), nullable=True),
]


def upgrade() -> None:
    # Plain ADD COLUMN throughout, never batch_alter_table: on SQLite that rebuilds the
    # table and drops the counter triggers of `lead` and `send` (migration 0007).
    for column in MAILBOX_COLUMNS:
        op.add_column('mailbox', column)
    for column in CAMPAIGN_COLUMNS:
        op.add_column('campaign', column)
    for column in LEAD_COLUMNS:
        op.add_column('lead', column)
    op.add_column('send', sa.Column('mailbox_id', _S(length=40), nullable=True))
    op.create_index('ix_send_mailbox_created', 'send', ['mailbox_id', 'created_at'])


def downgrade() -> None:
    op.drop_index('ix_send_mailbox_created', table_name='send')
    op.drop_column('send', 'mailbox_id')
    for table, columns in (
        ('lead', LEAD_COLUMNS),
        ('campaign', CAMPAIGN_COLUMNS),
        ('mailbox', MAILBOX_COLUMNS),
    ):
        for column in reversed(columns):
            op.drop_column(table, column.name)
