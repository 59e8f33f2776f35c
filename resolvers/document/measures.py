"""GraphQL type PlanMeasure: a plan's narrative measures (措施) and the units answering for them.

A measure is not a task: rollups count tasks (DESIGN.md's one truth); measures are the plan's
prose with its 〔责任单位：…〕 resolved (seeds/dataset.py, models/rules/responsibility.py).
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.engine import RowMapping

from models import OrgUnit as OrgUnitModel
from models import OrgUnitClosure, PlanMeasureUnit, enums
from models import PlanMeasure as PlanMeasureModel
from models.rules.labels import measure_label
from resolvers.common import Info, decode_global_id
from resolvers.ids import encode_global_id
from resolvers.org_unit.types import OrgUnit
from resolvers.scope import visibility

measure_t: sa.Table = PlanMeasureModel.__table__  # type: ignore[attr-defined]
measure_unit_t: sa.Table = PlanMeasureUnit.__table__  # type: ignore[attr-defined]
unit_t: sa.Table = OrgUnitModel.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]


@strawberry.type(description="A narrative measure of a plan (措施) with its responsible units.")
class PlanMeasure:
    id: strawberry.ID = strawberry.field(description="Global id.")
    seq: int = strawberry.field(description="Number of the measure in the plan text.")
    heading: str | None = strawberry.field(description="Heading it sits under.")
    title: str | None = strawberry.field(description="Short title.")
    text: str = strawberry.field(description="The measure's text.")
    responsibility_text: str | None = strawberry.field(
        description="〔责任单位：…〕 exactly as the document writes it."
    )
    responsibility_unresolved: list[str] = strawberry.field(
        description="Group references naming only the units concerned (相关镇（街道）), as written."
    )
    plan_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> PlanMeasure:
        """From a `plan_measure` row."""
        return cls(
            id=strawberry.ID(encode_global_id("PlanMeasure", row["id"])),
            seq=row["seq"],
            heading=row["heading"],
            title=row["title"],
            text=row["text"],
            responsibility_text=row["responsibility_text"],
            responsibility_unresolved=[str(t) for t in row["responsibility_unresolved"] or []],
            plan_id=row["plan_id"],
        )

    @strawberry.field(
        description="Display label (2023大气-措施16: the plan's label stem and the measure's"
        " number), unique among all measures."
    )
    async def label(self, info: Info) -> str:
        plan = await info.context.loaders.plan_by_id.get(self.plan_id)
        return measure_label(plan["label_stem"], enums.PlanKind(plan["kind"]), self.seq)

    async def _units(self, info: Info, role: enums.AssignmentRole) -> list[OrgUnit]:
        measure = decode_global_id(self.id, "PlanMeasure")
        rows = await info.context.db.fetch_all(
            sa.select(unit_t)
            .join(measure_unit_t, measure_unit_t.c.org_unit_id == unit_t.c.id)
            .where(
                measure_unit_t.c.measure_id == measure,
                measure_unit_t.c.role == role.value,
                visibility(info.context.scope, unit_t),
            )
            .order_by(measure_unit_t.c.position, unit_t.c.sort_order, unit_t.c.name)
        )
        return [OrgUnit.from_row(row) for row in rows]

    @strawberry.field(description="Lead units, first-named first.")
    async def lead_units(self, info: Info) -> list[OrgUnit]:
        return await self._units(info, enums.AssignmentRole.LEAD)

    @strawberry.field(description="Cooperating units (配合).")
    async def cooperating_units(self, info: Info) -> list[OrgUnit]:
        return await self._units(info, enums.AssignmentRole.COOPERATING)


async def plan_measures(info: Info, plan_id: uuid.UUID) -> list[PlanMeasure]:
    """A plan's measures, by number."""
    rows = await info.context.db.fetch_all(
        sa.select(measure_t)
        .where(measure_t.c.plan_id == plan_id, visibility(info.context.scope, measure_t))
        .order_by(measure_t.c.seq)
    )
    return [PlanMeasure.from_row(row) for row in rows]


async def unit_measures(
    info: Info, unit_id: uuid.UUID, role: enums.RoleScope, include_descendants: bool
) -> list[PlanMeasure]:
    """Measures naming the unit (or a unit of its subtree), by plan and number."""
    naming = sa.select(measure_unit_t.c.measure_id)
    if include_descendants:
        naming = naming.where(
            measure_unit_t.c.org_unit_id.in_(
                sa.select(closure_t.c.descendant_id).where(closure_t.c.ancestor_id == unit_id)
            )
        )
    else:
        naming = naming.where(measure_unit_t.c.org_unit_id == unit_id)
    if role is not enums.RoleScope.ANY:
        naming = naming.where(measure_unit_t.c.role == role.value)
    rows = await info.context.db.fetch_all(
        sa.select(measure_t)
        .where(measure_t.c.id.in_(naming), visibility(info.context.scope, measure_t))
        .order_by(measure_t.c.plan_id, measure_t.c.seq)
    )
    return [PlanMeasure.from_row(row) for row in rows]
