"""Unit scope as SQL predicates on the task table, for services and GraphQL filters alike."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from models import Assignment, OrgUnitClosure, Task, enums

task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]


def units_in_scope(unit: uuid.UUID, include_descendants: bool) -> sa.ColumnElement[bool]:
    """Predicate on `assignment.org_unit_id`: the unit, or the unit and its subtree."""
    if not include_descendants:
        return assignment_t.c.org_unit_id == unit
    return assignment_t.c.org_unit_id.in_(
        sa.select(closure_t.c.descendant_id).where(closure_t.c.ancestor_id == unit)
    )


def assigned_to(
    unit: uuid.UUID, role: enums.RoleScope, include_descendants: bool
) -> sa.ColumnElement[bool]:
    """The task has an assignment in `role` (ANY = either) to a unit in scope."""
    conditions: list[sa.ColumnElement[Any]] = [
        assignment_t.c.task_id == task_t.c.id,
        units_in_scope(unit, include_descendants),
    ]
    if role is not enums.RoleScope.ANY:
        conditions.append(assignment_t.c.role == role.value)
    return sa.exists(sa.select(sa.literal(1)).select_from(assignment_t).where(*conditions))
