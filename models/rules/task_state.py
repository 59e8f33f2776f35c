"""Task state, overdue and due soon: the one home of these rules (DESIGN.md, "Rollup semantics").

Every surface that shows a task's state or counts overdue work builds on this module: both
read paths, maintained and live/as-of rollups, list filters, exports, escalation, the change
feed, subscriptions and the dashboard. Each rule is here twice only where both SQL and Python
need it, and tests/models/test_rules.py proves the twins agree.

Terms:
- a *share* is one unit's assignment on a task; its state as of D is its latest status event
  before the end of day D (models/rules/calendar.py), its present state the assignment row;
  a share with no event by then did not exist yet;
- a task's state *in a scope* comes from its LEAD shares in that scope (all its leads when
  the scope has none of them, e.g. a task in scope only as COOPERATING):
  COMPLETED when all are completed, NOT_STARTED when none has started, else IN_PROGRESS;
  its progress is their mean percent (a completed share counts 100);
- the *task as a whole* is the same rule over all its leads (Task.status, plan rollups and
  lists outside a unit);
- *pending*: not completed, not ONGOING (长期坚持 is never overdue) and with a deadline end;
- the *deadline as of D* is the one in force at the end of day D: the task row's unless a
  change (models/task.py, TaskDeadlineChange) was made after that moment, then what the
  first such change replaced (`deadline_at`); today and later use the task row's;
- *overdue as of D*: pending and the end is before D; *due soon as of D*: pending and the end
  within DUE_SOON_DAYS days from D (D included), so never both.
So "overdue" has two meanings, named apart: a unit's share(s) overdue (OrgUnit.taskRollup,
OrgUnit.tasks' overdueAsOf, escalations addressed to the unit) and the task overdue
(Plan.taskRollup, Query.tasks' overdueAsOf, Task.overdue). They differ exactly when a scope's
shares are done and another lead's are not.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from models.enums import AssignmentRole, DeadlineKind, RoleScope, TaskStatus
from models.org_unit import OrgUnitClosure
from models.rules import calendar
from models.task import Assignment, AssignmentStatusEvent, Task, TaskDeadlineChange

task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
event_t: sa.Table = AssignmentStatusEvent.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]
change_t: sa.Table = TaskDeadlineChange.__table__  # type: ignore[attr-defined]

DUE_SOON_DAYS = 14

COMPLETED = TaskStatus.COMPLETED.value
NOT_STARTED = TaskStatus.NOT_STARTED.value
ONGOING = DeadlineKind.ONGOING.value
LEAD = AssignmentRole.LEAD.value


# -- the rules in Python --------------------------------------------------------------------


def state_from_shares(statuses: Iterable[TaskStatus | str]) -> TaskStatus:
    """A task's state from its lead shares' states (NOT_STARTED when there are none)."""
    values = [TaskStatus(s) for s in statuses]
    if values and all(s is TaskStatus.COMPLETED for s in values):
        return TaskStatus.COMPLETED
    if any(s is not TaskStatus.NOT_STARTED for s in values):
        return TaskStatus.IN_PROGRESS
    return TaskStatus.NOT_STARTED


def progress_from_shares(shares: Iterable[tuple[TaskStatus | str, float]]) -> float:
    """A task's progress: 100 when completed, else its shares' mean (a completed one is 100)."""
    pairs = [(TaskStatus(s), p) for s, p in shares]
    if not pairs:
        return 0.0
    if state_from_shares(s for s, _ in pairs) is TaskStatus.COMPLETED:
        return 100.0
    return sum(100.0 if s is TaskStatus.COMPLETED else p for s, p in pairs) / len(pairs)


def state_of(completed: bool, started: bool) -> TaskStatus:
    """The state a `task_states` row names (completed, started), as rollups count it:
    completed, else IN_PROGRESS when some in-scope lead has started, else NOT_STARTED."""
    if completed:
        return TaskStatus.COMPLETED
    return TaskStatus.IN_PROGRESS if started else TaskStatus.NOT_STARTED


def is_rated(kind: DeadlineKind | str) -> bool:
    """Counts toward completionRate and weightedProgress: every deadline but ONGOING."""
    return DeadlineKind(kind) is not DeadlineKind.ONGOING


def is_pending(completed: bool, kind: DeadlineKind | str, end: date | None) -> bool:
    """Can be overdue or due soon: not completed, rated, with a deadline end."""
    return not completed and is_rated(kind) and end is not None


def is_overdue(completed: bool, kind: DeadlineKind | str, end: date | None, as_of: date) -> bool:
    """Pending and the deadline's end is before `as_of`."""
    return is_pending(completed, kind, end) and end is not None and end < as_of


def is_due_soon(completed: bool, kind: DeadlineKind | str, end: date | None, as_of: date) -> bool:
    """Pending and the deadline's end within DUE_SOON_DAYS days from `as_of` (inclusive)."""
    return is_pending(completed, kind, end) and end is not None and as_of <= end <= soon_end(as_of)


def soon_end(as_of: Any, days: int = DUE_SOON_DAYS) -> Any:
    """The last day of the due-soon window from `as_of` (a date, or a SQL date expression in
    compiled plans); the calendar's last day when the window runs past it. `days`: the
    window's length (TaskFilter.dueWithin; DUE_SOON_DAYS is the rollups' dueSoon)."""
    if isinstance(as_of, date) and as_of > date.max - timedelta(days=days):
        return date.max
    return as_of + timedelta(days=days)


def days_overdue(end: date, as_of: date) -> int:
    """Whole days past the deadline's end as of `as_of` (1 on the day after it)."""
    return (as_of - end).days


# -- the same rules as SQL expressions ------------------------------------------------------


def rated(kind: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """SQL twin of `is_rated`."""
    return kind != ONGOING


def pending(
    completed: sa.ColumnElement[bool], kind: sa.ColumnElement[Any], end: sa.ColumnElement[Any]
) -> sa.ColumnElement[bool]:
    """SQL twin of `is_pending`."""
    return pending_rated(completed, rated(kind), end)


def pending_rated(completed: Any, is_rated: Any, end: Any) -> sa.ColumnElement[bool]:
    """`pending` where whether the deadline is rated is already a boolean column."""
    return sa.and_(sa.not_(completed), is_rated, end.is_not(None))


def past_due(end: sa.ColumnElement[Any], as_of: date | sa.ColumnElement[Any]) -> Any:
    """The end is before `as_of` (with `pending`: overdue)."""
    return end < as_of


# The DEADLINE sort key of a task without a deadline end (长期坚持, X起): after every dated one.
NO_DEADLINE_END = date(9999, 12, 31)


def deadline_sort_key(end: Any) -> sa.ColumnElement[Any]:
    """The DEADLINE sort key of a deadline end (task lists' order, and the maintained
    overdue spans' `deadline_sort`, which the lists walk)."""
    return sa.func.coalesce(end, sa.literal(NO_DEADLINE_END, sa.Date()))


def due_within(
    end: sa.ColumnElement[Any], as_of: date, days: int = DUE_SOON_DAYS
) -> sa.ColumnElement[bool]:
    """The end is within `days` (DUE_SOON_DAYS) days from `as_of` (with `pending`: due soon)."""
    return sa.and_(end >= as_of, end <= soon_end(as_of, days))


def overdue(
    completed: sa.ColumnElement[bool],
    kind: sa.ColumnElement[Any],
    end: sa.ColumnElement[Any],
    as_of: date,
) -> sa.ColumnElement[bool]:
    """SQL twin of `is_overdue`."""
    return sa.and_(pending(completed, kind, end), past_due(end, as_of))


def due_soon(
    completed: sa.ColumnElement[bool],
    kind: sa.ColumnElement[Any],
    end: sa.ColumnElement[Any],
    as_of: date,
) -> sa.ColumnElement[bool]:
    """SQL twin of `is_due_soon`."""
    return sa.and_(pending(completed, kind, end), due_within(end, as_of))


def share_progress(status: sa.ColumnElement[Any], progress: sa.ColumnElement[Any]) -> Any:
    """A share's progress as the task's mean counts it: 100 when completed."""
    return sa.case((status == COMPLETED, 100.0), else_=progress)


def shares_aggregate(
    status: sa.ColumnElement[Any], progress: sa.ColumnElement[Any], counted: Any = None
) -> tuple[Any, Any, Any, Any]:
    """(n, done, started, mean) over the grouped shares where `counted` holds (all: None)."""
    cond = sa.true() if counted is None else counted

    def count_if(*conds: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((sa.and_(cond, *conds), 1), else_=0)), 0)

    mean_of = share_progress(status, progress)
    mean = sa.func.avg(mean_of if counted is None else sa.case((cond, mean_of)))
    return count_if(), count_if(status == COMPLETED), count_if(status != NOT_STARTED), mean


def completed_from(n: Any, done: Any) -> sa.ColumnElement[bool]:
    """SQL twin of `state_from_shares(...) is COMPLETED` over aggregated shares."""
    return sa.and_(n > 0, done == n)


def progress_from(completed: Any, mean: Any) -> Any:
    """SQL twin of `progress_from_shares`."""
    return sa.case((completed, 100.0), else_=sa.func.coalesce(mean, 0.0))


def status_from(n: Any, done: Any, started: Any) -> Any:
    """SQL twin of `state_from_shares` as a TaskStatus value."""
    return sa.case(
        (completed_from(n, done), COMPLETED),
        (started > 0, TaskStatus.IN_PROGRESS.value),
        else_=NOT_STARTED,
    )


def status_of(completed: Any, started: Any) -> Any:
    """SQL twin of `state_of`: the TaskStatus a `task_states` row names."""
    return sa.case(
        (completed, COMPLETED),
        (started, TaskStatus.IN_PROGRESS.value),
        else_=NOT_STARTED,
    )


def state_as_of(
    task_id: Any,
    *,
    cutoff: datetime | None,
    unit: Any = None,
    include_descendants: bool = True,
    conditions: Iterable[sa.ColumnElement[bool]] = (),
    nesting: str,
) -> sa.CTE:
    """(task_id, completed, started, progress) of the tasks `task_id` names (a column, with
    `conditions` picking the rows; a correlated column in a compiled plan) as of `cutoff`
    (None: now), judged by `unit`'s lead shares (and its subtree's) or, without a unit, by
    all lead shares, as the rollups count them; no row for a task that did not exist yet then
    (Task.statusAsOf and progressAsOf, on both read paths)."""
    root: Any = sa.literal(0) if unit is None else unit
    units = None
    if unit is not None:
        units = unit_scope([unit], include_descendants).cte(f"as_of_units{nesting}", nesting=True)
    scoped = sa.select(root.label("root_id"), task_id.label("task_id")).where(
        *conditions, task_existed(task_id, cutoff)
    )
    return task_states(scoped, cutoff=cutoff, units=units, nesting=nesting)


# -- the deadline in force at a moment -----------------------------------------------------


def deadline_at(task: Any, cutoff: datetime | None) -> tuple[Any, Any]:
    """(kind, end) of the deadline in force at `cutoff` for the task row `task` (a table or
    alias with the task's columns): the present one (cutoff None, or no change after it),
    else the `previous_*` of the first change made at or after `cutoff`. Every as-of surface
    judges overdue and due soon with it, so a moved deadline does not rewrite the past."""
    if cutoff is None:
        return task.c.deadline_kind, task.c.deadline_end

    def first_later(column: str) -> Any:
        change = change_t.alias(f"deadline_then_{column}")
        return (
            sa.select(change.c[column])
            .where(change.c.task_id == task.c.id, change.c.changed_at >= cutoff)
            .order_by(change.c.changed_at, change.c.id)
            .limit(1)
            .scalar_subquery()
        )

    later = change_t.alias("deadline_later")
    moved = sa.exists(
        sa.select(sa.literal(1))
        .select_from(later)
        .where(later.c.task_id == task.c.id, later.c.changed_at >= cutoff)
    )
    kind = sa.case((moved, first_later("previous_kind")), else_=task.c.deadline_kind)
    end = sa.case((moved, first_later("previous_end")), else_=task.c.deadline_end)
    return kind, end


# -- scopes and states as of a day ----------------------------------------------------------


def unit_scope(roots: Any, include_descendants: bool) -> sa.Select[Any]:
    """(root_id, unit_id): each root unit and, optionally, its whole subtree."""
    stmt = sa.select(
        closure_t.c.ancestor_id.label("root_id"), closure_t.c.descendant_id.label("unit_id")
    ).where(closure_t.c.ancestor_id.in_(roots))
    if not include_descendants:
        stmt = stmt.where(closure_t.c.depth == 0)
    return stmt


def share_existed(share: Any, cutoff: datetime | None) -> sa.ColumnElement[bool]:
    """The share had a status event before `cutoff` (always true for the present)."""
    if cutoff is None:
        return sa.true()
    return sa.exists(
        sa.select(sa.literal(1))
        .select_from(event_t)
        .where(event_t.c.assignment_id == share.c.id, event_t.c.effective_at < cutoff)
    )


def tasks_of_units(units: Any, role: RoleScope, cutoff: datetime | None) -> sa.Select[Any]:
    """(root_id, task_id): tasks with a share in `role` to a unit of the root's scope that
    existed by `cutoff` (None: now)."""
    stmt = (
        sa.select(units.c.root_id, assignment_t.c.task_id)
        .select_from(units.join(assignment_t, assignment_t.c.org_unit_id == units.c.unit_id))
        .where(share_existed(assignment_t, cutoff))
        .distinct()
    )
    if role is not RoleScope.ANY:
        stmt = stmt.where(assignment_t.c.role == role.value)
    return stmt


def tasks_of_plans(roots: Any, cutoff: datetime | None) -> sa.Select[Any]:
    """(root_id, task_id): the top-level tasks of each plan with a lead share by `cutoff`."""
    stmt = sa.select(task_t.c.plan_id.label("root_id"), task_t.c.id.label("task_id")).where(
        task_t.c.plan_id.in_(roots), task_t.c.parent_id.is_(None)
    )
    if cutoff is not None:
        stmt = stmt.where(task_existed(task_t.c.id, cutoff))
    return stmt


def task_existed(task_id: Any, cutoff: datetime | None) -> sa.ColumnElement[bool]:
    """The task had a lead share by `cutoff` (a task exists from its first lead's event)."""
    if cutoff is None:
        return sa.true()
    share = assignment_t.alias("existing_share")
    return sa.exists(
        sa.select(sa.literal(1))
        .select_from(share)
        .where(share.c.task_id == task_id, share.c.role == LEAD, share_existed(share, cutoff))
    )


def task_states(
    scoped: sa.Select[Any],
    *,
    cutoff: datetime | None,
    units: Any = None,
    nesting: str | None = None,
) -> sa.CTE:
    """(root_id, task_id, completed, started, progress) of every (root, task) of `scoped`.

    `units` (root_id, unit_id) marks which lead shares are in each root's scope; without it
    every lead is (the task as a whole). `cutoff`: the end of the day evaluated, or None for
    the present state. `nesting` renders the CTEs inside a statement (correlated use).
    """
    nested = nesting is not None
    suffix = nesting or ""
    st = scoped.cte(f"scoped_task{suffix}", nesting=nested)
    lead = assignment_t.alias("lead")
    on_lead = sa.and_(lead.c.task_id == st.c.task_id, lead.c.role == LEAD)
    if cutoff is None:
        status, progress = lead.c.status, lead.c.progress
        exists_clause: sa.ColumnElement[bool] = lead.c.id.is_not(None)
        joined: Any = st.outerjoin(lead, on_lead)
    else:
        latest = (
            sa.select(event_t.c.id)
            .where(event_t.c.assignment_id == lead.c.id, event_t.c.effective_at < cutoff)
            .order_by(event_t.c.effective_at.desc(), event_t.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        event = event_t.alias("state")
        joined = st.outerjoin(lead, on_lead).outerjoin(event, event.c.id == latest)
        status, progress = event.c.status, event.c.progress
        exists_clause = event.c.id.is_not(None)
    if units is not None:
        joined = joined.outerjoin(
            units, sa.and_(units.c.root_id == st.c.root_id, units.c.unit_id == lead.c.org_unit_id)
        )
        in_scope: sa.ColumnElement[bool] = sa.and_(exists_clause, units.c.unit_id.is_not(None))
    else:
        in_scope = exists_clause
    n_in, done_in, started_in, mean_in = shares_aggregate(status, progress, in_scope)
    n_all, done_all, started_all, mean_all = shares_aggregate(status, progress, exists_clause)
    per_task = (
        sa.select(
            st.c.root_id,
            st.c.task_id,
            n_in.label("n_in"),
            done_in.label("done_in"),
            started_in.label("started_in"),
            mean_in.label("mean_in"),
            n_all.label("n_all"),
            done_all.label("done_all"),
            started_all.label("started_all"),
            mean_all.label("mean_all"),
        )
        .select_from(joined)
        .group_by(st.c.root_id, st.c.task_id)
    ).cte(f"task_shares{suffix}", nesting=nested)
    s = per_task.c
    use_in = s.n_in > 0
    n = sa.case((use_in, s.n_in), else_=s.n_all)
    done = sa.case((use_in, s.done_in), else_=s.done_all)
    started = sa.case((use_in, s.started_in), else_=s.started_all)
    mean = sa.case((use_in, s.mean_in), else_=s.mean_all)
    completed = completed_from(n, done)
    return sa.select(
        s.root_id,
        s.task_id,
        completed.label("completed"),
        (started > 0).label("started"),
        progress_from(completed, mean).label("progress"),
    ).cte(f"task_state{suffix}", nesting=nested)


def share_status(share: Any, cutoff: datetime | None) -> Any:
    """A share's status: its present state (cutoff None) or its latest event's before `cutoff`
    (NULL when it had none: it did not exist yet, see `share_existed`)."""
    if cutoff is None:
        return share.c.status
    return (
        sa.select(event_t.c.status)
        .where(event_t.c.assignment_id == share.c.id, event_t.c.effective_at < cutoff)
        .order_by(event_t.c.effective_at.desc(), event_t.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def share_overdue(share: Any, kind: Any, end: Any, as_of: date, cutoff: datetime | None) -> Any:
    """A unit's own share is overdue as of `as_of`: the rules applied to that share alone."""
    completed = sa.func.coalesce(share_status(share, cutoff), NOT_STARTED) == COMPLETED
    return sa.and_(share_existed(share, cutoff), overdue(completed, kind, end, as_of))


# -- judging tasks in a scope (list filters, exports, Task.overdue) -------------------------


@dataclass(frozen=True, slots=True)
class StateTest:
    """A TaskFilter test of a task's state as of a day: overdueAsOf, dueSoonAsOf, or dueSoon
    and dueWithin (as of today; `days` the window, DUE_SOON_DAYS unless dueWithin says);
    `negated`: the tasks failing it (dueSoon: false)."""

    name: str  # "overdue" | "due_soon"
    as_of: date
    days: int = DUE_SOON_DAYS
    negated: bool = False

    def deadline(self, end: Any) -> sa.ColumnElement[bool]:
        """The deadline part of the rule: ended before the day, or ending within the window."""
        if self.name == "overdue":
            passed: sa.ColumnElement[bool] = past_due(end, self.as_of)
            return passed
        return due_within(end, self.as_of, self.days)

    def holds(self, completed: Any, kind: Any, end: Any) -> sa.ColumnElement[bool]:
        """The rule (`overdue` or `due_soon`) on a task's state and deadline."""
        return sa.and_(pending(completed, kind, end), self.deadline(end))

    def holds_pending(self, pending: Any, end: Any) -> sa.ColumnElement[bool]:
        """The rule where `pending` is already judged (a maintained member's `dated`, with
        `end` its deadline's end then): pending and the deadline part."""
        return sa.and_(pending, self.deadline(end))

    def window(self, kind: Any, end: Any) -> sa.ColumnElement[bool]:
        """What the deadline must satisfy whatever the state (narrows the tasks to judge)."""
        return sa.and_(pending(sa.false(), kind, end), self.deadline(end))

    @property
    def cutoff(self) -> datetime | None:
        """The end of the day judged, or None when it is today or later (present state)."""
        return calendar.cutoff(self.as_of)


def judged_pairs(
    test: StateTest,
    *,
    units: Any = None,
    role: RoleScope = RoleScope.LEAD,
    name: str = "",
    task_ids: list[uuid.UUID] | None = None,
) -> sa.Select[Any]:
    """(root_id, task_id) passing `test`: per root of `units` (root_id, unit_id) judged by the
    shares in its scope, or (0, task_id) judged by all lead shares when `units` is None."""
    cutoff = test.cutoff
    judged = task_t.alias(f"judged_{test.name}{name}")
    if units is not None:
        # Only the tasks whose deadline can pass the test are judged (holds implies window):
        # a city's overdue list judges its overdue candidates, not its every task.
        candidate = task_t.alias(f"window_{test.name}{name}")
        scoped = (
            tasks_of_units(units, role, cutoff)
            .join(candidate, candidate.c.id == assignment_t.c.task_id)
            .where(test.window(*deadline_at(candidate, cutoff)))
        )
    else:
        scoped = sa.select(sa.literal(0).label("root_id"), task_t.c.id.label("task_id")).where(
            test.window(*deadline_at(task_t, cutoff)),
            task_existed(task_t.c.id, cutoff),
        )
        if task_ids is not None:
            scoped = scoped.where(task_t.c.id.in_(task_ids))
    states = task_states(scoped, cutoff=cutoff, units=units, nesting=f"_{test.name}{name}")
    return (
        sa.select(states.c.root_id, states.c.task_id)
        .select_from(states.join(judged, judged.c.id == states.c.task_id))
        .where(test.holds(states.c.completed, *deadline_at(judged, cutoff)))
    )
