"""ReportedFact: a fact a document reports about a unit (news figures such as 阳城县's 25/21)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, id_field, json_field


class ReportedFact(SQLModel, table=True):
    """A sentence of a document about a unit, with the figures it states.

    Reported, not measured: figures are the document's words in numbers (value and unit of
    measure), not indicator measurements, and never enter attainment or task rollups.
    """

    __tablename__ = "reported_fact"
    __table_args__ = (
        sa.UniqueConstraint("document_id", "seq", name="uq_reported_fact_document_seq"),
        sa.Index("ix_reported_fact_unit", "org_unit_id", "year"),
    )

    id: uuid.UUID = id_field()
    document_id: uuid.UUID = Field(foreign_key="document.id", ondelete="CASCADE")
    seq: int
    org_unit_id: uuid.UUID = Field(foreign_key="org_unit.id")
    year: int | None = Field(default=None)
    # The date the figures hold on, when the document gives one.
    as_of: date | None = Field(default=None)
    text: str
    source: str | None = Field(default=None)
    remarks: str | None = Field(default=None)
    # [{"label", "value", "unitOfMeasure"}], transcribed from the text.
    figures: list[Any] = json_field(list)
    created_at: datetime = created_field()
