"""`changes`: the incremental change feed partners mirror from (see resolvers/changes/feed.py)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Any, cast

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.scalars import JSON

from models.enums import ChangeType as ChangeTypeEnum
from models.messages import render, text_of
from resolvers.changes.feed import FeedItem, read_feed, view_scope
from resolvers.changes.log import Cursor
from resolvers.changes.records import Records, is_tombstone, object_key, read_records
from resolvers.common import Info, decode_global_id
from resolvers.errors import DomainError
from resolvers.inspection.types import Rectification
from resolvers.pagination import PageInfo, PaginationError, page_size
from resolvers.scope import Scope
from resolvers.task.types import Task

ChangeType = strawberry.enum(
    ChangeTypeEnum,
    description="Kind of object in the change feed: one per object of the snapshot "
    "(/export/snapshot.json), with the collections it owns (see `Change.records`).",
)


@strawberry.type(
    description="A changed object: its current state, or a tombstone when it was deleted or "
    "is no longer visible in the feed's view."
)
class Change:
    type: ChangeTypeEnum = strawberry.field(description="Kind of object.")
    object_id: strawberry.ID = strawberry.field(
        description="Id of the object as the snapshot writes it (a global id for nodes)."
    )
    deleted: bool = strawberry.field(
        description="Tombstone: remove the object's rows from the mirror (`records` is empty)."
    )
    changed_at: datetime | None = strawberry.field(
        description="When the change was logged; null for objects of the initial load."
    )
    object: relay.Node | None = strawberry.field(
        description="The object as it is now, for Task and Rectification changes; null for a "
        "tombstone and for the other types (read `records`)."
    )
    records: JSON = strawberry.field(
        description="The object's rows as the snapshot carries them, by collection (the "
        "object's own row and the rows it owns: a task's deadline changes, assignments and "
        "progress reports, a document's plans …): replace the object's rows in a mirror by "
        "these. Every "
        "collection of the type is present; a tombstone's are empty."
    )


@strawberry.type(description="An edge of the change feed.")
class ChangeEdge:
    cursor: str = strawberry.field(description="Resume after this change with changes(since:).")
    node: Change = strawberry.field(description="The change.")


@strawberry.type(description="A page of the change feed.")
class ChangeConnection:
    edges: list[ChangeEdge] = strawberry.field(description="Changes in commit order.")
    page_info: PageInfo = strawberry.field(
        description="endCursor is never null: keep it and pass it as `since` next time."
    )


async def _object(info: Info, item: FeedItem) -> relay.Node | None:
    loaders = info.context.loaders
    if item.type is ChangeTypeEnum.TASK:
        row = await loaders.task_by_id.load(item.object_id)
        return Task.from_row(row) if row else None
    if item.type is ChangeTypeEnum.RECTIFICATION:
        row = await loaders.rectification_by_id.load(item.object_id)
        return Rectification.from_row(row) if row else None
    return None


async def _records(info: Info, scope: Scope, items: list[FeedItem]) -> dict[Any, Records]:
    """Every item's records, one statement per collection and type of the page."""
    by_type: dict[ChangeTypeEnum, list[uuid.UUID]] = {}
    for item in items:
        by_type.setdefault(item.type, []).append(item.object_id)
    out: dict[Any, Records] = {}
    for change_type, ids in by_type.items():
        records = await read_records(info.context.db, scope, change_type, ids)
        out.update({(change_type, object_id): rows for object_id, rows in records.items()})
    return out


async def _change(info: Info, item: FeedItem, records: Records) -> Change:
    deleted = is_tombstone(item.type, records)
    return Change(
        type=item.type,
        object_id=strawberry.ID(object_key(item.type, item.object_id)),
        deleted=deleted,
        changed_at=item.changed_at,
        object=None if deleted else await _object(info, item),
        records=cast(Any, records),  # the JSON scalar: plain JSON values
    )


@strawberry.type
class ChangeQuery:
    @strawberry.field(
        description="What changed after `since`, in commit order, for mirroring: null starts "
        "with every visible object, then follows the log. Scoped by the viewer, or by `unit`'s "
        "subtree within it; a cursor (a page's, or a snapshot's changesCursor) carries its "
        "unit and disclosure tier and continues that view: one made for another unit or tier "
        "is refused. Deletions and objects leaving the view come as tombstones. `first` 20, "
        "max 100."
    )
    async def changes(
        self,
        info: Info,
        since: str | None = None,
        first: int | None = None,
        types: list[ChangeTypeEnum] | None = None,
        unit: strawberry.ID | None = None,
    ) -> ChangeConnection:
        try:
            size = page_size(first)
            cursor = Cursor.decode(since) if since else None
            unit_id = decode_global_id(unit, "OrgUnit") if unit else None
        except (PaginationError, ValueError) as exc:
            text = render(text_of(exc), info.context.language)
            raise GraphQLError(text, extensions={"code": "INVALID_INPUT"}) from exc
        db = info.context.db
        try:
            scope, cursor = await view_scope(db, info.context.scope, unit_id, cursor)
        except DomainError as exc:
            text = render(exc.message, info.context.language)
            raise GraphQLError(text, extensions={"code": exc.code.value}) from exc
        wanted = list(dict.fromkeys(types)) if types else list(ChangeTypeEnum)
        followed = scope.root if scope is not info.context.scope else None
        page = await read_feed(db, scope, cursor, size, wanted, unit=followed)
        records = await _records(info, scope, page.items)
        # Gathered, so the loaders fetch a page's objects in one batch per type.
        changes = await asyncio.gather(
            *(_change(info, item, records[item.type, item.object_id]) for item in page.items)
        )
        edges = [
            ChangeEdge(cursor=item.cursor.encode(), node=change)
            for item, change in zip(page.items, changes, strict=True)
        ]
        return ChangeConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_more,
                has_previous_page=since is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=page.end.encode(),
            ),
        )
