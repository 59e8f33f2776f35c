"""Inspection and Rectification queries."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Hashable
from typing import Any

import sqlalchemy as sa
import strawberry

from models import Inspection as InspectionModel
from models import OrgUnitClosure, RectificationAssignment
from models import Rectification as RectificationModel
from models.rules import calendar, search
from models.rules import rectification_state as rect_rules
from resolvers.common import Connection, Info, decode_global_id, paginate
from resolvers.inspection.types import Inspection, Rectification, RectificationFilter
from resolvers.pagination import OrderKey, ascending, page_loader
from resolvers.scope import visibility

inspection_t: sa.Table = InspectionModel.__table__  # type: ignore[attr-defined]
rect_t: sa.Table = RectificationModel.__table__  # type: ignore[attr-defined]
rect_assignment_t: sa.Table = RectificationAssignment.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]


def responsible(unit: uuid.UUID, include_descendants: bool) -> sa.ColumnElement[bool]:
    """The rectification has a responsible unit equal to (or under) `unit`."""
    in_scope: sa.ColumnElement[bool] = (
        rect_assignment_t.c.org_unit_id.in_(
            sa.select(closure_t.c.descendant_id).where(closure_t.c.ancestor_id == unit)
        )
        if include_descendants
        else rect_assignment_t.c.org_unit_id == unit
    )
    return sa.exists(
        sa.select(sa.literal(1))
        .select_from(rect_assignment_t)
        .where(rect_assignment_t.c.rectification_id == rect_t.c.id, in_scope)
    )


def rectification_conditions(flt: RectificationFilter | None) -> list[sa.ColumnElement[Any]]:
    """Every RectificationFilter field as a WHERE condition."""
    if flt is None:
        return []
    out: list[sa.ColumnElement[Any]] = []
    if flt.status:
        out.append(rect_t.c.status.in_([s.value for s in flt.status]))
    if flt.inspection is not None:
        out.append(rect_t.c.inspection_id == decode_global_id(flt.inspection, "Inspection"))
    if flt.responsible_unit is not None:
        out.append(responsible(decode_global_id(flt.responsible_unit, "OrgUnit"), False))
    if flt.due_before is not None:
        out.append(rect_t.c.deadline_end <= flt.due_before)
    if flt.overdue_as_of is not None:
        day = flt.overdue_as_of
        out.append(rect_rules.overdue(rect_t, day, calendar.cutoff(day)))
    if flt.due_soon_as_of is not None:
        day = flt.due_soon_as_of
        out.append(rect_rules.due_soon(rect_t, day, calendar.cutoff(day)))
    if flt.text:
        out.append(search.matches(flt.text, rect_t.c.problem_folded))
    return out


async def rectification_connection(
    info: Info,
    flt: RectificationFilter | None,
    *,
    first: int | None,
    after: str | None,
    unit: uuid.UUID | None = None,
    include_descendants: bool = False,
    inspection: uuid.UUID | None = None,
) -> Connection[Rectification]:
    """A page of rectifications, by inspection and 序号."""
    stmt = sa.select(rect_t).where(
        *rectification_conditions(flt), visibility(info.context.scope, rect_t)
    )
    if unit is not None:
        stmt = stmt.where(responsible(unit, include_descendants))
    if inspection is not None:
        stmt = stmt.where(rect_t.c.inspection_id == inspection)
    order = [rect_t.c.inspection_id, rect_t.c.seq, rect_t.c.id]
    return await paginate(info, stmt, order, Rectification.from_row, first=first, after=after)


def _order() -> list[OrderKey]:
    return ascending(rect_t.c.inspection_id, rect_t.c.seq, rect_t.c.id)


async def unit_rectification_connection(
    info: Info,
    unit: uuid.UUID,
    flt: RectificationFilter | None,
    *,
    include_descendants: bool,
    first: int | None,
    after: str | None,
) -> Connection[Rectification]:
    """OrgUnit.rectifications: one windowed statement for the units of a level."""
    conditions = [*rectification_conditions(flt), visibility(info.context.scope, rect_t)]

    def statement(units: list[Any]) -> sa.Select[Any]:
        scope = sa.select(
            closure_t.c.ancestor_id.label("root_id"), closure_t.c.descendant_id.label("unit_id")
        ).where(closure_t.c.ancestor_id.in_(units))
        if not include_descendants:
            scope = scope.where(closure_t.c.depth == 0)
        scope_cte = scope.cte("unit_scope")
        pairs = (
            sa.select(scope_cte.c.root_id, rect_assignment_t.c.rectification_id)
            .select_from(
                scope_cte.join(
                    rect_assignment_t, rect_assignment_t.c.org_unit_id == scope_cte.c.unit_id
                )
            )
            .distinct()
            .subquery()
        )
        return (
            sa.select(rect_t, pairs.c.root_id.label("_parent"))
            .select_from(pairs.join(rect_t, rect_t.c.id == pairs.c.rectification_id))
            .where(*conditions)
        )

    loader = page_loader(
        info,
        ("RectificationsByUnit", include_descendants, _filter_key(flt)),
        statement,
        _order(),
        Rectification.from_row,
        first=first,
        after=after,
    )
    connection: Connection[Rectification] = await loader.load(unit)
    return connection


async def inspection_rectification_connection(
    info: Info,
    inspection: uuid.UUID,
    flt: RectificationFilter | None,
    *,
    first: int | None,
    after: str | None,
) -> Connection[Rectification]:
    """Inspection.rectifications: one windowed statement for the inspections of a level."""
    conditions = [*rectification_conditions(flt), visibility(info.context.scope, rect_t)]

    def statement(inspections: list[Any]) -> sa.Select[Any]:
        return sa.select(rect_t, rect_t.c.inspection_id.label("_parent")).where(
            rect_t.c.inspection_id.in_(inspections), *conditions
        )

    loader = page_loader(
        info,
        ("RectificationsByInspection", _filter_key(flt)),
        statement,
        _order(),
        Rectification.from_row,
        first=first,
        after=after,
    )
    connection: Connection[Rectification] = await loader.load(inspection)
    return connection


def _filter_key(flt: RectificationFilter | None) -> Hashable:
    return None if flt is None else repr(sorted(dataclasses.asdict(flt).items()))


@strawberry.type
class InspectionQuery:
    @strawberry.field(description="Inspections, by name.")
    async def inspections(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Inspection]:
        order = [inspection_t.c.name, inspection_t.c.id]
        return await paginate(
            info,
            sa.select(inspection_t).where(visibility(info.context.scope, inspection_t)),
            order,
            Inspection.from_row,
            first=first,
            after=after,
        )

    @strawberry.field(description="Rectification items, filtered.")
    async def rectifications(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: RectificationFilter | None = None,
    ) -> Connection[Rectification]:
        return await rectification_connection(info, filter, first=first, after=after)
