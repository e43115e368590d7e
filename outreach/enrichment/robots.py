"""robots.txt for enrichment fetches (RFC 9309), decided inside the page-fetch activity so
that a site's robots.txt (up to 500 KiB) never enters a workflow history.

- `rules_from`: what a robots.txt fetch means (pure): the rules to apply, or None when
  everything is allowed (none found: 4xx, a soft-404 HTML page, a refused host; the page
  fetch itself then answers for itself); a file over the cap means nothing may be read.
  An unreachable robots.txt (network errors, timeouts, 5xx) is not decided here: the fetch
  raised, and the activity refuses to fetch anything for that origin (§2.3.1.4).
- `extract.robots_allows`: whether the rules allow one URL (pure).
- `RobotsCache`: the last answers per origin, in process, bounded in entries, bytes and
  age, so a home page and its about page read robots.txt once.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from outreach.enrichment.status import SourceStatus

DISALLOW_ALL = "User-agent: *\nDisallow: /\n"
CACHE_TTL_SECONDS = 300.0
CACHE_MAX_ENTRIES = 256
CACHE_MAX_BYTES = 8_000_000  # the texts held, all entries together


def rules_from(status: str, content_type: str, body: bytes) -> str | None:
    """The rules a robots.txt fetch gives (None: everything allowed)."""
    if status == SourceStatus.TOO_LARGE:
        return DISALLOW_ALL  # unreadable rules: read nothing
    if status != SourceStatus.OK or "html" in content_type.lower():
        return None  # none (or a soft 404 page): everything allowed
    return body.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class CachedRobots:
    source: Any  # the robots.txt fetch's contracts.Source, as it was recorded
    rules: str | None
    at: float


class RobotsCache:
    """Answers per robots.txt URL, dropped after `ttl` seconds; the oldest are evicted
    past `max_entries` or `max_bytes` of rules text (a text over `max_bytes` alone is not
    kept). Failures are never cached: the next try reads again."""

    def __init__(
        self,
        ttl: float = CACHE_TTL_SECONDS,
        max_entries: int = CACHE_MAX_ENTRIES,
        max_bytes: int = CACHE_MAX_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl, self.max_entries, self.max_bytes, self.clock = ttl, max_entries, max_bytes, clock
        self._entries: OrderedDict[str, CachedRobots] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def held_bytes(self) -> int:
        return self._bytes

    def get(self, url: str) -> CachedRobots | None:
        entry = self._entries.get(url)
        if entry is None:
            return None
        if self.clock() - entry.at >= self.ttl:
            self._drop(url)
            return None
        return entry

    def put(self, url: str, source: Any, rules: str | None) -> None:
        size = len(rules or "")
        if url in self._entries:
            self._drop(url)
        if size > self.max_bytes:
            return
        self._entries[url] = CachedRobots(source, rules, self.clock())
        self._bytes += size
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            self._drop(next(iter(self._entries)))

    def _drop(self, url: str) -> None:
        entry = self._entries.pop(url)
        self._bytes -= len(entry.rules or "")
