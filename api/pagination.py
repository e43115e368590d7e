"""Keyset pagination on (createdAt, id), newest first.

The cursor is opaque to clients: the last row's key, signed (HMAC) so a tampered or
made-up cursor answers 400 instead of an arbitrary page. A row inserted while a client
pages lands before the first page (or, if it is older, further on), so pages never repeat
rows nor skip rows that existed when the first page was read.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Query
from sqlalchemy import and_, or_
from sqlmodel.sql.expression import SelectOfScalar

from api.deps import StateDep
from api.errors import bad_request
from outreach.security import sign_token, verify_token

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
CURSOR_PURPOSE = "cursor"


def encode_cursor(created_at: datetime, row_id: str, key: bytes) -> str:
    raw = json.dumps([created_at.astimezone(UTC).isoformat(), row_id], separators=(",", ":"))
    return sign_token(key, CURSOR_PURPOSE, raw)


def decode_cursor(cursor: str, key: bytes) -> tuple[datetime, str]:
    try:
        raw = verify_token(key, CURSOR_PURPOSE, cursor)
        if raw is None:
            raise ValueError("not a cursor of ours")
        created, row_id = json.loads(raw)
        when = datetime.fromisoformat(created)
        if when.tzinfo is None or not isinstance(row_id, str):
            raise ValueError("bad cursor")
        return when, row_id
    except (ValueError, TypeError) as exc:
        raise bad_request(
            "Invalid cursor: pass the nextCursor value from a previous page unchanged.",
            "invalid_cursor",
        ) from exc


class Page:
    def __init__(self, limit: int, cursor: str | None, key: bytes) -> None:
        self.limit = limit
        self.key = key
        self.after = decode_cursor(cursor, key) if cursor else None

    def apply(self, stmt: SelectOfScalar[Any], model: Any) -> SelectOfScalar[Any]:
        if self.after:
            created, row_id = self.after
            stmt = stmt.where(
                or_(
                    model.created_at < created,
                    and_(model.created_at == created, model.id < row_id),
                )
            )
        return stmt.order_by(model.created_at.desc(), model.id.desc()).limit(self.limit + 1)

    def result(self, rows: list[Any], render: Any) -> dict[str, Any]:
        more = len(rows) > self.limit
        rows = rows[: self.limit]
        next_cursor = (
            encode_cursor(rows[-1].created_at, rows[-1].id, self.key) if more and rows else None
        )
        return {"data": [render(r) for r in rows], "nextCursor": next_cursor}


def page_params(
    state: StateDep,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"1..{MAX_LIMIT}, default {DEFAULT_LIMIT}")
    ] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(description="nextCursor of the previous page")] = None,
) -> Page:
    return Page(limit, cursor, state.cursor_key)
