"""Rectification (整改事项) state as of a day, done states, overdue: the one home of these rules.

An item's state as of D is the `to_status` of its latest workflow event before the end of day
D (models/rules/calendar.py), NOT_STARTED when it existed with no event yet; it exists from
its creation. Done: COMPLETED, VERIFIED or CLOSED (a REOPENED item is open again). Overdue and
due soon are the task rules (models/rules/task_state.py) with "done" for "completed".
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from models.enums import RectificationStatus
from models.inspection import Rectification, RectificationEvent
from models.rules import task_state

rect_t: sa.Table = Rectification.__table__  # type: ignore[attr-defined]
rect_event_t: sa.Table = RectificationEvent.__table__  # type: ignore[attr-defined]

DONE_STATES = (
    RectificationStatus.COMPLETED.value,
    RectificationStatus.VERIFIED.value,
    RectificationStatus.CLOSED.value,
)


def is_done(status: RectificationStatus | str) -> bool:
    """COMPLETED, VERIFIED or CLOSED."""
    return RectificationStatus(status).value in DONE_STATES


def status_as_of(rect: Any, cutoff: datetime | None) -> Any:
    """The item's status: present (cutoff None) or as of the day ending at `cutoff`."""
    if cutoff is None:
        return rect.c.status
    latest = (
        sa.select(rect_event_t.c.to_status)
        .where(rect_event_t.c.rectification_id == rect.c.id, rect_event_t.c.occurred_at < cutoff)
        .order_by(rect_event_t.c.occurred_at.desc(), rect_event_t.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return sa.func.coalesce(latest, RectificationStatus.NOT_STARTED.value)


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
