"""Imports keep the maintained task rollups equal to the live aggregation."""

from __future__ import annotations

from api.settings import Settings
from tests.ledger_files import air_ledger, edit, xlsx_bytes
from tests.resolvers.ledger.conftest import Ledger
from tests.resolvers.rollups.check import as_of_dates, mismatches, snapshot

DATES = as_of_dates(Settings().today())


async def _check(ledger: Ledger) -> None:
    async with ledger.db.engine.connect() as conn:
        assert await mismatches(conn, DATES) == []


class TestImportRefreshesRollups:
    async def test_created_updated_and_removed_units_match_live(self, ledger: Ledger) -> None:
        rows = air_ledger()
        payload = await ledger.upload(xlsx_bytes(rows))
        assert payload["errors"] == []
        await _check(ledger)
        rows = edit(rows, 2, deadline="2024年6月底前")
        rows = edit(rows, 3, leads="区生态环境分局")  # 南村镇 no longer leads
        rows = edit(rows, 6, leads="区生态环境分局", cooperating="区城管局")
        payload = await ledger.upload(xlsx_bytes(rows))
        assert payload["errors"] == []
        assert payload["report"]["updated"] >= 3
        await _check(ledger)

    async def test_dry_run_leaves_the_rollups_unchanged(self, ledger: Ledger) -> None:
        async with ledger.db.engine.connect() as conn:
            before = await snapshot(conn)
        payload = await ledger.upload(xlsx_bytes(air_ledger()), dryRun=True)
        assert payload["report"]["written"] is False
        async with ledger.db.engine.connect() as conn:
            assert await snapshot(conn) == before


PLAN_AND_UNIT = """
query ($plan: ID!, $d: Date!) {
  plan: node(id: $plan) { ... on Plan {
    taskRollup(asOf: $d) { total overdue }
    tasks(filter: { overdueAsOf: $d }) { totalCount } } }
  unit: orgUnit(name: "城区") {
    taskRollup(asOf: $d, filter: { plan: $plan }) { total overdue } }
}
"""


class TestImportedTasksAsOfAPastDate:
    async def test_plan_and_unit_rollups_agree_from_the_documents_date(
        self, ledger: Ledger
    ) -> None:
        """Tasks imported today exist from their document's date (2024-03-01), not from the
        import: on a 2024 date the plan's rollup, the units' and the list count them alike;
        the day before the document, nobody does."""
        payload = await ledger.upload(xlsx_bytes(air_ledger()))
        assert payload["errors"] == []
        viewer = ledger.as_unit("城区", "VIEWER")
        before = await viewer.query(PLAN_AND_UNIT, {"plan": ledger.plan, "d": "2024-02-29"})
        assert before["plan"]["taskRollup"] == {"total": 0, "overdue": 0}
        assert before["unit"]["taskRollup"] == before["plan"]["taskRollup"]
        past = await viewer.query(PLAN_AND_UNIT, {"plan": ledger.plan, "d": "2024-11-10"})
        assert past["plan"]["taskRollup"]["total"] == 34
        assert past["plan"]["taskRollup"]["overdue"] == past["plan"]["tasks"]["totalCount"] > 0
        assert past["unit"]["taskRollup"] == past["plan"]["taskRollup"]
        today = Settings().today().isoformat()
        now = await viewer.query(PLAN_AND_UNIT, {"plan": ledger.plan, "d": today})
        assert now["plan"]["taskRollup"]["overdue"] == now["plan"]["tasks"]["totalCount"] > 0
        assert now["unit"]["taskRollup"] == now["plan"]["taskRollup"]
