"""Deadline history (issue 16, point 2): a moved deadline does not rewrite the past.

On the seed, both backends: air task 3 (2023年4月底前) is overdue as of 2023-06-30; its
deadline is extended on 2023-08-01 (a back-dated service call, as an approved extension
will be) to 2023-12-31. As of 2023-06-30 every surface still counts it overdue under the
original deadline; as of 2023-08-01 and later, until the new end, none does. The original
deadline and the change (who, when, why) stay queryable; a no-op edit records nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from api.api_keys import create_key
from models import Task, TaskDeadlineChange
from models.enums import ViewerRole
from models.viewer import Viewer
from resolvers.common import decode_global_id, global_id
from resolvers.database import Database
from resolvers.errors import DomainError
from resolvers.service_context import ServiceContext
from resolvers.task import service
from resolvers.writes import run_mutation
from tests.conftest import GraphQLClient, TestDatabase

change_t: sa.Table = TaskDeadlineChange.__table__  # type: ignore[attr-defined]
task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]

CODE = "城政办发〔2023〕20号/air/003"
BEFORE, ON, AFTER, LATER = "2023-06-30", "2023-08-01", "2023-08-02", "2024-03-01"
EXTENDED_AT = datetime(2023, 8, 1, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai

SURFACES = """
query ($d: Date!, $t: ID!) {
  tasks(first: 100, filter: { overdueAsOf: $d }) { totalCount edges { node { code } } }
  task: node(id: $t) { ... on Task {
    id version overdue(asOf: $d)
    plan { taskRollup(asOf: $d) { overdue dueSoon } }
    assignments { role overdue(asOf: $d) unit { id taskRollup(asOf: $d) { overdue } } }
  } }
}
"""
HISTORY = """
query ($t: ID!) { task: node(id: $t) { ... on Task {
  deadline { kind end text }
  originalDeadline { kind end text }
  deadlineHistory {
    deadline { end text } previous { end text } changedAt changedBy reason
    changedByUnit { name }
  }
} } }
"""
UPDATE = """
mutation ($input: UpdateTaskInput!) { updateTask(input: $input) {
  task { version deadline { end } } errors { code field } } }
"""


async def _task_id(db: TestDatabase) -> str:
    async with db.engine.connect() as conn:
        row = (await conn.execute(sa.select(task_t.c.id).where(task_t.c.code == CODE))).one()
    return global_id("Task", row.id)


async def _surfaces(client: GraphQLClient, task_id: str, day: str) -> dict[str, Any]:
    data = await client.query(SURFACES, {"d": day, "t": task_id})
    task = data["task"]
    leads = [a for a in task["assignments"] if a["role"] == "LEAD"]
    return {
        "plan_overdue": task["plan"]["taskRollup"]["overdue"],
        "listed": CODE in {e["node"]["code"] for e in data["tasks"]["edges"]},
        "list_total": data["tasks"]["totalCount"],
        "task_overdue": task["overdue"],
        "shares_overdue": [a["overdue"] for a in leads],
        "unit_overdue": [a["unit"]["taskRollup"]["overdue"] for a in leads],
        "task": task,
    }


async def _extend(db: TestDatabase, task_id: str, version: int, unit: str) -> None:
    """Extend the deadline as of EXTENDED_AT, by the district's coordinator, with a reason."""
    database = Database(db.engine)
    ctx = ServiceContext(
        db=database,
        request_id="extension-test",
        viewer=Viewer(
            subject="district-coordinator",
            unit_id=decode_global_id(unit),
            role=ViewerRole.COORDINATOR,
        ),
        clock=EXTENDED_AT,
    )

    async def body(conn: Any) -> dict[str, Any]:
        return await service.update_task(
            ctx,
            conn,
            task_id=decode_global_id(task_id),
            fields=service.TaskFields(deadline=service.DeadlineInput(text="2023年12月底前")),
            expected_version=version,
            deadline_change_reason="延期：设备采购延误",
        )

    try:
        row, errors = await run_mutation(ctx, body)
        await database.close(commit=True)
    finally:
        await database.close()
    assert errors == [], errors
    assert row is not None


async def _district(client: GraphQLClient) -> str:
    data = await client.query('{ orgUnit(name: "城区") { id } }')
    unit_id: str = data["orgUnit"]["id"]
    return unit_id


async def test_an_extension_keeps_the_past_and_the_original_deadline(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    task_id = await _task_id(seeded_db)
    days = (BEFORE, ON, AFTER, LATER)
    before = {day: await _surfaces(client, task_id, day) for day in days}
    assert before[BEFORE]["task_overdue"]
    assert before[BEFORE]["listed"]
    assert before[AFTER]["task_overdue"]
    assert before[LATER]["task_overdue"]
    task = before[BEFORE]["task"]
    district = await _district(client)
    await _extend(seeded_db, task["id"], task["version"], district)

    after = {day: await _surfaces(client, task_id, day) for day in days}
    # As of the day before the extension: unchanged, every surface still counts it overdue.
    for key in ("plan_overdue", "listed", "list_total", "task_overdue", "shares_overdue"):
        assert after[BEFORE][key] == before[BEFORE][key], key
    assert after[BEFORE]["unit_overdue"] == before[BEFORE]["unit_overdue"]
    # From the day of the extension on (till the new end): not overdue anywhere.
    for day in (ON, AFTER):
        assert after[day]["task_overdue"] is False
        assert not after[day]["listed"]
        assert after[day]["list_total"] == before[day]["list_total"] - 1
        assert after[day]["plan_overdue"] == before[day]["plan_overdue"] - 1
        assert not any(after[day]["shares_overdue"])
        assert [n + 1 for n in after[day]["unit_overdue"]] == before[day]["unit_overdue"]
    # Past the new end it is overdue again, under the new deadline.
    assert after[LATER]["task_overdue"]
    assert after[LATER]["listed"]
    assert after[LATER]["plan_overdue"] == before[LATER]["plan_overdue"]

    history = (await client.query(HISTORY, {"t": task_id}))["task"]
    assert history["deadline"]["end"] == "2023-12-31"
    assert history["originalDeadline"] == {
        "kind": "BY_DATE",
        "end": "2023-04-30",
        "text": "2023年4月底前",
    }
    [change] = history["deadlineHistory"]
    assert change["previous"] == {"end": "2023-04-30", "text": "2023年4月底前"}
    assert change["deadline"]["end"] == "2023-12-31"
    assert change["changedAt"].startswith("2023-08-01T02:00:00")
    assert change["changedBy"] == "district-coordinator"
    assert change["changedByUnit"] == {"name": "城区"}
    assert change["reason"] == "延期：设备采购延误"
    # Who changed it is internal: a sharing partner reads null, as for reportedBy.
    async with seeded_db.engine.begin() as conn:
        partner = await create_key(conn, name="partner", unit_id=decode_global_id(district))
    response = await client.http.post(
        "/graphql",
        json={"query": HISTORY, "variables": {"t": task_id}},
        headers={"x-api-key": partner.secret},
    )
    [shared] = response.json()["data"]["task"]["deadlineHistory"]
    assert shared["changedBy"] is None
    assert shared["reason"] == change["reason"]


async def test_update_task_records_changes_and_no_ops_record_nothing(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    district = await _district(client)
    coordinator = client.as_viewer(decode_global_id(district), "COORDINATOR")
    task_id = await _task_id(seeded_db)
    task = (await client.query(SURFACES, {"d": BEFORE, "t": task_id}))["task"]

    async def update(**values: Any) -> dict[str, Any]:
        data = await coordinator.query(
            UPDATE, {"input": {"task": task["id"], "expectedVersion": task["version"]} | values}
        )
        payload: dict[str, Any] = data["updateTask"]
        if payload["task"] is not None:
            task["version"] = payload["task"]["version"]
        return payload

    async def changes() -> int:
        async with seeded_db.engine.connect() as conn:
            return int(
                (await conn.execute(sa.select(sa.func.count()).select_from(change_t))).scalar_one()
            )

    assert await changes() == 0
    # Same deadline, other fields: no history.
    same = await update(deadline={"text": "2023年4月底前"}, title="扬尘整治（修订）")
    assert same["errors"] == []
    assert await changes() == 0
    # Moved, with a reason; then moved again without one.
    moved = await update(deadline={"text": "2023年10月底前"}, deadlineChangeReason="省厅批复延期")
    assert moved["errors"] == []
    assert moved["task"]["deadline"]["end"] == "2023-10-31"
    again = await update(deadline={"text": "2023年11月底前"})
    assert again["errors"] == []
    # A no-op edit (the same deadline again) changes nothing.
    version = task["version"]
    noop = await update(deadline={"text": "2023年11月底前"}, deadlineChangeReason="重复提交")
    assert noop["errors"] == []
    assert task["version"] == version
    assert await changes() == 2

    history = (await client.query(HISTORY, {"t": task_id}))["task"]
    assert history["originalDeadline"]["end"] == "2023-04-30"
    first, second = history["deadlineHistory"]
    assert (first["previous"]["end"], first["deadline"]["end"]) == ("2023-04-30", "2023-10-31")
    assert first["reason"] == "省厅批复延期"
    assert first["changedByUnit"] == {"name": "城区"}
    assert (second["previous"]["end"], second["deadline"]["end"]) == ("2023-10-31", "2023-11-30")
    assert second["reason"] is None

    # A reason too long is a typed error and writes nothing.
    refused = await update(deadline={"text": "2023年12月底前"}, deadlineChangeReason="长" * 2001)
    assert refused["errors"] == [{"code": "INVALID_INPUT", "field": "deadlineChangeReason"}]
    assert await changes() == 2


@pytest.mark.parametrize("reason", [None, "x"])
def test_record_reason_check(reason: str | None) -> None:
    """Short or absent reasons pass the check."""
    from resolvers.task.deadlines import check_reason

    check_reason(reason)
    with pytest.raises(DomainError):
        check_reason("x" * 2001)
