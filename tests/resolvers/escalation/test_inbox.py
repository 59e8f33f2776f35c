"""The 督办 inbox: escalations(addressedTo: ME), acknowledge, reply, close; who may, and what
concurrent acknowledges do."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import sqlalchemy as sa

from resolvers.common import decode_global_id
from tests.conftest import GraphQLClient, TestDatabase

ESCALATE = """
mutation ($input: EscalateInput!) { escalate(input: $input) {
  escalation { id status version } errors { code field } } }
"""
INBOX = """
query ($to: EscalationParty, $by: EscalationParty, $status: [EscalationStatus!]) {
  escalations(addressedTo: $to, issuedBy: $by, status: $status, first: 50) {
    totalCount edges { node { id level status version reason acknowledgedAt closedAt closingNote
      addressedTo { name } issuedBy { name }
      replies { kind text promisedBy repliedBy unit { name } } } } } }
"""
ACK = """
mutation ($input: AcknowledgeEscalationInput!) { acknowledgeEscalation(input: $input) {
  escalation { id status version acknowledgedAt } errors { code field } } }
"""
REPLY = """
mutation ($input: ReplyToEscalationInput!) { replyToEscalation(input: $input) {
  escalation { id status version acknowledgedAt } reply { kind text promisedBy }
  errors { code field } } }
"""
CLOSE = """
mutation ($input: CloseEscalationInput!) { closeEscalation(input: $input) {
  escalation { id status version closedAt closingNote } errors { code field } } }
"""
COUNTED = ("escalation_reply", "audit_event", "outbox_event", "change_log")


async def _unit(client: GraphQLClient, name: str) -> str:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    unit_id: str = data["orgUnit"]["id"]
    return unit_id


async def _as(client: GraphQLClient, name: str, role: str) -> GraphQLClient:
    return client.as_viewer(decode_global_id(await _unit(client, name)), role)


async def _urge(client: GraphQLClient) -> str:
    """城区 urges 南村镇 about its share of 秸秆禁烧: the escalation's id."""
    data = await client.query(
        "query ($t: String!) { tasks(filter: {text: $t}) { edges { node {"
        " assignments { id unit { name } } } } } }",
        {"t": "秸秆禁烧"},
    )
    share = next(
        a for a in data["tasks"]["edges"][0]["node"]["assignments"] if a["unit"]["name"] == "南村镇"
    )
    district = await _as(client, "城区", "COORDINATOR")
    result = await district.query(
        ESCALATE,
        {
            "input": {
                "level": "URGE",
                "addressedTo": await _unit(client, "南村镇"),
                "assignment": share["id"],
                "reason": "秸秆禁烧巡查滞后",
            }
        },
    )
    assert result["escalate"]["errors"] == []
    assert result["escalate"]["escalation"]["status"] == "ISSUED"
    escalation_id: str = result["escalate"]["escalation"]["id"]
    return escalation_id


async def _counts(db: TestDatabase) -> dict[str, int]:
    async with db.engine.connect() as conn:
        return {
            name: int((await conn.execute(sa.text(f"SELECT count(*) FROM {name}"))).scalar())
            for name in COUNTED
        }


def _ids(data: dict[str, Any]) -> list[str]:
    return [e["node"]["id"] for e in data["escalations"]["edges"]]


class TestInbox:
    async def test_issue_acknowledge_reply_close_end_to_end(self, client: GraphQLClient) -> None:
        escalation = await _urge(client)
        town = await _as(client, "南村镇", "REPORTER")
        district = await _as(client, "城区", "COORDINATOR")

        inbox = await town.query(INBOX, {"to": "ME", "status": ["ISSUED"]})
        assert escalation in _ids(inbox)
        node = next(
            e["node"] for e in inbox["escalations"]["edges"] if e["node"]["id"] == escalation
        )
        assert (node["addressedTo"]["name"], node["issuedBy"]["name"]) == ("南村镇", "城区")
        out_tray = await district.query(INBOX, {"by": "ME"})
        assert escalation in _ids(out_tray)
        assert escalation not in _ids(await district.query(INBOX, {"to": "ME"}))

        acked = (await town.query(ACK, {"input": {"escalation": escalation}}))[
            "acknowledgeEscalation"
        ]
        assert acked["errors"] == []
        assert (acked["escalation"]["status"], acked["escalation"]["version"]) == (
            "ACKNOWLEDGED",
            2,
        )
        assert acked["escalation"]["acknowledgedAt"] is not None
        assert escalation not in _ids(await town.query(INBOX, {"to": "ME", "status": ["ISSUED"]}))

        replied = (
            await town.query(
                REPLY,
                {
                    "input": {
                        "escalation": escalation,
                        "kind": "COMMITMENT",
                        "text": "11月底前完成全部巡查点位",
                        "promisedBy": "2023-11-30",
                        "expectedVersion": 2,
                    }
                },
            )
        )["replyToEscalation"]
        assert replied["errors"] == []
        assert replied["escalation"]["status"] == "REPLIED"
        assert replied["reply"] == {
            "kind": "COMMITMENT",
            "text": "11月底前完成全部巡查点位",
            "promisedBy": "2023-11-30",
        }

        closed = (
            await district.query(
                CLOSE,
                {
                    "input": {
                        "escalation": escalation,
                        "note": "承诺可行，办结",
                        "expectedVersion": 3,
                    }
                },
            )
        )["closeEscalation"]
        assert closed["errors"] == []
        assert (closed["escalation"]["status"], closed["escalation"]["closingNote"]) == (
            "CLOSED",
            "承诺可行，办结",
        )
        data = await district.query(INBOX, {"by": "ME", "status": ["CLOSED"]})
        node = next(
            e["node"] for e in data["escalations"]["edges"] if e["node"]["id"] == escalation
        )
        assert [(r["kind"], r["unit"]["name"]) for r in node["replies"]] == [
            ("COMMITMENT", "南村镇")
        ]

    async def test_a_reply_signs_for_it_too(self, client: GraphQLClient) -> None:
        escalation = await _urge(client)
        town = await _as(client, "南村镇", "REPORTER")
        replied = (
            await town.query(
                REPLY,
                {"input": {"escalation": escalation, "kind": "EXPLANATION", "text": "人手不足"}},
            )
        )["replyToEscalation"]
        assert replied["errors"] == []
        assert replied["escalation"]["status"] == "REPLIED"
        assert replied["escalation"]["acknowledgedAt"] is not None

    async def test_acknowledging_again_changes_nothing(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        escalation = await _urge(client)
        town = await _as(client, "南村镇", "REPORTER")
        await town.query(ACK, {"input": {"escalation": escalation}})
        before = await _counts(seeded_db)
        again = (await town.query(ACK, {"input": {"escalation": escalation}}))[
            "acknowledgeEscalation"
        ]
        assert again["errors"] == []
        assert (again["escalation"]["status"], again["escalation"]["version"]) == (
            "ACKNOWLEDGED",
            2,
        )
        assert await _counts(seeded_db) == before


class TestWrongRolesAndStates:
    async def test_refusals_write_nothing(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        escalation = await _urge(client)
        town_viewer = await _as(client, "南村镇", "VIEWER")
        town_reporter = await _as(client, "南村镇", "REPORTER")
        other_town = await _as(client, "北石店镇", "COORDINATOR")
        district_reporter = await _as(client, "城区", "REPORTER")
        district = await _as(client, "城区", "COORDINATOR")
        before = await _counts(seeded_db)
        reply = {"escalation": escalation, "kind": "EXPLANATION", "text": "说明"}
        cases: list[tuple[GraphQLClient, str, dict[str, Any], str]] = [
            (town_viewer, ACK, {"escalation": escalation}, "FORBIDDEN"),
            (town_viewer, REPLY, reply, "FORBIDDEN"),
            (other_town, ACK, {"escalation": escalation}, "NOT_FOUND"),
            (other_town, REPLY, reply, "NOT_FOUND"),
            (other_town, CLOSE, {"escalation": escalation}, "NOT_FOUND"),
            # The issuer sees it but is not its addressee; the addressee does not close it.
            (district, ACK, {"escalation": escalation}, "FORBIDDEN"),
            (district, REPLY, reply, "FORBIDDEN"),
            (town_reporter, CLOSE, {"escalation": escalation}, "FORBIDDEN"),
            (district_reporter, CLOSE, {"escalation": escalation}, "FORBIDDEN"),
            (town_reporter, REPLY, {**reply, "text": "  "}, "INVALID_INPUT"),
            (town_reporter, REPLY, {**reply, "promisedBy": "2023-12-01"}, "INVALID_INPUT"),
            (
                town_reporter,
                ACK,
                {"escalation": escalation, "expectedVersion": 7},
                "VERSION_CONFLICT",
            ),
            (town_reporter, ACK, {"escalation": "bm9wZQ=="}, "NOT_FOUND"),
        ]
        for who, mutation, variables, code in cases:
            data = await who.query(mutation, {"input": variables})
            (payload,) = data.values()
            assert [e["code"] for e in payload["errors"]] == [code], (mutation, variables)
            assert payload["escalation"] is None
        assert await _counts(seeded_db) == before
        inbox = await town_reporter.query(INBOX, {"to": "ME", "status": ["ISSUED"]})
        assert escalation in _ids(inbox)

    async def test_a_closed_escalation_is_final(self, client: GraphQLClient) -> None:
        escalation = await _urge(client)
        town = await _as(client, "南村镇", "REPORTER")
        district = await _as(client, "城区", "COORDINATOR")
        closed = await district.query(CLOSE, {"input": {"escalation": escalation}})
        assert closed["closeEscalation"]["errors"] == []
        for who, mutation, variables in [
            (town, ACK, {"escalation": escalation}),
            (town, REPLY, {"escalation": escalation, "kind": "EXPLANATION", "text": "迟到的说明"}),
            (district, CLOSE, {"escalation": escalation}),
        ]:
            data = await who.query(mutation, {"input": variables})
            (payload,) = data.values()
            assert [e["code"] for e in payload["errors"]] == ["INVALID_TRANSITION"], mutation


@pytest.mark.postgres
@pytest.mark.private_db
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_concurrent_acknowledges_apply_once(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    escalation = await _urge(client)
    town = await _as(client, "南村镇", "REPORTER")
    before = await _counts(seeded_db)
    results = await asyncio.gather(
        *(town.query(ACK, {"input": {"escalation": escalation}}) for _ in range(10))
    )
    payloads = [r["acknowledgeEscalation"] for r in results]
    assert all(p["errors"] == [] for p in payloads)
    assert {(p["escalation"]["status"], p["escalation"]["version"]) for p in payloads} == {
        ("ACKNOWLEDGED", 2)
    }
    after = await _counts(seeded_db)
    assert after["audit_event"] == before["audit_event"] + 1
    assert after["outbox_event"] == before["outbox_event"] + 1


async def test_the_inbox_costs_the_same_statements_for_more_escalations(
    client: GraphQLClient,
) -> None:
    """One page, its count and one batched statement per level (units, replies): the number
    of statements depends on the query, not on the escalations in the inbox."""
    town = await _as(client, "南村镇", "REPORTER")

    async def statements() -> tuple[int, int]:
        body = await town.execute(INBOX, {"to": "ME"})
        assert "errors" not in body, body
        count: int = body["extensions"]["sql"]["statements"]
        return len(body["data"]["escalations"]["edges"]), count

    for _ in range(2):
        escalation = await _urge(client)
        await town.query(
            REPLY, {"input": {"escalation": escalation, "kind": "EXPLANATION", "text": "说明"}}
        )
    few = await statements()
    for _ in range(4):
        await _urge(client)
    many = await statements()
    assert many[0] == few[0] + 4
    assert many[1] == few[1]
