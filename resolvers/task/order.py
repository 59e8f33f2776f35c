"""TaskOrder: sort orders of task lists, each ending on the id so cursors are stable."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import sqlalchemy as sa
import strawberry

from models.enums import TaskStatus
from models.rules import task_state as rules
from resolvers.pagination import OrderKey
from resolvers.task.filters import task_t


@strawberry.enum(description="Sort order of a task list; several may be combined.")
class TaskOrder(StrEnum):
    DEADLINE_ASC = "DEADLINE_ASC"
    DEADLINE_DESC = "DEADLINE_DESC"
    SEQ_ASC = "SEQ_ASC"
    SEQ_DESC = "SEQ_DESC"
    STATUS_ASC = "STATUS_ASC"
    STATUS_DESC = "STATUS_DESC"
    UPDATED_ASC = "UPDATED_ASC"
    UPDATED_DESC = "UPDATED_DESC"


def deadline_sort_key(end: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """The DEADLINE sort key of a deadline end: tasks without one (长期坚持, X起) sort after
    every dated one (one home: models/rules/task_state.py)."""
    return rules.deadline_sort_key(end)


_deadline = deadline_sort_key(task_t.c.deadline_end)


def is_deadline(column: sa.ColumnElement[Any]) -> bool:
    """Whether an order key's column is the DEADLINE key over the task row."""
    return column is _deadline


_status = sa.case(
    (task_t.c.status == TaskStatus.NOT_STARTED.value, 0),
    (task_t.c.status == TaskStatus.IN_PROGRESS.value, 1),
    else_=2,
)
_columns: dict[str, sa.ColumnElement[object]] = {
    "DEADLINE": _deadline,
    "SEQ": task_t.c.code,  # document / plan / 序号, zero-padded
    "STATUS": _status,
    "UPDATED": task_t.c.updated_at,
}


def task_order(order_by: list[TaskOrder] | None) -> list[OrderKey]:
    """Order keys for `orderBy` (default: SEQ_ASC), ending on the id."""
    keys: list[OrderKey] = []
    seen: set[str] = set()
    for item in order_by or [TaskOrder.SEQ_ASC]:
        name, direction = item.value.rsplit("_", 1)
        if name in seen:
            continue
        seen.add(name)
        keys.append(OrderKey(_columns[name], direction == "DESC"))
    last_descending = keys[-1].descending if keys else False
    keys.append(OrderKey(task_t.c.id, last_descending))
    return keys
