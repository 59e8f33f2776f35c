"""亮灯 (models/rules/health.py): the Python rule and its SQL twin agree on random inputs, on
SQLite and PostgreSQL; and the rule itself on hand-picked cases."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.db import create_engine
from api.settings import normalize_database_url
from models.enums import DeadlineKind, Health, RectificationStatus
from models.rules.health import (
    DEFAULT_TOLERANCE,
    health,
    health_sql,
    rectification_health,
    rectification_health_sql,
)
from models.rules.rectification_state import is_done
from models.rules.task_state import is_overdue
from tests.conftest import PG_URL

AS_OF = date(2023, 6, 15)
S = RectificationStatus

cases = st.tuples(
    st.booleans(),
    st.sampled_from(list(DeadlineKind)),
    st.one_of(st.none(), st.dates(date(2022, 1, 1), date(2024, 12, 31))),
    st.one_of(st.none(), st.dates(date(2022, 1, 1), date(2024, 12, 31))),
    st.one_of(
        st.sampled_from([0.0, 10.0, 33.3, 50.0, 90.0, 100.0]),
        st.floats(0, 100, allow_nan=False),
    ),
    st.dates(date(2022, 6, 1), date(2024, 6, 30)),
    st.one_of(st.just(DEFAULT_TOLERANCE), st.sampled_from([0.0, 5.0]), st.floats(0, 40)),
)


def _expression(case: tuple[Any, ...]) -> sa.ColumnElement[str]:
    completed, kind, start, end, progress, as_of, tolerance = case
    return health_sql(
        sa.literal(completed, sa.Boolean),
        sa.literal(kind.value, sa.String),
        sa.literal(start, sa.Date),
        sa.literal(end, sa.Date),
        sa.literal(progress, sa.Float),
        as_of,
        sa.literal(tolerance, sa.Float),
    )


async def _evaluate(url: str, batch: list[tuple[Any, ...]]) -> list[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            row = (await conn.execute(sa.select(*(_expression(c) for c in batch)))).one()
    finally:
        await engine.dispose()
    return list(row)


URLS = [
    pytest.param("sqlite+aiosqlite:///:memory:", id="sqlite"),
    pytest.param(normalize_database_url(PG_URL), id="postgresql", marks=pytest.mark.postgres),
]


@pytest.mark.parametrize("url", URLS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(cases, min_size=1, max_size=40))
def test_the_sql_expression_and_the_function_agree(url: str, batch: list[tuple[Any, ...]]) -> None:
    got = asyncio.run(_evaluate(url, batch))
    assert got == [health(*case).value for case in batch]


class TestRule:
    END = date(2023, 12, 31)
    START = date(2023, 1, 1)  # the document's issue date

    def light(self, progress: float, as_of: date, **kw: Any) -> Health:
        args: dict[str, Any] = {
            "completed": False,
            "kind": DeadlineKind.BY_DATE,
            "start": self.START,
            "end": self.END,
            "progress": progress,
            "as_of": as_of,
        } | kw
        return health(**args)

    def test_red_when_overdue_yellow_when_due_soon(self) -> None:
        assert self.light(99, self.END + timedelta(days=1)) is Health.RED
        assert self.light(99, self.END - timedelta(days=14)) is Health.YELLOW
        assert self.light(99, self.END - timedelta(days=15)) is Health.GREEN

    def test_yellow_when_behind_the_pro_rata_progress_beyond_the_tolerance(self) -> None:
        half = date(2023, 7, 2)  # 182 of 364 days: expected 50%
        assert self.light(40, half) is Health.GREEN  # 50 − 10 = 40: not below
        assert self.light(39.9, half) is Health.YELLOW
        assert self.light(45, half, tolerance=0) is Health.YELLOW
        assert self.light(0, self.START) is Health.GREEN  # nothing expected yet

    def test_green_for_completed_ongoing_and_endless(self) -> None:
        late = self.END + timedelta(days=30)
        assert self.light(100, late, completed=True) is Health.GREEN
        assert self.light(0, late, kind=DeadlineKind.ONGOING, end=None) is Health.GREEN
        assert self.light(0, late, kind=DeadlineKind.FROM_DATE, end=None) is Health.GREEN
        assert self.light(0, date(2023, 7, 2), start=None) is Health.GREEN  # no start: no pace


# -- rectification items and shares ---------------------------------------------------------

rect_cases = st.tuples(
    st.sampled_from(list(RectificationStatus)),
    st.sampled_from(list(DeadlineKind)),
    st.one_of(st.none(), st.dates(date(2022, 1, 1), date(2024, 12, 31))),
    st.dates(date(2022, 6, 1), date(2024, 6, 30)),
)


async def _evaluate_rect(url: str, batch: list[tuple[Any, ...]]) -> list[str]:
    engine = create_engine(url)
    exprs = [
        rectification_health_sql(
            sa.literal(status.value, sa.String),
            sa.literal(kind.value, sa.String),
            sa.literal(end, sa.Date),
            as_of,
        )
        for status, kind, end, as_of in batch
    ]
    try:
        async with engine.connect() as conn:
            row = (await conn.execute(sa.select(*exprs))).one()
    finally:
        await engine.dispose()
    return list(row)


@pytest.mark.parametrize("url", URLS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(rect_cases, min_size=1, max_size=40))
def test_the_rectification_sql_expression_and_the_function_agree(
    url: str, batch: list[tuple[Any, ...]]
) -> None:
    got = asyncio.run(_evaluate_rect(url, batch))
    assert got == [rectification_health(*case).value for case in batch]


class TestRectificationRule:
    END = date(2023, 12, 31)

    def light(self, status: RectificationStatus, as_of: date, **kw: Any) -> Health:
        args: dict[str, Any] = {
            "status": status,
            "kind": DeadlineKind.BY_DATE,
            "end": self.END,
            "as_of": as_of,
        } | kw
        return rectification_health(**args)

    def test_red_overdue_yellow_due_soon_green_before(self) -> None:
        for status in (S.NOT_STARTED, S.IN_PROGRESS, S.REOPENED):
            assert self.light(status, self.END + timedelta(days=1)) is Health.RED
            assert self.light(status, self.END) is Health.YELLOW
            assert self.light(status, self.END - timedelta(days=14)) is Health.YELLOW
            assert self.light(status, self.END - timedelta(days=15)) is Health.GREEN

    def test_green_when_done_ongoing_or_endless(self) -> None:
        late = self.END + timedelta(days=30)
        for status in (S.COMPLETED, S.VERIFIED, S.CLOSED):
            assert self.light(status, late) is Health.GREEN
            assert self.light(status, self.END) is Health.GREEN
        assert self.light(S.NOT_STARTED, late, kind=DeadlineKind.ONGOING, end=None) is Health.GREEN
        assert self.light(S.NOT_STARTED, late, kind=DeadlineKind.FROM_DATE, end=None) is (
            Health.GREEN
        )

    def test_red_exactly_when_the_rectification_overdue_rule_says_so(self) -> None:
        # The one overdue rule (models/rules/rectification_state.py: task_state's with done).
        for status in S:
            for days in (-20, -14, -1, 0, 1, 30):
                as_of = self.END + timedelta(days=days)
                overdue = is_overdue(is_done(status), DeadlineKind.BY_DATE, self.END, as_of)
                assert (self.light(status, as_of) is Health.RED) == overdue
