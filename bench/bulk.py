"""Benchmark: bulk enrolment against one POST per lead, in the same run.

Everything runs here as `outreach dev` runs it (Temporal dev server on a SQLite file, the
API and the worker as their own processes, an SMTP catcher in this process). The same
number of leads is enrolled twice into the same kind of campaign: once by `POST /leads`
(32 in flight), once by `POST /leads/bulk` in calls of 1,000; each figure runs until every
lead's first email has arrived.

    python bench/bulk.py [--leads 10000]

Prints, side by side: seconds until the API answered every call, seconds until every first
email arrived, and leads per second.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from bench.leads import wait_all  # noqa: E402
from bench.stack import running_stack  # noqa: E402


async def main(args: argparse.Namespace) -> None:
    async with running_stack(
        "outreach-bulk-", args.database_url, floor=False, keep=args.keep
    ) as st:
        http, arrivals, db_url = st.http, st.arrivals, st.db_url

        async def campaign(name: str) -> str:
            resp = await http.post(
                "/campaigns",
                json={
                    "name": name,
                    "status": "active",
                    "fromName": "Bench",
                    "fromEmail": "bench@example.com",
                    "steps": [{"delay": "P0D", "subject": "Hi {{firstName}}", "body": "Hello"}],
                },
            )
            resp.raise_for_status()
            return str(resp.json()["id"])

        async def one_by_one(n: int) -> tuple[float, float]:
            camp = await campaign("one-by-one")
            emails = [f"single-{i}@example.com" for i in range(n)]
            gate = asyncio.Semaphore(32)

            async def one(e: str) -> None:
                async with gate:
                    r = await http.post(
                        "/leads", json={"campaignId": camp, "email": e, "firstName": "Ann"}
                    )
                    r.raise_for_status()

            t0 = time.monotonic()
            await asyncio.gather(*(one(e) for e in emails))
            answered = time.monotonic() - t0
            last = await wait_all(arrivals, emails, limit=7200)
            return answered, last - t0

        async def in_bulk(n: int) -> tuple[float, float]:
            camp = await campaign("bulk")
            emails = [f"bulk-{i}@example.com" for i in range(n)]
            t0 = time.monotonic()
            for i in range(0, n, 1000):
                rows = [{"email": e, "firstName": "Ann"} for e in emails[i : i + 1000]]
                r = await http.post("/leads/bulk", json={"campaignId": camp, "leads": rows})
                r.raise_for_status()
                assert r.json()["counts"]["created"] == len(rows), r.json()["counts"]
            answered = time.monotonic() - t0
            last = await wait_all(arrivals, emails, limit=7200)
            return answered, last - t0

        await asyncio.sleep(2)  # let the workers poll
        single = await one_by_one(args.leads)
        bulk = await in_bulk(args.leads)

        n = args.leads
        print()
        print(f"bench/bulk.py  leads={n}  cpus={os.cpu_count()}  db={db_url[:10]}")
        print(f"{'':40}{'bulk':>10}{'one by one':>12}{'ratio':>8}")
        rows = [
            ("seconds until the API answered all", bulk[0], single[0]),
            ("seconds until every first email", bulk[1], single[1]),
            ("leads to first email, per second", n / bulk[1], n / single[1]),
        ]
        for label, b, s in rows:
            print(f"{label:40}{b:>10.1f}{s:>12.1f}{b / s:>8.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=10_000, help="leads per method")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work dir and logs")
    asyncio.run(main(parser.parse_args()))
    sys.stdout.flush()
    os._exit(0)
