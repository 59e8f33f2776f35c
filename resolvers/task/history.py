"""Where a task's status history starts, and where a dated state enters it (DESIGN.md, "Time").

A share with no status event by a day did not exist yet (models/rules/task_state.py), so the
writers that create tasks for a document (createTask, importLedger) date the first event of
each share here:
- at the start of the day the creator or importer gives (createTask's `effectiveOn`,
  `govgraph import-ledger --effective-on`, importLedger's `effectiveOn`), else of the
  document's issue day, else at the write; never later than the write (a document dated in
  the future starts its tasks now) and never before the document's day unless given;
- a state a ledger reports for a day (状态 / 进度 as of 最新进展's date) enters at the start
  of that day, or at the write when undated; never later than the write, never before the
  share's history starts, and, on a share with history, after its latest event (history is
  never rewritten: `state_moment` refuses a day before it).
Shares added to a task that exists already (assignTask, a re-import naming another unit) and
decomposeTask's subtasks start at the write: that is when they were given.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from models.messages import message
from models.rules import calendar
from resolvers.errors import DomainError, ErrorCode
from resolvers.service_context import ServiceContext

# After a share's latest event on the same day: the next instant the database keeps apart.
TICK = timedelta(microseconds=1)
MIN_YEAR, MAX_YEAR = 1990, 2100


def check_effective_on(ctx: ServiceContext, value: date | None, field: str) -> None:
    """A given start day: within 1990–2100 and not after today (history is never in the
    future)."""
    if value is None:
        return
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE,
            message("YEAR_RANGE", field=field, first=MIN_YEAR, last=MAX_YEAR),
            field,
        )
    if value > ctx.today():
        raise DomainError(
            ErrorCode.OUT_OF_RANGE,
            message("HISTORY_AFTER_TODAY", field=field, day=value.isoformat()),
            field,
        )


def history_start(
    ctx: ServiceContext, issued_on: date | None, effective_on: date | None
) -> datetime:
    """When the shares of a task created for a document start (see the module docstring)."""
    day = effective_on or issued_on
    if day is None:
        return ctx.now()
    return min(calendar.start_of_day(day), ctx.now())


def state_moment(
    ctx: ServiceContext, day: date | None, *, start: datetime, latest: datetime | None = None
) -> datetime | None:
    """When a state reported for `day` enters a share's history; None when it cannot.

    `start`: when the share's history starts (a new share; the state may take effect at
    that very moment, then it is the share's first event). `latest`: the share's latest
    event when it has history; the state comes after it, on the same day if need be, and
    None means the day is before it (or before `start`).
    """
    now = ctx.now()
    if day is None:
        return now
    if day > calendar.local_date(now):
        return None
    moment = min(calendar.start_of_day(day), now)
    if latest is None:
        return None if day < calendar.local_date(start) else max(moment, start)
    if calendar.local_date(latest) > day:
        return None
    return max(moment, latest + TICK)
