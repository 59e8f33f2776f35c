"""GraphQL type Comment (留言 / 批示) and the `comments` connections of Task, Rectification
and ProgressReport."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

import sqlalchemy as sa
import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from models import Comment as CommentModel
from models import enums
from resolvers.common import Connection, Info, RowNode
from resolvers.org_unit.types import OrgUnit
from resolvers.pagination import OrderKey, page_loader
from resolvers.scope import internal_hidden, visibility

comment_t: sa.Table = CommentModel.__table__  # type: ignore[attr-defined]


@strawberry.type(
    description=(
        "A comment or 批示 on a task, rectification or progress report: who wrote it (unit,"
        " role), when. Whoever sees the target sees its comments. Append-only."
    )
)
class Comment(RowNode, relay.Node):
    ROW_MODEL: ClassVar[Any] = CommentModel
    id: relay.NodeID[str]
    kind: enums.CommentKind = strawberry.field(description="COMMENT or INSTRUCTION (批示).")
    body: str = strawberry.field(description="What was written.")
    author_role: enums.ViewerRole = strawberry.field(description="The author's role then.")
    created_at: datetime = strawberry.field(description="When it was written.")
    writer: strawberry.Private[str | None]
    unit_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> Comment:
        """From a `comment` row."""
        return cls(
            id=str(row["id"]),
            kind=enums.CommentKind(row["kind"]),
            body=row["body"],
            author_role=enums.ViewerRole(row["author_role"]),
            created_at=row["created_at"],
            writer=row["author"],
            unit_id=row["author_unit_id"],
        )

    @strawberry.field(description="Who wrote it (internal: null for sharing partners).")
    def author(self, info: Info) -> str | None:
        return None if internal_hidden(info) else self.writer

    @strawberry.field(description="The author's unit.")
    async def author_unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.org_unit_by_id.load(self.unit_id)
        return OrgUnit.from_row(row) if row else None


async def comments_of(
    info: Info,
    column: str,
    parent: uuid.UUID,
    *,
    kind: enums.CommentKind | None,
    first: int | None,
    after: str | None,
) -> Connection[Comment]:
    """The comments on a task, rectification or report (`column`: the target's id column),
    oldest first, batched over the parents of a level."""
    scope = info.context.scope
    target = comment_t.c[column]

    def statement(parents: list[Any]) -> sa.Select[Any]:
        stmt = sa.select(comment_t, target.label("_parent")).where(
            target.in_(parents), visibility(scope, comment_t)
        )
        if kind is not None:
            stmt = stmt.where(comment_t.c.kind == kind.value)
        return stmt

    order = [OrderKey(comment_t.c.created_at, False), OrderKey(comment_t.c.id, False)]
    loader = page_loader(
        info,
        ("CommentsBy", column, kind),
        statement,
        order,
        Comment.from_row,
        first=first,
        after=after,
    )
    connection: Connection[Comment] = await loader.load(parent)
    return connection
