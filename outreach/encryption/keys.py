"""Where the keyring comes from, in this order:

1. `OUTREACH_ENCRYPTION_KEY`: the keys themselves (`[<kid>:]<base64>`, comma-separated,
   the current one first).
2. `OUTREACH_ENCRYPTION_KEY_FILE`: a file holding them (one per line or comma-separated,
   `#` comments), e.g. a Docker or systemd secret.
3. `<data_dir>/encryption_key`, when it exists.
4. With SQLite only (the one-machine quick start, whose database lives in the same data
   dir): a key generated once into `<data_dir>/encryption_key` (0600).

Anything else (PostgreSQL with no key given) is refused: a key generated on one machine
would leave every other api or worker unable to read the secrets.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.encryption.crypto import KeyConfigError, Keyring, new_key_text, parse_keys

if TYPE_CHECKING:
    from outreach.config import Settings

ENV_KEY = "OUTREACH_ENCRYPTION_KEY"
ENV_KEY_FILE = "OUTREACH_ENCRYPTION_KEY_FILE"
DATA_DIR_FILE = "encryption_key"

MISSING = (
    f"no encryption key: set {ENV_KEY} (make one with `outreach admin "
    f"generate-encryption-key`) or {ENV_KEY_FILE}; a key is generated into the data dir "
    "only for a SQLite database"
)
FILE_HEADER = (
    "# Outreach's encryption key (AES-256-GCM) for mailbox passwords and webhook secrets.\n"
    "# Back it up with the database: without it they cannot be read. See README, Secrets.\n"
)


def data_dir_key(settings: Settings) -> Path:
    return settings.data_dir / DATA_DIR_FILE


def load_keyring(settings: Settings) -> Keyring:
    given = settings.encryption_key.get_secret_value().strip() if settings.encryption_key else ""
    if given and settings.encryption_key_file:
        raise KeyConfigError(f"set {ENV_KEY} or {ENV_KEY_FILE}, not both")
    if given:
        return parse_keys(given, ENV_KEY)
    if settings.encryption_key_file:
        path = settings.encryption_key_file
        return parse_keys(_read(path, ENV_KEY_FILE), f"{ENV_KEY_FILE} ({path})")
    path = data_dir_key(settings)
    if path.exists():
        return parse_keys(_read(path, "the data dir's key"), str(path))
    if settings.db_url.startswith("sqlite"):
        return parse_keys(ensure_data_dir_key(settings).read_text(), str(path))
    raise KeyConfigError(MISSING)


def ensure_data_dir_key(settings: Settings) -> Path:
    """`<data_dir>/encryption_key`, generated if missing. Race-free: processes starting
    together all end up with the one key that was linked into place first."""
    from outreach.datadir import private_dir, tighten, write_private

    path = data_dir_key(settings)
    if not path.exists():
        private_dir(settings.data_dir)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        write_private(tmp, (FILE_HEADER + new_key_text() + "\n").encode())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: theirs is the key
        finally:
            tmp.unlink(missing_ok=True)
    tighten(path)
    return path


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text()
    except OSError as exc:
        raise KeyConfigError(f"{what}: cannot read {path} ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise KeyConfigError(f"{what}: {path} is not text") from exc


def describe_source(settings: Settings) -> str:
    """Where the keys come from, for messages (never the keys)."""
    if settings.encryption_key:
        return ENV_KEY
    if settings.encryption_key_file:
        return f"{ENV_KEY_FILE} ({settings.encryption_key_file})"
    return str(data_dir_key(settings))
