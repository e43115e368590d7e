"""Prefixed, unguessable identifiers (`lead_4f9k...`)."""

import secrets
import string

_ALPHABET = string.ascii_lowercase + string.digits
PREFIXES = (
    "ws",
    "key",
    "camp",
    "step",
    "lead",
    "send",
    "reply",
    "touch",
    "whk",
    "evt",
    "dlv",
    "att",
    "mbx",
    "sup",
    "req",
    "draft",
    "fb",  # reply_feedback (a corrected label)
    "disc",  # discovery_run
    "aprun",  # autopilot_run (one run of a campaign's autopilot)
)


def new_id(prefix: str, length: int = 20) -> str:
    if prefix not in PREFIXES:
        raise ValueError(f"unknown id prefix {prefix!r}")
    return prefix + "_" + "".join(secrets.choice(_ALPHABET) for _ in range(length))
