"""reply review and feedback: reply.needs_review, and reply_feedback (corrected labels)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import outreach.models


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Not batch_alter_table: on SQLite that rebuilds `reply` and drops its counter triggers
    # (migration 0007); a plain ADD COLUMN keeps them.
    op.add_column(
        'reply', sa.Column('needs_review', sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.create_table('reply_feedback',
    sa.Column('reply_id', sa.String(length=40), nullable=False),
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('original_label', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('original_confidence', sa.Float(), nullable=True),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('corrected_by', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('created_at', outreach.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['reply_id'], ['reply.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reply_feedback', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_ws_created', ['workspace_id', 'created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reply_feedback_reply_id'), ['reply_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reply_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_feedback_reply_id'))
        batch_op.drop_index('ix_feedback_ws_created')
    op.drop_table('reply_feedback')
    op.drop_column('reply', 'needs_review')  # SQLite >= 3.35 drops a column in place
