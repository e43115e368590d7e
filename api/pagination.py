"""Keyset pagination on (createdAt, id), newest first.

The cursor is opaque to clients (base64url JSON of the last row's key). A row inserted
while a client pages lands before the first page, so pages never repeat or skip rows.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Query
from sqlalchemy import and_, or_
from sqlmodel.sql.expression import SelectOfScalar

from api.errors import bad_request

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(created_at: datetime, row_id: str) -> str:
    raw = json.dumps([created_at.astimezone(UTC).isoformat(), row_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        if len(cursor) > 300:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, row_id = json.loads(raw)
        when = datetime.fromisoformat(created)
        if when.tzinfo is None or not isinstance(row_id, str) or len(row_id) > 60:
            raise ValueError("bad cursor")
        return when, row_id
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise bad_request(
            "Invalid cursor: pass the nextCursor value from a previous page unchanged.",
            "invalid_cursor",
        ) from exc


class Page:
    def __init__(self, limit: int, cursor: str | None) -> None:
        self.limit = limit
        self.after = decode_cursor(cursor) if cursor else None

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
        next_cursor = encode_cursor(rows[-1].created_at, rows[-1].id) if more and rows else None
        return {"data": [render(r) for r in rows], "nextCursor": next_cursor}


def page_params(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"1..{MAX_LIMIT}, default {DEFAULT_LIMIT}")
    ] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(description="nextCursor of the previous page")] = None,
) -> Page:
    return Page(limit, cursor)
