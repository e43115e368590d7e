"""campaign auto enrich: `auto_enrich` (enrich a lead before its first step) and
`skip_undeliverable` (stop a lead whose address cannot take mail, unmailed)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for name in ('auto_enrich', 'skip_undeliverable'):
        op.add_column(
            'campaign',
            sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false()),
        )


def downgrade() -> None:
    for name in ('skip_undeliverable', 'auto_enrich'):
        op.drop_column('campaign', name)
