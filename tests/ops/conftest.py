from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from temporalio.client import Client

from api.deps import AppState
from api.main import create_app
from outreach.config import Settings

OpsClient = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def ops_api() -> OpsClient:
    """An API over ASGI with the given settings and Temporal client (None: it connects to
    the settings' address itself, as the real process does)."""

    @asynccontextmanager
    async def open_api(
        settings: Settings, client: Client | None = None
    ) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(settings, client)
        app.state.outreach = AppState(settings, client)  # ASGITransport runs no lifespan
        transport = httpx.ASGITransport(app=app)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://ops") as http:
                yield http
        finally:
            await app.state.outreach.close()

    return open_api
