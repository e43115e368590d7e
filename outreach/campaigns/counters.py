"""Campaign counters: `_count` and `GET /campaigns/{id}/stats` without counting rows.

Each counted row (a lead, a send, a reply) contributes to a few counters, as a pure
function of its own columns (`CONTRIBUTIONS`). Database triggers, installed by migration
0007 from `trigger_ddl`, write the change of every insert, update and delete as rows of
`counter_delta` in the same transaction as the change: +1 for what the new row counts,
-1 for what the old one counted. Inserting deltas takes no lock another writer waits for,
so concurrent sends, replies and enrolments never queue on a hot counter row.

A roll-up (`rollup`, the `counters-rollup` schedule, every minute) folds the deltas into
`campaign_counter` (all time, per step, sender and metric) and `campaign_daily` (per UTC
day and metric) and deletes them. A read adds the rolled-up counters and the deltas not yet
folded in, in one statement (one snapshot), so it is exact at any moment and its cost is
the number of counters, not the number of leads. `recount` computes the same figures from
the rows, for tests, the scale benchmark and `outreach admin recount-counters`.

Metrics (the `metric` column; `<status>` and `<label>` are a LeadStatus and a reply label):
- `leads` (day: created) and `leads.<status>` (all time);
- `sent` (a send that left: status sent or bounced; day: sent), `bounced` and `failed`
  (day: last update), per step and sender address; for an answer to a reply (no step:
  step 0) `answer.sent`, `answer.bounced` and `answer.failed`;
- `replied` and `replied.<label>` (a reply matched to the campaign; day: received), per
  step answered and the address it was written to;
- `unsubscribed` (a lead that ended unsubscribed; day: finished), per step reached.

Every SQL text here is built from this module's constants (no caller's value is ever
formatted in; values travel as bound parameters).

The trigger definitions are frozen per version (`trigger_ddl(dialect, version)`): a change
of `CONTRIBUTIONS` is a new version installed by a new migration, then `recount` repairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from outreach.db import Database
from outreach.leads.status import LeadStatus
from outreach.models import CampaignCounter, CampaignDaily, CounterDelta
from outreach.sends.status import SendKind, SendStatus

NO_DAY = ""  # a counter kept for all time only (no per-day row)
ROLLUP_BATCH = 50_000  # deltas folded per transaction
ROLLUP_LOCK = 0x6F757472  # PostgreSQL advisory lock: one roll-up at a time
TIDY_AFTER = 50_000  # deltas folded in one round after which `tidy` vacuums at once

TotalKey = tuple[str, int, str, str]  # campaign, step, sender, metric
DayKey = tuple[str, str, str]  # campaign, day, metric

# The metrics of `_count` (sends: what is sent and has not bounced, answers included).
COUNT_METRICS = ("leads", "sent", "bounced", "answer.sent", "answer.bounced", "replied")


@dataclass(frozen=True)
class Contribution:
    """One counter a row adds 1 to while `when` holds. Expressions use `{r}` for the row
    (NEW or OLD in a trigger, the table in a recount) and `{day}` for the day function."""

    table: str
    metric: str
    when: str = "1 = 1"
    step: str = "0"
    sender: str = "''"
    day: str | None = None  # a timestamp expression; None: no per-day counter


_SENT = f"('{SendStatus.SENT.value}', '{SendStatus.BOUNCED.value}')"
_SEND_STEP = "COALESCE({r}.step_position, 0)"
# An answer to a reply counts apart from the sequence: `answer.sent`, `answer.bounced`, ...
_ANSWER = f"CASE WHEN {{r}}.kind = '{SendKind.REPLY.value}' THEN 'answer.' ELSE '' END"
_SEND_SENDER = "COALESCE({r}.from_email, '')"
_REPLY_STEP = "COALESCE({r}.step_position, 0)"
_REPLY_SENDER = "COALESCE({r}.to_email, '')"
_REPLY_COUNTED = "{r}.kind = 'reply' AND {r}.campaign_id IS NOT NULL"

CONTRIBUTIONS: tuple[Contribution, ...] = (
    Contribution("lead", "'leads'", day="{r}.created_at"),
    Contribution("lead", "'leads.' || {r}.status"),
    Contribution(
        "lead",
        "'unsubscribed'",
        when=f"{{r}}.status = '{LeadStatus.UNSUBSCRIBED.value}'",
        step="{r}.current_step",
        day="COALESCE({r}.finished_at, {r}.updated_at)",
    ),
    Contribution(
        "send",
        _ANSWER + " || 'sent'",
        when=f"{{r}}.status IN {_SENT}",
        step=_SEND_STEP,
        sender=_SEND_SENDER,
        day="COALESCE({r}.sent_at, {r}.updated_at)",
    ),
    Contribution(
        "send",
        _ANSWER + " || 'bounced'",
        when=f"{{r}}.status = '{SendStatus.BOUNCED.value}'",
        step=_SEND_STEP,
        sender=_SEND_SENDER,
        day="{r}.updated_at",
    ),
    Contribution(
        "send",
        _ANSWER + " || 'failed'",
        when=f"{{r}}.status = '{SendStatus.FAILED.value}'",
        step=_SEND_STEP,
        sender=_SEND_SENDER,
        day="{r}.updated_at",
    ),
    Contribution(
        "reply",
        "'replied'",
        when=_REPLY_COUNTED,
        step=_REPLY_STEP,
        sender=_REPLY_SENDER,
        day="{r}.received_at",
    ),
    Contribution(
        "reply",
        "'replied.' || {r}.label",
        when=_REPLY_COUNTED + " AND {r}.label IS NOT NULL",
        step=_REPLY_STEP,
        sender=_REPLY_SENDER,
        day="{r}.received_at",
    ),
)

COUNTED_TABLES = ("lead", "send", "reply")


# -- the triggers (frozen per version) -------------------------------------------------------


def _day_fn(dialect: str) -> str:
    return "date({0})" if dialect == "sqlite" else "to_char({0}, 'YYYY-MM-DD')"


def _exprs(c: Contribution, row: str, dialect: str) -> dict[str, str]:
    day = _day_fn(dialect).format(c.day.format(r=row)) if c.day else f"'{NO_DAY}'"
    return {
        "campaign": f"{row}.campaign_id",
        "step": c.step.format(r=row),
        "sender": c.sender.format(r=row),
        "day": day,
        "metric": c.metric.format(r=row),
        "when": f"({c.when.format(r=row)})",
    }


def _same(a: dict[str, str], b: dict[str, str], dialect: str) -> str:
    op = "IS" if dialect == "sqlite" else "IS NOT DISTINCT FROM"
    keys = ("campaign", "step", "sender", "day", "metric")
    return " AND ".join(f"({a[k]}) {op} ({b[k]})" for k in keys)


def _insert(e: dict[str, str], n: int, where: str) -> str:
    return (
        "INSERT INTO counter_delta (campaign_id, step, sender, day, metric, n) "
        f"SELECT {e['campaign']}, {e['step']}, {e['sender']}, {e['day']}, {e['metric']}, {n} "
        f"WHERE {where};"
    )


def _statements(table: str, op: str, dialect: str) -> list[str]:
    """The delta inserts of one trigger: +1 for what NEW counts, -1 for what OLD counted;
    on an update only for counters that changed."""
    out: list[str] = []
    for c in CONTRIBUTIONS:
        if c.table != table:
            continue
        new, old = _exprs(c, "NEW", dialect), _exprs(c, "OLD", dialect)
        if op == "INSERT":
            out.append(_insert(new, 1, new["when"]))
        elif op == "DELETE":
            out.append(_insert(old, -1, old["when"]))
        else:
            unchanged = f"{old['when']} AND {new['when']} AND {_same(old, new, dialect)}"
            out.append(_insert(old, -1, f"{old['when']} AND NOT ({unchanged})"))
            out.append(_insert(new, 1, f"{new['when']} AND NOT ({unchanged})"))
    return out


def trigger_ddl(dialect: str, version: int = 1) -> tuple[list[str], list[str]]:
    """(create statements, drop statements) of the counter triggers of `version`."""
    if version != 1:
        raise ValueError(f"unknown counter trigger version {version}")
    create: list[str] = []
    drop: list[str] = []
    for table in COUNTED_TABLES:
        if dialect == "sqlite":
            for op in ("INSERT", "UPDATE", "DELETE"):
                name = f"counters_{table}_{op.lower()}"
                body = "\n  ".join(_statements(table, op, dialect))
                create.append(f"CREATE TRIGGER {name} AFTER {op} ON {table} BEGIN\n  {body}\nEND")
                drop.append(f"DROP TRIGGER IF EXISTS {name}")
        else:
            fn = f"counters_{table}_fn"
            branches = []
            for op in ("INSERT", "UPDATE", "DELETE"):
                body = "\n      ".join(_statements(table, op, dialect))
                branches.append(f"IF TG_OP = '{op}' THEN\n      {body}\n    END IF;")
            create.append(
                f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger AS $$\n"
                "  BEGIN\n    " + "\n    ".join(branches) + "\n    RETURN NULL;\n  END;\n"
                "$$ LANGUAGE plpgsql"
            )
            create.append(
                f"CREATE TRIGGER counters_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {fn}()"
            )
            drop.append(f"DROP TRIGGER IF EXISTS counters_{table} ON {table}")
            drop.append(f"DROP FUNCTION IF EXISTS {fn}()")
    return create, drop


async def _run(session: AsyncSession, sql: Any, params: Any = None) -> Any:
    conn = await session.connection()
    return await conn.execute(sql, params)


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counter:
    campaign_id: str
    step: int
    sender: str
    metric: str
    n: int


def _pending_and_kept(kept: Any, cols: tuple[str, ...], *where: Any) -> Any:
    """The rolled-up counters and the pending deltas as one subquery (one snapshot)."""
    delta = CounterDelta.__table__.c  # type: ignore[attr-defined]
    table = kept.__table__.c
    return sa.union_all(
        sa.select(*(table[c] for c in cols), table.n).where(*(w(table) for w in where)),
        sa.select(*(delta[c] for c in cols), delta.n).where(*(w(delta) for w in where)),
    ).subquery()


async def counters(
    session: AsyncSession, campaign_ids: list[str], metrics: tuple[str, ...] | None = None
) -> list[Counter]:
    """The all-time counters of the campaigns (rolled up + pending deltas, one snapshot)."""
    if not campaign_ids:
        return []
    where = [lambda t: t.campaign_id.in_(campaign_ids)]
    if metrics:
        where.append(lambda t: t.metric.in_(metrics))
    cols = ("campaign_id", "step", "sender", "metric")
    both = _pending_and_kept(CampaignCounter, cols, *where)
    stmt = sa.select(*(both.c[c] for c in cols), sa.func.sum(both.c.n)).group_by(
        *(both.c[c] for c in cols)
    )
    rows = (await _run(session, stmt)).all()
    return [Counter(r[0], int(r[1]), r[2], r[3], int(r[4])) for r in rows if r[4]]


async def daily(
    session: AsyncSession, campaign_id: str, start: date, end: date
) -> dict[str, dict[str, int]]:
    """{day: {metric: n}} for the UTC days start..end (both included)."""
    both = _pending_and_kept(
        CampaignDaily,
        ("day", "metric"),
        lambda t: t.campaign_id == campaign_id,
        lambda t: t.day >= start.isoformat(),
        lambda t: t.day <= end.isoformat(),
        lambda t: t.day != NO_DAY,
    )
    stmt = sa.select(both.c.day, both.c.metric, sa.func.sum(both.c.n)).group_by(
        both.c.day, both.c.metric
    )
    out: dict[str, dict[str, int]] = {}
    for day, metric, n in (await _run(session, stmt)).all():
        if n:
            out.setdefault(day, {})[metric] = int(n)
    return out


# -- rolling up ------------------------------------------------------------------------------

_PG_ROLLUP = f"""
WITH moved AS (
  DELETE FROM counter_delta
  WHERE id IN (SELECT id FROM counter_delta ORDER BY id LIMIT {ROLLUP_BATCH})
  RETURNING campaign_id, step, sender, day, metric, n
), totals AS (
  INSERT INTO campaign_counter (campaign_id, step, sender, metric, n)
  SELECT campaign_id, step, sender, metric, SUM(n) FROM moved
  GROUP BY campaign_id, step, sender, metric
  ON CONFLICT (campaign_id, step, sender, metric)
  DO UPDATE SET n = campaign_counter.n + EXCLUDED.n
  RETURNING 1
), days AS (
  INSERT INTO campaign_daily (campaign_id, day, metric, n)
  SELECT campaign_id, day, metric, SUM(n) FROM moved WHERE day <> ''
  GROUP BY campaign_id, day, metric
  ON CONFLICT (campaign_id, day, metric) DO UPDATE SET n = campaign_daily.n + EXCLUDED.n
  RETURNING 1
)
SELECT (SELECT COUNT(*) FROM moved), (SELECT COUNT(*) FROM totals), (SELECT COUNT(*) FROM days)
"""

_SQLITE_ROLLUP = (
    "INSERT INTO campaign_counter (campaign_id, step, sender, metric, n)"
    " SELECT campaign_id, step, sender, metric, SUM(n) FROM counter_delta WHERE id <= :top"
    " GROUP BY campaign_id, step, sender, metric"
    " ON CONFLICT (campaign_id, step, sender, metric)"
    " DO UPDATE SET n = campaign_counter.n + excluded.n",
    "INSERT INTO campaign_daily (campaign_id, day, metric, n)"
    " SELECT campaign_id, day, metric, SUM(n) FROM counter_delta"
    " WHERE id <= :top AND day <> '' GROUP BY campaign_id, day, metric"
    " ON CONFLICT (campaign_id, day, metric) DO UPDATE SET n = campaign_daily.n + excluded.n",
    "DELETE FROM counter_delta WHERE id <= :top",
)


async def rollup_batch(session: AsyncSession) -> int:
    """Fold up to ROLLUP_BATCH deltas into the counters and commit; the number folded."""
    if _dialect(session) == "postgresql":
        await _run(session, sa.text(f"SELECT pg_advisory_xact_lock({ROLLUP_LOCK})"))
        moved = (await _run(session, sa.text(_PG_ROLLUP))).one()[0]
    else:
        # The first write takes SQLite's write lock: no delta lands between the reads.
        await _run(session, sa.text("UPDATE counter_delta SET n = n WHERE id < 0"))
        top = (
            await _run(
                session,
                sa.text(
                    "SELECT MAX(id), COUNT(*) FROM (SELECT id FROM counter_delta "
                    f"ORDER BY id LIMIT {ROLLUP_BATCH}) AS b"
                ),
            )
        ).one()
        moved = top[1]
        if moved:
            for stmt in _SQLITE_ROLLUP:
                await _run(session, sa.text(stmt), {"top": top[0]})
    await session.commit()
    return int(moved)


async def tidy(db: Database, folded: int) -> bool:
    """After a large fold on PostgreSQL, vacuum and analyze `counter_delta` at once (True
    when it did): its rows are all dead, and planner statistics taken while it was full
    would have reads scan it instead of using its index. Autovacuum does the same for it
    after every 5,000 changes (migration 0007); this covers a burst before autovacuum runs."""
    if db.dialect != "postgresql" or folded < TIDY_AFTER:
        return False
    async with db.engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(sa.text("VACUUM (ANALYZE) counter_delta"))
    return True


async def rollup(session: AsyncSession, max_batches: int = 1_000) -> int:
    """Fold every pending delta (in batches, one transaction each); the number folded."""
    total = 0
    for _ in range(max_batches):
        moved = await rollup_batch(session)
        total += moved
        if moved < ROLLUP_BATCH:
            break
    return total


# -- recounting ------------------------------------------------------------------------------


def _recount_sql(dialect: str, per_day: bool) -> str:
    parts = []
    for c in CONTRIBUTIONS:
        if per_day and c.day is None:
            continue
        e = _exprs(c, c.table, dialect)
        key = e["day"] if per_day else "''"
        parts.append(
            f"SELECT {e['campaign']} AS campaign_id, {e['step']} AS step, "
            f"{e['sender']} AS sender, {key} AS day, {e['metric']} AS metric "
            f"FROM {c.table} WHERE {e['when']} AND {c.table}.campaign_id IS NOT NULL"
        )
    return (
        "SELECT campaign_id, step, sender, day, metric, COUNT(*) AS n FROM ("
        + " UNION ALL ".join(parts)
        + ") AS r GROUP BY campaign_id, step, sender, day, metric"
    )


def backfill_sql(dialect: str) -> list[str]:
    """Fill empty counters from the rows (migration 0007)."""
    return [
        "INSERT INTO campaign_counter (campaign_id, step, sender, metric, n) "
        "SELECT campaign_id, step, sender, metric, SUM(n) FROM ("
        f"{_recount_sql(dialect, per_day=False)}) AS t "
        "GROUP BY campaign_id, step, sender, metric",
        "INSERT INTO campaign_daily (campaign_id, day, metric, n) "
        "SELECT campaign_id, day, metric, SUM(n) FROM ("
        f"{_recount_sql(dialect, per_day=True)}) AS t "
        "GROUP BY campaign_id, day, metric",
    ]


async def recount(session: AsyncSession) -> tuple[dict[TotalKey, int], dict[DayKey, int]]:
    """From the rows: ({(campaign, step, sender, metric): n}, {(campaign, day, metric): n})."""
    dialect = _dialect(session)
    totals: dict[TotalKey, int] = {}
    for cid, step, sender, _day, metric, n in (
        await _run(session, sa.text(_recount_sql(dialect, per_day=False)))
    ).all():
        totals[(cid, int(step), sender, metric)] = int(n)
    days: dict[DayKey, int] = {}
    for cid, _step, _sender, day, metric, n in (
        await _run(session, sa.text(_recount_sql(dialect, per_day=True)))
    ).all():
        key = (cid, day, metric)
        days[key] = days.get(key, 0) + int(n)
    return totals, days


async def stored(session: AsyncSession) -> tuple[dict[TotalKey, int], dict[DayKey, int]]:
    """The counters as kept (rolled up + pending), in `recount`'s shape, zeros left out."""
    totals: dict[TotalKey, int] = {}
    sql = (
        "SELECT campaign_id, step, sender, metric, SUM(n) FROM ("
        " SELECT campaign_id, step, sender, metric, n FROM campaign_counter UNION ALL"
        " SELECT campaign_id, step, sender, metric, n FROM counter_delta"
        ") AS c GROUP BY campaign_id, step, sender, metric"
    )
    for cid, step, sender, metric, n in (await _run(session, sa.text(sql))).all():
        if n:
            totals[(cid, int(step), sender, metric)] = int(n)
    days: dict[DayKey, int] = {}
    sql = (
        "SELECT campaign_id, day, metric, SUM(n) FROM ("
        " SELECT campaign_id, day, metric, n FROM campaign_daily UNION ALL"
        " SELECT campaign_id, day, metric, n FROM counter_delta WHERE day <> ''"
        ") AS d GROUP BY campaign_id, day, metric"
    )
    for cid, day, metric, n in (await _run(session, sa.text(sql))).all():
        if n:
            days[(cid, day, metric)] = int(n)
    return totals, days


async def repair(session: AsyncSession) -> tuple[int, int]:
    """Replace every counter by a recount (`outreach admin recount-counters`); holds the
    write lock of the counted tables while it runs. Returns (counters, daily counters)."""
    dialect = _dialect(session)
    if dialect == "postgresql":
        await _run(session, sa.text(f"SELECT pg_advisory_xact_lock({ROLLUP_LOCK})"))
        await _run(session, sa.text("LOCK TABLE lead, send, reply IN SHARE MODE"))
    await _run(session, sa.text("DELETE FROM counter_delta"))
    await _run(session, sa.text("DELETE FROM campaign_counter"))
    await _run(session, sa.text("DELETE FROM campaign_daily"))
    totals, days = await recount(session)
    if totals:
        await _run(
            session,
            sa.text(
                "INSERT INTO campaign_counter (campaign_id, step, sender, metric, n) "
                "VALUES (:c, :s, :e, :m, :n)"
            ),
            [{"c": k[0], "s": k[1], "e": k[2], "m": k[3], "n": n} for k, n in totals.items()],
        )
    if days:
        await _run(
            session,
            sa.text(
                "INSERT INTO campaign_daily (campaign_id, day, metric, n) VALUES (:c, :d, :m, :n)"
            ),
            [{"c": k[0], "d": k[1], "m": k[2], "n": n} for k, n in days.items()],
        )
    await session.commit()
    return len(totals), len(days)
