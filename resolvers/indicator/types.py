"""GraphQL types Indicator (指标), Target (目标), Measurement and MonitoringSection (断面)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, ClassVar

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from models import MonitoringSection as SectionModel
from models import Target as TargetModel
from models import enums
from resolvers.common import Info, RowNode
from resolvers.org_unit.types import OrgUnit
from resolvers.rollups.attainment import (
    AttainmentBasis,
    AttainmentByTargetLoader,
    AttainmentResult,
    AttainmentStatus,
)

strawberry.enum(AttainmentStatus, description="How a target stands as of a date.")
strawberry.enum(AttainmentBasis, description="Which measurement a target is compared with.")


@strawberry.type(description="A measured quantity, e.g. PM2.5 in µg/m³ (lower is better).")
class Indicator:
    code: str = strawberry.field(description="Stable code, e.g. PM25.")
    name: str = strawberry.field(description="Name.")
    unit: str | None = strawberry.field(description="Unit of measure.")
    direction: enums.IndicatorDirection = strawberry.field(description="Which way is better.")
    kind: enums.IndicatorKind = strawberry.field(description="Numeric or water class.")
    description: str | None = strawberry.field(description="Definition notes.")

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> Indicator:
        """From an `indicator` row."""
        return cls(
            code=row["code"],
            name=row["name"],
            unit=row["unit"],
            direction=enums.IndicatorDirection(row["direction"]),
            kind=enums.IndicatorKind(row["kind"]),
            description=row["description"],
        )


@strawberry.type(description="A water monitoring section (断面).")
class MonitoringSection(RowNode, relay.Node):
    ROW_MODEL: ClassVar[Any] = SectionModel
    id: relay.NodeID[str]
    name: str = strawberry.field(description="Section name.")
    river: str | None = strawberry.field(description="River.")
    assessment_level: enums.AssessmentLevel = strawberry.field(description="考核级别.")
    target_text: str | None = strawberry.field(description="Target as written (e.g. V类).")
    remarks: str | None = strawberry.field(description="Remarks.")
    org_unit_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> MonitoringSection:
        """From a `monitoring_section` row."""
        return cls(
            id=str(row["id"]),
            name=row["name"],
            river=row["river"],
            assessment_level=enums.AssessmentLevel(row["assessment_level"]),
            target_text=row["target_text"],
            remarks=row["remarks"],
            org_unit_id=row["org_unit_id"],
        )

    @strawberry.field(description="The responsible territorial unit.")
    async def org_unit(self, info: Info) -> OrgUnit:
        return OrgUnit.from_row(await info.context.loaders.org_unit_by_id.get(self.org_unit_id))


@strawberry.type(description="How the measurements compare with a target as of a date.")
class Attainment:
    as_of: date = strawberry.field(description="Evaluated as of the end of this day.")
    status: AttainmentStatus = strawberry.field(description="How the target stands.")
    basis: AttainmentBasis = strawberry.field(description="What the status compares.")
    actual: float | None = strawberry.field(description="The compared value (class number).")
    target: float | None = strawberry.field(description="The target value.")
    months_measured: int = strawberry.field(description="Measured months that count.")
    gap: float | None = strawberry.field(description="actual − target.")

    @classmethod
    def from_result(cls, result: AttainmentResult) -> Attainment:
        """From a classified AttainmentResult."""
        return cls(
            as_of=result.as_of,
            status=result.status,
            basis=result.basis,
            actual=result.actual,
            target=result.target,
            months_measured=result.months_measured,
            gap=result.gap,
        )


@strawberry.type(description="A target for an indicator, unit or section, year and month.")
class Target(RowNode, relay.Node):
    ROW_MODEL: ClassVar[Any] = TargetModel
    id: relay.NodeID[str]
    year: int = strawberry.field(description="Year.")
    month: int | None = strawberry.field(description="Month, or null for the whole year.")
    kind: enums.TargetKind = strawberry.field(description="Binding, pre-control or striving.")
    value: float | None = strawberry.field(description="Target value (class number for water).")
    value_text: str | None = strawberry.field(description="The target as the document words it.")
    baseline: float | None = strawberry.field(description="Baseline: previous year's actual.")
    baseline_year: int | None = strawberry.field(description="Year of the baseline.")
    source: str | None = strawberry.field(description="Where the target is set.")
    remarks: str | None = strawberry.field(description="Remarks.")
    version: int = strawberry.field(description="Row version for expectedVersion.")
    indicator_id: strawberry.Private[uuid.UUID]
    org_unit_id: strawberry.Private[uuid.UUID | None]
    section_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> Target:
        """From a `target` row."""
        return cls(
            id=str(row["id"]),
            year=row["year"],
            month=row["month"],
            kind=enums.TargetKind(row["kind"]),
            value=row["value"],
            value_text=row["value_text"],
            baseline=row["baseline"],
            baseline_year=row["baseline_year"],
            source=row["source"],
            remarks=row["remarks"],
            version=row["version"],
            indicator_id=row["indicator_id"],
            org_unit_id=row["org_unit_id"],
            section_id=row["section_id"],
        )

    @strawberry.field(description="The indicator.")
    async def indicator(self, info: Info) -> Indicator:
        return Indicator.from_row(await info.context.loaders.indicator_by_id.get(self.indicator_id))

    @strawberry.field(description="The unit the target is set for.")
    async def org_unit(self, info: Info) -> OrgUnit | None:
        if self.org_unit_id is None:
            return None
        row = await info.context.loaders.org_unit_by_id.load(self.org_unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="The monitoring section the target is set for.")
    async def section(self, info: Info) -> MonitoringSection | None:
        if self.section_id is None:
            return None
        row = await info.context.loaders.section_by_id.load(self.section_id)
        return MonitoringSection.from_row(row) if row else None

    @strawberry.field(description="How the measurements compare with this target as of a date.")
    async def attainment(
        self,
        info: Info,
        as_of: Annotated[
            date | None,
            strawberry.argument(description="As of the end of this day; default today."),
        ] = None,
    ) -> Attainment:
        day = as_of or info.context.today()
        loader = info.context.loaders.get(
            ("AttainmentByTarget", day),
            lambda: AttainmentByTargetLoader(info.context.db, day),
        )
        return Attainment.from_result(await loader.load(uuid.UUID(self.id)))


@strawberry.input(description="Filter for targets.")
class TargetFilter:
    indicator: str | None = strawberry.field(default=None, description="Indicator code.")
    unit: strawberry.ID | None = strawberry.field(default=None, description="Org unit.")
    section: strawberry.ID | None = strawberry.field(default=None, description="Section.")
    year: int | None = strawberry.field(default=None, description="Year.")
    month: int | None = strawberry.field(default=None, description="Month (1–12).")
    annual_only: bool = strawberry.field(default=False, description="Only whole-year targets.")
    kind: list[enums.TargetKind] | None = strawberry.field(default=None, description="Kinds.")


@strawberry.type(description="An observed value of an indicator (监测值).")
class Measurement:
    year: int = strawberry.field(description="Year.")
    month: int | None = strawberry.field(description="Month, or null for the whole year.")
    value: float = strawberry.field(description="Value (class number for water classes).")
    value_text: str | None = strawberry.field(description="The value as the source words it.")
    source: str | None = strawberry.field(description="Where the value comes from.")
    remarks: str | None = strawberry.field(description="Remarks, e.g. the quoted sentence.")
    indicator_id: strawberry.Private[uuid.UUID]
    org_unit_id: strawberry.Private[uuid.UUID | None]
    section_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> Measurement:
        """From a `measurement` row."""
        return cls(
            year=row["year"],
            month=row["month"],
            value=row["value"],
            value_text=row["value_text"],
            source=row["source"],
            remarks=row["remarks"],
            indicator_id=row["indicator_id"],
            org_unit_id=row["org_unit_id"],
            section_id=row["section_id"],
        )

    @strawberry.field(description="The indicator.")
    async def indicator(self, info: Info) -> Indicator:
        return Indicator.from_row(await info.context.loaders.indicator_by_id.get(self.indicator_id))

    @strawberry.field(description="The unit measured.")
    async def org_unit(self, info: Info) -> OrgUnit | None:
        if self.org_unit_id is None:
            return None
        row = await info.context.loaders.org_unit_by_id.load(self.org_unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="The monitoring section measured.")
    async def section(self, info: Info) -> MonitoringSection | None:
        if self.section_id is None:
            return None
        row = await info.context.loaders.section_by_id.load(self.section_id)
        return MonitoringSection.from_row(row) if row else None


@strawberry.input(description="Filter for measurements.")
class MeasurementFilter:
    indicator: str | None = strawberry.field(default=None, description="Indicator code.")
    unit: strawberry.ID | None = strawberry.field(default=None, description="Org unit.")
    section: strawberry.ID | None = strawberry.field(default=None, description="Section.")
    year: int | None = strawberry.field(default=None, description="Year.")
    month: int | None = strawberry.field(default=None, description="Month (1–12).")
    annual_only: bool = strawberry.field(default=False, description="Only whole-year values.")
