"""AuditEvent: every write appends one, in the same transaction."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Field, SQLModel

from models.base import id_field


class AuditEvent(SQLModel, table=True):
    """Who did what to which row, with the row before and after."""

    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_event_occurred_at", "occurred_at", "id"),
        sa.Index("ix_audit_event_target", "target_type", "target_id"),
    )

    id: uuid.UUID = id_field()
    actor: str = Field(max_length=200)
    actor_unit_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id")
    scope_unit_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id", index=True)
    action: str = Field(max_length=64)
    target_type: str = Field(max_length=64)
    target_id: uuid.UUID | None = Field(default=None)
    before: dict[str, Any] | None = Field(
        default=None, sa_type=sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    )
    after: dict[str, Any] | None = Field(
        default=None, sa_type=sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    )
    occurred_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    request_id: str | None = Field(default=None, max_length=64)
