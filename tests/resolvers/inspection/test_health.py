"""亮灯 of rectification items and their shares (issue 17, point 8): Rectification.health,
RectificationShare.health and RectificationRollup green/yellow/red, as of past days and today,
on both databases, through GraphQL.

Item 8 of the seed list (deadline 2024年12月底) is shared by 西上庄 and 钟家庄. 西上庄
completes its share (the moves backdated to early December 2024); 钟家庄 never does. So as of
2024-11-01 every light is green, on 2024-12-20 钟家庄's share and the item are yellow (due
within 14 days), from 2025-01-01 on (and today) they are red, while 西上庄's done share is green
throughout December and after.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from models.rules import calendar
from resolvers.common import decode_global_id
from tests.conftest import GraphQLClient, TestDatabase
from tests.resolvers.inspection.test_shares import MOVE
from tests.resolvers.inspection.test_transitions import _item, _viewer

XI = "西上庄街道"
ZHONG = "钟家庄街道"

LIGHTS = """
query ($id: ID!, $asOf: Date) { node(id: $id) { ... on Rectification {
  status statusAsOf(asOf: "2024-12-20") health(asOf: $asOf)
  shares { unit { name } state health(asOf: $asOf) }
} } }
"""

ROLLUP = """
query ($name: String!, $asOf: Date, $sub: Boolean!) { orgUnit(name: $name) {
  parent { name }
  rectificationRollup(asOf: $asOf, includeDescendants: $sub) {
    total overdue dueSoon green yellow red } } }
"""

OTHERS = "{ rectifications(first: 20) { edges { node { id responsibleUnits { name } } } } }"

DAYS = ["2024-11-01", "2024-12-20", "2025-01-20", None]  # None: today


async def _lights(client: GraphQLClient, item: str, as_of: str | None) -> tuple[Any, Any]:
    node = (await client.query(LIGHTS, {"id": item, "asOf": as_of}))["node"]
    return node["health"], {s["unit"]["name"]: s["health"] for s in node["shares"]}


async def _rollup(client: GraphQLClient, name: str, as_of: str | None, sub: bool) -> Any:
    data = await client.query(ROLLUP, {"name": name, "asOf": as_of, "sub": sub})
    return data["orgUnit"]


def _adds_up(rollup: dict[str, int]) -> None:
    assert rollup["green"] + rollup["yellow"] + rollup["red"] == rollup["total"]
    assert rollup["red"] == rollup["overdue"]
    assert rollup["yellow"] == rollup["dueSoon"]


async def test_item_and_share_lights_as_of_past_days_and_today(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    item = (await _item(client, 8))["id"]
    item_id = decode_global_id(item)
    xi = await _viewer(client, XI, "REPORTER")
    before = {
        (name, day, sub): (await _rollup(client, name, day, sub))["rectificationRollup"]
        for name in (XI, ZHONG)
        for day in DAYS
        for sub in (False,)
    }
    # Before anyone moves: the item and both shares red today (the deadline has passed).
    assert await _lights(client, item, None) == ("RED", {XI: "RED", ZHONG: "RED"})

    for to, version in (("IN_PROGRESS", 1), ("COMPLETED", 2)):
        moved = await xi.query(
            MOVE, {"input": {"rectification": item, "to": to, "expectedVersion": version}}
        )
        assert moved["transitionRectification"]["errors"] == []
    async with seeded_db.engine.begin() as conn:  # 西上庄 did it in early December 2024
        for day, state in ((9, "IN_PROGRESS"), (10, "COMPLETED")):
            await conn.execute(
                sa.text(
                    "UPDATE rectification_event SET occurred_at = :at"
                    " WHERE rectification_id = :id AND to_status = :to"
                ).bindparams(sa.bindparam("id", type_=sa.Uuid())),
                {"at": calendar.start_of_day(date(2024, 12, day)), "id": item_id, "to": state},
            )

    expected = {
        "2024-11-01": ("GREEN", {XI: "GREEN", ZHONG: "GREEN"}),
        "2024-12-20": ("YELLOW", {XI: "GREEN", ZHONG: "YELLOW"}),
        "2025-01-20": ("RED", {XI: "GREEN", ZHONG: "RED"}),
        None: ("RED", {XI: "GREEN", ZHONG: "RED"}),
    }
    for day, lights in expected.items():
        assert await _lights(client, item, day) == lights, day
    # The item judged on its derived state (IN_PROGRESS: one share done, one not).
    node = (await client.query(LIGHTS, {"id": item, "asOf": None}))["node"]
    assert (node["status"], node["statusAsOf"]) == ("IN_PROGRESS", "IN_PROGRESS")

    # A restricted viewer (西上庄) sees its own share's light, and the item's as a whole; of
    # the co-responsible unit's share only what the shares field already shows it (a visible
    # item's responsible units are visible: models/rules/scope.py `covered`). Its rollup
    # counts its own share only: green, where the item is red.
    assert await _lights(xi, item, "2025-01-20") == ("RED", {XI: "GREEN", ZHONG: "RED"})
    assert await _lights(xi, item, None) == ("RED", {XI: "GREEN", ZHONG: "RED"})
    for day in DAYS:
        own = await _rollup(xi, XI, day, False)
        assert (
            own["rectificationRollup"]
            == (await _rollup(client, XI, day, False))["rectificationRollup"]
        )
    # An item of neither of them: not visible to 西上庄, nor its light.
    other = next(
        e["node"]
        for e in (await client.query(OTHERS))["rectifications"]["edges"]
        if XI not in [u["name"] for u in e["node"]["responsibleUnits"]]
    )
    assert (await xi.query(LIGHTS, {"id": other["id"], "asOf": None}))["node"] is None

    # Rollups: a unit's own share, as the rollup counts it; green + yellow + red = total.
    share_moves = {  # (unit, day): how item 8's light moved in the unit's rollup
        (XI, "2024-12-20"): {"green": 1, "yellow": -1, "dueSoon": -1},
        (XI, "2025-01-20"): {"green": 1, "red": -1, "overdue": -1},
        (XI, None): {"green": 1, "red": -1, "overdue": -1},
    }
    for (name, day, sub), base in before.items():
        now = (await _rollup(client, name, day, sub))["rectificationRollup"]
        _adds_up(now)
        delta = {k: now[k] - base[k] for k in base if now[k] != base[k]}
        assert delta == share_moves.get((name, day), {}), (name, day)
    # The parent's rollup over its subtree counts the item as a whole (red today).
    parent = (await _rollup(client, XI, None, False))["parent"]["name"]
    for day in DAYS:
        whole = (await _rollup(client, parent, day, True))["rectificationRollup"]
        _adds_up(whole)
        assert whole["total"] > 0


PAGE = """
query ($first: Int!) { rectifications(first: $first) { edges { node {
  health then: health(asOf: "2024-12-20")
  shares { health then: health(asOf: "2024-12-20") }
} } } }
"""


async def test_lights_cost_the_same_statements_for_2_and_17_items(client: GraphQLClient) -> None:
    counts = []
    for first in (2, 17):  # the seed list has 17 items
        body = await client.execute(PAGE, {"first": first})
        assert "errors" not in body, body.get("errors")
        nodes = [e["node"] for e in body["data"]["rectifications"]["edges"]]
        assert len(nodes) == first
        assert all(n["health"] in ("GREEN", "YELLOW", "RED") for n in nodes)
        assert all(s["then"] in ("GREEN", "YELLOW", "RED") for n in nodes for s in n["shares"])
        counts.append(body["extensions"]["sql"]["statements"])
    assert counts[0] == counts[1]
