"""The data directory holds secrets (the signing key, mailbox passwords and webhook secrets
in the database, every caught email): it is created 0700 and everything we write in it
0600, whatever the umask.

A directory that already exists keeps its mode (it may be one the operator chose and
shares, such as the working directory); a file of ours that already exists loses its group
and other permissions (installs from before this rule made them world-readable).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger("outreach.datadir")

DIR_MODE = 0o700
FILE_MODE = 0o600
# SQLite's companions of a database file (they hold recent writes): SQLite creates them
# with the database file's own mode.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_dir(path: Path) -> Path:
    """`path` (and missing parents), the last one created 0700 if it is new."""
    if not path.is_dir():
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        os.chmod(path, DIR_MODE)  # mkdir's mode is cut by the umask; this is not
    return path


def tighten(path: Path) -> None:
    """Take group and other permissions off an existing file."""
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        return
    if mode & 0o077:
        os.chmod(path, mode & 0o700)
        log.warning("%s was readable by other users (%o); now %o", path, mode, mode & 0o700)


def private_file(path: Path) -> Path:
    """Create `path` empty with mode 0600 when missing, else tighten it."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except FileExistsError:
        tighten(path)
    else:
        os.close(fd)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write a new file that is 0600 from its first byte (never readable by others, not
    even for a moment). `path` must not exist."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def private_sqlite(path: Path) -> None:
    """A SQLite database file (and its WAL and shared-memory files) private before SQLite
    opens it: SQLite gives the companions the database file's mode."""
    private_dir(path.parent)
    private_file(path)
    for suffix in SQLITE_COMPANIONS:
        tighten(path.with_name(path.name + suffix))
