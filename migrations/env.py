"""Alembic environment: URL from outreach settings, metadata from outreach.models."""

from alembic import context
from sqlmodel import SQLModel

import outreach.models  # noqa: F401  (registers the tables)
from outreach.config import Settings
from outreach.db import make_sync_engine

config = context.config


def run_migrations() -> None:
    settings = config.attributes.get("settings")
    if settings is None:  # plain `alembic upgrade`: the environment's settings
        url = config.attributes.get("url")
        settings = Settings(database_url=url) if url else Settings()
        config.attributes["settings"] = settings
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_sync_engine(settings)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLite changes a column by rebuilding its table (copy, drop, rename): with foreign
        # keys enforced, dropping a table other rows point at fails. Off while migrating
        # (it only takes effect outside a transaction), then every reference is checked.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=sqlite,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
        if broken:
            raise SystemExit(f"migration left broken foreign keys: {broken[:5]}")


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `outreach migrate`")
run_migrations()
