"""Keyset pagination: opaque cursors over an ordered tuple of columns ending on a unique one."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

import orjson

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class PaginationError(ValueError):
    """Bad `first` or `after` argument."""


def page_size(first: int | None) -> int:
    """`first` bounded to 1..100, default 20."""
    if first is None:
        return DEFAULT_PAGE_SIZE
    if first < 0:
        raise PaginationError("`first` must not be negative")
    if first > MAX_PAGE_SIZE:
        raise PaginationError(f"`first` must be at most {MAX_PAGE_SIZE}")
    return first


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque cursor for a row's sort key."""
    payload = orjson.dumps([v if isinstance(v, int | float | None) else str(v) for v in values])
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[Any]:
    """The sort key a cursor stands for; a malformed cursor is a PaginationError."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, orjson.JSONDecodeError) as exc:
        raise PaginationError("invalid cursor") from exc
    if not isinstance(values, list) or len(values) != arity:
        raise PaginationError("invalid cursor")
    return values
