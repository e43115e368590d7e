"""Optional model provider: any OpenAI-compatible ``/chat/completions`` endpoint.

Configured by environment variables and off by default:

* ``OUTREACH_LLM_BASE_URL`` - e.g. ``https://api.openai.com/v1`` (unset = provider off)
* ``OUTREACH_LLM_API_KEY``  - sent as ``Authorization: Bearer ...``; never logged
* ``OUTREACH_LLM_MODEL``    - model name sent in the request
* ``OUTREACH_LLM_TIMEOUT``  - seconds, default 15

The built-in classifier (rules + the packaged model, ``model.combine``) always runs first (it is
cheap) and is the answer whenever the provider is off, misconfigured, fails, times out or
returns something that is not one of the eleven labels.
Policy: an unsubscribe request found by the rules wins over whatever the model says (an opt-out
must never be lost to a model's judgement); a model that says ``unsubscribe_request`` when the
rules did not is believed. Return dates and referral addresses come from the rule extractors;
a value proposed by the model is used only when the extractors found none and it checks out
(a real date; an address written in the reply that is not the sender's).
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import httpx

from .dates import extract_return_date
from .model import combine
from .models import LABELS, Classification, ReplyText
from .referral import emails_in, extract_referral_email
from .rules import Analysis, analyse

log = logging.getLogger(__name__)

ENV_BASE_URL = "OUTREACH_LLM_BASE_URL"
ENV_API_KEY = "OUTREACH_LLM_API_KEY"
ENV_MODEL = "OUTREACH_LLM_MODEL"
ENV_TIMEOUT = "OUTREACH_LLM_TIMEOUT"
MAX_BODY_CHARS = 4000


@dataclass(frozen=True)
class LLMSettings:
    """Where and how to reach the model. ``api_key`` is kept out of ``repr``."""

    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    model: str | None = None
    timeout: float = 15.0

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.base_url.strip())

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LLMSettings:
        env = os.environ if environ is None else environ
        timeout = 15.0
        raw_timeout = (env.get(ENV_TIMEOUT) or "").strip()
        if raw_timeout:
            try:
                timeout = max(0.1, float(raw_timeout))
            except ValueError:
                log.warning("ignoring invalid %s=%r", ENV_TIMEOUT, raw_timeout)
        return cls(
            base_url=(env.get(ENV_BASE_URL) or "").strip() or None,
            api_key=(env.get(ENV_API_KEY) or "").strip() or None,
            model=(env.get(ENV_MODEL) or "").strip() or None,
            timeout=timeout,
        )


SYSTEM_PROMPT = """You label replies to cold sales emails. Answer with one JSON object only:
{"label": "<label>", "confidence": <0..1>, "reason": "<short reason>",
 "return_date": "<YYYY-MM-DD or null>", "referral_email": "<address or null>"}

Labels (exactly one):
- interested: positive, wants to learn more or asks for information/material.
- meeting_request: proposes or accepts a call/meeting, gives times, or shares a calendar link.
- objection: a reason that could be overcome - price/budget, timing ("ask me in Q3"),
  already using another tool or vendor.
- not_interested: a plain no without asking to be removed.
- unsubscribe_request: asks to stop emailing / be removed / opt out. This wins over every other
  label, even inside an out-of-office or a "not interested".
- out_of_office: absence notice (vacation, leave, travel), automatic or not.
- auto_reply: any other machine-written reply (ticket received, mailbox not monitored).
- wrong_person: the recipient is not the right contact or has left, and names nobody else.
- referral: the recipient points to another person (name or address) who should be contacted.
- question: asks a question (price, features, integrations) without a clearer label.
- other: anything else (thanks, acknowledgements, unclear).

Only the new text of the reply counts; quoted earlier messages have been removed."""


def _user_prompt(reply: ReplyText, body: str, auto_evidence: tuple[str, ...]) -> str:
    received = reply.received_at.date().isoformat() if reply.received_at else "unknown"
    lines = [
        f"Subject: {reply.subject}",
        f"From: {reply.from_addr}",
        f"Received: {received}",
    ]
    if auto_evidence:
        lines.append("Automatic-message headers: " + "; ".join(auto_evidence))
    lines += ["", "Reply text:", body[:MAX_BODY_CHARS] or "(empty)"]
    return "\n".join(lines)


class ProviderError(Exception):
    """The provider could not give a usable label; the message says why (no secrets)."""


def _parse_content(content: str) -> dict[str, object]:
    text = content.strip()
    fenced = re.match(r"^```(?:json)?\s*(.*?)\s*```$", text, re.DOTALL)
    if fenced:
        text = fenced.group(1).strip()
    if text.strip().strip('"').strip() in LABELS:
        return {"label": text.strip().strip('"').strip()}
    try:
        data = json.loads(text)
    except ValueError:
        found = re.search(r"\{.*\}", text, re.DOTALL)
        if not found:
            raise ProviderError("provider answer is not JSON") from None
        try:
            data = json.loads(found.group(0))
        except ValueError:
            raise ProviderError("provider answer is not JSON") from None
    if not isinstance(data, dict):
        raise ProviderError("provider answer is not a JSON object")
    return data


async def _call(
    settings: LLMSettings, reply: ReplyText, an: Analysis, client: httpx.AsyncClient
) -> dict[str, object]:
    assert settings.base_url is not None
    url = settings.base_url.rstrip("/") + "/chat/completions"
    headers = {"Content-Type": "application/json"}
    if settings.api_key:
        headers["Authorization"] = f"Bearer {settings.api_key}"
    payload = {
        "model": settings.model,
        "temperature": 0,
        "max_tokens": 200,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": _user_prompt(reply, an.body, an.headers.reasons)},
        ],
    }
    try:
        resp = await client.post(url, json=payload, headers=headers, timeout=settings.timeout)
    except httpx.TimeoutException:
        raise ProviderError(f"provider timed out after {settings.timeout:g}s") from None
    except httpx.HTTPError as exc:
        raise ProviderError(f"provider unreachable ({type(exc).__name__})") from None
    if resp.status_code != 200:
        raise ProviderError(f"provider HTTP {resp.status_code}")
    try:
        body = resp.json()
    except ValueError:
        raise ProviderError("provider response is not JSON") from None
    try:
        content = body["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise ProviderError("provider response has no choices[0].message.content") from None
    if not isinstance(content, str):
        raise ProviderError("provider message content is not text")
    return _parse_content(content)


def _fallback(reply: ReplyText, an: Analysis, why: str) -> Classification:
    built_in = combine(reply, an)
    return Classification(
        built_in.label,
        built_in.confidence,
        [f"provider not used: {why}; rules and model decided", *built_in.reasons],
        return_date=built_in.return_date,
        referral_email=built_in.referral_email,
        needs_review=built_in.needs_review,
    )


def _valid_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _valid_referral(value: object, reply: ReplyText, an: Analysis) -> str | None:
    if not isinstance(value, str) or "@" not in value:
        return None
    wanted = value.strip().lower()
    if wanted == (reply.from_addr or "").strip().lower():
        return None
    for addr, _ in emails_in(an.body):
        if addr.lower() == wanted:
            return addr
    return None


async def classify_with_provider(
    reply: ReplyText,
    settings: LLMSettings | None = None,
    client: httpx.AsyncClient | None = None,
) -> Classification:
    """Classify with the model provider when configured, else (or on any failure) the rules.

    ``settings`` defaults to :meth:`LLMSettings.from_env`. A caller-supplied ``client`` is used
    as is and not closed. Reasons always say whether the provider or the rules decided.
    """
    an = analyse(reply)
    rules = an.classification
    assert rules is not None
    settings = settings or LLMSettings.from_env()
    if not settings.enabled:
        return _fallback(reply, an, f"{ENV_BASE_URL} is not set")
    if not settings.model:
        return _fallback(reply, an, f"{ENV_MODEL} is not set")

    try:
        if client is None:
            async with httpx.AsyncClient(timeout=settings.timeout) as own:
                data = await _call(settings, reply, an, own)
        else:
            data = await _call(settings, reply, an, client)
    except ProviderError as exc:
        log.warning("reply classifier provider failed: %s", exc)
        return _fallback(reply, an, str(exc))
    except Exception as exc:  # noqa: BLE001 - the rules must answer whatever happens
        log.warning("reply classifier provider failed: %s", type(exc).__name__)
        return _fallback(reply, an, f"provider error ({type(exc).__name__})")

    label = str(data.get("label", "")).strip().lower().replace("-", "_").replace(" ", "_")
    if label not in LABELS:
        shown = label[:40] or "(none)"
        log.warning("reply classifier provider returned unknown label %r", shown)
        return _fallback(reply, an, f"provider returned unknown label '{shown}'")

    conf_raw = data.get("confidence")
    confidence = 0.8
    if isinstance(conf_raw, int | float) and not isinstance(conf_raw, bool):
        confidence = min(1.0, max(0.0, float(conf_raw)))
    reasons = [f"provider: label '{label}' from model '{settings.model}'"]
    why = data.get("reason")
    if isinstance(why, str) and why.strip():
        reasons.append(f"provider reason: {why.strip()[:160]}")

    if an.unsubscribe and label != "unsubscribe_request":
        reasons = [
            f"rules: unsubscribe request overrides provider label '{label}'",
            *rules.reasons,
        ]
        label = "unsubscribe_request"
        confidence = max(confidence, rules.confidence)
    elif label == rules.label:
        reasons.append(f"rules agree ({rules.label})")
    else:
        reasons.append(f"rules said {rules.label}")

    return_date = None
    referral_email = None
    if label == "out_of_office":
        return_date = rules.return_date or extract_return_date(an.body, reply.received_at)
        return_date = return_date or _valid_date(data.get("return_date"))
    if label == "referral":
        referral_email = rules.referral_email or extract_referral_email(
            an.body, reply.from_addr, reply.headers
        )
        referral_email = referral_email or _valid_referral(data.get("referral_email"), reply, an)
    return Classification(label, confidence, reasons, return_date, referral_email)
