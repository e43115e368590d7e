"""enrichment discovery autopilot: the lead's `enrichment` (JSON; discovery and autopilot
add theirs here)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, never batch_alter_table: on SQLite that rebuilds `lead` and drops
    # its counter triggers (migration 0007).
    op.add_column('lead', sa.Column('enrichment', sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column('lead', 'enrichment')
