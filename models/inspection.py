"""Inspection (督察), Finding (反馈问题) and Rectification (整改事项) with its workflow events."""

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
    utcnow,
    version_field,
)
from models.enums import AssignmentRole, DeadlineKind, RectificationStatus
from models.rules.search import folded_default


class Inspection(SQLModel, table=True):
    """An inspection of a unit by an inspection team, with its on-site and feedback dates."""

    __tablename__ = "inspection"

    id: uuid.UUID = id_field()
    name: str
    inspector_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id", index=True)
    subject_unit_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id", index=True)
    # Units the team went down to (下沉), e.g. 城区 during an inspection of 晋城市.
    sunk_unit_ids: list[Any] = json_field(list)
    on_site_from: date | None = Field(default=None)
    on_site_to: date | None = Field(default=None)
    feedback_on: date | None = Field(default=None)
    document_id: uuid.UUID | None = Field(default=None, foreign_key="document.id", index=True)
    remarks: str | None = Field(default=None)
    created_at: datetime = created_field()
    updated_at: datetime = updated_field()
    version: int = version_field()


class Finding(SQLModel, table=True):
    """A numbered problem of an inspection's feedback (反馈问题N)."""

    __tablename__ = "finding"
    __table_args__ = (sa.UniqueConstraint("inspection_id", "number"),)

    id: uuid.UUID = id_field()
    inspection_id: uuid.UUID = Field(foreign_key="inspection.id")
    number: int
    section: str | None = Field(default=None)
    subsection: str | None = Field(default=None)
    text: str


class Rectification(SQLModel, table=True):
    """A rectification item: goal, measures, responsible units and persons, deadline, status."""

    __tablename__ = "rectification"
    __table_args__ = (
        sa.UniqueConstraint("inspection_id", "document_id", "seq"),
        sa.Index("ix_rectification_status", "status", "id"),
        sa.Index("ix_rectification_deadline_end", "deadline_end", "id"),
    )

    id: uuid.UUID = id_field()
    inspection_id: uuid.UUID = Field(foreign_key="inspection.id", index=True)
    document_id: uuid.UUID | None = Field(default=None, foreign_key="document.id", index=True)
    seq: int
    category: str | None = Field(default=None)
    problem: str
    # The searchable form of `problem` (models/rules/search.py; filled on insert).
    problem_folded: str | None = Field(
        default=None, sa_column_kwargs={"default": folded_default("problem")}
    )
    goal: str | None = Field(default=None)
    measures: list[Any] = json_field(list)
    responsibility_text: str | None = Field(default=None)
    # Group references the text cannot resolve (区直相关单位), kept as written.
    responsibility_unresolved: list[Any] = json_field(list)
    responsible_persons: str | None = Field(default=None)
    deadline_kind: DeadlineKind = Field(sa_type=enum_type(DeadlineKind))
    deadline_start: date | None = Field(default=None)
    deadline_end: date | None = Field(default=None)
    deadline_text: str = Field(default="")
    status: RectificationStatus = Field(
        default=RectificationStatus.NOT_STARTED, sa_type=enum_type(RectificationStatus)
    )
    created_at: datetime = created_field()
    updated_at: datetime = updated_field()
    version: int = version_field()


class RectificationFinding(SQLModel, table=True):
    """Link between rectifications and the findings they answer (n–n)."""

    __tablename__ = "rectification_finding"
    __table_args__ = (sa.Index("ix_rectification_finding_finding", "finding_id"),)

    rectification_id: uuid.UUID = Field(
        foreign_key="rectification.id", primary_key=True, ondelete="CASCADE"
    )
    finding_id: uuid.UUID = Field(foreign_key="finding.id", primary_key=True, ondelete="CASCADE")


class RectificationAssignment(SQLModel, table=True):
    """A unit responsible for a rectification (责任单位) and its own share of the work: its
    workflow state and version (issue 17, point 5). The item's state derives from its shares
    (models/rules/rectification_state.py `item_status`)."""

    __tablename__ = "rectification_assignment"
    __table_args__ = (
        sa.UniqueConstraint("rectification_id", "org_unit_id", "role"),
        sa.Index("ix_rectification_assignment_unit", "org_unit_id", "role", "rectification_id"),
    )

    id: uuid.UUID = id_field()
    rectification_id: uuid.UUID = Field(foreign_key="rectification.id", ondelete="CASCADE")
    org_unit_id: uuid.UUID = Field(foreign_key="org_unit.id")
    role: AssignmentRole = Field(sa_type=enum_type(AssignmentRole))
    via_group: str | None = Field(default=None, max_length=100)
    # Order as written (the first-named unit is the first lead); NULL: the tree order.
    position: int | None = Field(default=None)
    # The share's own workflow state (its latest event's to_status) and row version.
    status: RectificationStatus = Field(
        default=RectificationStatus.NOT_STARTED, sa_type=enum_type(RectificationStatus)
    )
    version: int = version_field()
    # 签收 (issue 17): when the share was assigned (its sign-by day counts from then) and when
    # the unit signed for it, by whom (models/rules/signing.py).
    assigned_at: datetime | None = Field(
        default=None, sa_type=sa.DateTime(timezone=True), sa_column_kwargs={"default": utcnow}
    )
    acknowledged_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    acknowledged_by: str | None = Field(default=None, max_length=200)


class RectificationEvent(SQLModel, table=True):
    """One workflow transition: who, when, evidence and comment. Append-only.

    `assignment_id`: the share it moved (or noted); NULL for a move of the item as a whole,
    which applies to every share (and for items with no resolved responsible unit)."""

    __tablename__ = "rectification_event"
    __table_args__ = (
        sa.Index("ix_rectification_event_rectification_time", "rectification_id", "occurred_at"),
        sa.Index("ix_rectification_event_share_time", "assignment_id", "occurred_at"),
    )

    id: uuid.UUID = id_field()
    rectification_id: uuid.UUID = Field(foreign_key="rectification.id", ondelete="CASCADE")
    assignment_id: uuid.UUID | None = Field(
        default=None, foreign_key="rectification_assignment.id", ondelete="CASCADE"
    )
    from_status: RectificationStatus | None = Field(
        default=None, sa_type=enum_type(RectificationStatus, "from_status")
    )
    to_status: RectificationStatus = Field(sa_type=enum_type(RectificationStatus, "to_status"))
    actor_unit_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id")
    actor: str | None = Field(default=None, max_length=200)
    occurred_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    evidence: list[Any] = json_field(list)
    comment: str | None = Field(default=None)
