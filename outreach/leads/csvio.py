"""`outreach leads import FILE.csv` and `outreach leads export`: leads as CSV, through the API.

Import reads the file three times, never holding more than one batch in memory:
1. the bytes: a SHA-256 of the content (it names the batches' `Idempotency-Key`s) and the
   encoding (UTF-8 with or without BOM, else cp1252, else latin-1);
2. the CSV structure (strict quoting): the row count (for the progress line) and any fatal
   fault — an unterminated quote, no `email` column — found before anything is sent;
3. the rows, sent to `POST /leads/bulk` in batches of up to 1,000.

A row whose number of fields differs from the header's is refused into the error CSV
(reason `malformed_row`) and the import goes on: a shifted row is never sent with its
values in the wrong fields. Re-running an import is safe: the same file, campaign and
options give the same `Idempotency-Key` per batch (the API answers a batch it has seen with
its stored result for 24 hours), and after that the leads answer `existing`.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO

import httpx

from outreach.suppressions.importer import TIMEOUT, _base_url, _error

MAX_BATCH = 1_000
EXPORT_PAGE = 200
CHUNK = 1 << 20
SNIFF_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
FATAL_STATUSES = {
    401: "the API key was refused (check OUTREACH_API_KEY)",
    403: "the API key lacks the scope (leads:write to import, leads:read to export)",
    404: "no such campaign in this key's workspace",
}

# The lead's fields as the API names them (the exporter's column names).
FIELDS = ("email", "firstName", "lastName", "company", "role", "linkedinUrl", "timezone")
# Columns the exporter adds; the importer skips them (they describe a lead, not enrol one).
EXPORT_ONLY = ("status", "statusReason", "currentStep", "createdAt")
CUSTOM_PREFIX = "customFields."
IGNORE = "-"

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "email": ("email", "emailaddress", "mail", "emailid", "workemail", "businessemail"),
    "firstName": ("firstname", "first", "givenname", "fname", "forename"),
    "lastName": ("lastname", "last", "surname", "familyname", "lname"),
    "company": (
        "company",
        "companyname",
        "organization",
        "organisation",
        "org",
        "account",
        "accountname",
        "employer",
    ),
    "role": ("role", "title", "jobtitle", "position", "jobrole", "designation"),
    "linkedinUrl": (
        "linkedinurl",
        "linkedin",
        "linkedinprofile",
        "linkedinprofileurl",
        "linkedinlink",
        "personlinkedinurl",
    ),
    "timezone": ("timezone", "tz", "tzname"),
}
_KNOWN = {alias: name for name, aliases in _SYNONYMS.items() for alias in aliases}
_SKIPPED = {"status", "statusreason", "currentstep", "createdat"}


class CsvError(Exception):
    """A failure the CLI prints as one line (with the summary of what was sent, if any)."""

    def __init__(self, message: str, summary: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.summary = summary


def normalise(header: str) -> str:
    return re.sub(r"[\s_\-.]+", "", header.strip().lstrip("\ufeff").lower())


def field_for(header: str) -> str | None:
    """The lead field a header names (synonyms understood), else None."""
    return _KNOWN.get(normalise(header))


def custom_key(header: str) -> str:
    """A header as a custom field's name usable as a template variable: `Deal size` ->
    `Deal_size`."""
    key = re.sub(r"[^A-Za-z0-9_.]+", "_", header.strip()).strip("_") or "column"
    return "_" + key if key[0].isdigit() else key


def parse_map(text: str | None) -> dict[str, str]:
    """`"Email Address=email,First=firstName,Notes=-"` -> {normalised header: target}."""
    out: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        source, sep, target = part.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise CsvError(f"--map: expected HEADER=FIELD, got {part.strip()!r}")
        out[normalise(source)] = target.strip()
    return out


@dataclass
class Column:
    index: int
    header: str
    field: str | None = None  # a lead field
    custom: str | None = None  # a custom field's name
    # neither: skipped


def plan_columns(header: list[str], mapping: dict[str, str]) -> list[Column]:
    columns: list[Column] = []
    for i, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff")
        col = Column(i, name)
        target = mapping.get(normalise(name))
        if target is not None:
            if target == IGNORE:
                pass
            elif field_for(target) is not None:
                col.field = field_for(target)
            else:
                col.custom = custom_key(target.removeprefix(CUSTOM_PREFIX))
        elif name.startswith(CUSTOM_PREFIX):
            col.custom = custom_key(name.removeprefix(CUSTOM_PREFIX))
        elif field_for(name) is not None:
            col.field = field_for(name)
        elif normalise(name) in _SKIPPED or not name:
            pass
        else:
            col.custom = custom_key(name)
        columns.append(col)
    taken: dict[str, str] = {}
    for col in columns:
        if col.field is not None:
            if col.field in taken:
                raise CsvError(
                    f"columns {taken[col.field]!r} and {col.header!r} both mean {col.field}; "
                    f'pick one with --map "{col.header}=-"'
                )
            taken[col.field] = col.header
    if "email" not in taken:
        found = ", ".join(repr(c.header) for c in columns)
        raise CsvError(
            f'line 1: no email column (found: {found}); name one with --map "Your Header=email"'
        )
    return columns


def row_fields(columns: list[Column], cells: list[str]) -> dict[str, Any]:
    """One CSV row as a row of `POST /leads/bulk`; empty cells are omitted."""
    row: dict[str, Any] = {}
    custom: dict[str, Any] = {}
    for col in columns:
        value = cells[col.index].strip()
        if not value:
            continue
        if col.field is not None:
            row[col.field] = value
        elif col.custom is not None:
            custom[col.custom] = value
    if custom:
        row["customFields"] = custom
    return row


# --- reading ---------------------------------------------------------------------------


@dataclass
class Source:
    path: Path
    encoding: str  # utf-8-sig, cp1252 or latin-1
    digest: str
    delimiter: str


def inspect_bytes(path: Path) -> tuple[str, str]:
    """(sha256, encoding), reading the file in 1 MiB chunks (twice when it is not UTF-8)."""
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
                if utf8_ok:
                    try:
                        utf8.decode(chunk)
                    except UnicodeDecodeError:
                        utf8_ok = False
        if utf8_ok:
            try:
                utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8_ok = False
        if utf8_ok:
            return digest.hexdigest(), "utf-8-sig"
        with path.open("rb") as fh:
            try:
                while chunk := fh.read(CHUNK):
                    chunk.decode("cp1252")  # stateless: a chunk boundary cannot split a char
            except UnicodeDecodeError:
                return digest.hexdigest(), "latin-1"  # every byte is a latin-1 character
    except OSError as exc:
        raise CsvError(f"cannot read {path}: {exc}") from exc
    return digest.hexdigest(), "cp1252"


def sniff_delimiter(path: Path, encoding: str) -> str:
    with path.open(encoding=encoding, newline="") as fh:
        sample = fh.read(SNIFF_BYTES)
    lines = sample.splitlines()
    if len(sample) == SNIFF_BYTES and len(lines) > 1:
        sample = "\n".join(lines[:-1])  # a cut last line would mislead the sniffer
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = lines[0] if lines else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def open_source(path: Path, delimiter: str | None) -> Source:
    if not path.is_file():
        raise CsvError(f"no such file: {path}")
    digest, encoding = inspect_bytes(path)
    if delimiter is not None:
        delimiter = {"tab": "\t", "\\t": "\t"}.get(delimiter, delimiter)
        if len(delimiter) != 1:
            raise CsvError(f"--delimiter must be one character (or tab), got {delimiter!r}")
    return Source(path, encoding, digest, delimiter or sniff_delimiter(path, encoding))


@dataclass
class Record:
    line: int  # the line the record starts on (1-based; the header is line 1)
    cells: list[str]


def records(src: Source) -> Iterator[Record]:
    """The file's records after the header, streamed; CsvError naming the line on a fault
    the rest of the file cannot be read past (an unterminated quote, a stray quote)."""
    with src.path.open(encoding=src.encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=src.delimiter, strict=True)
        start = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                detail = str(exc)
                if "unexpected end of data" in detail:
                    end = reader.line_num
                    detail = f"a quote opened here is never closed (the file ends at line {end})"
                raise CsvError(f"line {start}: malformed CSV: {detail}") from exc
            yield Record(start, cells)
            start = reader.line_num + 1


def header_of(src: Source) -> list[str]:
    first = next(records(src), None)
    if first is None:
        raise CsvError(f"{src.path} is empty")
    return first.cells


def count_rows(src: Source) -> int:
    """The data rows (blank lines not counted); raises on a fatal fault."""
    it = records(src)
    next(it, None)
    return sum(1 for r in it if any(c.strip() for c in r.cells))


# --- the HTTP side ---------------------------------------------------------------------


def _api() -> tuple[str, str]:
    api_url = os.environ.get("OUTREACH_API_URL") or "http://localhost:8000"
    api_key = os.environ.get("OUTREACH_API_KEY") or ""
    if not api_key:
        raise CsvError("set OUTREACH_API_KEY (and OUTREACH_API_URL) to talk to the API")
    return api_url, api_key


def _client(api_url: str, api_key: str) -> httpx.Client:
    return httpx.Client(
        base_url=_base_url(api_url),
        headers={"Authorization": f"Bearer {api_key}"},
        timeout=TIMEOUT,
    )


@dataclass
class Retry:
    attempts: int = 6
    base: float = 0.5  # seconds, doubled each attempt
    cap: float = 30.0


def request(http: httpx.Client, method: str, url: str, retry: Retry, **kw: Any) -> httpx.Response:
    """The answer; retries 429, 5xx and connection errors with bounded backoff, raises
    CsvError on anything but 2xx."""
    for attempt in range(1, retry.attempts + 1):
        last = attempt == retry.attempts
        try:
            response = http.request(method, url, **kw)
        except httpx.TransportError as exc:
            if last:
                raise CsvError(
                    f"cannot reach {http.base_url} after {attempt} attempts: {exc}"
                ) from exc
            wait = retry.base * 2 ** (attempt - 1)
        else:
            if response.is_success:
                return response
            if response.status_code in FATAL_STATUSES:
                raise CsvError(f"{_error(response)} ({FATAL_STATUSES[response.status_code]})")
            if response.status_code not in RETRY_STATUSES or last:
                raise CsvError(_error(response))
            wait = retry.base * 2 ** (attempt - 1)
            after = response.headers.get("Retry-After", "")
            if after.isdigit():
                wait = max(wait, float(after))
        time.sleep(min(wait, retry.cap))
    raise AssertionError("unreachable")


# --- progress --------------------------------------------------------------------------


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()

    def show(self, done: int, batch: int) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = done / elapsed
        left = max(self.total - done, 0)
        eta = f"{int(left / rate // 60)}:{int(left / rate % 60):02d}" if rate else "?"
        pct = f" ({100 * done // self.total}%)" if self.total else ""
        line = (
            f"outreach: batch {batch}: {done:,}/{self.total:,} rows{pct}, "
            f"{rate:,.0f} rows/s, ETA {eta}"
        )
        if self.tty:
            self.stream.write("\r\x1b[K" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def end(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


# --- import ----------------------------------------------------------------------------

COUNT_KEYS = ("created", "existing", "suppressed", "invalid", "duplicateInPayload")


@dataclass
class ImportSummary:
    file: str
    campaign_id: str
    encoding: str
    delimiter: str
    rows: int = 0  # data rows in the file
    sent: int = 0  # rows sent to the API (answered)
    batches: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    malformed: int = 0
    refused: int = 0
    errors_file: str | None = None
    seconds: float = 0.0
    stopped: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": self.file,
            "campaignId": self.campaign_id,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "rows": self.rows,
            "sent": self.sent,
            "batches": self.batches,
            "counts": self.counts,
            "malformed": self.malformed,
            "refused": self.refused,
            "errorsFile": self.errors_file,
            "seconds": round(self.seconds, 2),
            "rowsPerSecond": round(self.sent / self.seconds) if self.seconds else None,
        }
        if self.stopped is not None:
            out["stopped"] = self.stopped
        return out


class _Refused:
    """The error CSV, opened at the first refused row."""

    def __init__(self, path: Path, header: list[str]) -> None:
        self.path = path
        self.header = header
        self.fh: IO[str] | None = None
        self.writer: Any = None

    def add(self, line: int, status: str, reason: str, cells: list[str]) -> None:
        if self.writer is None:
            self.fh = self.path.open("w", encoding="utf-8", newline="")
            self.writer = csv.writer(self.fh)
            self.writer.writerow(["line", "status", "reason", *self.header])
        self.writer.writerow([line, status, reason, *cells])

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()


def _key_base(src: Source, campaign_id: str, mapping: dict[str, str], batch: int) -> str:
    options = json.dumps(
        [src.digest, campaign_id, sorted(mapping.items()), src.delimiter, src.encoding, batch]
    )
    return "csv-" + hashlib.sha256(options.encode()).hexdigest()[:40]


def run_import(
    path: Path,
    *,
    campaign_id: str,
    mapping: str | None = None,
    delimiter: str | None = None,
    batch_size: int = MAX_BATCH,
    errors: Path | None = None,
    retry: Retry | None = None,
    progress: TextIO | None = None,
) -> ImportSummary:
    api_url, api_key = _api()
    if not 1 <= batch_size <= MAX_BATCH:
        raise CsvError(f"--batch must be 1..{MAX_BATCH}")
    retry = retry or Retry()
    warn = progress or sys.stderr
    columns_map = parse_map(mapping)
    src = open_source(path, delimiter)
    summary = ImportSummary(str(path), campaign_id, src.encoding, src.delimiter)
    try:  # a fatal fault stops here, before anything is sent
        header = header_of(src)
        columns = plan_columns(header, columns_map)
        summary.rows = count_rows(src)
    except CsvError as exc:
        raise CsvError(f"{exc}; nothing was sent", summary.as_json()) from exc
    refused = _Refused(errors or path.with_name(path.name + ".refused.csv"), header)
    key_base = _key_base(src, campaign_id, columns_map, batch_size)
    bar = Progress(summary.rows, progress)
    started = time.monotonic()
    done = 0  # data rows handled (sent, malformed)
    last_line = 1

    def send(batch: list[Record]) -> None:
        nonlocal done, last_line
        number = summary.batches + 1
        body = {"campaignId": campaign_id, "leads": [row_fields(columns, r.cells) for r in batch]}
        response = request(
            http,
            "POST",
            "/leads/bulk",
            retry,
            json=body,
            headers={"Idempotency-Key": f"{key_base}-{number}"},
        )
        answer = response.json()
        summary.batches = number
        summary.sent += len(batch)
        for name in COUNT_KEYS:
            summary.counts[name] += int(answer["counts"].get(name, 0))
        for result in answer["results"]:
            if result["status"] in ("invalid", "duplicate_in_payload", "suppressed"):
                record = batch[result["index"]]
                reason = result.get("reason") or result["status"]
                refused.add(record.line, result["status"], reason, record.cells)
                summary.refused += 1
        done += len(batch)
        last_line = batch[-1].line
        bar.show(done, number)

    try:
        with _client(api_url, api_key) as http:
            batch: list[Record] = []
            it = records(src)
            next(it, None)
            for record in it:
                if not any(c.strip() for c in record.cells):
                    continue
                if len(record.cells) != len(header):
                    reason = (
                        f"malformed_row: {len(record.cells)} fields, the header has {len(header)}"
                    )
                    refused.add(record.line, "malformed", reason, record.cells)
                    summary.malformed += 1
                    summary.refused += 1
                    done += 1
                    warn.write(f"outreach: warning: line {record.line}: {reason}; refused\n")
                    continue
                batch.append(record)
                if len(batch) == batch_size:
                    send(batch)
                    batch = []
            if batch:
                send(batch)
    except (Exception, KeyboardInterrupt) as exc:  # reported with the summary
        bar.end()
        summary.seconds = time.monotonic() - started
        summary.stopped = {
            "afterLine": last_line,
            "resume": "fix the cause and run the same command again: batches already sent "
            "answer their stored result (Idempotency-Key, 24 h), their leads count as existing",
        }
        refused.close()
        summary.errors_file = str(refused.path) if refused.writer is not None else None
        sent = (
            f"{summary.sent:,} rows in {summary.batches} batch(es) were sent, "
            f"up to line {last_line}"
        )
        cause = (
            str(exc)
            if isinstance(exc, CsvError)
            else "interrupted"
            if isinstance(exc, KeyboardInterrupt)
            else f"{type(exc).__name__}: {exc}"
        )
        raise CsvError(f"{cause}; {sent}", summary.as_json()) from exc
    bar.end()
    refused.close()
    summary.errors_file = str(refused.path) if refused.writer is not None else None
    summary.seconds = time.monotonic() - started
    return summary


# --- export ----------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _custom_column(key: str) -> str:
    """A custom field's column; prefixed when its name would read as a lead field."""
    clash = field_for(key) is not None or normalise(key) in _SKIPPED
    return CUSTOM_PREFIX + key if clash else key


def run_export(
    *,
    campaign_id: str,
    status: str | None = None,
    out: TextIO,
    retry: Retry | None = None,
) -> dict[str, Any]:
    """Write the campaign's leads as CSV to `out`. The pages are spooled to a temporary
    file (one JSON line per lead: memory stays flat) while the custom fields' names are
    collected, then the CSV is written with them as columns."""
    api_url, api_key = _api()
    retry = retry or Retry()
    started = time.monotonic()
    keys: dict[str, None] = {}
    leads = pages = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        with _client(api_url, api_key) as http:
            params: dict[str, Any] = {"campaignId": campaign_id, "limit": EXPORT_PAGE}
            if status:
                params["status"] = status
            # An unknown campaign would list nothing: say so (when the key may read it).
            try:
                missing = http.get(f"/campaigns/{campaign_id}").status_code == 404
            except httpx.TransportError:
                missing = False  # the listing below retries and reports
            if missing:
                raise CsvError(f"no campaign {campaign_id} in this key's workspace")
            while True:
                page = request(http, "GET", "/leads", retry, params=params).json()
                pages += 1
                for lead in page["data"]:
                    for key in lead.get("customFields") or {}:
                        keys.setdefault(key, None)
                    spool.write(json.dumps(lead) + "\n")
                    leads += 1
                cursor = page.get("nextCursor")
                if not cursor:
                    break
                params["cursor"] = cursor
        spool.seek(0)
        writer = csv.writer(out)
        custom = list(keys)
        writer.writerow([*FIELDS, *(_custom_column(k) for k in custom), *EXPORT_ONLY])
        for line in spool:
            lead = json.loads(line)
            fields = lead.get("customFields") or {}
            writer.writerow(
                [_cell(lead.get(f)) for f in FIELDS]
                + [_cell(fields.get(k)) for k in custom]
                + [_cell(lead.get(f)) for f in EXPORT_ONLY]
            )
    out.flush()
    return {
        "campaignId": campaign_id,
        "status": status,
        "leads": leads,
        "pages": pages,
        "customFields": custom,
        "seconds": round(time.monotonic() - started, 2),
    }


def export_to(path: str | None, **kw: Any) -> dict[str, Any]:
    if path is None or path == "-":
        return run_export(out=sys.stdout, **kw)
    target = Path(path)
    tmp = target.with_name(target.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            summary = run_export(out=fh, **kw)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return {"file": str(target), **summary}
