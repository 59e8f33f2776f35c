"""Escalation (督办): a superior's reminder, urge, warning letter, interview or public notice."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, enum_type, id_field
from models.enums import EscalationLevel


class Escalation(SQLModel, table=True):
    """An escalation on a task assignment or a rectification, addressed to a unit."""

    __tablename__ = "escalation"
    __table_args__ = (
        sa.CheckConstraint(
            "task_id IS NOT NULL OR rectification_id IS NOT NULL", name="task_or_rectification"
        ),
        sa.Index("ix_escalation_addressed_to", "addressed_to_id", "issued_on"),
    )

    id: uuid.UUID = id_field()
    level: EscalationLevel = Field(sa_type=enum_type(EscalationLevel))
    task_id: uuid.UUID | None = Field(default=None, foreign_key="task.id", index=True)
    assignment_id: uuid.UUID | None = Field(default=None, foreign_key="assignment.id", index=True)
    rectification_id: uuid.UUID | None = Field(
        default=None, foreign_key="rectification.id", index=True
    )
    issued_by_id: uuid.UUID = Field(foreign_key="org_unit.id")
    addressed_to_id: uuid.UUID = Field(foreign_key="org_unit.id")
    issued_on: date
    reason: str | None = Field(default=None)
    created_at: datetime = created_field()
