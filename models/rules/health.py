"""Traffic-light health (亮灯 / 三色督办) as of a date: the one home of the rule.

As of day D, for a task (its state in a scope, or as a whole) or one unit's share:
- RED (红灯): overdue as of D (models/rules/task_state.py: pending and the deadline in force
  ended before D);
- YELLOW (黄灯): due soon as of D (the deadline ends within DUE_SOON_DAYS = 14 days from D,
  the rollups' dueSoon), or behind 序时进度: the progress is below the expected progress
  minus the plan's tolerance (Plan.healthTolerance, default DEFAULT_TOLERANCE = 10 points),
  the expected progress being the elapsed fraction of [start, deadline end] × 100, where the
  start is the deadline's own start (a PERIOD such as 5-9月) or else the issue date of the
  task's document (the date the work was assigned);
- GREEN (绿灯): everything else: on track, completed (a completed task shows green: the three
  counts of a rollup add up to its total), 长期坚持 (ONGOING, never overdue) and deadlines
  without an end (UNSPECIFIED, FROM_DATE), which have no pace to be behind.

RED before YELLOW: an overdue task is red however far behind it is. `health` is the rule in
Python, `health_sql` the same rule as a SQL expression (one CASE over the columns it is given);
tests/models/rules/test_health.py checks on random inputs that both agree, on SQLite and
PostgreSQL. "Behind" is decided in exact arithmetic on whole days:
(progress + tolerance) × (end − start) < 100 × (D − start), with end > start.

Rectification items (整改事项) and their per-unit shares (`rectification_health`, SQL twin
`rectification_health_sql`): the same lights with "done" (models/rules/rectification_state.py:
COMPLETED, VERIFIED or CLOSED) for "completed" and no pace (they have no progress): RED when
overdue as of D (the rectification overdue rule: not done, not 长期坚持, the 整改时限 ended
before D), YELLOW when due within DUE_SOON_DAYS days (the rollups' dueSoon), GREEN otherwise
(done, 长期坚持, no deadline end). An item is judged on its derived state (`item_status`),
a share on its own state.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from models.document import Document, Plan
from models.enums import DeadlineKind, Health, RectificationStatus
from models.rules import rectification_state
from models.rules import task_state as rules

document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]
plan_t: sa.Table = Plan.__table__  # type: ignore[attr-defined]

DEFAULT_TOLERANCE = 10.0
EPOCH = date(1970, 1, 1)


def day_number(day: date) -> int:
    """Whole days since 1970-01-01 (the SQL twin is `DayNumber`)."""
    return (day - EPOCH).days


def is_behind(
    completed: bool,
    kind: DeadlineKind | str,
    start: date | None,
    end: date | None,
    progress: float,
    as_of: date,
    tolerance: float = DEFAULT_TOLERANCE,
) -> bool:
    """Pending and behind 序时进度 as of `as_of` (module docstring)."""
    if not rules.is_pending(completed, kind, end) or start is None or end is None:
        return False
    span = day_number(end) - day_number(start)
    if span <= 0:
        return False
    return (progress + tolerance) * span < 100 * (day_number(as_of) - day_number(start))


def health(
    completed: bool,
    kind: DeadlineKind | str,
    start: date | None,
    end: date | None,
    progress: float,
    as_of: date,
    tolerance: float = DEFAULT_TOLERANCE,
) -> Health:
    """The light as of `as_of` (module docstring)."""
    if rules.is_overdue(completed, kind, end, as_of):
        return Health.RED
    if rules.is_due_soon(completed, kind, end, as_of) or is_behind(
        completed, kind, start, end, progress, as_of, tolerance
    ):
        return Health.YELLOW
    return Health.GREEN


def rectification_health(
    status: RectificationStatus | str,
    kind: DeadlineKind | str,
    end: date | None,
    as_of: date,
) -> Health:
    """The light of a rectification item or share in `status` as of `as_of` (module
    docstring): the rectification overdue and due-soon rules, no pace."""
    done = rectification_state.is_done(status)
    if rules.is_overdue(done, kind, end, as_of):
        return Health.RED
    if rules.is_due_soon(done, kind, end, as_of):
        return Health.YELLOW
    return Health.GREEN


# -- the same rule in SQL -------------------------------------------------------------------


class DayNumber(FunctionElement[int]):
    """SQL: whole days from 1970-01-01 to a DATE expression."""

    type = sa.Integer()
    inherit_cache = True
    name = "day_number"


@compiles(DayNumber)
def _day_number_default(element: DayNumber, compiler: Any, **kw: Any) -> str:
    (arg,) = list(element.clauses)
    return f"CAST(ROUND(julianday({compiler.process(arg, **kw)}) - 2440587.5) AS INTEGER)"


@compiles(DayNumber, "postgresql")
def _day_number_postgresql(element: DayNumber, compiler: Any, **kw: Any) -> str:
    (arg,) = list(element.clauses)
    return f"(CAST({compiler.process(arg, **kw)} AS DATE) - DATE '1970-01-01')"


def behind_sql(
    completed: sa.ColumnElement[bool],
    kind: sa.ColumnElement[Any],
    start: sa.ColumnElement[Any],
    end: sa.ColumnElement[Any],
    progress: sa.ColumnElement[Any],
    as_of: date,
    tolerance: Any = DEFAULT_TOLERANCE,
) -> sa.ColumnElement[bool]:
    """SQL twin of `is_behind` (`tolerance`: a number or a column)."""
    span = DayNumber(end) - DayNumber(start)
    # `as_of`: a date, or a SQL date (a compiled plan's today parameter).
    today = day_number(as_of) if isinstance(as_of, date) else DayNumber(as_of)
    elapsed = today - DayNumber(start)
    return sa.and_(
        rules.pending(completed, kind, end),
        start.is_not(None),
        span > 0,
        (progress + tolerance) * span < 100 * elapsed,
    )


def health_sql(
    completed: sa.ColumnElement[bool],
    kind: sa.ColumnElement[Any],
    start: sa.ColumnElement[Any],
    end: sa.ColumnElement[Any],
    progress: sa.ColumnElement[Any],
    as_of: date,
    tolerance: Any = DEFAULT_TOLERANCE,
) -> sa.ColumnElement[str]:
    """SQL twin of `health`: 'GREEN', 'YELLOW' or 'RED'."""
    return sa.case(
        (rules.overdue(completed, kind, end, as_of), Health.RED.value),
        (
            sa.or_(
                rules.due_soon(completed, kind, end, as_of),
                behind_sql(completed, kind, start, end, progress, as_of, tolerance),
            ),
            Health.YELLOW.value,
        ),
        else_=Health.GREEN.value,
    )


# -- the light of a task or a share, as of a day --------------------------------------------


def task_start(task: Any) -> sa.ColumnElement[Any]:
    """The start of a task's pace: its deadline's own start (PERIOD), else its document's
    issue date (when the work was assigned)."""
    issued = (
        sa.select(document_t.c.issued_on)
        .where(document_t.c.id == task.c.document_id)
        .scalar_subquery()
    )
    return sa.func.coalesce(task.c.deadline_start, issued)


def task_tolerance(task: Any) -> sa.ColumnElement[Any]:
    """The task's plan's tolerance (Plan.healthTolerance)."""
    tolerance = (
        sa.select(plan_t.c.health_tolerance).where(plan_t.c.id == task.c.plan_id).scalar_subquery()
    )
    return sa.func.coalesce(tolerance, DEFAULT_TOLERANCE)


def task_light(
    task: Any,
    completed: sa.ColumnElement[bool],
    progress: sa.ColumnElement[Any],
    as_of: date,
    cutoff: Any,
) -> sa.ColumnElement[str]:
    """The light of a task row (`task`: the task table or an alias) whose state (in a scope, or
    as a whole) is `completed` / `progress`, with the deadline in force as of the day."""
    kind, end = rules.deadline_at(task, cutoff)
    return health_sql(completed, kind, task_start(task), end, progress, as_of, task_tolerance(task))


def share_light(share: Any, task: Any, as_of: date, cutoff: Any) -> sa.ColumnElement[str]:
    """The light of one unit's share (an assignment row joined to its task row), from the
    share's own state and progress as of the day (its latest status event before `cutoff`)."""
    if cutoff is None:
        status, progress = share.c.status, share.c.progress
    else:
        event = rules.event_t

        def latest(column: str) -> Any:
            return (
                sa.select(event.c[column])
                .where(event.c.assignment_id == share.c.id, event.c.effective_at < cutoff)
                .order_by(event.c.effective_at.desc(), event.c.id.desc())
                .limit(1)
                .scalar_subquery()
            )

        status, progress = latest("status"), latest("progress")
    completed = sa.func.coalesce(status, rules.NOT_STARTED) == rules.COMPLETED
    share_progress = rules.share_progress(status, sa.func.coalesce(progress, 0.0))
    return task_light(task, completed, share_progress, as_of, cutoff)


# -- the light of a rectification item or share, as of a day --------------------------------


def rectification_health_sql(
    status: Any, kind: sa.ColumnElement[Any], end: sa.ColumnElement[Any], as_of: Any
) -> sa.ColumnElement[str]:
    """SQL twin of `rectification_health` (`as_of`: a date or a SQL date)."""
    done = rectification_state.done(status)
    return sa.case(
        (rules.overdue(done, kind, end, as_of), Health.RED.value),
        (rules.due_soon(done, kind, end, as_of), Health.YELLOW.value),
        else_=Health.GREEN.value,
    )


def rectification_light(rect: Any, as_of: Any, cutoff: Any) -> sa.ColumnElement[str]:
    """The light of a rectification row (the item as a whole: its state derived from all its
    shares, as Rectification.statusAsOf reads it) as of the day."""
    state = rectification_state.status_as_of(rect, cutoff)
    return rectification_health_sql(state, rect.c.deadline_kind, rect.c.deadline_end, as_of)


def rectification_share_light(
    share: Any, rect: Any, as_of: Any, cutoff: Any
) -> sa.ColumnElement[str]:
    """The light of one unit's share (a rectification_assignment row joined to its item row)
    from the share's own state as of the day (as the share's overdue is judged)."""
    state = rectification_state.share_status_as_of(share, cutoff)
    return rectification_health_sql(state, rect.c.deadline_kind, rect.c.deadline_end, as_of)
