"""escalations: the 督办 inbox (addressed to the viewer's unit) and the issuer's out-tray."""

from __future__ import annotations

from enum import Enum
from typing import Any

import sqlalchemy as sa
import strawberry

from models import OrgUnitClosure, enums
from resolvers.common import Connection, Info, paginate
from resolvers.escalation.types import Escalation, escalation_t
from resolvers.scope import visibility

closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]


@strawberry.enum(description="Whose escalations: the viewer's unit, or it and the units below.")
class EscalationParty(Enum):
    ME = strawberry.enum_value("ME", description="The viewer's own unit.")
    MY_SUBTREE = strawberry.enum_value(
        "MY_SUBTREE", description="The viewer's unit and every unit below it."
    )


def _party(column: sa.ColumnElement[Any], party: EscalationParty, unit: Any) -> Any:
    if party is EscalationParty.ME:
        return column == unit
    return column.in_(sa.select(closure_t.c.descendant_id).where(closure_t.c.ancestor_id == unit))


@strawberry.type
class EscalationQuery:
    @strawberry.field(
        description=(
            "Escalations (督办件) the viewer may see, newest first: `addressedTo: ME` is the"
            " unit's inbox, `issuedBy: ME` what it issued; `status` filters by state."
            " Without a unit (ADMIN of none, the demo viewer), ME names nothing."
        )
    )
    async def escalations(
        self,
        info: Info,
        addressed_to: EscalationParty | None = None,
        issued_by: EscalationParty | None = None,
        status: list[enums.EscalationStatus] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Escalation]:
        ctx = info.context
        unit = ctx.viewer.unit_id
        statement = sa.select(escalation_t).where(visibility(ctx.scope, escalation_t))
        if addressed_to is not None:
            statement = statement.where(_party(escalation_t.c.addressed_to_id, addressed_to, unit))
        if issued_by is not None:
            statement = statement.where(_party(escalation_t.c.issued_by_id, issued_by, unit))
        if status:
            statement = statement.where(escalation_t.c.status.in_([s.value for s in status]))
        order = [escalation_t.c.created_at, escalation_t.c.id]
        return await paginate(
            info, statement, order, Escalation.from_row, first=first, after=after, descending=True
        )
