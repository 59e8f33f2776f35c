"""`changes(unit:)`: the feed of one subtree, and cursors that keep their view.

Before, `changes` took no unit: an ADMIN partner following a town's snapshot received every
other branch's tasks and never heard that a task had left the town.
"""

from __future__ import annotations

from typing import Any

from api.api_keys import create_key
from resolvers.changes.log import Cursor
from tests.conftest import GraphQLClient
from tests.ledger_files import Row, csv_bytes
from tests.resolvers.changes.test_feed import fresh
from tests.resolvers.ledger.conftest import Ledger
from tests.resolvers.sync.test_converge import OWNED

FEED = """
query ($since: String, $unit: ID, $types: [ChangeType!]) {
  changes(since: $since, first: 100, unit: $unit, types: $types) {
    edges { node { type objectId deleted object { ... on Task { title } } records } }
    pageInfo { hasNextPage endCursor } } }
"""


def _rows(*leads: str) -> list[Row]:
    return [
        Row("一、分域", n, f"分域措施{n}。", "2024年6月底前", lead)
        for n, lead in enumerate(leads, start=1)
    ]


async def _follow(
    client: GraphQLClient,
    since: str | None,
    unit: str | None = None,
    types: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[str, list[dict[str, Any]]]:
    changes: list[dict[str, Any]] = []
    while True:
        variables = {"since": since, "unit": unit, "types": types}
        response = await client.http.post(
            "/graphql",
            json={"query": FEED, "variables": variables},
            headers=headers or {"authorization": f"Bearer {client.token}"},
        )
        body = response.json()
        assert "errors" not in body, body["errors"]
        page = body["data"]["changes"]
        changes += [edge["node"] for edge in page["edges"]]
        since = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            assert since is not None
            return since, changes


async def _errors(client: GraphQLClient, variables: dict[str, Any], **headers: str) -> Any:
    response = await client.http.post(
        "/graphql",
        json={"query": FEED, "variables": variables},
        headers=headers or {"authorization": f"Bearer {client.token}"},
    )
    return response.json().get("errors")


def _gid(ledger: Ledger, name: str) -> str:
    from resolvers.common import global_id

    return str(global_id("OrgUnit", ledger.units[name]))


class TestUnitFeed:
    async def test_an_admin_following_a_town_gets_the_towns_view(self, ledger: Ledger) -> None:
        await ledger.upload(csv_bytes(_rows("南村镇", "北石店镇")), "台账.csv")
        admin = ledger.client.as_viewer(ledger.units["城区"], "ADMIN")
        town = _gid(ledger, "南村镇")
        cursor, loaded = await _follow(admin, None, town, ["TASK"])
        # Exactly what the town's own viewer sees.
        own = await fresh(ledger.as_unit("南村镇", "VIEWER"))
        assert {c["objectId"] for c in loaded} == {key[1] for key in own if key[0] == "TASK"}
        titles = {c["object"]["title"] for c in loaded}
        assert "分域措施1" in titles
        assert "分域措施2" not in titles
        # Task 1 leaves the town (to 北石店镇), task 2 changes in 北石店镇 only.
        await ledger.upload(csv_bytes(_rows("北石店镇", "城区水务局")), "台账.csv")
        _, changes = await _follow(admin, cursor)  # the cursor remembers the unit
        tasks = [(c["type"], c["deleted"]) for c in changes if c["type"] == "TASK"]
        assert tasks == [("TASK", True)]
        left = next(c for c in changes if c["type"] == "TASK")
        assert left["object"] is None  # the ADMIN still sees it, but not in the town's view
        assert left["records"] == {
            "tasks": [],
            "taskDeadlineChanges": [],
            "assignments": [],
            "progressReports": [],
        }

    async def test_every_change_type_carries_the_snapshot_collections_it_owns(
        self, ledger: Ledger
    ) -> None:
        admin = ledger.client.as_viewer(ledger.units["城区"], "ADMIN")
        # 城区's view holds every type (南村镇's has no rectification since 2024's 各镇（街道）
        # reads the towns attested then: models/org_unit_tree.py).
        _, loaded = await _follow(admin, None, _gid(ledger, "城区"))
        assert {c["type"] for c in loaded} >= {"ORG_UNIT", "TASK", "DOCUMENT", "RECTIFICATION"}
        for change in loaded:
            assert set(change["records"]) == {c for c, _ in OWNED[change["type"]]} | (
                {"progressReports"} if change["type"] == "TASK" else set()
            )
            assert not change["deleted"]

    async def test_a_cursor_keeps_its_unit_and_tier(self, ledger: Ledger) -> None:
        admin = ledger.client.as_viewer(ledger.units["城区"], "ADMIN")
        cursor, _ = await _follow(admin, None, _gid(ledger, "南村镇"), ["TASK"])
        assert Cursor.decode(cursor).unit == ledger.units["南村镇"]
        other = await _errors(admin, {"since": cursor, "unit": _gid(ledger, "北石店镇")})
        assert other[0]["extensions"]["code"] == "INVALID_INPUT"
        assert "另一个单位" in other[0]["message"]  # zh-CN by default
        # A town may not follow its district, nor a sibling.
        town = ledger.as_unit("南村镇", "VIEWER")
        for name in ("城区", "北石店镇"):
            refused = await _errors(town, {"unit": _gid(ledger, name)})
            assert refused[0]["extensions"]["code"] == "NOT_FOUND"
        # An INTERNAL key's cursor is refused to a SHARED key of the same unit.
        async with ledger.db.engine.begin() as conn:
            internal = await create_key(
                conn, name="内部", unit_id=ledger.units["城区"], disclosure="INTERNAL"
            )
            shared = await create_key(conn, name="共享", unit_id=ledger.units["城区"])
        internal_cursor, _ = await _follow(
            admin, None, types=["TASK"], headers={"x-api-key": internal.secret}
        )
        assert Cursor.decode(internal_cursor).disclosure == "INTERNAL"
        tier = await _errors(admin, {"since": internal_cursor}, **{"x-api-key": shared.secret})
        assert tier[0]["extensions"]["code"] == "INVALID_INPUT"
        assert "INTERNAL" in tier[0]["message"]

    async def test_a_snapshots_cursor_carries_its_unit(self, ledger: Ledger) -> None:
        admin = ledger.client.as_viewer(ledger.units["城区"], "ADMIN")
        response = await admin.http.get(
            "/export/snapshot.json",
            params={"unit": "南村镇"},
            headers={"authorization": f"Bearer {admin.token}"},
        )
        body = response.json()
        cursor = Cursor.decode(body["changesCursor"])
        assert (cursor.unit, cursor.disclosure) == (ledger.units["南村镇"], "INTERNAL")
        await ledger.upload(csv_bytes(_rows("北石店镇")), "台账.csv")
        _, changes = await _follow(admin, body["changesCursor"], types=["TASK"])
        assert changes == []  # 北石店镇's new task is not in 南村镇's view
