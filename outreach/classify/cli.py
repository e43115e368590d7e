"""``outreach classify``: label one raw message from stdin, or many JSON lines.

outreach classify < message.eml
outreach classify --jsonl replies.jsonl        # FILE may be "-" for stdin
outreach classify --provider < message.eml     # use the OUTREACH_LLM_* model provider
outreach classify export-feedback [FILE] [--workspace ID]
                                               # corrected labels as corpus JSON lines
                                               # (FILE, default stdout), for `make train`
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import io
import json
import os
import sys
from collections.abc import Iterable
from typing import Any, TextIO

import httpx

from .dataset import RowError, reply_from_row
from .mime import reply_text_from_message
from .model import classify
from .models import Classification, ReplyText, to_dict
from .provider import LLMSettings, classify_with_provider


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="outreach classify",
        description="Label inbound replies (interested, meeting_request, objection, ...).",
    )
    p.add_argument(
        "--jsonl",
        metavar="FILE",
        help='read JSON lines {"subject","from","headers","body"} from FILE ("-" = stdin)',
    )
    p.add_argument(
        "--provider",
        action="store_true",
        help="use the model provider configured by OUTREACH_LLM_BASE_URL/_API_KEY/_MODEL",
    )
    return p


def _emit(out: TextIO, obj: dict[str, Any]) -> None:
    out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    out.flush()


def _err(message: str) -> None:
    sys.stderr.write(f"outreach classify: error: {message}\n")
    sys.stderr.flush()


def _read_jsonl_lines(path: str) -> Iterable[str]:
    if path == "-":
        data = sys.stdin.buffer.read().decode("utf-8", errors="replace")
        return data.splitlines()
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.read().splitlines()


def _parse_line(line: str) -> ReplyText:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RowError(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    return reply_from_row(row)


async def _classify_many(replies: list[ReplyText | str], use_provider: bool) -> list[Any]:
    """Classify each reply (errors pass through as strings)."""
    results: list[Classification | str] = []
    if not use_provider:
        for item in replies:
            results.append(item if isinstance(item, str) else classify(item))
        return results
    settings = LLMSettings.from_env()
    async with httpx.AsyncClient(timeout=settings.timeout) as client:
        for item in replies:
            if isinstance(item, str):
                results.append(item)
            else:
                results.append(await classify_with_provider(item, settings, client))
    return results


def _run_jsonl(path: str, use_provider: bool) -> int:
    try:
        lines = _read_jsonl_lines(path)
    except OSError as exc:
        _err(f"cannot read {path}: {exc.strerror or exc}")
        return 1
    items: list[ReplyText | str] = []
    for line in lines:
        if not line.strip():
            continue
        try:
            items.append(_parse_line(line))
        except RowError as exc:
            items.append(str(exc))
    results = asyncio.run(_classify_many(items, use_provider))
    ok = True
    for result in results:
        if isinstance(result, str):
            ok = False
            _emit(sys.stdout, {"error": result})
        else:
            _emit(sys.stdout, to_dict(result))
    return 0 if ok else 1


def _run_single(use_provider: bool) -> int:
    data = sys.stdin.buffer.read()
    if not data.strip():
        _err("no message on stdin (expected one raw RFC 5322 message)")
        return 1
    msg = email.message_from_bytes(data, policy=email.policy.default)
    reply = reply_text_from_message(msg)
    if not reply.headers and not reply.body.strip():
        _err("stdin does not look like an RFC 5322 message")
        return 1
    result = asyncio.run(_classify_many([reply], use_provider))[0]
    _emit(sys.stdout, to_dict(result))
    return 0


async def _export_rows(workspace_id: str | None) -> list[dict[str, Any]]:
    from outreach.config import get_settings
    from outreach.db import Database
    from outreach.inbound.feedback import export_rows

    db = Database(get_settings())
    try:
        async with db.session() as s:
            return [row async for row in export_rows(s, workspace_id)]
    finally:
        await db.dispose()


def export_feedback(argv: list[str], out: TextIO | None = None) -> int:
    """``outreach classify export-feedback [FILE] [--workspace ID]``."""
    p = _Parser(
        prog="outreach classify export-feedback",
        description="Write corrected reply labels (PATCH /replies/{id} with label) as JSON "
        "lines in the corpus format, the latest correction of each reply, oldest first.",
    )
    p.add_argument("file", nargs="?", help="output file (default: stdout)")
    p.add_argument("--workspace", metavar="ID", help="only this workspace's corrections")
    try:
        args = p.parse_args(argv)
    except _UsageError as exc:
        _err(f"{exc} (see --help)")
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    rows = asyncio.run(_export_rows(args.workspace))
    if args.file and args.file != "-":
        with open(args.file, "w", encoding="utf-8") as fh:
            for row in rows:
                _emit(fh, row)
    else:
        for row in rows:
            _emit(out or sys.stdout, row)
    sys.stderr.write(f"exported {len(rows)} corrected label(s)\n")
    return 0


def run(argv: list[str]) -> int:
    """Entry point for ``outreach classify``; returns the process exit code."""
    if argv and argv[0] == "export-feedback":
        return export_feedback(argv[1:])
    try:
        args = _parser().parse_args(argv)
    except _UsageError as exc:
        _err(f"{exc} (see --help)")
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    try:
        if args.jsonl:
            return _run_jsonl(args.jsonl, args.provider)
        return _run_single(args.provider)
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, like other CLI tools.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, io.UnsupportedOperation):
            pass
        return 141


def main() -> None:
    raise SystemExit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
