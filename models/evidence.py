"""Evidence files (佐证材料): photos, PDFs and 销号材料 attached to progress reports,
rectification events and extension requests. The bytes live in the file storage
(resolvers/storage.py) under a content key; this row is their metadata and the scope they
are read in.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, id_field

# Exactly one owner: a report (with its share), a rectification event (with its item) or an
# extension request (with its task).
ONE_OWNER = (
    "(progress_report_id IS NOT NULL AND assignment_id IS NOT NULL"
    " AND rectification_event_id IS NULL AND rectification_id IS NULL"
    " AND extension_request_id IS NULL AND task_id IS NULL)"
    " OR (progress_report_id IS NULL AND assignment_id IS NULL"
    " AND rectification_event_id IS NOT NULL AND rectification_id IS NOT NULL"
    " AND extension_request_id IS NULL AND task_id IS NULL)"
    " OR (progress_report_id IS NULL AND assignment_id IS NULL"
    " AND rectification_event_id IS NULL AND rectification_id IS NULL"
    " AND extension_request_id IS NOT NULL AND task_id IS NOT NULL)"
)


class EvidenceFile(SQLModel, table=True):
    """One uploaded file on a progress report, a rectification event or an extension request.
    Append-only.

    `assignment_id` (the report's share), `rectification_id` (the event's item) or `task_id`
    (the extension request's task) is the object whose scope reads the file
    (models/rules/scope.py row_condition): a viewer who cannot see the report, the
    rectification or the request cannot see or download the file.
    """

    __tablename__ = "evidence_file"
    __table_args__ = (
        sa.CheckConstraint(ONE_OWNER, name="one_owner"),
        sa.CheckConstraint("length(sha256) = 64", name="sha256"),
        sa.CheckConstraint("size > 0", name="size"),
        sa.Index("ix_evidence_file_report", "progress_report_id", "id"),
        sa.Index("ix_evidence_file_event", "rectification_event_id", "id"),
        # The same bytes on the same object are one file (attaching them again is a no-op).
        sa.Index("uq_evidence_file_report_sha256", "progress_report_id", "sha256", unique=True),
        sa.Index("uq_evidence_file_event_sha256", "rectification_event_id", "sha256", unique=True),
        sa.Index("ix_evidence_file_extension", "extension_request_id", "id"),
        sa.Index(
            "uq_evidence_file_extension_sha256", "extension_request_id", "sha256", unique=True
        ),
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
    # An extension request's files (延期申请): read with the request, that is with its task.
    extension_request_id: uuid.UUID | None = Field(
        default=None, foreign_key="extension_request.id", ondelete="CASCADE"
    )
    task_id: uuid.UUID | None = Field(
        default=None, foreign_key="task.id", ondelete="CASCADE", index=True
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
