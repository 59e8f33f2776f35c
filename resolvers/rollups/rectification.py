"""Rectification rollups: the task rollup's scope rules with counts per workflow state.

A rectification is in scope when a responsible unit (rectification_assignment) is in scope;
each counts once. Its state as of a day is the `to_status` of its latest workflow event up
to the end of that day (Asia/Shanghai), NOT_STARTED when it existed with no event yet, and
it is out of scope when it was created after that day. `overdue`: not yet COMPLETED,
VERIFIED or CLOSED and the deadline ended before asOf (ONGOING deadlines never do).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from models import OrgUnitClosure, Rectification, RectificationAssignment, RectificationEvent
from models.enums import DeadlineKind, RectificationStatus
from resolvers.rollups.task import DUE_SOON_DAYS, end_of_day

rect_t: sa.Table = Rectification.__table__  # type: ignore[attr-defined]
rect_assignment_t: sa.Table = RectificationAssignment.__table__  # type: ignore[attr-defined]
rect_event_t: sa.Table = RectificationEvent.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]

DONE_STATES = (
    RectificationStatus.COMPLETED.value,
    RectificationStatus.VERIFIED.value,
    RectificationStatus.CLOSED.value,
)


@dataclass(frozen=True, slots=True)
class RectificationCounts:
    """The aggregate of one scope."""

    as_of: date
    total: int = 0
    not_started: int = 0
    in_progress: int = 0
    completed: int = 0
    verified: int = 0
    closed: int = 0
    reopened: int = 0
    overdue: int = 0
    due_soon: int = 0
    ongoing: int = 0
    done_rated: int = 0

    @property
    def completion_rate(self) -> float | None:
        """(completed + verified + closed) / (total − ongoing); None when nothing is rated."""
        rated = self.total - self.ongoing
        return self.done_rated / rated if rated > 0 else None


def rectification_rollup_statement(
    roots: list[Any],
    *,
    include_descendants: bool,
    as_of: date,
    current: bool,
    visible: sa.ColumnElement[bool] | None = None,
) -> sa.Select[Any]:
    """One row of counts per root unit."""
    scope = sa.select(
        closure_t.c.ancestor_id.label("root_id"), closure_t.c.descendant_id.label("unit_id")
    ).where(closure_t.c.ancestor_id.in_(roots))
    if not include_descendants:
        scope = scope.where(closure_t.c.depth == 0)
    units = scope.cte("unit_scope")
    scoped = (
        sa.select(units.c.root_id, rect_assignment_t.c.rectification_id)
        .select_from(
            units.join(rect_assignment_t, rect_assignment_t.c.org_unit_id == units.c.unit_id)
        )
        .distinct()
        .cte("scoped_rectification")
    )
    if current:
        state: sa.ColumnElement[Any] = rect_t.c.status
        exists: sa.ColumnElement[bool] = sa.true()
    else:
        cutoff = end_of_day(as_of)
        latest = (
            sa.select(rect_event_t.c.to_status)
            .where(
                rect_event_t.c.rectification_id == rect_t.c.id,
                rect_event_t.c.occurred_at < cutoff,
            )
            .order_by(rect_event_t.c.occurred_at.desc(), rect_event_t.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        state = sa.func.coalesce(latest, RectificationStatus.NOT_STARTED.value)
        exists = rect_t.c.created_at < cutoff

    def count_if(*conds: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
        return sa.func.coalesce(sa.func.sum(sa.case((sa.and_(*conds), 1), else_=0)), 0)

    per_item = (
        sa.select(
            scoped.c.root_id,
            state.label("state"),
            rect_t.c.deadline_kind,
            rect_t.c.deadline_end,
        )
        .select_from(scoped.join(rect_t, rect_t.c.id == scoped.c.rectification_id))
        .where(exists, visible if visible is not None else sa.true())
        .subquery()
    )
    done = per_item.c.state.in_(DONE_STATES)
    rated = per_item.c.deadline_kind != DeadlineKind.ONGOING.value
    ended = per_item.c.deadline_end.is_not(None)
    counts = [
        count_if(per_item.c.state == s.value).label(s.value.lower()) for s in RectificationStatus
    ]
    return sa.select(
        per_item.c.root_id,
        sa.func.count().label("total"),
        *counts,
        count_if(sa.not_(done), rated, ended, per_item.c.deadline_end < as_of).label("overdue"),
        count_if(
            sa.not_(done),
            rated,
            ended,
            per_item.c.deadline_end >= as_of,
            per_item.c.deadline_end <= as_of + timedelta(days=DUE_SOON_DAYS),
        ).label("due_soon"),
        count_if(sa.not_(rated)).label("ongoing"),
        count_if(done, rated).label("done_rated"),
    ).group_by(per_item.c.root_id)


def counts_from_row(row: Any, as_of: date) -> RectificationCounts:
    """RectificationCounts from one row (zeros for a missing row)."""
    if row is None:
        return RectificationCounts(as_of=as_of)
    return RectificationCounts(
        as_of=as_of,
        total=int(row["total"]),
        not_started=int(row["not_started"]),
        in_progress=int(row["in_progress"]),
        completed=int(row["completed"]),
        verified=int(row["verified"]),
        closed=int(row["closed"]),
        reopened=int(row["reopened"]),
        overdue=int(row["overdue"]),
        due_soon=int(row["due_soon"]),
        ongoing=int(row["ongoing"]),
        done_rated=int(row["done_rated"]),
    )
