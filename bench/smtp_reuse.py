"""Benchmark: SMTP sends on a new connection each against one pooled connection, same run.

A loopback aiosmtpd server (tests/smtp_servers.py) with STARTTLS and AUTH, in its own
process (as a real server would be: it does not share this process's GIL), gets N sends
from one mailbox one after another, as a mailbox sends them: first with `pool_key=None`
(connect, EHLO, STARTTLS, EHLO, AUTH, MAIL, RCPT, DATA, QUIT for every message), then on
the pool (`pool_key` set: one connection, one login). The two modes alternate for a few
rounds; the median of each is printed with the machine it ran on.

    python bench/smtp_reuse.py [--sends 500] [--rounds 3] [--in-process]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import statistics
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiosmtplib  # noqa: E402

from outreach import mail  # noqa: E402
from outreach.config import Settings  # noqa: E402
from tests.smtp_servers import SmtpServer  # noqa: E402

USER, PASSWORD = "bench", "bench-password"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def serve(conn: Connection) -> None:
    """The child process: run the server until told to stop, then report its counts."""
    srv = SmtpServer(tls="starttls", username=USER, password=PASSWORD).start()
    conn.send((srv.port, srv.ca_file))
    while True:
        what = conn.recv()
        if what == "counts":
            conn.send((len(srv.messages), srv.connections, srv.auths))
        elif what == "stop":
            break
    srv.stop()


def message(n: int) -> bytes:
    body = "Hi Sam,\r\n\r\nA short cold email, about the size of a real one. " * 8
    return (
        f"From: Anita <anita@acme.test>\r\nTo: sam@example.test\r\nSubject: Quick question {n}"
        f"\r\nMessage-ID: <bench{n}@acme.test>\r\n\r\n{body}\r\n"
    ).encode()


async def run(settings: Settings, target: mail.SmtpTarget, sends: int, first: int) -> float:
    async def before_data() -> None:
        return None

    start = time.perf_counter()
    for n in range(first, first + sends):
        await mail.deliver(
            settings, message(n), "anita@acme.test", "sam@example.test", before_data, target
        )
    elapsed = time.perf_counter() - start
    await mail.close_pool()
    return sends / elapsed


async def main(args: argparse.Namespace) -> None:
    if args.in_process:
        srv = SmtpServer(tls="starttls", username=USER, password=PASSWORD).start()
        port, ca_file = srv.port, srv.ca_file

        def counts() -> tuple[int, int, int]:
            return len(srv.messages), srv.connections, srv.auths
    else:
        ours, theirs = multiprocessing.Pipe()
        child = multiprocessing.Process(target=serve, args=(theirs,), daemon=True)
        child.start()
        port, ca_file = ours.recv()

        def counts() -> tuple[int, int, int]:
            ours.send("counts")
            got: tuple[int, int, int] = ours.recv()
            return got

    settings = Settings(smtp_ca_file=Path(ca_file), smtp_idle_seconds=60)
    base = mail.SmtpTarget(
        host="localhost",
        port=port,
        tls="starttls",
        username=USER,
        password=PASSWORD,
        allow_private=True,
    )
    pooled = mail.SmtpTarget(**{**base.__dict__, "pool_key": "bench-mailbox"})
    print(
        f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu_model()}; "
        f"Python {platform.python_version()}, aiosmtplib {aiosmtplib.__version__}"
    )
    print(
        f"{args.sends} sequential sends per round, STARTTLS + AUTH on loopback, server "
        f"{'in this process (a thread)' if args.in_process else 'in its own process'}"
    )
    await run(settings, base, 20, 0)  # warm-up: the TLS context, the local host name
    await run(settings, pooled, 20, 0)
    before = counts()
    fresh: list[float] = []
    reuse: list[float] = []
    n = 1000
    for r in range(args.rounds):
        c0 = counts()
        fresh.append(await run(settings, base, args.sends, n))
        n += args.sends
        c1 = counts()
        reuse.append(await run(settings, pooled, args.sends, n))
        n += args.sends
        c2 = counts()
        print(
            f"  round {r + 1}: new connection per send {fresh[-1]:7.1f} sends/s "
            f"({c1[1] - c0[1]} connections, {c1[2] - c0[2]} logins); "
            f"pooled {reuse[-1]:7.1f} sends/s ({c2[1] - c1[1]} connections, "
            f"{c2[2] - c1[2]} logins)"
        )
    after = counts()
    assert after[0] - before[0] == 2 * args.rounds * args.sends, "messages went missing"
    a, b = statistics.median(fresh), statistics.median(reuse)
    print(f"median: new connection per send {a:.1f} sends/s, pooled {b:.1f} sends/s: x{b / a:.1f}")
    if args.in_process:
        srv.stop()
    else:
        ours.send("stop")
        child.join(10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sends", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--in-process", action="store_true", help="server in a thread here")
    asyncio.run(main(parser.parse_args()))
