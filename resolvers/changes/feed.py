"""The change feed a partner follows: first what exists (the initial load), then the log.

`changes(since: null)` starts an initial load: the objects visible now, by type then id,
paged like the log. Its cursor remembers the log position taken when it started, so when
the load is done the feed continues from there: whatever changed while the partner was
loading comes again (at least once, never lost). `since` from any page's endCursor resumes.

The feed follows a view: the viewer's scope, or one unit's subtree in it (`changes(unit:)`,
a snapshot's unit), read with the viewer's disclosure tier; the cursor carries both, and a
cursor of another view is refused (`view_scope`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from models.enums import ChangeType
from models.messages import message
from resolvers.changes.log import Cursor, Reader, log_t, present, read_entries, root_table
from resolvers.errors import DomainError, ErrorCode
from resolvers.scope import Scope, in_subtree, visibility

ORDER = list(ChangeType)  # the initial load lists types in this order


def visible(
    scope: Scope, change_type: ChangeType, column: sa.ColumnElement[uuid.UUID]
) -> sa.ColumnElement[bool]:
    """The viewer's predicate on an object id of this type (its row's scope predicate)."""
    if scope.unrestricted:
        return sa.true()
    table = root_table(change_type)
    return column.in_(sa.select(table.c.id).where(visibility(scope, table)))


async def view_scope(
    reader: Reader,
    viewer_scope: Scope,
    unit: uuid.UUID | None,
    since: Cursor | None,
) -> tuple[Scope, Cursor | None]:
    """The scope a feed request reads with, and its cursor (a new feed's when `since` is
    None: None, read_feed starts one).

    `unit` (or the cursor's unit when `unit` is not given) narrows the viewer's scope to that
    unit's subtree, which must lie in it (NOT_FOUND otherwise, as for any unit the viewer
    cannot see); a cursor made for another unit or another disclosure tier is INVALID_INPUT:
    the view would change under the partner's mirror.
    """
    disclosure = viewer_scope.disclosure.value
    if since is not None:
        if unit is not None and since.unit != unit:
            raise DomainError(
                ErrorCode.INVALID_INPUT,
                message("CURSOR_OTHER_UNIT"),
                "since",
            )
        if since.disclosure is not None and since.disclosure != disclosure:
            raise DomainError(
                ErrorCode.INVALID_INPUT,
                message("CURSOR_OTHER_TIER", disclosure=since.disclosure),
                "since",
            )
        unit = since.unit
    if unit is None:
        return viewer_scope, _bound(since, None, disclosure)
    if not viewer_scope.unrestricted:
        found = await reader.scalar(
            sa.select(sa.literal(1)).where(in_subtree(viewer_scope, sa.literal(unit, sa.Uuid())))
        )
        if not found:
            raise DomainError(ErrorCode.NOT_FOUND, message("UNIT_NOT_IN_SCOPE"), "unit")
    return Scope(root=unit, disclosure=viewer_scope.disclosure), _bound(since, unit, disclosure)


def _bound(since: Cursor | None, unit: uuid.UUID | None, disclosure: str) -> Cursor | None:
    if since is None:
        return None
    return Cursor(since.seq, since.baseline_type, since.baseline_after, unit, disclosure)


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


async def start(reader: Reader, unit: uuid.UUID | None, disclosure: str) -> Cursor:
    """The cursor of a new initial load (the log position is taken now)."""
    return Cursor(await present(reader), 0, None, unit, disclosure)


async def read_feed(
    reader: Reader,
    scope: Scope,
    since: Cursor | None,
    first: int,
    types: Sequence[ChangeType],
    *,
    unit: uuid.UUID | None = None,
) -> FeedPage:
    """Up to `first` changes after `since` that the scope may see (`unit`: the scope's root
    when the feed follows a unit, recorded in a new feed's cursor)."""
    cursor = since or await start(reader, unit, scope.disclosure.value)
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
            table = root_table(change_type)
            statement = sa.select(table.c.id).where(visible(scope, change_type, table.c.id))
            if after is not None:
                statement = statement.where(table.c.id > after)
            rows = await reader.fetch_all(statement.order_by(table.c.id).limit(room + 1))
            ids = [row["id"] for row in rows]
            for object_id in ids[:room]:
                item_cursor = cursor.at(cursor.seq, index, object_id)
                items.append(FeedItem(item_cursor, change_type, object_id, None))
            if len(ids) > room:
                return FeedPage(items, items[-1].cursor, True)
            index, after = index + 1, None
        if index < len(ORDER) and any(t in types for t in ORDER[index:]):
            # The page is full with types still to list.
            end = cursor.at(cursor.seq, index, None)
            return FeedPage(items, end, True)
        cursor = cursor.at(cursor.seq)  # the load is done: the log from where it started
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
            FeedItem(cursor.at(entry.seq), entry.object_type, entry.object_id, entry.changed_at)
        )
    return FeedPage(items, cursor.at(page.end), page.has_more)
