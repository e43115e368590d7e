"""Writing with the configured model: any OpenAI-compatible `/chat/completions` endpoint
(`OUTREACH_LLM_*`, the same settings the reply classifier uses; see
outreach.classify.provider). Called only from activities, with the provider's timeout; an
answer that is not usable raises `ModelError` (the workflow then falls back to the
built-in answer and records why)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import httpx

from outreach.classify.provider import LLMSettings

MAX_REPLY_CHARS = 4_000
MAX_CONTEXT_CHARS = 4_000
MAX_ANSWER_CHARS = 20_000
MAX_TOUCH_CHARS = 3_000
MAX_RESPONSE_BYTES = 1_000_000  # of the provider's HTTP answer, read at most
MAX_CONTENT_CHARS = 50_000  # of the message content, looked at

DRAFT_PROMPT = """You write the answer a founder sends to a reply to their cold email.
Write in the language of the reply, short (under 120 words), warm and specific, plain text,
no placeholders in brackets. Never promise what the pitch does not say. If the reply asks
for a meeting, offer the booking link when one is given, else the proposed slots.
Answer with one JSON object only: {"subject": "<subject>", "body": "<body>"}"""

TOUCH_PROMPT = """You rewrite a short LinkedIn or Twitter message a founder sends by hand.
Keep its meaning and its facts, change the wording, plain text, under 300 characters for
Twitter and 600 for LinkedIn, no placeholders in brackets.
Answer with one JSON object only: {"text": "<message>"}"""


class ModelError(Exception):
    """The model gave no usable answer; the message says why (no secrets)."""


@dataclass(frozen=True)
class DraftPrompt:
    pitch_context: str | None
    lead: dict[str, str]  # firstName, company, role...
    thread: list[str]  # our emails to the lead, oldest first (subject and text)
    reply_subject: str | None
    reply_text: str
    label: str | None
    sender_name: str | None
    booking_url: str | None
    slots: list[str]


def _draft_user_prompt(p: DraftPrompt) -> str:
    lines = [f"Pitch: {(p.pitch_context or '(none given)')[:MAX_CONTEXT_CHARS]}"]
    lines.append("Lead: " + ", ".join(f"{k}={v}" for k, v in p.lead.items() if v) or "(unknown)")
    if p.sender_name:
        lines.append(f"Sender: {p.sender_name}")
    if p.booking_url:
        lines.append(f"Booking link: {p.booking_url}")
    elif p.slots:
        lines.append("Proposed slots: " + "; ".join(p.slots))
    for i, sent in enumerate(p.thread[-4:], start=1):
        lines.append(f"Our email {i}:\n{sent[:1500]}")
    lines.append(f"Their reply (classified {p.label or 'unknown'}), subject {p.reply_subject!r}:")
    lines.append(p.reply_text[:MAX_REPLY_CHARS] or "(empty)")
    return "\n".join(lines)


async def _complete(settings: LLMSettings, system: str, user: str, max_tokens: int) -> str:
    if not settings.enabled or not settings.model or not settings.base_url:
        raise ModelError("no model configured")
    url = settings.base_url.rstrip("/") + "/chat/completions"
    headers = {"Content-Type": "application/json"}
    if settings.api_key:
        headers["Authorization"] = f"Bearer {settings.api_key}"
    payload = {
        "model": settings.model,
        "temperature": 0.4,
        "max_tokens": max_tokens,
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
    }
    try:
        async with (
            httpx.AsyncClient(timeout=settings.timeout) as client,
            client.stream("POST", url, json=payload, headers=headers) as resp,
        ):
            if resp.status_code != 200:
                raise ModelError(f"model answered HTTP {resp.status_code}")
            raw = bytearray()
            async for chunk in resp.aiter_bytes():
                raw += chunk
                if len(raw) > MAX_RESPONSE_BYTES:
                    raise ModelError("model answer too large")
    except httpx.TimeoutException:
        raise ModelError(f"model timed out after {settings.timeout:g}s") from None
    except httpx.HTTPError as exc:
        raise ModelError(f"model unreachable ({type(exc).__name__})") from None
    try:
        content = json.loads(raw)["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise ModelError("model answer has no choices[0].message.content") from None
    if not isinstance(content, str) or not content.strip():
        raise ModelError("model answer is empty")
    return content[:MAX_CONTENT_CHARS]


def _json_object(content: str) -> dict[str, object]:
    """The JSON object in the answer: the whole text, a fenced block, or the first object
    found (read with a linear-time decoder from each `{`, at most a few tries)."""
    text = content.strip()
    fenced = re.match(r"^```(?:json)?\s*(.*?)\s*```$", text, re.DOTALL)
    if fenced:
        text = fenced.group(1)
    try:
        data = json.loads(text)
    except ValueError:
        data = None
        decoder = json.JSONDecoder()
        start = text.find("{")
        for _ in range(5):
            if start < 0:
                break
            try:
                data, _end = decoder.raw_decode(text, start)
                break
            except ValueError:
                start = text.find("{", start + 1)
        if data is None:
            raise ModelError("model answer is not JSON") from None
    if not isinstance(data, dict):
        raise ModelError("model answer is not a JSON object")
    return data


def _text(data: dict[str, object], key: str, cap: int) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ModelError(f"model answer has no {key!r}")
    if len(value) > cap:
        raise ModelError(f"model answer's {key!r} is over {cap:,} characters")
    if re.search(r"\[[A-Z][A-Za-z ]{2,30}\]", value):
        raise ModelError(f"model answer's {key!r} holds a placeholder in brackets")
    return value.strip()


async def write_draft(settings: LLMSettings, prompt: DraftPrompt) -> tuple[str | None, str]:
    """(subject or None, body) written by the model, or ModelError."""
    data = _json_object(await _complete(settings, DRAFT_PROMPT, _draft_user_prompt(prompt), 600))
    body = _text(data, "body", MAX_ANSWER_CHARS)
    subject = data.get("subject")
    clean = subject.strip()[:300] if isinstance(subject, str) and subject.strip() else None
    return clean, body


async def rewrite_touch(settings: LLMSettings, channel: str, text: str, pitch: str | None) -> str:
    user = f"Channel: {channel}\nPitch: {(pitch or '(none)')[:MAX_CONTEXT_CHARS]}\n\n{text}"
    data = _json_object(await _complete(settings, TOUCH_PROMPT, user, 400))
    return _text(data, "text", MAX_TOUCH_CHARS)


# The provider call and the answer's checks, shared with the lead enrichment's summary
# and opener (outreach.enrichment.model).
complete = _complete
json_object = _json_object
model_text = _text
