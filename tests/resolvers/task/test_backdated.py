"""createTask's history starts at its document's date or at `effectiveOn` (issue 16, point 3):
as-of rollups and lists count a created task from then, never from the future."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from api.settings import Settings
from tests.conftest import GraphQLClient, TestDatabase
from tests.resolvers.ledger.conftest import ISSUED_ON, Ledger, open_ledger

CREATE = """
mutation ($input: CreateTaskInput!) { createTask(input: $input) {
  task { id seq label } errors { code field } } }
"""

AS_OF = """
query ($plan: ID!, $d: Date!) {
  plan: node(id: $plan) { ... on Plan {
    taskRollup(asOf: $d) { total overdue notStarted }
    overdue: tasks(filter: { overdueAsOf: $d }) { totalCount } } }
  unit: orgUnit(name: "南村镇") {
    taskRollup(asOf: $d, filter: { plan: $plan }) { total overdue notStarted }
    overdue: tasks(filter: { plan: $plan, overdueAsOf: $d }) { totalCount } }
}
"""


async def _create(ledger: Ledger, **fields: Any) -> dict[str, Any]:
    data = await ledger.as_unit("城区").query(
        CREATE,
        {
            "input": {
                "plan": ledger.plan,
                "title": "新增扬尘整治任务",
                "deadline": {"text": "2024年4月底前"},
                "leadNames": ["南村镇"],
                **fields,
            }
        },
    )
    result: dict[str, Any] = data["createTask"]
    return result


async def _as_of(ledger: Ledger, day: date) -> dict[str, Any]:
    data: dict[str, Any] = await ledger.as_unit("城区", "VIEWER").query(
        AS_OF, {"plan": ledger.plan, "d": day.isoformat()}
    )
    return data


def _counts(data: dict[str, Any]) -> tuple[int, int, int, int]:
    plan, unit = data["plan"], data["unit"]
    assert plan["taskRollup"] == unit["taskRollup"]  # one lead, 南村镇: the same count
    assert plan["overdue"]["totalCount"] == plan["taskRollup"]["overdue"]
    assert unit["overdue"]["totalCount"] == unit["taskRollup"]["overdue"]
    rollup = plan["taskRollup"]
    return rollup["total"], rollup["overdue"], rollup["notStarted"], unit["taskRollup"]["total"]


@pytest.fixture
async def ledger(client: GraphQLClient, seeded_db: TestDatabase) -> Ledger:
    return await open_ledger(seeded_db, client)


class TestCreateTaskHistory:
    async def test_a_created_task_counts_from_its_documents_date(self, ledger: Ledger) -> None:
        result = await _create(ledger)
        assert result["errors"] == []
        assert _counts(await _as_of(ledger, ISSUED_ON - timedelta(days=1))) == (0, 0, 0, 0)
        assert _counts(await _as_of(ledger, ISSUED_ON)) == (1, 0, 1, 1)
        assert _counts(await _as_of(ledger, date(2024, 5, 1))) == (1, 1, 1, 1)

    async def test_effective_on_moves_the_start(self, ledger: Ledger) -> None:
        result = await _create(ledger, effectiveOn="2024-04-10")
        assert result["errors"] == []
        assert _counts(await _as_of(ledger, date(2024, 4, 9))) == (0, 0, 0, 0)
        assert _counts(await _as_of(ledger, date(2024, 4, 10))) == (1, 0, 1, 1)
        assert _counts(await _as_of(ledger, date(2024, 5, 1))) == (1, 1, 1, 1)
        # Before the document's date when the creator says so.
        earlier = await _create(ledger, effectiveOn="2024-01-02", seq=7)
        assert earlier["errors"] == []
        assert earlier["task"]["label"] == "2024大气-7"  # the plan's year, then its 序号
        assert _counts(await _as_of(ledger, date(2024, 1, 2))) == (1, 0, 1, 1)

    async def test_an_effective_date_in_the_future_is_refused(self, ledger: Ledger) -> None:
        tomorrow = Settings().today() + timedelta(days=1)
        result = await _create(ledger, effectiveOn=tomorrow.isoformat())
        assert result == {
            "task": None,
            "errors": [{"code": "OUT_OF_RANGE", "field": "effectiveOn"}],
        }
        assert _counts(await _as_of(ledger, Settings().today())) == (0, 0, 0, 0)

    async def test_a_document_dated_after_today_starts_now(self, ledger: Ledger) -> None:
        import models

        document_t = models.metadata.tables["document"]
        plan_t = models.metadata.tables["plan"]
        async with ledger.db.engine.begin() as conn:
            document_id = (
                await conn.execute(
                    plan_t.select()
                    .with_only_columns(plan_t.c.document_id)
                    .where(plan_t.c.id == ledger.plan_id)
                )
            ).scalar_one()
            await conn.execute(
                document_t.update()
                .where(document_t.c.id == document_id)
                .values(issued_on=Settings().today() + timedelta(days=30))
            )
        result = await _create(ledger)
        assert result["errors"] == []
        today = Settings().today()
        assert _counts(await _as_of(ledger, today - timedelta(days=1)))[0] == 0
        assert _counts(await _as_of(ledger, today))[0] == 1
