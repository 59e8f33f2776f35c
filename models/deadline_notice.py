"""DeadlineNotice: a due-soon or overdue event emitted for a task, or for a rectification
share (RectificationDeadlineNotice) (issue 18, point 5).

One row per (task, threshold, deadline end): the delivery worker's scheduler inserts it with
ON CONFLICT DO NOTHING and writes the outbox event only for a row it inserted, in the same
transaction, so the event is emitted once across workers and restarts; a moved deadline
(another end) arms the thresholds again.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import id_field


class DeadlineNotice(SQLModel, table=True):
    """That `task.<threshold>` was emitted for this task and deadline."""

    __tablename__ = "deadline_notice"
    __table_args__ = (
        sa.UniqueConstraint("task_id", "threshold", "deadline_end", name="uq_deadline_notice_task"),
    )

    id: uuid.UUID = id_field()
    task_id: uuid.UUID = Field(foreign_key="task.id", ondelete="CASCADE")
    threshold: str = Field(max_length=16)  # due_soon, overdue
    deadline_end: date
    emitted_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class RectificationDeadlineNotice(SQLModel, table=True):
    """That `rectification.<threshold>` was emitted for this rectification share (责任单位)
    and deadline: once per share, threshold and deadline end, like DeadlineNotice."""

    __tablename__ = "rectification_deadline_notice"
    __table_args__ = (
        sa.UniqueConstraint(
            "share_id", "threshold", "deadline_end", name="uq_rectification_deadline_notice"
        ),
    )

    id: uuid.UUID = id_field()
    share_id: uuid.UUID = Field(foreign_key="rectification_assignment.id", ondelete="CASCADE")
    rectification_id: uuid.UUID = Field(foreign_key="rectification.id", ondelete="CASCADE")
    threshold: str = Field(max_length=16)  # due_soon, overdue
    deadline_end: date
    emitted_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
