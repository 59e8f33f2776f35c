"""Indicator mutations: recordMeasurement, createTarget, updateTarget."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from models import enums
from resolvers.common import Info
from resolvers.errors import UserError
from resolvers.indicator import service
from resolvers.indicator.types import Measurement, Target
from resolvers.task.mutations import input_id
from resolvers.writes import run_mutation


@strawberry.input(description="An observed value of an indicator for a unit or a section.")
class RecordMeasurementInput:
    indicator: str = strawberry.field(description="Indicator code, e.g. PM25.")
    unit: strawberry.ID | None = strawberry.field(default=None, description="Unit measured.")
    section: strawberry.ID | None = strawberry.field(
        default=None, description="Monitoring section measured."
    )
    year: int = strawberry.field(description="Year.")
    month: int | None = strawberry.field(default=None, description="Month; null = the year.")
    value: float = strawberry.field(description="Value (water classes: 1–5, 劣V = 6).")
    value_text: str | None = strawberry.field(default=None, description="Value as worded.")
    source: str | None = strawberry.field(default=None, description="Where it comes from.")
    remarks: str | None = strawberry.field(default=None, description="Remarks.")


@strawberry.input(description="A new target.")
class CreateTargetInput:
    indicator: str = strawberry.field(description="Indicator code.")
    unit: strawberry.ID | None = strawberry.field(default=None, description="Unit.")
    section: strawberry.ID | None = strawberry.field(default=None, description="Section.")
    year: int = strawberry.field(description="Year.")
    month: int | None = strawberry.field(default=None, description="Month; null = the year.")
    kind: enums.TargetKind = strawberry.field(description="Binding, pre-control or striving.")
    value: float | None = strawberry.field(default=None, description="Target value.")
    value_text: str | None = strawberry.field(default=None, description="Target as worded.")
    baseline: float | None = strawberry.field(default=None, description="Baseline value.")
    baseline_year: int | None = strawberry.field(default=None, description="Baseline year.")
    source: str | None = strawberry.field(default=None, description="Where it is set.")
    remarks: str | None = strawberry.field(default=None, description="Remarks.")


@strawberry.input(description="A new value for a target.")
class UpdateTargetInput:
    target: strawberry.ID = strawberry.field(description="The target.")
    expected_version: int = strawberry.field(description="The version the change is based on.")
    value: float | None = strawberry.field(default=None, description="Target value.")
    value_text: str | None = strawberry.field(default=None, description="Target as worded.")


@strawberry.type(description="Result of recordMeasurement.")
class MeasurementPayload:
    measurement: Measurement | None = strawberry.field(description="The stored value.")
    errors: list[UserError] = strawberry.field(description="Why it was rejected, if it was.")


@strawberry.type(description="Result of createTarget / updateTarget.")
class TargetPayload:
    target: Target | None = strawberry.field(description="The target.")
    errors: list[UserError] = strawberry.field(description="Why it was rejected, if it was.")


@strawberry.type
class IndicatorMutation:
    @strawberry.mutation(description="Record (or correct) a measured value.")
    async def record_measurement(
        self, info: Info, input: RecordMeasurementInput
    ) -> MeasurementPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> MeasurementPayload:
            row = await service.record_measurement(
                ctx,
                conn,
                indicator=input.indicator,
                unit=input_id(input.unit, "OrgUnit", "unit") if input.unit else None,
                section=input_id(input.section, "MonitoringSection", "section")
                if input.section
                else None,
                year=input.year,
                month=input.month,
                value=input.value,
                value_text=input.value_text,
                source=input.source,
                remarks=input.remarks,
            )
            return MeasurementPayload(measurement=Measurement.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or MeasurementPayload(measurement=None, errors=errors)

    @strawberry.mutation(description="Set a target for a unit or section.")
    async def create_target(self, info: Info, input: CreateTargetInput) -> TargetPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> TargetPayload:
            row = await service.create_target(
                ctx,
                conn,
                indicator=input.indicator,
                unit=input_id(input.unit, "OrgUnit", "unit") if input.unit else None,
                section=input_id(input.section, "MonitoringSection", "section")
                if input.section
                else None,
                year=input.year,
                month=input.month,
                kind=input.kind,
                value=input.value,
                value_text=input.value_text,
                baseline=input.baseline,
                baseline_year=input.baseline_year,
                source=input.source,
                remarks=input.remarks,
            )
            return TargetPayload(target=Target.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or TargetPayload(target=None, errors=errors)

    @strawberry.mutation(description="Change a target's value (expectedVersion required).")
    async def update_target(self, info: Info, input: UpdateTargetInput) -> TargetPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> TargetPayload:
            row = await service.update_target_value(
                ctx,
                conn,
                target_id=input_id(input.target, "Target", "target"),
                value=input.value,
                value_text=input.value_text,
                expected_version=input.expected_version,
            )
            return TargetPayload(target=Target.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or TargetPayload(target=None, errors=errors)
