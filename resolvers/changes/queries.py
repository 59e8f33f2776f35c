"""`changes`: the incremental change feed partners mirror from (see resolvers/changes/feed.py)."""

from __future__ import annotations

import asyncio
from datetime import datetime

import strawberry
from graphql import GraphQLError
from strawberry import relay

from models.enums import ChangeType as ChangeTypeEnum
from resolvers.changes.feed import FeedItem, read_feed
from resolvers.changes.log import Cursor
from resolvers.common import Info, global_id
from resolvers.inspection.types import Rectification
from resolvers.pagination import PageInfo, PaginationError, page_size
from resolvers.task.types import Task

ChangeType = strawberry.enum(ChangeTypeEnum, description="Kind of object in the change feed.")

TYPE_NAMES = {ChangeTypeEnum.TASK: "Task", ChangeTypeEnum.RECTIFICATION: "Rectification"}


@strawberry.type(
    description="A changed object: its current state, or a tombstone when it was deleted or "
    "is no longer visible to the viewer."
)
class Change:
    type: ChangeTypeEnum = strawberry.field(description="Kind of object.")
    object_id: strawberry.ID = strawberry.field(description="Global id of the object.")
    deleted: bool = strawberry.field(
        description="Tombstone: remove the object from the mirror (`object` is null)."
    )
    changed_at: datetime | None = strawberry.field(
        description="When the change was logged; null for objects of the initial load."
    )
    object: relay.Node | None = strawberry.field(
        description="The object as it is now (Task or Rectification); null for a tombstone."
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


async def _change(info: Info, item: FeedItem) -> Change:
    loaders = info.context.loaders
    node: relay.Node | None = None
    if item.type is ChangeTypeEnum.TASK:
        row = await loaders.task_by_id.load(item.object_id)
        node = Task.from_row(row) if row else None
    else:
        row = await loaders.rectification_by_id.load(item.object_id)
        node = Rectification.from_row(row) if row else None
    return Change(
        type=item.type,
        object_id=global_id(TYPE_NAMES[item.type], item.object_id),
        deleted=node is None,
        changed_at=item.changed_at,
        object=node,
    )


@strawberry.type
class ChangeQuery:
    @strawberry.field(
        description="What changed after `since`, in commit order, for mirroring: null starts "
        "with every visible object, then follows the log. Scoped by the viewer; deletions "
        "and objects leaving the viewer's scope come as tombstones. `first` 20, max 100."
    )
    async def changes(
        self,
        info: Info,
        since: str | None = None,
        first: int | None = None,
        types: list[ChangeTypeEnum] | None = None,
    ) -> ChangeConnection:
        try:
            size = page_size(first)
            cursor = Cursor.decode(since) if since else None
        except (PaginationError, ValueError) as exc:
            raise GraphQLError(str(exc)) from exc
        wanted = list(dict.fromkeys(types)) if types else list(ChangeTypeEnum)
        page = await read_feed(info.context.db, info.context.scope, cursor, size, wanted)
        # Gathered, so the loaders fetch a page's objects in one batch per type.
        changes = await asyncio.gather(*(_change(info, item) for item in page.items))
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
