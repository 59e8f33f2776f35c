"""Workflow events to partner webhooks (issue 18, point 1): 签收, report returned and accepted,
a 批示, an extension requested, decided and withdrawn, each delivered to real receivers on
loopback, per tier (a SHARED partner's payload names nobody; an INTERNAL one's does) and per
scope (a partner of a unit that does not see the task hears nothing of it)."""

from __future__ import annotations

from typing import Any

import pytest

from api import api_keys
from resolvers.common import decode_global_id
from resolvers.delivery import subscriptions
from resolvers.delivery.worker import DeliveryConfig, run_once
from tests.conftest import GraphQLClient, TestDatabase
from tests.resolvers.delivery.receiver import Receiver, running

pytestmark = pytest.mark.private_db  # the worker commits on its own connections

CONFIG = DeliveryConfig(
    max_attempts=3, backoff_base=0.0, lease=30.0, timeout=2.0, allow_private=True
)
TITLE = "南村铸造工业园区空气站"  # leads 城区生态环境分局 and 南村镇; issued under 城区
TOWN, OTHER = "南村镇", "北石店镇"
WORKFLOW = {
    "assignment.acknowledged",
    "report.returned",
    "report.accepted",
    "comment.added",
    "extension.requested",
    "extension.decided",
    "extension.withdrawn",
}
# Each item type's person columns (camelCase) a SHARED partner never receives.
PERSONS = {
    "Assignment": {"acknowledgedBy"},
    "ProgressReport": {"reportedBy", "reviewedBy"},
    "Comment": {"author"},
    "ExtensionRequest": {"requestedBy", "decidedBy"},
}
TASK = """
query ($t: String!) { tasks(filter: {text: $t}) { edges { node { id plan { id }
  assignments { id unit { name } } } } } }
"""
POLICY = """
mutation ($input: SetReportReviewInput!) { setReportReview(input: $input) { errors { code } } }
"""
SIGN = "mutation ($a: ID!) { signFor(assignment: $a) { errors { code } } }"
REPORT = """
mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
  report { id } errors { code } } }
"""
REVIEW = """
mutation ($input: ReviewProgressReportInput!) { reviewProgressReport(input: $input) {
  errors { code } } }
"""
COMMENT = """
mutation ($input: AddCommentInput!) { addComment(input: $input) { errors { code } } }
"""
REQUEST = """
mutation ($input: RequestExtensionInput!) { requestExtension(input: $input) {
  request { id } errors { code } } }
"""
DECIDE = """
mutation ($input: DecideExtensionInput!) { decideExtension(input: $input) { errors { code } } }
"""
WITHDRAW = """
mutation ($input: WithdrawExtensionInput!) { withdrawExtension(input: $input) {
  errors { code } } }
"""


async def _as(client: GraphQLClient, name: str, role: str) -> GraphQLClient:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    return client.as_viewer(decode_global_id(data["orgUnit"]["id"]), role)


async def _ok(who: GraphQLClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    data = await who.query(query, variables)
    (payload,) = data.values()
    assert payload["errors"] == [], payload
    result: dict[str, Any] = payload
    return result


async def _subscribe(
    db: TestDatabase, client: GraphQLClient, unit: str, url: str, disclosure: str
) -> str:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": unit})
    async with db.engine.begin() as conn:
        key = await api_keys.create_key(
            conn,
            name=f"{unit}-{disclosure}",
            unit_id=decode_global_id(data["orgUnit"]["id"]),
            disclosure=disclosure,
        )
        sub = await subscriptions.create_subscription(
            conn, key_prefix=key.prefix, url=url, event_types=sorted(WORKFLOW)
        )
    secret: str = sub["secret"]
    return secret


async def _workflow(client: GraphQLClient) -> None:
    """The task's workflow, by the units that do it."""
    task = (await client.query(TASK, {"t": TITLE}))["tasks"]["edges"][0]["node"]
    share = next(a["id"] for a in task["assignments"] if a["unit"]["name"] == TOWN)
    town = await _as(client, TOWN, "REPORTER")
    district = await _as(client, "城区", "COORDINATOR")
    await _ok(district, POLICY, {"input": {"plan": task["plan"]["id"], "policy": "ALL"}})
    await _ok(town, SIGN, {"a": share})
    report = {"assignment": share, "narrative": "进展"}
    first = await _ok(town, REPORT, {"input": {**report, "percent": 50}})
    await _ok(
        district,
        REVIEW,
        {"input": {"report": first["report"]["id"], "decision": "RETURN", "reason": "佐证不全"}},
    )
    second = await _ok(town, REPORT, {"input": {**report, "percent": 60}})
    await _ok(district, REVIEW, {"input": {"report": second["report"]["id"], "decision": "ACCEPT"}})
    await _ok(
        district,
        COMMENT,
        {"input": {"target": task["id"], "body": "请加快推进", "kind": "INSTRUCTION"}},
    )
    ask = {"assignment": share, "newDeadline": "2027-06-30", "reason": "设备采购延迟"}
    asked = await _ok(town, REQUEST, {"input": ask})
    decision = {"request": asked["request"]["id"], "decision": "REJECT", "reason": "理由不足"}
    await _ok(district, DECIDE, {"input": decision})
    again = await _ok(town, REQUEST, {"input": {**ask, "newDeadline": "2027-12-31"}})
    await _ok(town, WITHDRAW, {"input": {"request": again["request"]["id"]}})


async def test_workflow_events_per_tier_and_scope(
    seeded_db: TestDatabase, client: GraphQLClient
) -> None:
    with running(Receiver()) as shared, running(Receiver()) as internal:
        with running(Receiver()) as other:
            shared.secrets = [await _subscribe(seeded_db, client, TOWN, shared.url, "SHARED")]
            internal.secrets = [await _subscribe(seeded_db, client, TOWN, internal.url, "INTERNAL")]
            other.secrets = [await _subscribe(seeded_db, client, OTHER, other.url, "SHARED")]
            await _workflow(client)
            for _ in range(10):
                done = await run_once(seeded_db.engine, CONFIG)
                if not done.fanned_out and not done.outcomes:
                    break
    assert other.received == []  # 北石店镇 does not see the task: not one event of it
    for receiver, tier in ((shared, "SHARED"), (internal, "INTERNAL")):
        got = receiver.delivered()
        assert all(r.verified for r in got)
        types = [r.body["type"].removeprefix("govgraph.") for r in got]
        assert set(types) == WORKFLOW, tier
        assert types.count("extension.requested") == 2
        for r in got:
            data = r.body["data"]
            assert data["objectType"] == "TASK"
            assert r.body["subject"] == f"TASK/{data['objectId']}"
            assert TITLE in data["records"]["tasks"][0]["title"]
            item = data["item"]
            persons = PERSONS[item["type"]]
            if tier == "SHARED":
                assert not persons & item["row"].keys(), (item["type"], item["row"])
                # nobody's name anywhere: the viewers' subjects are role@unit
                assert b"reporter@" not in r.raw
                assert b"coordinator@" not in r.raw
            else:
                assert persons <= item["row"].keys()
        by_type = {r.body["type"]: r.body["data"]["item"]["row"] for r in got}
        assert by_type["govgraph.report.returned"]["reviewReason"] == "佐证不全"
        assert by_type["govgraph.report.returned"]["reviewState"] == "RETURNED"
        assert by_type["govgraph.report.accepted"]["reviewState"] == "ACCEPTED"
        assert by_type["govgraph.comment.added"]["kind"] == "INSTRUCTION"
        assert by_type["govgraph.comment.added"]["body"] == "请加快推进"
        assert by_type["govgraph.extension.decided"]["status"] == "REJECTED"
        assert by_type["govgraph.extension.withdrawn"]["status"] == "WITHDRAWN"
        assert by_type["govgraph.assignment.acknowledged"]["acknowledgedAt"] is not None
    internal_rows = {r.body["type"]: r.body["data"]["item"]["row"] for r in internal.delivered()}
    assert internal_rows["govgraph.comment.added"]["author"].startswith("coordinator@")


async def test_people_hear_what_is_for_them(seeded_db: TestDatabase, client: GraphQLClient) -> None:
    """By email through a real SMTP server: the returned report and the extension decision
    go to the reporting / requesting unit (南村镇), the 批示 to both lead units, nothing to
    the district that wrote them; no message names a person."""
    from resolvers.delivery.channels import EmailChannel
    from tests.resolvers.delivery.smtp import smtp_server
    from tests.resolvers.delivery.test_people import _contact

    told = ["report.returned", "extension.decided", "comment.added"]
    await _contact(client, TOWN, channel="EMAIL", address="duty@nancun.example", eventTypes=told)
    await _contact(
        client, "城区生态环境分局", channel="EMAIL", address="duty@fenju.example", eventTypes=told
    )
    await _contact(client, "城区", channel="EMAIL", address="duty@chengqu.example", eventTypes=told)
    await _workflow(client)
    with smtp_server() as box:
        email = EmailChannel(host=box.host, port=box.port)
        for _ in range(5):
            done = await run_once(seeded_db.engine, CONFIG, channels={"EMAIL": email})
            if not done.fanned_out and not done.messages:
                break
        mails: dict[str, list[tuple[str, str]]] = {}
        for to, mail in box.mails():
            mails.setdefault(to[0], []).append((str(mail["Subject"]), mail.get_content()))
    town = sorted(mails["duty@nancun.example"])
    assert [subject.split("】")[0] + "】" for subject, _ in town] == [
        "【延期申请未获批准】",
        "【批示】",
        "【报告被退回】",
    ]
    texts = dict((subject.split("】")[0] + "】", text) for subject, text in town)
    assert "事由：佐证不全" in texts["【报告被退回】"]
    assert "事由：理由不足" in texts["【延期申请未获批准】"]
    assert "批示内容：请加快推进" in texts["【批示】"]
    assert all(TITLE in subject for subject, _ in town)
    (fenju,) = mails["duty@fenju.example"]
    assert fenju[0].startswith("【批示】")
    assert "duty@chengqu.example" not in mails
    for got in mails.values():
        for subject, text in got:
            assert "@" not in subject
            assert "reporter@" not in text
            assert "coordinator@" not in text
