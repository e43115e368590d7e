"""API keys, hashing, HMAC signatures and signed tokens."""

from __future__ import annotations

import hashlib
import re

import pytest

from outreach.security import (
    KEY_PREFIX,
    VISIBLE_CHARS,
    generate_api_key,
    hash_api_key,
    hmac_sha256_hex,
    key_display_prefix,
    looks_like_api_key,
    sign_token,
    verify_token,
)


def test_keys_are_prefixed_long_random_and_url_safe() -> None:
    keys = {generate_api_key() for _ in range(200)}
    assert len(keys) == 200
    for key in keys:
        assert re.fullmatch(r"pms_live_[A-Za-z0-9_-]{43}", key)
        assert looks_like_api_key(key)
    # 256 bits of randomness: the characters after the prefix are spread out.
    alphabet = {c for key in keys for c in key[len(KEY_PREFIX) :]}
    assert len(alphabet) > 60


def test_a_key_is_stored_as_its_sha256_only() -> None:
    key = generate_api_key()
    digest = hash_api_key(key)
    assert digest == hashlib.sha256(key.encode()).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert hash_api_key(key + "x") != digest


def test_the_display_prefix_reveals_only_a_few_characters() -> None:
    key = generate_api_key()
    prefix = key_display_prefix(key)
    assert prefix == key[: len(KEY_PREFIX) + VISIBLE_CHARS]
    assert len(key) - len(prefix) >= 35


@pytest.mark.parametrize(
    "value",
    [
        "",
        "pms_live_",
        "pms_live_short",
        "pms_test_" + "a" * 43,
        "Bearer pms_live_" + "a" * 43,
        "pms_live_" + "a" * 20 + " " + "a" * 22,
        "pms_live_" + "a" * 43 + "\n",
        "pms_live_" + "a" * 42 + "\t",
        "pms_live_" + "ä" * 43,
        "pms_live_" + "٣" * 43,
        "pms_live_" + "a" * 300,
        "pms_live_' OR 1=1 --aaaaaaaaaaaaaaaa",
        "PMS_LIVE_" + "a" * 43,
    ],
)
def test_values_that_cannot_be_keys_are_refused_before_any_lookup(value: str) -> None:
    assert not looks_like_api_key(value)


def test_hmac_matches_rfc_4231() -> None:
    # RFC 4231, test case 2.
    assert hmac_sha256_hex("Jefe", b"what do ya want for nothing?") == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )
    assert hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?") == hmac_sha256_hex(
        "Jefe", b"what do ya want for nothing?"
    )


def test_signed_tokens_round_trip_and_resist_tampering() -> None:
    key = b"secret"
    for value in ("lead_abc", "jörg@bücher.de", "", "a.b.c", "x" * 100):
        token = sign_token(key, "unsub", value)
        assert verify_token(key, "unsub", token) == value
        assert token.count(".") == 1
    token = sign_token(key, "unsub", "lead_abc")
    assert verify_token(b"other", "unsub", token) is None
    assert verify_token(key, "cursor", token) is None  # bound to its purpose
    value, mac = token.split(".")
    other_value = sign_token(key, "unsub", "lead_xyz").split(".")[0]
    assert verify_token(key, "unsub", f"{other_value}.{mac}") is None
    for bad in ("", ".", "abc", "a.b.c", "%%.%%", "é.é", token + "x" * 200, value):
        assert verify_token(key, "unsub", bad) is None
