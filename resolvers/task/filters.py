"""TaskFilter as SQL predicates on the task table (the unit-scope predicates it uses are
resolvers/task/predicates.py, shared with the services)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from models import Document, enums
from models.messages import message
from models.rules import calendar, search
from models.rules.health import task_light
from models.rules.names import normalize_doc_number
from models.rules.task_state import StateTest, judged_pairs, task_states
from resolvers.common import decode_global_id
from resolvers.errors import InvalidArgument
from resolvers.rollups.maintained import (
    single_root,
    whole_task_passes,
    whole_tasks_passing,
)
from resolvers.task.predicates import (
    assigned_to,
    assignment_t,
    closure_t,
    task_t,
    units_in_scope,
)
from resolvers.task.types import TaskFilter

__all__ = [
    "assigned_to",
    "assignment_t",
    "closure_t",
    "task_filter_conditions",
    "task_t",
    "units_in_scope",
]

document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]


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
        out.append(search.matches(flt.text, task_t.c.title_folded, task_t.c.description_folded))
    if flt.health:
        out.append(task_t.c.id.in_(tasks_lit([h.value for h in flt.health], calendar.today())))
    return out


def tasks_lit(lights: list[str], today: date) -> sa.Select[Any]:
    """Ids of the tasks whose light as a whole (Task.health, models/rules/health.py) today is
    one of `lights`; nested CTEs, so it sits beside a rollup's own."""
    inner = task_t.alias("lit_task")
    scoped = sa.select(sa.literal(0).label("root_id"), inner.c.id.label("task_id"))
    ts = task_states(scoped, cutoff=None, nesting="_lit")
    lit = task_t.alias("lit")
    light = task_light(lit, ts.c.completed, ts.c.progress, today, None)
    return (
        sa.select(ts.c.task_id)
        .select_from(ts.join(lit, lit.c.id == ts.c.task_id))
        .where(light.in_(lights))
    )


MAX_DUE_WITHIN = 3660  # days: ten years and a leap day or two


def state_tests(flt: TaskFilter | None, today: date) -> list[StateTest]:
    """The filter's tests of task state (they depend on the scope a list is judged in);
    `today` (the request's) anchors dueSoon and dueWithin. InvalidArgument for a dueWithin
    out of range."""
    if flt is None:
        return []
    tests = []
    if flt.overdue_as_of is not None:
        tests.append(StateTest("overdue", flt.overdue_as_of))
    if flt.due_soon_as_of is not None:
        tests.append(StateTest("due_soon", flt.due_soon_as_of))
    if flt.due_soon is not None:
        tests.append(StateTest("due_soon", today, negated=not flt.due_soon))
    if flt.due_within is not None:
        if not 0 <= flt.due_within <= MAX_DUE_WITHIN:
            raise InvalidArgument(
                message("DUE_WITHIN_RANGE", value=flt.due_within, most=MAX_DUE_WITHIN)
            )
        tests.append(StateTest("due_soon", today, days=flt.due_within))
    return tests


def _suffix(i: int) -> str:
    """Names the CTEs of the i-th test apart (two due-soon tests in one statement)."""
    return f"_{i}" if i else ""


def whole_task_state(
    flt: TaskFilter | None,
    today: date,
    *,
    members: bool = False,
    few: bool = False,
    task: sa.ColumnElement[Any] | None = None,
) -> list[sa.ColumnElement[bool]]:
    """The state tests judged on the task as a whole (lists outside a unit).

    `members`: a test of a past day reads the tree root's maintained members then
    (resolvers/rollups/maintained.py `whole_tasks_passing`) where the tree has one root,
    instead of judging every candidate's shares from the status history (compiled reads;
    the resolvers judge live, so the differential test compares the two). `few`: the list's
    other conditions leave few tasks (a restricted viewer's): each is probed on its own
    (`whole_task_passes`) instead of listing every task that passes. `task`: the task id
    column judged (default `task.id`)."""
    task_id = task_t.c.id if task is None else task
    out: list[sa.ColumnElement[bool]] = []
    for i, test in enumerate(state_tests(flt, today)):
        pairs = judged_pairs(test, name=_suffix(i)).subquery(f"whole_{test.name}{_suffix(i)}")
        judged: Any = sa.select(pairs.c.task_id)
        name = f"whole{_suffix(i)}"
        probe = whole_task_passes(test, task_id, name=name) if members and few else None
        kept = whole_tasks_passing(test, name=name) if members and not few else None
        if probe is not None:
            _root, only = single_root()
            # In this order: the live judgement is never built while the tree has one root.
            out.append(sa.or_(probe, sa.and_(sa.not_(only), task_id.in_(judged))))
            continue
        if kept is not None:
            _root, only = single_root()
            judged = sa.union_all(kept, judged.where(sa.not_(only)))
        out.append(task_id.not_in(judged) if test.negated else task_id.in_(judged))
    return out


def shares_state(
    flt: TaskFilter | None,
    *,
    units: Any,
    role: enums.RoleScope,
    root: sa.ColumnElement[Any],
    task: sa.ColumnElement[Any],
    name: str = "",
    today: date,
) -> list[sa.ColumnElement[bool]]:
    """The state tests judged by the shares in each root's scope (unit lists and rollups).

    `name` suffixes the statement's CTE names (several in one statement: compiled reads).
    """
    out: list[sa.ColumnElement[bool]] = []
    for i, test in enumerate(state_tests(flt, today)):
        pairs = judged_pairs(test, units=units, role=role, name=f"{name}{_suffix(i)}")
        pair = sa.tuple_(root, task)
        out.append(pair.not_in(pairs) if test.negated else pair.in_(pairs))
    return out
