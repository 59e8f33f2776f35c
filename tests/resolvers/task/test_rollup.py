"""Rollup rules of DESIGN.md on a small hand-built fixture, through GraphQL over HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from models.enums import DeadlineKind, OrgUnitKind, TaskStatus
from tests.conftest import GraphQLClient, TestDatabase
from tests.factories import add_event, assign, create_plan, create_task, create_unit

ROLLUP = """
query ($id: ID!, $asOf: Date, $desc: Boolean!, $role: AssignmentRole!) {
  node(id: $id) { ... on OrgUnit {
    taskRollup(asOf: $asOf, includeDescendants: $desc, role: $role) {
      asOf total completed inProgress notStarted overdue dueSoon ongoing
      completionRate weightedProgress
    }
  } }
}
"""


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


@pytest.fixture
async def tree(empty_db: TestDatabase) -> dict[str, Any]:
    """District D with towns T1, T2 and department P; tasks exercising each rule."""
    async with empty_db.engine.begin() as conn:
        d = await create_unit(conn, "测试区", OrgUnitKind.DISTRICT)
        t1 = await create_unit(conn, "一镇", OrgUnitKind.TOWN, d)
        t2 = await create_unit(conn, "二镇", OrgUnitKind.TOWN, d)
        p = await create_unit(conn, "测试区局", OrgUnitKind.DEPARTMENT, d)
        plan = await create_plan(conn)
        # A: two leads in the subtree, one completed, one in progress.
        a = await create_task(conn, plan, seq=1, end=date(2023, 12, 31))
        await assign(conn, a, t1, status=TaskStatus.COMPLETED, progress=100)
        await assign(conn, a, t2, status=TaskStatus.IN_PROGRESS, progress=40)
        # B: led by P; T1 only cooperates.
        b = await create_task(conn, plan, seq=2, end=date(2023, 12, 31))
        await assign(conn, b, p)
        await assign(conn, b, t1, "COOPERATING")
        # C: 长期坚持, led by T1.
        c = await create_task(conn, plan, seq=3, kind=DeadlineKind.ONGOING, end=None)
        await assign(conn, c, t1)
        # D: due 2023-06-30, led by T2, never started.
        dd = await create_task(conn, plan, seq=4, end=date(2023, 6, 30))
        await assign(conn, dd, t2)
        # E: led by T1: started on 2023-03-01, completed on 2023-05-01 (weight 3).
        e = await create_task(conn, plan, seq=5, end=date(2023, 9, 30), weight=3)
        ea = await assign(
            conn, e, t1, status=TaskStatus.COMPLETED, progress=100, since=_at("2023-01-01")
        )
        await add_event(conn, ea, TaskStatus.IN_PROGRESS, 50, _at("2023-03-01T02:00:00"))
        await add_event(conn, ea, TaskStatus.COMPLETED, 100, _at("2023-05-01T02:00:00"))
    ids = {"D": d, "T1": t1, "T2": t2, "P": p}
    return {k: v["id"] for k, v in ids.items()}


async def _rollup(
    client: GraphQLClient,
    unit: Any,
    as_of: str | None,
    *,
    desc: bool = True,
    role: str = "LEAD",
) -> dict[str, Any]:
    from resolvers.common import global_id

    data = await client.query(
        ROLLUP,
        {"id": global_id("OrgUnit", unit), "asOf": as_of, "desc": desc, "role": role},
    )
    rollup: dict[str, Any] = data["node"]["taskRollup"]
    return rollup


class TestTaskRollup:
    async def test_multi_lead_task_counts_once_in_the_subtree(
        self, empty_client: GraphQLClient, tree: dict[str, Any]
    ) -> None:
        rollup = await _rollup(empty_client, tree["D"], "2023-12-01")
        # A, B, C, D, E: five tasks though A has two leads in the subtree.
        assert rollup["total"] == 5
        # A: one lead done, one in progress → IN_PROGRESS; E completed.
        assert rollup["completed"] == 1
        assert rollup["inProgress"] == 1

    async def test_state_comes_from_in_scope_leads(
        self, empty_client: GraphQLClient, tree: dict[str, Any]
    ) -> None:
        t1 = await _rollup(empty_client, tree["T1"], "2023-12-01", desc=False)
        # In T1's scope: A (its T1 share is complete), C (ongoing), E (complete).
        assert t1["total"] == 3
        assert t1["completed"] == 2
        t2 = await _rollup(empty_client, tree["T2"], "2023-12-01", desc=False)
        assert (t2["total"], t2["inProgress"], t2["notStarted"]) == (2, 1, 1)

    async def test_cooperating_only_task_is_excluded_under_lead(
        self, empty_client: GraphQLClient, tree: dict[str, Any]
    ) -> None:
        lead = await _rollup(empty_client, tree["T1"], "2023-12-01", desc=False)
        anyrole = await _rollup(empty_client, tree["T1"], "2023-12-01", desc=False, role="ANY")
        coop = await _rollup(empty_client, tree["T1"], "2023-12-01", desc=False, role="COOPERATING")
        assert anyrole["total"] == lead["total"] + 1
        # B has no lead in T1's scope: its state is its own leads' (P: not started).
        assert anyrole["notStarted"] == lead["notStarted"] + 1
        assert (coop["total"], coop["notStarted"]) == (1, 1)

    async def test_ongoing_is_out_of_rate_denominators(
        self, empty_client: GraphQLClient, tree: dict[str, Any]
    ) -> None:
        t1 = await _rollup(empty_client, tree["T1"], "2023-12-01", desc=False)
        assert t1["ongoing"] == 1
        # A and E are rated and both complete in T1's scope; C (ongoing) does not count.
        assert t1["completionRate"] == 1.0
        assert t1["weightedProgress"] == 100.0
        whole = await _rollup(empty_client, tree["D"], "2023-12-01")
        # Rated: A (70, w1), B (0, w1), D (0, w1), E (100, w3) → (70 + 300) / 6.
        assert whole["completionRate"] == pytest.approx(1 / 4)
        assert whole["weightedProgress"] == pytest.approx(370 / 6)

    async def test_overdue_flips_at_the_deadline(
        self, empty_client: GraphQLClient, tree: dict[str, Any]
    ) -> None:
        on_the_day = await _rollup(empty_client, tree["T2"], "2023-06-30", desc=False)
        assert (on_the_day["overdue"], on_the_day["dueSoon"]) == (0, 1)
        next_day = await _rollup(empty_client, tree["T2"], "2023-07-01", desc=False)
        assert (next_day["overdue"], next_day["dueSoon"]) == (1, 0)
        two_weeks_before = await _rollup(empty_client, tree["T2"], "2023-06-16", desc=False)
        assert two_weeks_before["dueSoon"] == 1
        before = await _rollup(empty_client, tree["T2"], "2023-06-15", desc=False)
        assert before["dueSoon"] == 0

    async def test_as_of_a_past_date_ignores_later_reports(
        self, empty_client: GraphQLClient, tree: dict[str, Any]
    ) -> None:
        april = await _rollup(empty_client, tree["T1"], "2023-04-01", desc=False)
        # E was only started (50%) on 2023-04-01; A's T1 share was complete from the start.
        assert april["completed"] == 1
        assert april["inProgress"] == 1
        may = await _rollup(empty_client, tree["T1"], "2023-05-01", desc=False)
        assert may["completed"] == 2
        before_anything = await _rollup(empty_client, tree["T1"], "2022-12-31", desc=False)
        assert before_anything["total"] == 0

    async def test_ongoing_task_never_overdue(
        self, empty_client: GraphQLClient, tree: dict[str, Any]
    ) -> None:
        later = await _rollup(empty_client, tree["T1"], "2030-01-01", desc=False)
        assert later["ongoing"] == 1
        assert later["overdue"] == 0


async def test_connection_rollup_matches_the_filtered_set(
    empty_client: GraphQLClient, tree: dict[str, Any]
) -> None:
    from resolvers.common import global_id

    data = await empty_client.query(
        """query ($id: ID!) {
             all: tasks(first: 2) { totalCount rollup(asOf: "2023-12-01") { total ongoing } }
             dated: tasks(filter: {deadlineKind: [BY_DATE]}) {
               rollup(asOf: "2023-12-01") { total overdue } }
             unit: node(id: $id) { ... on OrgUnit {
               tasks(includeDescendants: true) { rollup(asOf: "2023-12-01") { total } } } }
           }""",
        {"id": global_id("OrgUnit", tree["D"])},
    )
    assert data["all"]["rollup"] == {"total": 5, "ongoing": 1}
    assert data["all"]["totalCount"] == 5
    assert data["dated"]["rollup"] == {"total": 4, "overdue": 1}
    assert data["unit"]["tasks"]["rollup"] == {"total": 5}


async def test_plan_rollup(empty_client: GraphQLClient, tree: dict[str, Any]) -> None:
    data = await empty_client.query(
        """{ plans { edges { node { taskRollup(asOf: "2023-12-01") { total completed ongoing }
             tasks(orderBy: [DEADLINE_DESC]) { edges { node { seq } } } } } } }"""
    )
    plan = data["plans"]["edges"][0]["node"]
    assert plan["taskRollup"] == {"total": 5, "completed": 1, "ongoing": 1}
    # Undated (ongoing) first when descending: it sorts as the far future.
    seqs = [e["node"]["seq"] for e in plan["tasks"]["edges"]]
    # 1 and 2 share a deadline: their order is the id's (the unique tiebreaker).
    assert (seqs[0], {seqs[1], seqs[2]}, seqs[3:]) == (3, {1, 2}, [5, 4])
