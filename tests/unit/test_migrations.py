"""The migrations build exactly the schema the models describe, on this suite's database
(SQLite by default, PostgreSQL in CI's second run)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from outreach.db import make_sync_engine
from outreach.migrate import alembic_config


def test_migrated_schema_matches_the_models(settings):
    engine = make_sync_engine(settings)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = compare_metadata(ctx, SQLModel.metadata)
    finally:
        engine.dispose()
    assert diffs == [], diffs


def test_one_linear_history():
    script = ScriptDirectory.from_config(alembic_config(settings=None))  # type: ignore[arg-type]
    assert len(script.get_heads()) == 1
