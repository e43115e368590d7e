"""Fixtures of the assistive-action tests: the replies tests' flow (time-skipping Temporal,
the real worker, SMTP, the database) and a model provider on loopback speaking the OpenAI
chat-completions format (the one fake allowed: a paid provider, at its HTTP boundary)."""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.replies.conftest import flow  # noqa: F401  (the fixture, shared)


@dataclass
class FakeModel:
    """Answers `POST /v1/chat/completions` with `content` (a str: the message content;
    "HTTP 500": that status; "slow": sleeps past the client's timeout)."""

    url: str = ""
    answers: list[str] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    delay: float = 0.0

    def next_answer(self) -> str:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeModel]:
    with serving_model() as fake:
        monkeypatch.setenv("OUTREACH_LLM_BASE_URL", fake.url)
        monkeypatch.setenv("OUTREACH_LLM_MODEL", "fake-model-1")
        monkeypatch.setenv("OUTREACH_LLM_API_KEY", "sk-test-secret")
        monkeypatch.setenv("OUTREACH_LLM_TIMEOUT", "0.5")
        yield fake


@contextlib.contextmanager
def serving_model() -> Iterator[FakeModel]:
    """The fake provider on a free loopback port (`fake.url` is its base URL)."""
    fake = FakeModel(answers=['{"subject": "Re: Hello", "body": "Model answer."}'])

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            if "You label replies" in body["messages"][0]["content"]:
                # The reply classifier asks too: let its rules decide (it falls back).
                self.send_response(503)
                self.end_headers()
                return
            fake.requests.append(
                {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
            )
            answer = fake.next_answer()
            if answer == "slow":
                time.sleep(fake.delay or 2.0)
                answer = '{"body": "too late"}'
            if answer.startswith("HTTP "):
                self.send_response(int(answer[5:]))
                self.end_headers()
                return
            payload = json.dumps({"choices": [{"message": {"content": answer}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
