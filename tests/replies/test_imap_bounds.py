"""A mailbox's server is chosen by a tenant and talks to a worker every tenant shares: it
cannot make one command take unbounded time or memory. Two hostile IMAP servers on
loopback: one announces a 300 MB literal, one drips its answer a byte at a time."""

from __future__ import annotations

import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from outreach.inbound import imap
from outreach.inbound.imap import ImapConfig, ImapError, ImapFolder

Answer = Callable[[socket.socket, bytes, bytes], bool]  # (conn, tag, command) -> keep going


def _serve(conn: socket.socket, on_uid: Answer) -> None:
    conn.sendall(b"* OK [CAPABILITY IMAP4rev1] hostile ready\r\n")
    file = conn.makefile("rb")
    while line := file.readline():
        tag, _, rest = line.strip().partition(b" ")
        command = rest.split(b" ", 1)[0].upper()
        if command == b"CAPABILITY":
            conn.sendall(b"* CAPABILITY IMAP4rev1\r\n" + tag + b" OK done\r\n")
        elif command == b"LOGIN":
            conn.sendall(tag + b" OK logged in\r\n")
        elif command in (b"EXAMINE", b"SELECT"):
            conn.sendall(
                b"* 1 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 2] ok\r\n"
                + tag
                + b" OK [READ-ONLY] done\r\n"
            )
        elif command == b"UID":
            if not on_uid(conn, tag, rest):
                return
        elif command == b"LOGOUT":
            conn.sendall(b"* BYE\r\n" + tag + b" OK bye\r\n")
            return
        else:
            conn.sendall(tag + b" BAD what\r\n")


@contextmanager
def hostile(on_uid: Answer) -> Iterator[int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                try:
                    _serve(conn, on_uid)
                except OSError:
                    pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        stop.set()
        thread.join(5)
        server.close()


def open_folder(port: int) -> ImapFolder:
    config = ImapConfig("127.0.0.1", port, "none", "user", "pass", timeout=5.0)
    return ImapFolder.open(config, ["127.0.0.1"])


def test_a_huge_literal_is_refused_before_it_is_read() -> None:
    def bomb(conn: socket.socket, tag: bytes, command: bytes) -> bool:
        conn.sendall(b"* 1 FETCH (UID 1 RFC822.SIZE 9 BODY[]<0> {300000000}\r\n")
        chunk = b"x" * 65536
        try:
            for _ in range(300):  # up to ~20 MB, then give up: the client must have left
                conn.sendall(chunk)
        except OSError:
            pass
        return False

    with hostile(bomb) as port:
        folder = open_folder(port)
        tracemalloc.start()
        try:
            with pytest.raises(ImapError) as refused:
                folder.fetch([1], 2 * 1024 * 1024)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            folder.close()
    assert "300,000,000-byte literal" in str(refused.value)
    assert peak < 10 * 1024 * 1024  # nothing of it was buffered


def test_a_server_that_drips_its_answer_is_cut_off_at_the_command_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(imap, "COMMAND_SECONDS", 1.0)

    def drip(conn: socket.socket, tag: bytes, command: bytes) -> bool:
        try:
            for byte in b"* SEARCH" + b" 1" * 1000:  # one byte every 50 ms: ~100 s
                conn.sendall(bytes([byte]))
                time.sleep(0.05)
        except OSError:
            pass
        return False

    with hostile(drip) as port:
        folder = open_folder(port)
        started = time.monotonic()
        try:
            with pytest.raises(ImapError) as cut:
                folder.search_after(0)
        finally:
            folder.close()
    assert time.monotonic() - started < 5  # the socket timeout (5 s) never fired: a drip
    assert "took more than 1 s" in str(cut.value)
