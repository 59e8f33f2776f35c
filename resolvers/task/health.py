"""Task.health and Assignment.health (亮灯) as of a date: models/rules/health.py's rule, one
statement per batch. The task as a whole is judged on all its lead shares (as Task.overdue),
a share on its own state and progress (as Assignment.overdue)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from aiodataloader import DataLoader

from models import Assignment, Task, enums
from models.rules import calendar
from models.rules.health import share_light, task_light
from models.rules.task_state import share_existed, task_existed, task_states
from resolvers.common import Info

task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]


class TaskHealthLoader(DataLoader[uuid.UUID, enums.Health | None]):
    """The light of each task as a whole as of a day (None: it had no lead share yet)."""

    def __init__(self, info: Info, day: date) -> None:
        super().__init__(max_batch_size=500)
        self.db, self.day = info.context.db, day

    async def batch_load_fn(self, keys: Sequence[uuid.UUID]) -> list[enums.Health | None]:
        cutoff = calendar.cutoff(self.day)
        scoped = sa.select(sa.literal(0).label("root_id"), task_t.c.id.label("task_id")).where(
            task_t.c.id.in_(list(keys)), task_existed(task_t.c.id, cutoff)
        )
        ts = task_states(scoped, cutoff=cutoff)
        rows = await self.db.fetch_all(
            sa.select(
                ts.c.task_id,
                task_light(task_t, ts.c.completed, ts.c.progress, self.day, cutoff).label("light"),
            ).select_from(ts.join(task_t, task_t.c.id == ts.c.task_id))
        )
        found = {row["task_id"]: enums.Health(row["light"]) for row in rows}
        return [found.get(key) for key in keys]


class ShareHealthLoader(DataLoader[uuid.UUID, enums.Health | None]):
    """The light of each share (assignment) as of a day (None: it did not exist yet)."""

    def __init__(self, info: Info, day: date) -> None:
        super().__init__(max_batch_size=500)
        self.db, self.day = info.context.db, day

    async def batch_load_fn(self, keys: Sequence[uuid.UUID]) -> list[enums.Health | None]:
        a, t = assignment_t, task_t
        cutoff = calendar.cutoff(self.day)
        rows = await self.db.fetch_all(
            sa.select(a.c.id, share_light(a, t, self.day, cutoff).label("light"))
            .select_from(a.join(t, t.c.id == a.c.task_id))
            .where(a.c.id.in_(list(keys)), share_existed(a, cutoff))
        )
        found = {row["id"]: enums.Health(row["light"]) for row in rows}
        return [found.get(key) for key in keys]


async def task_health(info: Info, task_id: uuid.UUID, as_of: date | None) -> enums.Health | None:
    """The task as a whole, as of `as_of` (default today)."""
    day = as_of or info.context.today()
    loader = info.context.loaders.get(("TaskHealth", day), lambda: TaskHealthLoader(info, day))
    result: enums.Health | None = await loader.load(task_id)
    return result


async def share_health(
    info: Info, assignment_id: uuid.UUID, as_of: date | None
) -> enums.Health | None:
    """One unit's share, as of `as_of` (default today)."""
    day = as_of or info.context.today()
    loader = info.context.loaders.get(("ShareHealth", day), lambda: ShareHealthLoader(info, day))
    result: enums.Health | None = await loader.load(assignment_id)
    return result
