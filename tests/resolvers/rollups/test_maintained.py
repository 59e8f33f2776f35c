"""Maintained task rollups (resolvers/rollups/maintained.py) equal the live aggregation."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

import models
from api.cli_seed import generate_database
from api.settings import Settings
from resolvers.common import global_id
from resolvers.rollups.maintained import rebuild_task_rollups, refresh_task_rollups
from seeds.synthetic import Sizes
from tests.conftest import (
    DIALECTS,
    Goldens,
    GraphQLClient,
    TestDatabase,
    graphql_client,
    open_database,
)
from tests.resolvers.rollups.check import (
    as_of_dates,
    history_dates,
    mismatches,
    overdue_mismatches,
    snapshot,
)

TODAY = Settings().today()
DATES = as_of_dates(TODAY)

unit_t = models.metadata.tables["org_unit"]
closure_t = models.metadata.tables["org_unit_closure"]
task_t = models.metadata.tables["task"]
assignment_t = models.metadata.tables["assignment"]
plan_t = models.metadata.tables["plan"]
bucket_t = models.metadata.tables["rollup_bucket"]

REPORT = """
mutation ($input: ReportProgressInput!) { reportProgress(input: $input) { errors { code } } }
"""
UPDATE = "mutation ($input: UpdateTaskInput!) { updateTask(input: $input) { errors { code } } }"
ASSIGN = "mutation ($input: AssignTaskInput!) { assignTask(input: $input) { errors { code } } }"
CREATE = "mutation ($input: CreateTaskInput!) { createTask(input: $input) { errors { code } } }"
DECOMPOSE = """
mutation ($input: DecomposeTaskInput!) { decomposeTask(input: $input) { errors { code } } }
"""
ROLLUP = """
query ($id: ID!) { node(id: $id) { ... on OrgUnit { taskRollup {
  total completed inProgress notStarted overdue dueSoon ongoing completionRate weightedProgress
} } } }
"""


async def _check(db: TestDatabase) -> None:
    async with db.engine.connect() as conn:
        assert await mismatches(conn, DATES) == []
        past = await history_dates(conn, TODAY)
        assert await mismatches(conn, past, current=False) == []
        assert await overdue_mismatches(conn, past) == []


class TestAfterBulkLoads:
    async def test_seed_matches_live(self, seeded_db: TestDatabase) -> None:
        async with seeded_db.engine.connect() as conn:
            assert await conn.scalar(sa.select(sa.func.count()).select_from(bucket_t))
        await _check(seeded_db)

    @pytest.mark.private_db  # the generator opens its own engine on the URL
    async def test_generated_province_matches_live(self, empty_db: TestDatabase) -> None:
        counts = await generate_database(
            empty_db.url, Sizes(units=60, tasks=400, reports=1600), seed=5
        )
        assert counts["rollup_member"] > counts["task"]
        await _check(empty_db)

    async def test_the_comparison_catches_a_corrupted_bucket(self, seeded_db: TestDatabase) -> None:
        async with seeded_db.engine.begin() as conn:
            await conn.execute(
                bucket_t.update()
                .where(
                    bucket_t.c.root_id == sa.select(bucket_t.c.root_id).limit(1).scalar_subquery()
                )
                .values(tasks=bucket_t.c.tasks + 1)
            )
            assert await mismatches(conn, DATES) != []
            await rebuild_task_rollups(conn)
            assert await mismatches(conn, DATES) == []
            await conn.execute(bucket_t.update().values(weighted_progress_sum=1.5))
            assert await mismatches(conn, DATES) != []

    async def test_the_overdue_comparison_catches_a_missing_span(
        self, seeded_db: TestDatabase
    ) -> None:
        spans_t = models.metadata.tables["rollup_overdue_span"]
        async with seeded_db.engine.begin() as conn:
            past = await history_dates(conn, TODAY)
            # The seed has overdue members; the first day of a span is one of its days.
            span = (await conn.execute(sa.select(spans_t).limit(1))).one()
            day = span.overdue_from
            await conn.execute(
                spans_t.delete().where(
                    spans_t.c.root_id == span.root_id,
                    spans_t.c.task_id == span.task_id,
                    spans_t.c.overdue_from == span.overdue_from,
                )
            )
            assert await overdue_mismatches(conn, [day]) != []
            await rebuild_task_rollups(conn)
            assert await overdue_mismatches(conn, past) == []

    async def test_the_overdue_comparison_catches_a_span_outside_todays_members(
        self, seeded_db: TestDatabase
    ) -> None:
        """Past-day overdue lists read the spans as today's members (maintained.py
        `member_list`): the check refuses a span whose task is not a member today."""
        spans_t = models.metadata.tables["rollup_overdue_span"]
        member_t = models.metadata.tables["rollup_member"]
        async with seeded_db.engine.begin() as conn:
            span = (await conn.execute(sa.select(spans_t).limit(1))).one()
            await conn.execute(
                member_t.delete().where(
                    member_t.c.root_id == span.root_id, member_t.c.task_id == span.task_id
                )
            )
            with pytest.raises(AssertionError, match="not members today"):
                await overdue_mismatches(conn, [span.overdue_from])


class TestRebuild:
    async def test_rebuild_is_idempotent(self, seeded_db: TestDatabase) -> None:
        async with seeded_db.engine.begin() as conn:
            before = await snapshot(conn)
            counts = await rebuild_task_rollups(conn)
            assert counts["rollup_member"] == len(before["rollup_member"])
            assert counts["rollup_bucket"] == len(before["rollup_bucket"])
            assert counts["rollup_member_history"] == len(before["rollup_member_history"])
            assert await snapshot(conn) == before
            await rebuild_task_rollups(conn)
            assert await snapshot(conn) == before

    async def test_refreshing_unchanged_tasks_changes_nothing(
        self, seeded_db: TestDatabase
    ) -> None:
        async with seeded_db.engine.begin() as conn:
            before = await snapshot(conn)
            tasks = [row.id for row in await conn.execute(sa.select(task_t.c.id))]
            await refresh_task_rollups(conn, tasks)
            assert await snapshot(conn) == before

    @pytest.mark.private_db  # the command line opens its own engine on the URL
    async def test_cli_rebuilds(self, seeded_db: TestDatabase) -> None:
        from api.cli_ops import _rebuild_rollups

        async with seeded_db.engine.begin() as conn:
            await conn.execute(bucket_t.delete())
        await seeded_db.engine.dispose()
        counts = await _rebuild_rollups(seeded_db.url)
        assert counts["rollup_bucket"] > 0
        await _check(seeded_db)


# -- writes through the API ------------------------------------------------------------------


async def _ids(client: GraphQLClient, engine: AsyncEngine) -> dict[str, Any]:
    async with engine.connect() as conn:
        root = (
            await conn.execute(sa.select(unit_t.c.id).where(unit_t.c.depth == 0).limit(1))
        ).scalar_one()
        return {
            "root": root,
            "units": [r.id for r in await conn.execute(sa.select(unit_t.c.id))],
            "assignments": [
                (r.id, r.org_unit_id)
                for r in await conn.execute(
                    sa.select(assignment_t.c.id, assignment_t.c.org_unit_id)
                )
            ],
            "tasks": [
                (r.id, r.version)
                for r in await conn.execute(sa.select(task_t.c.id, task_t.c.version))
            ],
            "plans": [r.id for r in await conn.execute(sa.select(plan_t.c.id))],
            "leads": [
                (r.task_id, r.org_unit_id)
                for r in await conn.execute(
                    sa.select(assignment_t.c.task_id, assignment_t.c.org_unit_id).where(
                        assignment_t.c.role == "LEAD"
                    )
                )
            ],
            "below": {
                (r.ancestor_id, r.descendant_id)
                for r in await conn.execute(
                    sa.select(closure_t.c.ancestor_id, closure_t.c.descendant_id).where(
                        closure_t.c.depth > 0
                    )
                )
            },
        }


def _pick(data: st.DataObject, items: Any, label: str) -> Any:
    """One of `items` (a list that depends on the database: drawn as an index)."""
    items = list(items)
    return items[data.draw(st.integers(0, 10**6), label=label) % len(items)]


def _deadline(data: st.DataObject) -> dict[str, Any]:
    if data.draw(st.booleans(), label="ongoing"):
        return {"kind": "ONGOING"}
    end = TODAY + timedelta(days=data.draw(st.integers(-20, 40), label="end"))
    return {"kind": "BY_DATE", "end": end.isoformat()}


async def _write(client: GraphQLClient, ids: dict[str, Any], data: st.DataObject) -> None:
    """One random write; any outcome (written or refused) is fine."""
    gid, draw = global_id, data.draw
    op = draw(st.sampled_from(["report", "decompose", "update", "assign", "report", "create"]))
    root = client.as_viewer(ids["root"], "COORDINATOR")
    if op == "report":
        assignment, unit = _pick(data, ids["assignments"], "assignment")
        payload = {
            "assignment": gid("Assignment", assignment),
            "percent": draw(st.sampled_from([0, 20, 55.5, 99, 100]), label="percent"),
            "status": draw(
                st.sampled_from([None, "NOT_STARTED", "IN_PROGRESS", "COMPLETED"]), label="status"
            ),
        }
        body = await client.as_viewer(unit, "REPORTER").execute(REPORT, {"input": payload})
    elif op == "update":
        task, version = _pick(data, ids["tasks"], "task")
        changes: dict[str, Any] = draw(
            st.sampled_from(
                [
                    {"deadline": _deadline(data)},
                    {"weight": draw(st.sampled_from([0, 0.5, 2.5, 7]), label="weight")},
                    {"title": "改"},
                ]
            ),
            label="changes",
        )
        stale = draw(st.booleans(), label="stale version")
        payload = {"task": gid("Task", task), "expectedVersion": version - stale, **changes}
        body = await root.execute(UPDATE, {"input": payload})
    elif op == "assign":
        task, _ = _pick(data, ids["tasks"], "task")
        payload = {
            "task": gid("Task", task),
            "role": draw(st.sampled_from(["LEAD", "COOPERATING"]), label="role"),
            "units": [gid("OrgUnit", _pick(data, ids["units"], "unit"))],
        }
        body = await root.execute(ASSIGN, {"input": payload})
    elif op == "create":
        leads = [_pick(data, ids["units"], "lead") for _ in range(draw(st.integers(1, 3)))]
        payload = {
            "plan": gid("Plan", _pick(data, ids["plans"], "plan")),
            "title": "新任务",
            "deadline": _deadline(data),
            "weight": draw(st.sampled_from([None, 0, 3]), label="weight"),
            "leads": [gid("OrgUnit", u) for u in leads],
        }
        body = await root.execute(CREATE, {"input": payload})
    else:
        # Seed leads are leaves: a unit with subordinates first takes a lead share.
        task, _ = _pick(data, ids["tasks"], "task")
        unit = _pick(data, sorted({a for a, _ in ids["below"]}), "decomposing unit")
        if (task, unit) not in ids["leads"]:
            payload = {"task": gid("Task", task), "role": "LEAD", "units": [gid("OrgUnit", unit)]}
            body = await root.execute(ASSIGN, {"input": payload})
            assert body["data"]["assignTask"]["errors"] == [], body
        below = sorted(d for a, d in ids["below"] if a == unit)
        subtasks = [
            {
                "title": f"子任务{n}",
                "deadline": _deadline(data),
                "leads": [gid("OrgUnit", _pick(data, below, "sub lead"))],
            }
            for n in range(draw(st.integers(1, 2), label="subtasks"))
        ]
        payload = {"task": gid("Task", task), "subtasks": subtasks}
        body = await client.as_viewer(unit, "COORDINATOR").execute(DECOMPOSE, {"input": payload})
    assert "errors" not in body, body


async def _writes_then_check(dialect: str, goldens: Goldens, data: st.DataObject) -> None:
    # A fresh copy of the seed per example: the same draws meet the same rows.
    async with open_database(dialect, goldens, "seeded") as db:
        async with graphql_client(db) as client:
            for _ in range(data.draw(st.integers(1, 6), label="writes")):
                await _write(client, await _ids(client, db.engine), data)
        await _check(db)


@pytest.mark.parametrize("dialect", DIALECTS)
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_writes_keep_every_unit_rollup_equal_to_live(
    dialect: str, goldens: Goldens, data: st.DataObject
) -> None:
    if dialect == "postgresql" and goldens.pg is None:
        pytest.skip("PostgreSQL unreachable (outside CI)")
    asyncio.run(_writes_then_check(dialect, goldens, data))


class TestRejectedWrites:
    async def test_a_rejected_write_leaves_the_rollups_unchanged(
        self, seeded_db: TestDatabase, client: GraphQLClient
    ) -> None:
        ids = await _ids(client, seeded_db.engine)
        unit = sorted({a for a, _ in ids["below"]})[-1]
        below = sorted(d for a, d in ids["below"] if a == unit)
        task = ids["tasks"][0][0]
        root = client.as_viewer(ids["root"], "COORDINATOR")
        body = await root.query(
            ASSIGN,
            {
                "input": {
                    "task": global_id("Task", task),
                    "role": "LEAD",
                    "units": [global_id("OrgUnit", unit)],
                }
            },
        )
        assert body["assignTask"]["errors"] == []
        ids = await _ids(client, seeded_db.engine)
        async with seeded_db.engine.connect() as conn:
            before = await snapshot(conn)
        # The first subtask is written, the second is refused: the whole field is undone.
        body = await client.as_viewer(unit, "COORDINATOR").query(
            DECOMPOSE,
            {
                "input": {
                    "task": global_id("Task", task),
                    "subtasks": [
                        {"title": "一", "leads": [global_id("OrgUnit", below[0])]},
                        {"title": "二", "leads": [global_id("OrgUnit", unit)]},
                    ],
                }
            },
        )
        assert body["decomposeTask"]["errors"] == [{"code": "UNKNOWN_UNIT"}]
        assignment = next(a for a, u in ids["assignments"] if u == unit)
        body = await client.as_viewer(unit, "REPORTER").query(
            REPORT,
            {
                "input": {
                    "assignment": global_id("Assignment", assignment),
                    "percent": 50,
                    "expectedVersion": 99,
                }
            },
        )
        assert body["reportProgress"]["errors"] == [{"code": "VERSION_CONFLICT"}]
        async with seeded_db.engine.connect() as conn:
            assert await snapshot(conn) == before

    async def test_an_accepted_write_moves_the_buckets(
        self, seeded_db: TestDatabase, client: GraphQLClient
    ) -> None:
        ids = await _ids(client, seeded_db.engine)
        assignment, unit = ids["assignments"][0]
        async with seeded_db.engine.connect() as conn:
            before = await snapshot(conn)
        body = await client.as_viewer(unit, "REPORTER").query(
            REPORT, {"input": {"assignment": global_id("Assignment", assignment), "percent": 100}}
        )
        assert body["reportProgress"]["errors"] == []
        async with seeded_db.engine.connect() as conn:
            assert await snapshot(conn) != before
        await _check(seeded_db)


class TestReads:
    async def test_an_ancestor_of_the_viewer_counts_only_visible_tasks(
        self, seeded_db: TestDatabase, client: GraphQLClient
    ) -> None:
        async with seeded_db.engine.connect() as conn:
            units = dict((await conn.execute(sa.select(unit_t.c.name, unit_t.c.id))).all())
        town = client.as_viewer(units["南村镇"], "VIEWER")
        admin = client.as_viewer(units["山西省"], "ADMIN")

        async def rollup(viewer: GraphQLClient, name: str) -> dict[str, Any]:
            data = await viewer.query(ROLLUP, {"id": global_id("OrgUnit", units[name])})
            result: dict[str, Any] = data["node"]["taskRollup"]
            return result

        # The town's own rollup (maintained) is the same for both; 山西省 only counts the
        # tasks the town may see for the town (live), everything for the admin (maintained).
        assert await rollup(town, "南村镇") == await rollup(admin, "南村镇")
        assert (await rollup(town, "山西省"))["total"] < (await rollup(admin, "山西省"))["total"]

    async def test_current_unit_rollups_read_the_buckets(
        self, seeded_db: TestDatabase, client: GraphQLClient
    ) -> None:
        async with seeded_db.engine.connect() as conn:
            units = dict((await conn.execute(sa.select(unit_t.c.name, unit_t.c.id))).all())
        admin = client.as_viewer(units["山西省"], "ADMIN")
        query = """query ($id: ID!, $asOf: Date) { node(id: $id) { ... on OrgUnit {
          now: taskRollup { total } later: taskRollup(asOf: $asOf) { total }
          past: taskRollup(asOf: "2024-01-01") { total }
          filtered: taskRollup(filter: {dueAfter: "1990-01-01"}) { total }
        } } }"""
        variables = {"id": global_id("OrgUnit", units["城区"]), "asOf": DATES[-1].isoformat()}
        before = (await admin.query(query, variables))["node"]
        async with seeded_db.engine.begin() as conn:
            await conn.execute(
                bucket_t.update()
                .where(bucket_t.c.root_id == units["城区"])
                .values(tasks=bucket_t.c.tasks + 1)
            )
        after = (await admin.query(query, variables))["node"]
        assert after["now"]["total"] > before["now"]["total"]
        assert after["later"]["total"] > before["later"]["total"]
        # The past (status history) and filtered rollups aggregate live.
        assert after["past"] == before["past"]
        assert after["filtered"] == before["filtered"]
