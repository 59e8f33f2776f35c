"""Extension requests (延期申请), end to end through GraphQL on both databases: a lead unit asks
with a reason and evidence files, the issuer approves and the deadline moves as a dated change
(as-of rollups before it keep the old deadline), the wrong roles and units are refused with
payload errors and write nothing, and concurrent writers (PostgreSQL) apply once."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import orjson
import pytest
import sqlalchemy as sa

from models.rules import calendar
from resolvers.common import decode_global_id
from tests.conftest import GraphQLClient, TestDatabase
from tests.resolvers.evidence.conftest import PDF, PNG

TITLE = "南村铸造工业园区空气站"  # BY_DATE 2023-04-30; leads 城区生态环境分局 and 南村镇
ISSUER = "城区人民政府办公室"  # the plan's issuer: a sibling of the leads under 城区
NEW_END = "2027-06-30"

REQUEST = """
mutation ($input: RequestExtensionInput!) { requestExtension(input: $input) {
  request { id status version reason requestedDeadlineEnd currentDeadlineEnd
    requestedByUnit { name } addressedTo { name } files { name sha256 contentType url } }
  errors { code field message } } }
"""
DECIDE = """
mutation ($input: DecideExtensionInput!) { decideExtension(input: $input) {
  request { id status version decisionReason decidedByUnit { name } decidedAt }
  errors { code field } } }
"""
WITHDRAW = """
mutation ($input: WithdrawExtensionInput!) { withdrawExtension(input: $input) {
  request { id status version } errors { code field } } }
"""
LIST = """
query ($filter: ExtensionRequestFilter) { extensionRequests(filter: $filter, first: 50) {
  totalCount edges { node { id status reason task { title } requestedByUnit { name }
    addressedTo { name } } } } }
"""
TASK = """
query ($t: String!) { tasks(filter: {text: $t}) { edges { node { id version
  deadline { kind end text } originalDeadline { end }
  deadlineHistory { previous { end } deadline { end } reason changedByUnit { name } }
  extensionRequests(first: 10) { totalCount edges { node { id status } } }
  assignments { id role unit { name } } } } } }
"""
ROLLUP = """
query ($n: String!, $d: Date!) { orgUnit(name: $n) { taskRollup(asOf: $d) { overdue total } } }
"""
COUNTED = (
    "extension_request",
    "task_deadline_change",
    "evidence_file",
    "audit_event",
    "outbox_event",
    "change_log",
)


async def _as(client: GraphQLClient, name: str, role: str) -> GraphQLClient:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    return client.as_viewer(decode_global_id(data["orgUnit"]["id"]), role)


async def _task(client: GraphQLClient, text: str = TITLE) -> dict[str, Any]:
    data = await client.query(TASK, {"t": text})
    node: dict[str, Any] = data["tasks"]["edges"][0]["node"]
    return node


def _share(task: dict[str, Any], unit: str) -> str:
    share: str = next(a["id"] for a in task["assignments"] if a["unit"]["name"] == unit)
    return share


async def _counts(db: TestDatabase) -> dict[str, int]:
    async with db.engine.connect() as conn:
        return {
            name: int((await conn.execute(sa.text(f"SELECT count(*) FROM {name}"))).scalar())
            for name in COUNTED
        }


async def _request_with_files(
    viewer: GraphQLClient, variables: dict[str, Any], files: list[tuple[str, bytes, str]]
) -> dict[str, Any]:
    """requestExtension as a GraphQL multipart request with `files`."""
    operations = {
        "query": REQUEST,
        "variables": {"input": {**variables, "files": [None] * len(files)}},
    }
    mapping = {str(i): [f"variables.input.files.{i}"] for i in range(len(files))}
    response = await viewer.http.post(
        "/graphql",
        data={
            "operations": orjson.dumps(operations).decode(),
            "map": orjson.dumps(mapping).decode(),
        },
        files={str(i): f for i, f in enumerate(files)},
        headers={"authorization": f"Bearer {viewer.token}"},
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["requestExtension"]
    return payload


async def _ask(client: GraphQLClient, new_end: str = NEW_END) -> str:
    """南村镇 asks to move its deadline (no files): the request's id."""
    task = await _task(client)
    town = await _as(client, "南村镇", "REPORTER")
    result = await town.query(
        REQUEST,
        {
            "input": {
                "assignment": _share(task, "南村镇"),
                "newDeadline": new_end,
                "reason": "园区空气站设备采购延迟",
            }
        },
    )
    assert result["requestExtension"]["errors"] == [], result
    request_id: str = result["requestExtension"]["request"]["id"]
    return request_id


class TestRequestAndApprove:
    async def test_request_with_files_then_approval_moves_the_deadline_as_a_dated_change(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        today = calendar.today()
        yesterday = (today - timedelta(days=1)).isoformat()
        before_task = await _task(client)
        assert before_task["deadline"]["end"] == "2023-04-30"
        rollup_today = await client.query(ROLLUP, {"n": "南村镇", "d": today.isoformat()})
        rollup_yesterday = await client.query(ROLLUP, {"n": "南村镇", "d": yesterday})
        counts = await _counts(seeded_db)

        town = await _as(client, "南村镇", "REPORTER")
        payload = await _request_with_files(
            town,
            {
                "assignment": _share(before_task, "南村镇"),
                "newDeadline": NEW_END,
                "reason": "园区空气站设备采购延迟",
            },
            [("采购合同.pdf", PDF, "application/pdf"), ("现场.png", PNG, "image/png")],
        )
        assert payload["errors"] == []
        request = payload["request"]
        assert request["status"] == "PENDING"
        assert request["requestedDeadlineEnd"] == NEW_END
        assert request["currentDeadlineEnd"] == "2023-04-30"
        assert request["requestedByUnit"]["name"] == "南村镇"
        # The issuer office is no unit the town sees (a sibling): its name shows to the office.
        assert request["addressedTo"] is None
        assert sorted(f["contentType"] for f in request["files"]) == [
            "application/pdf",
            "image/png",
        ]

        # The approver's list, and the task's.
        office = await _as(client, ISSUER, "COORDINATOR")
        # The files download with the request's scope: the issuer yes, another town 404.
        url = next(f["url"] for f in request["files"] if f["contentType"] == "application/pdf")
        other = await _as(client, "钟家庄街道", "REPORTER")
        got = await office.http.get(url, headers={"authorization": f"Bearer {office.token}"})
        assert (got.status_code, got.content) == (200, PDF)
        hidden = await other.http.get(url, headers={"authorization": f"Bearer {other.token}"})
        assert hidden.status_code == 404
        pending = await office.query(LIST, {"filter": {"status": ["PENDING"], "addressedTo": "ME"}})
        assert [e["node"]["id"] for e in pending["extensionRequests"]["edges"]] == [request["id"]]
        node = pending["extensionRequests"]["edges"][0]["node"]
        assert (node["requestedByUnit"]["name"], node["addressedTo"]["name"]) == ("南村镇", ISSUER)
        district = await _as(client, "城区", "COORDINATOR")
        below = await district.query(LIST, {"filter": {"addressedTo": "MY_SUBTREE"}})
        assert below["extensionRequests"]["totalCount"] == 1
        assert (await district.query(LIST, {"filter": {"addressedTo": "ME"}}))["extensionRequests"][
            "totalCount"
        ] == 0
        by_unit = await office.query(
            LIST,
            {
                "filter": {
                    "requestedBy": (await client.query('query { orgUnit(name: "南村镇") { id } }'))[
                        "orgUnit"
                    ]["id"]
                }
            },
        )
        assert by_unit["extensionRequests"]["totalCount"] == 1
        task = await _task(office)
        assert [e["node"]["status"] for e in task["extensionRequests"]["edges"]] == ["PENDING"]
        # Not yet approved: the deadline has not moved.
        assert task["deadline"]["end"] == "2023-04-30"
        assert task["version"] == before_task["version"]

        decided = (
            await office.query(
                DECIDE,
                {
                    "input": {
                        "request": request["id"],
                        "decision": "APPROVE",
                        "reason": "同意延期",
                        "expectedVersion": 1,
                    }
                },
            )
        )["decideExtension"]
        assert decided["errors"] == []
        assert decided["request"]["status"] == "APPROVED"
        assert decided["request"]["version"] == 2
        assert decided["request"]["decidedByUnit"]["name"] == ISSUER
        assert decided["request"]["decisionReason"] == "同意延期"

        after = await _task(client)
        assert after["deadline"]["kind"] == "BY_DATE"
        assert after["deadline"]["end"] == NEW_END
        assert after["deadline"]["text"] == "延期至2027年6月30日"
        assert after["originalDeadline"]["end"] == "2023-04-30"
        assert after["deadlineHistory"] == [
            {
                "previous": {"end": "2023-04-30"},
                "deadline": {"end": NEW_END},
                "reason": "园区空气站设备采购延迟",
                "changedByUnit": {"name": ISSUER},
            }
        ]
        # As of today the task is no longer overdue; as of yesterday (before the approval)
        # it was, with the old deadline.
        now_today = await client.query(ROLLUP, {"n": "南村镇", "d": today.isoformat()})
        now_yesterday = await client.query(ROLLUP, {"n": "南村镇", "d": yesterday})
        assert now_today["orgUnit"]["taskRollup"]["overdue"] == (
            rollup_today["orgUnit"]["taskRollup"]["overdue"] - 1
        )
        assert now_yesterday == rollup_yesterday

        # The traces: two files, one deadline change, audit, change log and outbox events.
        grown = await _counts(seeded_db)
        assert grown["extension_request"] == counts["extension_request"] + 1
        assert grown["task_deadline_change"] == counts["task_deadline_change"] + 1
        assert grown["evidence_file"] == counts["evidence_file"] + 2
        async with seeded_db.engine.connect() as conn:
            events = [
                r[0]
                for r in await conn.execute(
                    sa.text(
                        "SELECT event_type FROM outbox_event WHERE event_type LIKE 'extension.%'"
                        " ORDER BY created_at"
                    )
                )
            ]
            actions = {
                r[0]
                for r in await conn.execute(
                    sa.text("SELECT action FROM audit_event WHERE target_type = 'ExtensionRequest'")
                )
            }
        assert events == ["extension.requested", "extension.decided"]
        assert actions == {"requestExtension", "decideExtension"}

    async def test_a_unit_above_the_lead_rejects_and_a_new_request_may_follow(
        self, client: GraphQLClient
    ) -> None:
        first = await _ask(client)
        district = await _as(client, "城区", "COORDINATOR")
        rejected = (
            await district.query(
                DECIDE, {"input": {"request": first, "decision": "REJECT", "reason": "理由不足"}}
            )
        )["decideExtension"]
        assert rejected["errors"] == []
        assert rejected["request"]["status"] == "REJECTED"
        assert (await _task(client))["deadline"]["end"] == "2023-04-30"
        again = (
            await district.query(DECIDE, {"input": {"request": first, "decision": "APPROVE"}})
        )["decideExtension"]
        assert again["request"] is None
        assert [e["code"] for e in again["errors"]] == ["INVALID_TRANSITION"]
        second = await _ask(client, "2027-12-31")  # the rejected one is no longer pending
        assert second != first

    async def test_the_requester_withdraws(self, client: GraphQLClient) -> None:
        request = await _ask(client)
        office = await _as(client, ISSUER, "COORDINATOR")
        refused = (await office.query(WITHDRAW, {"input": {"request": request}}))[
            "withdrawExtension"
        ]
        assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
        town = await _as(client, "南村镇", "REPORTER")
        done = (await town.query(WITHDRAW, {"input": {"request": request}}))["withdrawExtension"]
        assert done["errors"] == []
        assert done["request"]["status"] == "WITHDRAWN"
        pending = await office.query(LIST, {"filter": {"status": ["PENDING"], "addressedTo": "ME"}})
        assert pending["extensionRequests"]["totalCount"] == 0


class TestRefusals:
    async def test_wrong_requests_write_nothing(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        task = await _task(client)
        share = _share(task, "南村镇")
        ongoing = await _task(client, "秸秆禁烧")
        counts = await _counts(seeded_db)
        cases: list[tuple[str, str, dict[str, Any], str, str]] = [
            ("南村镇", "VIEWER", {"assignment": share}, "FORBIDDEN", None),  # role too low
            # A co-lead sees the share but asks only for its own.
            ("城区生态环境分局", "REPORTER", {"assignment": share}, "FORBIDDEN", "assignment"),
            # The district is above 南村镇 but is not the lead unit itself.
            ("城区", "COORDINATOR", {"assignment": share}, "FORBIDDEN", "assignment"),
            ("钟家庄街道", "REPORTER", {"assignment": share}, "NOT_FOUND", "assignment"),
            ("南村镇", "REPORTER", {"assignment": share, "reason": " "}, "INVALID_INPUT", "reason"),
            (
                "南村镇",
                "REPORTER",
                {"assignment": share, "newDeadline": "2023-04-30"},
                "OUT_OF_RANGE",
                "newDeadline",
            ),
            (
                "南村镇",
                "REPORTER",
                {"assignment": _share(ongoing, "南村镇")},
                "INVALID_INPUT",
                "newDeadline",
            ),  # 长期坚持 has no end to move
            (
                "南村镇",
                "REPORTER",
                {"assignment": "QXNzaWdubWVudDpub3Bl"},
                "NOT_FOUND",
                "assignment",
            ),
        ]
        for unit, role, overrides, code, field in cases:
            viewer = await _as(client, unit, role)
            variables = {"newDeadline": NEW_END, "reason": "理由"} | overrides
            result = (await viewer.query(REQUEST, {"input": variables}))["requestExtension"]
            assert result["request"] is None, (unit, role, overrides)
            assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, field)], (
                unit,
                role,
                overrides,
                result,
            )
        assert await _counts(seeded_db) == counts

    async def test_a_second_pending_request_is_a_duplicate(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        await _ask(client)
        counts = await _counts(seeded_db)
        task = await _task(client)
        # The co-lead's request of the same task waits for the first to be decided.
        bureau = await _as(client, "城区生态环境分局", "REPORTER")
        result = (
            await bureau.query(
                REQUEST,
                {
                    "input": {
                        "assignment": _share(task, "城区生态环境分局"),
                        "newDeadline": NEW_END,
                        "reason": "理由",
                    }
                },
            )
        )["requestExtension"]
        assert [(e["code"], e["field"]) for e in result["errors"]] == [("DUPLICATE", "assignment")]
        assert await _counts(seeded_db) == counts

    async def test_wrong_deciders_write_nothing(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        request = await _ask(client)
        task = await _task(client)
        counts = await _counts(seeded_db)
        cases = [
            (ISSUER, "REPORTER", {}, "FORBIDDEN"),  # role too low
            ("南村镇", "COORDINATOR", {}, "FORBIDDEN"),  # the lead itself
            ("城区生态环境分局", "COORDINATOR", {}, "FORBIDDEN"),  # a co-lead, not above
            ("钟家庄街道", "COORDINATOR", {}, "NOT_FOUND"),  # cannot see it
            (ISSUER, "COORDINATOR", {"decision": "REJECT"}, "INVALID_INPUT"),  # no reason
            (ISSUER, "COORDINATOR", {"expectedVersion": 7}, "VERSION_CONFLICT"),
        ]
        for unit, role, overrides, code in cases:
            viewer = await _as(client, unit, role)
            variables = {"request": request, "decision": "APPROVE"} | overrides
            result = (await viewer.query(DECIDE, {"input": variables}))["decideExtension"]
            assert result["request"] is None
            assert [e["code"] for e in result["errors"]] == [code], (unit, role, overrides)
        assert await _counts(seeded_db) == counts
        after = await _task(client)
        assert (after["deadline"], after["version"]) == (task["deadline"], task["version"])


@pytest.mark.private_db
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_concurrent_decisions_apply_once(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    request = await _ask(client)
    office = await _as(client, ISSUER, "COORDINATOR")
    district = await _as(client, "城区", "COORDINATOR")
    deciders = [office, district] * 6
    results = await asyncio.gather(
        *(
            viewer.query(
                DECIDE,
                {
                    "input": {
                        "request": request,
                        "decision": "APPROVE" if i % 3 else "REJECT",
                        "reason": f"意见{i}",
                    }
                },
            )
            for i, viewer in enumerate(deciders)
        )
    )
    payloads = [r["decideExtension"] for r in results]
    applied = [p for p in payloads if not p["errors"]]
    assert len(applied) == 1
    assert all(
        [e["code"] for e in p["errors"]] == ["INVALID_TRANSITION"] for p in payloads if p["errors"]
    )
    status = applied[0]["request"]["status"]
    async with seeded_db.engine.connect() as conn:
        changes = (
            await conn.execute(sa.text("SELECT count(*) FROM task_deadline_change"))
        ).scalar()
        decided = (
            await conn.execute(
                sa.text("SELECT count(*) FROM outbox_event WHERE event_type = 'extension.decided'")
            )
        ).scalar()
    assert decided == 1
    assert changes == (1 if status == "APPROVED" else 0)
    task = await _task(client)
    assert task["deadline"]["end"] == (NEW_END if status == "APPROVED" else "2023-04-30")


@pytest.mark.private_db
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_concurrent_requests_leave_one_pending(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    task = await _task(client)
    town = await _as(client, "南村镇", "REPORTER")
    bureau = await _as(client, "城区生态环境分局", "REPORTER")
    jobs = [
        viewer.query(
            REQUEST,
            {
                "input": {
                    "assignment": _share(task, unit),
                    "newDeadline": NEW_END,
                    "reason": f"理由{i}",
                }
            },
        )
        for i in range(5)
        for viewer, unit in ((town, "南村镇"), (bureau, "城区生态环境分局"))
    ]
    payloads = [r["requestExtension"] for r in await asyncio.gather(*jobs)]
    assert sum(1 for p in payloads if not p["errors"]) == 1
    assert all([e["code"] for e in p["errors"]] == ["DUPLICATE"] for p in payloads if p["errors"])
    async with seeded_db.engine.connect() as conn:
        pending = (
            await conn.execute(
                sa.text("SELECT count(*) FROM extension_request WHERE status = 'PENDING'")
            )
        ).scalar()
    assert pending == 1


def test_the_extended_text_and_kinds() -> None:
    from models.enums import DeadlineKind
    from models.rules import extension_state as rules

    assert rules.extended_text(date(2027, 6, 30)) == "延期至2027年6月30日"
    assert rules.extendable(DeadlineKind.BY_DATE, date(2023, 4, 30))
    assert rules.extendable(DeadlineKind.PERIOD, date(2023, 9, 30))
    assert not rules.extendable(DeadlineKind.ONGOING, None)
    assert not rules.extendable(DeadlineKind.FROM_DATE, None)
