"""Database engines and sessions.

Async (SQLAlchemy asyncio over aiosqlite / psycopg 3) for the API and the activities,
sync for migrations and the admin CLI. SQLite runs in WAL mode with a busy timeout so the
API and worker processes can write the same file.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from outreach.config import Settings
from outreach.datadir import private_dir, private_sqlite


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _prepare(settings: Settings) -> dict[str, Any]:
    if settings.db_url.startswith("sqlite"):
        private_dir(settings.data_dir)
        database = make_url(settings.db_url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            private_sqlite(Path(database))  # 0600, with its -wal and -shm
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 10}


def make_sync_engine(settings: Settings) -> Engine:
    engine = create_engine(settings.db_url, **_prepare(settings))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def make_async_engine(settings: Settings) -> AsyncEngine:
    engine = create_async_engine(settings.async_db_url, **_prepare(settings))
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


class Database:
    """One async engine per process, with a session factory."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = make_async_engine(settings)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
