"""Target attainment (DESIGN.md, "Rollup semantics"): how measurements compare with a target.

Evaluated as of a date (`asOf`, the end of that day):
- only measurements of the target's indicator, org unit (or monitoring section) and year count,
  and only those whose period has ended by asOf: a month's period ends on its last day, a year's
  on 31 December. No exceptions;
- a monthly target (month set) compares that month's measurement (MONTHLY_VALUE): MET or
  MISSED; without one, NO_DATA;
- an annual target (month null) compares the annual measurement (ANNUAL_VALUE) once the year
  has ended: MET or MISSED. Otherwise it compares the mean of the year's monthly measurements
  whose month has ended (YEAR_TO_DATE_MEAN): after the year ends MET or MISSED; before, MET
  while on track and AT_RISK when worse than the target. Without measurements, NO_DATA;
- LOWER_IS_BETTER is met when actual <= target, HIGHER_IS_BETTER when actual >= target.
  WATER_CLASS indicators are ordinal (1..5 = I..V, 6 = 劣V): a lower class is better whatever
  direction is stored, and the actual is rounded up to a whole class before comparing;
- a target without a value (only worded, e.g. "完成省定目标") is NO_DATA;
- gap = actual − target (null when either is null); monthsMeasured counts the measured months
  that count (for a monthly target: 1 or 0).
Concentrations are never summed: values are compared, or averaged over months, never added up.

The observation is a few correlated probes of the measurement slot indexes per target
(`observed_columns`), one SELECT per batch of targets (`attainment_statement`); the
classification is the pure function `classify` and its SQL twin `classified`, which every
read path uses (the loader here and the compiled path), tested equal to `classify`.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from aiodataloader import DataLoader

from models import Indicator, Measurement, Target
from models.enums import IndicatorDirection, IndicatorKind
from resolvers.database import MAX_BATCH, Database, as_uuid

indicator_t: sa.Table = Indicator.__table__  # type: ignore[attr-defined]
target_t: sa.Table = Target.__table__  # type: ignore[attr-defined]
measurement_t: sa.Table = Measurement.__table__  # type: ignore[attr-defined]

# A mean of whole classes such as 3.0 may come back as 3.0000000000000004.
_CLASS_TOLERANCE = 1e-9


class AttainmentStatus(StrEnum):
    """How a target stands."""

    MET = "MET"
    AT_RISK = "AT_RISK"  # year to date worse than the target before the year ends
    MISSED = "MISSED"
    NO_DATA = "NO_DATA"


class AttainmentBasis(StrEnum):
    """Which measurement the status compares with the target."""

    ANNUAL_VALUE = "ANNUAL_VALUE"
    MONTHLY_VALUE = "MONTHLY_VALUE"
    YEAR_TO_DATE_MEAN = "YEAR_TO_DATE_MEAN"
    NONE = "NONE"


@dataclass(frozen=True, slots=True)
class TargetTerms:
    """What a target asks for: indicator direction and kind, period and value."""

    year: int
    month: int | None
    value: float | None
    direction: IndicatorDirection
    kind: IndicatorKind = IndicatorKind.NUMERIC


@dataclass(frozen=True, slots=True)
class Observed:
    """The measurements of a target's indicator, unit or section and year (from SQL).

    `month_value` and `annual_value` are given whether or not their period has ended
    (`classify` applies that rule); the year-to-date figures cover ended months only.
    """

    month_value: float | None = None
    annual_value: float | None = None
    year_to_date_mean: float | None = None
    months_measured: int = 0


@dataclass(frozen=True, slots=True)
class AttainmentResult:
    """The attainment of one target as of a date."""

    as_of: date
    status: AttainmentStatus
    basis: AttainmentBasis
    actual: float | None
    target: float | None
    months_measured: int

    @property
    def gap(self) -> float | None:
        """actual − target; None when either is missing."""
        if self.actual is None or self.target is None:
            return None
        return self.actual - self.target


def first_open_month(as_of: date) -> int:
    """Month index (year·12 + month − 1) of the first month not ended by the end of `as_of`.

    A month ends on its last day, so on 30 June June has ended: the first open month is the
    month of the next day.
    """
    next_day = as_of + timedelta(days=1)
    return next_day.year * 12 + next_day.month - 1


def period_ended(year: int, month: int | None, as_of: date) -> bool:
    """Whether a month (or, month None, the year) has ended by the end of `as_of`."""
    return year * 12 + (11 if month is None else month - 1) < first_open_month(as_of)


def is_met(actual: float, target: float, terms: TargetTerms) -> bool:
    """Whether `actual` attains `target` in the indicator's direction (or class order)."""
    if terms.kind is IndicatorKind.WATER_CLASS:
        # Classes are ordinal: a mean of 3.4 means some months were class IV, so the water did
        # not hold class III; round up to the worse class so a mean never earns a better one.
        return math.ceil(actual - _CLASS_TOLERANCE) <= target
    if terms.direction is IndicatorDirection.LOWER_IS_BETTER:
        return actual <= target
    return actual >= target


def classify(terms: TargetTerms, observed: Observed, as_of: date) -> AttainmentResult:
    """The attainment of a target given its measurements, as of the end of `as_of`."""

    def result(
        status: AttainmentStatus, basis: AttainmentBasis, actual: float | None, months: int
    ) -> AttainmentResult:
        return AttainmentResult(as_of, status, basis, actual, terms.value, months)

    if terms.month is not None:
        measured = observed.month_value is not None and period_ended(terms.year, terms.month, as_of)
        months = 1 if measured else 0
        if terms.value is None or not measured or observed.month_value is None:
            return result(AttainmentStatus.NO_DATA, AttainmentBasis.NONE, None, months)
        met = is_met(observed.month_value, terms.value, terms)
        status = AttainmentStatus.MET if met else AttainmentStatus.MISSED
        return result(status, AttainmentBasis.MONTHLY_VALUE, observed.month_value, months)

    months = observed.months_measured
    if terms.value is None:
        return result(AttainmentStatus.NO_DATA, AttainmentBasis.NONE, None, months)
    year_ended = period_ended(terms.year, None, as_of)
    if observed.annual_value is not None and year_ended:
        met = is_met(observed.annual_value, terms.value, terms)
        status = AttainmentStatus.MET if met else AttainmentStatus.MISSED
        return result(status, AttainmentBasis.ANNUAL_VALUE, observed.annual_value, months)
    if observed.year_to_date_mean is None or months == 0:
        return result(AttainmentStatus.NO_DATA, AttainmentBasis.NONE, None, months)
    mean = observed.year_to_date_mean
    if is_met(mean, terms.value, terms):
        status = AttainmentStatus.MET
    else:
        status = AttainmentStatus.MISSED if year_ended else AttainmentStatus.AT_RISK
    return result(status, AttainmentBasis.YEAR_TO_DATE_MEAN, mean, months)


def attainment_statement(target_ids: Sequence[uuid.UUID], as_of: date) -> sa.Select[Any]:
    """One row per target of `target_ids`: its terms, aggregated measurements and attainment
    as of a date (attainment_rows)."""
    return attainment_rows(target_t.c.id.in_(list(target_ids)), as_of)


def first_open_month_sql(as_of: Any) -> sa.ColumnElement[int]:
    """first_open_month in SQL: a constant for a date, else computed from the SQL date
    `as_of` (the compiled path's TODAY parameter; PostgreSQL)."""
    if isinstance(as_of, date):
        return sa.literal(first_open_month(as_of), sa.Integer)
    next_day = as_of + sa.literal_column("1", sa.Integer)
    return sa.cast(
        sa.extract("year", next_day) * 12 + sa.extract("month", next_day) - 1, sa.Integer
    )


def attainment_rows(which: sa.ColumnElement[bool], as_of: Any) -> sa.Select[Any]:
    """One row per target matching `which` (a condition on the `target` table): its terms,
    observed measurements and attainment as of a date (`as_of`: a date, or a SQL date).

    Columns: target_id, year, month, value, direction, kind, month_value, annual_value,
    year_to_date_mean, months_measured (the year-to-date count), and the classification
    (classified): status, basis, actual, measured (monthsMeasured).
    """
    t = target_t
    return attainment_of(t.c, indicator_t, as_of, key=[t.c.id.label("target_id")], where=[which])


def attainment_of(
    target: Any,
    indicator: Any,
    as_of: Any,
    *,
    key: Sequence[sa.ColumnElement[Any]] = (),
    where: Sequence[sa.ColumnElement[bool]] = (),
    name: str = "observed",
) -> sa.Select[Any]:
    """The attainment row of a target: `key`, its terms (year, month, value, the indicator's
    direction and kind), what it observed (observed_columns) and their classification.

    `target` holds the target's columns (the `target` table's, or a parent level's on the
    compiled path); `indicator` is the indicator table or an alias of it. OFFSET 0 keeps the
    observed probes in their subquery: merged into the classification, each would run once
    per use."""
    observed = (
        sa.select(
            *key,
            target.year.label("year"),
            target.month.label("month"),
            target.value.label("value"),
            indicator.c.direction,
            indicator.c.kind,
            *observed_columns(target, as_of),
        )
        .where(indicator.c.id == target.indicator_id, *where)
        .offset(0)
        .subquery(name)
    )
    return sa.select(*observed.c, *classified(observed, as_of))


def observed_columns(target: Any, as_of: Any) -> list[sa.ColumnElement[Any]]:
    """What `classify` reads of a target's measurements, as correlated probes of the
    measurement slot indexes: month_value, annual_value, year_to_date_mean, months_measured.

    `target` holds the target's indicator_id, org_unit_id, section_id, year and month (the
    `target` table's columns, or a parent level's on the compiled path). A period holds one
    measurement (uq_measurement_unit_period, uq_measurement_section_period: recording it
    again corrects it in place), so a monthly target reads one index entry; only an annual
    target reads its year's months. A section's target reads the section's measurements; a
    unit's own target the unit's own (not its sections').
    """
    c = target

    def probe(*columns: Any, where: Any) -> sa.ColumnElement[Any]:
        """A scalar read of the target's place (section or unit), the first that applies."""
        m = measurement_t
        period = [m.c.indicator_id == c.indicator_id, m.c.year == c.year, *where(m)]
        section = sa.select(*columns).where(*period, m.c.section_id == c.section_id)
        unit = sa.select(*columns).where(
            *period, m.c.org_unit_id == c.org_unit_id, m.c.section_id.is_(None)
        )
        return sa.case(
            (c.section_id.is_not(None), section.scalar_subquery()),
            else_=unit.scalar_subquery(),
        )

    m = measurement_t
    ended = m.c.year * 12 + m.c.month - 1 < first_open_month_sql(as_of)
    months = [m.c.month.is_not(None), ended]
    monthly, annual = c.month.is_not(None), c.month.is_(None)
    return [
        sa.case((monthly, probe(m.c.value, where=lambda m: [m.c.month == c.month]))).label(
            "month_value"
        ),
        sa.case((annual, probe(m.c.value, where=lambda m: [m.c.month.is_(None)]))).label(
            "annual_value"
        ),
        sa.case((annual, probe(sa.func.avg(m.c.value), where=lambda m: months))).label(
            "year_to_date_mean"
        ),
        sa.func.coalesce(
            sa.case((annual, probe(sa.func.count(), where=lambda m: months))), 0
        ).label("months_measured"),
    ]


def classified(row: Any, as_of: Any) -> list[sa.ColumnElement[Any]]:
    """`classify` in SQL (its twin, checked equal by tests/resolvers/indicator): status, basis,
    actual and measured (monthsMeasured) of a row with attainment_rows' observed columns."""
    c = row.c
    first_open = first_open_month_sql(as_of)
    value = sa.cast(c.value, sa.Float)

    def met(actual: Any) -> sa.ColumnElement[bool]:
        tolerance = sa.literal(_CLASS_TOLERANCE, sa.Float)
        return sa.case(
            (c.kind == IndicatorKind.WATER_CLASS.value, sa.func.ceil(actual - tolerance) <= value),
            (c.direction == IndicatorDirection.LOWER_IS_BETTER.value, actual <= value),
            else_=actual >= value,
        )

    def met_or(actual: Any, otherwise: AttainmentStatus) -> Any:
        return sa.case((met(actual), AttainmentStatus.MET.value), else_=otherwise.value)

    monthly = c.month.is_not(None)
    month_measured = sa.and_(c.month_value.is_not(None), c.year * 12 + c.month - 1 < first_open)
    year_ended = c.year * 12 + 11 < first_open
    annual = sa.and_(c.annual_value.is_not(None), year_ended)
    to_date = sa.and_(c.year_to_date_mean.is_not(None), c.months_measured > 0)
    none = (AttainmentStatus.NO_DATA.value, AttainmentBasis.NONE.value, None)
    month_value, annual_value = sa.cast(c.month_value, sa.Float), sa.cast(c.annual_value, sa.Float)
    mean = sa.cast(c.year_to_date_mean, sa.Float)
    missed = AttainmentStatus.MISSED
    # (condition, (status, basis, actual)) in classify's order; the first that holds wins.
    branches: list[tuple[Any, tuple[Any, Any, Any]]] = [
        (sa.and_(monthly, sa.or_(c.value.is_(None), sa.not_(month_measured))), none),
        (monthly, (met_or(month_value, missed), AttainmentBasis.MONTHLY_VALUE.value, month_value)),
        (c.value.is_(None), none),
        (annual, (met_or(annual_value, missed), AttainmentBasis.ANNUAL_VALUE.value, annual_value)),
        (sa.not_(to_date), none),
    ]
    ytd_status = sa.case(
        (met(mean), AttainmentStatus.MET.value),
        (year_ended, missed.value),
        else_=AttainmentStatus.AT_RISK.value,
    )
    last = (ytd_status, AttainmentBasis.YEAR_TO_DATE_MEAN.value, mean)

    def pick(n: int, label: str, type_: Any) -> sa.ColumnElement[Any]:
        whens = [(cond, _sql(out[n], type_)) for cond, out in branches]
        return sa.case(*whens, else_=_sql(last[n], type_)).label(label)

    measured = sa.case((monthly, sa.case((month_measured, 1), else_=0)), else_=c.months_measured)
    return [
        pick(0, "status", sa.String()),
        pick(1, "basis", sa.String()),
        pick(2, "actual", sa.Float()),
        measured.label("measured"),
    ]


def _sql(value: Any, type_: Any) -> Any:
    if isinstance(value, sa.ColumnElement):
        return value
    return sa.null() if value is None else sa.literal(value, type_)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def result_from_row(row: Any, as_of: date) -> AttainmentResult:
    """The attainment of one row of `attainment_statement`, as SQL classified it."""
    return AttainmentResult(
        as_of,
        AttainmentStatus(row["status"]),
        AttainmentBasis(row["basis"]),
        _float(row["actual"]),
        _float(row["value"]),
        int(row["measured"]),
    )


class AttainmentByTargetLoader(DataLoader[uuid.UUID, AttainmentResult]):
    """Attainment of many targets as of one date: one `attainment_statement` per batch.

    Register it per date: `loaders.get(("AttainmentByTarget", as_of), factory)`.
    """

    def __init__(self, db: Database, as_of: date) -> None:
        super().__init__(max_batch_size=MAX_BATCH)
        self.db, self.as_of = db, as_of

    async def batch_load_fn(self, keys: Sequence[uuid.UUID]) -> list[AttainmentResult]:
        rows = await self.db.fetch_all(attainment_statement(keys, self.as_of))
        by_id = {as_uuid(row["target_id"]): result_from_row(row, self.as_of) for row in rows}
        # A target deleted since its row was read has nothing to compare.
        missing = AttainmentResult(
            self.as_of, AttainmentStatus.NO_DATA, AttainmentBasis.NONE, None, None, 0
        )
        return [by_id.get(key, missing) for key in keys]
