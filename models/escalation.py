"""Escalation (督办): a superior's reminder, urge, warning letter, interview or public notice."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, enum_type, id_field
from models.enums import (
    EscalationCause,
    EscalationLevel,
    EscalationReplyKind,
    EscalationStatus,
)


class Escalation(SQLModel, table=True):
    """An escalation on a task assignment or a rectification, addressed to a unit."""

    __tablename__ = "escalation"
    __table_args__ = (
        sa.CheckConstraint(
            "task_id IS NOT NULL OR rectification_id IS NOT NULL", name="task_or_rectification"
        ),
        sa.Index("ix_escalation_addressed_to", "addressed_to_id", "issued_on"),
        # The inbox: a unit's escalations by state, newest first (keyset on created_at, id).
        sa.Index("ix_escalation_inbox", "addressed_to_id", "status", "created_at", "id"),
        sa.Index("ix_escalation_issued_by", "issued_by_id", "status", "created_at", "id"),
        # What `govgraph escalate-overdue` issues, once, held by the database: concurrent runs
        # insert with ON CONFLICT DO NOTHING against these partial unique indexes.
        # 逾期未签收: one 催办 per unsigned share, ever.
        sa.Index(
            "ux_escalation_unsigned_assignment",
            "assignment_id",
            unique=True,
            sqlite_where=sa.text("cause = 'UNSIGNED' AND assignment_id IS NOT NULL"),
            postgresql_where=sa.text("cause = 'UNSIGNED' AND assignment_id IS NOT NULL"),
        ),
        # The overdue ladder: each rung once per task share, and once per (item, unit).
        sa.Index(
            "ux_escalation_overdue_assignment",
            "assignment_id",
            "level",
            unique=True,
            sqlite_where=sa.text("cause = 'OVERDUE' AND assignment_id IS NOT NULL"),
            postgresql_where=sa.text("cause = 'OVERDUE' AND assignment_id IS NOT NULL"),
        ),
        sa.Index(
            "ux_escalation_overdue_rectification",
            "rectification_id",
            "addressed_to_id",
            "level",
            unique=True,
            sqlite_where=sa.text("cause = 'OVERDUE' AND rectification_id IS NOT NULL"),
            postgresql_where=sa.text("cause = 'OVERDUE' AND rectification_id IS NOT NULL"),
        ),
        sa.Index(
            "ux_escalation_unsigned_share",
            "rectification_assignment_id",
            unique=True,
            sqlite_where=sa.text("cause = 'UNSIGNED' AND rectification_assignment_id IS NOT NULL"),
            postgresql_where=sa.text(
                "cause = 'UNSIGNED' AND rectification_assignment_id IS NOT NULL"
            ),
        ),
    )

    id: uuid.UUID = id_field()
    level: EscalationLevel = Field(sa_type=enum_type(EscalationLevel))
    task_id: uuid.UUID | None = Field(default=None, foreign_key="task.id", index=True)
    assignment_id: uuid.UUID | None = Field(default=None, foreign_key="assignment.id", index=True)
    rectification_id: uuid.UUID | None = Field(
        default=None, foreign_key="rectification.id", index=True
    )
    # A responsible unit's share of the rectification (the 签收 催办 of that share).
    rectification_assignment_id: uuid.UUID | None = Field(
        default=None, foreign_key="rectification_assignment.id", ondelete="CASCADE"
    )
    # Why it was issued; NULL: issued before causes were recorded (migration 0041).
    cause: EscalationCause | None = Field(
        default=None, sa_type=enum_type(EscalationCause), nullable=True
    )
    issued_by_id: uuid.UUID = Field(foreign_key="org_unit.id")
    addressed_to_id: uuid.UUID = Field(foreign_key="org_unit.id")
    issued_on: date
    reason: str | None = Field(default=None)
    created_at: datetime = created_field()
    # The inbox (督办件): held by the database, moved by models/rules/escalation_state.py.
    status: EscalationStatus = Field(
        default=EscalationStatus.ISSUED,
        sa_type=enum_type(EscalationStatus),
        sa_column_kwargs={"server_default": EscalationStatus.ISSUED.value},
    )
    acknowledged_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    acknowledged_by: str | None = Field(default=None, max_length=200)
    closed_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    closed_by: str | None = Field(default=None, max_length=200)
    closing_note: str | None = Field(default=None)
    # Server default: bulk loads (seeds, `govgraph generate`) that name no version get 1.
    version: int = Field(default=1, nullable=False, sa_column_kwargs={"server_default": "1"})


class EscalationReply(SQLModel, table=True):
    """The addressee's answer to an escalation (情况说明 / 整改承诺). Append-only."""

    __tablename__ = "escalation_reply"
    __table_args__ = (sa.Index("ix_escalation_reply_escalation", "escalation_id", "replied_at"),)

    id: uuid.UUID = id_field()
    escalation_id: uuid.UUID = Field(foreign_key="escalation.id", ondelete="CASCADE")
    # The escalation's addressee (never changes): the scope its replies are read in.
    addressed_to_id: uuid.UUID = Field(foreign_key="org_unit.id")
    kind: EscalationReplyKind = Field(sa_type=enum_type(EscalationReplyKind))
    text: str
    promised_by: date | None = Field(default=None)
    replied_by: str | None = Field(default=None, max_length=200)
    replied_by_unit_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id")
    replied_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
