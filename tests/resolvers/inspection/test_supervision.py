"""A supervising office (issue 17, point 6): 区环委办 designated supervisor of the provincial
inspection's rectification list for 城区 (the rectification plan: 销号验收报告 "由区环委办汇总"),
and of a plan. It sees the supervised items / tasks and their rollups, runs 验收/销号 on the
items, without being above their units in the tree; it sees nothing else of those units.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tests.conftest import GraphQLClient, TestDatabase
from tests.resolvers.inspection.test_shares import XI, ZHONG, _count, _move, _unit_id
from tests.resolvers.inspection.test_transitions import _item, _viewer

OFFICE = "区环委办"  # 城区生态环境保护委员会办公室, a department of 城区

DESIGNATE = """
mutation ($input: SupervisorInput!) { designateSupervisor(input: $input) {
  supervision { unit { name } inspection { name } plan { title } }
  errors { code field } } }
"""
REVOKE = """
mutation ($input: SupervisorInput!) { revokeSupervisor(input: $input) {
  supervision { unit { name } } errors { code field } } }
"""
SEEN = """
{ rectifications(first: 100) { totalCount edges { node { id seq } } }
  tasks(first: 1) { totalCount } }
"""
NODE = "query ($id: ID!) { node(id: $id) { id } }"


async def _inspection(client: GraphQLClient) -> str:
    data = await client.query("{ inspections(first: 5) { edges { node { id name } } } }")
    return str(data["inspections"]["edges"][0]["node"]["id"])


async def _plans(client: GraphQLClient) -> list[dict[str, Any]]:
    data = await client.query(
        "{ plans(first: 10) { edges { node { id title tasks(first: 1) { totalCount"
        " edges { node { id } } } } } } }"
    )
    return [e["node"] for e in data["plans"]["edges"] if e["node"]["tasks"]["totalCount"]]


async def test_a_designated_office_sees_and_verifies_the_inspections_items(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    inspection = await _inspection(client)
    office_id = await _unit_id(client, OFFICE)
    office = await _viewer(client, OFFICE, "COORDINATOR")
    district = await _viewer(client, "城区", "COORDINATOR")
    item = (await _item(client, 8))["id"]
    before = await office.query(SEEN)
    assert item not in [e["node"]["id"] for e in before["rectifications"]["edges"]]
    assert (await office.query(NODE, {"id": item}))["node"] is None

    designated = await district.query(
        DESIGNATE, {"input": {"target": inspection, "unit": office_id}}
    )
    assert designated["designateSupervisor"]["errors"] == []
    assert designated["designateSupervisor"]["supervision"]["unit"] == {
        "name": "城区生态环境保护委员会办公室"
    }
    supervisors = await client.query(
        "query ($id: ID!) { node(id: $id) { ... on Inspection { supervisors { name } } } }",
        {"id": inspection},
    )
    assert supervisors["node"]["supervisors"] == [{"name": "城区生态环境保护委员会办公室"}]

    # It sees every item of the list (and each share's unit), not the units' other work.
    after = await office.query(SEEN)
    everything = await client.query(SEEN)
    assert after["rectifications"]["totalCount"] == everything["rectifications"]["totalCount"]
    assert after["tasks"]["totalCount"] == before["tasks"]["totalCount"]
    shares = await office.query(
        "query ($id: ID!) { node(id: $id) { ... on Rectification { shares { unit { name } } } } }",
        {"id": item},
    )
    assert [s["unit"]["name"] for s in shares["node"]["shares"]] == [XI, ZHONG]
    rollup = await office.query('{ orgUnit(name: "西上庄街道") { rectificationRollup { total } } }')
    assert rollup["orgUnit"]["rectificationRollup"]["total"] >= 1

    # 验收/销号 of item 8 once both towns completed their shares.
    for town in (XI, ZHONG):
        reporter = await _viewer(client, town, "REPORTER")
        assert (await _move(reporter, item, "IN_PROGRESS", 1))["errors"] == []
        assert (await _move(reporter, item, "COMPLETED", 2))["errors"] == []
    version = 5
    verified = await _move(office, item, "VERIFIED", version)
    assert verified["errors"] == []
    assert verified["rectification"]["status"] == "VERIFIED"
    closed = await _move(office, item, "CLOSED", version + 1)
    assert closed["errors"] == []
    assert closed["rectification"]["status"] == "CLOSED"

    # Another unit, neither responsible nor supervising, cannot: it does not even see it.
    other = await _viewer(client, "南村镇", "COORDINATOR")
    events = await _count(seeded_db, "rectification_event")
    refused = await _move(other, item, "REOPENED", version + 2)
    assert [e["code"] for e in refused["errors"]] == ["NOT_FOUND"]
    assert await _count(seeded_db, "rectification_event") == events

    # Revoked: the items leave its view (node(id:) too) and its rights go with them.
    revoked = await district.query(REVOKE, {"input": {"target": inspection, "unit": office_id}})
    assert revoked["revokeSupervisor"]["errors"] == []
    assert (await office.query(NODE, {"id": item}))["node"] is None
    gone = await _move(office, item, "REOPENED", version + 2)
    assert [e["code"] for e in gone["errors"]] == ["NOT_FOUND"]
    again = await district.query(REVOKE, {"input": {"target": inspection, "unit": office_id}})
    assert again["revokeSupervisor"]["errors"] == [{"code": "NOT_FOUND", "field": "unit"}]


async def test_a_plan_supervisor_sees_that_plans_tasks_and_nothing_else(
    client: GraphQLClient,
) -> None:
    plans = await _plans(client)
    supervised, unrelated = plans[0], plans[1]
    office_id = await _unit_id(client, OFFICE)
    office = await _viewer(client, OFFICE, "REPORTER")
    district = await _viewer(client, "城区", "COORDINATOR")
    task = supervised["tasks"]["edges"][0]["node"]["id"]
    other_task = unrelated["tasks"]["edges"][0]["node"]["id"]
    seen = await office.query(SEEN)
    seen_before = (await office.query(NODE, {"id": other_task}))["node"]

    result = await district.query(
        DESIGNATE, {"input": {"target": supervised["id"], "unit": office_id}}
    )
    assert result["designateSupervisor"]["errors"] == []
    assert result["designateSupervisor"]["supervision"]["plan"] == {"title": supervised["title"]}
    assert (await office.query(NODE, {"id": task}))["node"] == {"id": task}
    assert (await office.query(NODE, {"id": other_task}))["node"] == seen_before
    plan_tasks = await office.query(
        "query ($id: ID!) { node(id: $id) { ... on Plan { tasks { totalCount }"
        " taskRollup { total } } } }",
        {"id": supervised["id"]},
    )
    everyone = await client.query(
        "query ($id: ID!) { node(id: $id) { ... on Plan { tasks { totalCount }"
        " taskRollup { total } } } }",
        {"id": supervised["id"]},
    )
    assert plan_tasks == everyone
    now = await office.query(SEEN)
    assert now["tasks"]["totalCount"] >= seen["tasks"]["totalCount"]
    assert now["rectifications"] == seen["rectifications"]  # nothing of the inspection


async def test_who_may_designate(client: GraphQLClient, seeded_db: TestDatabase) -> None:
    inspection = await _inspection(client)
    office_id = await _unit_id(client, OFFICE)
    town = await _viewer(client, XI, "COORDINATOR")
    reporter = await _viewer(client, "城区", "REPORTER")
    district = await _viewer(client, "城区", "COORDINATOR")
    rows = [await _count(seeded_db, t) for t in ("supervision", "audit_event")]

    async def codes(who: GraphQLClient, target: str, unit: str) -> list[Any]:
        data = await who.query(DESIGNATE, {"input": {"target": target, "unit": unit}})
        assert data["designateSupervisor"]["supervision"] is None
        return [(e["code"], e["field"]) for e in data["designateSupervisor"]["errors"]]

    # A responsible town sees the inspection but did not issue it; a REPORTER is too low.
    assert await codes(town, inspection, office_id) == [("FORBIDDEN", "target")]
    assert await codes(reporter, inspection, office_id) == [("FORBIDDEN", None)]
    # Only plans and inspections are supervised; the unit must be in the designator's scope.
    assert await codes(district, office_id, office_id) == [("INVALID_INPUT", "target")]
    province = await _unit_id(client, "山西省")
    assert await codes(district, inspection, province) == [("UNKNOWN_UNIT", "unit")]
    assert [await _count(seeded_db, t) for t in ("supervision", "audit_event")] == rows

    first = await district.query(DESIGNATE, {"input": {"target": inspection, "unit": office_id}})
    assert first["designateSupervisor"]["errors"] == []
    assert await codes(district, inspection, office_id) == [("DUPLICATE", "unit")]
    async with seeded_db.engine.connect() as conn:
        assert (await conn.execute(sa.text("SELECT count(*) FROM supervision"))).scalar() == 1
