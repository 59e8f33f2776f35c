"""Indicator services: recording measurements and setting targets."""

from __future__ import annotations

import math
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models import Indicator, Measurement, MonitoringSection, Target
from models.enums import IndicatorKind, TargetKind, ViewerRole
from models.messages import message
from resolvers.errors import DomainError, ErrorCode
from resolvers.service_context import ServiceContext as Context  # services take no GraphQL context
from resolvers.task.service import MAX_TEXT, check_text
from resolvers.writes import (
    audit,
    fetch_row,
    in_write_scope,
    insert_unique,
    require_role,
    update_versioned,
)

indicator_t: sa.Table = Indicator.__table__  # type: ignore[attr-defined]
measurement_t: sa.Table = Measurement.__table__  # type: ignore[attr-defined]
target_t: sa.Table = Target.__table__  # type: ignore[attr-defined]
section_t: sa.Table = MonitoringSection.__table__  # type: ignore[attr-defined]


async def _indicator(conn: AsyncConnection, code: str) -> dict[str, Any]:
    row = (
        (await conn.execute(sa.select(indicator_t).where(indicator_t.c.code == code)))
        .mappings()
        .first()
    )
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND, message("NO_INDICATOR", code=code), "indicator")
    return dict(row)


async def _subject(
    ctx: Context,
    conn: AsyncConnection,
    unit: uuid.UUID | None,
    section: uuid.UUID | None,
) -> None:
    """Exactly one of unit or section, inside the viewer's subtree."""
    if (unit is None) == (section is None):
        raise DomainError(ErrorCode.INVALID_INPUT, message("UNIT_OR_SECTION"), "unit")
    owner = unit
    if section is not None:
        owner = (await fetch_row(conn, section_t, section, field="section"))["org_unit_id"]
    assert owner is not None
    if not await in_write_scope(ctx, conn, owner):
        raise DomainError(
            ErrorCode.NOT_FOUND, message("UNIT_NOT_IN_SCOPE"), "unit" if unit else "section"
        )


def _check_period(year: int, month: int | None) -> None:
    if not 1990 <= year <= 2100:
        raise DomainError(ErrorCode.OUT_OF_RANGE, message("YEAR_1990_2100"), "year")
    if month is not None and not 1 <= month <= 12:
        raise DomainError(ErrorCode.OUT_OF_RANGE, message("MONTH_1_12"), "month")


def _check_value(indicator: dict[str, Any], value: float | None, field: str) -> None:
    if value is None:
        return
    if not math.isfinite(value):
        raise DomainError(ErrorCode.OUT_OF_RANGE, message("VALUE_FINITE"), field)
    if indicator["kind"] == IndicatorKind.WATER_CLASS.value and value not in (1, 2, 3, 4, 5, 6):
        raise DomainError(ErrorCode.OUT_OF_RANGE, message("WATER_CLASS"), field)
    if value < 0:
        raise DomainError(ErrorCode.OUT_OF_RANGE, message("VALUE_NEGATIVE"), field)


async def record_measurement(
    ctx: Context,
    conn: AsyncConnection,
    *,
    indicator: str,
    unit: uuid.UUID | None,
    section: uuid.UUID | None,
    year: int,
    month: int | None,
    value: float,
    value_text: str | None,
    source: str | None,
    remarks: str | None,
) -> dict[str, Any]:
    """Record (or correct) an observed value: one row per indicator, subject and period.

    Recording a period again corrects its row (value, text, source, remarks): an upsert held
    by the unique slot (migration 0008), the "before" read under the row's lock.
    """
    require_role(ctx, ViewerRole.REPORTER)
    ind = await _indicator(conn, indicator)
    await _subject(ctx, conn, unit, section)
    _check_period(year, month)
    _check_value(ind, value, "value")
    check_text(value_text, "valueText", limit=200)
    check_text(source, "source", limit=500)
    check_text(remarks, "remarks", limit=MAX_TEXT)
    m = measurement_t
    values = {
        "value": float(value),
        "value_text": value_text,
        "source": source,
        "remarks": remarks,
        "recorded_at": ctx.now(),
    }
    row = {
        "id": uuid.uuid4(),
        "indicator_id": ind["id"],
        "org_unit_id": unit,
        "section_id": section,
        "year": year,
        "month": month,
        "document_id": None,
        **values,
    }
    existing = None
    if not await insert_unique(conn, m, row):
        # The period's row exists (committed, or its writer has just committed): correct it.
        slot = sa.and_(
            m.c.indicator_id == ind["id"],
            m.c.section_id == section if section is not None else m.c.section_id.is_(None),
            m.c.org_unit_id == unit if section is None else sa.true(),
            m.c.year == year,
            sa.func.coalesce(m.c.month, 0) == (month or 0),
        )
        existing = (
            (await conn.execute(sa.select(m).where(slot).with_for_update(key_share=True)))
            .mappings()
            .one()
        )
        corrected = {k: v for k, v in values.items() if k != "recorded_at"}
        if any(existing[k] != v for k, v in corrected.items()):  # the same values: no write
            await conn.execute(m.update().where(m.c.id == existing["id"]).values(**values))
            row = {**existing, **values}
        else:
            row = dict(existing)
    period = {"indicator": indicator, "year": year, "month": month}
    corrections = ("value", "value_text", "source", "remarks")
    await audit(
        ctx,
        conn,
        action="recordMeasurement",
        target_type="Measurement",
        target_id=row["id"],
        before=period | {k: existing[k] for k in corrections} if existing else None,
        after=period | {k: row[k] for k in corrections},
        scope_unit=unit,
    )
    return row


async def create_target(
    ctx: Context,
    conn: AsyncConnection,
    *,
    indicator: str,
    unit: uuid.UUID | None,
    section: uuid.UUID | None,
    year: int,
    month: int | None,
    kind: TargetKind,
    value: float | None,
    value_text: str | None,
    baseline: float | None,
    baseline_year: int | None,
    source: str | None,
    remarks: str | None,
) -> dict[str, Any]:
    """A target for a unit or section and a year (and month)."""
    require_role(ctx, ViewerRole.COORDINATOR)
    ind = await _indicator(conn, indicator)
    await _subject(ctx, conn, unit, section)
    _check_period(year, month)
    _check_value(ind, value, "value")
    _check_value(ind, baseline, "baseline")
    if value is None and not value_text:
        raise DomainError(ErrorCode.INVALID_INPUT, message("VALUE_OR_TEXT"), "value")
    check_text(value_text, "valueText", limit=200)
    check_text(source, "source", limit=500)
    check_text(remarks, "remarks", limit=MAX_TEXT)
    t = target_t
    row = {
        "id": uuid.uuid4(),
        "indicator_id": ind["id"],
        "org_unit_id": unit,
        "section_id": section,
        "year": year,
        "month": month,
        "kind": kind.value,
        "value": value,
        "value_text": value_text,
        "baseline": baseline,
        "baseline_year": baseline_year if baseline is not None else None,
        "document_id": None,
        "source": source,
        "remarks": remarks,
        "created_at": ctx.now(),
        "updated_at": ctx.now(),
        "version": 1,
    }
    # One target per slot and kind (migration 0008): the index decides, not a prior read.
    if not await insert_unique(conn, t, row):
        raise DomainError(ErrorCode.DUPLICATE, message("TARGET_EXISTS"), "kind")
    await audit(
        ctx,
        conn,
        action="createTarget",
        target_type="Target",
        target_id=row["id"],
        after=row,
        scope_unit=unit,
    )
    return row


async def update_target_value(
    ctx: Context,
    conn: AsyncConnection,
    *,
    target_id: uuid.UUID,
    value: float | None,
    value_text: str | None,
    expected_version: int,
) -> dict[str, Any]:
    """Change a target's value (compare-and-set)."""
    require_role(ctx, ViewerRole.COORDINATOR)
    target = await fetch_row(conn, target_t, target_id, field="target", for_update=True)
    await _subject(ctx, conn, target["org_unit_id"], target["section_id"])
    ind = await fetch_row(conn, indicator_t, target["indicator_id"], field="target")
    _check_value(ind, value, "value")
    version = await update_versioned(
        conn,
        target_t,
        target_id,
        {"value": value, "value_text": value_text, "updated_at": ctx.now()},
        expected_version=expected_version,
    )
    await audit(
        ctx,
        conn,
        action="updateTarget",
        target_type="Target",
        target_id=target_id,
        before={"value": target["value"], "version": target["version"]},
        after={"value": value, "version": version},
        scope_unit=target["org_unit_id"],
    )
    return {**target, "value": value, "value_text": value_text, "version": version}
