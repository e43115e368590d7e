"""The FastAPI application. It authenticates, validates, writes the rows a request creates,
and starts, signals, updates or queries workflows; it never does the work itself."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from temporalio.client import Client

from api.deps import AppState
from api.docs import finalize_openapi
from api.errors import install_error_handlers
from api.middleware import BodyLimitMiddleware, RequestContextMiddleware
from api.ops import install_ops
from api.routes import (
    autopilot,
    campaigns,
    channel_touches,
    discovery,
    enrichment,
    erasure,
    inbound,
    leads,
    mailboxes,
    me,
    replies,
    reply_actions,
    sends,
    suppressions,
    unsubscribe,
    webhooks,
)
from outreach.config import Settings, get_settings
from outreach.encryption.crypto import EncryptionError
from outreach.encryption.stored import verify as verify_stored_secrets

API_PREFIX = "/api/v1/outreach"
JSON_BODY_LIMIT = 1024 * 1024  # 1 MB
INBOUND_BODY_LIMIT = 40 * 1024 * 1024  # raw RFC 5322 messages (stored with a cap)

log = logging.getLogger("outreach.api")

DESCRIPTION = """
Create leads, list campaigns, fetch replies and track delivery from any HTTP client.

**Authentication:** `Authorization: Bearer pms_live_...`. Missing, invalid or revoked keys
answer **401** (a revoked key says `"Key revoked"`); a workspace below the Pro plan **402**;
a key without the endpoint's scope **403**; another workspace's id **404**.

**Errors** are always `{"error": "<sentence>", "code": "<machine_code>"}`; malformed JSON or
a missing / ill-typed / unknown field is **400**, a business rule **422**, a body over the
size limit **413**. Every response carries `X-Request-Id`.

**Lists** return `{"data": [...], "nextCursor": "..." | null}`, newest first; `limit`
1..200 (default 50); pass `cursor=<nextCursor>` for the next page.
"""


def create_app(settings: Settings | None = None, client: Client | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:  # the keys open what is stored, or the API does not start
            await asyncio.to_thread(verify_stored_secrets, settings)
        except EncryptionError as exc:
            log.error("not starting: %s", exc)
            raise
        state = AppState(settings, client)
        app.state.outreach = state
        try:
            yield
        finally:
            await state.close()

    app = FastAPI(
        title="Outreach API",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc come from api/ops.py, assets from the package
        openapi_url="/openapi.json",
        redoc_url=None,
        redirect_slashes=False,  # `/campaigns/` is a 404 in the envelope, not a redirect
    )
    install_error_handlers(app)
    for module in (
        me,
        campaigns,
        leads,
        sends,
        replies,
        reply_actions,
        channel_touches,
        webhooks,
        inbound,
        mailboxes,
        suppressions,
        erasure,
        enrichment,
        discovery,
        autopilot,
    ):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(unsubscribe.router)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict:
        return {"ok": True}

    install_ops(app)  # /readyz, /metrics, /docs, /redoc

    # Outermost first: request id wraps everything, then the body cap.
    app.add_middleware(
        BodyLimitMiddleware,
        default_limit=JSON_BODY_LIMIT,
        limits={f"{API_PREFIX}/inbound": INBOUND_BODY_LIMIT},
    )
    app.add_middleware(RequestContextMiddleware)
    _security_schemes(app)
    return app


def _security_schemes(app: FastAPI) -> None:
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        schema.setdefault("components", {})["securitySchemes"] = {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "An API key: pms_live_...",
            }
        }
        app.openapi_schema = finalize_openapi(schema, API_PREFIX, app.routes)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def app_factory() -> FastAPI:
    """Uvicorn factory entry point (`uvicorn api.main:app_factory --factory`)."""
    return create_app()
