"""Shared GraphQL building blocks: enums, Deadline, connections, global ids."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from api.context import Context
from api.pagination import PaginationError, decode_cursor, encode_cursor, page_size
from models import enums

Info = strawberry.Info[Context, None]

OrgUnitKind = strawberry.enum(enums.OrgUnitKind)
DeadlineKind = strawberry.enum(enums.DeadlineKind)
AssignmentRole = strawberry.enum(enums.RoleScope, name="AssignmentRole")
TaskStatus = strawberry.enum(enums.TaskStatus)
RectificationStatus = strawberry.enum(enums.RectificationStatus)
EscalationLevel = strawberry.enum(enums.EscalationLevel)
IndicatorDirection = strawberry.enum(enums.IndicatorDirection)
IndicatorKind = strawberry.enum(enums.IndicatorKind)
TargetKind = strawberry.enum(enums.TargetKind)
AssessmentLevel = strawberry.enum(enums.AssessmentLevel)
DocumentKind = strawberry.enum(enums.DocumentKind)
PlanKind = strawberry.enum(enums.PlanKind)
PlanField = strawberry.enum(enums.PlanField)
ReplyCategory = strawberry.enum(enums.ReplyCategory)

T = TypeVar("T")


@strawberry.type(
    description="A completion deadline (完成时限): parsed kind and dates, and the text."
)
class Deadline:
    kind: enums.DeadlineKind = strawberry.field(description="Shape of the deadline.")
    start: date | None = strawberry.field(description="First day (FROM_DATE, PERIOD).")
    end: date | None = strawberry.field(description="Last day (BY_DATE, PERIOD).")
    text: str = strawberry.field(description="The deadline as the document words it.")

    @classmethod
    def from_row(cls, row: RowMapping) -> Deadline:
        """From `deadline_kind/start/end/text` columns."""
        return cls(
            kind=enums.DeadlineKind(row["deadline_kind"]),
            start=row["deadline_start"],
            end=row["deadline_end"],
            text=row["deadline_text"],
        )


@strawberry.type(description="Relay page information.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items after this page.")
    has_previous_page: bool = strawberry.field(description="Items before this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first edge.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last edge.")


@strawberry.type(description="An edge of a connection.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque cursor of this edge.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of items with keyset cursors.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page.")
    page_info: PageInfo = strawberry.field(description="Paging state.")
    count_fn: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="Number of items over all pages.")
    async def total_count(self) -> int:
        return await self.count_fn()


def _coerce(column: sa.ColumnElement[Any], value: Any) -> Any:
    if value is None:
        return None
    python_type: Any
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return value
    if python_type is uuid.UUID:
        return uuid.UUID(str(value))
    if python_type is date:
        return date.fromisoformat(str(value))
    return value


async def paginate(
    info: Info,
    statement: sa.Select[Any],
    order: Sequence[sa.ColumnElement[Any]],
    build: Callable[[RowMapping], T],
    *,
    first: int | None,
    after: str | None,
    descending: bool = False,
) -> Connection[T]:
    """One keyset page of `statement` ordered by `order` (whose last column is unique).

    All columns ascend, or all descend (`descending`), so one row comparison is the cursor.

    The count runs only if the client selects `totalCount`.
    """
    db = info.context.db
    try:
        size = page_size(first)
        key = decode_cursor(after, len(order)) if after else None
    except PaginationError as exc:
        raise ValueError(str(exc)) from exc
    labelled = [col.label(f"_k{i}") for i, col in enumerate(order)]
    page = statement.add_columns(*labelled)
    if key is not None:
        bound = [sa.literal(_coerce(col, v), col.type) for col, v in zip(order, key, strict=True)]
        keys, after_key = sa.tuple_(*order), sa.tuple_(*bound)
        page = page.where(keys < after_key if descending else keys > after_key)
    sort = [col.desc() for col in order] if descending else list(order)
    rows = list(await db.fetch_all(page.order_by(*sort).limit(size + 1)))
    has_next = len(rows) > size
    rows = rows[:size]
    edges = [
        Edge(cursor=encode_cursor([row[f"_k{i}"] for i in range(len(order))]), node=build(row))
        for row in rows
    ]

    async def count() -> int:
        total = await db.scalar(
            sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
        )
        return int(total or 0)

    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=key is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count_fn=count,
    )


def decode_global_id(value: str | strawberry.ID | relay.GlobalID, *types: str) -> uuid.UUID:
    """The UUID of a global id of one of `types`; ValueError otherwise."""
    try:
        gid = value if isinstance(value, relay.GlobalID) else relay.GlobalID.from_id(str(value))
        if types and gid.type_name not in types:
            raise ValueError(f"expected an id of {'/'.join(types)}, got {gid.type_name}")
        return uuid.UUID(gid.node_id)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"invalid id: {value}") from exc


def global_id(type_name: str, row_id: Any) -> strawberry.ID:
    """A Relay global id."""
    return strawberry.ID(str(relay.GlobalID(type_name, str(row_id))))
