"""outreach/encryption: the pure sealing and key parsing, and where the keys come from."""

from __future__ import annotations

import base64
import os
import re
import stat

import pytest

from outreach.config import Settings
from outreach.encryption import keys
from outreach.encryption.crypto import (
    DecryptError,
    Key,
    KeyConfigError,
    Keyring,
    derive_kid,
    is_sealed,
    key_id_of,
    new_key_text,
    parse_keys,
    seal,
    sealed_length,
    unseal,
)
from outreach.encryption.fields import MAILBOX_PASSWORD, WEBHOOK_SECRET
from outreach.models import Mailbox, WebhookEndpoint

A = bytes(range(32))
B = bytes(range(100, 132))
RING = Keyring((Key("a", A), Key("b", B)))
CTX = "mailbox.password:mbx_1"


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def test_a_sealed_value_is_self_describing_and_opens() -> None:
    sealed = seal(RING, CTX, "hunter2 ✓")
    assert sealed.startswith("enc:v1:a:") and "hunter2" not in sealed
    assert key_id_of(sealed) == "a" and is_sealed(sealed)
    assert unseal(RING, CTX, sealed) == "hunter2 ✓"
    # A random 96-bit nonce: the same secret never seals to the same text.
    assert seal(RING, CTX, "hunter2 ✓") != sealed
    raw = base64.urlsafe_b64decode(sealed.split(":")[3] + "==")
    assert len(raw) == 12 + len("hunter2 ✓".encode()) + 16


def test_any_key_of_the_ring_opens_and_the_first_seals() -> None:
    old = seal(Keyring((Key("b", B),)), CTX, "s")
    assert unseal(RING, CTX, old) == "s"
    assert key_id_of(seal(RING, CTX, "s")) == "a"


@pytest.mark.parametrize("where", range(0, 60, 7))
def test_a_tampered_value_does_not_open(where: int) -> None:
    sealed = seal(RING, CTX, "a-password-long-enough-to-tamper-with")
    head, token = sealed.rsplit(":", 1)
    pos = where % len(token)
    flipped = token[:pos] + ("A" if token[pos] != "A" else "B") + token[pos + 1 :]
    with pytest.raises(DecryptError):
        unseal(RING, CTX, f"{head}:{flipped}")


def test_a_value_moved_to_another_row_or_column_does_not_open() -> None:
    sealed = MAILBOX_PASSWORD.seal(RING, "mbx_1", "s")
    assert MAILBOX_PASSWORD.open(RING, "mbx_1", sealed) == "s"
    with pytest.raises(DecryptError, match="another row"):
        MAILBOX_PASSWORD.open(RING, "mbx_2", sealed)
    with pytest.raises(DecryptError):
        WEBHOOK_SECRET.open(RING, "mbx_1", sealed)


def test_a_relabelled_key_id_or_an_unknown_one_does_not_open() -> None:
    sealed = seal(RING, CTX, "s")
    with pytest.raises(DecryptError):
        unseal(RING, CTX, sealed.replace("enc:v1:a:", "enc:v1:b:"))
    with pytest.raises(DecryptError, match="key id 'a', which is not configured"):
        unseal(Keyring((Key("b", B),)), CTX, sealed)
    with pytest.raises(DecryptError, match="does not decrypt under key id 'a'"):
        unseal(Keyring((Key("a", B),)), CTX, sealed)  # another key under the same id
    for bad in ("hunter2", "enc:v1:a:", "enc:v1:a:!!!", "enc:v2:a:AAAA", ""):
        with pytest.raises(DecryptError):
            unseal(RING, CTX, bad)


def test_keys_are_written_with_or_without_ids_current_first() -> None:
    ring = parse_keys(f"new:{b64(A)}, old:{b64(B)}", "X")
    assert ring.kids == ("new", "old") and ring.current.material == A
    bare = parse_keys(f"{b64(A)},{b64(B)}", "X")
    assert bare.kids == (derive_kid(A), derive_kid(B)) and len(bare.kids[0]) == 8
    # URL-safe or unpadded base64, newlines and comments (a key file) are fine.
    urlsafe = base64.urlsafe_b64encode(B).decode().rstrip("=")
    assert parse_keys(f"# mine\n\nk1:{urlsafe}\n", "X").get("k1") == Key("k1", B)
    generated = new_key_text()
    kid, _, _ = generated.partition(":")
    assert parse_keys(generated, "X").kids == (kid,)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "holds no key"),
        ("# only a comment", "holds no key"),
        (b64(A[:16]), "key 1 is not the base64 of 32"),
        (f"{b64(A)},{b64(B)[:-4]}", "key 2 is not the base64 of 32"),
        ("not base64 at all!", "key 1 is not the base64"),
        (f"bad id:{b64(A)}", "invalid key id"),
        (f"k:{b64(A)},k:{b64(B)}", "key id(s) given twice: k"),
    ],
)
def test_malformed_keys_are_refused_without_quoting_them(text: str, message: str) -> None:
    with pytest.raises(KeyConfigError, match=re.escape(message)) as caught:
        parse_keys(text, "OUTREACH_ENCRYPTION_KEY")
    assert str(caught.value).startswith("OUTREACH_ENCRYPTION_KEY")
    for part in text.replace(",", ":").split(":"):
        if len(part) > 8:
            assert part not in str(caught.value)


def test_key_material_never_shows_in_a_repr() -> None:
    assert b64(A) not in repr(RING) and repr(A) not in repr(RING)
    s = Settings(encryption_key=f"a:{b64(A)}")
    assert b64(A) not in repr(s) and b64(A) not in str(s.model_dump())


def test_the_columns_hold_the_longest_sealed_values() -> None:
    assert Mailbox.model_fields["password"].metadata[0].max_length >= sealed_length(500)
    assert WebhookEndpoint.model_fields["secret"].metadata[0].max_length >= sealed_length(200)


# -- where the keys come from ----------------------------------------------------------------


def test_the_environment_key_wins(tmp_path) -> None:
    s = Settings(data_dir=tmp_path, encryption_key=f"k:{b64(A)}")
    assert s.keyring().kids == ("k",)
    assert not (tmp_path / "encryption_key").exists()


def test_a_key_file(tmp_path) -> None:
    path = tmp_path / "keys"
    path.write_text(f"# rotated 2026-12\nnew:{b64(B)}\nold:{b64(A)}\n")
    s = Settings(data_dir=tmp_path, encryption_key_file=path)
    assert s.keyring().kids == ("new", "old")
    missing = Settings(data_dir=tmp_path, encryption_key_file=tmp_path / "nope")
    with pytest.raises(KeyConfigError, match="OUTREACH_ENCRYPTION_KEY_FILE: cannot read"):
        missing.keyring()
    both = Settings(data_dir=tmp_path, encryption_key_file=path, encryption_key=b64(A))
    with pytest.raises(KeyConfigError, match="not both"):
        both.keyring()


def test_sqlite_generates_one_private_key_in_the_data_dir(tmp_path) -> None:
    data = tmp_path / "data"
    url = f"sqlite:///{tmp_path / 'outreach.db'}"
    ring = Settings(data_dir=data, database_url=url).keyring()
    path = data / "encryption_key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert Settings(data_dir=data, database_url=url).keyring() == ring  # the same key again
    assert [p.name for p in data.iterdir()] == ["encryption_key"]  # no temporary left


def test_a_race_to_generate_keeps_the_first_key(tmp_path, monkeypatch) -> None:
    s = Settings(data_dir=tmp_path)
    first = keys.ensure_data_dir_key(s).read_text()
    real_exists = type(tmp_path).exists
    # Another process's file appeared between our check and our link.
    monkeypatch.setattr(type(tmp_path), "exists", lambda self: False)
    keys.ensure_data_dir_key(s)
    monkeypatch.setattr(type(tmp_path), "exists", real_exists)
    assert (tmp_path / "encryption_key").read_text() == first


def test_postgresql_without_a_key_is_refused_with_the_remedy(tmp_path) -> None:
    s = Settings(data_dir=tmp_path, database_url="postgresql://u@127.0.0.1:1/db")
    with pytest.raises(KeyConfigError) as caught:
        s.keyring()
    assert "OUTREACH_ENCRYPTION_KEY" in str(caught.value)
    assert "generate-encryption-key" in str(caught.value)
    # A key the operator put in the data dir is used.
    (tmp_path / "encryption_key").write_text(f"dd:{b64(A)}\n")
    assert s.keyring().kids == ("dd",)
