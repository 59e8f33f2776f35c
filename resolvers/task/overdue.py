"""Task.overdue and Assignment.overdue: the two meanings of "overdue", one rule each.

`Task.overdue(asOf)` judges the task as a whole (all lead shares), as Plan.taskRollup and
Query.tasks(filter: {overdueAsOf}) do; `Assignment.overdue(asOf)` judges one unit's own share,
as escalations and a unit's own OrgUnit.tasks(filter: {overdueAsOf}) do. Both come from
models/rules/task_state.py; past dates read the status history, one statement per batch.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from aiodataloader import DataLoader

from models import Assignment, Task
from models.rules import calendar
from models.rules import task_state as rules
from models.rules.task_state import StateTest, judged_pairs
from resolvers.common import Info

task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]


class TaskOverdueLoader(DataLoader[uuid.UUID, bool]):
    """Whether each task as a whole was overdue as of a past day."""

    def __init__(self, info: Info, day: date) -> None:
        super().__init__(max_batch_size=500)
        self.db, self.day = info.context.db, day

    async def batch_load_fn(self, keys: Sequence[uuid.UUID]) -> list[bool]:
        pairs = judged_pairs(StateTest("overdue", self.day), task_ids=list(keys))
        rows = await self.db.fetch_all(pairs)
        overdue = {row["task_id"] for row in rows}
        return [key in overdue for key in keys]


class ShareOverdueLoader(DataLoader[uuid.UUID, bool]):
    """Whether each share (assignment) was overdue as of a past day."""

    def __init__(self, info: Info, day: date) -> None:
        super().__init__(max_batch_size=500)
        self.db, self.day = info.context.db, day

    async def batch_load_fn(self, keys: Sequence[uuid.UUID]) -> list[bool]:
        a, t = assignment_t, task_t
        cutoff = calendar.cutoff(self.day)
        rows = await self.db.fetch_all(
            sa.select(a.c.id)
            .select_from(a.join(t, t.c.id == a.c.task_id))
            .where(
                a.c.id.in_(list(keys)),
                rules.share_overdue(a, *rules.deadline_at(t, cutoff), self.day, cutoff),
            )
        )
        overdue = {row["id"] for row in rows}
        return [key in overdue for key in keys]


async def task_overdue(info: Info, task_id: uuid.UUID, as_of: date | None) -> bool:
    """The task as a whole, as of `as_of` (default today)."""
    day = as_of or info.context.today()
    loader = info.context.loaders.get(("TaskOverdue", day), lambda: TaskOverdueLoader(info, day))
    result: bool = await loader.load(task_id)
    return result


async def share_overdue(info: Info, assignment_id: uuid.UUID, as_of: date | None) -> bool:
    """One unit's share, as of `as_of` (default today)."""
    day = as_of or info.context.today()
    loader = info.context.loaders.get(("ShareOverdue", day), lambda: ShareOverdueLoader(info, day))
    result: bool = await loader.load(assignment_id)
    return result
