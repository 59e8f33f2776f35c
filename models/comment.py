"""Comments (留言 / 意见) and leaders' 批示 (instructions) on tasks, rectification items and
progress reports. Append-only: what was written, by whom (unit, role), when.

The row names its target (exactly one of task, rectification, progress report) and, for a
report, the report's share (`assignment_id`): the object whose scope reads the comment
(models/rules/scope.py row_condition), so whoever sees the target sees its comments and
nobody else does.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, enum_type, id_field
from models.enums import CommentKind, ViewerRole


class Comment(SQLModel, table=True):
    """A comment or 批示 on one task, rectification or progress report."""

    __tablename__ = "comment"
    __table_args__ = (
        sa.CheckConstraint(
            "(task_id IS NOT NULL AND rectification_id IS NULL AND progress_report_id IS NULL"
            " AND assignment_id IS NULL)"
            " OR (task_id IS NULL AND rectification_id IS NOT NULL"
            " AND progress_report_id IS NULL AND assignment_id IS NULL)"
            " OR (task_id IS NULL AND rectification_id IS NULL"
            " AND progress_report_id IS NOT NULL AND assignment_id IS NOT NULL)",
            name="one_target",
        ),
        sa.CheckConstraint("length(body) > 0", name="body_not_empty"),
        sa.Index("ix_comment_task", "task_id", "created_at", "id"),
        sa.Index("ix_comment_rectification", "rectification_id", "created_at", "id"),
        sa.Index("ix_comment_report", "progress_report_id", "created_at", "id"),
        sa.Index("ix_comment_assignment", "assignment_id"),
    )

    id: uuid.UUID = id_field()
    task_id: uuid.UUID | None = Field(default=None, foreign_key="task.id", ondelete="CASCADE")
    rectification_id: uuid.UUID | None = Field(
        default=None, foreign_key="rectification.id", ondelete="CASCADE"
    )
    progress_report_id: uuid.UUID | None = Field(
        default=None, foreign_key="progress_report.id", ondelete="CASCADE"
    )
    # The report's share: the scope a report's comments are read in (own shares).
    assignment_id: uuid.UUID | None = Field(
        default=None, foreign_key="assignment.id", ondelete="CASCADE"
    )
    kind: CommentKind = Field(sa_type=enum_type(CommentKind))
    body: str
    author: str | None = Field(default=None, max_length=200)
    author_unit_id: uuid.UUID = Field(foreign_key="org_unit.id")
    author_role: ViewerRole = Field(sa_type=enum_type(ViewerRole, "author_role"))
    created_at: datetime = created_field()
