"""Bounded thread pools for work that must not run on the event loop.

A worker process is shared by every workspace, so what one tenant sends must not take the
threads another tenant's sends need:

- `run_cpu`: CPU-bound pure work (building MIME, parsing a message). A small pool: the GIL
  lets one thread compute at a time anyway; the pool only keeps the event loop answering
  (heartbeats, other activities) meanwhile.
- `run_classify`: classifying a reply, which may wait on a model's HTTP answer: its own
  pool, so a slow model never holds the threads sends build their messages in.
- `run_imap`: blocking IMAP calls to servers tenants choose. Its own pool, so a slow or
  hostile server can only slow other IMAP syncs, never a send or a webhook; each command
  also has a deadline (outreach.inbound.imap).

The event loop's default executor stays for the libraries that use it (DNS lookups).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

CPU_THREADS = 4
CLASSIFY_THREADS = 4
IMAP_THREADS = 16

_cpu = ThreadPoolExecutor(max_workers=CPU_THREADS, thread_name_prefix="outreach-cpu")
_classify = ThreadPoolExecutor(max_workers=CLASSIFY_THREADS, thread_name_prefix="outreach-class")
_imap = ThreadPoolExecutor(max_workers=IMAP_THREADS, thread_name_prefix="outreach-imap")


async def _run(pool: ThreadPoolExecutor, fn: Callable[P, T], *a: P.args, **kw: P.kwargs) -> T:
    loop = asyncio.get_running_loop()
    call = functools.partial(contextvars.copy_context().run, fn, *a, **kw)
    return await loop.run_in_executor(pool, call)


async def run_cpu(fn: Callable[P, T], *a: P.args, **kw: P.kwargs) -> T:
    return await _run(_cpu, fn, *a, **kw)


async def run_classify(fn: Callable[P, T], *a: P.args, **kw: P.kwargs) -> T:
    return await _run(_classify, fn, *a, **kw)


async def run_imap(fn: Callable[P, T], *a: P.args, **kw: P.kwargs) -> T:
    return await _run(_imap, fn, *a, **kw)
