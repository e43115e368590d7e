"""`outreach suppressions import FILE`: load a do-not-contact list through the API.

The file is one entry per line (an address, or a domain as `@acme.com` or `acme.com`;
blank lines and `#` comments skipped), or a CSV whose header has an `email` column. Entries
go to `POST /suppressions` (source `import`) 1,000 per call, with the key in
`OUTREACH_API_KEY` against `OUTREACH_API_URL`.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from outreach.suppressions.schemas import MAX_ENTRIES

API_PREFIX = "/api/v1/outreach"
INVALID_SHOWN = 100  # invalid rows listed in the summary (all are counted)
TIMEOUT = 60.0


class ImportError_(Exception):
    """A failure the CLI prints as one line."""


@dataclass
class Entry:
    line: int
    value: str
    domain: bool


@dataclass
class Summary:
    file: str
    entries: int = 0
    calls: int = 0
    added: int = 0
    existing: int = 0
    invalid: int = 0
    invalid_rows: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "entries": self.entries,
            "calls": self.calls,
            "added": self.added,
            "existing": self.existing,
            "invalid": self.invalid,
            "invalidRows": self.invalid_rows,
        }


def _is_domain(value: str) -> bool:
    return value.startswith("@") or "@" not in value


def read_entries(path: Path) -> Iterator[Entry]:
    """The file's entries in order (line numbers are 1-based, the header is line 1)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportError_(f"cannot read {path}: {exc}") from exc
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    try:
        dialect: Any = csv.Sniffer().sniff(first, delimiters=",;\t|") if first else None
    except csv.Error:
        dialect = None
    if dialect is not None:
        header = next(csv.reader([first], dialect))
        names = [h.strip().lower() for h in header]
        if "email" in names:
            column = names.index("email")
            reader = csv.reader(io.StringIO(text), dialect)
            next(reader)
            for row in reader:
                value = row[column].strip() if len(row) > column else ""
                if value:
                    yield Entry(reader.line_num, value, _is_domain(value))
            return
        if len(header) > 1:
            raise ImportError_(f"{path}: a CSV needs an `email` column (found: {', '.join(names)})")
    for number, raw in enumerate(lines, 1):
        value = raw.strip()
        if value and not value.startswith("#"):
            yield Entry(number, value, _is_domain(value))


def _batches(entries: Iterator[Entry], size: int) -> Iterator[list[Entry]]:
    batch: list[Entry] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _base_url(url: str) -> str:
    url = url.rstrip("/")
    return url if url.endswith(API_PREFIX) else url + API_PREFIX


def _error(response: httpx.Response) -> str:
    try:
        body = response.json()
        message = body.get("error") if isinstance(body, dict) else None
    except ValueError:
        message = None
    return f"the API answered {response.status_code}: {message or response.text[:200]}"


def run_import(
    path: Path,
    *,
    reason: str | None = None,
    api_url: str | None = None,
    api_key: str | None = None,
    batch_size: int = MAX_ENTRIES,
) -> Summary:
    api_url = api_url or os.environ.get("OUTREACH_API_URL") or ""
    api_key = api_key or os.environ.get("OUTREACH_API_KEY") or ""
    if not api_url or not api_key:
        raise ImportError_("set OUTREACH_API_URL and OUTREACH_API_KEY to talk to the API")
    if not path.is_file():
        raise ImportError_(f"no such file: {path}")
    summary = Summary(file=str(path))
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=_base_url(api_url), headers=headers, timeout=TIMEOUT) as http:
        for batch in _batches(read_entries(path), batch_size):
            emails = [e for e in batch if not e.domain]
            domains = [e for e in batch if e.domain]
            body: dict[str, Any] = {
                "emails": [e.value for e in emails],
                "domains": [e.value for e in domains],
                "source": "import",
            }
            if reason:
                body["reason"] = reason
            done = f"({summary.calls} call(s), {summary.entries} entries already imported)"
            try:
                response = http.post("/suppressions", json=body)
            except httpx.HTTPError as exc:
                raise ImportError_(f"cannot reach {api_url}: {exc} {done}") from exc
            if response.status_code != 200:
                raise ImportError_(f"{_error(response)} {done}")
            answer = response.json()
            ordered = emails + domains  # the API's `index` counts emails, then domains
            summary.calls += 1
            summary.entries += len(batch)
            summary.added += answer["counts"]["added"]
            summary.existing += answer["counts"]["existing"]
            summary.invalid += answer["counts"]["invalid"]
            for result in answer["results"]:
                if result["status"] == "invalid" and len(summary.invalid_rows) < INVALID_SHOWN:
                    entry = ordered[result["index"]]
                    summary.invalid_rows.append(
                        {"line": entry.line, "value": entry.value, "reason": result.get("reason")}
                    )
    return summary
