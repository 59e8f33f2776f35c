"""extensionRequests: the approver's list of extension requests (延期申请) and the requester's."""

from __future__ import annotations

from enum import Enum
from typing import Any

import sqlalchemy as sa
import strawberry

from models import OrgUnitClosure, enums
from resolvers.common import Connection, Info, decode_global_id, paginate
from resolvers.extension.types import ExtensionRequest, request_t
from resolvers.scope import visibility

closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]


@strawberry.enum(description="Whose: the viewer's unit, or it and the units below it.")
class UnitParty(Enum):
    ME = strawberry.enum_value("ME", description="The viewer's own unit.")
    MY_SUBTREE = strawberry.enum_value(
        "MY_SUBTREE", description="The viewer's unit and every unit below it."
    )


@strawberry.input(description="Filter for extension requests.")
class ExtensionRequestFilter:
    status: list[enums.ExtensionStatus] | None = strawberry.field(
        default=None, description="State in this set (PENDING: what waits for a decision)."
    )
    addressed_to: UnitParty | None = strawberry.field(
        default=None,
        description=(
            "Addressed to the viewer's unit (ME: the approver's list) or to a unit in its"
            " subtree (MY_SUBTREE)."
        ),
    )
    requested_by: strawberry.ID | None = strawberry.field(
        default=None, description="Asked by this unit (an OrgUnit id)."
    )


def party_filter(column: sa.ColumnElement[Any], party: UnitParty, unit: Any) -> Any:
    if party is UnitParty.ME:
        return column == unit
    return column.in_(sa.select(closure_t.c.descendant_id).where(closure_t.c.ancestor_id == unit))


@strawberry.type
class ExtensionQuery:
    @strawberry.field(
        description=(
            "Extension requests (延期申请) the viewer may see (with their tasks), newest first."
            " `filter: {status: [PENDING], addressedTo: ME}` is what waits for the viewer's"
            " unit to decide. Without a unit (ADMIN of none, the demo viewer), ME names nothing."
        )
    )
    async def extension_requests(
        self,
        info: Info,
        filter: ExtensionRequestFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ExtensionRequest]:
        ctx = info.context
        statement = sa.select(request_t).where(visibility(ctx.scope, request_t))
        if filter is not None:
            if filter.status:
                statement = statement.where(
                    request_t.c.status.in_([s.value for s in filter.status])
                )
            if filter.addressed_to is not None:
                statement = statement.where(
                    party_filter(
                        request_t.c.addressed_to_id, filter.addressed_to, ctx.viewer.unit_id
                    )
                )
            if filter.requested_by is not None:
                unit = decode_global_id(filter.requested_by, "OrgUnit")
                statement = statement.where(request_t.c.requested_by_unit_id == unit)
        order = [request_t.c.requested_at, request_t.c.id]
        return await paginate(
            info,
            statement,
            order,
            ExtensionRequest.from_row,
            first=first,
            after=after,
            descending=True,
        )
