"""Rectification rollups: the task rollup's scope rules with counts per workflow state.

A rectification is in scope when a responsible unit (rectification_assignment) is in scope;
each counts once. Its state in scope derives from its in-scope shares by the item rule
(models/rules/rectification_state.py): a town's rollup counts the town's own share, its
district's the whole item. A share's state as of a day is its latest event's up to the end
of that day (Asia/Shanghai); an item created after that day is out of scope. `overdue`: not
yet COMPLETED, VERIFIED or CLOSED in scope and the deadline ended before asOf (ONGOING
deadlines never do). `green` / `yellow` / `red`: the items' lights (models/rules/health.py
`rectification_health`) on the same state in scope, so they add up to `total`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from models import OrgUnitClosure, Rectification, RectificationAssignment, RectificationEvent
from models.enums import Health, RectificationStatus
from models.rules import rectification_state as rules
from models.rules import task_state as task_rules
from models.rules.calendar import end_of_day
from models.rules.health import rectification_health_sql

rect_t: sa.Table = Rectification.__table__  # type: ignore[attr-defined]
rect_assignment_t: sa.Table = RectificationAssignment.__table__  # type: ignore[attr-defined]
rect_event_t: sa.Table = RectificationEvent.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]


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
    green: int = 0
    yellow: int = 0
    red: int = 0

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
    nesting: str | None = None,
    lights: bool = True,
) -> sa.Select[Any]:
    """One row of counts per root unit (with the light counts unless not `lights`).

    `nesting` (a name suffix) renders the CTEs inside the statement, so it can be a
    correlated subquery (the compiled read path)."""
    scope = sa.select(
        closure_t.c.ancestor_id.label("root_id"), closure_t.c.descendant_id.label("unit_id")
    ).where(closure_t.c.ancestor_id.in_(roots))
    if not include_descendants:
        scope = scope.where(closure_t.c.depth == 0)
    suffix, nested = (f"_{nesting}", True) if nesting else ("", False)
    units = scope.cte(f"unit_scope{suffix}", nesting=nested)
    cutoff = None if current else end_of_day(as_of)
    share = rect_assignment_t
    share_rank = rules.rank(rules.share_status_as_of(share, cutoff))
    scoped = (
        sa.select(
            units.c.root_id,
            share.c.rectification_id,
            rules.status_from_ranks(sa.func.min(share_rank), sa.func.max(share_rank)).label(
                "state"
            ),
        )
        .select_from(units.join(share, share.c.org_unit_id == units.c.unit_id))
        .group_by(units.c.root_id, share.c.rectification_id)
        .cte(f"scoped_rectification{suffix}", nesting=nested)
    )
    state = scoped.c.state
    exists = rules.existed(rect_t, cutoff)

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
    done = rules.done(per_item.c.state)
    kind, end = per_item.c.deadline_kind, per_item.c.deadline_end
    rated = task_rules.rated(kind)
    light = rectification_health_sql(per_item.c.state, kind, end, as_of)
    counts = [
        count_if(per_item.c.state == s.value).label(s.value.lower()) for s in RectificationStatus
    ]
    return sa.select(
        per_item.c.root_id,
        sa.func.count().label("total"),
        *counts,
        count_if(task_rules.overdue(done, kind, end, as_of)).label("overdue"),
        count_if(task_rules.due_soon(done, kind, end, as_of)).label("due_soon"),
        count_if(sa.not_(rated)).label("ongoing"),
        count_if(done, rated).label("done_rated"),
        *(count_if(light == h.value).label(h.value.lower()) for h in Health if lights),
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
        green=int(row["green"]),
        yellow=int(row["yellow"]),
        red=int(row["red"]),
    )
