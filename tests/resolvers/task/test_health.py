"""亮灯 through GraphQL on both databases: Task.health and Assignment.health follow
models/rules/health.py, rollups count green/yellow/red (adding up to total, red = overdue),
and TaskFilter.health lists the lit tasks."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from models.enums import DeadlineKind
from models.rules import calendar
from models.rules.health import health
from resolvers.common import decode_global_id
from tests.conftest import GraphQLClient

TITLE = "南村铸造工业园区空气站"  # BY_DATE 2023-04-30; leads 城区生态环境分局 and 南村镇
ISSUER = "城区人民政府办公室"

TASKS = """
query ($d: Date) { tasks(first: 100) { totalCount edges { node { id status progress
  deadline { kind start end } document { issuedOn } health(asOf: $d) overdue(asOf: $d)
  assignments { id role status progress unit { name } health(asOf: $d) overdue(asOf: $d) }
} } } }
"""
ROLLUPS = """
query ($d: Date) {
  orgUnit(name: "城区") { taskRollup(asOf: $d) { total overdue green yellow red }
    children { name taskRollup(asOf: $d) { total overdue green yellow red } } }
  plans(first: 20) { edges { node { taskRollup(asOf: $d) { total overdue green yellow red } } } }
}
"""
ONE = """
query ($t: String!) { tasks(filter: {text: $t}) { edges { node { id version health
  deadline { end } assignments { id unit { name } health } } } } }
"""


async def _as(client: GraphQLClient, name: str, role: str) -> GraphQLClient:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    return client.as_viewer(decode_global_id(data["orgUnit"]["id"]), role)


def _expected(node: dict[str, Any], as_of: date) -> str:
    deadline = node["deadline"]
    start = deadline["start"] or node["document"]["issuedOn"]
    return health(
        node["status"] == "COMPLETED",
        DeadlineKind(deadline["kind"]),
        date.fromisoformat(start) if start else None,
        date.fromisoformat(deadline["end"]) if deadline["end"] else None,
        node["progress"],
        as_of,
    ).value


async def test_task_and_share_lights_follow_the_rule(client: GraphQLClient) -> None:
    today = calendar.today()
    data = await client.query(TASKS, {"d": None})
    nodes = [e["node"] for e in data["tasks"]["edges"]]
    assert nodes
    for node in nodes:
        assert node["health"] == _expected(node, today), node
        for share in node["assignments"]:
            assert share["health"] == _expected(
                {**node, "status": share["status"], "progress": share["progress"]}, today
            )
    lights = {node["health"] for node in nodes}
    assert {"RED", "GREEN"} <= lights  # the seed's 2023 deadlines have passed; 长期坚持 is green
    # Any day: red exactly when overdue, the task and every share.
    past = await client.query(TASKS, {"d": "2023-06-15"})
    for edge in past["tasks"]["edges"]:
        node = edge["node"]
        assert (node["health"] == "RED") is node["overdue"], node
        for share in node["assignments"]:
            if share["health"] is not None:
                assert (share["health"] == "RED") is share["overdue"], share


async def test_rollups_count_lights_adding_up_to_total(client: GraphQLClient) -> None:
    for day in (None, "2023-03-31", "2023-06-15", "2023-12-31"):
        data = await client.query(ROLLUPS, {"d": day})
        unit = data["orgUnit"]
        rollups = [unit["taskRollup"], *(c["taskRollup"] for c in unit["children"])]
        rollups += [e["node"]["taskRollup"] for e in data["plans"]["edges"]]
        for rollup in rollups:
            assert rollup["green"] + rollup["yellow"] + rollup["red"] == rollup["total"], day
            assert rollup["red"] == rollup["overdue"], day
        if day is None:  # today: the seed's 2023 deadlines have passed
            assert unit["taskRollup"]["red"] > 0


async def test_the_health_filter_lists_the_lit_tasks(client: GraphQLClient) -> None:
    data = await client.query(TASKS, {"d": None})
    by_light: dict[str, set[str]] = {}
    for edge in data["tasks"]["edges"]:
        by_light.setdefault(edge["node"]["health"], set()).add(edge["node"]["id"])
    for light, ids in by_light.items():
        found = await client.query(
            "query ($h: [Health!]) { tasks(filter: {health: $h}, first: 100) {"
            " totalCount edges { node { id } } } }",
            {"h": [light]},
        )
        assert {e["node"]["id"] for e in found["tasks"]["edges"]} == ids, light
    both = await client.query("{ tasks(filter: {health: [YELLOW, RED]}) { totalCount } }")
    assert both["tasks"]["totalCount"] == len(by_light.get("YELLOW", set())) + len(
        by_light.get("RED", set())
    )


async def test_yellow_when_due_soon_or_behind_the_pro_rata_progress(
    client: GraphQLClient,
) -> None:
    today = calendar.today()
    office = await _as(client, ISSUER, "COORDINATOR")
    node = (await client.query(ONE, {"t": TITLE}))["tasks"]["edges"][0]["node"]
    assert node["health"] == "RED"

    async def move(end: date, version: int) -> dict[str, Any]:
        result = await office.query(
            """mutation ($input: UpdateTaskInput!) { updateTask(input: $input) {
                 task { version } errors { code } } }""",
            {
                "input": {
                    "task": node["id"],
                    "expectedVersion": version,
                    "deadline": {"kind": "BY_DATE", "end": end.isoformat()},
                }
            },
        )
        assert result["updateTask"]["errors"] == []
        after: dict[str, Any] = (await client.query(ONE, {"t": TITLE}))["tasks"]["edges"][0]["node"]
        return after

    soon = await move(today + timedelta(days=10), node["version"])
    assert soon["health"] == "YELLOW"  # due within 14 days
    far = await move(today + timedelta(days=400), soon["version"])
    assert far["health"] == "YELLOW"  # at 0% long after the 2023 issue date: behind
    # 南村镇 reports 95%: its own share is on pace, the task (mean with the bureau's 0%) not.
    town = await _as(client, "南村镇", "REPORTER")
    share = next(a for a in far["assignments"] if a["unit"]["name"] == "南村镇")
    reported = await town.query(
        """mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
             errors { code } } }""",
        {"input": {"assignment": share["id"], "percent": 95, "narrative": "空气站已安装"}},
    )
    assert reported["reportProgress"]["errors"] == []
    lit = (await client.query(ONE, {"t": TITLE}))["tasks"]["edges"][0]["node"]
    lights = {a["unit"]["name"]: a["health"] for a in lit["assignments"]}
    assert lights["南村镇"] == "GREEN"
    assert lights["城区生态环境分局"] == "YELLOW"
    assert lit["health"] == "YELLOW"
