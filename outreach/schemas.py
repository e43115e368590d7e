"""What every request and response body shares: camelCase JSON, ISO 8601 UTC timestamps
with `Z`, and strict requests (wrong JSON types and unknown fields answer 400; semantic
checks answer 422 from the services). Each domain keeps its own bodies beside its service
(`outreach/<domain>/schemas.py`); the API answers with them and webhook events carry them
as their `data`, so the two never drift apart."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer, model_validator
from pydantic.alias_generators import to_camel

from outreach.errors import RuleBroken


def _iso_z(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


Timestamp = Annotated[datetime, PlainSerializer(_iso_z, return_type=str)]


class Out(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


def _has_nul(value: Any, max_depth: int = 32) -> bool:
    """True when a string (key or value) in the JSON holds NUL. Iterative, so any depth is
    safe to look at; nesting deeper than `max_depth` (no request needs more than a few
    levels) raises `nesting_too_deep`."""
    from pydantic_core import PydanticCustomError

    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict | list):
            if depth >= max_depth:
                raise PydanticCustomError(
                    "nesting_too_deep",
                    "JSON is nested too deeply (at most {limit} levels of objects and arrays)",
                    {"limit": max_depth},
                )
            if isinstance(item, dict):
                stack.extend((k, depth + 1) for k in item)
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)
    return False


class In(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=False, extra="forbid", strict=True
    )

    @model_validator(mode="before")
    @classmethod
    def _reject_nul(cls, data: Any) -> Any:
        # PostgreSQL cannot store NUL in text; refuse it the same way on every database.
        # Also refuses absurd nesting (checked without recursion).
        if _has_nul(data):
            raise ValueError("text must not contain NUL (\\u0000) characters")
        return data


def dump(body: BaseModel) -> dict[str, Any]:
    """A body as the JSON the API sends (camelCase, timestamps as strings)."""
    return body.model_dump(mode="json", by_alias=True)


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def single_line(value: str, field: str) -> str:
    """A value that ends up in a mail header (a name, a subject): RuleBroken when it holds
    a line break or another control character (it could add a header)."""
    if _CONTROL.search(value):
        raise RuleBroken(
            f"{field} must not contain line breaks or other control characters.",
            "control_characters",
        )
    return value
