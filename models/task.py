"""Task (任务 / 措施 / 台账行), Assignment (牵头 / 配合), ProgressReport and status history."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import (
    created_field,
    enum_type,
    id_field,
    json_field,
    updated_field,
    version_field,
)
from models.enums import AssignmentRole, DeadlineKind, ReportReviewState, TaskStatus
from models.rules.search import folded_default


class Task(SQLModel, table=True):
    """One line of work of a plan; `parent` links subtasks from decomposition."""

    __tablename__ = "task"
    __table_args__ = (
        sa.Index("ix_task_plan_seq", "plan_id", "seq", "id"),
        # 序号 per plan for its tasks, per parent task for subtasks (decomposeTask numbers
        # them 1, 2, … under their parent); `code` is unique on its own.
        sa.Index(
            "uq_task_plan_seq",
            "plan_id",
            "seq",
            unique=True,
            sqlite_where=sa.text("parent_id IS NULL"),
            postgresql_where=sa.text("parent_id IS NULL"),
        ),
        sa.Index(
            "uq_task_parent_seq",
            "parent_id",
            "seq",
            unique=True,
            sqlite_where=sa.text("parent_id IS NOT NULL"),
            postgresql_where=sa.text("parent_id IS NOT NULL"),
        ),
        sa.Index("ix_task_deadline_end", "deadline_end", "id"),
        sa.Index("ix_task_status", "status", "id"),
        sa.Index("ix_task_updated_at", "updated_at", "id"),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        sa.CheckConstraint("weight >= 0", name="weight_nonnegative"),
    )

    id: uuid.UUID = id_field()
    code: str = Field(max_length=120, unique=True)
    plan_id: uuid.UUID = Field(foreign_key="plan.id")
    document_id: uuid.UUID = Field(foreign_key="document.id", index=True)
    parent_id: uuid.UUID | None = Field(default=None, foreign_key="task.id", index=True)
    # For a subtask: the parent task's assignment whose share it splits (decomposeTask).
    # use_alter: task and assignment reference each other; inserts order task first.
    origin_assignment_id: uuid.UUID | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Uuid(),
            sa.ForeignKey(
                "assignment.id", use_alter=True, name="fk_task_origin_assignment_id_assignment"
            ),
            nullable=True,
            index=True,
        ),
    )
    seq: int
    # The 序号 path ("3", "3.1" for subtask 1 of task 3): models/rules/labels.py seq_path,
    # stored so a label never depends on which parents the viewer can see.
    seq_path: str = Field(max_length=200)
    category: str | None = Field(default=None)
    title: str
    description: str | None = Field(default=None)
    # Searchable forms of title and description (models/rules/search.py; filled on insert).
    title_folded: str | None = Field(
        default=None, sa_column_kwargs={"default": folded_default("title")}
    )
    description_folded: str | None = Field(
        default=None, sa_column_kwargs={"default": folded_default("description")}
    )
    remarks: str | None = Field(default=None)
    # Raw 牵头单位 / 责任单位 text as the document writes it.
    responsibility_text: str | None = Field(default=None)
    # Group references the text cannot resolve (区直相关单位, 相关镇（街道）): kept as written,
    # never expanded to every unit (models/rules/responsibility.py).
    responsibility_unresolved: list[Any] = json_field(list)
    deadline_kind: DeadlineKind = Field(sa_type=enum_type(DeadlineKind))
    deadline_start: date | None = Field(default=None)
    deadline_end: date | None = Field(default=None)
    deadline_text: str = Field(default="")
    weight: float = Field(default=1.0)
    # Derived from the LEAD assignments; maintained by the service layer.
    status: TaskStatus = Field(default=TaskStatus.NOT_STARTED, sa_type=enum_type(TaskStatus))
    progress: float = Field(default=0.0)
    created_at: datetime = created_field()
    updated_at: datetime = updated_field()
    version: int = version_field()


class Assignment(SQLModel, table=True):
    """A unit's share of a task, with its own status and progress."""

    __tablename__ = "assignment"
    __table_args__ = (
        sa.UniqueConstraint("task_id", "org_unit_id", "role"),
        sa.Index("ix_assignment_unit_role_task", "org_unit_id", "role", "task_id"),
        sa.Index("ix_assignment_task_role", "task_id", "role"),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
    )

    id: uuid.UUID = id_field()
    task_id: uuid.UUID = Field(foreign_key="task.id", ondelete="CASCADE")
    org_unit_id: uuid.UUID = Field(foreign_key="org_unit.id")
    role: AssignmentRole = Field(sa_type=enum_type(AssignmentRole))
    # The group reference it came from (各镇（街道）), raw, when expanded from one.
    via_group: str | None = Field(default=None, max_length=100)
    # Order as written in the responsibility text (the first-named unit is the first lead);
    # NULL (written by mutations) falls back to the tree order.
    position: int | None = Field(default=None)
    status: TaskStatus = Field(default=TaskStatus.NOT_STARTED, sa_type=enum_type(TaskStatus))
    progress: float = Field(default=0.0)
    last_reported_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # 签收: when (and by whom) the unit signed for its share; NULL: not yet.
    acknowledged_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    acknowledged_by: str | None = Field(default=None, max_length=200)
    created_at: datetime = created_field()
    updated_at: datetime = updated_field()
    version: int = version_field()


class ProgressReport(SQLModel, table=True):
    """A unit's dated report on its assignment (进展 / 报送). Append-only."""

    __tablename__ = "progress_report"
    __table_args__ = (
        sa.Index("ix_progress_report_assignment_time", "assignment_id", "reported_at", "id"),
        # The reviewers' pending lists (reportsToReview): the submitted reports, oldest first.
        sa.Index("ix_progress_report_review", "review_state", "reported_at", "id"),
        sa.CheckConstraint("percent >= 0 AND percent <= 100", name="percent_range"),
        sa.CheckConstraint(
            "review_state NOT IN ('ACCEPTED', 'RETURNED') OR reviewed_at IS NOT NULL",
            name="reviewed_when",
        ),
    )

    id: uuid.UUID = id_field()
    assignment_id: uuid.UUID = Field(foreign_key="assignment.id", ondelete="CASCADE")
    reported_by_unit_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id")
    reported_by: str | None = Field(default=None, max_length=200)
    reported_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    period: str | None = Field(default=None, max_length=32)
    percent: float
    status: TaskStatus = Field(sa_type=enum_type(TaskStatus))
    narrative: str | None = Field(default=None)
    evidence: list[Any] = json_field(list)
    # Review (审核 / 退回, models/rules/report_review.py): what is reported never changes; its
    # review moves once, SUBMITTED → ACCEPTED | RETURNED, by one conditional UPDATE.
    review_state: ReportReviewState = Field(
        default=ReportReviewState.NOT_REQUIRED,
        sa_type=enum_type(ReportReviewState),
        sa_column_kwargs={"server_default": ReportReviewState.NOT_REQUIRED.value, "default": None},
    )
    review_reason: str | None = Field(default=None)
    reviewed_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    reviewed_by: str | None = Field(default=None, max_length=200)
    reviewed_by_unit_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id")
    created_at: datetime = created_field()
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1", "default": None})


class AssignmentStatusEvent(SQLModel, table=True):
    """Status history of an assignment: state as of any date is the latest event before it."""

    __tablename__ = "assignment_status_event"
    __table_args__ = (
        sa.Index("ix_assignment_status_event_assignment_time", "assignment_id", "effective_at"),
    )

    id: uuid.UUID = id_field()
    assignment_id: uuid.UUID = Field(foreign_key="assignment.id", ondelete="CASCADE")
    report_id: uuid.UUID | None = Field(default=None, foreign_key="progress_report.id")
    effective_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    status: TaskStatus = Field(sa_type=enum_type(TaskStatus))
    progress: float


class TaskDeadlineChange(SQLModel, table=True):
    """A change of a task's deadline (an edit, later an approved extension): who, when, why.

    The task row holds the deadline in force now; these rows hold what it replaced, so the
    deadline in force at any past moment (models/rules/task_state.py, `deadline_at`) and the
    original one (the first change's `previous_*`, 考核) stay queryable. Append-only.
    """

    __tablename__ = "task_deadline_change"
    __table_args__ = (sa.Index("ix_task_deadline_change_task_time", "task_id", "changed_at", "id"),)

    id: uuid.UUID = id_field()
    task_id: uuid.UUID = Field(foreign_key="task.id", ondelete="CASCADE")
    changed_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    changed_by_unit_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id")
    changed_by: str | None = Field(default=None, max_length=200)
    reason: str | None = Field(default=None)
    previous_kind: DeadlineKind = Field(sa_type=enum_type(DeadlineKind, "previous_kind"))
    previous_start: date | None = Field(default=None)
    previous_end: date | None = Field(default=None)
    previous_text: str = Field(default="")
    new_kind: DeadlineKind = Field(sa_type=enum_type(DeadlineKind, "new_kind"))
    new_start: date | None = Field(default=None)
    new_end: date | None = Field(default=None)
    new_text: str = Field(default="")
