"""Alembic environment: URL from outreach settings, metadata from outreach.models."""

from alembic import context
from sqlmodel import SQLModel

import outreach.models  # noqa: F401  (registers the tables)
from outreach.config import Settings
from outreach.db import make_sync_engine

config = context.config


def run_migrations() -> None:
    url = config.attributes.get("url")
    settings = Settings(database_url=url) if url else Settings()
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_sync_engine(settings)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `outreach migrate`")
run_migrations()
