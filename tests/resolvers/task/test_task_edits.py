"""createTask, updateTask, assignTask and decomposeTask over HTTP on the seed data."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from resolvers.common import decode_global_id
from tests.conftest import GraphQLClient, TestDatabase

CREATE = """
mutation ($input: CreateTaskInput!) { createTask(input: $input) {
  task { id code seq title status version deadline { kind end text }
         leadUnits { name } cooperatingUnits { name } plan { title } }
  errors { code field } } }
"""
UPDATE = """
mutation ($input: UpdateTaskInput!) { updateTask(input: $input) {
  task { title version deadline { kind end } weight } errors { code field } } }
"""
ASSIGN = """
mutation ($input: AssignTaskInput!) { assignTask(input: $input) {
  task { version leadUnits { name } cooperatingUnits { name } }
  added { name } errors { code field } } }
"""
DECOMPOSE = """
mutation ($input: DecomposeTaskInput!) { decomposeTask(input: $input) {
  task { id subtasks { title leadUnits { name } } }
  subtasks { id code title deadline { end } assignments { id role unit { name } } }
  errors { code field } } }
"""
REPORT = """
mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
  task { status progress } errors { code } } }
"""


async def _unit(client: GraphQLClient, name: str) -> str:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    unit_id: str = data["orgUnit"]["id"]
    return unit_id


async def _as(client: GraphQLClient, name: str, role: str = "COORDINATOR") -> GraphQLClient:
    return client.as_viewer(decode_global_id(await _unit(client, name)), role)


async def _air_plan(client: GraphQLClient) -> str:
    data = await client.query("{ plans(field: AIR) { edges { node { id } } } }")
    plan_id: str = data["plans"]["edges"][0]["node"]["id"]
    return plan_id


async def _rows(db: TestDatabase) -> tuple[int, int, int]:
    async with db.engine.connect() as conn:
        tasks = (await conn.execute(sa.text("SELECT count(*) FROM task"))).scalar()
        assignments = (await conn.execute(sa.text("SELECT count(*) FROM assignment"))).scalar()
        audits = (await conn.execute(sa.text("SELECT count(*) FROM audit_event"))).scalar()
    return int(tasks or 0), int(assignments or 0), int(audits or 0)


class TestCreateTask:
    async def test_creates_a_ledger_row_with_names_and_group_references(
        self, client: GraphQLClient
    ) -> None:
        district = await _as(client, "城区")
        data = await district.query(
            CREATE,
            {
                "input": {
                    "plan": await _air_plan(client),
                    "title": "新增扬尘整治任务",
                    "category": "四、深化面源污染治理",
                    "deadline": {"text": "2023年11月底前"},
                    "leadNames": ["区住建局"],
                    "cooperatingNames": ["各镇（街道）"],
                }
            },
        )
        result = data["createTask"]
        assert result["errors"] == []
        task = result["task"]
        assert task["seq"] == 35
        assert task["code"].endswith("/air/035")
        assert task["deadline"] == {
            "kind": "BY_DATE",
            "end": "2023-11-30",
            "text": "2023年11月底前",
        }
        assert [u["name"] for u in task["leadUnits"]] == ["城区住建局"]
        assert {"南村镇", "钟家庄街道"} <= {u["name"] for u in task["cooperatingUnits"]}

    @pytest.mark.parametrize(
        ("change", "code", "field"),
        [
            ({"title": " "}, "INVALID_INPUT", "title"),
            ({"leadNames": []}, "INVALID_INPUT", "leads"),
            ({"leadNames": ["区不存在局"]}, "UNKNOWN_UNIT", "leads"),
            # 相关/有关 names only the units concerned: a write names them (issue 16).
            ({"leadNames": ["区住建局", "区直相关单位"]}, "UNKNOWN_UNIT", "leads"),
            ({"cooperatingNames": ["相关镇（街道）"]}, "UNKNOWN_UNIT", "cooperating"),
            ({"seq": 3}, "DUPLICATE", "seq"),
            ({"weight": -1}, "OUT_OF_RANGE", "weight"),
            (
                {"deadline": {"kind": "BY_DATE", "end": "1900-01-01"}},
                "OUT_OF_RANGE",
                "deadline.end",
            ),
            (
                {"deadline": {"kind": "PERIOD", "start": "2023-09-01", "end": "2023-05-01"}},
                "OUT_OF_RANGE",
                "deadline.end",
            ),
            ({"plan": "UGxhbjpub3BlCg=="}, "NOT_FOUND", "plan"),
        ],
    )
    async def test_rejections_write_nothing(
        self,
        client: GraphQLClient,
        seeded_db: TestDatabase,
        change: dict[str, Any],
        code: str,
        field: str,
    ) -> None:
        district = await _as(client, "城区")
        before = await _rows(seeded_db)
        data = await district.query(
            CREATE,
            {
                "input": {
                    "plan": await _air_plan(client),
                    "title": "任务",
                    "leadNames": ["区住建局"],
                    **change,
                }
            },
        )
        assert [(e["code"], e["field"]) for e in data["createTask"]["errors"]] == [(code, field)]
        assert await _rows(seeded_db) == before

    async def test_reporter_and_other_branches_cannot_create(self, client: GraphQLClient) -> None:
        plan = await _air_plan(client)
        reporter = await _as(client, "城区", "REPORTER")
        data = await reporter.query(
            CREATE, {"input": {"plan": plan, "title": "任务", "leadNames": ["区住建局"]}}
        )
        assert [e["code"] for e in data["createTask"]["errors"]] == ["FORBIDDEN"]
        # 阳城县 did not issue the 城区 plan: the plan is out of its scope.
        other = await _as(client, "阳城县")
        data = await other.query(
            CREATE, {"input": {"plan": plan, "title": "任务", "leadNames": ["区住建局"]}}
        )
        assert [e["code"] for e in data["createTask"]["errors"]] == ["NOT_FOUND"]


class TestUpdateTask:
    async def test_edit_with_version_and_conflict(self, client: GraphQLClient) -> None:
        data = await client.query(
            '{ tasks(filter: {text: "秸秆禁烧"}) { edges { node { id version } } } }'
        )
        task = data["tasks"]["edges"][0]["node"]
        district = await _as(client, "城区")
        ok = await district.query(
            UPDATE,
            {
                "input": {
                    "task": task["id"],
                    "expectedVersion": task["version"],
                    "title": "秸秆禁烧巡查",
                    "deadline": {"text": "2023年12月底前"},
                    "weight": 2,
                }
            },
        )
        assert ok["updateTask"]["errors"] == []
        assert ok["updateTask"]["task"] == {
            "title": "秸秆禁烧巡查",
            "version": task["version"] + 1,
            "deadline": {"kind": "BY_DATE", "end": "2023-12-31"},
            "weight": 2.0,
        }
        stale = await district.query(
            UPDATE,
            {"input": {"task": task["id"], "expectedVersion": task["version"], "title": "x"}},
        )
        assert [e["code"] for e in stale["updateTask"]["errors"]] == ["VERSION_CONFLICT"]


class TestAssignAndDecompose:
    async def test_assign_by_group_and_decompose_then_progress_follows(
        self, client: GraphQLClient
    ) -> None:
        data = await client.query(
            '{ tasks(filter: {text: "秸秆禁烧"}) { edges { node { id version } } } }'
        )
        task = data["tasks"]["edges"][0]["node"]
        district = await _as(client, "城区")
        assigned = await district.query(
            ASSIGN,
            {
                "input": {
                    "task": task["id"],
                    "role": "COOPERATING",
                    "names": ["区农业农村局"],
                    "expectedVersion": task["version"],
                }
            },
        )
        assert assigned["assignTask"]["errors"] == []
        assert [u["name"] for u in assigned["assignTask"]["added"]] == ["城区农业农村局"]
        again = await district.query(
            ASSIGN,
            {"input": {"task": task["id"], "role": "COOPERATING", "names": ["区农业农村局"]}},
        )
        assert again["assignTask"]["added"] == []
        bad_role = await district.query(
            ASSIGN, {"input": {"task": task["id"], "role": "ANY", "names": ["区农业农村局"]}}
        )
        assert [e["code"] for e in bad_role["assignTask"]["errors"]] == ["INVALID_INPUT"]

    async def test_decompose_and_the_share_follows_its_subtasks(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        # 南村镇 leads air row 31; it splits its share between two of its own units.
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
        async with seeded_db.engine.begin() as conn:
            parent_row = {"id": town.id, "path": town.path, "depth": town.depth}
            village_a = await create_unit(conn, "南村镇甲村", parent=parent_row)
            village_b = await create_unit(conn, "南村镇乙村", parent=parent_row)
        data = await client.query(
            '{ tasks(filter: {text: "秸秆禁烧"}) { edges { node { id status } } } }'
        )
        task = data["tasks"]["edges"][0]["node"]
        from resolvers.common import global_id

        town_coordinator = await _as(client, "南村镇")
        split = await town_coordinator.query(
            DECOMPOSE,
            {
                "input": {
                    "task": task["id"],
                    "subtasks": [
                        {"title": "甲村巡查", "leads": [global_id("OrgUnit", village_a["id"])]},
                        {"title": "乙村巡查", "leads": [global_id("OrgUnit", village_b["id"])]},
                    ],
                }
            },
        )
        result = split["decomposeTask"]
        assert result["errors"] == []
        assert [s["title"] for s in result["subtasks"]] == ["甲村巡查", "乙村巡查"]
        assert result["subtasks"][0]["code"].endswith("/01")
        assert [s["title"] for s in result["task"]["subtasks"]] == ["甲村巡查", "乙村巡查"]
        # Each village completes its subtask: 南村镇's share of the parent follows.
        for sub, village in zip(result["subtasks"], (village_a, village_b), strict=True):
            reporter = client.as_viewer(village["id"], "REPORTER")
            lead = next(a for a in sub["assignments"] if a["role"] == "LEAD")
            done = await reporter.query(
                REPORT, {"input": {"assignment": lead["id"], "percent": 100}}
            )
            assert done["reportProgress"]["errors"] == []
        share = await client.query(
            """query ($id: ID!) { node(id: $id) { ... on Task {
                 assignments { status progress unit { name } } } } }""",
            {"id": task["id"]},
        )
        nancun = next(a for a in share["node"]["assignments"] if a["unit"]["name"] == "南村镇")
        assert (nancun["status"], nancun["progress"]) == ("COMPLETED", 100.0)

    async def test_only_a_lead_decomposes_and_only_to_subordinates(
        self, client: GraphQLClient
    ) -> None:
        data = await client.query('{ tasks(filter: {text: "秸秆禁烧"}) { edges { node { id } } } }')
        task = data["tasks"]["edges"][0]["node"]
        town = await _as(client, "南村镇")
        other_town = await _unit(client, "钟家庄街道")
        outside = await town.query(
            DECOMPOSE,
            {"input": {"task": task["id"], "subtasks": [{"title": "x", "leads": [other_town]}]}},
        )
        assert [e["code"] for e in outside["decomposeTask"]["errors"]] == ["UNKNOWN_UNIT"]
        bureau = await _as(client, "区生态环境分局")
        not_lead = await bureau.query(
            DECOMPOSE,
            {"input": {"task": task["id"], "subtasks": [{"title": "x", "leads": [other_town]}]}},
        )
        assert [e["code"] for e in not_lead["decomposeTask"]["errors"]] == ["NOT_FOUND"]


RENUMBER = """
mutation ($input: UpdateTaskInput!) { updateTask(input: $input) {
  task { code seq version subtasks { code seq } } errors { code field } } }
"""


class TestRenumberTask:
    async def test_renumbering_moves_the_code_and_frees_the_old_seq(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        from resolvers.common import global_id
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
            village = await create_unit(
                conn, "南村镇甲村", parent={"id": town.id, "path": town.path, "depth": town.depth}
            )
        data = await client.query(
            '{ tasks(filter: {text: "秸秆禁烧"}) { edges { node { id code seq version } } } }'
        )
        task = data["tasks"]["edges"][0]["node"]
        split = await (await _as(client, "南村镇")).query(
            DECOMPOSE,
            {
                "input": {
                    "task": task["id"],
                    "subtasks": [
                        {"title": "甲村巡查", "leads": [global_id("OrgUnit", village["id"])]}
                    ],
                }
            },
        )
        assert split["decomposeTask"]["subtasks"][0]["code"] == f"{task['code']}/01"
        district = await _as(client, "城区")
        moved = await district.query(
            RENUMBER,
            {"input": {"task": task["id"], "expectedVersion": task["version"], "seq": 301}},
        )
        prefix = task["code"].rsplit("/", 1)[0]
        assert moved["updateTask"]["errors"] == []
        assert moved["updateTask"]["task"]["code"] == f"{prefix}/301"
        assert moved["updateTask"]["task"]["subtasks"] == [{"code": f"{prefix}/301/01", "seq": 1}]
        # The old 序号 (and its code) is free for a new task.
        reused = await district.query(
            CREATE,
            {
                "input": {
                    "plan": await _air_plan(client),
                    "title": "新增秸秆禁烧任务",
                    "seq": task["seq"],
                    "leadNames": ["区住建局"],
                }
            },
        )
        assert reused["createTask"]["errors"] == []
        assert reused["createTask"]["task"]["code"] == task["code"]
        # A 序号 a sibling holds is a DUPLICATE payload error; the task stays as it was.
        taken = await district.query(
            RENUMBER,
            {
                "input": {
                    "task": task["id"],
                    "expectedVersion": moved["updateTask"]["task"]["version"],
                    "seq": task["seq"],
                    "title": "改名",
                }
            },
        )
        assert [(e["code"], e["field"]) for e in taken["updateTask"]["errors"]] == [
            ("DUPLICATE", "seq")
        ]
        again = await client.query(
            "query ($id: ID!) { node(id: $id) { ... on Task { code seq version } } }",
            {"id": task["id"]},
        )
        assert again["node"] == {
            "code": f"{prefix}/301",
            "seq": 301,
            "version": moved["updateTask"]["task"]["version"],
        }

    async def test_renumbering_a_subtask_keeps_its_parent_prefix(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        from resolvers.common import global_id
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
            village = await create_unit(
                conn, "南村镇甲村", parent={"id": town.id, "path": town.path, "depth": town.depth}
            )
        data = await client.query(
            '{ tasks(filter: {text: "秸秆禁烧"}) { edges { node { id code } } } }'
        )
        task = data["tasks"]["edges"][0]["node"]
        lead = global_id("OrgUnit", village["id"])
        split = await (await _as(client, "南村镇")).query(
            DECOMPOSE,
            {
                "input": {
                    "task": task["id"],
                    "subtasks": [
                        {"title": "甲村", "leads": [lead]},
                        {"title": "乙", "leads": [lead]},
                    ],
                }
            },
        )
        first = split["decomposeTask"]["subtasks"][0]
        moved = await (await _as(client, "南村镇")).query(
            RENUMBER, {"input": {"task": first["id"], "expectedVersion": 1, "seq": 7}}
        )
        assert moved["updateTask"]["task"]["code"] == f"{task['code']}/07"
        clash = await (await _as(client, "南村镇")).query(
            RENUMBER, {"input": {"task": first["id"], "expectedVersion": 2, "seq": 2}}
        )
        assert [e["code"] for e in clash["updateTask"]["errors"]] == ["DUPLICATE"]
