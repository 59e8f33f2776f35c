"""The rules' Python twins agree with their SQL expressions (models/rules/task_state.py)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import DeadlineKind, TaskStatus
from models.rules import calendar
from models.rules import task_state as rules

ENGINE = sa.create_engine("sqlite://")
DAY = date(2024, 6, 30)

deadlines = st.one_of(st.none(), st.integers(-30, 30).map(lambda d: DAY + timedelta(days=d)))
kinds = st.sampled_from(list(DeadlineKind))
statuses = st.sampled_from(list(TaskStatus))


def _sql(expression: sa.ColumnElement[object]) -> object:
    with ENGINE.connect() as conn:
        return conn.execute(sa.select(expression)).scalar()


@settings(max_examples=200, deadline=None)
@given(completed=st.booleans(), kind=kinds, end=deadlines, shift=st.integers(-20, 20))
def test_overdue_and_due_soon_twins_agree(
    completed: bool, kind: DeadlineKind, end: date | None, shift: int
) -> None:
    as_of = DAY + timedelta(days=shift)
    c = sa.literal(completed)
    k = sa.literal(kind.value)
    e = sa.literal(end, sa.Date())
    assert bool(_sql(rules.overdue(c, k, e, as_of))) is rules.is_overdue(
        completed, kind, end, as_of
    )
    assert bool(_sql(rules.due_soon(c, k, e, as_of))) is rules.is_due_soon(
        completed, kind, end, as_of
    )
    # Never both, and neither for ONGOING (长期坚持) or completed work.
    assert not (
        rules.is_overdue(completed, kind, end, as_of)
        and rules.is_due_soon(completed, kind, end, as_of)
    )
    if completed or kind is DeadlineKind.ONGOING:
        assert not rules.is_overdue(completed, kind, end, as_of)


@settings(max_examples=200, deadline=None)
@given(shares=st.lists(st.tuples(statuses, st.floats(0, 100)), max_size=6))
def test_task_state_twins_agree(shares: list[tuple[TaskStatus, float]]) -> None:
    selects = [
        sa.select(sa.literal(s.value).label("status"), sa.literal(p).label("progress"))
        for s, p in shares or [(TaskStatus.NOT_STARTED, 0.0)]
    ]
    rows = sa.union_all(*selects).subquery("shares")
    counted = sa.literal(bool(shares))
    n, done, started, mean = rules.shares_aggregate(rows.c.status, rows.c.progress, counted)
    completed = rules.completed_from(n, done)
    with ENGINE.connect() as conn:
        status, progress = conn.execute(
            sa.select(rules.status_from(n, done, started), rules.progress_from(completed, mean))
        ).one()
    assert TaskStatus(status) is rules.state_from_shares(s for s, _ in shares)
    assert abs(float(progress) - rules.progress_from_shares(shares)) < 1e-9


def test_the_day_boundary_is_the_configured_zone() -> None:
    # 2024-05-04 17:10 UTC is 2024-05-05 01:10 in Beijing: the report belongs to 05-05.
    from datetime import UTC, datetime

    moment = datetime(2024, 5, 4, 17, 10, tzinfo=UTC)
    assert calendar.local_date(moment) == date(2024, 5, 5)
    assert calendar.local_date(moment.replace(tzinfo=None)) == date(2024, 5, 5)
    assert calendar.end_of_day(date(2024, 5, 5)) == datetime(2024, 5, 5, 16, 0, tzinfo=UTC)
    assert calendar.cutoff(date(2024, 5, 5), now=moment) is None
    assert calendar.cutoff(date(2024, 5, 4), now=moment) == datetime(2024, 5, 4, 16, 0, tzinfo=UTC)


def test_the_due_soon_window_stops_at_the_calendars_end() -> None:
    last = date.max
    assert rules.soon_end(last) == last
    assert rules.is_due_soon(False, DeadlineKind.BY_DATE, last, last - timedelta(days=3))
    end = sa.literal(last, sa.Date())
    assert _sql(rules.due_soon(sa.literal(False), sa.literal("BY_DATE"), end, last))


def test_the_state_of_a_rollup_row_twins_agree() -> None:
    """state_of (Python) and status_of (SQL): the badge a (completed, started) row names."""
    for completed in (False, True):
        for started in (False, True):
            expected = rules.state_of(completed, started)
            assert TaskStatus(
                _sql(rules.status_of(sa.literal(completed), sa.literal(started)))
            ) is (expected)
            if completed:
                assert expected is TaskStatus.COMPLETED
    assert rules.state_of(False, True) is TaskStatus.IN_PROGRESS
    assert rules.state_of(False, False) is TaskStatus.NOT_STARTED
