"""Task.label does not depend on the viewer (issue 16, point 5).

The 序号 path is stored on the task (task.seq_path), not walked up through the parents the
viewer can see: a village given subtask 1 of a town's task reads 2023大气-N.1 although it cannot
see task N, on the resolvers and on the compiled path (PostgreSQL) alike, and still does
after the task is renumbered.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from resolvers.common import decode_global_id, global_id
from tests.conftest import GraphQLClient, TestDatabase, graphql_client
from tests.factories import create_unit, table

DECOMPOSE = """
mutation ($input: DecomposeTaskInput!) { decomposeTask(input: $input) {
  subtasks { id } errors { code } } }
"""
RENUMBER = """
mutation ($input: UpdateTaskInput!) { updateTask(input: $input) { errors { code } } }
"""
VIEW = """
query ($parent: ID!) {
  parent: node(id: $parent) { id }
  tasks(first: 100) { edges { node { id label } } }
}
"""


async def _as(client: GraphQLClient, name: str, role: str) -> GraphQLClient:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    return client.as_viewer(decode_global_id(data["orgUnit"]["id"]), role)


async def _labels(db: TestDatabase, unit_id: Any, parent_id: str) -> list[dict[str, str]]:
    """What the unit's REPORTER reads on both read paths (they agree); the parent is hidden."""
    answers = []
    for compiled in (True, False):
        async with graphql_client(db, compiled=compiled) as gql:
            data = await gql.as_viewer(unit_id).query(VIEW, {"parent": parent_id})
        assert data["parent"] is None  # the viewer cannot see the parent task
        answers.append([e["node"] for e in data["tasks"]["edges"]])
    assert answers[0] == answers[1]
    return answers[0]


async def test_a_subtask_keeps_its_full_label_for_a_viewer_who_cannot_see_its_parent(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    units = table("org_unit")
    async with seeded_db.engine.begin() as conn:
        town = (
            await conn.execute(
                sa.select(units.c.id, units.c.path, units.c.depth).where(units.c.name == "南村镇")
            )
        ).one()
        village = await create_unit(
            conn, "南村镇甲村", parent={"id": town.id, "path": town.path, "depth": town.depth}
        )
    data = await client.query(
        '{ tasks(filter: {text: "秸秆禁烧"}) { edges { node { id seq label version } } } }'
    )
    task = data["tasks"]["edges"][0]["node"]
    assert task["label"] == f"2023大气-{task['seq']}"
    split = await (await _as(client, "南村镇", "COORDINATOR")).query(
        DECOMPOSE,
        {
            "input": {
                "task": task["id"],
                "subtasks": [
                    {"title": "甲村巡查", "leads": [global_id("OrgUnit", village["id"])]},
                    {"title": "甲村复查", "leads": [global_id("OrgUnit", village["id"])]},
                ],
            }
        },
    )
    assert split["decomposeTask"]["errors"] == []
    first, second = (s["id"] for s in split["decomposeTask"]["subtasks"])
    seen = await _labels(seeded_db, village["id"], task["id"])
    assert {t["id"]: t["label"] for t in seen} == {
        first: f"2023大气-{task['seq']}.1",
        second: f"2023大气-{task['seq']}.2",
    }
    # Renumbering the parent renumbers its subtasks' paths in the same write.
    moved = await (await _as(client, "城区", "COORDINATOR")).query(
        RENUMBER, {"input": {"task": task["id"], "expectedVersion": task["version"], "seq": 301}}
    )
    assert moved["updateTask"]["errors"] == []
    seen = await _labels(seeded_db, village["id"], task["id"])
    assert {t["id"]: t["label"] for t in seen} == {
        first: "2023大气-301.1",
        second: "2023大气-301.2",
    }


DOCUMENT = """
mutation ($i: CreateDocumentInput!) { createDocument(input: $i) {
  document { id } errors { code } } }
"""
PLAN = """
mutation ($i: CreatePlanInput!) { createPlan(input: $i) { plan { id } errors { code } } }
"""
TASK = """
mutation ($i: CreateTaskInput!) { createTask(input: $i) {
  task { id label } errors { code } } }
"""
LEAD_VIEW = """
query ($unit: ID!) { node(id: $unit) { ... on OrgUnit {
  tasks(first: 100, includeDescendants: true) { totalCount edges { node { id label } } }
} } }
"""


async def _plan(
    admin: GraphQLClient, district: str, issued_on: str, year: int | None, number: str
) -> str:
    doc = await admin.query(
        DOCUMENT,
        {
            "i": {
                "title": f"城区大气污染防治行动计划（{number}）",
                "kind": "NOTICE",
                "docNumber": number,
                "issuer": district,
                "issuedOn": issued_on,
            }
        },
    )
    assert doc["createDocument"]["errors"] == []
    plan = await admin.query(
        PLAN,
        {
            "i": {
                "document": doc["createDocument"]["document"]["id"],
                "title": "大气污染防治行动计划",
                "kind": "ACTION_PLAN",
                "field": "AIR",
                "year": year,
            }
        },
    )
    assert plan["createPlan"]["errors"] == []
    plan_id: str = plan["createPlan"]["plan"]["id"]
    return plan_id


async def test_air_plans_of_other_years_never_share_a_label_in_a_units_view(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    """Before: 2024's air plan gave a second 大气-1 beside 2023's in its leads' view."""
    district = (await client.query('{ orgUnit(name: "城区") { id } }'))["orgUnit"]["id"]
    admin = client.as_viewer(decode_global_id(district), "ADMIN")
    data = await client.query(
        '{ tasks(filter: {docNumber: "城政办发〔2023〕20号", text: "秸秆禁烧"}) '
        "{ edges { node { seq label leadUnits { id name } } } } }"
    )
    seeded = data["tasks"]["edges"][0]["node"]
    lead = seeded["leadUnits"][0]
    # 2024's air plan (its own year) and a 2025 document's plan without one (its issue year).
    plans = {
        2024: await _plan(admin, district, "2024-03-01", 2024, "城政办发〔2024〕8号"),
        2025: await _plan(admin, district, "2025-02-10", None, "城政办发〔2025〕3号"),
    }
    created = {}
    for year, plan in plans.items():
        made = await admin.query(
            TASK,
            {
                "i": {
                    "plan": plan,
                    "title": f"{year}年秸秆禁烧",
                    "seq": seeded["seq"],
                    "leads": [lead["id"]],
                }
            },
        )
        assert made["createTask"]["errors"] == []
        created[year] = made["createTask"]["task"]
    seq = seeded["seq"]
    assert seeded["label"] == f"2023大气-{seq}"
    assert {y: t["label"] for y, t in created.items()} == {
        2024: f"2024大气-{seq}",
        2025: f"2025大气-{seq}",
    }
    # In the lead's view and the district's, on both read paths: every label once.
    for viewer, role in ((lead["id"], "VIEWER"), (district, "ADMIN")):
        answers = []
        for compiled in (True, False):
            async with graphql_client(seeded_db, compiled=compiled) as gql:
                reader = gql.as_viewer(decode_global_id(viewer), role)
                answers.append((await reader.query(LEAD_VIEW, {"unit": viewer}))["node"]["tasks"])
        assert answers[0] == answers[1]
        view = answers[0]
        assert view["totalCount"] <= 100
        labels = [e["node"]["label"] for e in view["edges"]]
        assert len(labels) == len(set(labels)), (lead["name"], role)
        assert {f"2023大气-{seq}", f"2024大气-{seq}", f"2025大气-{seq}"} <= set(labels)
