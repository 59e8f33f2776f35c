"""TaskFilter.dueSoon and dueWithin (issue 19): the due-soon rule of the rollups, as of today.

dueSoon: true counts what taskRollup.dueSoon counts today. dueWithin: N is the same rule with
an N-day window, so for a future date D (k days ahead) the tasks due within k + 14 days but
not within k - 1 are exactly taskRollup(asOf: D).dueSoon (the present state judged at D).
Hypothesis draws the dates and units; both dialects, the compiled read path on and off.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.rules import calendar
from tests.conftest import (
    DIALECTS,
    Goldens,
    GraphQLClient,
    TestDatabase,
    graphql_client,
    open_database,
)

UNITS = "query { orgUnits(first: 100) { edges { node { id } } } }"

COUNTS = """
query Due($u: ID!, $d: Date!, $near: Int!, $far: Int!, $plan: ID) {
  orgUnit(id: $u) {
    today: taskRollup { dueSoon }
    atD: taskRollup(asOf: $d) { dueSoon }
    soon: tasks(includeDescendants: true, filter: { dueSoon: true }) { totalCount }
    notSoon: tasks(includeDescendants: true, filter: { dueSoon: false }) { totalCount }
    all: tasks(includeDescendants: true) { totalCount }
    within14: tasks(includeDescendants: true, filter: { dueWithin: 14 }) { totalCount }
    far: tasks(includeDescendants: true, filter: { dueWithin: $far }) { totalCount }
    near: tasks(includeDescendants: true, filter: { dueWithin: $near }) { totalCount }
    filtered: taskRollup(filter: { dueSoon: true }) { total dueSoon }
  }
  tasks(filter: { dueSoon: true, plan: $plan }) { totalCount }
}
"""

WHOLE = """
query Whole($d: Date!) {
  soon: tasks(filter: { dueSoon: true }) { totalCount }
  asOf: tasks(filter: { dueSoonAsOf: $d }) { totalCount }
  within: tasks(filter: { dueWithin: 14 }) { totalCount }
}
"""


def _counts(data: dict[str, Any]) -> dict[str, int]:
    unit = data["orgUnit"]
    return {
        "today": unit["today"]["dueSoon"],
        "atD": unit["atD"]["dueSoon"],
        "soon": unit["soon"]["totalCount"],
        "notSoon": unit["notSoon"]["totalCount"],
        "all": unit["all"]["totalCount"],
        "within14": unit["within14"]["totalCount"],
        "far": unit["far"]["totalCount"],
        "near": unit["near"]["totalCount"],
        "filtered": unit["filtered"]["total"],
        "filteredDueSoon": unit["filtered"]["dueSoon"],
    }


async def _check(dialect: str, goldens: Goldens, samples: list[tuple[int, int]]) -> None:
    today = calendar.today()
    async with (
        open_database(dialect, goldens, "seeded") as db,
        graphql_client(db) as fast,
        graphql_client(db, compiled=False) as slow,
    ):
        edges = (await fast.query(UNITS))["orgUnits"]["edges"]
        units = [edge["node"]["id"] for edge in edges]
        for pick, ahead in samples:
            unit, day = units[pick % len(units)], today + timedelta(days=ahead)
            variables = {"u": unit, "d": day.isoformat(), "near": max(ahead - 1, 0)}
            variables["far"] = ahead + 14
            fast_counts = _counts(await fast.query(COUNTS, variables))
            assert fast_counts == _counts(await slow.query(COUNTS, variables)), (unit, day)
            got = fast_counts
            assert got["soon"] == got["today"] == got["within14"], (unit, day)
            assert got["notSoon"] == got["all"] - got["soon"], (unit, day)
            assert got["filtered"] == got["filteredDueSoon"] == got["today"], (unit, day)
            if ahead == 0:
                assert got["far"] == got["atD"], (unit, day)
            else:
                assert got["far"] - got["near"] == got["atD"], (unit, day)


@pytest.mark.parametrize("dialect", DIALECTS)
@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    samples=st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(min_value=0, max_value=900)),
        min_size=4,
        max_size=4,
    )
)
def test_due_filters_count_what_the_rollup_counts_for_random_dates(
    dialect: str, goldens: Goldens, samples: list[tuple[int, int]]
) -> None:
    if dialect == "postgresql" and goldens.pg is None:
        pytest.skip("PostgreSQL unreachable (outside CI)")
    asyncio.run(_check(dialect, goldens, samples))


class TestDueSoonFilter:
    async def test_whole_task_filter_equals_due_soon_as_of_today(
        self, client: GraphQLClient
    ) -> None:
        data = await client.query(WHOLE, {"d": calendar.today().isoformat()})
        assert data["soon"]["totalCount"] == data["asOf"]["totalCount"]
        assert data["within"]["totalCount"] == data["asOf"]["totalCount"]

    @pytest.mark.parametrize("days", [-1, 3661])
    async def test_due_within_out_of_range_is_bad_user_input(
        self, client: GraphQLClient, days: int
    ) -> None:
        body = await client.execute(
            "query ($n: Int!) { tasks(filter: { dueWithin: $n }) { totalCount } }", {"n": days}
        )
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_compiled_path_answers_the_due_filters(seeded_db: TestDatabase) -> None:
    """The compiled read path takes dueSoon, dueWithin and the folded text search (one
    statement) rather than declining them, on both dialects."""
    async with graphql_client(seeded_db) as client:
        await _compiled(client)


async def _compiled(client: GraphQLClient) -> None:
    unit = (await client.query(UNITS))["orgUnits"]["edges"][0]["node"]["id"]
    query = """
    query ($u: ID!) {
      orgUnit(id: $u) {
        soon: tasks(includeDescendants: true, filter: { dueSoon: true }) { totalCount }
        within: tasks(filter: { dueWithin: 30 }) { totalCount }
        taskRollup(filter: { dueSoon: false }) { total }
      }
      tasks(filter: { dueWithin: 7, text: "ＶＯＣｓ" }) { totalCount }
    }
    """
    for _ in range(2):  # the second answer comes from the cached plan
        body = await client.execute(query, {"u": unit})
        assert "errors" not in body, body
        assert body["extensions"]["sql"]["compiled"] is True, body["extensions"]
