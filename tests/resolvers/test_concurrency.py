"""Invariants under concurrent writers (PostgreSQL): many requests at once over HTTP.

Each test fires ≥ 10 mutations with asyncio.gather through the real ASGI app; the app's pool
gives them separate connections and transactions, so they race as clients' requests do.
Expected conflicts are payload errors (DUPLICATE), never top-level INTERNAL_ERRORs, and the
database keeps one row per slot.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import sqlalchemy as sa

from resolvers.common import decode_global_id, global_id
from tests.conftest import GraphQLClient, TestDatabase

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.private_db,  # many concurrent writers: connections of their own
    pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True),
]

N = 9  # 各镇（街道） of 2023: 南村镇 and the eight streets (北石店镇 is attested in 2024)

REPORT = """
mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
  assignment { status progress version } task { status progress } errors { code field } } }
"""
TASK = """
query ($id: ID!) { node(id: $id) { ... on Task { code seq status progress
  assignments { id role status version unit { id name } } } } }
"""
TASKS_OF_DOC = """
query ($doc: String!) { tasks(filter: {docNumber: $doc}, first: 100) { edges { node {
  id code seq version plan { id field } assignments { id role unit { id name } } } } } }
"""
CREATE_TASK = """
mutation ($input: CreateTaskInput!) { createTask(input: $input) {
  task { id code seq } errors { code field } } }
"""
UPDATE_TASK = """
mutation ($input: UpdateTaskInput!) { updateTask(input: $input) {
  task { code seq version } errors { code field } } }
"""
DECOMPOSE = """
mutation ($input: DecomposeTaskInput!) { decomposeTask(input: $input) {
  subtasks { id assignments { id role unit { id } } } errors { code field } } }
"""
TARGET = """
mutation ($input: CreateTargetInput!) { createTarget(input: $input) {
  target { id value } errors { code field } } }
"""
RECORD = """
mutation ($input: RecordMeasurementInput!) { recordMeasurement(input: $input) {
  measurement { value } errors { code field } } }
"""
DOCUMENT = """
mutation ($input: CreateDocumentInput!) { createDocument(input: $input) {
  document { id } errors { code field } } }
"""
DOC = "城政办发〔2023〕20号"


async def _unit(client: GraphQLClient, name: str) -> str:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    unit_id: str = data["orgUnit"]["id"]
    return unit_id


async def _as(client: GraphQLClient, name: str, role: str = "COORDINATOR") -> GraphQLClient:
    return client.as_viewer(decode_global_id(await _unit(client, name)), role)


async def _air_tasks(client: GraphQLClient) -> list[dict[str, Any]]:
    data = await client.query(TASKS_OF_DOC, {"doc": DOC})
    tasks = [e["node"] for e in data["tasks"]["edges"]]
    return sorted(
        (t for t in tasks if t["plan"]["field"] == "AIR" and "/air/" in t["code"]),
        key=lambda t: t["seq"],
    )


async def _all(calls: list[Any]) -> list[dict[str, Any]]:
    """Run the mutations at once; none may end in a top-level error (INTERNAL_ERROR)."""
    bodies: list[dict[str, Any]] = await asyncio.gather(*calls)
    top = [b["errors"] for b in bodies if "errors" in b]
    assert top == [], top
    return [next(iter(b["data"].values())) for b in bodies]


async def _scalar(db: TestDatabase, sql: str, **params: Any) -> Any:
    async with db.engine.connect() as conn:
        return (await conn.execute(sa.text(sql), params)).scalar()


class TestDerivedTaskState:
    async def test_ten_towns_completing_at_once_complete_the_task(
        self, client: GraphQLClient
    ) -> None:
        # Air row 23 (平均降尘量): 各镇（街道）, nine town leads, all at 0.
        task = next(t for t in await _air_tasks(client) if t["seq"] == 23)
        leads = [a for a in task["assignments"] if a["role"] == "LEAD"]
        assert len(leads) == N
        results = await _all(
            [
                client.as_viewer(decode_global_id(a["unit"]["id"]), "REPORTER").execute(
                    REPORT, {"input": {"assignment": a["id"], "percent": 100}}
                )
                for a in leads
            ]
        )
        assert all(r["errors"] == [] for r in results)
        now = (await client.query(TASK, {"id": task["id"]}))["node"]
        assert (now["status"], now["progress"]) == ("COMPLETED", 100.0)
        # The task list and the maintained rollup count the same completed tasks.
        district = await client.query(
            """{ orgUnit(name: "城区") { taskRollup { completed }
                 tasks(includeDescendants: true, filter: {status: [COMPLETED]}) { totalCount }
               } }"""
        )
        unit = district["orgUnit"]
        assert unit["taskRollup"]["completed"] == unit["tasks"]["totalCount"] == 1

    async def test_ten_subtasks_completing_at_once_complete_the_share(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        from tests.factories import create_unit, table

        units = table("org_unit")
        async with seeded_db.engine.begin() as conn:
            town = (
                await conn.execute(
                    sa.select(units.c.id, units.c.path, units.c.depth).where(
                        units.c.name == "南村镇"
                    )
                )
            ).one()
            parent = {"id": town.id, "path": town.path, "depth": town.depth}
            villages = [await create_unit(conn, f"南村镇{i}村", parent=parent) for i in range(N)]
        data = await client.query('{ tasks(filter: {text: "秸秆禁烧"}) { edges { node { id } } } }')
        task_id = data["tasks"]["edges"][0]["node"]["id"]
        split = await (await _as(client, "南村镇")).query(
            DECOMPOSE,
            {
                "input": {
                    "task": task_id,
                    "subtasks": [
                        {"title": f"{i}村巡查", "leads": [global_id("OrgUnit", v["id"])]}
                        for i, v in enumerate(villages)
                    ],
                }
            },
        )
        assert split["decomposeTask"]["errors"] == []
        subtasks = split["decomposeTask"]["subtasks"]
        results = await _all(
            [
                client.as_viewer(village["id"], "REPORTER").execute(
                    REPORT, {"input": {"assignment": sub["assignments"][0]["id"], "percent": 100}}
                )
                for sub, village in zip(subtasks, villages, strict=True)
            ]
        )
        assert all(r["errors"] == [] for r in results)
        now = (await client.query(TASK, {"id": task_id}))["node"]
        share = next(a for a in now["assignments"] if a["unit"]["name"] == "南村镇")
        assert share["status"] == "COMPLETED"

    async def test_audit_before_values_are_consecutive(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        task = next(t for t in await _air_tasks(client) if t["seq"] == 23)
        share = next(a for a in task["assignments"] if a["unit"]["name"] == "南村镇")
        town = client.as_viewer(decode_global_id(share["unit"]["id"]), "REPORTER")
        start = (await client.query(TASK, {"id": task["id"]}))["node"]
        version = next(a for a in start["assignments"] if a["id"] == share["id"])["version"]
        results = await _all(
            [
                town.execute(REPORT, {"input": {"assignment": share["id"], "percent": 10 + i}})
                for i in range(N)
            ]
        )
        assert all(r["errors"] == [] for r in results)
        async with seeded_db.engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.text(
                        "SELECT before, after FROM audit_event"
                        " WHERE action = 'reportProgress' AND target_id = :id"
                    ),
                    {"id": decode_global_id(share["id"])},
                )
            ).all()
        pairs = sorted((r.before["version"], r.after["version"]) for r in rows)
        assert pairs == [(version + i, version + i + 1) for i in range(N)]
        # Each write's "before" is the state the previous one left.
        by_version = {r.after["version"]: r.after["progress"] for r in rows}
        for r in rows:
            if r.before["version"] > version:
                assert r.before["progress"] == by_version[r.before["version"]]


class TestUniqueSlots:
    async def test_concurrent_create_target_stores_one(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        district = await _as(client, "城区")
        unit = await _unit(client, "南村镇")
        spec = {"indicator": "PM25", "unit": unit, "year": 2024, "month": 6, "kind": "BINDING"}
        results = await _all(
            [district.execute(TARGET, {"input": {**spec, "value": 30 + i}}) for i in range(N)]
        )
        assert sum(1 for r in results if r["errors"] == []) == 1
        assert sorted(e["code"] for r in results for e in r["errors"]) == ["DUPLICATE"] * (N - 1)
        stored = await _scalar(
            seeded_db,
            "SELECT count(*) FROM target WHERE org_unit_id = :u AND year = 2024 AND month = 6",
            u=decode_global_id(unit),
        )
        assert stored == 1

    async def test_concurrent_record_measurement_upserts_one_row(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        town = await _as(client, "南村镇", "REPORTER")
        unit = await _unit(client, "南村镇")
        spec = {"indicator": "PM25", "unit": unit, "year": 2024, "month": 7, "source": "镇空气站"}
        results = await _all(
            [town.execute(RECORD, {"input": {**spec, "value": 20 + i}}) for i in range(N)]
        )
        assert all(r["errors"] == [] for r in results)
        async with seeded_db.engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.text(
                        "SELECT value FROM measurement"
                        " WHERE org_unit_id = :u AND year = 2024 AND month = 7"
                    ),
                    {"u": decode_global_id(unit)},
                )
            ).all()
            audits = (
                await conn.execute(
                    sa.text(
                        "SELECT before, after FROM audit_event WHERE action = 'recordMeasurement'"
                    )
                )
            ).all()
        assert len(rows) == 1
        # One insert, then N - 1 updates, each "before" the value another write left.
        befores = [a.before["value"] if a.before else None for a in audits]
        assert befores.count(None) == 1
        afters = [a.after["value"] for a in audits]
        afters.remove(rows[0].value)
        assert sorted(b for b in befores if b is not None) == sorted(afters)

    async def test_concurrent_create_document_stores_one(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        town = await _as(client, "南村镇")
        numbers = ["南政发〔2024〕9号", "南政发[2024]9号", "南政发（2024）9号"]
        results = await _all(
            [
                town.execute(
                    DOCUMENT,
                    {"input": {"title": f"方案{i}", "kind": "NOTICE", "docNumber": numbers[i % 3]}},
                )
                for i in range(N)
            ]
        )
        assert sum(1 for r in results if r["errors"] == []) == 1
        assert sorted(e["code"] for r in results for e in r["errors"]) == ["DUPLICATE"] * (N - 1)
        stored = await _scalar(
            seeded_db, "SELECT count(*) FROM document WHERE doc_number LIKE '南政发%9号'"
        )
        assert stored == 1

    async def test_concurrent_renumbering_to_one_seq_stores_one(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        district = await _as(client, "城区")
        tasks = (await _air_tasks(client))[:N]
        results = await _all(
            [
                district.execute(
                    UPDATE_TASK,
                    {"input": {"task": t["id"], "expectedVersion": t["version"], "seq": 900}},
                )
                for t in tasks
            ]
        )
        assert sum(1 for r in results if r["errors"] == []) == 1
        assert sorted(e["code"] for r in results for e in r["errors"]) == ["DUPLICATE"] * (N - 1)
        plan = decode_global_id(tasks[0]["plan"]["id"])
        stored = await _scalar(
            seeded_db, "SELECT count(*) FROM task WHERE plan_id = :p AND seq = 900", p=plan
        )
        assert stored == 1

    async def test_concurrent_create_task_with_one_seq_stores_one(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        district = await _as(client, "城区")
        plan = (await _air_tasks(client))[0]["plan"]["id"]
        results = await _all(
            [
                district.execute(
                    CREATE_TASK,
                    {
                        "input": {
                            "plan": plan,
                            "title": f"新任务{i}",
                            "seq": 700,
                            "leadNames": ["区住建局"],
                        }
                    },
                )
                for i in range(N)
            ]
        )
        assert sum(1 for r in results if r["errors"] == []) == 1
        assert sorted(e["code"] for r in results for e in r["errors"]) == ["DUPLICATE"] * (N - 1)
        stored = await _scalar(
            seeded_db,
            "SELECT count(*) FROM task WHERE plan_id = :p AND seq = 700",
            p=decode_global_id(plan),
        )
        assert stored == 1

    async def test_concurrent_create_task_without_seq_numbers_each(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        district = await _as(client, "城区")
        tasks = await _air_tasks(client)
        plan = tasks[0]["plan"]["id"]
        top = max(t["seq"] for t in tasks)
        results = await _all(
            [
                district.execute(
                    CREATE_TASK,
                    {"input": {"plan": plan, "title": f"新任务{i}", "leadNames": ["区住建局"]}},
                )
                for i in range(N)
            ]
        )
        assert [r["errors"] for r in results] == [[]] * N
        created = [r["task"] for r in results]
        assert sorted(t["seq"] for t in created) == list(range(top + 1, top + N + 1))
        assert all(t["code"].endswith(f"/{t['seq']:03d}") for t in created)
        duplicates = await _scalar(
            seeded_db,
            "SELECT count(*) FROM (SELECT seq FROM task WHERE plan_id = :p AND parent_id IS NULL"
            " GROUP BY seq HAVING count(*) > 1) d",
            p=decode_global_id(plan),
        )
        assert duplicates == 0


class TestDeadlineHistory:
    async def test_concurrent_deadline_moves_record_one_change_per_move(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        # Twenty coordinators move one deadline from the same version: one move wins, the
        # others are VERSION_CONFLICT, and the history holds exactly the winning move, chained
        # from the original deadline to the task's current one.
        district = await _as(client, "城区")
        task = next(t for t in await _air_tasks(client) if t["seq"] == 3)
        months = [f"{2024 + m // 12}年{m % 12 + 1}月底前" for m in range(2 * N)]
        results = await _all(
            [
                district.execute(
                    UPDATE_TASK,
                    {
                        "input": {
                            "task": task["id"],
                            "expectedVersion": task["version"],
                            "deadline": {"text": text},
                            "deadlineChangeReason": f"延期 {i}",
                        }
                    },
                )
                for i, text in enumerate(months)
            ]
        )
        won = [r for r in results if r["errors"] == []]
        assert len(won) == 1
        assert sorted(e["code"] for r in results for e in r["errors"]) == (
            ["VERSION_CONFLICT"] * (2 * N - 1)
        )
        task_id = decode_global_id(task["id"])
        async with seeded_db.engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.text(
                        "SELECT previous_text, new_text FROM task_deadline_change"
                        " WHERE task_id = :t ORDER BY changed_at, id"
                    ),
                    {"t": task_id},
                )
            ).all()
            current = (
                await conn.execute(
                    sa.text("SELECT deadline_text FROM task WHERE id = :t"), {"t": task_id}
                )
            ).scalar()
        assert [tuple(r) for r in rows] == [("2023年4月底前", current)]
        assert current in months
