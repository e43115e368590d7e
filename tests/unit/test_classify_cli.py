"""`outreach classify` command line: raw message on stdin, and --jsonl."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from outreach.classify.cli import run

ROOT = Path(__file__).resolve().parents[2]

RAW_OOO = (
    b"From: Carla Diaz <cdiaz@brightpath.com>\r\n"
    b"To: Tom Becker <tom@pipeforge.io>\r\n"
    b"Subject: Automatic reply: Quick question\r\n"
    b"Date: Thu, 05 Mar 2026 16:30:00 +0000\r\n"
    b"Auto-Submitted: auto-replied\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
    b"I am out of the office until Monday 9 March with limited access to email.\r\n"
)


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def _run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    stdin: bytes = b"",
) -> tuple[int, list[str], str]:
    monkeypatch.setattr(sys, "stdin", _Stdin(stdin))
    code = run(argv)
    out, err = capsys.readouterr()
    return code, [line for line in out.splitlines() if line], err


def test_single_raw_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines, err = _run(monkeypatch, capsys, [], RAW_OOO)
    assert code == 0 and err == ""
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert result["label"] == "out_of_office"
    assert result["returnDate"] == "2026-03-09"
    assert isinstance(result["confidence"], float)
    assert "header Auto-Submitted: auto-replied" in result["reasons"]
    assert set(result) == {"label", "confidence", "reasons", "needsReview", "returnDate"}


def test_jsonl_order_shape_and_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {"subject": "Re: hi", "from": "a@x.com", "headers": {}, "body": "How much does it cost?"},
        "this is not json",
        {"subject": "Re: hi", "from": "b@x.com", "headers": {}, "body": "Unsubscribe"},
        {"subject": "Re: hi", "from": "c@x.com", "headers": {"Cc": "d@x.com"}},
        {
            "subject": "Re: hi",
            "from": "e@x.com",
            "headers": {},
            "body": "Not me - please contact kim@x.com.",
        },
    ]
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n\n",
        encoding="utf-8",
    )
    code, lines, _ = _run(monkeypatch, capsys, ["--jsonl", str(path)])
    assert code == 1
    results = [json.loads(line) for line in lines]
    assert len(results) == 5
    assert results[0]["label"] == "question"
    assert set(results[1]) == {"error"} and "invalid JSON" in results[1]["error"]
    assert results[2]["label"] == "unsubscribe_request"
    assert set(results[3]) == {"error"} and "body" in results[3]["error"]
    assert results[4] == {**results[4], "label": "referral", "referralEmail": "kim@x.com"}


def test_jsonl_from_stdin_all_ok(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = "\n".join(
        json.dumps({"subject": "Re: x", "from": "a@x.com", "headers": {}, "body": body})
        for body in ("Not interested.", "Can we talk Tuesday at 3pm?", "Thanks!")
    ).encode()
    code, lines, _ = _run(monkeypatch, capsys, ["--jsonl", "-"], data)
    assert code == 0
    assert [json.loads(line)["label"] for line in lines] == [
        "not_interested",
        "meeting_request",
        "other",
    ]


def test_errors_are_one_line_on_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines, err = _run(monkeypatch, capsys, [], b"")
    assert code != 0 and lines == []
    assert err.count("\n") == 1 and err.startswith("outreach classify: error:")
    code, _, err = _run(monkeypatch, capsys, ["--jsonl", "/nonexistent/file.jsonl"])
    assert code != 0 and err.count("\n") == 1
    code, _, err = _run(monkeypatch, capsys, ["--bogus"])
    assert code == 2 and err.count("\n") == 1 and "--bogus" in err


def test_provider_flag_without_configuration_uses_rules(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OUTREACH_LLM_BASE_URL", raising=False)
    code, lines, _ = _run(monkeypatch, capsys, ["--provider"], RAW_OOO)
    assert code == 0
    result = json.loads(lines[0])
    assert result["label"] == "out_of_office"
    assert result["reasons"][0].startswith("provider not used")


def test_module_entry_point_subprocess() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("OUTREACH_LLM_BASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "outreach.classify.cli"],
        input=RAW_OOO,
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.decode())
    assert result["label"] == "out_of_office"
