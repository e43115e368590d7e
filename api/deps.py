"""Dependencies: settings, DB session, Temporal client, the authenticated principal, scopes."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from api.errors import APIError, not_found
from outreach import temporal
from outreach.config import Settings
from outreach.db import Database
from outreach.logs import bind_workspace
from outreach.models import ApiKey, Workspace, utcnow
from outreach.scopes import API_PLANS, Scope
from outreach.security import hash_api_key, looks_like_api_key

# Refresh `lastUsedAt` at most this often per key (avoids a write on every request).
LAST_USED_RESOLUTION = timedelta(seconds=60)


class AppState:
    """Per-process resources, created in the FastAPI lifespan."""

    def __init__(self, settings: Settings, client: Client | None = None) -> None:
        self.settings = settings
        self.db = Database(settings)
        self._client = client
        self._connecting: asyncio.Task[Client] | None = None

    async def temporal(self) -> Client:
        """The Temporal client, connected on first use. Callers arriving while a connect
        is under way share it (one attempt of at most 5 s, not one each in turn)."""
        if self._client is not None:
            return self._client
        if self._connecting is None:
            self._connecting = asyncio.ensure_future(
                asyncio.wait_for(temporal.connect(self.settings), timeout=5)
            )
        attempt = self._connecting
        try:
            self._client = await asyncio.shield(attempt)
        except Exception as exc:
            if self._connecting is attempt:
                self._connecting = None  # the next caller tries again
            raise APIError(
                503,
                "temporal_unavailable",
                "The workflow engine is unavailable; retry shortly.",
            ) from exc
        return self._client

    @cached_property
    def cursor_key(self) -> bytes:
        """Signs list cursors (a key derived from the deployment's secret)."""
        return hmac.new(self.settings.signing_key(), b"list-cursor", hashlib.sha256).digest()

    async def close(self) -> None:
        await self.db.dispose()


def get_state(request: Request) -> AppState:
    return request.app.state.outreach


StateDep = Annotated[AppState, Depends(get_state)]


async def get_session(state: StateDep) -> AsyncSession:  # type: ignore[misc]
    async with state.db.session() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


@dataclass(frozen=True)
class Principal:
    workspace: Workspace
    key: ApiKey

    @property
    def workspace_id(self) -> str:
        return self.workspace.id

    def has(self, scope: Scope) -> bool:
        return scope.value in self.key.scopes


def _unauthorized(message: str, code: str = "unauthorized") -> APIError:
    return APIError(401, code, message, headers={"WWW-Authenticate": 'Bearer realm="outreach"'})


async def get_principal(request: Request, session: SessionDep) -> Principal:
    header = request.headers.get("authorization")
    if not header:
        raise _unauthorized(
            "Missing Authorization header: send `Authorization: Bearer pms_live_...`.",
            "missing_api_key",
        )
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise _unauthorized("Authorization must be `Bearer <key>`.", "invalid_api_key")
    if not looks_like_api_key(token):
        raise _unauthorized("Invalid API key.", "invalid_api_key")
    row = (
        await session.exec(
            select(ApiKey, Workspace)
            .join(Workspace, col(Workspace.id) == ApiKey.workspace_id)
            .where(ApiKey.key_hash == hash_api_key(token))
        )
    ).first()
    if row is None:
        raise _unauthorized("Invalid API key.", "invalid_api_key")
    key, workspace = row
    bind_workspace(workspace.id)  # the records of this request name its workspace
    if key.revoked_at is not None:
        raise _unauthorized("Key revoked", "key_revoked")
    if workspace.plan not in API_PLANS:
        raise APIError(
            402,
            "plan_upgrade_required",
            f"The API requires the Pro plan or higher; this workspace is on '{workspace.plan}'.",
        )
    now = utcnow()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        key.last_used_at = now
        session.add(key)
        await session.commit()
    return Principal(workspace=workspace, key=key)


PrincipalDep = Annotated[Principal, Depends(get_principal)]

# What a 404 calls each resource.
_SHOWN = {
    "ChannelTouch": "Channel touch",
    "WebhookEndpoint": "Webhook",
    "WebhookDelivery": "Delivery",
    "DiscoveryRun": "Discovery run",
}


M = TypeVar("M", bound=SQLModel)


async def get_owned(session: AsyncSession, model: type[M], row_id: str, principal: Principal) -> M:
    """The row with this id in the key's workspace; 404 otherwise (another workspace's id
    answers exactly like a missing one)."""
    row = await session.get(model, row_id)
    if row is None or getattr(row, "workspace_id", None) != principal.workspace_id:
        name = model.__name__
        raise not_found(_SHOWN.get(name, name))
    return row


def require(scope: Scope) -> Any:  # a FastAPI dependency (Depends(...))
    async def _check(principal: PrincipalDep) -> Principal:
        if not principal.has(scope):
            raise APIError(
                403,
                "missing_scope",
                f"This key is missing the required scope '{scope.value}'.",
                extra={"requiredScope": scope.value},
            )
        return principal

    _check.__name__ = f"require_{scope.name.lower()}"
    return Depends(_check)
