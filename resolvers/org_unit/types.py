"""GraphQL type OrgUnit (组织单元)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from models import OrgUnit as OrgUnitModel
from models import enums
from resolvers import fields
from resolvers.common import Connection, Info, RowNode
from resolvers.org_unit import history

if TYPE_CHECKING:
    from resolvers.document.facts import ReportedFact
    from resolvers.document.measures import PlanMeasure
    from resolvers.indicator.types import Target
    from resolvers.inspection.rollup import RectificationRollup
    from resolvers.inspection.types import Rectification, RectificationFilter
    from resolvers.task.connection import TaskConnection
    from resolvers.task.order import TaskOrder
    from resolvers.task.rollup import TaskRollup
    from resolvers.task.types import TaskFilter


@strawberry.type(description="Any unit: government level, department, town, enterprise, team.")
class OrgUnit(RowNode, relay.Node):
    ROW_MODEL: ClassVar[Any] = OrgUnitModel
    id: relay.NodeID[str]
    code: str = strawberry.field(description="Stable code (administrative division code).")
    name: str = strawberry.field(description="Canonical name.")
    kind: enums.OrgUnitKind = strawberry.field(description="Level or kind of unit.")
    depth: int = strawberry.field(description="Depth in the tree (province = 0).")
    remarks: str | None = strawberry.field(description="Remarks.")
    valid_from: date | None = strawberry.field(
        description="In force from this day (null: unknown, read as always)."
    )
    valid_to: date | None = strawberry.field(
        description="In force until this day, exclusive (null: still in force or unknown)."
    )
    parent_id: strawberry.Private[uuid.UUID | None]
    line_parent_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: RowMapping) -> OrgUnit:
        """From an `org_unit` row."""
        return cls(
            id=str(row["id"]),
            **fields.from_row(fields.ORG_UNIT, row),
            parent_id=row["parent_id"],
            line_parent_id=row["line_parent_id"],
        )

    @property
    def row_id(self) -> uuid.UUID:
        """The row id."""
        return uuid.UUID(self.id)

    @strawberry.field(description="Other names the documents use (区城管局 = 区城市管理局).")
    async def aliases(self, info: Info) -> list[str]:
        rows = await info.context.loaders.aliases_by_org_unit.load(self.row_id)
        return [r["alias"] for r in rows]

    @strawberry.field(
        description="The government or unit it belongs to (块): today's, or with asOf the one"
        " it belonged to on that day (null when no link of it covers the day)."
    )
    async def parent(self, info: Info, as_of: date | None = None) -> OrgUnit | None:
        if as_of is not None:
            rows = await history.parent_on(info, check_as_of(as_of)).load(self.row_id)
            return OrgUnit.from_row(rows[0]) if rows else None
        if self.parent_id is None:
            return None
        row = await info.context.loaders.org_unit_by_id.load(self.parent_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="The superior unit of its professional line (条).")
    async def line_parent(self, info: Info) -> OrgUnit | None:
        if self.line_parent_id is None:
            return None
        row = await info.context.loaders.org_unit_by_id.load(self.line_parent_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(
        description=(
            "Direct children in the 块 tree: today's (units not ended), or with asOf those in"
            " force on that day under this unit then."
        )
    )
    async def children(
        self, info: Info, kind: enums.OrgUnitKind | None = None, as_of: date | None = None
    ) -> list[OrgUnit]:
        if as_of is None:
            rows = await info.context.loaders.children_by_org_unit.load(self.row_id)
        else:
            rows = await history.children_on(info, check_as_of(as_of)).load(self.row_id)
        return [OrgUnit.from_row(r) for r in rows if kind is None or r["kind"] == kind]

    @strawberry.field(
        description="Units this one succeeded (merged or renamed into it, split from), oldest"
        " event first; at most 100."
    )
    async def predecessors(self, info: Info) -> list[OrgUnit]:
        rows = await history.linked_units(info, history.SUCCESSOR).load(self.row_id)
        return [OrgUnit.from_row(r) for r in rows[: history.MAX_ITEMS]]

    @strawberry.field(
        description="Units that carry on after this one ended (merge, rename, split); at most"
        " 100. A MERGE or RENAME successor's rollups include this unit's tasks."
    )
    async def successors(self, info: Info) -> list[OrgUnit]:
        rows = await history.linked_units(info, history.PREDECESSOR).load(self.row_id)
        return [OrgUnit.from_row(r) for r in rows[: history.MAX_ITEMS]]

    @strawberry.field(description="Events this unit took part in, newest first (first ≤ 100).")
    async def events(self, info: Info, first: int | None = 20) -> list[history.OrgUnitEventType]:
        rows = await history.events_by_unit(info).load(self.row_id)
        return [history.OrgUnitEventType.from_row(r) for r in rows[: history.bounded(first)]]

    @strawberry.field(
        description="Documents attesting this unit on their dates, for a unit whose validity"
        " is unknown (first ≤ 100); they bound its membership of group references."
    )
    async def attestations(
        self, info: Info, first: int | None = 20
    ) -> list[history.OrgUnitAttestationType]:
        rows = await history.attestations_by_unit(info).load(self.row_id)
        return [
            history.OrgUnitAttestationType(
                attested_on=r["attested_on"], text=r["text"], document_id=r["document_id"]
            )
            for r in rows[: history.bounded(first)]
        ]

    @strawberry.field(description="Ancestors, root first.")
    async def ancestors(self, info: Info) -> list[OrgUnit]:
        rows = await info.context.loaders.ancestors_by_org_unit.load(self.row_id)
        return [OrgUnit.from_row(r) for r in rows]

    @strawberry.field(description="Tasks assigned to this unit (or its subtree) in a role.")
    async def tasks(
        self,
        info: Info,
        role: enums.RoleScope = enums.RoleScope.LEAD,
        include_descendants: bool = False,
        filter: Annotated[TaskFilter, strawberry.lazy("resolvers.task.types")] | None = None,
        first: int | None = None,
        after: str | None = None,
        order_by: list[Annotated[TaskOrder, strawberry.lazy("resolvers.task.order")]] | None = None,
    ) -> Annotated[TaskConnection, strawberry.lazy("resolvers.task.connection")]:
        # Local: the GraphQL types refer to each other (import cycle at module level).
        from resolvers.task.connection import unit_task_connection

        return await unit_task_connection(
            info,
            self.row_id,
            filter,
            role=role,
            include_descendants=include_descendants,
            first=first,
            after=after,
            order_by=order_by,
        )

    @strawberry.field(
        description="Task counts and progress of this unit (and by default its subtree)."
    )
    async def task_rollup(
        self,
        info: Info,
        as_of: date | None = None,
        include_descendants: bool = True,
        role: enums.RoleScope = enums.RoleScope.LEAD,
        filter: Annotated[TaskFilter, strawberry.lazy("resolvers.task.types")] | None = None,
    ) -> Annotated[TaskRollup, strawberry.lazy("resolvers.task.rollup")]:
        # Local: the GraphQL types refer to each other (import cycle at module level).
        from resolvers.task.rollup import unit_task_rollup

        return await unit_task_rollup(
            info,
            self.row_id,
            as_of=as_of,
            include_descendants=include_descendants,
            role=role,
            flt=filter,
        )

    @strawberry.field(description="Rectification items of this unit (or its subtree).")
    async def rectifications(
        self,
        info: Info,
        include_descendants: bool = False,
        filter: Annotated[RectificationFilter, strawberry.lazy("resolvers.inspection.types")]
        | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Annotated[Rectification, strawberry.lazy("resolvers.inspection.types")]]:
        # Local: the GraphQL types refer to each other (import cycle at module level).
        from resolvers.inspection.queries import unit_rectification_connection

        return await unit_rectification_connection(
            info,
            self.row_id,
            filter,
            include_descendants=include_descendants,
            first=first,
            after=after,
        )

    @strawberry.field(
        description="Rectification counts per workflow state of this unit (and its subtree)."
    )
    async def rectification_rollup(
        self, info: Info, as_of: date | None = None, include_descendants: bool = True
    ) -> Annotated[RectificationRollup, strawberry.lazy("resolvers.inspection.rollup")]:
        # Local: the GraphQL types refer to each other (import cycle at module level).
        from resolvers.inspection.rollup import unit_rectification_rollup

        return await unit_rectification_rollup(
            info, self.row_id, as_of=as_of, include_descendants=include_descendants
        )

    @strawberry.field(
        description=(
            "Plan measures (措施) naming this unit (or, with includeDescendants, its subtree),"
            " by plan and number; role LEAD or COOPERATING narrows them."
        )
    )
    async def plan_measures(
        self,
        info: Info,
        role: enums.RoleScope = enums.RoleScope.ANY,
        include_descendants: bool = False,
    ) -> list[Annotated[PlanMeasure, strawberry.lazy("resolvers.document.measures")]]:
        # Local: the GraphQL types refer to each other (import cycle at module level).
        from resolvers.document.measures import unit_measures

        return await unit_measures(info, self.row_id, role, include_descendants)

    @strawberry.field(
        description=(
            "What documents report about this unit (news figures); by default its subtree's too"
            " (阳城县 with its 分局)."
        )
    )
    async def reported_facts(
        self, info: Info, include_descendants: bool = True, year: int | None = None
    ) -> list[Annotated[ReportedFact, strawberry.lazy("resolvers.document.facts")]]:
        # Local: the GraphQL types refer to each other (import cycle at module level).
        from resolvers.document.facts import facts_of_unit

        return await facts_of_unit(
            info, self.row_id, include_descendants=include_descendants, year=year
        )

    @strawberry.field(
        description=(
            "Targets set for this unit, optionally for one year: its own and those of its"
            " monitoring sections (白水河, 洞头 …)."
        )
    )
    async def targets(
        self, info: Info, year: int | None = None
    ) -> list[Annotated[Target, strawberry.lazy("resolvers.indicator.types")]]:
        # Local: the GraphQL types refer to each other (import cycle at module level).
        from resolvers.indicator.queries import targets_of_unit

        return await targets_of_unit(info, self.row_id, year)


@strawberry.input(description="Filter for orgUnits.")
class OrgUnitFilter:
    kind: list[enums.OrgUnitKind] | None = strawberry.field(default=None, description="Kinds.")
    parent: strawberry.ID | None = strawberry.field(default=None, description="Direct parent.")
    ancestor: strawberry.ID | None = strawberry.field(
        default=None, description="Only units in this unit's subtree (itself included)."
    )
    name: str | None = strawberry.field(
        default=None,
        description="Name or alias contains this text (full-/half-width and ASCII case alike).",
    )


def check_as_of(as_of: date) -> date:
    """An asOf argument in the accepted range; BAD_USER_INPUT otherwise."""
    from models.rules import calendar
    from resolvers.errors import InvalidArgument

    try:
        return calendar.check_date(as_of)
    except calendar.DateOutOfRange as exc:
        raise InvalidArgument(exc.text) from exc
