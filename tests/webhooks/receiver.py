"""A real HTTP/1.1 receiver on loopback (asyncio streams) that records every request and
answers as a test scripts it: any status and headers, a huge body, a hang, a slow drip."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus


@dataclass
class Hit:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes
    at: float  # time.time() when the request was complete
    clock: datetime | None = None  # the test's clock (e.g. the time-skipping server's)


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False  # read the request, never answer
    size: int = 0  # send this many bytes of body instead of `body`
    drip: float = 0.0  # seconds between single bytes of `body`


class Receiver:
    def __init__(
        self,
        answer: Callable[[Hit], Answer] | None = None,
        clock: Callable[[], Awaitable[datetime]] | None = None,
    ) -> None:
        self.hits: list[Hit] = []
        self.answer = answer or (lambda hit: Answer())
        self.clock = clock
        self.url = ""
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task] = set()
        self._stopping = asyncio.Event()

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        self._stopping.set()  # hanging answers give up
        for writer in self._writers:
            writer.close()  # idle keep-alive connections end
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def wait_for(self, count: int, within: float = 20.0) -> list[Hit]:
        deadline = time.monotonic() + within
        while len(self.hits) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} requests, got {len(self.hits)}")
            await asyncio.sleep(0.02)
        return self.hits

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        try:
            while await self._one(reader, writer):
                pass
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._tasks.discard(task)
            self._writers.discard(writer)
            writer.close()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        clock = await self.clock() if self.clock else None
        hit = Hit(method, path, headers, body, time.time(), clock)
        self.hits.append(hit)
        answer = self.answer(hit)
        if answer.hang:
            await self._stopping.wait()
            return False
        length = answer.size or len(answer.body)
        known = answer.status in {s.value for s in HTTPStatus}
        reason = HTTPStatus(answer.status).phrase if known else "Unknown"
        out = [f"HTTP/1.1 {answer.status} {reason}", f"Content-Length: {length}"]
        out += [f"{k}: {v}" for k, v in answer.headers.items()]
        writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1"))
        if answer.size:
            chunk = b"x" * 65536
            sent = 0
            while sent < answer.size:
                part = chunk[: answer.size - sent]
                writer.write(part)
                sent += len(part)
                await writer.drain()
        elif answer.drip:
            for byte in answer.body:
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(answer.drip)
        else:
            writer.write(answer.body)
        await writer.drain()
        return True


@contextlib.asynccontextmanager
async def receiving(
    answer: Callable[[Hit], Answer] | None = None,
    clock: Callable[[], Awaitable[datetime]] | None = None,
) -> AsyncIterator[Receiver]:
    receiver = Receiver(answer, clock)
    await receiver.start()
    try:
        yield receiver
    finally:
        await receiver.stop()


def always(status: int, **kw: object) -> Callable[[Hit], Answer]:
    return lambda hit: Answer(status=status, **kw)  # type: ignore[arg-type]


def script(*statuses: int) -> Callable[[Hit], Answer]:
    """Answer the n-th request with the n-th status (the last one repeats)."""
    seen = {"n": 0}

    def answer(hit: Hit) -> Answer:
        i = min(seen["n"], len(statuses) - 1)
        seen["n"] += 1
        return Answer(status=statuses[i])

    return answer
