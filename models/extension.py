"""Extension request (延期申请): a lead unit asks for a later deadline; the approver decides."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, enum_type, id_field, version_field
from models.enums import ExtensionStatus


class ExtensionRequest(SQLModel, table=True):
    """A lead unit's request for a new deadline of a task (models/rules/extension_state.py).

    Read with its task (models/rules/scope.py). `addressed_to_id` is the approver named at
    request time: the plan's issuer (for a subtask, the unit whose share it splits), else the
    lead unit's parent. An approval points at the deadline change it made.
    """

    __tablename__ = "extension_request"
    __table_args__ = (
        # One pending request per task at a time: the database holds it, not a check first.
        sa.Index(
            "uq_extension_request_pending",
            "task_id",
            unique=True,
            sqlite_where=sa.text("status = 'PENDING'"),
            postgresql_where=sa.text("status = 'PENDING'"),
        ),
        sa.Index("ix_extension_request_task", "task_id", "requested_at", "id"),
        sa.Index(
            "ix_extension_request_addressed", "addressed_to_id", "status", "requested_at", "id"
        ),
        sa.Index(
            "ix_extension_request_requested_by",
            "requested_by_unit_id",
            "status",
            "requested_at",
            "id",
        ),
    )

    id: uuid.UUID = id_field()
    task_id: uuid.UUID = Field(foreign_key="task.id", ondelete="CASCADE")
    # The requesting unit's LEAD share.
    assignment_id: uuid.UUID = Field(foreign_key="assignment.id", ondelete="CASCADE")
    requested_by_unit_id: uuid.UUID = Field(foreign_key="org_unit.id")
    addressed_to_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id")
    requested_by: str | None = Field(default=None, max_length=200)
    requested_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    reason: str
    # The deadline in force when asked, and the end asked for.
    current_end: date | None = Field(default=None)
    requested_end: date
    status: ExtensionStatus = Field(
        default=ExtensionStatus.PENDING, sa_type=enum_type(ExtensionStatus)
    )
    decided_by_unit_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id")
    decided_by: str | None = Field(default=None, max_length=200)
    decided_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    decision_reason: str | None = Field(default=None)
    deadline_change_id: uuid.UUID | None = Field(
        default=None, foreign_key="task_deadline_change.id"
    )
    created_at: datetime = created_field()
    version: int = version_field()
