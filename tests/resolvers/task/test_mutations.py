"""Task mutations over HTTP on the seed data: success, every error code, nothing half-written."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import GraphQLClient, TestDatabase

REPORT = """
mutation ($input: ReportProgressInput!) {
  reportProgress(input: $input) {
    report { percent status narrative evidence { url } period unit { name } }
    assignment { status progress version }
    task { status progress }
    errors { code field message }
  }
}
"""

TASK_ASSIGNMENTS = """
query ($doc: String!) { tasks(filter: {docNumber: $doc}, first: 100) { edges { node {
  id code seq plan { field } status
  assignments { id role status progress version unit { id name } } } } } }
"""


async def _assignment(client: GraphQLClient, field: str, seq: int, unit: str) -> dict[str, Any]:
    data = await client.query(TASK_ASSIGNMENTS, {"doc": "城政办发〔2023〕20号"})
    for edge in data["tasks"]["edges"]:
        task = edge["node"]
        if (
            task["plan"]["field"] == field
            and task["seq"] == seq
            and "/water-projects/" not in (task["code"])
        ):
            for a in task["assignments"]:
                if a["unit"]["name"] == unit:
                    return {**a, "task": task}
    raise AssertionError(f"no assignment of {unit} on {field} {seq}")


async def _unit(client: GraphQLClient, name: str) -> str:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    unit_id: str = data["orgUnit"]["id"]
    return unit_id


def _row_id(global_id: str) -> Any:
    from resolvers.common import decode_global_id

    return decode_global_id(global_id)


async def _counts(db: TestDatabase) -> dict[str, Any]:
    async with db.engine.connect() as conn:
        out: dict[str, Any] = {}
        for name in ("progress_report", "assignment_status_event", "audit_event"):
            out[name] = (await conn.execute(sa.text(f"SELECT count(*) FROM {name}"))).scalar()
        out["versions"] = (
            await conn.execute(sa.text("SELECT sum(version) FROM assignment"))
        ).scalar()
        out["task_versions"] = (
            await conn.execute(sa.text("SELECT sum(version) FROM task"))
        ).scalar()
    return out


class TestReportProgress:
    async def test_report_updates_the_share_and_rolls_up_to_the_task(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        # Air row 3: 区生态环境分局 and 南村镇 lead together.
        share = await _assignment(client, "AIR", 3, "南村镇")
        town = client.as_viewer(_row_id(share["unit"]["id"]), "REPORTER")
        data = await town.query(
            REPORT,
            {
                "input": {
                    "assignment": share["id"],
                    "percent": 40,
                    "narrative": "已完成园区空气站建设",
                    "evidence": [{"url": "https://example.org/report.pdf", "title": "报告"}],
                    "period": "2023-04",
                    "expectedVersion": share["version"],
                }
            },
        )
        result = data["reportProgress"]
        assert result["errors"] == []
        assert result["report"]["status"] == "IN_PROGRESS"
        assert result["report"]["unit"] == {"name": "南村镇"}
        assert result["assignment"] == {
            "status": "IN_PROGRESS",
            "progress": 40.0,
            "version": share["version"] + 1,
        }
        # The other lead has not started: the task is in progress at the mean, 20%.
        assert result["task"] == {"status": "IN_PROGRESS", "progress": 20.0}
        done = await town.query(REPORT, {"input": {"assignment": share["id"], "percent": 100}})
        assert done["reportProgress"]["assignment"]["status"] == "COMPLETED"
        assert done["reportProgress"]["task"]["status"] == "IN_PROGRESS"
        other = await _assignment(client, "AIR", 3, "城区生态环境分局")
        bureau = client.as_viewer(_row_id(other["unit"]["id"]), "REPORTER")
        final = await bureau.query(REPORT, {"input": {"assignment": other["id"], "percent": 100}})
        assert final["reportProgress"]["task"] == {"status": "COMPLETED", "progress": 100.0}
        history = await client.query(
            "query ($id: ID!) { node(id: $id) { ... on Task { reports { totalCount edges { node {"
            " percent unit { name } } } } } } }",
            {"id": share["task"]["id"]},
        )
        reports = history["node"]["reports"]
        assert reports["totalCount"] == 3
        assert [e["node"]["percent"] for e in reports["edges"]][-1] == 40

    async def test_as_of_before_the_report_still_shows_not_started(
        self, client: GraphQLClient
    ) -> None:
        share = await _assignment(client, "AIR", 3, "南村镇")
        town = client.as_viewer(_row_id(share["unit"]["id"]), "REPORTER")
        await town.query(REPORT, {"input": {"assignment": share["id"], "percent": 100}})
        data = await client.query(
            """query ($id: ID!) { node(id: $id) { ... on OrgUnit {
                 past: taskRollup(asOf: "2023-06-01") { completed inProgress }
                 now: taskRollup { completed inProgress } } } }""",
            {"id": share["unit"]["id"]},
        )
        assert data["node"]["past"]["completed"] == 0
        assert data["node"]["now"]["completed"] == 1

    @pytest.mark.parametrize(
        ("change", "code", "field"),
        [
            ({"percent": 101}, "OUT_OF_RANGE", "percent"),
            ({"percent": -1}, "OUT_OF_RANGE", "percent"),
            ({"percent": 50, "status": "COMPLETED"}, "INVALID_INPUT", "percent"),
            ({"percent": 10, "status": "NOT_STARTED"}, "INVALID_INPUT", "percent"),
            ({"percent": 10, "evidence": [{"url": "ftp://x"}]}, "INVALID_INPUT", "evidence"),
            ({"percent": 10, "expectedVersion": 99}, "VERSION_CONFLICT", "expectedVersion"),
            ({"percent": 10, "period": "x" * 40}, "INVALID_INPUT", "period"),
        ],
    )
    async def test_bad_input_is_rejected_and_nothing_is_written(
        self,
        client: GraphQLClient,
        seeded_db: TestDatabase,
        change: dict[str, Any],
        code: str,
        field: str,
    ) -> None:
        share = await _assignment(client, "AIR", 3, "南村镇")
        town = client.as_viewer(_row_id(share["unit"]["id"]), "REPORTER")
        before = await _counts(seeded_db)
        data = await town.query(REPORT, {"input": {"assignment": share["id"], **change}})
        result = data["reportProgress"]
        assert result["report"] is None
        assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, field)]
        assert await _counts(seeded_db) == before

    async def test_a_co_leads_share_is_visible_but_forbidden(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        # AIR 3 is led by 南村镇 and the district bureau: each sees the other's share (a unit
        # assigned to a task sees the other units on it) and reports only on its own.
        share = await _assignment(client, "AIR", 3, "南村镇")
        bureau = client.as_viewer(_row_id(await _unit(client, "城区生态环境分局")), "COORDINATOR")
        before = await _counts(seeded_db)
        data = await bureau.query(REPORT, {"input": {"assignment": share["id"], "percent": 5}})
        assert [e["code"] for e in data["reportProgress"]["errors"]] == ["FORBIDDEN"]
        assert await _counts(seeded_db) == before

    async def test_a_superior_reports_on_a_share_below_it(self, client: GraphQLClient) -> None:
        # A unit reports on its own share: the assignment's unit in the viewer's subtree.
        share = await _assignment(client, "AIR", 3, "南村镇")
        district = client.as_viewer(_row_id(await _unit(client, "城区")), "REPORTER")
        data = await district.query(REPORT, {"input": {"assignment": share["id"], "percent": 5}})
        assert data["reportProgress"]["errors"] == []

    async def test_out_of_scope_and_unknown_ids_are_not_found(self, client: GraphQLClient) -> None:
        bureau_share = await _assignment(client, "AIR", 3, "城区生态环境分局")
        other = client.as_viewer(_row_id(await _unit(client, "阳城县")), "REPORTER")
        for assignment in (bureau_share["id"], "QXNzaWdubWVudDpub3Bl", "not-an-id"):
            data = await other.query(REPORT, {"input": {"assignment": assignment, "percent": 5}})
            assert [e["code"] for e in data["reportProgress"]["errors"]] == ["NOT_FOUND"]

    async def test_viewer_role_cannot_report(self, client: GraphQLClient) -> None:
        share = await _assignment(client, "AIR", 3, "南村镇")
        viewer = client.as_viewer(_row_id(share["unit"]["id"]), "VIEWER")
        data = await viewer.query(REPORT, {"input": {"assignment": share["id"], "percent": 5}})
        assert [e["code"] for e in data["reportProgress"]["errors"]] == ["FORBIDDEN"]

    async def test_anonymous_write_is_a_top_level_error(self, client: GraphQLClient) -> None:
        share = await _assignment(client, "AIR", 3, "南村镇")
        body = await client.execute(REPORT, {"input": {"assignment": share["id"], "percent": 5}})
        assert "需要登录" in body["errors"][0]["message"]  # zh-CN by default

    async def test_every_write_is_audited(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        share = await _assignment(client, "AIR", 3, "南村镇")
        town = client.as_viewer(_row_id(share["unit"]["id"]), "REPORTER")
        await town.query(REPORT, {"input": {"assignment": share["id"], "percent": 30}})
        async with seeded_db.engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.text("SELECT action, target_type, actor, request_id FROM audit_event")
                )
            ).one()
        assert (row.action, row.target_type) == ("reportProgress", "Assignment")
        assert row.actor.startswith("reporter@")
        assert row.request_id


@pytest.mark.postgres
@pytest.mark.private_db
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_fifty_concurrent_writers_lose_no_update(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    share = await _assignment(client, "AIR", 3, "南村镇")
    town = client.as_viewer(_row_id(share["unit"]["id"]), "REPORTER")
    version = share["version"]

    async def write(i: int, expected: int | None) -> dict[str, Any]:
        variables = {
            "input": {"assignment": share["id"], "percent": i % 99, "expectedVersion": expected}
        }
        data = await town.query(REPORT, variables)
        result: dict[str, Any] = data["reportProgress"]
        return result

    same_version = await asyncio.gather(*(write(i, version) for i in range(50)))
    winners = [r for r in same_version if not r["errors"]]
    assert len(winners) == 1
    assert {e["code"] for r in same_version for e in r["errors"]} == {"VERSION_CONFLICT"}
    unconditional = await asyncio.gather(*(write(i, None) for i in range(50)))
    assert all(not r["errors"] for r in unconditional)
    async with seeded_db.engine.connect() as conn:
        final = (
            await conn.execute(
                sa.text("SELECT version FROM assignment WHERE id = :id"),
                {"id": _row_id(share["id"])},
            )
        ).scalar()
        reports = (await conn.execute(sa.text("SELECT count(*) FROM progress_report"))).scalar()
    # 1 + 50 successful writes, each bumping the version once: no update was lost.
    assert final == version + 51
    assert reports == 51
