"""Indicator and Target queries."""

from __future__ import annotations

import uuid
from typing import Annotated

import sqlalchemy as sa
import strawberry

from models import Indicator as IndicatorModel
from models import Measurement as MeasurementModel
from models import MonitoringSection
from models import Target as TargetModel
from resolvers.common import Connection, Info, decode_global_id, paginate
from resolvers.indicator import rankings as ranking
from resolvers.indicator.rankings import RankingBasis, RankingEntry, RankingKind, RankingOrder
from resolvers.indicator.types import (
    Indicator,
    Measurement,
    MeasurementFilter,
    Target,
    TargetFilter,
)
from resolvers.scope import visibility

indicator_t: sa.Table = IndicatorModel.__table__  # type: ignore[attr-defined]
target_t: sa.Table = TargetModel.__table__  # type: ignore[attr-defined]
measurement_t: sa.Table = MeasurementModel.__table__  # type: ignore[attr-defined]
section_t: sa.Table = MonitoringSection.__table__  # type: ignore[attr-defined]

TARGETS_OF_UNIT = 1000  # OrgUnit.targets: at most this many (bounded by indicators × months)

# Whole-year targets sort after the months of their year.
_month_key = sa.func.coalesce(target_t.c.month, 13)


def target_order() -> list[sa.ColumnElement[object]]:
    """Indicator, year, month (year last), kind, id."""
    return [
        target_t.c.indicator_id,
        target_t.c.year,
        _month_key,
        target_t.c.kind,
        target_t.c.id,
    ]


async def targets_of_unit(info: Info, unit: uuid.UUID, year: int | None) -> list[Target]:
    """Every target of a unit and of its monitoring sections (bounded by indicators × months).

    A section's target (白水河: 完成省定目标) names the section, not the unit; it belongs to the
    territorial unit the section is under.
    """
    sections = sa.select(section_t.c.id).where(section_t.c.org_unit_id == unit)
    stmt = sa.select(target_t).where(
        sa.or_(target_t.c.org_unit_id == unit, target_t.c.section_id.in_(sections)),
        visibility(info.context.scope, target_t),
    )
    if year is not None:
        stmt = stmt.where(target_t.c.year == year)
    rows = await info.context.db.fetch_all(stmt.order_by(*target_order()).limit(TARGETS_OF_UNIT))
    return [Target.from_row(r) for r in rows]


@strawberry.type
class IndicatorQuery:
    @strawberry.field(description="Every indicator, by code.")
    async def indicators(self, info: Info) -> list[Indicator]:
        rows = await info.context.db.fetch_all(
            sa.select(indicator_t).order_by(indicator_t.c.code).limit(1000)
        )
        return [Indicator.from_row(r) for r in rows]

    @strawberry.field(description="Targets, filtered; by indicator, year and month.")
    async def targets(
        self,
        info: Info,
        filter: TargetFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Target]:
        stmt = sa.select(target_t).where(visibility(info.context.scope, target_t))
        if filter is not None:
            if filter.indicator is not None:
                stmt = stmt.where(
                    target_t.c.indicator_id.in_(
                        sa.select(indicator_t.c.id).where(indicator_t.c.code == filter.indicator)
                    )
                )
            if filter.unit is not None:
                stmt = stmt.where(
                    target_t.c.org_unit_id == decode_global_id(filter.unit, "OrgUnit")
                )
            if filter.section is not None:
                stmt = stmt.where(
                    target_t.c.section_id == decode_global_id(filter.section, "MonitoringSection")
                )
            if filter.year is not None:
                stmt = stmt.where(target_t.c.year == filter.year)
            if filter.month is not None:
                stmt = stmt.where(target_t.c.month == filter.month)
            if filter.annual_only:
                stmt = stmt.where(target_t.c.month.is_(None))
            if filter.kind:
                stmt = stmt.where(target_t.c.kind.in_([k.value for k in filter.kind]))
        return await paginate(info, stmt, target_order(), Target.from_row, first=first, after=after)

    @strawberry.field(description="Measurements, filtered; by indicator, year and month.")
    async def measurements(
        self,
        info: Info,
        filter: MeasurementFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Measurement]:
        m = measurement_t
        stmt = sa.select(m).where(visibility(info.context.scope, m))
        if filter is not None:
            if filter.indicator is not None:
                stmt = stmt.where(
                    m.c.indicator_id.in_(
                        sa.select(indicator_t.c.id).where(indicator_t.c.code == filter.indicator)
                    )
                )
            if filter.unit is not None:
                stmt = stmt.where(m.c.org_unit_id == decode_global_id(filter.unit, "OrgUnit"))
            if filter.section is not None:
                stmt = stmt.where(
                    m.c.section_id == decode_global_id(filter.section, "MonitoringSection")
                )
            if filter.year is not None:
                stmt = stmt.where(m.c.year == filter.year)
            if filter.month is not None:
                stmt = stmt.where(m.c.month == filter.month)
            if filter.annual_only:
                stmt = stmt.where(m.c.month.is_(None))
        order = [m.c.indicator_id, m.c.year, sa.func.coalesce(m.c.month, 13), m.c.id]
        return await paginate(info, stmt, order, Measurement.from_row, first=first, after=after)

    @strawberry.field(description="Districts or towns ranked by an indicator's value or change.")
    async def rankings(
        self,
        info: Info,
        indicator: Annotated[str, strawberry.argument(description="Indicator code, e.g. PM25.")],
        year: Annotated[int, strawberry.argument(description="Year of the values.")],
        kind: Annotated[RankingKind, strawberry.argument(description="Which units to rank.")],
        month: Annotated[
            int | None, strawberry.argument(description="Month (1–12); null: annual values.")
        ] = None,
        within: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only units in this unit's subtree."),
        ] = None,
        by: Annotated[
            RankingBasis, strawberry.argument(description="Rank by value or improvement.")
        ] = RankingBasis.VALUE,
        order: Annotated[
            RankingOrder, strawberry.argument(description="Best or worst first.")
        ] = RankingOrder.BEST_FIRST,
        first: Annotated[
            int | None, strawberry.argument(description="How many entries (at most 100).")
        ] = 20,
    ) -> list[RankingEntry]:
        return await ranking.rankings(
            info,
            indicator=indicator,
            year=year,
            month=month,
            kind=kind,
            within=within,
            by=by,
            order=order,
            first=first,
        )
