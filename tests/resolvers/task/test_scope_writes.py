"""One scope for reads and writes (models/rules/scope.py), over HTTP on the seed data.

ADMIN writes where it reads; editing a task belongs to its plan's issuer and the units above
it; a unit reports on shares in its subtree; a unit assigned to a task sees the other units on
it and their shares' state, and nothing else of theirs.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from resolvers.common import decode_global_id, global_id
from tests.conftest import GraphQLClient, TestDatabase
from tests.factories import table

UPDATE = """
mutation ($input: UpdateTaskInput!) { updateTask(input: $input) {
  task { title version deadline { end } } errors { code field } } }
"""
ASSIGN = """
mutation ($input: AssignTaskInput!) { assignTask(input: $input) { errors { code } } }
"""
REPORT = """
mutation ($input: ReportProgressInput!) { reportProgress(input: $input) { errors { code } } }
"""
NODE_TASK = """
query ($id: ID!) { node(id: $id) { ... on Task {
  id version
  leadUnits { name kind lineParent { name } }
  assignments { id status progress unit { name } }
  reports(first: 100) { edges { node { id } } } } } }
"""
STRAW = "秸秆禁烧"  # a district task that all ten towns (各镇（街道）) lead
FIVE = "市区20公里范围内不再新上涉气项目"  # led by five district bureaus
FIVE_LEADS = {
    "城区发改（能源）局",
    "城区工信局",
    "城区民营经济局",
    "城区行政审批局",
    "城区生态环境分局",
}


async def _units(db: TestDatabase) -> dict[str, uuid.UUID]:
    u = table("org_unit")
    async with db.engine.connect() as conn:
        return {r.name: r.id for r in await conn.execute(sa.select(u.c.name, u.c.id))}


async def _task(client: GraphQLClient, text: str) -> dict[str, Any]:
    data = await client.query(
        "query ($t: String!) { tasks(filter: {text: $t}) { edges { node { id version } } } }",
        {"t": text},
    )
    node: dict[str, Any] = data["tasks"]["edges"][0]["node"]
    return node


def _codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]


class TestAdminWritesWhereItReads:
    async def test_an_admin_of_a_town_edits_a_task_it_reads(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        units = await _units(seeded_db)
        admin = client.as_viewer(units["南村镇"], "ADMIN")
        listed = await admin.query("{ tasks(first: 100) { totalCount } }")
        assert listed["tasks"]["totalCount"] == 65
        task = await _task(admin, FIVE)  # not 南村镇's, not issued under it
        data = await admin.query(
            UPDATE,
            {"input": {"task": task["id"], "expectedVersion": task["version"], "title": "改"}},
        )
        assert data["updateTask"]["errors"] == []
        assert data["updateTask"]["task"]["title"] == "改"


class TestEditingATaskBelongsToItsIssuer:
    @pytest.mark.parametrize(
        "change",
        [{"title": "镇改的标题"}, {"deadline": {"text": "2030年12月底前"}}],
        ids=["retitle", "redate"],
    )
    async def test_a_town_leading_a_district_task_is_forbidden(
        self, client: GraphQLClient, seeded_db: TestDatabase, change: dict[str, Any]
    ) -> None:
        units = await _units(seeded_db)
        task = await _task(client, STRAW)
        town = client.as_viewer(units["南村镇"], "COORDINATOR")
        seen = await town.query(NODE_TASK, {"id": task["id"]})
        assert seen["node"] is not None  # it leads the task: it sees it
        data = await town.query(
            UPDATE, {"input": {"task": task["id"], "expectedVersion": task["version"], **change}}
        )
        assert _codes(data["updateTask"]) == ["FORBIDDEN"]
        assert (await _task(client, STRAW))["version"] == task["version"]
        assigned = await town.query(
            ASSIGN, {"input": {"task": task["id"], "role": "COOPERATING", "names": ["南村镇"]}}
        )
        assert _codes(assigned["assignTask"]) == ["FORBIDDEN"]

    async def test_a_unit_that_cannot_see_the_task_gets_not_found(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        units = await _units(seeded_db)
        task = await _task(client, STRAW)
        other = client.as_viewer(units["阳城县"], "COORDINATOR")
        data = await other.query(
            UPDATE, {"input": {"task": task["id"], "expectedVersion": 1, "title": "x"}}
        )
        assert _codes(data["updateTask"]) == ["NOT_FOUND"]

    @pytest.mark.parametrize(
        "change",
        [{"title": "区改的标题"}, {"deadline": {"text": "2030年12月底前"}}],
        ids=["retitle", "redate"],
    )
    async def test_the_issuing_districts_coordinator_edits_it(
        self, client: GraphQLClient, seeded_db: TestDatabase, change: dict[str, Any]
    ) -> None:
        units = await _units(seeded_db)
        task = await _task(client, STRAW)
        district = client.as_viewer(units["城区"], "COORDINATOR")
        data = await district.query(
            UPDATE, {"input": {"task": task["id"], "expectedVersion": task["version"], **change}}
        )
        assert data["updateTask"]["errors"] == []
        assert data["updateTask"]["task"]["version"] == task["version"] + 1


class TestCoAssignedUnits:
    async def test_a_bureau_sees_the_other_leads_and_their_shares(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        units = await _units(seeded_db)
        task = await _task(client, FIVE)
        bureau = client.as_viewer(units["城区生态环境分局"], "VIEWER")
        node = (await bureau.query(NODE_TASK, {"id": task["id"]}))["node"]
        assert {u["name"] for u in node["leadUnits"]} == FIVE_LEADS
        assert {a["unit"]["name"] for a in node["assignments"]} == FIVE_LEADS
        assert all(a["status"] and a["progress"] is not None for a in node["assignments"])
        own = next(u for u in node["leadUnits"] if u["name"] == "城区生态环境分局")
        assert own["lineParent"] == {"name": "晋城市生态环境局"}  # its 条 superior
        me = await bureau.query(
            "query ($id: ID!) { node(id: $id) { ... on OrgUnit { lineParent { name } } } }",
            {"id": global_id("OrgUnit", units["城区生态环境分局"])},
        )
        assert me["node"]["lineParent"] == {"name": "晋城市生态环境局"}

    async def test_nothing_else_of_a_co_lead_is_visible(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        units = await _units(seeded_db)
        # 城区工信局 and 城区生态环境分局 both lead the five-lead task; the latter leads 40 more.
        bureau_id, peer_id = units["城区工信局"], units["城区生态环境分局"]
        a, t = table("assignment"), table("task")
        async with seeded_db.engine.connect() as conn:
            shared = set(
                (await conn.execute(sa.select(a.c.task_id).where(a.c.org_unit_id == bureau_id)))
                .scalars()
                .all()
            )
            peers = set(
                (await conn.execute(sa.select(a.c.task_id).where(a.c.org_unit_id == peer_id)))
                .scalars()
                .all()
            )
            issued_by_bureau = set(
                (
                    await conn.execute(
                        sa.select(t.c.id)
                        .join(table("document"), table("document").c.id == t.c.document_id)
                        .where(table("document").c.issuer_id == bureau_id)
                    )
                )
                .scalars()
                .all()
            )
        others = peers - shared - issued_by_bureau
        assert others, "the seed has tasks of 城区生态环境分局 without 城区工信局"
        bureau = client.as_viewer(bureau_id, "COORDINATOR")
        for task_id in sorted(others):
            found = await bureau.query(NODE_TASK, {"id": global_id("Task", task_id)})
            assert found["node"] is None
        listed = await bureau.query(
            """query ($id: ID!) { node(id: $id) { ... on OrgUnit { name
                 tasks(role: ANY, first: 100) { edges { node { id } } }
                 children { name } } } }""",
            {"id": global_id("OrgUnit", peer_id)},
        )
        peer = listed["node"]
        assert peer["name"] == "城区生态环境分局"
        assert {decode_global_id(e["node"]["id"]) for e in peer["tasks"]["edges"]} <= shared
        # The co-lead's reports (narratives) on the shared task stay its own.
        task = await _task(client, FIVE)
        peer_client = client.as_viewer(peer_id, "REPORTER")
        shares = (await peer_client.query(NODE_TASK, {"id": task["id"]}))["node"]["assignments"]
        peer_share = next(s for s in shares if s["unit"]["name"] == "城区生态环境分局")
        reported = await peer_client.query(
            REPORT, {"input": {"assignment": peer_share["id"], "percent": 40, "narrative": "内部"}}
        )
        assert reported["reportProgress"]["errors"] == []
        node = (await bureau.query(NODE_TASK, {"id": task["id"]}))["node"]
        assert node["reports"]["edges"] == []
        progress = {a["unit"]["name"]: a["progress"] for a in node["assignments"]}
        assert progress["城区生态环境分局"] == 40.0  # its share's state is visible


ROLES = ["VIEWER", "REPORTER", "COORDINATOR", "ADMIN"]
RANK = {role: n for n, role in enumerate(ROLES)}
MATRIX_UNITS = ["城区", "南村镇", "城区生态环境分局", "城区工信局", "阳城县", "山西省"]


async def _oracle(db: TestDatabase) -> dict[str, Any]:
    """The tree and the seed's tasks, read directly: an oracle independent of scope.py."""
    c, a, t, d = table("org_unit_closure"), table("assignment"), table("task"), table("document")
    async with db.engine.connect() as conn:
        below: dict[uuid.UUID, set[uuid.UUID]] = {}
        for row in await conn.execute(sa.select(c.c.ancestor_id, c.c.descendant_id)):
            below.setdefault(row.ancestor_id, set()).add(row.descendant_id)
        issuer = {
            row.id: row.issuer_id
            for row in await conn.execute(
                sa.select(t.c.id, d.c.issuer_id).join(d, d.c.id == t.c.document_id)
            )
        }
        shares = [
            (row.id, row.task_id, row.org_unit_id, row.version)
            for row in await conn.execute(
                sa.select(a.c.id, a.c.task_id, a.c.org_unit_id, a.c.version)
            )
        ]
    return {"below": below, "issuer": issuer, "shares": shares}


class TestReadsAndWritesAgree:
    async def test_a_viewer_writes_exactly_where_the_rules_say(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        """For random tasks and shares, each viewer's write is allowed exactly where the
        decided rules allow it; invisible objects are NOT_FOUND, visible ones FORBIDDEN.
        Writes carry a stale expectedVersion, so an allowed one ends in VERSION_CONFLICT
        and nothing changes."""
        units = await _units(seeded_db)
        oracle = await _oracle(seeded_db)
        below, issuer, shares = oracle["below"], oracle["issuer"], oracle["shares"]
        rng = random.Random(13)
        tasks = sorted(issuer)
        for name in MATRIX_UNITS:
            unit = units[name]
            subtree = below[unit]
            visible_tasks = {
                task
                for task in tasks
                if issuer[task] in subtree or any(s[1] == task and s[2] in subtree for s in shares)
            }
            for role in ROLES:
                who = client.as_viewer(unit, role)
                admin = role == "ADMIN"
                for task in rng.sample(tasks, 6):
                    data = await who.query(
                        UPDATE,
                        {
                            "input": {
                                "task": global_id("Task", task),
                                "expectedVersion": 0,
                                "title": "x",
                            }
                        },
                    )
                    if RANK[role] < RANK["COORDINATOR"]:
                        expected = "FORBIDDEN"
                    elif not admin and task not in visible_tasks:
                        expected = "NOT_FOUND"
                    elif admin or issuer[task] in subtree:
                        expected = "VERSION_CONFLICT"
                    else:
                        expected = "FORBIDDEN"
                    assert _codes(data["updateTask"]) == [expected], (name, role, task)
                for share_id, task, share_unit, version in rng.sample(shares, 6):
                    data = await who.query(
                        REPORT,
                        {
                            "input": {
                                "assignment": global_id("Assignment", share_id),
                                "percent": 1,
                                "expectedVersion": version + 100,
                            }
                        },
                    )
                    if RANK[role] < RANK["REPORTER"]:
                        expected = "FORBIDDEN"
                    elif not admin and task not in visible_tasks:
                        expected = "NOT_FOUND"
                    elif admin or share_unit in subtree:
                        expected = "VERSION_CONFLICT"
                    else:
                        expected = "FORBIDDEN"
                    assert _codes(data["reportProgress"]) == [expected], (name, role, share_id)
