"""Rankings (排名) of districts or towns by an indicator's measured value or its improvement.

Units of the ranked kind with a measurement of the indicator for the year and month (the
annual value when month is null) are ranked:
- VALUE: by the measured value, best first in the indicator's direction (water classes: a lower
  class is better whatever direction is stored);
- IMPROVEMENT: by the change over the baseline, i.e. the same unit's measurement for the same
  month of the previous year or, when missing, the `baseline` of the unit's target for the
  indicator, year and month. changeRate = (value − baseline) / baseline, so the best
  improvement is the lowest rate when lower is better and the highest otherwise. Units without
  a (non-zero) baseline are left out.
Ties share a rank and the next rank skips (RANK(): 1, 2, 2, 4); WORST_FIRST ranks from the worst.
Ties are listed by unit name, then id. The ranking is one SQL statement.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
import strawberry

from models import Indicator as IndicatorModel
from models import Measurement as MeasurementModel
from models import OrgUnit as OrgUnitModel
from models import OrgUnitClosure
from models import Target as TargetModel
from models.enums import IndicatorDirection, IndicatorKind
from models.messages import message
from resolvers.common import Info, decode_global_id
from resolvers.errors import InvalidArgument
from resolvers.org_unit.types import OrgUnit
from resolvers.pagination import PaginationError, page_size
from resolvers.scope import in_subtree

indicator_t: sa.Table = IndicatorModel.__table__  # type: ignore[attr-defined]
measurement_t: sa.Table = MeasurementModel.__table__  # type: ignore[attr-defined]
target_t: sa.Table = TargetModel.__table__  # type: ignore[attr-defined]
org_unit_t: sa.Table = OrgUnitModel.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]


@strawberry.enum(description="Which units to rank: districts (区/县/县级市) or towns (镇/乡/街道).")
class RankingKind(StrEnum):
    TOWN = "TOWN"
    DISTRICT = "DISTRICT"


@strawberry.enum(description="What to rank by: the value or its improvement over the baseline.")
class RankingBasis(StrEnum):
    VALUE = "VALUE"
    IMPROVEMENT = "IMPROVEMENT"


@strawberry.enum(description="Best first (rank 1 = best) or worst first (rank 1 = worst).")
class RankingOrder(StrEnum):
    BEST_FIRST = "BEST_FIRST"
    WORST_FIRST = "WORST_FIRST"


@strawberry.type(description="One unit's place in a ranking.")
class RankingEntry:
    rank: int = strawberry.field(description="Place; ties share it and the next one skips.")
    unit: OrgUnit = strawberry.field(description="The unit ranked.")
    value: float = strawberry.field(description="The measured value.")
    baseline: float | None = strawberry.field(description="Previous year's value or baseline.")
    change: float | None = strawberry.field(description="value − baseline.")
    change_rate: float | None = strawberry.field(description="(value − baseline) / baseline.")


def _same_period(column: sa.ColumnElement[Any], month: int | None) -> sa.ColumnElement[bool]:
    return column.is_(None) if month is None else column == month


def ranking_statement(
    *,
    indicator_id: uuid.UUID,
    lower_is_better: bool,
    year: int,
    month: int | None,
    kind: RankingKind,
    within: uuid.UUID | None,
    by: RankingBasis,
    order: RankingOrder,
    limit: int,
    visible: sa.ColumnElement[bool] | None = None,
) -> sa.Select[Any]:
    """The ranked units: org_unit columns plus r_rank, r_value, r_baseline, r_change, r_rate.

    `visible` restricts the units ranked (the viewer's scope).
    """
    m, u, t = measurement_t, org_unit_t, target_t

    def latest_values(value_year: int) -> sa.Select[Any]:
        # Corrections are appended, not rewritten: the latest recorded value of a unit counts.
        recency = sa.func.row_number().over(
            partition_by=m.c.org_unit_id, order_by=(m.c.recorded_at.desc(), m.c.id.desc())
        )
        return sa.select(
            m.c.org_unit_id.label("unit_id"), m.c.value, recency.label("recency")
        ).where(
            m.c.indicator_id == indicator_id,
            m.c.year == value_year,
            _same_period(m.c.month, month),
            # A unit's own value, not one of its sections'.
            m.c.section_id.is_(None),
        )

    units = sa.select(u.c.id).where(u.c.kind == kind.value)
    if visible is not None:
        units = units.where(visible)
    if within is not None:
        units = units.where(
            u.c.id.in_(
                sa.select(closure_t.c.descendant_id).where(closure_t.c.ancestor_id == within)
            )
        )
    current = latest_values(year).where(m.c.org_unit_id.in_(units)).cte("current_value")
    previous = (
        latest_values(year - 1)
        .where(m.c.org_unit_id.in_(sa.select(current.c.unit_id)))
        .cte("previous_value")
    )
    target_baseline = (
        sa.select(t.c.baseline)
        .where(
            t.c.indicator_id == indicator_id,
            t.c.org_unit_id == current.c.unit_id,
            t.c.section_id.is_(None),
            t.c.year == year,
            _same_period(t.c.month, month),
            t.c.baseline.is_not(None),
        )
        # Several kinds of target may repeat the baseline; BINDING sorts first, then id.
        .order_by(t.c.kind, t.c.id)
        .limit(1)
        .scalar_subquery()
    )
    based = (
        sa.select(
            current.c.unit_id,
            current.c.value,
            sa.func.coalesce(previous.c.value, target_baseline).label("baseline"),
        )
        .select_from(
            current.outerjoin(
                previous, sa.and_(previous.c.unit_id == current.c.unit_id, previous.c.recency == 1)
            )
        )
        .where(current.c.recency == 1)
        .cte("based_value")
    )
    change = based.c.value - based.c.baseline
    # A zero baseline has no rate (PostgreSQL would raise on the division).
    rate = change / sa.func.nullif(based.c.baseline, 0)
    key = based.c.value if by is RankingBasis.VALUE else rate
    ascending = lower_is_better == (order is RankingOrder.BEST_FIRST)
    rank = sa.func.rank().over(order_by=key.asc() if ascending else key.desc()).label("r_rank")
    stmt = sa.select(
        u,
        rank,
        based.c.value.label("r_value"),
        based.c.baseline.label("r_baseline"),
        change.label("r_change"),
        rate.label("r_rate"),
    ).select_from(based.join(u, u.c.id == based.c.unit_id))
    if by is RankingBasis.IMPROVEMENT:
        stmt = stmt.where(rate.is_not(None))
    return stmt.order_by(rank, u.c.name, u.c.id).limit(limit)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


async def rankings(
    info: Info,
    *,
    indicator: str,
    year: int,
    month: int | None,
    kind: RankingKind,
    within: strawberry.ID | None,
    by: RankingBasis,
    order: RankingOrder,
    first: int | None,
) -> list[RankingEntry]:
    """The ranking of units of `kind` by an indicator (see the module docstring)."""
    try:
        limit = page_size(first)
    except PaginationError as exc:
        raise InvalidArgument(exc.message) from exc
    if month is not None and not 1 <= month <= 12:
        raise InvalidArgument(message("MONTH_ARGUMENT"))
    scope = decode_global_id(within, "OrgUnit") if within is not None else None
    db = info.context.db
    row = await db.fetch_one(
        sa.select(indicator_t.c.id, indicator_t.c.direction, indicator_t.c.kind).where(
            indicator_t.c.code == indicator
        )
    )
    if row is None:
        raise InvalidArgument(message("UNKNOWN_INDICATOR", code=indicator))
    lower_is_better = (
        IndicatorKind(row["kind"]) is IndicatorKind.WATER_CLASS
        or IndicatorDirection(row["direction"]) is IndicatorDirection.LOWER_IS_BETTER
    )
    if limit == 0:
        return []
    stmt = ranking_statement(
        indicator_id=row["id"],
        lower_is_better=lower_is_better,
        year=year,
        month=month,
        kind=kind,
        within=scope,
        by=by,
        order=order,
        limit=limit,
        # Units of the viewer's subtree only (their measurements are what it may see).
        visible=in_subtree(info.context.scope, org_unit_t.c.id),
    )
    return [
        RankingEntry(
            rank=int(r["r_rank"]),
            unit=OrgUnit.from_row(r),
            value=float(r["r_value"]),
            baseline=_float(r["r_baseline"]),
            change=_float(r["r_change"]),
            change_rate=_float(r["r_rate"]),
        )
        for r in await db.fetch_all(stmt)
    ]
