"""Rectification (整改事项) state as of a day, done states, overdue: the one home of these rules.

Shares (issue 17, point 5). Each responsible unit of an item has its own share
(rectification_assignment) with its own workflow state. A share's state as of D is the
`to_status` of the latest event before the end of day D (models/rules/calendar.py) that is
either the share's own (`assignment_id` = the share) or a move of the item as a whole
(`assignment_id` NULL, which applies to every share); NOT_STARTED when there is none.

The item's state derives from its shares by ONE rule (`item_status`, SQL twin
`status_from_ranks`), as a task's does from its LEAD assignments. Order the states
NOT_STARTED < REOPENED < IN_PROGRESS < COMPLETED < VERIFIED < CLOSED: the item is at the
least-advanced state of its shares, except that an item some share of which has started is
IN_PROGRESS rather than NOT_STARTED. So it is COMPLETED (VERIFIED, CLOSED) only when every
share is at least that; one share REOPENED makes it REOPENED. Scoped views (a unit's rollup,
its overdue items) apply the same rule to the shares in scope only: a town's rollup counts
its own share. An item with no resolved responsible unit has no share; its state is that of
its own events (the item-level moves), as before shares existed.

The present state is stored (`rectification.status`, `rectification_assignment.status`),
written by the rectification service from `item_status` in the same transaction as the
share's move; as-of states are computed from the events by the SQL below.

Done: COMPLETED, VERIFIED or CLOSED (a REOPENED item is open again). Overdue and due soon are
the task rules (models/rules/task_state.py) with "done" for "completed".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from models.enums import RectificationStatus
from models.inspection import Rectification, RectificationAssignment, RectificationEvent
from models.rules import task_state

rect_t: sa.Table = Rectification.__table__  # type: ignore[attr-defined]
rect_event_t: sa.Table = RectificationEvent.__table__  # type: ignore[attr-defined]
share_t: sa.Table = RectificationAssignment.__table__  # type: ignore[attr-defined]

S = RectificationStatus
# Least advanced first: the order item_status takes the minimum in.
ORDER: tuple[RectificationStatus, ...] = (
    S.NOT_STARTED,
    S.REOPENED,
    S.IN_PROGRESS,
    S.COMPLETED,
    S.VERIFIED,
    S.CLOSED,
)
RANK: dict[RectificationStatus, int] = {state: i for i, state in enumerate(ORDER)}

DONE_STATES = (
    RectificationStatus.COMPLETED.value,
    RectificationStatus.VERIFIED.value,
    RectificationStatus.CLOSED.value,
)


def is_done(status: RectificationStatus | str) -> bool:
    """COMPLETED, VERIFIED or CLOSED."""
    return RectificationStatus(status).value in DONE_STATES


def _from_ranks(lowest: int, highest: int) -> RectificationStatus:
    if lowest == 0 and highest > 0:
        return S.IN_PROGRESS
    return ORDER[lowest]


def item_status(shares: Iterable[RectificationStatus | str]) -> RectificationStatus | None:
    """The item's state from its shares' states (the module's rule); None without shares."""
    ranks = [RANK[RectificationStatus(s)] for s in shares]
    if not ranks:
        return None
    return _from_ranks(min(ranks), max(ranks))


def rank(state: Any) -> sa.ColumnElement[int]:
    """SQL: a state's place in ORDER."""
    return sa.case({s.value: i for s, i in RANK.items()}, value=state)


def status_from_ranks(lowest: Any, highest: Any) -> sa.ColumnElement[Any]:
    """SQL twin of `item_status` over the shares' min and max rank (NULL: no share)."""
    return sa.case(
        (sa.and_(lowest == 0, highest > 0), S.IN_PROGRESS.value),
        *((lowest == i, s.value) for s, i in RANK.items()),
        else_=sa.null(),
    )


def _latest_event(*where: sa.ColumnElement[bool]) -> Any:
    return (
        sa.select(rect_event_t.c.to_status)
        .where(*where)
        .order_by(rect_event_t.c.occurred_at.desc(), rect_event_t.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def share_status_as_of(share: Any, cutoff: datetime | None) -> Any:
    """A share's status (a rectification_assignment row or alias): present or as of the day
    ending at `cutoff` (its own latest event, or the item's latest whole-item move)."""
    if cutoff is None:
        return share.c.status
    latest = _latest_event(
        rect_event_t.c.rectification_id == share.c.rectification_id,
        sa.or_(rect_event_t.c.assignment_id == share.c.id, rect_event_t.c.assignment_id.is_(None)),
        rect_event_t.c.occurred_at < cutoff,
    )
    return sa.func.coalesce(latest, S.NOT_STARTED.value)


def status_as_of(rect: Any, cutoff: datetime | None) -> Any:
    """The item's status: present (cutoff None) or as of the day ending at `cutoff`, derived
    from its shares (`item_status`), from its own events when it has no share."""
    if cutoff is None:
        return rect.c.status
    share = share_t.alias("share_of_item")
    state = rank(share_status_as_of(share, cutoff))
    derived = (
        sa.select(status_from_ranks(sa.func.min(state), sa.func.max(state)))
        .where(share.c.rectification_id == rect.c.id)
        .scalar_subquery()
    )
    own = _latest_event(
        rect_event_t.c.rectification_id == rect.c.id, rect_event_t.c.occurred_at < cutoff
    )
    return sa.func.coalesce(derived, own, S.NOT_STARTED.value)


def existed(rect: Any, cutoff: datetime | None) -> sa.ColumnElement[bool]:
    """The item existed by `cutoff` (always, for the present)."""
    return sa.true() if cutoff is None else rect.c.created_at < cutoff


def done(status: Any) -> sa.ColumnElement[bool]:
    """SQL twin of `is_done`."""
    result: sa.ColumnElement[bool] = status.in_(DONE_STATES)
    return result


def overdue(rect: Any, as_of: date, cutoff: datetime | None) -> sa.ColumnElement[bool]:
    """The item existed and is overdue as of `as_of`."""
    state = status_as_of(rect, cutoff)
    return sa.and_(
        existed(rect, cutoff),
        task_state.overdue(done(state), rect.c.deadline_kind, rect.c.deadline_end, as_of),
    )


def due_soon(rect: Any, as_of: date, cutoff: datetime | None) -> sa.ColumnElement[bool]:
    """The item existed and is due soon as of `as_of`."""
    state = status_as_of(rect, cutoff)
    return sa.and_(
        existed(rect, cutoff),
        task_state.due_soon(done(state), rect.c.deadline_kind, rect.c.deadline_end, as_of),
    )


def share_overdue(
    share: Any, rect: Any, as_of: date, cutoff: datetime | None
) -> sa.ColumnElement[bool]:
    """The share's item existed and is past its deadline as of `as_of` while the share
    itself is not done (whatever the other shares' states)."""
    state = share_status_as_of(share, cutoff)
    return sa.and_(
        existed(rect, cutoff),
        task_state.overdue(done(state), rect.c.deadline_kind, rect.c.deadline_end, as_of),
    )


def share_due_soon(
    share: Any, rect: Any, as_of: date, cutoff: datetime | None
) -> sa.ColumnElement[bool]:
    """The share's item existed and its deadline is near as of `as_of` while the share itself
    is not done (the twin of `share_overdue`; the deadline scheduler's due-soon per share)."""
    state = share_status_as_of(share, cutoff)
    return sa.and_(
        existed(rect, cutoff),
        task_state.due_soon(done(state), rect.c.deadline_kind, rect.c.deadline_end, as_of),
    )
