"""Property: for random back-dated histories (an imported ledger with a start day and dated
states), the rollup as of D equals what the task lists say as of D and what the rows mean."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.settings import Settings
from models.enums import DeadlineKind, TaskStatus
from models.rules.ledger import STATUS_TEXT, render_deadline
from tests.conftest import DIALECTS, Goldens, graphql_client, open_database
from tests.ledger_files import Row, xlsx_bytes
from tests.resolvers.ledger.conftest import ISSUED_ON, open_ledger
from tests.resolvers.ledger.test_backdated import STATE_HEADER, Line, expected

LEADS = ("城区生态环境分局", "南村镇", "北石店镇", "城区水务局")
TODAY = Settings().today()
LAST = date(2025, 12, 31)

UNITS = "\n".join(
    f"""u{n}: orgUnit(name: "{name}") {{
      taskRollup(asOf: $d, filter: {{ plan: $plan }}) {{ overdue dueSoon }}
      overdue: tasks(filter: {{ plan: $plan, overdueAsOf: $d }}) {{ totalCount }}
      dueSoon: tasks(filter: {{ plan: $plan, dueSoonAsOf: $d }}) {{ totalCount }} }}"""
    for n, name in enumerate(LEADS)
)
AS_OF = f"""
query ($plan: ID!, $d: Date!) {{
  plan: node(id: $plan) {{ ... on Plan {{
    taskRollup(asOf: $d) {{ total completed inProgress notStarted overdue dueSoon ongoing }} }} }}
  overdue: tasks(filter: {{ plan: $plan, overdueAsOf: $d }}) {{ totalCount }}
  dueSoon: tasks(filter: {{ plan: $plan, dueSoonAsOf: $d }}) {{ totalCount }}
  {UNITS}
}}
"""


@st.composite
def histories(draw: st.DrawFn) -> tuple[date, list[Line], list[date]]:
    """A start day, rows with deadlines and dated states after it, and days to look at."""
    start = draw(
        st.one_of(st.just(ISSUED_ON), st.dates(date(2023, 9, 1), ISSUED_ON)), label="start"
    )
    lines: list[Line] = []
    for seq in range(1, draw(st.integers(1, 5), label="rows") + 1):
        end = draw(st.one_of(st.none(), st.dates(start, LAST)), label="deadline end")
        status = draw(st.sampled_from([None, *TaskStatus]), label="status")
        percent = {
            None: 0.0,
            TaskStatus.NOT_STARTED: 0.0,
            TaskStatus.COMPLETED: 100.0,
            TaskStatus.IN_PROGRESS: float(draw(st.integers(0, 99), label="percent")),
        }[status]
        on = draw(st.dates(start, TODAY), label="state day") if status else None
        lead = draw(st.sampled_from(LEADS), label="lead")
        kind = DeadlineKind.ONGOING if end is None else DeadlineKind.BY_DATE
        deadline = render_deadline(kind, None, end, None)
        lines.append(Line(seq, deadline, end, lead, status, percent, on))
    days = {start - timedelta(days=1), start, TODAY}
    days |= {line.on for line in lines if line.on}
    days |= {line.end + timedelta(days=1) for line in lines if line.end}
    days |= set(draw(st.lists(st.dates(start - timedelta(days=30), LAST), max_size=2)))
    return start, lines, sorted(days)


def _row(line: Line) -> Row:
    extra: tuple[Any, ...] = ()
    if line.status is not None:
        assert line.on is not None
        news = f"{line.on.isoformat()} {line.leads}：第{line.seq}项"
        extra = (STATUS_TEXT[line.status], f"{line.percent:g}%", news)
    return Row("类别", line.seq, f"措施{line.seq}", line.deadline, line.leads, extra=extra)


async def _check(
    dialect: str, goldens: Goldens, history: tuple[date, list[Line], list[date]]
) -> None:
    start, lines, days = history
    async with open_database(dialect, goldens, "seeded") as db, graphql_client(db) as client:
        ledger = await open_ledger(db, client)
        effective = {} if start == ISSUED_ON else {"effectiveOn": start.isoformat()}
        data = xlsx_bytes([_row(line) for line in lines], extra_header=STATE_HEADER)
        payload = await ledger.upload(data, **effective)
        assert payload["errors"] == [], payload["report"]["rowErrors"]
        viewer = ledger.as_unit("城区", "VIEWER")
        for day in days:
            got = await viewer.query(AS_OF, {"plan": ledger.plan, "d": day.isoformat()})
            rollup = got["plan"]["taskRollup"]
            assert rollup == expected(lines, day, start=start), day
            assert got["overdue"]["totalCount"] == rollup["overdue"], day
            assert got["dueSoon"]["totalCount"] == rollup["dueSoon"], day
            for n, name in enumerate(LEADS):
                unit = got[f"u{n}"]
                assert unit["overdue"]["totalCount"] == unit["taskRollup"]["overdue"], name
                assert unit["dueSoon"]["totalCount"] == unit["taskRollup"]["dueSoon"], name
                mine = [line for line in lines if line.leads == name]
                want = expected(mine, day, start=start)
                assert unit["taskRollup"] == {k: want[k] for k in ("overdue", "dueSoon")}, name


@pytest.mark.parametrize("dialect", DIALECTS)
@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(history=histories())
def test_rollups_as_of_any_day_match_the_lists_and_the_history(
    dialect: str, goldens: Goldens, history: tuple[date, list[Line], list[date]]
) -> None:
    if dialect == "postgresql" and goldens.pg is None:
        pytest.skip("PostgreSQL unreachable (outside CI)")
    asyncio.run(_check(dialect, goldens, history))
