"""Task queries: the paginated, filtered, ordered task list."""

from __future__ import annotations

import strawberry

from resolvers.common import Info
from resolvers.task.connection import TaskConnection, task_connection
from resolvers.task.order import TaskOrder
from resolvers.task.types import TaskFilter


@strawberry.type
class TaskQuery:
    @strawberry.field(description="Tasks, filtered and ordered (default: document / plan / 序号).")
    async def tasks(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: TaskFilter | None = None,
        order_by: list[TaskOrder] | None = None,
    ) -> TaskConnection:
        return await task_connection(info, filter, first=first, after=after, order_by=order_by)
