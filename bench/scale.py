"""List and statistics endpoints at scale: 1,000,000 leads and 2,000,000 sends (and 50,000
replies) in one workspace on PostgreSQL, then p50/p95 of the read endpoints through the
real API (uvicorn on loopback), and the counters checked against a recount.

    .venv/bin/python bench/scale.py [--leads 1000000] [--requests 200]

Baselines measured in the same run:
- `_count` by counting rows (what 0.3.0 did) beside `_count` from the counters;
- the write cost of the counters: 20,000 leads inserted with the triggers and without
  (`session_replication_role = replica` turns triggers off for that session only).

Needs the PostgreSQL of the machine (OUTREACH_BENCH_PG, default
postgresql://postgres@127.0.0.1:5432/test); it creates and drops its own database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.leads import free_port, wait_port  # noqa: E402

CAMPAIGNS = 10
LABELS = ["interested", "question", "not_interested", "meeting_request", "objection"]


def pg_admin_url() -> str:
    return os.environ.get("OUTREACH_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def load(engine: sa.Engine, ws: str, campaigns: list[str], n_leads: int) -> dict[str, float]:
    """Rows straight into the tables (the triggers keep the counters), in chunks."""
    figures: dict[str, float] = {}
    camp_array = "ARRAY[" + ",".join(f"'{c}'" for c in campaigns) + "]"
    chunk = 100_000
    lead_sql = f"""
        INSERT INTO lead (id, workspace_id, campaign_id, email, first_name, custom_fields,
                          status, current_step, created_at, updated_at, finished_at)
        SELECT 'lead_s' || lpad(g::text, 9, '0'), :ws, ({camp_array})[1 + g % {CAMPAIGNS}],
               'p' || g || '@example.com', 'Sam', '{{}}'::json,
               CASE WHEN g % 20 = 0 THEN 'unsubscribed' WHEN g % 20 = 1 THEN 'bounced'
                    WHEN g % 20 = 2 THEN 'replied' WHEN g % 20 < 10 THEN 'completed'
                    ELSE 'active' END,
               2,
               timestamp '2026-06-01' + g * interval '13 seconds',
               timestamp '2026-06-01' + g * interval '13 seconds' + interval '3 days',
               CASE WHEN g % 20 < 10 THEN timestamp '2026-06-01' + g * interval '13 seconds'
                    + interval '3 days' END
        FROM generate_series(CAST(:a AS integer), CAST(:b AS integer)) AS g
    """
    send_sql = """
        INSERT INTO send (id, workspace_id, campaign_id, lead_id, step_position, kind,
                          to_email, from_email, subject, message_id, status, forced, attempts,
                          sent_at, created_at, updated_at)
        SELECT 'send_s' || substr(l.id, 7) || '_' || p, l.workspace_id, l.campaign_id, l.id,
               p, 'step', l.email,
               CASE WHEN substr(l.id, 15, 1) < '5' THEN 'anita@acme.example'
                    ELSE 'bo@acme.example' END,
               'Hello', '<' || l.id || '.' || p || '@acme.example>',
               CASE WHEN l.status = 'bounced' AND p = 1 THEN 'bounced'
                    WHEN substr(l.id, 14, 2) = '99' THEN 'failed' ELSE 'sent' END,
               false, 1,
               l.created_at + (p - 1) * interval '2 days',
               l.created_at + (p - 1) * interval '2 days',
               l.created_at + (p - 1) * interval '2 days'
        FROM lead l, generate_series(1, 2) AS p
        WHERE l.workspace_id = :ws AND l.id >= :a AND l.id < :b
    """
    reply_sql = f"""
        INSERT INTO reply (id, workspace_id, campaign_id, lead_id, source, kind, from_email,
                           to_email, subject, body_text, headers, raw_size, truncated, status,
                           label, reasons, needs_action, step_position, received_at,
                           created_at)
        SELECT 'reply_s' || substr(l.id, 7), l.workspace_id, l.campaign_id, l.id, 'inbound',
               'reply', l.email, 'anita@acme.example', 'Re: Hello', 'Sounds good',
               '{{}}'::json, 100, false, 'done',
               (ARRAY{LABELS!r})[1 + (substr(l.id, 10)::int % {len(LABELS)})],
               '[]'::json, substr(l.id, 15, 1) IN ('2', '7'), 1,
               l.created_at + interval '1 day', l.created_at + interval '1 day'
        FROM lead l WHERE l.workspace_id = :ws AND l.status = 'replied'
    """
    start = time.perf_counter()
    for a in range(1, n_leads + 1, chunk):
        b = min(a + chunk - 1, n_leads)
        with engine.begin() as c:
            c.execute(sa.text(lead_sql), {"ws": ws, "a": a, "b": b})
        print(f"  leads {b:,}/{n_leads:,} ({time.perf_counter() - start:.0f} s)", flush=True)
    figures["leads_s"] = time.perf_counter() - start
    start = time.perf_counter()
    for a in range(1, n_leads + 1, chunk):
        lo, hi = f"lead_s{a:09d}", f"lead_s{a + chunk:09d}"
        with engine.begin() as c:
            c.execute(sa.text(send_sql), {"ws": ws, "a": lo, "b": hi})
        print(
            f"  sends for {min(a + chunk - 1, n_leads):,} leads "
            f"({time.perf_counter() - start:.0f} s)",
            flush=True,
        )
    figures["sends_s"] = time.perf_counter() - start
    start = time.perf_counter()
    with engine.begin() as c:
        c.execute(sa.text(reply_sql.replace("ARRAY[", "ARRAY[")), {"ws": ws})
    figures["replies_s"] = time.perf_counter() - start
    with engine.begin() as c:
        c.execute(sa.text("ANALYZE"))
    return figures


def write_cost(engine: sa.Engine, ws: str, campaign: str, n: int = 20_000) -> tuple[float, float]:
    """Seconds to insert n leads with the counter triggers, and without."""
    sql = """
        INSERT INTO lead (id, workspace_id, campaign_id, email, custom_fields, status,
                          current_step, created_at, updated_at)
        SELECT :p || g, :ws, :c, :p || g || '@example.org', '{}'::json, 'queued', 0,
               now(), now()
        FROM generate_series(1, CAST(:n AS integer)) AS g
    """
    results = []
    for prefix, replica in (("lead_wt", False), ("lead_wo", True)):
        with engine.begin() as c:
            if replica:
                c.execute(sa.text("SET LOCAL session_replication_role = replica"))
            start = time.perf_counter()
            c.execute(sa.text(sql), {"p": prefix, "ws": ws, "c": campaign, "n": n})
            results.append(time.perf_counter() - start)
    with engine.begin() as c:  # the triggered rows go with their deltas, the others quietly
        c.execute(sa.text("DELETE FROM lead WHERE id LIKE 'lead_wt%'"))
        c.execute(sa.text("SET LOCAL session_replication_role = replica"))
        c.execute(sa.text("DELETE FROM lead WHERE id LIKE 'lead_wo%'"))
    return results[0], results[1]


async def rollup_all(db_url: str) -> tuple[int, float]:
    from outreach.campaigns import counters
    from outreach.config import Settings
    from outreach.db import Database

    db = Database(Settings(database_url=db_url))
    start = time.perf_counter()
    folded = 0
    try:
        async with db.session() as s:
            folded = await counters.rollup(s, max_batches=10_000)
        await counters.tidy(db, folded)  # as the roll-up activity does after a large fold
    finally:
        await db.dispose()
    return folded, time.perf_counter() - start


async def counters_match(db_url: str) -> bool:
    from outreach.campaigns import counters
    from outreach.config import Settings
    from outreach.db import Database

    db = Database(Settings(database_url=db_url))
    try:
        async with db.session() as s:
            kept = await counters.stored(s)
            rows = await counters.recount(s)
    finally:
        await db.dispose()
    if kept != rows:
        diff = {k: (kept[0].get(k), rows[0].get(k)) for k in set(kept[0]) | set(rows[0])}
        print("  counters differ:", {k: v for k, v in diff.items() if v[0] != v[1]})
    return kept == rows


def old_count_ms(engine: sa.Engine, campaigns: list[str], runs: int = 20) -> list[float]:
    """`_count` of one page of campaigns by counting rows, as 0.3.0 did."""
    ids = ", ".join(f"'{c}'" for c in campaigns)
    sqls = [
        f"SELECT campaign_id, count(*) FROM lead WHERE campaign_id IN ({ids}) GROUP BY 1",
        f"SELECT campaign_id, count(*) FROM send WHERE campaign_id IN ({ids}) "
        "AND status = 'sent' GROUP BY 1",
        f"SELECT campaign_id, count(*) FROM step WHERE campaign_id IN ({ids}) GROUP BY 1",
        f"SELECT campaign_id, count(*) FROM reply WHERE campaign_id IN ({ids}) GROUP BY 1",
    ]
    out = []
    with engine.connect() as c:
        for _ in range(runs):
            start = time.perf_counter()
            for q in sqls:
                c.execute(sa.text(q)).all()
            out.append((time.perf_counter() - start) * 1000)
    return out


def spawn_api(env: dict[str, str], work: Path, port: int) -> subprocess.Popen:
    log = open(work / "api.log", "wb")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "-m", "outreach.cli", "api", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=log,
    )


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(http: httpx.AsyncClient, path: str, params: dict, n: int) -> list[float]:
    for _ in range(10):  # warm-up
        r = await http.get(path, params=params)
        r.raise_for_status()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        r = await http.get(path, params=params)
        out.append((time.perf_counter() - start) * 1000)
        r.raise_for_status()
    return out


async def main(args: argparse.Namespace) -> int:
    from outreach import admin
    from outreach.config import Settings
    from outreach.db import make_sync_engine
    from outreach.encryption.crypto import new_key_text
    from outreach.migrate import upgrade

    admin_url = sa.engine.make_url(pg_admin_url())
    name = f"outreach_scale_{os.getpid()}"
    root = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with root.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    db_url = admin_url.set(database=name).render_as_string(hide_password=False)
    work = Path(tempfile.mkdtemp(prefix="outreach-scale-"))
    env = {
        **os.environ,
        "OUTREACH_DATA_DIR": str(work),
        "OUTREACH_DATABASE_URL": db_url,
        "OUTREACH_SECRET_KEY": "bench",
        "OUTREACH_ENCRYPTION_KEY": new_key_text(),  # PostgreSQL needs one given
        "OUTREACH_LOG_LEVEL": "WARNING",
        "TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",  # reads never need it
    }
    os.environ.update(env)
    settings = Settings()
    upgrade(settings)
    api = None
    engine = make_sync_engine(settings)
    try:
        ws = admin.create_workspace(settings, "Scale", "pro")["id"]
        scopes = ["campaigns:read", "campaigns:write", "leads:read", "replies:read", "sends:read"]
        key = admin.create_key(settings, ws, scopes)["key"]
        port = free_port()
        api = spawn_api(env, work, port)
        await wait_port(port)
        base = f"http://127.0.0.1:{port}/api/v1/outreach"
        async with httpx.AsyncClient(
            base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60
        ) as http:
            campaigns = []
            for i in range(CAMPAIGNS):
                r = await http.post(
                    "/campaigns",
                    json={
                        "name": f"Scale {i}",
                        "fromName": "Anita",
                        "fromEmail": "anita@acme.com",
                        "steps": [
                            {"subject": "Hello", "body": "Hi {{firstName}}"},
                            {"delay": "P2D", "subject": "Re: Hello", "body": "Any thoughts?"},
                        ],
                    },
                )
                r.raise_for_status()
                campaigns.append(r.json()["id"])
            print(
                f"loading {args.leads:,} leads, {2 * args.leads:,} sends, "
                f"{args.leads // 20:,} replies into PostgreSQL",
                flush=True,
            )
            figures = load(engine, ws, campaigns, args.leads)
            folded, rollup_s = await rollup_all(db_url)
            with_t, without_t = write_cost(engine, ws, campaigns[0])
            await rollup_all(db_url)
            c0 = campaigns[0]
            lead_id = "lead_s000000011"
            cases = [
                ("GET /campaigns", "/campaigns", {}),
                ("GET /campaigns/{id}/stats", f"/campaigns/{c0}/stats", {}),
                (
                    "GET /campaigns/{id}/stats (90 days)",
                    f"/campaigns/{c0}/stats",
                    {"from": "2026-06-01", "to": "2026-08-29"},
                ),
                ("GET /leads", "/leads", {}),
                ("GET /leads?campaignId", "/leads", {"campaignId": c0}),
                ("GET /leads?status=active", "/leads", {"status": "active"}),
                ("GET /leads?status=unsubscribed", "/leads", {"status": "unsubscribed"}),
                ("GET /leads?email", "/leads", {"email": "p12345@example.com"}),
                ("GET /leads?campaignId&status", "/leads", {"campaignId": c0, "status": "replied"}),
                ("GET /replies?needsAction=true", "/replies", {"needsAction": "true"}),
                ("GET /sends", "/sends", {}),
                ("GET /sends?campaignId", "/sends", {"campaignId": c0}),
                ("GET /sends?leadId", "/sends", {"leadId": lead_id}),
            ]
            print(
                f"\nload: leads {figures['leads_s']:.0f} s, sends {figures['sends_s']:.0f} s, "
                f"replies {figures['replies_s']:.0f} s; roll-up of {folded:,} deltas "
                f"{rollup_s:.0f} s"
            )
            print(
                f"write cost of the counters, 20,000 leads in one INSERT: "
                f"{with_t * 1000:.0f} ms with triggers, {without_t * 1000:.0f} ms without"
            )
            old = old_count_ms(engine, campaigns)
            print(
                f"baseline, _count of 10 campaigns by counting rows (0.3.0): "
                f"p50 {pct(old, 0.5):.0f} ms, p95 {pct(old, 0.95):.0f} ms\n"
            )
            print(f"{'endpoint':40} {'p50 ms':>8} {'p95 ms':>8}")
            worst = 0.0
            for label, path, params in cases:
                times = await measure(http, path, params, args.requests)
                p95 = pct(times, 0.95)
                worst = max(worst, p95)
                print(f"{label:40} {pct(times, 0.5):8.1f} {p95:8.1f}", flush=True)
        match = await counters_match(db_url)
        print(f"\ncounters equal a recount: {match}; worst p95 {worst:.1f} ms (target < 50 ms)")
        return 0 if match and worst < 50 else 1
    finally:
        if api is not None:
            api.terminate()
            api.wait(timeout=15)
        engine.dispose()
        with root.connect() as c:
            c.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
                )
            )
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        root.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    sys.exit(asyncio.run(main(parser.parse_args())))
