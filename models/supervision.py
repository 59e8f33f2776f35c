"""Supervision (督办牵头/协调办公室): a unit designated supervisor of a plan or of an
inspection's rectification list, e.g. 区环委办 for 城区's rectification of the provincial
inspection (issue 17, point 6).

A supervisor sees the supervised plan's tasks or the inspection's rectification items (and
their rollups) without being above their units in the tree (models/rules/scope.py: a
supervision is one more *anchor* of those objects), and has the supervising side of the
rectification workflow (验收/销号: VERIFIED, CLOSED, REOPENED) over the inspection's items.
One row per (target, unit); revoking deletes it (the audit log keeps who and when).
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
        sa.UniqueConstraint("plan_id", "org_unit_id"),
        sa.UniqueConstraint("inspection_id", "org_unit_id"),
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
