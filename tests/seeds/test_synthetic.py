"""`govgraph generate`: the synthetic province is deterministic and consistent with itself."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

import models
from api.cli import main
from api.cli_seed import generate_database
from seeds.synthetic import DEFAULT_AS_OF, Province, Sizes, tree_shape
from seeds.synthetic_load import NotEmptyError
from tests.conftest import TestDatabase, graphql_client

SMALL = Sizes(units=60, tasks=500, reports=2000)


async def _fingerprint(engine: AsyncEngine) -> dict[str, str]:
    """A hash of every table's rows, in primary-key order."""
    out: dict[str, str] = {}
    async with engine.connect() as conn:
        for table in models.metadata.sorted_tables:
            rows = await conn.execute(sa.select(table).order_by(*table.primary_key.columns))
            digest = hashlib.sha256()
            for row in rows:
                digest.update(repr(tuple(row)).encode())
            out[table.name] = digest.hexdigest()
    return out


async def _wipe(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(sa.text("UPDATE task SET origin_assignment_id = NULL"))
        for table in reversed(models.metadata.sorted_tables):
            if table.name == "task":
                # Subtasks before their parents (a subtask's 序号 is unique under its parent
                # only, so they cannot all be made top-level first).
                leaves = sa.text(
                    "DELETE FROM task WHERE id NOT IN"
                    " (SELECT parent_id FROM task WHERE parent_id IS NOT NULL)"
                )
                while (await conn.execute(leaves)).rowcount:
                    pass
            await conn.execute(table.delete())


async def _scalar(engine: AsyncEngine, sql: str) -> Any:
    async with engine.connect() as conn:
        return await conn.scalar(sa.text(sql))


@pytest.mark.private_db  # the generator opens its own engine on the URL
class TestGenerate:
    async def test_same_seed_gives_identical_tables(self, empty_db: TestDatabase) -> None:
        counts = await generate_database(empty_db.url, SMALL, seed=1)
        first = await _fingerprint(empty_db.engine)
        await _wipe(empty_db.engine)
        assert await generate_database(empty_db.url, SMALL, seed=1) == counts
        assert await _fingerprint(empty_db.engine) == first
        assert counts["org_unit"] == 60
        assert counts["task"] == 500
        assert counts["progress_report"] == 2000
        # One status event per report, plus each assignment's NOT_STARTED at creation.
        assert counts["assignment_status_event"] == counts["assignment"] + 2000

    async def test_writes_only_into_an_empty_database(self, empty_db: TestDatabase) -> None:
        await generate_database(empty_db.url, Sizes(units=40, tasks=50, reports=100), seed=3)
        with pytest.raises(NotEmptyError):
            await generate_database(empty_db.url, Sizes(units=40, tasks=50, reports=100), seed=3)

    async def test_state_agrees_with_history(self, empty_db: TestDatabase) -> None:
        await generate_database(empty_db.url, SMALL, seed=2)
        engine = empty_db.engine
        checks = {
            "task without a lead": """SELECT count(*) FROM task t WHERE NOT EXISTS (
                SELECT 1 FROM assignment a WHERE a.task_id = t.id AND a.role = 'LEAD')""",
            "task status differs from its leads'": """SELECT count(*) FROM task t JOIN (
                SELECT task_id, count(*) AS n,
                  sum(CASE WHEN status = 'COMPLETED' THEN 1 ELSE 0 END) AS done,
                  sum(CASE WHEN status <> 'NOT_STARTED' THEN 1 ELSE 0 END) AS started,
                  avg(CASE WHEN status = 'COMPLETED' THEN 100.0 ELSE progress END) AS mean
                FROM assignment WHERE role = 'LEAD' GROUP BY task_id) l ON l.task_id = t.id
                WHERE t.status <> CASE WHEN l.done = l.n THEN 'COMPLETED'
                  WHEN l.started > 0 THEN 'IN_PROGRESS' ELSE 'NOT_STARTED' END
                OR abs(t.progress - CASE WHEN l.done = l.n THEN 100.0 ELSE l.mean END) > 1e-6""",
            "closure rows != depth + 1": """SELECT count(*) FROM org_unit u WHERE (SELECT count(*)
                FROM org_unit_closure c WHERE c.descendant_id = u.id) <> u.depth + 1""",
            "assignment state differs from its latest event": """SELECT count(*)
                FROM assignment a JOIN assignment_status_event e ON e.assignment_id = a.id
                WHERE e.effective_at = (SELECT max(x.effective_at) FROM assignment_status_event x
                  WHERE x.assignment_id = a.id)
                AND (e.status <> a.status OR e.progress <> a.progress)""",
            "assignment version != 1 + its reports": """SELECT count(*) FROM assignment a
                WHERE a.version <> 1 + (SELECT count(*) FROM progress_report r
                  WHERE r.assignment_id = a.id)""",
            "report without exactly one event": """SELECT count(*) FROM progress_report r
                WHERE (SELECT count(*) FROM assignment_status_event e
                  WHERE e.report_id = r.id) <> 1""",
            "subtask not split from a lead share of its parent": """SELECT count(*) FROM task s
                JOIN assignment a ON a.id = s.origin_assignment_id
                WHERE a.task_id <> s.parent_id OR a.role <> 'LEAD'""",
            "rectification version != 1 + its events": """SELECT count(*) FROM rectification r
                WHERE r.version <> 1 + (SELECT count(*) FROM rectification_event e
                  WHERE e.rectification_id = r.id)""",
            "report after as_of": f"""SELECT count(*) FROM progress_report
                WHERE reported_at > '{DEFAULT_AS_OF.isoformat()} 16:00:00+00:00'""",
        }
        for problem, sql in checks.items():
            assert await _scalar(engine, sql) == 0, problem
        realism = {
            "subtasks": "SELECT count(*) FROM task WHERE parent_id IS NOT NULL",
            "multi-lead tasks": """SELECT count(*) FROM (SELECT task_id FROM assignment
                WHERE role = 'LEAD' GROUP BY task_id HAVING count(*) > 1) m""",
            "group assignments": "SELECT count(*) FROM assignment WHERE via_group IS NOT NULL",
            "cooperating units": "SELECT count(*) FROM assignment WHERE role = 'COOPERATING'",
            "ongoing tasks": "SELECT count(*) FROM task WHERE deadline_kind = 'ONGOING'",
            "overdue tasks": f"""SELECT count(*) FROM task WHERE status <> 'COMPLETED'
                AND deadline_kind <> 'ONGOING'
                AND deadline_end < '{DEFAULT_AS_OF.isoformat()}'""",
            "line parents": "SELECT count(*) FROM org_unit WHERE line_parent_id IS NOT NULL",
            "monthly measurements": "SELECT count(*) FROM measurement WHERE month IS NOT NULL",
        }
        for what, sql in realism.items():
            assert await _scalar(engine, sql) > 0, what
        states = await _scalar(engine, "SELECT count(DISTINCT status) FROM rectification")
        assert states == 6

    async def test_rollup_from_history_matches_present_state(self, empty_db: TestDatabase) -> None:
        await generate_database(empty_db.url, SMALL, seed=4)
        as_of = DEFAULT_AS_OF.isoformat()
        async with empty_db.engine.connect() as conn:
            province = (
                (await conn.execute(sa.text("SELECT id FROM org_unit WHERE depth = 0")))
                .scalars()
                .one()
            )
            row = (
                await conn.execute(
                    sa.text(
                        f"""SELECT count(*) AS total,
                        sum(CASE WHEN status = 'COMPLETED' THEN 1 ELSE 0 END) AS completed,
                        sum(CASE WHEN status = 'NOT_STARTED' THEN 1 ELSE 0 END) AS not_started,
                        sum(CASE WHEN status <> 'COMPLETED' AND deadline_kind <> 'ONGOING'
                          AND deadline_end < '{as_of}' THEN 1 ELSE 0 END) AS overdue
                        FROM task"""
                    )
                )
            ).one()
        async with graphql_client(empty_db) as client:
            data = await client.as_viewer(province, "ADMIN").query(
                """query($as: Date) { orgUnit(name: "河东省") {
                    taskRollup(asOf: $as) { total completed notStarted overdue } } }""",
                {"as": as_of},
            )
        rollup = data["orgUnit"]["taskRollup"]
        assert (rollup["total"], rollup["completed"], rollup["notStarted"], rollup["overdue"]) == (
            row.total,
            row.completed,
            row.not_started,
            row.overdue,
        )


class TestPlan:
    def test_other_seed_gives_other_rows(self) -> None:
        one, two = Province(SMALL, 1), Province(SMALL, 2)
        assert [u["name"] for u in one.units] != [u["name"] for u in two.units]
        assert len(one.tasks) == len(two.tasks) == 500
        assert sum(one.counts) == sum(two.counts) == 2000

    def test_province_shape_adds_up(self) -> None:
        shape = tree_shape(5000)
        assert (shape.cities, shape.districts, shape.towns) == (11, 117, 1200)
        assert shape.enterprises > 0

    def test_too_few_units_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="at least"):
            tree_shape(10)

    def test_cli_refuses_too_few_units(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["generate", "--units", "5", "--database-url", "sqlite:///unused.db"]) == 2
        assert "at least" in capsys.readouterr().err
