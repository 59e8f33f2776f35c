"""Task queries: the paginated, filtered task list."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
import strawberry

from models import enums
from resolvers.common import Connection, Info, paginate
from resolvers.task.filters import assigned_to, task_filter_conditions, task_t
from resolvers.task.types import Task, TaskFilter


async def task_connection(
    info: Info,
    flt: TaskFilter | None,
    *,
    first: int | None,
    after: str | None,
    unit: uuid.UUID | None = None,
    role: enums.RoleScope = enums.RoleScope.LEAD,
    include_descendants: bool = False,
) -> Connection[Task]:
    """A page of tasks matching the filter (and assigned to `unit` in `role` when given)."""
    stmt = sa.select(task_t).where(*task_filter_conditions(flt))
    if unit is not None:
        stmt = stmt.where(assigned_to(unit, role, include_descendants))
    order = [task_t.c.code, task_t.c.id]
    return await paginate(info, stmt, order, Task.from_row, first=first, after=after)


@strawberry.type
class TaskQuery:
    @strawberry.field(description="Tasks, filtered, in code order (document / plan / 序号).")
    async def tasks(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: TaskFilter | None = None,
    ) -> Connection[Task]:
        return await task_connection(info, filter, first=first, after=after)
