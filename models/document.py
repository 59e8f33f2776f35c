"""Document (文件) and Plan (行动计划 / 方案)."""

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
from models.enums import AssignmentRole, DocumentKind, PlanField, PlanKind, ReportReviewPolicy


class Document(SQLModel, table=True):
    """A source document with its 文号 (docNumber), issuer and date."""

    __tablename__ = "document"
    __table_args__ = (
        sa.Index("ix_document_doc_number_normalized", "doc_number_normalized"),
        # One document per issuer and 文号 (normalised); documents without a 文号 are free.
        sa.Index(
            "uq_document_issuer_doc_number",
            "issuer_id",
            "doc_number_normalized",
            unique=True,
            sqlite_where=sa.text("doc_number_normalized IS NOT NULL AND issuer_id IS NOT NULL"),
            postgresql_where=sa.text("doc_number_normalized IS NOT NULL AND issuer_id IS NOT NULL"),
        ),
        sa.Index(
            "uq_document_doc_number_without_issuer",
            "doc_number_normalized",
            unique=True,
            sqlite_where=sa.text("doc_number_normalized IS NOT NULL AND issuer_id IS NULL"),
            postgresql_where=sa.text("doc_number_normalized IS NOT NULL AND issuer_id IS NULL"),
        ),
    )

    id: uuid.UUID = id_field()
    doc_number: str | None = Field(default=None, max_length=100)
    # 〔〕[]() variants of the year bracket normalised, for matching.
    doc_number_normalized: str | None = Field(default=None, max_length=100)
    title: str
    kind: DocumentKind = Field(sa_type=enum_type(DocumentKind))
    issuer_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id", index=True)
    issued_on: date | None = Field(default=None)
    based_on: str | None = Field(default=None)
    summary: str | None = Field(default=None)
    body: str | None = Field(default=None)
    # Extra header lines as written (addressees, disclosure, cc, publisher …).
    attributes: dict[str, Any] = json_field(dict)
    remarks: str | None = Field(default=None)
    created_at: datetime = created_field()
    updated_at: datetime = updated_field()
    version: int = version_field()


class Plan(SQLModel, table=True):
    """A plan inside a document; the 2023 notice holds air, water and soil plans."""

    __tablename__ = "plan"
    __table_args__ = (
        sa.Index("ix_plan_document_seq", "document_id", "seq", "id"),
        # Task labels unique everywhere (models/rules/labels.py): one stem per kind.
        sa.Index("uq_plan_label_stem", "label_stem", "kind", unique=True),
    )

    id: uuid.UUID = id_field()
    document_id: uuid.UUID = Field(foreign_key="document.id")
    parent_id: uuid.UUID | None = Field(default=None, foreign_key="plan.id", index=True)
    key: str = Field(max_length=64)
    title: str
    kind: PlanKind = Field(sa_type=enum_type(PlanKind))
    field: PlanField = Field(sa_type=enum_type(PlanField))
    year: int | None = Field(default=None)
    seq: int = Field(default=0)
    # 2023大气, 2023城区大气: its tasks' labels before the kind mark and 序号 path, fixed when
    # the plan is written (resolvers/document/label_stems.py; models/rules/labels.py).
    label_stem: str = Field(max_length=100)
    objectives: str | None = Field(default=None)
    source: str | None = Field(default=None)
    # Narrative measures of the plan text when the ledger is the task list.
    narrative: list[Any] = json_field(list)
    # Which of its tasks' progress reports the issuer reviews before they count
    # (models/rules/report_review.py); NONE: every report counts when made.
    report_review: ReportReviewPolicy = Field(
        default=ReportReviewPolicy.NONE,
        sa_type=enum_type(ReportReviewPolicy),
        # No Python-side column default: rows written without it (older revisions' writers)
        # take the server default.
        sa_column_kwargs={"server_default": ReportReviewPolicy.NONE.value, "default": None},
    )
    # 亮灯 (models/rules/health.py): points below the pro-rata expected progress (序时进度)
    # that still show green.
    # Server defaults only: writers (and older revisions' rows) that name neither get them.
    health_tolerance: float = Field(
        default=10.0, sa_column=sa.Column(sa.Float(), nullable=False, server_default="10")
    )
    # 签收: days an assigned unit has to sign for a new task of the plan (calendar days).
    sign_within_days: int = Field(
        default=3, sa_column=sa.Column(sa.Integer(), nullable=False, server_default="3")
    )
    created_at: datetime = created_field()
    updated_at: datetime = updated_field()
    version: int = version_field()


class PlanMeasure(SQLModel, table=True):
    """A narrative measure of a plan's text (e.g. the air plan's 16 强化臭氧常态化管控).

    Not a task: rollups count tasks only; a measure states who answers for a line of the
    plan's prose, with its 〔责任单位：…〕 resolved like a task's (PlanMeasureUnit).
    """

    __tablename__ = "plan_measure"
    __table_args__ = (sa.UniqueConstraint("plan_id", "seq", name="uq_plan_measure_plan_seq"),)

    id: uuid.UUID = id_field()
    plan_id: uuid.UUID = Field(foreign_key="plan.id", ondelete="CASCADE")
    seq: int
    heading: str | None = Field(default=None)
    title: str | None = Field(default=None)
    text: str
    responsibility_text: str | None = Field(default=None)
    # Group references left as written (相关…), as on Task.
    responsibility_unresolved: list[Any] = json_field(list)
    created_at: datetime = created_field()


class PlanMeasureUnit(SQLModel, table=True):
    """A unit answering for a plan measure, in the order the text names it."""

    __tablename__ = "plan_measure_unit"
    __table_args__ = (
        sa.UniqueConstraint("measure_id", "org_unit_id", "role", name="uq_plan_measure_unit"),
        sa.Index("ix_plan_measure_unit_unit", "org_unit_id", "measure_id"),
    )

    id: uuid.UUID = id_field()
    measure_id: uuid.UUID = Field(foreign_key="plan_measure.id", ondelete="CASCADE")
    plan_id: uuid.UUID = Field(foreign_key="plan.id", index=True)
    org_unit_id: uuid.UUID = Field(foreign_key="org_unit.id")
    role: AssignmentRole = Field(sa_type=enum_type(AssignmentRole))
    via_group: str | None = Field(default=None, max_length=100)
    position: int = Field(default=0)
