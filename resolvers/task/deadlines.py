"""Deadline history: a change of a task's deadline is an event with who, when and why.

`record_deadline_change` is the one writer of models/task.py's TaskDeadlineChange: an edit
(updateTask) and an approved extension (resolvers/extension/service.py) call it. The task
row keeps the deadline in force now; as-of surfaces read the one in force then through
models/rules/task_state.py (`deadline_at`). A write that leaves the deadline as it was
records nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models import TaskDeadlineChange
from models.messages import message
from resolvers.errors import DomainError, ErrorCode
from resolvers.service_context import ServiceContext as Context

change_t: sa.Table = TaskDeadlineChange.__table__  # type: ignore[attr-defined]

# The task's deadline columns and the change's names for them.
FIELDS = {
    "deadline_kind": "kind",
    "deadline_start": "start",
    "deadline_end": "end",
    "deadline_text": "text",
}
MAX_REASON = 2000


def _value(value: Any) -> Any:
    """A deadline part comparable across a row and new values (enum members as values)."""
    return getattr(value, "value", value)


def deadline_moved(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    """Whether `after` (new values, possibly partial) changes the deadline of `before`."""
    return any(
        column in after and _value(after[column]) != _value(before[column]) for column in FIELDS
    )


def check_reason(reason: str | None) -> None:
    """A reason is optional and at most MAX_REASON characters."""
    if reason is not None and len(reason) > MAX_REASON:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            message("REASON_TOO_LONG", limit=MAX_REASON),
            "deadlineChangeReason",
        )


async def record_deadline_change(
    ctx: Context,
    conn: AsyncConnection,
    *,
    task_id: uuid.UUID,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    reason: str | None,
) -> uuid.UUID | None:
    """Record that the task's deadline moved from `before` to `after` (task rows or value
    maps), by the viewer, now, because of `reason`: the change's id. Nothing (None) when it
    did not move."""
    check_reason(reason)
    if not deadline_moved(before, after):
        return None
    change_id = uuid.uuid4()
    values: dict[str, Any] = {
        "id": change_id,
        "task_id": task_id,
        "changed_at": ctx.now(),
        "changed_by_unit_id": ctx.viewer.unit_id,
        "changed_by": ctx.viewer.subject,
        "reason": reason.strip() if reason and reason.strip() else None,
    }
    for column, part in FIELDS.items():
        values[f"previous_{part}"] = _value(before[column])
        values[f"new_{part}"] = _value(after.get(column, before[column]))
    await conn.execute(change_t.insert().values(**values))
    return change_id
