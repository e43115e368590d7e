"""replies: reply kind / match method / DSN details, raw message table, mailbox sync fields

Revision ID: 0003
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reply", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20),
                                      server_default="reply", nullable=False))
        batch_op.add_column(sa.Column("matched_by", sqlmodel.sql.sqltypes.AutoString(length=20),
                                      nullable=True))
        batch_op.add_column(sa.Column("bounce", sa.JSON(), nullable=True))

    op.create_table(
        "reply_raw",
        sa.Column("reply_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["reply_id"], ["reply.id"]),
        sa.PrimaryKeyConstraint("reply_id"),
    )

    with op.batch_alter_table("mailbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sync_existing", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.alter_column("uidvalidity", existing_type=sa.Integer(),
                              type_=sa.BigInteger(), existing_nullable=True)
        batch_op.alter_column("last_uid", existing_type=sa.Integer(), type_=sa.BigInteger(),
                              existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("mailbox", schema=None) as batch_op:
        batch_op.alter_column("last_uid", existing_type=sa.BigInteger(), type_=sa.Integer(),
                              existing_nullable=False)
        batch_op.alter_column("uidvalidity", existing_type=sa.BigInteger(),
                              type_=sa.Integer(), existing_nullable=True)
        batch_op.drop_column("sync_existing")
    op.drop_table("reply_raw")
    with op.batch_alter_table("reply", schema=None) as batch_op:
        batch_op.drop_column("bounce")
        batch_op.drop_column("matched_by")
        batch_op.drop_column("kind")
