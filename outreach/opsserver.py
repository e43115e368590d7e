"""The worker's operator port (`OUTREACH_METRICS_HOST`:`OUTREACH_METRICS_PORT`, default
127.0.0.1:9100; port 0 turns it off): a tiny HTTP server on the worker's event loop.

- `GET /healthz`: 200 while every Temporal worker of the process is running, else 503
  (also while the process is still connecting to Temporal). Compose's healthcheck asks it.
- `GET /metrics`: one Prometheus scrape target for the whole process: the business counters
  of outreach/metrics.py (`prometheus_client`'s registry) followed by the Temporal SDK's own
  metrics (`temporal_*`: task slots, poll and schedule-to-start latencies, sticky cache,
  RPC errors…). The SDK exports those through its `PrometheusConfig` endpoint, which
  serves nothing else; it is bound to a private loopback port and this server appends its
  text, so operators scrape one port.

The server answers only these two paths, reads at most one request line and headers of
8 KB, and closes every connection after one answer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import Callable, Sequence
from typing import Protocol

import httpx
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

import outreach.metrics  # noqa: F401 - registers every business counter, at zero

log = logging.getLogger("outreach.opsserver")

MAX_HEAD = 8192
READ_TIMEOUT = 5.0
SDK_SCRAPE_TIMEOUT = 2.0


class _Running(Protocol):
    @property
    def is_running(self) -> bool: ...

    @property
    def task_queue(self) -> str: ...


def free_loopback_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def sdk_runtime(port: int | None = None) -> tuple[Runtime, str]:
    """A Temporal runtime whose metrics are served on a loopback port; returns it and the
    URL this server scrapes."""
    port = port or free_loopback_port()
    address = f"127.0.0.1:{port}"
    metrics = PrometheusConfig(bind_address=address, durations_as_seconds=True)
    runtime = Runtime(telemetry=TelemetryConfig(metrics=metrics))
    return runtime, f"http://{address}/metrics"


class OpsServer:
    def __init__(
        self,
        host: str,
        port: int,
        workers: Callable[[], Sequence[_Running]],
        sdk_metrics_url: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.workers = workers
        self.sdk_metrics_url = sdk_metrics_url
        self._server: asyncio.Server | None = None
        self._http = httpx.AsyncClient(timeout=SDK_SCRAPE_TIMEOUT)

    @property
    def bound_port(self) -> int:
        assert self._server is not None
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._handle, self.host, self.port, limit=MAX_HEAD
        )
        log.info("worker health and metrics on http://%s:%s", self.host, self.bound_port)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        await self._http.aclose()

    def health(self) -> tuple[bool, dict[str, object]]:
        workers = list(self.workers())
        queues = {w.task_queue: w.is_running for w in workers}
        ok = bool(workers) and all(queues.values())
        return ok, {"ok": ok, "taskQueues": queues} if workers else {"ok": False, "starting": True}

    async def metrics(self) -> bytes:
        body = generate_latest(REGISTRY)
        if self.sdk_metrics_url:
            try:
                resp = await self._http.get(self.sdk_metrics_url)
                resp.raise_for_status()
                body += resp.content
            except httpx.HTTPError as exc:
                body += f"# temporal SDK metrics unavailable: {type(exc).__name__}\n".encode()
        return body

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(READ_TIMEOUT):
                head = await reader.readuntil(b"\r\n\r\n")
            method, path, *_ = head[:MAX_HEAD].decode("latin-1").split(" ", 2) + ["", ""]
            path = path.split("?", 1)[0]
            if method not in ("GET", "HEAD"):
                status, ctype, body = 405, "text/plain", b"method not allowed\n"
            elif path == "/healthz":
                ok, report = self.health()
                status, ctype = (200 if ok else 503), "application/json"
                body = json.dumps(report).encode() + b"\n"
            elif path == "/metrics":
                status, ctype, body = 200, CONTENT_TYPE_LATEST, await self.metrics()
            else:
                status, ctype, body = 404, "text/plain", b"not found\n"
            reason = {200: "OK", 404: "Not Found", 405: "Method Not Allowed"}.get(
                status, "Service Unavailable"
            )
            writer.write(
                f"HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + (b"" if method == "HEAD" else body)
            )
            await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except ConnectionError:
            pass
        finally:
            writer.close()
