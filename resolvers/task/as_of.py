"""Task.statusAsOf and Task.progressAsOf: a task's state on a past day, as the rollups count it.

A list beside an as-of rollup (the dashboard's badges, a 通报's rows) must show each task's
state on that day, not today's. The state is the one the rollups count:
- with `unit` (and includeDescendants, the default): the unit's rollup member on that day,
  read from rollup_member_history (resolvers/rollups/history.py `member_state_on`, the spans
  the as-of rollups are kept from), so a task the unit's rollup counts as 推进中 on that day
  reads IN_PROGRESS here;
- otherwise (the task as a whole, or a unit's own shares only): models/rules/task_state.py
  `state_as_of` (each lead share's latest status event before the end of the day), as
  Plan.taskRollup and taskRollup(includeDescendants: false) count.
A task that did not exist yet that day (no lead share had an event by then) has no state:
null. Today and later read the present state. One statement per batch of tasks asked with the
same day and scope (a dataloader), never one per row.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa
from aiodataloader import DataLoader

from models import Task
from models.enums import TaskStatus
from models.rules import calendar
from models.rules import task_state as rules
from resolvers.common import Info, decode_global_id
from resolvers.rollups import history

task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]


class StateAsOf(NamedTuple):
    """A task's state and progress (percent) on a day."""

    status: TaskStatus
    progress: float


class TaskStateAsOfLoader(DataLoader[uuid.UUID, StateAsOf | None]):
    """The state of each task as of one day, in one scope (a unit's shares, or all leads)."""

    def __init__(
        self, info: Info, day: date, unit: uuid.UUID | None, include_descendants: bool
    ) -> None:
        super().__init__(max_batch_size=500)
        self.db, self.day = info.context.db, day
        self.unit, self.include_descendants = unit, include_descendants
        self.today = info.context.today()

    async def batch_load_fn(self, keys: Sequence[uuid.UUID]) -> list[StateAsOf | None]:
        if self.unit is not None and self.include_descendants:
            # A unit's list: the member spans the as-of rollups are kept from (one seek each).
            h = history.history_t
            stmt = history.member_state_on(
                sa.literal(self.unit, sa.Uuid()), h.c.task_id, self.day
            ).where(h.c.task_id.in_(list(keys)))
        else:
            cutoff = None if self.day >= self.today else calendar.end_of_day(self.day)
            unit = None if self.unit is None else sa.literal(self.unit, sa.Uuid())
            states = rules.state_as_of(
                task_t.c.id,
                cutoff=cutoff,
                unit=unit,
                include_descendants=self.include_descendants,
                conditions=[task_t.c.id.in_(list(keys))],
                nesting="_as_of",
            )
            c = states.c
            stmt = sa.select(c.task_id, c.completed, c.started, c.progress)
        rows = await self.db.fetch_all(stmt)
        found = {
            row["task_id"]: StateAsOf(
                rules.state_of(bool(row["completed"]), bool(row["started"])),
                float(row["progress"]),
            )
            for row in rows
        }
        return [found.get(key) for key in keys]


async def task_state_as_of(
    info: Info,
    task_id: uuid.UUID,
    as_of: date,
    unit: str | None,
    include_descendants: bool,
) -> StateAsOf | None:
    """The task's state as of `as_of` in `unit`'s scope (None: the task as a whole)."""
    unit_id = decode_global_id(unit, "OrgUnit") if unit is not None else None
    key = ("TaskStateAsOf", as_of, unit_id, include_descendants and unit_id is not None)
    loader = info.context.loaders.get(
        key, lambda: TaskStateAsOfLoader(info, as_of, unit_id, include_descendants)
    )
    result: StateAsOf | None = await loader.load(task_id)
    return result
