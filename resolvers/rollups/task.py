"""Task rollups (DESIGN.md, "Rollup semantics") as one grouped SELECT per batch of scopes.

For each root of a batch (a unit, a plan, or the filtered set of a connection) the tasks in
scope and their state there come from models/rules/task_state.py (the one home of task
state, overdue and due soon); this module only counts them: each task once, `ongoing`
(长期坚持) left out of completionRate's and weightedProgress's numerators and denominators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from models import Task
from models.enums import Health
from models.rules import task_state as rules
from models.rules.calendar import end_of_day
from models.rules.health import task_light
from models.rules.task_state import (
    DUE_SOON_DAYS,
    task_states,
    tasks_of_plans,
    tasks_of_units,
    unit_scope,
)

__all__ = [
    "DUE_SOON_DAYS",
    "HealthCounts",
    "RollupCounts",
    "counts_from_row",
    "end_of_day",
    "health_counts_from_row",
    "health_statement",
    "light_counts",
    "rollup_statement",
    "tasks_of_plans",
    "tasks_of_units",
    "unit_scope",
]

task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class RollupCounts:
    """The aggregate of one scope."""

    as_of: date
    total: int = 0
    completed: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    due_soon: int = 0
    ongoing: int = 0
    completed_rated: int = 0
    weight_sum: float = 0.0
    weighted_progress_sum: float = 0.0

    @property
    def completion_rate(self) -> float | None:
        """completed / (total − ongoing); None when nothing is rated."""
        rated = self.total - self.ongoing
        return self.completed_rated / rated if rated > 0 else None

    @property
    def weighted_progress(self) -> float | None:
        """Σ weight·progress / Σ weight over non-ongoing tasks; None when Σ weight is 0."""
        if self.weight_sum <= 0:
            return None
        return self.weighted_progress_sum / self.weight_sum


def rollup_statement(
    scoped: sa.Select[Any],
    *,
    as_of: date,
    current: bool,
    units: sa.CTE | None = None,
    conditions: list[sa.ColumnElement[bool]] | None = None,
    nesting: str | None = None,
) -> sa.Select[Any]:
    """One row of counts per root_id of `scoped` (root_id, task_id).

    `units` (root_id, unit_id) marks which lead assignments are in scope; without it every
    lead is. `current` reads the assignments' present state instead of the history (asOf is
    today or later). `conditions` filter the tasks (TaskFilter) and may use the columns
    `task_state.root_id` / `task_state.task_id` (see resolvers/task/filters.py). `nesting` (a
    name suffix) renders the CTEs inside the statement, so it can be a correlated subquery.
    """
    cutoff = None if current else end_of_day(as_of)
    ts = task_states(scoped, cutoff=cutoff, units=units, nesting=nesting)
    completed = ts.c.completed
    kind, end = rules.deadline_at(task_t, cutoff)
    is_rated = rules.rated(kind)

    def count_if(*conds: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
        return sa.func.coalesce(sa.func.sum(sa.case((sa.and_(*conds), 1), else_=0)), 0)

    weight_if_rated = sa.case((is_rated, task_t.c.weight), else_=0.0)
    return (
        sa.select(
            ts.c.root_id,
            sa.func.count().label("total"),
            count_if(completed).label("completed"),
            count_if(sa.not_(completed), ts.c.started).label("in_progress"),
            count_if(sa.not_(completed), sa.not_(ts.c.started)).label("not_started"),
            count_if(rules.overdue(completed, kind, end, as_of)).label("overdue"),
            count_if(rules.due_soon(completed, kind, end, as_of)).label("due_soon"),
            count_if(sa.not_(is_rated)).label("ongoing"),
            count_if(completed, is_rated).label("completed_rated"),
            sa.func.coalesce(sa.func.sum(weight_if_rated), 0.0).label("weight_sum"),
            sa.func.coalesce(sa.func.sum(weight_if_rated * ts.c.progress), 0.0).label(
                "weighted_progress_sum"
            ),
        )
        .select_from(ts.join(task_t, task_t.c.id == ts.c.task_id))
        .where(*(conditions or []))
        .group_by(ts.c.root_id)
    )


def counts_from_row(row: Any, as_of: date) -> RollupCounts:
    """A RollupCounts from one row of `rollup_statement` (or zeros for a missing row)."""
    if row is None:
        return RollupCounts(as_of=as_of)
    return RollupCounts(
        as_of=as_of,
        total=int(row["total"]),
        completed=int(row["completed"]),
        in_progress=int(row["in_progress"]),
        not_started=int(row["not_started"]),
        overdue=int(row["overdue"]),
        due_soon=int(row["due_soon"]),
        ongoing=int(row["ongoing"]),
        completed_rated=int(row["completed_rated"]),
        weight_sum=float(row["weight_sum"]),
        weighted_progress_sum=float(row["weighted_progress_sum"]),
    )


@dataclass(frozen=True, slots=True)
class HealthCounts:
    """Traffic lights (亮灯) of one scope's tasks: green + yellow + red = total."""

    green: int = 0
    yellow: int = 0
    red: int = 0


def health_statement(
    scoped: sa.Select[Any],
    *,
    as_of: date,
    current: bool,
    units: sa.CTE | None = None,
    conditions: list[sa.ColumnElement[bool]] | None = None,
    nesting: str | None = None,
) -> sa.Select[Any]:
    """One row of light counts per root_id of `scoped`, each task judged by
    models/rules/health.py on its state in the root's scope (as rollup_statement counts it).
    `nesting`: as rollup_statement's (a compiled plan's correlated subquery)."""
    cutoff = None if current else end_of_day(as_of)
    ts = task_states(scoped, cutoff=cutoff, units=units, nesting=nesting)
    return light_counts(ts, task_t, as_of, cutoff, conditions)


def light_counts(
    states: sa.FromClause,
    task: Any,
    as_of: Any,
    cutoff: Any,
    conditions: list[sa.ColumnElement[bool]] | None = None,
) -> sa.Select[Any]:
    """Light counts (root_id, green, yellow, red) of `states` rows (root_id, task_id,
    completed, progress: a task's state in the root's scope) joined to their `task` rows."""
    s = states.c
    light = task_light(task, s.completed, s.progress, as_of, cutoff)

    def count(value: Health) -> sa.ColumnElement[Any]:
        return sa.func.coalesce(sa.func.sum(sa.case((light == value.value, 1), else_=0)), 0)

    return (
        sa.select(
            s.root_id,
            count(Health.GREEN).label("green"),
            count(Health.YELLOW).label("yellow"),
            count(Health.RED).label("red"),
        )
        .select_from(states.join(task, task.c.id == s.task_id))
        .where(*(conditions or []))
        .group_by(s.root_id)
    )


def health_counts_from_row(row: Any) -> HealthCounts:
    """HealthCounts from one row of `health_statement` (zeros for a missing row)."""
    if row is None:
        return HealthCounts()
    return HealthCounts(green=int(row["green"]), yellow=int(row["yellow"]), red=int(row["red"]))
