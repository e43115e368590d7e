"""AES-256-GCM under a keyring of key ids (pure: no I/O, no settings).

A sealed value is text: `enc:v1:<kid>:<base64url(nonce || ciphertext || tag)>`, with a
random 96-bit nonce. Its associated data is `enc:v1:<kid>:<context>`, where the context
names the row and column it belongs to (`mailbox.password:mbx_...`): a value copied to
another row or column, or edited in any byte, does not open.

Keys are written `[<kid>:]<base64 of 32 bytes>`, several separated by commas or newlines
(`#` starts a comment line); the first is the current key (it seals), every one opens. A
key written without a kid gets one derived from it (8 hex characters of a SHA-256), so
`<new key>,<old key>` is enough to rotate.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc"
VERSION = "v1"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
KID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")


class EncryptionError(Exception):
    """Anything wrong with keys or sealed values. Messages never hold key material or a
    secret."""


class KeyConfigError(EncryptionError):
    """The configured keys are missing or malformed."""


class DecryptError(EncryptionError):
    """A sealed value does not open (unknown key id, wrong key, tampered, wrong row)."""


@dataclass(frozen=True)
class Key:
    kid: str
    material: bytes = field(repr=False)


@dataclass(frozen=True)
class Keyring:
    """`keys[0]` is the current key."""

    keys: tuple[Key, ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyConfigError("no encryption key given")
        kids = [k.kid for k in self.keys]
        dupes = sorted({k for k in kids if kids.count(k) > 1})
        if dupes:
            raise KeyConfigError(f"key id(s) given twice: {', '.join(dupes)}")

    @property
    def current(self) -> Key:
        return self.keys[0]

    @property
    def kids(self) -> tuple[str, ...]:
        return tuple(k.kid for k in self.keys)

    def get(self, kid: str) -> Key | None:
        return next((k for k in self.keys if k.kid == kid), None)


def derive_kid(material: bytes) -> str:
    return hashlib.sha256(b"outreach-encryption-key-id:" + material).hexdigest()[:8]


def new_key_text() -> str:
    """A fresh key as it is written in the configuration (`<kid>:<base64>`)."""
    material = os.urandom(KEY_BYTES)
    return f"{derive_kid(material)}:{base64.b64encode(material).decode('ascii')}"


def _decode_key(text: str) -> bytes | None:
    """Standard or URL-safe base64, padded or not; None unless it is 32 bytes."""
    standard = text.replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == KEY_BYTES else None


def parse_keys(text: str, source: str) -> Keyring:
    """The keyring written in `text`; `source` names where it came from in errors (which
    never quote the text)."""
    entries: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            entries.extend(e.strip() for e in line.split(",") if e.strip())
    if not entries:
        raise KeyConfigError(f"{source} holds no key")
    keys = []
    for n, entry in enumerate(entries, 1):
        kid, sep, encoded = entry.rpartition(":")
        if not sep:
            kid, encoded = "", entry
        if kid and not KID_PATTERN.fullmatch(kid):
            raise KeyConfigError(
                f"{source}: key {n} has an invalid key id (use 1-32 of A-Z a-z 0-9 _ -)"
            )
        material = _decode_key(encoded.strip())
        if material is None:
            raise KeyConfigError(
                f"{source}: key {n} is not the base64 of {KEY_BYTES} random bytes "
                "(make one with `outreach admin generate-encryption-key`)"
            )
        keys.append(Key(kid or derive_kid(material), material))
    try:
        return Keyring(tuple(keys))
    except KeyConfigError as exc:
        raise KeyConfigError(f"{source}: {exc}") from None


def _aad(kid: str, context: str) -> bytes:
    return f"{PREFIX}:{VERSION}:{kid}:{context}".encode()


def seal(keyring: Keyring, context: str, plaintext: str) -> str:
    key = keyring.current
    nonce = os.urandom(NONCE_BYTES)
    body = AESGCM(key.material).encrypt(nonce, plaintext.encode("utf-8"), _aad(key.kid, context))
    token = base64.urlsafe_b64encode(nonce + body).decode("ascii").rstrip("=")
    return f"{PREFIX}:{VERSION}:{key.kid}:{token}"


def key_id_of(value: str) -> str | None:
    """The key id of a sealed value; None when `value` is not one (plaintext)."""
    parts = value.split(":", 3)
    if len(parts) == 4 and parts[0] == PREFIX and parts[1] == VERSION:
        return parts[2] if KID_PATTERN.fullmatch(parts[2]) else None
    return None


def is_sealed(value: str) -> bool:
    return key_id_of(value) is not None


def unseal(keyring: Keyring, context: str, value: str) -> str:
    kid = key_id_of(value)
    if kid is None:
        raise DecryptError(f"{context}: not an encrypted value")
    key = keyring.get(kid)
    if key is None:
        raise DecryptError(f"{context}: encrypted under key id '{kid}', which is not configured")
    token = value.split(":", 3)[3]
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as exc:
        raise DecryptError(f"{context}: damaged encrypted value") from exc
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptError(f"{context}: damaged encrypted value")
    try:
        plain = AESGCM(key.material).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(kid, context)
        )
    except InvalidTag as exc:
        raise DecryptError(
            f"{context}: does not decrypt under key id '{kid}' (a different key under that "
            "id, a damaged value, or one copied from another row)"
        ) from exc
    return plain.decode("utf-8")


def sealed_length(plain_chars: int, kid_chars: int = 32) -> int:
    """The longest sealed value of a plaintext of `plain_chars` characters (4 UTF-8 bytes
    each at worst): what a column must hold."""
    raw = NONCE_BYTES + 4 * plain_chars + TAG_BYTES
    return len(f"{PREFIX}:{VERSION}::") + kid_chars + -(-raw * 4 // 3)
