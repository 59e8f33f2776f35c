"""Task.label does not depend on the viewer (issue 16, point 5).

The 序号 path is stored on the task (task.seq_path), not walked up through the parents the
viewer can see: a village given subtask 1 of a town's task reads 大气-N.1 although it cannot
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
    assert task["label"] == f"大气-{task['seq']}"
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
        first: f"大气-{task['seq']}.1",
        second: f"大气-{task['seq']}.2",
    }
    # Renumbering the parent renumbers its subtasks' paths in the same write.
    moved = await (await _as(client, "城区", "COORDINATOR")).query(
        RENUMBER, {"input": {"task": task["id"], "expectedVersion": task["version"], "seq": 301}}
    )
    assert moved["updateTask"]["errors"] == []
    seen = await _labels(seeded_db, village["id"], task["id"])
    assert {t["id"]: t["label"] for t in seen} == {first: "大气-301.1", second: "大气-301.2"}
