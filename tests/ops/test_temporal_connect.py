"""While Temporal is unreachable, concurrent requests share one connection attempt (at
most 5 s) instead of queueing one attempt each behind a lock."""

from __future__ import annotations

import asyncio
import time

from api.deps import AppState
from api.errors import APIError


async def test_concurrent_callers_share_one_connect_attempt(settings) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)  # accepts, never answers

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    state = AppState(settings.model_copy(update={"temporal_address": f"127.0.0.1:{port}"}))

    async def call() -> float:
        try:
            await state.temporal()
        except APIError as exc:
            assert exc.status == 503
            return time.monotonic()
        raise AssertionError("connected to a server that never answers")

    started = time.monotonic()
    try:
        finished = await asyncio.gather(*(call() for _ in range(6)))
    finally:
        server.close()
        await state.close()
    assert max(finished) - started < 8  # one shared attempt, not 6 x 5 s in turn
    assert state._connecting is None  # the next caller tries again
