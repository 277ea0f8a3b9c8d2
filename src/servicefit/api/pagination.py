"""Cursor pagination: stable under inserts, one query per page whatever the page size.

The cursor names the last item of the previous page (clients treat it as opaque); items are
ordered by id, so a page never repeats or skips a row when new rows arrive, and paging costs
one indexed query however deep it goes (unlike offsets).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from .problems import ApiProblem

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

M = TypeVar("M", bound=Model)


def encode_cursor(last_id: int) -> str:
    return str(last_id)


def decode_cursor(cursor: str) -> int:
    if not cursor.isdigit() or len(cursor) > 16:
        raise ApiProblem(400, "Invalid cursor", detail="Use next_cursor from a page.")
    return int(cursor)


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None


def paginate(queryset: QuerySet[M], *, cursor: str | None, limit: int | None) -> Page:
    limit = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiProblem(400, "Invalid limit", detail=f"limit must be 1 to {MAX_LIMIT}.")
    queryset = queryset.order_by("pk")
    if cursor:
        queryset = queryset.filter(pk__gt=decode_cursor(cursor))
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_cursor=encode_cursor(rows[-1].pk) if more and rows else None)
