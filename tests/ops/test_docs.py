"""The API docs work on a host without internet: /docs (Swagger UI) and /redoc (ReDoc)
load their scripts and styles from this server, and render the operations in a real
headless Chromium that can reach nothing but the API."""

from __future__ import annotations

import asyncio
import os
import re
import shutil

import pytest
import uvicorn

from api.deps import AppState
from api.main import create_app
from tests.helpers import free_port

PAGES = ("/docs", "/redoc")
BROWSERS = ("chromium-headless-shell", "chromium", "chromium-browser")


def _urls(html: str) -> list[str]:
    return re.findall(r"""(?:src|href|url)\s*[=:]\s*['"]([^'"]+)['"]""", html)


@pytest.mark.parametrize("page", PAGES)
async def test_docs_html_references_no_external_host(ts_env, settings, ops_api, page):
    async with ops_api(settings, ts_env.client) as http:
        resp = await http.get(page)
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("text/html")
        html = resp.text
        assert "://" not in html and "//cdn" not in html, html
        urls = _urls(html)
        assert "/openapi.json" in urls
        assets = [u for u in urls if u.startswith("/docs-assets/")]
        assert any(u.endswith(".js") for u in assets), urls
        for url in urls:
            assert url.startswith("/") and not url.startswith("//"), url
            served = await http.get(url)
            assert served.status_code == 200, url
            assert len(served.content) > 1000 or url.endswith(".png"), url
        assert (await http.get("/docs-assets/../README.md")).status_code == 404


def _browser() -> str | None:
    for name in BROWSERS:
        if found := shutil.which(name):
            return found
    return None


# What each page renders once per operation (from the schema, by its script).
RENDERED_OPERATION = {
    "/docs": r'class="opblock-summary-path"',
    "/redoc": r'data-section-id="tag/[^"]+/operation/',
}


@pytest.mark.parametrize("page", PAGES)
async def test_docs_render_the_operations_in_headless_chromium_offline(ts_env, settings, page):
    browser = _browser()
    if browser is None:
        if os.environ.get("OUTREACH_BROWSER_TESTS") == "required":
            pytest.fail("no Chromium: .ci/run installs Debian's chromium-headless-shell")
        pytest.skip("no Chromium (apt-get install chromium-headless-shell)")
    app = create_app(settings, ts_env.client)
    app.state.outreach = AppState(settings, ts_env.client)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    serving = asyncio.create_task(server.serve())
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.05)
        proc = await asyncio.create_subprocess_exec(
            browser,
            "--headless",
            "--no-sandbox",  # CI runs as root
            "--disable-gpu",
            # Air-gapped: every host but the API's fails to resolve.
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            "--virtual-time-budget=20000",
            "--dump-dom",
            f"http://127.0.0.1:{port}{page}",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        out, _ = await asyncio.wait_for(proc.communicate(), 90)
    finally:
        server.should_exit = True
        await serving
        await app.state.outreach.close()
    dom = out.decode()
    assert proc.returncode == 0
    operations = [
        (method, path)
        for path, methods in app.openapi()["paths"].items()
        for method in methods
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) >= 20
    assert len(re.findall(RENDERED_OPERATION[page], dom)) == len(operations), dom[:2000]
    for path in ("/api/v1/outreach/leads", "/api/v1/outreach/campaigns/{campaign_id}"):
        assert path in dom
