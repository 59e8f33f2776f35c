"""Indicator (指标), Target (目标), Measurement (监测值) and MonitoringSection (断面)."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, enum_type, id_field, updated_field, version_field
from models.enums import AssessmentLevel, IndicatorDirection, IndicatorKind, TargetKind

# A slot's month: an annual row (month NULL) is month 0, so NULL cannot escape uniqueness.
MONTH_KEY = sa.text("coalesce(month, 0)")
OF_UNIT, OF_SECTION = sa.text("section_id IS NULL"), sa.text("section_id IS NOT NULL")


def slot_index(name: str, subject: str, *rest: str, of: sa.TextClause) -> sa.Index:
    """One row per indicator, subject (a unit's own, or a section's), year and month."""
    return sa.Index(
        name,
        "indicator_id",
        subject,
        "year",
        MONTH_KEY,
        *rest,
        unique=True,
        sqlite_where=of,
        postgresql_where=of,
    )


class Indicator(SQLModel, table=True):
    """A measured quantity, e.g. PM2.5 annual mean in µg/m³ (lower is better)."""

    __tablename__ = "indicator"

    id: uuid.UUID = id_field()
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    unit: str | None = Field(default=None, max_length=50)
    direction: IndicatorDirection = Field(sa_type=enum_type(IndicatorDirection))
    kind: IndicatorKind = Field(sa_type=enum_type(IndicatorKind))
    description: str | None = Field(default=None)


class MonitoringSection(SQLModel, table=True):
    """A water monitoring section (断面) with its assessment level (考核级别)."""

    __tablename__ = "monitoring_section"

    id: uuid.UUID = id_field()
    name: str = Field(max_length=200)
    org_unit_id: uuid.UUID = Field(foreign_key="org_unit.id", index=True)
    river: str | None = Field(default=None, max_length=200)
    assessment_level: AssessmentLevel = Field(sa_type=enum_type(AssessmentLevel))
    target_text: str | None = Field(default=None)
    remarks: str | None = Field(default=None)
    created_at: datetime = created_field()
    updated_at: datetime = updated_field()
    version: int = version_field()


class Target(SQLModel, table=True):
    """A target for an indicator, unit or section, year and month (null month = the year)."""

    __tablename__ = "target"
    __table_args__ = (
        sa.Index("ix_target_unit_year", "org_unit_id", "year", "month"),
        sa.Index("ix_target_indicator_year", "indicator_id", "year", "month"),
        # A target per slot and kind (a year may hold a 预控制 and a 力争 target).
        slot_index("uq_target_unit_slot", "org_unit_id", "kind", of=OF_UNIT),
        slot_index("uq_target_section_slot", "section_id", "kind", of=OF_SECTION),
        sa.CheckConstraint("month IS NULL OR (month >= 1 AND month <= 12)", name="month_range"),
        sa.CheckConstraint(
            "org_unit_id IS NOT NULL OR section_id IS NOT NULL", name="unit_or_section"
        ),
    )

    id: uuid.UUID = id_field()
    indicator_id: uuid.UUID = Field(foreign_key="indicator.id")
    org_unit_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id")
    section_id: uuid.UUID | None = Field(
        default=None, foreign_key="monitoring_section.id", index=True
    )
    year: int
    month: int | None = Field(default=None)
    kind: TargetKind = Field(sa_type=enum_type(TargetKind))
    value: float | None = Field(default=None)
    # The target as the document words it ("V类", "完成省定目标", "退出后40位").
    value_text: str | None = Field(default=None)
    baseline: float | None = Field(default=None)
    baseline_year: int | None = Field(default=None)
    document_id: uuid.UUID | None = Field(default=None, foreign_key="document.id", index=True)
    source: str | None = Field(default=None)
    remarks: str | None = Field(default=None)
    created_at: datetime = created_field()
    updated_at: datetime = updated_field()
    version: int = version_field()


class Measurement(SQLModel, table=True):
    """An observed value of an indicator for a unit or section and a period."""

    __tablename__ = "measurement"
    __table_args__ = (
        sa.Index("ix_measurement_unit_year", "org_unit_id", "indicator_id", "year", "month"),
        sa.Index("ix_measurement_indicator_year", "indicator_id", "year", "month"),
        # A measurement per period: recording it again corrects it (recordMeasurement).
        slot_index("uq_measurement_unit_period", "org_unit_id", of=OF_UNIT),
        slot_index("uq_measurement_section_period", "section_id", of=OF_SECTION),
        sa.CheckConstraint("month IS NULL OR (month >= 1 AND month <= 12)", name="month_range"),
        sa.CheckConstraint(
            "org_unit_id IS NOT NULL OR section_id IS NOT NULL", name="unit_or_section"
        ),
    )

    id: uuid.UUID = id_field()
    indicator_id: uuid.UUID = Field(foreign_key="indicator.id")
    org_unit_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id")
    section_id: uuid.UUID | None = Field(
        default=None, foreign_key="monitoring_section.id", index=True
    )
    year: int
    month: int | None = Field(default=None)
    value: float
    # The value as the source words it ("38微克/立方米", "Ⅲ类").
    value_text: str | None = Field(default=None)
    source: str | None = Field(default=None)
    document_id: uuid.UUID | None = Field(default=None, foreign_key="document.id", index=True)
    remarks: str | None = Field(default=None)
    recorded_at: datetime = created_field()
