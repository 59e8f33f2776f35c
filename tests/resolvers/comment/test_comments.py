"""Comments and 批示 (issue 17 point 7) end to end through GraphQL: addComment on tasks,
rectification items and progress reports; who may write which kind; whoever sees the target
sees its comments and nobody else; each comment is audited, logged in the change feed and
gives an outbox event; refusals write nothing; concurrent comments all land (PostgreSQL)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import sqlalchemy as sa

from resolvers.common import decode_global_id
from tests.conftest import GraphQLClient, TestDatabase, graphql_client

ADD = """
mutation ($input: AddCommentInput!) { addComment(input: $input) {
  comment { id kind body author authorRole createdAt authorUnit { name } }
  errors { code field } } }
"""
# The commenting unit, a co-lead of one of its tasks, and a unit that sees neither.
UNIT, CO_LEAD, OTHER = "城区生态环境分局", "南村镇", "北石店镇"
TASKS = """
query ($unit: String!) { orgUnit(name: $unit) { tasks(first: 100) { edges { node { id
  assignments { id role unit { name } } } } } }
  rectifications(first: 50) { edges { node { id responsibleUnits { name } } } } }
"""
REPORT = """
mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
  report { id } errors { code } } }
"""
COMMENTS = """
query ($id: ID!, $kind: CommentKind) { node(id: $id) {
  ... on Task { comments(kind: $kind) { totalCount edges { node { id kind body authorRole
    authorUnit { name } } } } }
  ... on Rectification { comments(kind: $kind) { totalCount edges { node { id kind body
    authorUnit { name } } } } }
  ... on ProgressReport { comments(kind: $kind) { totalCount edges { node { id kind body
    authorUnit { name } } } } } } }
"""
COUNTED = ("comment", "audit_event", "outbox_event", "change_log")


async def _unit(client: GraphQLClient, name: str) -> str:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    unit_id: str = data["orgUnit"]["id"]
    return unit_id


async def _as(client: GraphQLClient, name: str, role: str) -> GraphQLClient:
    return client.as_viewer(decode_global_id(await _unit(client, name)), role)


async def _targets(client: GraphQLClient) -> dict[str, Any]:
    """A task UNIT shares with CO_LEAD (OTHER sees neither), a rectification UNIT alone is
    responsible for, and a report UNIT makes on its share."""
    town = await _as(client, UNIT, "REPORTER")
    data = await town.query(TASKS, {"unit": UNIT})
    task, share = None, None
    for edge in data["orgUnit"]["tasks"]["edges"]:
        units = {a["unit"]["name"] for a in edge["node"]["assignments"]}
        if OTHER not in units and CO_LEAD in units:
            task = edge["node"]
            share = next(a for a in task["assignments"] if a["unit"]["name"] == UNIT)
            break
    assert task is not None
    assert share is not None
    rect = next(
        e["node"]
        for e in data["rectifications"]["edges"]
        if [u["name"] for u in e["node"]["responsibleUnits"]] == [UNIT]
    )
    reported = await town.query(
        REPORT, {"input": {"assignment": share["id"], "percent": 30, "narrative": "推进中"}}
    )
    assert reported["reportProgress"]["errors"] == []
    return {
        "task": task["id"],
        "rectification": rect["id"],
        "report": reported["reportProgress"]["report"]["id"],
    }


async def _add(who: GraphQLClient, target: str, body: str, kind: str = "COMMENT") -> Any:
    data = await who.query(ADD, {"input": {"target": target, "body": body, "kind": kind}})
    return data["addComment"]


async def _comments(who: GraphQLClient, target: str, kind: str | None = None) -> Any:
    return (await who.query(COMMENTS, {"id": target, "kind": kind}))["node"]


async def _counts(db: TestDatabase) -> dict[str, int]:
    async with db.engine.connect() as conn:
        return {
            name: int((await conn.execute(sa.text(f"SELECT count(*) FROM {name}"))).scalar())
            for name in COUNTED
        }


class TestComments:
    async def test_comments_and_instructions_on_every_target(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        targets = await _targets(client)
        town = await _as(client, UNIT, "REPORTER")
        district = await _as(client, "城区", "COORDINATOR")
        before = await _counts(seeded_db)
        for name, target in targets.items():
            said = await _add(town, target, f"关于{name}的说明")
            assert said["errors"] == []
            assert said["comment"]["kind"] == "COMMENT"
            assert said["comment"]["authorRole"] == "REPORTER"
            assert said["comment"]["authorUnit"] == {"name": UNIT}
            instructed = await _add(district, target, "请加快推进，月底前办结", "INSTRUCTION")
            assert instructed["errors"] == [], name
            assert instructed["comment"]["authorUnit"] == {"name": "城区"}
            # Both sides read both, oldest first; the 批示 alone by kind.
            for reader in (town, district):
                node = await _comments(reader, target)
                assert [e["node"]["kind"] for e in node["comments"]["edges"]] == [
                    "COMMENT",
                    "INSTRUCTION",
                ]
            only = await _comments(town, target, "INSTRUCTION")
            assert only["comments"]["totalCount"] == 1
        after = await _counts(seeded_db)
        assert after["comment"] == before["comment"] + 6
        assert after["audit_event"] == before["audit_event"] + 6
        assert after["change_log"] >= before["change_log"] + 6  # the feed hears of each
        async with seeded_db.engine.connect() as conn:
            added = (
                await conn.execute(
                    sa.text("SELECT count(*) FROM outbox_event WHERE event_type = 'comment.added'")
                )
            ).scalar()
        assert added == 6

    async def test_comments_are_read_with_their_target(self, client: GraphQLClient) -> None:
        targets = await _targets(client)
        district = await _as(client, "城区", "COORDINATOR")
        for target in targets.values():
            assert (await _add(district, target, "阅", "INSTRUCTION"))["errors"] == []
        other_town = await _as(client, OTHER, "COORDINATOR")
        for target in targets.values():
            assert await _comments(other_town, target) is None  # not even the target
        # A co-lead sees the task and its comments, not the other town's report or its 批示.
        co_lead = await _as(client, CO_LEAD, "REPORTER")
        assert (await _comments(co_lead, targets["task"]))["comments"]["totalCount"] == 1
        assert await _comments(co_lead, targets["report"]) is None


class TestRefusals:
    async def test_wrong_roles_units_and_inputs_write_nothing(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        targets = await _targets(client)
        town_viewer = await _as(client, UNIT, "VIEWER")
        town_reporter = await _as(client, UNIT, "REPORTER")
        town_coordinator = await _as(client, UNIT, "COORDINATOR")
        other_town = await _as(client, OTHER, "COORDINATOR")
        district_reporter = await _as(client, "城区", "REPORTER")
        unit = await _unit(client, UNIT)
        before = await _counts(seeded_db)
        cases: list[tuple[GraphQLClient, str, str, str, str]] = [
            (town_viewer, targets["task"], "意见", "COMMENT", "FORBIDDEN"),
            (town_reporter, targets["task"], "批示", "INSTRUCTION", "FORBIDDEN"),
            (district_reporter, targets["task"], "批示", "INSTRUCTION", "FORBIDDEN"),
            # A unit does not instruct itself: not above its own share, not the issuer.
            (town_coordinator, targets["report"], "批示", "INSTRUCTION", "FORBIDDEN"),
            (town_coordinator, targets["rectification"], "批示", "INSTRUCTION", "FORBIDDEN"),
            (other_town, targets["task"], "意见", "COMMENT", "NOT_FOUND"),
            (other_town, targets["rectification"], "意见", "COMMENT", "NOT_FOUND"),
            (other_town, targets["report"], "意见", "COMMENT", "NOT_FOUND"),
            (town_reporter, targets["task"], "   ", "COMMENT", "INVALID_INPUT"),
            (town_reporter, targets["task"], "长" * 5001, "COMMENT", "INVALID_INPUT"),
            (town_reporter, unit, "意见", "COMMENT", "INVALID_INPUT"),
            (town_reporter, "bm9wZQ==", "意见", "COMMENT", "INVALID_INPUT"),
        ]
        for who, target, body, kind, code in cases:
            payload = await _add(who, target, body, kind)
            assert [e["code"] for e in payload["errors"]] == [code], (target, kind, code)
            assert payload["comment"] is None
        assert await _counts(seeded_db) == before


@pytest.mark.postgres
@pytest.mark.private_db
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_concurrent_comments_all_land_once(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    targets = await _targets(client)
    town = await _as(client, UNIT, "REPORTER")
    district = await _as(client, "城区", "COORDINATOR")
    before = await _counts(seeded_db)
    writes = [(town, f"意见{i}", "COMMENT") for i in range(10)] + [
        (district, f"批示{i}", "INSTRUCTION") for i in range(10)
    ]
    payloads = await asyncio.gather(
        *(_add(who, targets["task"], body, kind) for who, body, kind in writes)
    )
    assert all(p["errors"] == [] for p in payloads)
    node = await _comments(town, targets["task"])
    assert sorted(e["node"]["body"] for e in node["comments"]["edges"]) == sorted(
        body for _, body, _ in writes
    )
    after = await _counts(seeded_db)
    assert after["comment"] == before["comment"] + 20
    assert after["audit_event"] == before["audit_event"] + 20


@pytest.mark.postgres
@pytest.mark.private_db
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_comments_behind_row_level_security(seeded_db: TestDatabase) -> None:
    """With the database's own policies on (the app connecting as govgraph_app), comments and
    批示 are written and read as the scope rules say."""
    async with graphql_client(seeded_db, rls=True) as client:
        targets = await _targets(client)
        district = await _as(client, "城区", "COORDINATOR")
        for target in targets.values():
            assert (await _add(district, target, "阅", "INSTRUCTION"))["errors"] == []
        unit = await _as(client, UNIT, "VIEWER")
        for target in targets.values():
            node = await _comments(unit, target)
            assert [e["node"]["body"] for e in node["comments"]["edges"]] == ["阅"]
        co_lead = await _as(client, CO_LEAD, "VIEWER")
        assert (await _comments(co_lead, targets["task"]))["comments"]["totalCount"] == 1
        assert await _comments(co_lead, targets["report"]) is None
