"""Who reviews a report must see it (issue 17): the task's issuer — 城区人民政府办公室, a
department beside the lead unit, not above it — and a designated supervisor of the plan
(区环委办) read the reports of the tasks they review and accept or return them; others do not.
Supervision is dated: a revoked supervisor keeps its history (Plan.supervisors(asOf:)) and
loses both the view and the right. Refusals write nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from models.rules import calendar
from resolvers.common import decode_global_id
from tests.conftest import GraphQLClient, TestDatabase
from tests.resolvers.review.test_review import (
    TASK,
    TO_REVIEW,
    _as,
    _policy,
    _report,
    _review,
    _share,
    _unit,
)

OFFICE = "区环委办"  # 城区生态环境保护委员会办公室: neither issuer nor above the lead
DESIGNATE = """
mutation ($input: SupervisorInput!) { designateSupervisor(input: $input) {
  supervision { designatedAt endedAt unit { name } } errors { code field } } }
"""
REVOKE = """
mutation ($input: SupervisorInput!) { revokeSupervisor(input: $input) {
  supervision { designatedAt endedAt unit { name } } errors { code field } } }
"""
SUPERVISORS = """
query ($id: ID!, $asOf: Date) { node(id: $id) { ... on Plan {
  now: supervisors { name } then: supervisors(asOf: $asOf) { name } } } }
"""
COUNTED = ("progress_report", "audit_event", "outbox_event", "change_log", "supervision")


async def _counts(db: TestDatabase) -> dict[str, Any]:
    async with db.engine.connect() as conn:
        out: dict[str, Any] = {
            t: (await conn.execute(sa.text(f"SELECT count(*) FROM {t}"))).scalar() for t in COUNTED
        }
        out["reviews"] = (
            await conn.execute(
                sa.text("SELECT count(*) FROM progress_report WHERE reviewed_at IS NOT NULL")
            )
        ).scalar()
        out["ended"] = (
            await conn.execute(
                sa.text("SELECT count(*) FROM supervision WHERE ended_at IS NOT NULL")
            )
        ).scalar()
    return out


async def _issuer(db: TestDatabase, task: str) -> Any:
    async with db.engine.connect() as conn:
        return (
            await conn.execute(
                sa.text(
                    "SELECT d.issuer_id FROM task t JOIN document d ON d.id = t.document_id"
                    " WHERE t.id = :t"
                )
                .bindparams(sa.bindparam("t", decode_global_id(task, "Task"), type_=sa.Uuid()))
                .columns(issuer_id=sa.Uuid())
            )
        ).scalar_one()


async def _sees(viewer: GraphQLClient, task: str, report: str) -> bool:
    node = (await viewer.query(TASK, {"id": task}))["node"]
    if node is None:
        return False
    return report in [e["node"]["id"] for e in node["reports"]["edges"]]


async def _pending(viewer: GraphQLClient) -> list[str]:
    data = await viewer.query(TO_REVIEW)
    return [e["node"]["id"] for e in data["reportsToReview"]["edges"]]


async def test_the_issuing_office_sees_and_reviews_reports_of_a_unit_beside_it(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    picked = await _share(client)
    task = picked["task"]["id"]
    issuer = await _issuer(seeded_db, task)
    async with seeded_db.engine.connect() as conn:
        above = (
            await conn.execute(
                sa.text(
                    "SELECT count(*) FROM org_unit_closure c JOIN assignment a"
                    " ON a.org_unit_id = c.descendant_id WHERE c.ancestor_id = :i AND a.id = :a"
                ).bindparams(
                    sa.bindparam("i", issuer, type_=sa.Uuid()),
                    sa.bindparam(
                        "a", decode_global_id(picked["share"]["id"], "Assignment"), type_=sa.Uuid()
                    ),
                )
            )
        ).scalar()
    assert above == 0  # the issuing office is not above the lead unit
    await _policy(client, picked["plan"]["id"], "ALL")
    report = (await _report(client, picked["share"]["id"], 40))["report"]["id"]

    office = client.as_viewer(issuer, "COORDINATOR")
    assert await _sees(office, task, report)
    assert report in await _pending(office)
    # Seeing is not reviewing: a VIEWER of the office is refused, and nothing is written.
    before = await _counts(seeded_db)
    viewer = client.as_viewer(issuer, "VIEWER")
    assert await _sees(viewer, task, report)
    refused = await _review(viewer, report, "ACCEPT")
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    assert await _counts(seeded_db) == before

    accepted = await _review(office, report, "ACCEPT")
    assert accepted["errors"] == []
    assert accepted["report"]["reviewState"] == "ACCEPTED"
    assert accepted["assignment"]["progress"] == 40
    assert report not in await _pending(office)


async def test_a_designated_supervisor_reviews_until_revoked_and_keeps_its_history(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    picked = await _share(client)
    task, plan = picked["task"]["id"], picked["plan"]["id"]
    await _policy(client, plan, "ALL")
    first = (await _report(client, picked["share"]["id"], 30))["report"]["id"]
    office_id = await _unit(client, OFFICE)
    office = await _as(client, OFFICE, "COORDINATOR")
    outsider = await _as(client, "钟家庄街道", "COORDINATOR")
    district = await _as(client, "城区", "COORDINATOR")
    target = {"input": {"target": plan, "unit": office_id}}

    # Not designated: it sees neither the task's reports nor may it review them.
    before = await _counts(seeded_db)
    assert not await _sees(office, task, first)
    refused = await _review(office, first, "ACCEPT")
    assert [e["code"] for e in refused["errors"]] == ["NOT_FOUND"]
    assert await _counts(seeded_db) == before

    designated = (await district.query(DESIGNATE, target))["designateSupervisor"]
    assert designated["errors"] == []
    assert designated["supervision"]["endedAt"] is None
    assert await _sees(office, task, first)
    assert first in await _pending(office)
    # Other units still see nothing; a REPORTER of the office may not review.
    before = await _counts(seeded_db)
    assert not await _sees(outsider, task, first)
    assert [e["code"] for e in (await _review(outsider, first, "ACCEPT"))["errors"]] == [
        "NOT_FOUND"
    ]
    reporter = await _as(client, OFFICE, "REPORTER")
    assert [e["code"] for e in (await _review(reporter, first, "ACCEPT"))["errors"]] == [
        "FORBIDDEN"
    ]
    assert await _counts(seeded_db) == before
    returned = await _review(office, first, "RETURN", reason="佐证材料不全")
    assert returned["errors"] == []
    assert returned["report"]["reviewState"] == "RETURNED"
    assert returned["report"]["reviewerUnit"] == {"name": "城区生态环境保护委员会办公室"}

    # Dated: designated ten days ago (moved back), revoked now.
    async with seeded_db.engine.begin() as conn:
        await conn.execute(
            sa.text("UPDATE supervision SET created_at = :t").bindparams(
                t=datetime.now(UTC) - timedelta(days=10)
            )
        )
    revoked = (await district.query(REVOKE, target))["revokeSupervisor"]
    assert revoked["errors"] == []
    assert revoked["supervision"]["endedAt"] is not None
    week_ago = (calendar.today() - timedelta(days=7)).isoformat()
    history = (await client.query(SUPERVISORS, {"id": plan, "asOf": week_ago}))["node"]
    assert history == {"now": [], "then": [{"name": "城区生态环境保护委员会办公室"}]}
    long_ago = (calendar.today() - timedelta(days=30)).isoformat()
    older = (await client.query(SUPERVISORS, {"id": plan, "asOf": long_ago}))["node"]
    assert older["then"] == []
    async with seeded_db.engine.connect() as conn:
        kept = (await conn.execute(sa.text("SELECT count(*) FROM supervision"))).scalar()
    assert kept == 1  # ended, not deleted

    # Revoked: neither the view nor the right; revoking again is NOT_FOUND and writes nothing.
    second = (await _report(client, picked["share"]["id"], 50))["report"]["id"]
    before = await _counts(seeded_db)
    assert not await _sees(office, task, second)
    assert [e["code"] for e in (await _review(office, second, "ACCEPT"))["errors"]] == ["NOT_FOUND"]
    again = (await district.query(REVOKE, target))["revokeSupervisor"]
    assert [e["code"] for e in again["errors"]] == ["NOT_FOUND"]
    assert await _counts(seeded_db) == before
    # Designated again: a new period beside the old one.
    renewed = (await district.query(DESIGNATE, target))["designateSupervisor"]
    assert renewed["errors"] == []
    now = (await client.query(SUPERVISORS, {"id": plan, "asOf": week_ago}))["node"]
    assert now["now"] == [{"name": "城区生态环境保护委员会办公室"}]
    assert await _sees(office, task, second)
    async with seeded_db.engine.connect() as conn:
        periods = (await conn.execute(sa.text("SELECT count(*) FROM supervision"))).scalar()
    assert periods == 2
