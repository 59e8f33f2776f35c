"""The change feed a partner follows: first what exists (the initial load), then the log.

`changes(since: null)` starts an initial load: the objects visible now, by type then id,
paged like the log. Its cursor remembers the log position taken when it started, so when
the load is done the feed continues from there: whatever changed while the partner was
loading comes again (at least once, never lost). `since` from any page's endCursor resumes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from models import Rectification, Task
from models.enums import ChangeType
from resolvers.changes.log import Cursor, Reader, log_t, present, read_entries
from resolvers.scope import Scope, rectification_visible, task_visible

task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
rect_t: sa.Table = Rectification.__table__  # type: ignore[attr-defined]

ORDER = list(ChangeType)  # the initial load lists types in this order
TABLES = {ChangeType.TASK: task_t, ChangeType.RECTIFICATION: rect_t}


def visible(
    scope: Scope, change_type: ChangeType, column: sa.ColumnElement[uuid.UUID]
) -> sa.ColumnElement[bool]:
    """The viewer's predicate on an object id of this type."""
    if change_type is ChangeType.TASK:
        return task_visible(scope, column)
    return rectification_visible(scope, column)


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One change: the object, when it was logged (None in the initial load), its cursor."""

    cursor: Cursor
    type: ChangeType
    object_id: uuid.UUID
    changed_at: datetime | None


@dataclass(frozen=True, slots=True)
class FeedPage:
    """A page of changes, where the reader stands after it, and whether more wait now."""

    items: list[FeedItem]
    end: Cursor
    has_more: bool


async def start(reader: Reader) -> Cursor:
    """The cursor of a new initial load (the log position is taken now)."""
    return Cursor(await present(reader), baseline_type=0, baseline_after=None)


async def read_feed(
    reader: Reader,
    scope: Scope,
    since: Cursor | None,
    first: int,
    types: Sequence[ChangeType],
) -> FeedPage:
    """Up to `first` changes after `since` that the scope may see."""
    cursor = since or await start(reader)
    items: list[FeedItem] = []
    if cursor.in_baseline:
        assert cursor.baseline_type is not None
        index, after = cursor.baseline_type, cursor.baseline_after
        while index < len(ORDER) and len(items) < first:
            change_type = ORDER[index]
            if change_type not in types:
                index, after = index + 1, None
                continue
            room = first - len(items)
            table = TABLES[change_type]
            statement = sa.select(table.c.id).where(visible(scope, change_type, table.c.id))
            if after is not None:
                statement = statement.where(table.c.id > after)
            rows = await reader.fetch_all(statement.order_by(table.c.id).limit(room + 1))
            ids = [row["id"] for row in rows]
            for object_id in ids[:room]:
                item_cursor = Cursor(cursor.seq, index, object_id)
                items.append(FeedItem(item_cursor, change_type, object_id, None))
            if len(ids) > room:
                return FeedPage(items, items[-1].cursor, True)
            index, after = index + 1, None
        if index < len(ORDER) and any(t in types for t in ORDER[index:]):
            # The page is full with types still to list.
            end = Cursor(cursor.seq, index, None)
            return FeedPage(items, end, True)
        cursor = Cursor(cursor.seq)  # the load is done: the log from where it started
        if len(items) >= first:
            return FeedPage(items, cursor, True)
    page = await read_entries(
        reader,
        scope,
        cursor.seq,
        types,
        first - len(items),
        {t: visible(scope, t, log_t.c.object_id) for t in types},
    )
    for entry in page.entries:
        items.append(
            FeedItem(Cursor(entry.seq), entry.object_type, entry.object_id, entry.changed_at)
        )
    return FeedPage(items, Cursor(page.end), page.has_more)
