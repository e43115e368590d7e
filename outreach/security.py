"""API keys, hashing and signed tokens. Plain functions; no I/O."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

KEY_PREFIX = "pms_live_"
# Characters of the random part kept visible in the stored prefix, so an operator can tell
# keys apart ("pms_live_Ab3dE9xQ") without the key being recoverable from it.
VISIBLE_CHARS = 8


def generate_api_key() -> str:
    """`pms_live_` + 43 url-safe characters (256 bits of entropy)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_display_prefix(key: str) -> str:
    return key[: len(KEY_PREFIX) + VISIBLE_CHARS]


def looks_like_api_key(value: str) -> bool:
    return (
        value.startswith(KEY_PREFIX)
        and 16 <= len(value) <= 200
        and all((c.isascii() and c.isalnum()) or c in "-_" for c in value)
    )


def hmac_sha256_hex(secret: bytes | str, body: bytes) -> str:
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_token(key: bytes, purpose: str, value: str) -> str:
    """A token that names `value` and cannot be forged without `key`."""
    mac = hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).digest()[:20]
    return f"{_b64(value.encode())}.{_b64(mac)}"


def verify_token(key: bytes, purpose: str, token: str) -> str | None:
    """The value a token names, or None if it is malformed or forged."""
    if not token or len(token) > 200 or token.count(".") != 1:
        return None
    raw_value, raw_mac = token.split(".")
    try:
        value = _unb64(raw_value).decode("utf-8")
        mac = _unb64(raw_mac)
    except (ValueError, UnicodeDecodeError):
        return None
    expected = hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).digest()[:20]
    return value if hmac.compare_digest(mac, expected) else None
