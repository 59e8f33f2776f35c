"""Task rollups (DESIGN.md, "Rollup semantics") as one grouped SELECT per batch of scopes.

For each root of a batch (a unit, a plan, or the filtered set of a connection):
- a task is in scope when it has an assignment in the scope's role to a unit in scope (role
  ANY: either role); each task counts once, however many of its assignments are in scope;
- its state comes from its in-scope LEAD assignments: COMPLETED when all are completed,
  NOT_STARTED when none has started, else IN_PROGRESS; its progress is their mean percent
  (a completed assignment counts as 100). A task in scope only as COOPERATING has no lead in
  scope: its state then comes from all of its leads;
- as of a past date, each assignment's state is its latest status event at or before the
  end of that day (Asia/Shanghai); assignments without an event by then did not exist yet;
- `ongoing` tasks (deadline ONGOING) never become overdue and are left out of the
  completionRate and weightedProgress denominators (and of completionRate's numerator, so
  the rate stays within 0..1); `overdue` = not completed and the deadline's end is before
  asOf; `dueSoon` = not completed, not overdue, end within 14 days after asOf.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from models import Assignment, AssignmentStatusEvent, OrgUnitClosure, Task
from models.enums import AssignmentRole, DeadlineKind, RoleScope, TaskStatus

task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
event_t: sa.Table = AssignmentStatusEvent.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]

DUE_SOON_DAYS = 14
TIMEZONE = ZoneInfo("Asia/Shanghai")

COMPLETED = TaskStatus.COMPLETED.value
NOT_STARTED = TaskStatus.NOT_STARTED.value
ONGOING = DeadlineKind.ONGOING.value


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


def end_of_day(as_of: date) -> datetime:
    """The first instant after `as_of` in Asia/Shanghai, in UTC: events before it count."""
    return datetime.combine(as_of + timedelta(days=1), time(0, 0), TIMEZONE).astimezone(UTC)


def unit_scope(roots: list[Any], include_descendants: bool) -> sa.Select[Any]:
    """(root_id, unit_id): each root unit and, optionally, its whole subtree."""
    stmt = sa.select(
        closure_t.c.ancestor_id.label("root_id"), closure_t.c.descendant_id.label("unit_id")
    ).where(closure_t.c.ancestor_id.in_(roots))
    if not include_descendants:
        stmt = stmt.where(closure_t.c.depth == 0)
    return stmt


def _assignment_existed(cutoff: datetime | None) -> sa.ColumnElement[bool]:
    """The assignment had a status event before `cutoff` (always true for the present)."""
    if cutoff is None:
        return sa.true()
    return sa.exists(
        sa.select(sa.literal(1))
        .select_from(event_t)
        .where(event_t.c.assignment_id == assignment_t.c.id, event_t.c.effective_at < cutoff)
    )


def tasks_of_units(units: sa.CTE, role: RoleScope, cutoff: datetime | None) -> sa.Select[Any]:
    """(root_id, task_id): tasks with an assignment in `role` to a unit of the root's scope."""
    stmt = (
        sa.select(units.c.root_id, assignment_t.c.task_id)
        .select_from(units.join(assignment_t, assignment_t.c.org_unit_id == units.c.unit_id))
        .where(_assignment_existed(cutoff))
        .distinct()
    )
    if role is not RoleScope.ANY:
        stmt = stmt.where(assignment_t.c.role == role.value)
    return stmt


def tasks_of_plans(roots: list[Any]) -> sa.Select[Any]:
    """(root_id, task_id): the top-level tasks of each plan."""
    return sa.select(task_t.c.plan_id.label("root_id"), task_t.c.id.label("task_id")).where(
        task_t.c.plan_id.in_(roots), task_t.c.parent_id.is_(None)
    )


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
    today or later). `conditions` filter the tasks (TaskFilter). `nesting` (a name suffix)
    renders the CTEs inside the statement, so it can be a correlated subquery.
    """
    cutoff = None if current else end_of_day(as_of)
    nested = nesting is not None
    st = scoped.cte(f"scoped_task{nesting or ''}", nesting=nested)
    lead = assignment_t.alias("lead")
    if current:
        status = lead.c.status
        progress = lead.c.progress
        exists_clause: sa.ColumnElement[bool] = lead.c.id.is_not(None)
        joined: Any = st.outerjoin(
            lead,
            sa.and_(lead.c.task_id == st.c.task_id, lead.c.role == AssignmentRole.LEAD.value),
        )
    else:
        latest = (
            sa.select(event_t.c.id)
            .where(event_t.c.assignment_id == lead.c.id, event_t.c.effective_at < cutoff)
            .order_by(event_t.c.effective_at.desc(), event_t.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        event = event_t.alias("state")
        joined = st.outerjoin(
            lead,
            sa.and_(lead.c.task_id == st.c.task_id, lead.c.role == AssignmentRole.LEAD.value),
        ).outerjoin(event, event.c.id == latest)
        status = event.c.status
        progress = event.c.progress
        exists_clause = event.c.id.is_not(None)
    if units is not None:
        joined = joined.outerjoin(
            units, sa.and_(units.c.root_id == st.c.root_id, units.c.unit_id == lead.c.org_unit_id)
        )
        in_scope: sa.ColumnElement[bool] = sa.and_(exists_clause, units.c.unit_id.is_not(None))
    else:
        in_scope = exists_clause

    def count_if(*conds: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
        return sa.func.coalesce(sa.func.sum(sa.case((sa.and_(*conds), 1), else_=0)), 0)

    effective_progress = sa.case((status == COMPLETED, 100.0), else_=progress)
    per_task = (
        sa.select(
            st.c.root_id,
            st.c.task_id,
            count_if(in_scope).label("n_in"),
            count_if(in_scope, status == COMPLETED).label("done_in"),
            count_if(in_scope, status != NOT_STARTED).label("started_in"),
            sa.func.avg(sa.case((in_scope, effective_progress))).label("progress_in"),
            count_if(exists_clause).label("n_all"),
            count_if(exists_clause, status == COMPLETED).label("done_all"),
            count_if(exists_clause, status != NOT_STARTED).label("started_all"),
            sa.func.avg(sa.case((exists_clause, effective_progress))).label("progress_all"),
        )
        .select_from(joined)
        .group_by(st.c.root_id, st.c.task_id)
    ).cte(f"task_state{nesting or ''}", nesting=nested)

    ts = per_task
    use_in = ts.c.n_in > 0
    n = sa.case((use_in, ts.c.n_in), else_=ts.c.n_all)
    done = sa.case((use_in, ts.c.done_in), else_=ts.c.done_all)
    started = sa.case((use_in, ts.c.started_in), else_=ts.c.started_all)
    mean = sa.case((use_in, ts.c.progress_in), else_=ts.c.progress_all)
    completed = sa.and_(n > 0, done == n)
    task_progress = sa.case((completed, 100.0), else_=sa.func.coalesce(mean, 0.0))
    ongoing = task_t.c.deadline_kind == ONGOING
    rated = task_t.c.deadline_kind != ONGOING
    ended = task_t.c.deadline_end.is_not(None)
    overdue = sa.and_(sa.not_(completed), rated, ended, task_t.c.deadline_end < as_of)
    due_soon = sa.and_(
        sa.not_(completed),
        rated,
        ended,
        task_t.c.deadline_end >= as_of,
        task_t.c.deadline_end <= as_of + timedelta(days=DUE_SOON_DAYS),
    )
    weight_if_rated = sa.case((rated, task_t.c.weight), else_=0.0)
    return (
        sa.select(
            ts.c.root_id,
            sa.func.count().label("total"),
            count_if(completed).label("completed"),
            count_if(sa.not_(completed), started > 0).label("in_progress"),
            count_if(sa.not_(completed), started == 0).label("not_started"),
            count_if(overdue).label("overdue"),
            count_if(due_soon).label("due_soon"),
            count_if(ongoing).label("ongoing"),
            count_if(completed, rated).label("completed_rated"),
            sa.func.coalesce(sa.func.sum(weight_if_rated), 0.0).label("weight_sum"),
            sa.func.coalesce(sa.func.sum(weight_if_rated * task_progress), 0.0).label(
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
