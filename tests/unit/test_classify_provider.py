"""The optional model provider, against a real local HTTP server imitating chat-completions."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from outreach.classify import LLMSettings, ReplyText, classify, classify_with_provider

API_KEY = "sk-test-not-a-real-key-1234"
MODEL = "tiny-test-model"


@dataclass
class FakeOpenAI:
    """A chat-completions server; the first path segment selects its behaviour."""

    server: ThreadingHTTPServer
    requests: list[dict[str, Any]] = field(default_factory=list)

    def url(self, mode: str) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/{mode}/v1"

    def settings(self, mode: str, timeout: float = 5.0) -> LLMSettings:
        return LLMSettings(base_url=self.url(mode), api_key=API_KEY, model=MODEL, timeout=timeout)


def _completion(content: str) -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": MODEL,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
        }
    ).encode()


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[FakeOpenAI]:
    state: dict[str, FakeOpenAI] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                payload = json.loads(raw)
            except ValueError:
                payload = None
            state["srv"].requests.append(
                {"path": self.path, "headers": dict(self.headers), "json": payload}
            )
            mode = self.path.strip("/").split("/")[0]
            status, body = 200, b""
            if mode.startswith("label-"):
                label = mode.removeprefix("label-")
                body = _completion(
                    json.dumps({"label": label, "confidence": 0.91, "reason": "model says so"})
                )
            elif mode == "fenced":
                body = _completion('```json\n{"label": "question", "confidence": 0.7}\n```')
            elif mode == "plain":
                body = _completion("meeting_request")
            elif mode == "http500":
                status, body = 500, b'{"error": {"message": "boom"}}'
            elif mode == "slow":
                time.sleep(1.5)
                body = _completion(json.dumps({"label": "interested"}))
            elif mode == "badjson":
                body = b"this is not json {"
            elif mode == "badcontent":
                body = _completion("I think it is probably a positive reply!")
            elif mode == "unknown":
                body = _completion(json.dumps({"label": "super_interested", "confidence": 1}))
            elif mode == "nochoices":
                body = json.dumps({"object": "chat.completion", "choices": []}).encode()
            elif mode == "ooo":
                body = _completion(
                    json.dumps({"label": "out_of_office", "return_date": "2026-03-20"})
                )
            else:
                status, body = 404, b"{}"
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake = FakeOpenAI(server)
    state["srv"] = fake
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def make_reply(body: str, **kw: Any) -> ReplyText:
    return ReplyText(
        subject=kw.get("subject", "Re: Quick question"),
        from_addr=kw.get("sender", "jane@acme.com"),
        headers=kw.get("headers", {}),
        body=body,
        received_at=datetime(2026, 3, 5, tzinfo=UTC),
    )


INTERESTED = make_reply("Sounds interesting - could you send me more information?")


@pytest.mark.asyncio
async def test_provider_label_is_used_and_request_is_well_formed(fake_openai: FakeOpenAI) -> None:
    before = len(fake_openai.requests)
    c = await classify_with_provider(INTERESTED, fake_openai.settings("label-meeting_request"))
    assert c.label == "meeting_request"
    assert c.confidence == pytest.approx(0.91)
    assert c.reasons[0] == f"provider: label 'meeting_request' from model '{MODEL}'"
    assert "rules said interested" in c.reasons
    req = fake_openai.requests[before]
    assert req["path"] == "/label-meeting_request/v1/chat/completions"
    headers = {k.lower(): v for k, v in req["headers"].items()}
    assert headers["authorization"] == f"Bearer {API_KEY}"
    assert req["json"]["model"] == MODEL
    messages = req["json"]["messages"]
    assert messages[0]["role"] == "system" and messages[-1]["role"] == "user"
    assert "could you send me more information" in messages[-1]["content"]


@pytest.mark.asyncio
async def test_provider_receives_only_the_new_text(fake_openai: FakeOpenAI) -> None:
    before = len(fake_openai.requests)
    body = "Thanks!\n\nOn Tue, Tom <tom@x.io> wrote:\n> Interested? Unsubscribe here: https://x"
    await classify_with_provider(make_reply(body), fake_openai.settings("label-other"))
    sent = fake_openai.requests[before]["json"]["messages"][-1]["content"]
    assert "Thanks!" in sent and "Unsubscribe here" not in sent


@pytest.mark.asyncio
async def test_provider_fenced_and_plain_answers_are_accepted(fake_openai: FakeOpenAI) -> None:
    c = await classify_with_provider(INTERESTED, fake_openai.settings("fenced"))
    assert (c.label, c.confidence) == ("question", pytest.approx(0.7))
    c = await classify_with_provider(INTERESTED, fake_openai.settings("plain"))
    assert c.label == "meeting_request"


@pytest.mark.parametrize(
    ("mode", "why"),
    [
        ("http500", "provider HTTP 500"),
        ("badjson", "provider response is not JSON"),
        ("badcontent", "provider answer is not JSON"),
        ("unknown", "provider returned unknown label 'super_interested'"),
        ("nochoices", "provider response has no choices[0].message.content"),
        ("missing", "provider HTTP 404"),
    ],
)
@pytest.mark.asyncio
async def test_provider_failures_fall_back_to_rules(
    fake_openai: FakeOpenAI, mode: str, why: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    c = await classify_with_provider(INTERESTED, fake_openai.settings(mode))
    rules = classify(INTERESTED)
    assert c.label == rules.label == "interested"
    assert c.reasons[0] == f"provider not used: {why}; rules and model decided"
    assert c.reasons[1:] == rules.reasons
    assert API_KEY not in caplog.text


@pytest.mark.asyncio
async def test_provider_timeout_falls_back_to_rules(
    fake_openai: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    start = time.monotonic()
    c = await classify_with_provider(INTERESTED, fake_openai.settings("slow", timeout=0.3))
    assert time.monotonic() - start < 1.4
    assert c.label == "interested"
    assert (
        c.reasons[0] == "provider not used: provider timed out after 0.3s; rules and model decided"
    )
    assert API_KEY not in caplog.text


@pytest.mark.asyncio
async def test_unreachable_provider_falls_back(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    settings = LLMSettings(
        base_url="http://127.0.0.1:9/v1", api_key=API_KEY, model=MODEL, timeout=2
    )
    c = await classify_with_provider(INTERESTED, settings)
    assert c.label == "interested"
    assert c.reasons[0].startswith("provider not used: provider unreachable")
    assert API_KEY not in caplog.text


@pytest.mark.asyncio
async def test_rules_unsubscribe_wins_over_provider(fake_openai: FakeOpenAI) -> None:
    r = make_reply("Looks interesting, but please remove me from your list.")
    c = await classify_with_provider(r, fake_openai.settings("label-interested"))
    assert c.label == "unsubscribe_request"
    assert c.reasons[0] == "rules: unsubscribe request overrides provider label 'interested'"


@pytest.mark.asyncio
async def test_provider_unsubscribe_is_believed(fake_openai: FakeOpenAI) -> None:
    c = await classify_with_provider(INTERESTED, fake_openai.settings("label-unsubscribe_request"))
    assert c.label == "unsubscribe_request"


@pytest.mark.asyncio
async def test_extractors_run_for_provider_labels(fake_openai: FakeOpenAI) -> None:
    r = make_reply("I'm away, back on Monday 9 March.")
    c = await classify_with_provider(r, fake_openai.settings("ooo"))
    assert c.label == "out_of_office" and c.return_date is not None
    assert c.return_date.isoformat() == "2026-03-09"  # the rule extractor beats the model's date
    r = make_reply("Please talk to kim@acme.com about this.")
    c = await classify_with_provider(r, fake_openai.settings("label-referral"))
    assert (c.label, c.referral_email) == ("referral", "kim@acme.com")
    r = make_reply("Hmm, not sure.")
    c = await classify_with_provider(r, fake_openai.settings("ooo"))
    assert c.return_date is not None and c.return_date.isoformat() == "2026-03-20"


@pytest.mark.asyncio
async def test_caller_supplied_client_is_used_and_left_open(fake_openai: FakeOpenAI) -> None:
    async with httpx.AsyncClient() as client:
        c = await classify_with_provider(INTERESTED, fake_openai.settings("label-question"), client)
        assert c.label == "question"
        assert not client.is_closed


@pytest.mark.asyncio
async def test_provider_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OUTREACH_LLM_BASE_URL", "OUTREACH_LLM_API_KEY", "OUTREACH_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    c = await classify_with_provider(INTERESTED)
    assert c.label == "interested"
    assert (
        c.reasons[0]
        == "provider not used: OUTREACH_LLM_BASE_URL is not set; rules and model decided"
    )


@pytest.mark.asyncio
async def test_settings_from_env(fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_LLM_BASE_URL", fake_openai.url("label-objection"))
    monkeypatch.setenv("OUTREACH_LLM_API_KEY", API_KEY)
    monkeypatch.setenv("OUTREACH_LLM_MODEL", MODEL)
    settings = LLMSettings.from_env()
    assert settings.enabled and settings.model == MODEL
    assert API_KEY not in repr(settings)
    c = await classify_with_provider(INTERESTED)
    assert c.label == "objection"


@pytest.mark.asyncio
async def test_missing_model_falls_back() -> None:
    settings = LLMSettings(base_url="http://127.0.0.1:9/v1", api_key=API_KEY, model=None)
    c = await classify_with_provider(INTERESTED, settings)
    assert (
        c.reasons[0] == "provider not used: OUTREACH_LLM_MODEL is not set; rules and model decided"
    )
