"""Evidence files (佐证材料): photos, PDFs and 销号材料 attached to progress reports and
rectification events. The bytes live in the file storage (resolvers/storage.py) under a
content key; this row is their metadata and the scope they are read in.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, id_field


class EvidenceFile(SQLModel, table=True):
    """One uploaded file on a progress report or a rectification event. Append-only.

    `assignment_id` (the report's share) or `rectification_id` (the event's item) is the
    object whose scope reads the file (models/rules/scope.py row_condition): a viewer who
    cannot see the report or the rectification cannot see or download the file.
    """

    __tablename__ = "evidence_file"
    __table_args__ = (
        sa.CheckConstraint(
            "(progress_report_id IS NOT NULL AND assignment_id IS NOT NULL"
            " AND rectification_event_id IS NULL AND rectification_id IS NULL)"
            " OR (progress_report_id IS NULL AND assignment_id IS NULL"
            " AND rectification_event_id IS NOT NULL AND rectification_id IS NOT NULL)",
            name="one_owner",
        ),
        sa.CheckConstraint("length(sha256) = 64", name="sha256"),
        sa.CheckConstraint("size > 0", name="size"),
        sa.Index("ix_evidence_file_report", "progress_report_id", "id"),
        sa.Index("ix_evidence_file_event", "rectification_event_id", "id"),
        # The same bytes on the same object are one file (attaching them again is a no-op).
        sa.Index("uq_evidence_file_report_sha256", "progress_report_id", "sha256", unique=True),
        sa.Index("uq_evidence_file_event_sha256", "rectification_event_id", "sha256", unique=True),
    )

    id: uuid.UUID = id_field()
    progress_report_id: uuid.UUID | None = Field(
        default=None, foreign_key="progress_report.id", ondelete="CASCADE"
    )
    assignment_id: uuid.UUID | None = Field(
        default=None, foreign_key="assignment.id", ondelete="CASCADE", index=True
    )
    rectification_event_id: uuid.UUID | None = Field(
        default=None, foreign_key="rectification_event.id", ondelete="CASCADE"
    )
    rectification_id: uuid.UUID | None = Field(
        default=None, foreign_key="rectification.id", ondelete="CASCADE", index=True
    )
    name: str = Field(max_length=255)
    caption: str | None = Field(default=None, max_length=500)
    content_type: str = Field(max_length=100)
    size: int = Field(sa_type=sa.BigInteger)
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=200)
    uploaded_by: str | None = Field(default=None, max_length=200)
    uploaded_by_unit_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id")
    uploaded_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    created_at: datetime = created_field()
