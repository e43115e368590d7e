from collections.abc import AsyncIterator

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.conftest import start_time_skipping


@pytest.fixture
async def ts_env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server per test: these tests move the clock by days and weeks, and
    one server's clock is shared by everything on it."""
    env = await start_time_skipping()
    yield env
    await env.shutdown()
