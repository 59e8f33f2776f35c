"""The dated org tree on the seed (issue 16, point 1): group references resolve as of the
document's date, names as of a date, events (recordOrgUnitEvent) change the tree in one
transaction and rollups follow successors; a rejected event leaves the database as it was."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

import models
from api.settings import Settings
from resolvers.common import decode_global_id, global_id
from tests.conftest import GraphQLClient, TestDatabase, graphql_client
from tests.resolvers.rollups.check import as_of_dates, mismatches

DATA = Path(__file__).resolve().parents[3] / "seeds" / "data" / "documents"
TODAY = Settings().today()

UNIT = """
query ($n: String!, $d: Date) { orgUnit(name: $n, asOf: $d) {
  id name validFrom validTo successors { name } predecessors { name }
  events { kind occurredOn basis predecessors { name } successors { name } }
} }
"""
UNIT_WORK = """
query ($n: String!) { orgUnit(name: $n) {
  id name
  tasks(role: ANY, first: 100) { totalCount edges { node { document { docNumber } } } }
  rectifications(first: 100) { totalCount edges { node { seq } } }
} }
"""
CHILDREN = """
query ($n: String!, $d: Date) { orgUnit(name: $n) {
  children(asOf: $d) { name validFrom validTo }
} }
"""
ROLLUP = """
query ($n: String!) { orgUnit(name: $n) {
  taskRollup { total completed inProgress notStarted overdue ongoing }
  ancestors { name taskRollup { total } }
} }
"""
LEADS = """
query ($n: String!, $after: String) { orgUnit(name: $n) {
  tasks(role: LEAD, includeDescendants: true, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { id } } } } }
"""
RECORD = """
mutation ($input: RecordOrgUnitEventInput!) { recordOrgUnitEvent(input: $input) {
  event { id kind occurredOn basis predecessors { name validTo } successors { name validFrom } }
  errors { code field message }
} }
"""


def _yaml(name: str) -> Any:
    with (DATA / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


async def _admin(client: GraphQLClient) -> GraphQLClient:
    data = await client.query('{ orgUnit(name: "山西省") { id } }')
    return client.as_viewer(decode_global_id(data["orgUnit"]["id"]), "ADMIN")


async def _id(client: GraphQLClient, name: str) -> str:
    data = await client.query(UNIT, {"n": name, "d": None})
    unit_id: str = data["orgUnit"]["id"]
    return unit_id


async def _lead_tasks(client: GraphQLClient, name: str) -> set[str]:
    """Ids of the tasks with a LEAD share in the unit's (rollup) subtree."""
    ids: set[str] = set()
    after = None
    while True:
        data = await client.query(LEADS, {"n": name, "after": after})
        page = data["orgUnit"]["tasks"]
        ids |= {edge["node"]["id"] for edge in page["edges"]}
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        after = page["pageInfo"]["endCursor"]


# -- group references as of the document's date ------------------------------------------------


async def test_2023_and_2024_groups_expand_to_the_towns_of_their_year(
    client: GraphQLClient,
) -> None:
    notice = _yaml("2023-chengqu-action-plans.yaml")["document"]
    rectification = _yaml("2024-provincial-inspection-rectification.yaml")
    # What the documents say: 2023 is addressed to 南村镇, 2024's feedback to 北石店镇.
    assert notice["addressees"].startswith("南村镇人民政府、各街道办事处")
    items = rectification["rectifications"]
    via_group = {i["seq"] for i in items if "各镇（街道）" in i["responsible_units"]}
    named = {
        i["seq"] for i in items if any(n.startswith("北石店镇") for n in i["responsible_units"])
    }
    assert via_group
    assert named

    south = (await client.query(UNIT_WORK, {"n": "南村镇"}))["orgUnit"]
    north = (await client.query(UNIT_WORK, {"n": "北石店镇"}))["orgUnit"]
    street = (await client.query(UNIT_WORK, {"n": "钟家庄街道"}))["orgUnit"]
    # 南村镇: the 2023 plans' tasks (by name and through 各镇（街道）), no 2024 item.
    docs = {e["node"]["document"]["docNumber"] for e in south["tasks"]["edges"]}
    assert docs == {notice["doc_number"]}
    assert south["tasks"]["totalCount"] > 0
    assert south["rectifications"]["totalCount"] == 0
    # 北石店镇: the 2024 items (named, and through 各镇（街道）), no 2023 task.
    assert north["tasks"]["totalCount"] == 0
    seqs = {e["node"]["seq"] for e in north["rectifications"]["edges"]}
    assert seqs == via_group | named
    # The streets, which nothing puts in question, belong to both years' groups.
    assert street["tasks"]["totalCount"] > 0
    assert via_group <= {e["node"]["seq"] for e in street["rectifications"]["edges"]}


async def test_attestations_are_queryable(client: GraphQLClient) -> None:
    data = await client.query(
        """{ orgUnit(name: "南村镇") { validFrom validTo
             attestations { attestedOn text document { docNumber } } } }"""
    )
    unit = data["orgUnit"]
    assert unit["validFrom"] is None
    assert unit["validTo"] is None
    assert [a["attestedOn"] for a in unit["attestations"]] == ["2023-05-31"]
    assert unit["attestations"][0]["document"]["docNumber"] == "城政办发〔2023〕20号"


# -- events: rename, merge; names and children as of a date -------------------------------------


async def test_rename_keeps_the_old_name_for_old_dates(client: GraphQLClient) -> None:
    admin = await _admin(client)
    old_id = await _id(client, "城区商务局")
    day = TODAY - timedelta(days=30)
    result = await admin.query(
        RECORD,
        {
            "input": {
                "kind": "RENAME",
                "occurredOn": day.isoformat(),
                "basis": "测试：更名",
                "predecessors": [old_id],
                "newUnits": [{"name": "城区商务和投资促进局", "code": "140502-D90"}],
            }
        },
    )
    payload = result["recordOrgUnitEvent"]
    assert payload["errors"] == []
    assert payload["event"]["predecessors"] == [{"name": "城区商务局", "validTo": day.isoformat()}]
    assert payload["event"]["successors"] == [
        {"name": "城区商务和投资促进局", "validFrom": day.isoformat()}
    ]
    before = (day - timedelta(days=1)).isoformat()
    # An old document's name (and alias) finds the unit that bore it then.
    for name in ("城区商务局", "区商务局"):
        old = (await client.query(UNIT, {"n": name, "d": before}))["orgUnit"]
        assert old["id"] == old_id
        assert old["validTo"] == day.isoformat()
        assert old["successors"] == [{"name": "城区商务和投资促进局"}]
        assert old["events"][0]["kind"] == "RENAME"
    new = (await client.query(UNIT, {"n": "城区商务和投资促进局", "d": None}))["orgUnit"]
    assert new["predecessors"] == [{"name": "城区商务局"}]
    # children(asOf:) is the tree of that day; children without asOf today's.
    then = (await client.query(CHILDREN, {"n": "城区", "d": before}))["orgUnit"]["children"]
    now = (await client.query(CHILDREN, {"n": "城区", "d": None}))["orgUnit"]["children"]
    assert "城区商务局" in {c["name"] for c in then}
    assert "城区商务和投资促进局" not in {c["name"] for c in then}
    assert "城区商务局" not in {c["name"] for c in now}
    assert "城区商务和投资促进局" in {c["name"] for c in now}
    on_day = (await client.query(CHILDREN, {"n": "城区", "d": day.isoformat()}))["orgUnit"]
    assert "城区商务和投资促进局" in {c["name"] for c in on_day["children"]}


async def test_merge_rolls_the_predecessors_tasks_into_the_successor_and_its_ancestors(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    """钟家庄街道 (with tasks) merged into 泽州县 (another district, for the test): 泽州县 and
    its ancestors count 钟家庄街道's tasks, 城区 only those other 城区 units lead."""
    admin = await _admin(client)
    merged = await _lead_tasks(client, "钟家庄街道")
    target = await _lead_tasks(client, "泽州县")
    district = await _lead_tasks(client, "城区")
    city = await _lead_tasks(client, "晋城市")
    assert merged
    others = set()  # 城区 tasks another 城区 unit leads as well
    for unit in ("城区", *await _children_names(client, "城区")):
        if unit != "钟家庄街道":
            others |= await _lead_tasks(client, unit)
    result = await admin.query(
        RECORD,
        {
            "input": {
                "kind": "MERGE",
                "occurredOn": (TODAY - timedelta(days=10)).isoformat(),
                "basis": "测试：合并",
                "predecessors": [await _id(client, "钟家庄街道")],
                "successors": [await _id(client, "泽州县")],
            }
        },
    )
    assert result["recordOrgUnitEvent"]["errors"] == []
    rollup = (await client.query(ROLLUP, {"n": "泽州县"}))["orgUnit"]
    assert rollup["taskRollup"]["total"] == len(target | merged)
    ancestors = {a["name"]: a["taskRollup"]["total"] for a in rollup["ancestors"]}
    assert ancestors["晋城市"] == len(city)  # both were and are under 晋城市
    district_after = (await client.query(ROLLUP, {"n": "城区"}))["orgUnit"]["taskRollup"]
    assert district_after["total"] == len(district & others)
    # The task keeps its unit: 钟家庄街道 still leads it.
    still = (await client.query(ROLLUP, {"n": "钟家庄街道"}))["orgUnit"]["taskRollup"]
    assert still["total"] == len(merged)
    # Maintained buckets (rebuilt for the affected tasks) equal the live aggregation.
    async with seeded_db.engine.connect() as conn:
        assert await mismatches(conn, as_of_dates(TODAY)) == []
    # The compiled read path agrees with the resolvers on the new tree.
    async with graphql_client(seeded_db, compiled=False) as plain:
        slow = (await plain.query(ROLLUP, {"n": "泽州县"}))["orgUnit"]
    assert slow == rollup


async def test_renaming_a_government_passes_its_units_and_rollups_to_the_successor(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    admin = await _admin(client)
    children = set(await _children_names(client, "城区"))
    before = (await client.query(ROLLUP, {"n": "城区"}))["orgUnit"]["taskRollup"]
    day = TODAY - timedelta(days=3)
    result = await admin.query(
        RECORD,
        {
            "input": {
                "kind": "RENAME",
                "occurredOn": day.isoformat(),
                "predecessors": [await _id(client, "城区")],
                "newUnits": [{"name": "晋城市城区（测试）", "code": "140502-R"}],
            }
        },
    )
    assert result["recordOrgUnitEvent"]["errors"] == []
    assert set(await _children_names(client, "晋城市城区（测试）")) == children
    old = await client.query(CHILDREN, {"n": "城区", "d": (day - timedelta(days=1)).isoformat()})
    assert {c["name"] for c in old["orgUnit"]["children"]} == children
    assert await _children_names(client, "城区") == []
    after = (await client.query(ROLLUP, {"n": "晋城市城区（测试）"}))["orgUnit"]
    assert after["taskRollup"] == before
    # The ended unit hangs under its successor in the rollup tree.
    assert [a["name"] for a in after["ancestors"]] == ["山西省", "晋城市"]
    ended = (await client.query(ROLLUP, {"n": "城区"}))["orgUnit"]
    assert [a["name"] for a in ended["ancestors"]] == ["山西省", "晋城市", "晋城市城区（测试）"]
    async with seeded_db.engine.connect() as conn:
        assert await mismatches(conn, as_of_dates(TODAY)) == []


async def _children_names(client: GraphQLClient, name: str) -> list[str]:
    data = await client.query(CHILDREN, {"n": name, "d": None})
    return [child["name"] for child in data["orgUnit"]["children"]]


# -- rejected events --------------------------------------------------------------------------

TREE_TABLES = (
    "org_unit",
    "org_unit_event",
    "org_unit_event_unit",
    "org_unit_parent_link",
    "org_unit_closure",
    "rollup_bucket",
    "rollup_member",
    "audit_event",
    "outbox_event",
)


async def _fingerprint(db: TestDatabase) -> dict[str, str]:
    out = {}
    async with db.engine.connect() as conn:
        for name in TREE_TABLES:
            table = models.metadata.tables[name]
            rows = (await conn.execute(sa.select(table))).all()
            text = "\n".join(sorted(repr(tuple(str(v) for v in row)) for row in rows))
            out[name] = f"{len(rows)}:{hashlib.sha256(text.encode()).hexdigest()}"
    return out


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("unknown unit", "NOT_FOUND"),
        ("in the future", "OUT_OF_RANGE"),
        ("cycle", "INVALID_INPUT"),
        ("two heirs for a rename", "INVALID_INPUT"),
        ("duplicate new unit", "DUPLICATE"),
        ("not an admin", "FORBIDDEN"),
    ],
)
async def test_a_rejected_event_leaves_the_database_as_it_was(
    client: GraphQLClient, seeded_db: TestDatabase, case: str, code: str
) -> None:
    admin = await _admin(client)
    town = await _id(client, "钟家庄街道")
    district = await _id(client, "城区")
    day = (TODAY - timedelta(days=5)).isoformat()
    inputs: dict[str, dict[str, Any]] = {
        "unknown unit": {
            "kind": "MERGE",
            "predecessors": [global_id("OrgUnit", "00000000-0000-4000-8000-000000000001")],
            "successors": [town],
        },
        "in the future": {
            "kind": "MERGE",
            "occurredOn": (TODAY + timedelta(days=30)).isoformat(),
            "predecessors": [town],
            "successors": [await _id(client, "西上庄街道")],
        },
        "cycle": {"kind": "MERGE", "predecessors": [district], "successors": [town]},
        "two heirs for a rename": {
            "kind": "RENAME",
            "predecessors": [town],
            "newUnits": [{"name": "甲街道", "code": "X-1"}, {"name": "乙街道", "code": "X-2"}],
        },
        # Fails after the event row and the predecessor's end were written.
        "duplicate new unit": {
            "kind": "RENAME",
            "predecessors": [town],
            "newUnits": [{"name": "西上庄街道", "code": "X-3"}],
        },
        "not an admin": {
            "kind": "MERGE",
            "predecessors": [town],
            "successors": [await _id(client, "西上庄街道")],
        },
    }
    caller = (
        client.as_viewer(decode_global_id(district), "COORDINATOR")
        if case == "not an admin"
        else admin
    )
    before = await _fingerprint(seeded_db)
    result = await caller.query(RECORD, {"input": {"occurredOn": day, **inputs[case]}})
    payload = result["recordOrgUnitEvent"]
    assert payload["event"] is None
    assert [error["code"] for error in payload["errors"]] == [code]
    assert await _fingerprint(seeded_db) == before


async def test_undated_today_tree_is_unchanged_without_events(client: GraphQLClient) -> None:
    """Without events, children and children(asOf:) of any day agree (unknown = open)."""
    for day in (None, date(2023, 5, 31).isoformat(), date(2024, 3, 5).isoformat()):
        data = await client.query(CHILDREN, {"n": "城区", "d": day})
        names = {child["name"] for child in data["orgUnit"]["children"]}
        assert {"南村镇", "北石店镇", "钟家庄街道", "城区商务局"} <= names


async def test_closure_is_the_dated_trees(seeded_db: TestDatabase) -> None:
    """The seed's closure (built in Python) is what closure_select derives in SQL."""
    from models.org_unit_tree import closure_select

    closure_t = models.metadata.tables["org_unit_closure"]
    async with seeded_db.engine.connect() as conn:
        stored = {tuple(map(str, row)) for row in await conn.execute(sa.select(closure_t))}
        derived = {tuple(map(str, row)) for row in await conn.execute(closure_select())}
    assert stored == derived
    assert len(stored) > 100


@pytest.mark.parametrize(
    ("day", "town"),
    [
        (date(2023, 5, 31), "南村镇"),
        (date(2024, 3, 5), "北石店镇"),
        # The last known list holds until the next: 2023's before 2024-03-05, 2024's after.
        (date(2024, 3, 4), "南村镇"),
        (date(2026, 6, 1), "北石店镇"),
        # Before every list, the earliest.
        (date(2020, 1, 1), "南村镇"),
    ],
)
async def test_writers_expand_groups_as_of_the_documents_date(
    seeded_db: TestDatabase, day: date, town: str
) -> None:
    """The SQL resolution importers and createTask use (resolvers/units.py) reads groups
    as the seed builder does (models/org_unit_tree.py)."""
    from resolvers.units import resolve_name

    unit_t = models.metadata.tables["org_unit"]
    async with seeded_db.engine.connect() as conn:
        names = {row.id: row.name for row in await conn.execute(sa.select(unit_t))}
        district = next(unit for unit, name in names.items() if name == "城区")
        dated = await resolve_name(conn, "各镇（街道）", district, day)
        today = await resolve_name(conn, "各镇（街道）", district)
    members = {names[unit] for unit in dated.unit_ids}
    assert town in members
    assert ({"南村镇", "北石店镇"} - {town}).isdisjoint(members)
    assert members - {town} == {name for name in names.values() if name.endswith("街道")}
    # Today's tree (no date): both towns, whose bounds nobody knows, are present.
    assert {"南村镇", "北石店镇"} <= {names[unit] for unit in today.unit_ids}
