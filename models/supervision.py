"""Supervision (督办牵头/协调办公室): a unit designated supervisor of a plan or of an
inspection's rectification list, e.g. 区环委办 for 城区's rectification of the provincial
inspection (issue 17, point 6).

A supervisor sees the supervised plan's tasks or the inspection's rectification items (and
their rollups) without being above their units in the tree (models/rules/scope.py: a
supervision is one more *anchor* of those objects), and has the supervising side of the
rectification workflow (验收/销号: VERIFIED, CLOSED, REOPENED) over the inspection's items.
Dated (issue 17): a supervision is valid from `created_at` until `ended_at`; revoking ends
it (sets `ended_at`, never deletes), so `Plan.supervisors(asOf:)` answers for a past day. At
most one *current* supervision (ended_at NULL) per (target, unit), held by partial unique
indexes; visibility and rights follow the current ones only (`current_supervision`).
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, id_field


class Supervision(SQLModel, table=True):
    """A unit designated supervisor of exactly one plan or one inspection."""

    __tablename__ = "supervision"
    __table_args__ = (
        sa.Index(
            "ux_supervision_plan_current",
            "plan_id",
            "org_unit_id",
            unique=True,
            sqlite_where=sa.text("ended_at IS NULL AND plan_id IS NOT NULL"),
            postgresql_where=sa.text("ended_at IS NULL AND plan_id IS NOT NULL"),
        ),
        sa.Index(
            "ux_supervision_inspection_current",
            "inspection_id",
            "org_unit_id",
            unique=True,
            sqlite_where=sa.text("ended_at IS NULL AND inspection_id IS NOT NULL"),
            postgresql_where=sa.text("ended_at IS NULL AND inspection_id IS NOT NULL"),
        ),
        sa.CheckConstraint("(plan_id IS NULL) <> (inspection_id IS NULL)", name="one_target"),
        sa.Index("ix_supervision_unit", "org_unit_id"),
    )

    id: uuid.UUID = id_field()
    plan_id: uuid.UUID | None = Field(default=None, foreign_key="plan.id", ondelete="CASCADE")
    inspection_id: uuid.UUID | None = Field(
        default=None, foreign_key="inspection.id", ondelete="CASCADE"
    )
    org_unit_id: uuid.UUID = Field(foreign_key="org_unit.id")
    designated_by: str | None = Field(default=None, max_length=200)
    designated_by_unit_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id")
    created_at: datetime = created_field()
    # When it was revoked (the end of its valid period) and by whom; NULL: current.
    ended_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    ended_by: str | None = Field(default=None, max_length=200)


def current_supervision(table: sa.Table) -> sa.ColumnElement[bool]:
    """A supervision in force now (not revoked): what visibility and rights follow."""
    return table.c.ended_at.is_(None)


def supervision_valid_at(table: sa.Table, cutoff: datetime) -> sa.ColumnElement[bool]:
    """A supervision in force at `cutoff` (the end of an as-of day, models/rules/calendar.py):
    designated before it and not revoked by then."""
    return sa.and_(
        table.c.created_at < cutoff,
        sa.or_(table.c.ended_at.is_(None), table.c.ended_at >= cutoff),
    )
