"""Operator endpoints outside /api/v1: readiness, Prometheus metrics, and the API docs
served from the package (no CDN: they work on an air-gapped host).

- `GET /healthz` (api/main.py): the process is alive; no dependency is asked.
- `GET /readyz`: the database answers, Temporal answers its health check, and the
  database's migrations are at the code's head; 200 with a per-component report, else 503
  with the same report. Unauthenticated: it names no tenant data and no secret.
- `GET /metrics`: HTTP metrics (prometheus-fastapi-instrumentator) and the business
  counters of outreach/metrics.py, in Prometheus' text format.
- `GET /docs` (Swagger UI) and `GET /redoc` (ReDoc), their scripts and styles from
  `/docs-assets/` (the `fastapi-offline` distribution's copies of swagger-ui and redoc).
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_fastapi_instrumentator import Instrumentator
from sqlalchemy import text

import outreach.metrics  # noqa: F401 - registers every business counter, at zero
from api.deps import AppState
from api.middleware import QUIET_PATHS  # out of the INFO access log and the HTTP metrics

DOCS_ASSETS = "/docs-assets"
ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"

# Each check has its own budget, and they run side by side: /readyz answers within about
# the largest of them even when a dependency hangs.
DB_TIMEOUT = 2.0
TEMPORAL_TIMEOUT = 3.0


@lru_cache(maxsize=1)
def migration_heads() -> tuple[str, ...]:
    """The head revision(s) of the migrations shipped with this code."""
    from alembic.script import ScriptDirectory

    from outreach.migrate import alembic_config

    return tuple(sorted(ScriptDirectory.from_config(alembic_config(None)).get_heads()))


async def _check_database(state: AppState) -> tuple[dict[str, Any], dict[str, Any]]:
    """The database, and the migration revision it is at."""
    try:
        head = list(migration_heads())
    except Exception:  # noqa: BLE001 - a broken install: not ready, said as such
        return _down("migrations_unreadable"), {"ok": False, "current": None, "head": None}
    started = time.perf_counter()
    try:
        async with asyncio.timeout(DB_TIMEOUT), state.db.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            ms = round((time.perf_counter() - started) * 1000, 1)
            try:
                rows = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
                current = sorted(str(r[0]) for r in rows)
            except Exception:  # noqa: BLE001 - no alembic_version table: never migrated
                current = []
    except TimeoutError:
        return _down("timeout"), {"ok": False, "current": None, "head": head}
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return _down(type(exc).__name__), {"ok": False, "current": None, "head": head}
    migrations: dict[str, Any] = {"ok": current == head, "current": current, "head": head}
    if not migrations["ok"]:
        migrations["error"] = "not at head: run `outreach migrate`"
    return {"ok": True, "ms": ms}, migrations


async def _check_temporal(state: AppState) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(TEMPORAL_TIMEOUT):
            client = await state.temporal()
            serving = await client.service_client.check_health(
                timeout=timedelta(seconds=TEMPORAL_TIMEOUT)
            )
    except TimeoutError:
        return _down("timeout")
    except Exception as exc:  # noqa: BLE001 - unreachable, refused, not serving
        code = getattr(exc, "code", None)
        return _down(code if code == "temporal_unavailable" else type(exc).__name__)
    if not serving:
        return _down("not_serving")
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _down(error: str) -> dict[str, Any]:
    # A short reason in our words (an exception's class or code), never the exception's
    # text: it can hold addresses and connection strings.
    return {"ok": False, "error": error}


async def readiness(state: AppState) -> tuple[bool, dict[str, Any]]:
    (database, migrations), temporal = await asyncio.gather(
        _check_database(state), _check_temporal(state)
    )
    components = {"database": database, "migrations": migrations, "temporal": temporal}
    ready = all(c["ok"] for c in components.values())
    return ready, {"status": "ready" if ready else "not_ready", "components": components}


def install_ops(app: FastAPI) -> None:
    """/readyz, /metrics, /docs, /redoc and their assets (call before the app starts)."""

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        ready, report = await readiness(request.app.state.outreach)
        return JSONResponse(report, status_code=200 if ready else 503)

    # The HTTP metrics live in a registry of the app's own (an app per process in
    # production; several in a test process), the business counters and the process
    # metrics in prometheus_client's default one: /metrics serves both.
    http_registry = CollectorRegistry()
    Instrumentator(
        excluded_handlers=[f"^{p}$" for p in sorted(QUIET_PATHS | {"/docs", "/redoc"})]
        + [f"^{DOCS_ASSETS}/"],
        should_group_status_codes=True,
        should_ignore_untemplated=True,  # unknown paths do not make new series
        registry=http_registry,
    ).instrument(app)

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        body = generate_latest(http_registry) + generate_latest(REGISTRY)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    app.mount(DOCS_ASSETS, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
            # Swagger UI's default asks validator.swagger.io for a badge: not offline.
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{DOCS_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
            with_google_fonts=False,
        )
