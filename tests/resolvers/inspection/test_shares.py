"""Each responsible unit's own share of a rectification item (issue 17, point 5).

The complaint: "when 西上庄 completed joint rectification item 8, 钟家庄 was credited too (one
shared state)". Item 8 of the seed rectification list (10 rural sewage plants) names
西上庄街道办事处 and 钟家庄街道办事处. Now each has a share with its own state; the item's
state derives from the shares by the rule of models/rules/rectification_state.py, and a
unit's rollup, overdue list and escalations count its own share.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from models.enums import RectificationStatus as S
from models.rules import calendar
from models.rules import rectification_state as rules
from resolvers.common import decode_global_id
from resolvers.escalation.service import overdue_items
from tests.conftest import GraphQLClient, TestDatabase
from tests.resolvers.inspection.test_transitions import _item, _viewer

XI = "西上庄街道"  # the document writes 西上庄、钟家庄街道办事处
ZHONG = "钟家庄街道"

MOVE = """
mutation ($input: TransitionRectificationInput!) {
  transitionRectification(input: $input) {
    rectification { status version shares { unit { name } state version } }
    event { fromStatus toStatus unit { name } }
    errors { code field }
  }
}
"""

ITEM = """
query ($id: ID!) { node(id: $id) { ... on Rectification {
  status version
  shares { unit { name } state version events { fromStatus toStatus comment unit { name } } }
  events { fromStatus toStatus unit { name } }
} } }
"""

ROLLUP = """
query ($name: String!, $asOf: Date) { orgUnit(name: $name) {
  rectificationRollup(asOf: $asOf, includeDescendants: false) {
    total notStarted inProgress completed verified closed reopened overdue } } }
"""


async def _move(who: GraphQLClient, item: str, to: str, version: int, **more: Any) -> Any:
    data = await who.query(
        MOVE, {"input": {"rectification": item, "to": to, "expectedVersion": version, **more}}
    )
    return data["transitionRectification"]


async def _state(client: GraphQLClient, item: str) -> Any:
    return (await client.query(ITEM, {"id": item}))["node"]


def _shares(node: Any) -> dict[str, str]:
    return {s["unit"]["name"]: s["state"] for s in node["shares"]}


PAST = "2025-01-20"


async def _rollup(client: GraphQLClient, name: str, as_of: str | None = None) -> dict[str, int]:
    data = await client.query(ROLLUP, {"name": name, "asOf": as_of})
    return dict(data["orgUnit"]["rectificationRollup"])


def _delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {k: after[k] - before[k] for k in before if after[k] != before[k]}


async def _count(db: TestDatabase, table: str) -> int:
    async with db.engine.connect() as conn:
        return int((await conn.execute(sa.text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def _unit_id(client: GraphQLClient, name: str) -> str:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    return str(data["orgUnit"]["id"])


async def test_xishangzhuang_completing_item_8_does_not_credit_zhongjiazhuang(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    item = (await _item(client, 8))["id"]
    before = await _state(client, item)
    # Migrated/seeded: one share per responsible unit, where the item is.
    assert before["status"] == "NOT_STARTED"
    assert _shares(before) == {XI: "NOT_STARTED", ZHONG: "NOT_STARTED"}
    xi = await _viewer(client, XI, "REPORTER")
    zhong = await _viewer(client, ZHONG, "REPORTER")
    xi_base, zhong_base = await _rollup(client, XI), await _rollup(client, ZHONG)
    xi_base_past = await _rollup(client, XI, PAST)
    zhong_base_past = await _rollup(client, ZHONG, PAST)

    # 西上庄 moves its own share (the default for a responsible unit): start, then complete.
    started = await _move(xi, item, "IN_PROGRESS", 1)
    assert started["errors"] == []
    assert started["event"]["unit"] == {"name": XI}
    assert started["rectification"]["status"] == "IN_PROGRESS"  # one share has started
    done = await _move(xi, item, "COMPLETED", 2)
    assert done["errors"] == []

    after = await _state(client, item)
    assert _shares(after) == {XI: "COMPLETED", ZHONG: "NOT_STARTED"}  # 钟家庄 not credited
    assert after["status"] == "IN_PROGRESS"  # COMPLETED only when every share is
    xi_share = next(s for s in after["shares"] if s["unit"]["name"] == XI)
    assert [(e["fromStatus"], e["toStatus"]) for e in xi_share["events"]] == [
        ("NOT_STARTED", "IN_PROGRESS"),
        ("IN_PROGRESS", "COMPLETED"),
    ]
    zhong_share = next(s for s in after["shares"] if s["unit"]["name"] == ZHONG)
    assert zhong_share["events"] == []
    assert zhong_share["version"] == 1

    # Rollups by unit count the unit's own share; the filters see the derived item state.
    xi_rollup, zhong_rollup = await _rollup(client, XI), await _rollup(client, ZHONG)
    assert _delta(xi_base, xi_rollup) == {"completed": 1, "notStarted": -1, "overdue": -1}
    assert _delta(zhong_base, zhong_rollup) == {}
    completed = await client.query(
        "{ rectifications(first: 50, filter: {status: [COMPLETED]}) { edges { node { seq } } } }"
    )
    assert 8 not in [e["node"]["seq"] for e in completed["rectifications"]["edges"]]

    # Escalation (overdue, deadline 2024年12月底): only 钟家庄's share is still open.
    tomorrow = calendar.today() + timedelta(days=1)
    async with seeded_db.engine.connect() as conn:
        overdue = await overdue_items(conn, tomorrow)
    item_id = decode_global_id(item)
    addressed = {o.addressed_to for o in overdue if o.rectification_id == item_id}
    assert addressed == {decode_global_id(await _unit_id(client, ZHONG))}

    # As of a past day (the SQL twin of the rule, from the events): backdate the moves.
    async with seeded_db.engine.begin() as conn:
        for day, state in ((9, "IN_PROGRESS"), (10, "COMPLETED")):
            await conn.execute(
                sa.text(
                    "UPDATE rectification_event SET occurred_at = :at"
                    " WHERE rectification_id = :id AND to_status = :to"
                ).bindparams(sa.bindparam("id", type_=sa.Uuid())),
                {"at": calendar.start_of_day(date(2025, 1, day)), "id": item_id, "to": state},
            )
    xi_past, zhong_past = await _rollup(client, XI, PAST), await _rollup(client, ZHONG, PAST)
    assert _delta(xi_base_past, xi_past) == {"completed": 1, "notStarted": -1, "overdue": -1}
    assert _delta(zhong_base_past, zhong_past) == {}
    overdue_then = await client.query(
        '{ rectifications(first: 50, filter: {overdueAsOf: "2025-01-20"}) {'
        " edges { node { seq } } } }"
    )
    assert 8 in [e["node"]["seq"] for e in overdue_then["rectifications"]["edges"]]

    # 钟家庄 completes its share: now the item is COMPLETED.
    assert (await _move(zhong, item, "IN_PROGRESS", 1))["errors"] == []
    last = await _move(zhong, item, "COMPLETED", 2)
    assert last["errors"] == []
    assert last["rectification"]["status"] == "COMPLETED"


async def test_the_supervising_side_verifies_the_item_as_a_whole_or_one_share(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    item = (await _item(client, 8))["id"]
    xi = await _viewer(client, XI, "REPORTER")
    zhong = await _viewer(client, ZHONG, "REPORTER")
    district = await _viewer(client, "城区", "COORDINATOR")
    xi_id, zhong_id = await _unit_id(client, XI), await _unit_id(client, ZHONG)
    for who in (xi, zhong):
        assert (await _move(who, item, "IN_PROGRESS", 1))["errors"] == []
        assert (await _move(who, item, "COMPLETED", 2))["errors"] == []
    version = (await _state(client, item))["version"]

    # One share verified (验收 of 西上庄's part), then the whole item cannot be: shares differ.
    one = await _move(district, item, "VERIFIED", 3, unit=xi_id)
    assert one["errors"] == []
    assert one["rectification"]["status"] == "COMPLETED"
    events = await _count(seeded_db, "rectification_event")
    whole = await _move(district, item, "VERIFIED", version + 1)
    assert [(e["code"], e["field"]) for e in whole["errors"]] == [("INVALID_TRANSITION", "unit")]
    assert await _count(seeded_db, "rectification_event") == events

    # 钟家庄's share next, then 销号 of the item as a whole: one event of the item.
    assert (await _move(district, item, "VERIFIED", 3, unit=zhong_id))["errors"] == []
    node = await _state(client, item)
    assert node["status"] == "VERIFIED"
    closed = await _move(district, item, "CLOSED", node["version"])
    assert closed["errors"] == []
    assert closed["event"]["unit"] is None
    assert closed["rectification"]["status"] == "CLOSED"
    assert _shares(closed["rectification"]) == {XI: "CLOSED", ZHONG: "CLOSED"}

    # Reopening one share reopens the item; the other share stays closed.
    reopened = await _move(district, item, "REOPENED", 5, unit=zhong_id)
    assert reopened["errors"] == []
    assert reopened["rectification"]["status"] == "REOPENED"
    assert _shares(reopened["rectification"]) == {XI: "CLOSED", ZHONG: "REOPENED"}


async def test_refusals_write_nothing(client: GraphQLClient, seeded_db: TestDatabase) -> None:
    item = (await _item(client, 8))["id"]
    xi_id = await _unit_id(client, XI)
    zhong = await _viewer(client, ZHONG, "COORDINATOR")
    xi = await _viewer(client, XI, "COORDINATOR")
    other = await _unit_id(client, "区发改（能源）局")
    admin = await _viewer(client, "城区", "ADMIN")
    counts = [await _count(seeded_db, t) for t in ("rectification_event", "audit_event")]

    async def codes(who: GraphQLClient, to: str, version: int, **more: Any) -> list[Any]:
        result = await _move(who, item, to, version, **more)
        assert result["rectification"] is None
        return [(e["code"], e["field"]) for e in result["errors"]]

    # 钟家庄 cannot move 西上庄's share; a unit not responsible names no share.
    assert await codes(zhong, "IN_PROGRESS", 1, unit=xi_id) == [("FORBIDDEN", "to")]
    assert await codes(zhong, "IN_PROGRESS", 1, unit=other) == [("INVALID_INPUT", "unit")]
    # A responsible unit does not verify its own share; a stale share version conflicts.
    assert await codes(xi, "VERIFIED", 1) == [("INVALID_TRANSITION", "to")]
    assert await codes(xi, "IN_PROGRESS", 7) == [("VERSION_CONFLICT", "expectedVersion")]
    # ADMIN moves the item as a whole only when every share can make the move.
    assert await codes(admin, "COMPLETED", 1) == [("INVALID_TRANSITION", "to")]
    admin_note = await admin.query(
        "mutation ($i: NoteRectificationProgressInput!) { noteRectificationProgress(input: $i)"
        " { errors { code field } } }",
        {"i": {"rectification": item, "comment": "代记"}},
    )
    # …and names the share it notes on when the item has several.
    assert admin_note["noteRectificationProgress"]["errors"] == [
        {"code": "INVALID_INPUT", "field": "unit"}
    ]
    note = await zhong.query(
        "mutation ($i: NoteRectificationProgressInput!) { noteRectificationProgress(input: $i)"
        " { errors { code field } } }",
        {"i": {"rectification": item, "comment": "代记", "unit": xi_id}},
    )
    assert note["noteRectificationProgress"]["errors"] == [
        {"code": "FORBIDDEN", "field": "rectification"}
    ]
    assert [await _count(seeded_db, t) for t in ("rectification_event", "audit_event")] == counts


async def test_a_note_goes_on_the_noting_units_share(client: GraphQLClient) -> None:
    item = (await _item(client, 8))["id"]
    xi = await _viewer(client, XI, "REPORTER")
    assert (await _move(xi, item, "IN_PROGRESS", 1))["errors"] == []
    note = await xi.query(
        "mutation ($i: NoteRectificationProgressInput!) { noteRectificationProgress(input: $i)"
        " { event { fromStatus toStatus unit { name } } errors { code } } }",
        {"i": {"rectification": item, "comment": "已委托第三方运维 4 处"}},
    )
    assert note["noteRectificationProgress"] == {
        "event": {"fromStatus": "IN_PROGRESS", "toStatus": "IN_PROGRESS", "unit": {"name": XI}},
        "errors": [],
    }
    node = await _state(client, item)
    zhong_share = next(s for s in node["shares"] if s["unit"]["name"] == ZHONG)
    assert zhong_share["events"] == []


@pytest.mark.parametrize("size", [1, 2, 3])
async def test_the_item_rule_and_its_sql_twin_agree(seeded_db: TestDatabase, size: int) -> None:
    combos = list(itertools.product(list(S), repeat=size))
    async with seeded_db.engine.connect() as conn:
        for combo in combos:
            ranks = [rules.RANK[s] for s in combo]
            sql = sa.select(rules.status_from_ranks(sa.literal(min(ranks)), sa.literal(max(ranks))))
            assert (await conn.execute(sql)).scalar_one() == rules.item_status(combo).value, combo
    assert rules.item_status([]) is None
    assert rules.item_status([S.COMPLETED, S.NOT_STARTED]) is S.IN_PROGRESS
    assert rules.item_status([S.CLOSED, S.VERIFIED]) is S.VERIFIED
    assert rules.item_status([S.CLOSED, S.REOPENED]) is S.REOPENED


@pytest.mark.postgres
@pytest.mark.private_db
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_concurrent_completions_of_both_shares_complete_the_item(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    """The two towns complete their shares at the same moment, beside their notes, five
    rounds over: each move derives the item's state from the other's committed share (the
    item row is locked first), so the item always ends COMPLETED, never stuck IN_PROGRESS."""
    import asyncio

    item = (await _item(client, 8))["id"]
    towns = [await _viewer(client, town, "REPORTER") for town in (XI, ZHONG)]
    district = await _viewer(client, "城区", "COORDINATOR")
    for town in towns:
        assert (await _move(town, item, "IN_PROGRESS", 1))["errors"] == []
    note = (
        "mutation ($i: NoteRectificationProgressInput!) { noteRectificationProgress(input: $i)"
        " { errors { code } } }"
    )
    for _round in range(5):
        node = await _state(client, item)
        versions = {s["unit"]["name"]: s["version"] for s in node["shares"]}
        results = await asyncio.gather(
            *(
                _move(town, item, "COMPLETED", versions[name])
                for town, name in zip(towns, (XI, ZHONG), strict=True)
            ),
            *(
                town.query(note, {"i": {"rectification": item, "comment": f"进展{i}"}})
                for town in towns
                for i in range(5)
            ),
        )
        assert all(r["errors"] == [] for r in results[:2])
        assert all(r["noteRectificationProgress"]["errors"] == [] for r in results[2:])
        node = await _state(client, item)
        assert node["status"] == "COMPLETED"
        assert _shares(node) == {XI: "COMPLETED", ZHONG: "COMPLETED"}
        reopened = await _move(district, item, "REOPENED", node["version"])
        assert reopened["errors"] == []
        node = await _state(client, item)
        versions = {s["unit"]["name"]: s["version"] for s in node["shares"]}
        for town, name in zip(towns, (XI, ZHONG), strict=True):
            assert (await _move(town, item, "IN_PROGRESS", versions[name]))["errors"] == []
