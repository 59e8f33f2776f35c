"""TaskFilter and unit scope as SQL predicates on the task table."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from models import Assignment, Document, OrgUnitClosure, Task, enums
from models.rules import calendar
from models.rules import task_state as rules
from resolvers.common import decode_global_id
from resolvers.task.types import TaskFilter
from seeds.parsing.names import normalize_doc_number

task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with % and _ escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


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


def task_filter_conditions(flt: TaskFilter | None) -> list[sa.ColumnElement[bool]]:
    """Every TaskFilter field but the state tests (see `state_tests`) as a WHERE condition.

    Lists outside a unit add `whole_task_state(flt)`; unit lists and unit rollups add
    `shares_state(...)`, so a list and the rollup beside it judge alike.
    """
    if flt is None:
        return []
    out: list[sa.ColumnElement[bool]] = []
    if flt.status:
        out.append(task_t.c.status.in_([s.value for s in flt.status]))
    if flt.category is not None:
        out.append(task_t.c.category == flt.category)
    if flt.plan is not None:
        out.append(task_t.c.plan_id == decode_global_id(flt.plan, "Plan"))
    if flt.document is not None:
        out.append(task_t.c.document_id == decode_global_id(flt.document, "Document"))
    if flt.doc_number is not None:
        out.append(
            task_t.c.document_id.in_(
                sa.select(document_t.c.id).where(
                    document_t.c.doc_number_normalized == normalize_doc_number(flt.doc_number)
                )
            )
        )
    if flt.lead_unit is not None:
        out.append(
            assigned_to(
                decode_global_id(flt.lead_unit, "OrgUnit"),
                enums.RoleScope.LEAD,
                include_descendants=False,
            )
        )
    if flt.deadline_kind:
        out.append(task_t.c.deadline_kind.in_([k.value for k in flt.deadline_kind]))
    if flt.due_before is not None:
        out.append(task_t.c.deadline_end <= flt.due_before)
    if flt.due_after is not None:
        out.append(task_t.c.deadline_end >= flt.due_after)
    if flt.text:
        pattern = like_pattern(flt.text.strip())
        out.append(
            sa.or_(
                task_t.c.title.like(pattern, escape="\\"),
                task_t.c.description.like(pattern, escape="\\"),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class StateTest:
    """A TaskFilter test of a task's state as of a day: overdueAsOf or dueSoonAsOf."""

    name: str  # "overdue" | "due_soon"
    as_of: date

    def holds(self, completed: Any, kind: Any, end: Any) -> sa.ColumnElement[bool]:
        """The rule (models/rules/task_state.py) on a task's state and deadline."""
        rule = rules.overdue if self.name == "overdue" else rules.due_soon
        return rule(completed, kind, end, self.as_of)

    def window(self, kind: Any, end: Any) -> sa.ColumnElement[bool]:
        """What the deadline must satisfy whatever the state (narrows the tasks to judge)."""
        judged = rules.past_due(end, self.as_of) if self.name == "overdue" else None
        if judged is None:
            judged = rules.due_within(end, self.as_of)
        return sa.and_(rules.rated(kind), end.is_not(None), judged)

    @property
    def cutoff(self) -> datetime | None:
        """The end of the day judged, or None when it is today or later (present state)."""
        return calendar.cutoff(self.as_of)


def state_tests(flt: TaskFilter | None) -> list[StateTest]:
    """The filter's tests of task state (they depend on the scope a list is judged in)."""
    if flt is None:
        return []
    tests = []
    if flt.overdue_as_of is not None:
        tests.append(StateTest("overdue", flt.overdue_as_of))
    if flt.due_soon_as_of is not None:
        tests.append(StateTest("due_soon", flt.due_soon_as_of))
    return tests


def judged_pairs(
    test: StateTest,
    *,
    units: Any = None,
    role: enums.RoleScope = enums.RoleScope.LEAD,
    name: str = "",
    task_ids: list[uuid.UUID] | None = None,
) -> sa.Select[Any]:
    """(root_id, task_id) passing `test`: per root of `units` (root_id, unit_id) judged by the
    shares in its scope, or (0, task_id) judged by all lead shares when `units` is None."""
    cutoff = test.cutoff
    judged = task_t.alias(f"judged_{test.name}{name}")
    if units is not None:
        scoped = rules.tasks_of_units(units, role, cutoff)
    else:
        scoped = sa.select(sa.literal(0).label("root_id"), task_t.c.id.label("task_id")).where(
            test.window(task_t.c.deadline_kind, task_t.c.deadline_end),
            rules.task_existed(task_t.c.id, cutoff),
        )
        if task_ids is not None:
            scoped = scoped.where(task_t.c.id.in_(task_ids))
    states = rules.task_states(scoped, cutoff=cutoff, units=units, nesting=f"_{test.name}{name}")
    return (
        sa.select(states.c.root_id, states.c.task_id)
        .select_from(states.join(judged, judged.c.id == states.c.task_id))
        .where(test.holds(states.c.completed, judged.c.deadline_kind, judged.c.deadline_end))
    )


def whole_task_state(flt: TaskFilter | None) -> list[sa.ColumnElement[bool]]:
    """The state tests judged on the task as a whole (lists outside a unit)."""
    out: list[sa.ColumnElement[bool]] = []
    for test in state_tests(flt):
        pairs = judged_pairs(test).subquery(f"whole_{test.name}")
        out.append(task_t.c.id.in_(sa.select(pairs.c.task_id)))
    return out


def shares_state(
    flt: TaskFilter | None,
    *,
    units: Any,
    role: enums.RoleScope,
    root: sa.ColumnElement[Any],
    task: sa.ColumnElement[Any],
    name: str = "",
) -> list[sa.ColumnElement[bool]]:
    """The state tests judged by the shares in each root's scope (unit lists and rollups).

    `name` suffixes the statement's CTE names (several in one statement: compiled reads).
    """
    return [
        sa.tuple_(root, task).in_(judged_pairs(test, units=units, role=role, name=name))
        for test in state_tests(flt)
    ]
