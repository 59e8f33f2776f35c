"""Shared GraphQL building blocks: enums, Deadline, connections, global ids."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, ClassVar, TypeVar

import sqlalchemy as sa
import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from models import enums
from resolvers import error_types as error_types  # registers ErrorCode and UserError
from resolvers import pagination
from resolvers.context import Context
from resolvers.ids import encode_global_id
from resolvers.pagination import Connection, Edge, OrderKey, PageInfo, ascending

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

__all__ = [
    "Connection",
    "Deadline",
    "Edge",
    "Info",
    "OrderKey",
    "PageInfo",
    "ascending",
    "decode_global_id",
    "global_id",
    "paginate",
]


@strawberry.type(
    description="A completion deadline (完成时限): parsed kind and dates, and the text."
)
class Deadline:
    kind: enums.DeadlineKind = strawberry.field(description="Shape of the deadline.")
    start: date | None = strawberry.field(description="First day (FROM_DATE, PERIOD).")
    end: date | None = strawberry.field(description="Last day (BY_DATE, PERIOD).")
    text: str = strawberry.field(description="The deadline as the document words it.")

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> Deadline:
        """From `deadline_kind/start/end/text` columns."""
        return cls(
            kind=enums.DeadlineKind(row["deadline_kind"]),
            start=row["deadline_start"],
            end=row["deadline_end"],
            text=row["deadline_text"],
        )


T = TypeVar("T")


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
    """A keyset page of `statement` by `order` columns (the last one unique), one direction."""
    keys = [OrderKey(column, descending) for column in order]
    return await pagination.paginate(
        info.context.db, statement, keys, build, first=first, after=after
    )


def row_uuid(value: str) -> uuid.UUID | None:
    """A node id's row id; None (a miss) when it is not a UUID."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


class RowNode:
    """Mixin of Relay nodes backed by one table: `node(id:)` loads through the scoped loader.

    The loader applies the viewer's scope, so a row outside it resolves to null like a
    missing one.
    """

    ROW_MODEL: ClassVar[Any]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        loader = info.context.loaders.by_id(cls.ROW_MODEL)
        rows = await loader.load_many([row_uuid(i) for i in node_ids])
        build = cls.from_row  # type: ignore[attr-defined]
        return [build(r) if r else None for r in rows]


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
    return strawberry.ID(encode_global_id(type_name, row_id))
