"""Task.statusAsOf and Task.progressAsOf: a task's state on a past day, as the rollups count it.

A list beside an as-of rollup (the dashboard's badges, a 通报's rows) must show each task's
state on that day, not today's. The state comes from models/rules/task_state.py
(`task_states`: each lead share's latest status event before the end of the day), the rule
OrgUnit.taskRollup(asOf) and TaskConnection.rollup(asOf) count with:
- with `unit`: judged by the lead shares of the unit (and its subtree with
  includeDescendants, the default, as OrgUnit.taskRollup counts), so a task that the unit's
  rollup counts as 推进中 on that day reads IN_PROGRESS here;
- without: the task as a whole (all lead shares), as Plan.taskRollup counts it.
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
        rows = await self.db.fetch_all(
            sa.select(states.c.task_id, states.c.completed, states.c.started, states.c.progress)
        )
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
