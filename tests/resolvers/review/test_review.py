"""Report review (审核 / 退回, issue 17 point 1) end to end through GraphQL: the plan's policy,
reviewProgressReport by the supervising unit, the reviewer's pending list, the reporter's
"returned, why"; only accepted state counts (task status, maintained and live rollups,
their history, as-of, overdue; both read paths); refusals write nothing; concurrent reviews
of one report apply once (PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

import models
from models.rules import calendar
from resolvers.common import decode_global_id
from tests.conftest import GraphQLClient, TestDatabase, graphql_client
from tests.resolvers.rollups.check import as_of_dates, history_dates, mismatches

# The reporting unit: it leads dated tasks of the district's air plan alone.
UNIT = "城区生态环境分局"
SHARES = """
query ($unit: String!) { orgUnit(name: $unit) { tasks(first: 100) {
  edges { node { id status progress plan { id version reportReview }
    deadline { kind end }
    assignments { id role status progress version unit { name } } } } } } }
"""
SET_POLICY = """
mutation ($input: SetReportReviewInput!) { setReportReview(input: $input) {
  plan { id reportReview version } errors { code field } } }
"""
REPORT = """
mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
  report { id status percent reviewState version }
  assignment { id status progress version } errors { code field } } }
"""
REVIEW = """
mutation ($input: ReviewProgressReportInput!) { reviewProgressReport(input: $input) {
  report { id reviewState reviewReason reviewedAt reviewedBy version reviewerUnit { name } }
  assignment { id status progress version } errors { code field message } } }
"""
TO_REVIEW = """
query { reportsToReview(first: 100) { totalCount edges { node { id reviewState percent
  unit { name } } } } }
"""
TASK = """
query ($id: ID!) { node(id: $id) { ... on Task { id status progress
  assignments { id status progress unit { name } }
  reports(first: 20) { edges { node { id percent status reviewState reviewReason reviewedAt
    reviewerUnit { name } } } } } } }
"""
OWN = """
query ($d: Date!, $unit: String!) { orgUnit(name: $unit) {
  kept: taskRollup(asOf: $d, includeDescendants: false) { total completed overdue }
  overdue: tasks(filter: {overdueAsOf: $d}) { totalCount } } }
"""
report_t = models.metadata.tables["progress_report"]
event_t = models.metadata.tables["assignment_status_event"]
COUNTED = (
    "progress_report",
    "assignment_status_event",
    "audit_event",
    "outbox_event",
    "change_log",
    "rollup_bucket_history",
)


async def _unit(client: GraphQLClient, name: str) -> str:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    unit_id: str = data["orgUnit"]["id"]
    return unit_id


async def _as(client: GraphQLClient, name: str, role: str) -> GraphQLClient:
    return client.as_viewer(decode_global_id(await _unit(client, name)), role)


async def _share(client: GraphQLClient) -> dict[str, Any]:
    """A dated task UNIT leads alone and has not completed: the task, its plan, the share."""
    data = await client.query(SHARES, {"unit": UNIT})
    for edge in data["orgUnit"]["tasks"]["edges"]:
        task = edge["node"]
        leads = [a for a in task["assignments"] if a["role"] == "LEAD"]
        dated = task["deadline"]["kind"] != "ONGOING" and task["deadline"]["end"] is not None
        if dated and len(leads) == 1 and leads[0]["status"] != "COMPLETED":
            return {"task": task, "plan": task["plan"], "share": leads[0]}
    raise AssertionError(f"the seed has a dated task {UNIT} leads alone")


async def _policy(client: GraphQLClient, plan: str, policy: str) -> None:
    district = await _as(client, "城区", "COORDINATOR")
    data = await district.query(SET_POLICY, {"input": {"plan": plan, "policy": policy}})
    assert data["setReportReview"]["errors"] == []
    assert data["setReportReview"]["plan"]["reportReview"] == policy


async def _report(client: GraphQLClient, share: str, percent: float, **more: Any) -> dict[str, Any]:
    town = await _as(client, UNIT, "REPORTER")
    data = await town.query(
        REPORT, {"input": {"assignment": share, "percent": percent, "narrative": "进展", **more}}
    )
    payload: dict[str, Any] = data["reportProgress"]
    assert payload["errors"] == [], payload
    return payload


async def _review(who: GraphQLClient, report: str, decision: str, **more: Any) -> dict[str, Any]:
    data = await who.query(REVIEW, {"input": {"report": report, "decision": decision, **more}})
    payload: dict[str, Any] = data["reviewProgressReport"]
    return payload


async def _counts(db: TestDatabase) -> dict[str, int]:
    async with db.engine.connect() as conn:
        return {
            name: int((await conn.execute(sa.text(f"SELECT count(*) FROM {name}"))).scalar())
            for name in COUNTED
        }


async def _outbox(db: TestDatabase, event_type: str) -> list[dict[str, Any]]:
    async with db.engine.connect() as conn:
        outbox_t = models.metadata.tables["outbox_event"]
        rows = await conn.execute(
            sa.select(outbox_t.c.object_id, outbox_t.c.payload).where(
                outbox_t.c.event_type == event_type
            )
        )
        return [dict(r._mapping) for r in rows]


async def _agree(db: TestDatabase) -> None:
    """Maintained rollups equal the live aggregation, now and over the history."""
    today = calendar.today()
    async with db.engine.connect() as conn:
        assert await mismatches(conn, as_of_dates(today)) == []
        past = await history_dates(conn, today)
        assert await mismatches(conn, past, current=False) == []


class TestPolicy:
    async def test_no_review_by_default_reports_count_when_made(
        self, client: GraphQLClient
    ) -> None:
        picked = await _share(client)
        assert picked["plan"]["reportReview"] == "NONE"
        payload = await _report(client, picked["share"]["id"], 100)
        assert payload["report"]["reviewState"] == "NOT_REQUIRED"
        assert payload["assignment"]["status"] == "COMPLETED"
        district = await _as(client, "城区", "COORDINATOR")
        refused = await _review(district, payload["report"]["id"], "ACCEPT")
        assert [e["code"] for e in refused["errors"]] == ["INVALID_TRANSITION"]

    async def test_final_reviews_only_the_completing_report(self, client: GraphQLClient) -> None:
        picked = await _share(client)
        await _policy(client, picked["plan"]["id"], "FINAL")
        interim = await _report(client, picked["share"]["id"], 40)
        assert interim["report"]["reviewState"] == "NOT_REQUIRED"
        assert (interim["assignment"]["status"], interim["assignment"]["progress"]) == (
            "IN_PROGRESS",
            40,
        )
        final = await _report(client, picked["share"]["id"], 100)
        assert final["report"]["reviewState"] == "SUBMITTED"
        assert (final["assignment"]["status"], final["assignment"]["progress"]) == (
            "IN_PROGRESS",
            40,
        )


class TestReview:
    async def test_a_submitted_report_counts_once_accepted(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        picked = await _share(client)
        task, share = picked["task"], picked["share"]
        await _policy(client, picked["plan"]["id"], "ALL")
        today = calendar.today().isoformat()
        town = await _as(client, UNIT, "REPORTER")
        district = await _as(client, "城区", "COORDINATOR")
        before = await district.query(OWN, {"d": today, "unit": UNIT})

        submitted = await _report(client, share["id"], 100)
        report = submitted["report"]["id"]
        assert submitted["report"]["reviewState"] == "SUBMITTED"
        # Nothing counts yet: the share, the task, the rollups and overdue stay as they were.
        assert submitted["assignment"]["status"] == share["status"]
        node = (await town.query(TASK, {"id": task["id"]}))["node"]
        assert (node["status"], node["progress"]) == (task["status"], task["progress"])
        assert await district.query(OWN, {"d": today, "unit": UNIT}) == before
        await _agree(seeded_db)

        # The reviewer's pending list has it; the reporter's (a REPORTER) is empty.
        pending = await district.query(TO_REVIEW)
        assert report in [e["node"]["id"] for e in pending["reportsToReview"]["edges"]]
        assert (await town.query(TO_REVIEW))["reportsToReview"]["totalCount"] == 0

        accepted = await _review(district, report, "ACCEPT", expectedVersion=1)
        assert accepted["errors"] == []
        assert accepted["report"]["reviewState"] == "ACCEPTED"
        assert accepted["report"]["version"] == 2
        assert accepted["report"]["reviewerUnit"] == {"name": "城区"}
        assert accepted["report"]["reviewedAt"] is not None
        assert (accepted["assignment"]["status"], accepted["assignment"]["progress"]) == (
            "COMPLETED",
            100,
        )
        node = (await town.query(TASK, {"id": task["id"]}))["node"]
        assert (node["status"], node["progress"]) == ("COMPLETED", 100)
        after = await district.query(OWN, {"d": today, "unit": UNIT})
        kept = before["orgUnit"]["kept"]
        assert after["orgUnit"]["kept"]["completed"] == kept["completed"] + 1
        deadline_passed = task["deadline"]["end"] < today
        assert after["orgUnit"]["kept"]["overdue"] == kept["overdue"] - int(deadline_passed)
        assert after["orgUnit"]["overdue"]["totalCount"] == after["orgUnit"]["kept"]["overdue"]
        await _agree(seeded_db)
        pending = await district.query(TO_REVIEW)
        assert report not in [e["node"]["id"] for e in pending["reportsToReview"]["edges"]]
        events = await _outbox(seeded_db, "report.accepted")
        assert [e["object_id"] for e in events] == [decode_global_id(report)]

    async def test_a_returned_report_never_counts_and_the_reporter_sees_why(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        picked = await _share(client)
        task, share = picked["task"], picked["share"]
        await _policy(client, picked["plan"]["id"], "FINAL")
        await _report(client, share["id"], 60)
        final = await _report(client, share["id"], 100)
        district = await _as(client, "城区", "COORDINATOR")
        returned = await _review(
            district, final["report"]["id"], "RETURN", reason="佐证材料不全，请补充巡查记录"
        )
        assert returned["errors"] == []
        assert returned["report"]["reviewState"] == "RETURNED"
        assert (returned["assignment"]["status"], returned["assignment"]["progress"]) == (
            "IN_PROGRESS",
            60,
        )
        town = await _as(client, UNIT, "REPORTER")
        node = (await town.query(TASK, {"id": task["id"]}))["node"]
        latest = node["reports"]["edges"][0]["node"]
        assert (latest["reviewState"], latest["reviewReason"]) == (
            "RETURNED",
            "佐证材料不全，请补充巡查记录",
        )
        assert latest["reviewerUnit"] == {"name": "城区"}
        assert node["status"] == "IN_PROGRESS"
        assert len(await _outbox(seeded_db, "report.returned")) == 1
        await _agree(seeded_db)
        # Reported again, accepted: now it counts.
        again = await _report(client, share["id"], 100)
        accepted = await _review(district, again["report"]["id"], "ACCEPT", reason="同意销号")
        assert accepted["assignment"]["status"] == "COMPLETED"

    async def test_the_latest_counting_report_wins_whatever_the_order_of_acceptance(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        picked = await _share(client)
        await _policy(client, picked["plan"]["id"], "ALL")
        older = await _report(client, picked["share"]["id"], 60)
        newer = await _report(client, picked["share"]["id"], 80)
        district = await _as(client, "城区", "COORDINATOR")
        first = await _review(district, newer["report"]["id"], "ACCEPT")
        assert first["assignment"]["progress"] == 80
        before = await _counts(seeded_db)
        second = await _review(district, older["report"]["id"], "ACCEPT")
        assert second["errors"] == []
        assert second["report"]["reviewState"] == "ACCEPTED"
        assert second["assignment"]["progress"] == 80  # the older one changes no state
        after = await _counts(seeded_db)
        assert after["assignment_status_event"] == before["assignment_status_event"]
        assert after["audit_event"] == before["audit_event"] + 1

    async def test_as_of_a_report_counts_from_its_acceptance(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        """Made ten days ago, accepted today: as of five days ago it did not count."""
        picked = await _share(client)
        await _policy(client, picked["plan"]["id"], "ALL")
        today = calendar.today()
        district = await _as(client, "城区", "COORDINATOR")
        submitted = await _report(client, picked["share"]["id"], 100)
        report_id = decode_global_id(submitted["report"]["id"])
        async with seeded_db.engine.begin() as conn:
            await conn.execute(
                report_t.update()
                .where(report_t.c.id == report_id)
                .values(reported_at=datetime.now(UTC) - timedelta(days=10))
            )
        past = (today - timedelta(days=5)).isoformat()
        before_past = await district.query(OWN, {"d": past, "unit": UNIT})
        before_today = await district.query(OWN, {"d": today.isoformat(), "unit": UNIT})
        accepted = await _review(district, submitted["report"]["id"], "ACCEPT")
        assert accepted["errors"] == []
        assert await district.query(OWN, {"d": past, "unit": UNIT}) == before_past
        now_counts = await district.query(OWN, {"d": today.isoformat(), "unit": UNIT})
        assert (
            now_counts["orgUnit"]["kept"]["completed"]
            == before_today["orgUnit"]["kept"]["completed"] + 1
        )
        async with seeded_db.engine.connect() as conn:
            moment = (
                await conn.execute(
                    sa.select(event_t.c.effective_at, report_t.c.reviewed_at)
                    .join(report_t, report_t.c.id == event_t.c.report_id)
                    .where(report_t.c.id == report_id)
                )
            ).one()
        assert moment[0] == moment[1]  # the status event is dated at the acceptance
        await _agree(seeded_db)

    async def test_both_read_paths_count_only_accepted_state(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        picked = await _share(client)
        await _policy(client, picked["plan"]["id"], "ALL")
        await _report(client, picked["share"]["id"], 100)  # left SUBMITTED
        query = """query ($d: Date!, $unit: String!) { orgUnit(name: $unit) {
          taskRollup(asOf: $d) { total completed inProgress overdue weightedProgress }
          tasks(first: 50) { totalCount edges { node { id status progress
            reports(first: 5) { edges { node { id percent status reviewState reviewReason
              version } } } } } } } }"""
        variables = {"d": calendar.today().isoformat(), "unit": UNIT}
        town_id = decode_global_id(await _unit(client, UNIT))
        answers = []
        for compiled in (True, False):
            async with graphql_client(seeded_db, compiled=compiled) as gql:
                body = await gql.as_viewer(town_id, "VIEWER").execute(query, variables)
                assert "errors" not in body, body
                # The compiled path serves the review fields itself (no fall back). SQLite:
                # since reviewers read their tasks' reports (scope.py report_share) the
                # statement outgrows SQLite's parser stack and falls back to the resolvers
                # (same answers, asserted below); PostgreSQL compiles it. Known, issue 15.
                if not (compiled and seeded_db.dialect == "sqlite"):
                    assert body["extensions"]["sql"]["compiled"] is compiled, body["extensions"]
                answers.append(body["data"])
        assert answers[0] == answers[1]
        states = {
            r["node"]["reviewState"]
            for t in answers[0]["orgUnit"]["tasks"]["edges"]
            for r in t["node"]["reports"]["edges"]
        }
        assert "SUBMITTED" in states


class TestRefusals:
    async def test_wrong_roles_units_and_states_write_nothing(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        picked = await _share(client)
        await _policy(client, picked["plan"]["id"], "ALL")
        report = (await _report(client, picked["share"]["id"], 100))["report"]["id"]
        district_reporter = await _as(client, "城区", "REPORTER")
        town_coordinator = await _as(client, UNIT, "COORDINATOR")
        other_town = await _as(client, "北石店镇", "COORDINATOR")
        district = await _as(client, "城区", "COORDINATOR")
        before = await _counts(seeded_db)
        cases: list[tuple[GraphQLClient, dict[str, Any], str]] = [
            (district_reporter, {"decision": "ACCEPT"}, "FORBIDDEN"),
            # The reporting unit sees its report but does not review it.
            (town_coordinator, {"decision": "ACCEPT"}, "FORBIDDEN"),
            (other_town, {"decision": "ACCEPT"}, "NOT_FOUND"),
            (district, {"decision": "RETURN"}, "INVALID_INPUT"),  # a return says why
            (district, {"decision": "RETURN", "reason": "   "}, "INVALID_INPUT"),
            (district, {"decision": "ACCEPT", "expectedVersion": 7}, "VERSION_CONFLICT"),
            (district, {"decision": "ACCEPT", "report": "bm9wZQ=="}, "NOT_FOUND"),
        ]
        for who, variables, code in cases:
            payload = await _review(who, variables.pop("report", report), **variables)
            assert [e["code"] for e in payload["errors"]] == [code], variables
            assert payload["report"] is None
        town_policy = await town_coordinator.query(
            SET_POLICY, {"input": {"plan": picked["plan"]["id"], "policy": "NONE"}}
        )
        assert [e["code"] for e in town_policy["setReportReview"]["errors"]] == ["FORBIDDEN"]
        assert await _counts(seeded_db) == before

        assert (await _review(district, report, "ACCEPT"))["errors"] == []
        after = await _counts(seeded_db)
        again = await _review(district, report, "ACCEPT")  # the same decision again: a no-op
        assert again["errors"] == []
        assert again["report"]["version"] == 2
        late = await _review(district, report, "RETURN", reason="迟到的退回")
        assert [e["code"] for e in late["errors"]] == ["INVALID_TRANSITION"]
        assert await _counts(seeded_db) == after


@pytest.mark.postgres
@pytest.mark.private_db
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_concurrent_reviews_of_one_report_apply_once(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    picked = await _share(client)
    await _policy(client, picked["plan"]["id"], "ALL")
    report = (await _report(client, picked["share"]["id"], 100))["report"]["id"]
    district = await _as(client, "城区", "COORDINATOR")
    before = await _counts(seeded_db)
    decisions = ["ACCEPT"] * 8 + ["RETURN"] * 8
    payloads = await asyncio.gather(
        *(_review(district, report, d, reason="并发审核") for d in decisions)
    )
    won = {p["report"]["reviewState"] for p in payloads if not p["errors"]}
    assert len(won) == 1  # one decision applied; its equals were no-ops
    (state,) = won
    losing = "RETURN" if state == "ACCEPTED" else "ACCEPT"
    for decision, payload in zip(decisions, payloads, strict=True):
        if decision == losing:
            assert [e["code"] for e in payload["errors"]] == ["INVALID_TRANSITION"]
        else:
            assert payload["errors"] == []
            assert payload["report"]["version"] == 2
    after = await _counts(seeded_db)
    assert after["audit_event"] == before["audit_event"] + 1
    assert after["assignment_status_event"] == before["assignment_status_event"] + int(
        state == "ACCEPTED"
    )
    event = "report.accepted" if state == "ACCEPTED" else "report.returned"
    assert len(await _outbox(seeded_db, event)) == 1
    await _agree(seeded_db)
