"""The SQL classification (attainment.classified, what every read path runs) equals the pure
function `classify` for every branch: terms × observations × dates, on both databases."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from models.enums import IndicatorDirection, IndicatorKind
from resolvers.rollups.attainment import Observed, TargetTerms, classified, classify
from tests.conftest import TestDatabase

DATES = (date(2023, 4, 29), date(2023, 4, 30), date(2023, 12, 31), date(2024, 1, 10))
TERMS = [
    TargetTerms(year=2023, month=month, value=value, direction=direction, kind=kind)
    for month, value, direction, kind in itertools.product(
        (None, 4),
        (None, 36.0, 3.0),
        tuple(IndicatorDirection),
        tuple(IndicatorKind),
    )
]
OBSERVED = [
    Observed(),
    Observed(month_value=36.0),
    Observed(month_value=2.5),
    Observed(month_value=3.0000000000000004),
    Observed(annual_value=37.0),
    Observed(annual_value=3.0, year_to_date_mean=3.4, months_measured=3),
    Observed(year_to_date_mean=35.5, months_measured=2),
    Observed(year_to_date_mean=36.5, months_measured=4),
    Observed(year_to_date_mean=2.2, months_measured=0),
]


def rows() -> Any:
    """Every (terms, observed) pair as a derived table of attainment_rows' observed columns."""
    selects = []
    for n, (terms, seen) in enumerate(itertools.product(TERMS, OBSERVED)):
        values = {
            "n": sa.literal(n, sa.Integer),
            "year": sa.literal(terms.year, sa.Integer),
            "month": sa.cast(sa.literal(terms.month), sa.Integer),
            "value": sa.cast(sa.literal(terms.value), sa.Float),
            "direction": sa.literal(terms.direction.value, sa.String),
            "kind": sa.literal(terms.kind.value, sa.String),
            "month_value": sa.cast(sa.literal(seen.month_value), sa.Float),
            "annual_value": sa.cast(sa.literal(seen.annual_value), sa.Float),
            "year_to_date_mean": sa.cast(sa.literal(seen.year_to_date_mean), sa.Float),
            "months_measured": sa.literal(seen.months_measured, sa.Integer),
        }
        selects.append(sa.select(*(v.label(k) for k, v in values.items())))
    return sa.union_all(*selects).subquery("grid")


@pytest.mark.parametrize("as_of", DATES)
async def test_sql_classification_equals_classify(empty_db: TestDatabase, as_of: date) -> None:
    grid = rows()
    pairs = list(itertools.product(TERMS, OBSERVED))
    async with empty_db.engine.connect() as conn:
        got = (await conn.execute(sa.select(grid.c.n, *classified(grid, as_of)))).mappings()
        answers = {row["n"]: row for row in got}
    assert len(answers) == len(pairs)
    for n, (terms, seen) in enumerate(pairs):
        want = classify(terms, seen, as_of)
        row = answers[n]
        where = f"{terms} {seen} as of {as_of}"
        assert (row["status"], row["basis"]) == (want.status.value, want.basis.value), where
        assert row["actual"] == want.actual, where
        assert row["measured"] == want.months_measured, where
