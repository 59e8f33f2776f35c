"""transitionRectification: the whole transition table, who may move, history and rollups."""

from __future__ import annotations

import itertools
from typing import Any

import sqlalchemy as sa

from models.enums import RectificationStatus as S
from resolvers.common import decode_global_id
from resolvers.inspection.workflow import TRANSITIONS, Actor
from tests.conftest import GraphQLClient, TestDatabase

MOVE = """
mutation ($input: TransitionRectificationInput!) {
  transitionRectification(input: $input) {
    rectification { status version events { fromStatus toStatus comment actorUnit { name } } }
    event { fromStatus toStatus comment evidence { url } actor }
    errors { code field }
  }
}
"""


async def _item(client: GraphQLClient, seq: int) -> dict[str, Any]:
    data = await client.query(
        "{ rectifications(first: 20) { edges { node { id seq version status } } } }"
    )
    return next(e["node"] for e in data["rectifications"]["edges"] if e["node"]["seq"] == seq)


async def _viewer(client: GraphQLClient, name: str, role: str) -> GraphQLClient:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    return client.as_viewer(decode_global_id(data["orgUnit"]["id"]), role)


async def _set_state(db: TestDatabase, item_id: str, state: S, version: int = 1) -> None:
    """The item and every share of it in `state` at `version` (as the migration backfills)."""
    async with db.engine.begin() as conn:
        for table, key in (
            ("rectification", "id"),
            ("rectification_assignment", "rectification_id"),
        ):
            await conn.execute(
                sa.text(
                    f"UPDATE {table} SET status = :s, version = :v WHERE {key} = :id"
                ).bindparams(sa.bindparam("id", type_=sa.Uuid())),
                {"s": state.value, "v": version, "id": decode_global_id(item_id)},
            )


async def test_the_full_transition_table(client: GraphQLClient, seeded_db: TestDatabase) -> None:
    # Item 3: 区生态环境分局 is responsible; 城区 supervises it.
    item = await _item(client, 3)
    responsible = await _viewer(client, "区生态环境分局", "COORDINATOR")
    supervisor = await _viewer(client, "城区", "COORDINATOR")
    for current, target in itertools.product(S, S):
        await _set_state(seeded_db, item["id"], current)
        actor = TRANSITIONS.get((current, target))
        who = supervisor if actor is Actor.SUPERVISING else responsible
        data = await who.query(
            MOVE,
            {"input": {"rectification": item["id"], "to": target.value, "expectedVersion": 1}},
        )
        result = data["transitionRectification"]
        if actor is None:
            assert [e["code"] for e in result["errors"]] == ["INVALID_TRANSITION"], (
                current,
                target,
            )
            assert result["rectification"] is None
        else:
            assert result["errors"] == [], (current, target)
            assert result["rectification"]["status"] == target.value
            assert result["rectification"]["version"] == 2
    # 8 legal moves, 28 illegal ones.
    assert len(TRANSITIONS) == 8


async def test_only_the_responsible_unit_completes_and_only_a_superior_verifies(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    item = await _item(client, 3)
    responsible = await _viewer(client, "区生态环境分局", "COORDINATOR")
    supervisor = await _viewer(client, "城区", "COORDINATOR")
    supervisor_reporter = await _viewer(client, "城区", "REPORTER")
    team = await _viewer(client, "省第三生态环境保护督察组", "COORDINATOR")
    unrelated = await _viewer(client, "南村镇", "COORDINATOR")

    async def move(who: GraphQLClient, to: str, version: int) -> dict[str, Any]:
        data = await who.query(
            MOVE,
            {
                "input": {
                    "rectification": item["id"],
                    "to": to,
                    "expectedVersion": version,
                    "comment": f"→{to}",
                    "evidence": [{"url": "https://example.org/evidence.pdf"}],
                }
            },
        )
        result: dict[str, Any] = data["transitionRectification"]
        return result

    assert [e["code"] for e in (await move(supervisor, "IN_PROGRESS", 1))["errors"]] == [
        "FORBIDDEN"
    ]
    assert [e["code"] for e in (await move(unrelated, "IN_PROGRESS", 1))["errors"]] == ["NOT_FOUND"]
    assert (await move(responsible, "IN_PROGRESS", 1))["errors"] == []
    assert [e["code"] for e in (await move(responsible, "COMPLETED", 1))["errors"]] == [
        "VERSION_CONFLICT"
    ]
    assert (await move(responsible, "COMPLETED", 2))["errors"] == []
    assert [e["code"] for e in (await move(responsible, "VERIFIED", 3))["errors"]] == ["FORBIDDEN"]
    assert [e["code"] for e in (await move(supervisor_reporter, "VERIFIED", 3))["errors"]] == [
        "FORBIDDEN"
    ]
    assert (await move(supervisor, "VERIFIED", 3))["errors"] == []
    closed = await move(team, "CLOSED", 4)
    assert closed["errors"] == []
    events = closed["rectification"]["events"]
    assert [(e["fromStatus"], e["toStatus"]) for e in events] == [
        ("NOT_STARTED", "IN_PROGRESS"),
        ("IN_PROGRESS", "COMPLETED"),
        ("COMPLETED", "VERIFIED"),
        ("VERIFIED", "CLOSED"),
    ]
    # The team sees the acting bureau as a unit: it is responsible for an item the team sees
    # (models/rules/scope.py unit_visible, co-responsible units); 城区 sees its bureau.
    assert events[0]["actorUnit"] == {"name": "城区生态环境分局"}
    seen = await supervisor.query(
        "query ($id: ID!) { node(id: $id) { ... on Rectification {"
        " events { actorUnit { name } } } } }",
        {"id": item["id"]},
    )
    assert seen["node"]["events"][0]["actorUnit"] == {"name": "城区生态环境分局"}
    assert closed["event"]["evidence"] == [{"url": "https://example.org/evidence.pdf"}]
    assert closed["event"]["comment"] == "→CLOSED"
    reopened = await move(supervisor, "REOPENED", 5)
    assert reopened["rectification"]["status"] == "REOPENED"
    assert (await move(responsible, "IN_PROGRESS", 6))["errors"] == []

    rollup = await client.query(
        """{ orgUnit(name: "城区") { rectificationRollup { total inProgress closed } } }"""
    )
    assert rollup["orgUnit"]["rectificationRollup"]["inProgress"] == 1


async def test_rejected_move_writes_nothing(client: GraphQLClient, seeded_db: TestDatabase) -> None:
    item = await _item(client, 3)
    responsible = await _viewer(client, "区生态环境分局", "COORDINATOR")

    async def counts() -> tuple[int, int, int]:
        async with seeded_db.engine.connect() as conn:
            events = (
                await conn.execute(sa.text("SELECT count(*) FROM rectification_event"))
            ).scalar()
            audits = (await conn.execute(sa.text("SELECT count(*) FROM audit_event"))).scalar()
            versions = (
                await conn.execute(sa.text("SELECT sum(version) FROM rectification"))
            ).scalar()
        return int(events or 0), int(audits or 0), int(versions or 0)

    before = await counts()
    for variables in (
        {"to": "CLOSED", "expectedVersion": 1},
        {"to": "IN_PROGRESS", "expectedVersion": 7},
        {"to": "IN_PROGRESS", "expectedVersion": 1, "evidence": [{"url": "file:///etc"}]},
    ):
        data = await responsible.query(MOVE, {"input": {"rectification": item["id"], **variables}})
        assert data["transitionRectification"]["errors"]
    assert await counts() == before
