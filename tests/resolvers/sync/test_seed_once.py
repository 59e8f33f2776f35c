"""`govgraph seed` runs once per database: a restart never brings back what a user changed.

`make run` seeds on every start. Before, the seed re-inserted its rows (ON CONFLICT DO
NOTHING), so the lead of air/016 that a ledger import had removed came back on restart, with
no change-feed entry.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from api.cli_seed import seed_database
from seeds.loader import seed_run_t
from tests.conftest import TestDatabase
from tests.resolvers.sync.helpers import (
    AIR_016,
    air_row,
    command,
    import_air_ledger,
    lead_names,
    ledger_with_lead,
)

pytestmark = pytest.mark.private_db  # the command line opens its own engine

ENERGY = "城区发改（能源）局"
ECOLOGY = "城区生态环境分局"


async def _change_log_size(db: TestDatabase) -> int:
    async with db.engine.connect() as conn:
        return int((await conn.execute(sa.text("SELECT count(*) FROM change_log"))).scalar())


async def test_a_restart_keeps_a_lead_an_import_removed(
    seeded_db: TestDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    task = await air_row(seeded_db, AIR_016)
    assert task["leads"] == [ENERGY]
    await import_air_ledger(seeded_db, ledger_with_lead(task, "区生态环境分局", tmp_path / "a.csv"))
    assert await lead_names(seeded_db, task["id"]) == [ECOLOGY]
    logged = await _change_log_size(seeded_db)
    capsys.readouterr()
    # The restart: `make run` seeds again.
    assert await command(seeded_db, ["seed"]) == 0
    assert "nothing written" in capsys.readouterr().out
    assert await lead_names(seeded_db, task["id"]) == [ECOLOGY]
    assert await _change_log_size(seeded_db) == logged


async def test_a_database_seeded_before_seed_runs_were_recorded(seeded_db: TestDatabase) -> None:
    task = await air_row(seeded_db, AIR_016)
    assignment = sa.table("assignment", sa.column("task_id"))
    async with seeded_db.engine.begin() as conn:
        await conn.execute(seed_run_t.delete())  # as before migration 0011
        await conn.execute(assignment.delete().where(assignment.c.task_id == task["id"]))
    report = await seed_database(seeded_db.url)
    assert not report.written
    assert await lead_names(seeded_db, task["id"]) == []
    async with seeded_db.engine.connect() as conn:
        assert (
            await conn.execute(sa.select(sa.func.count()).select_from(seed_run_t))
        ).scalar() == 1


async def test_an_empty_database_is_seeded_and_recorded(empty_db: TestDatabase) -> None:
    report = await seed_database(empty_db.url)
    assert report.written
    assert report.counts["task"] == 34 + 14 + 14 + 3
    again = await seed_database(empty_db.url)
    assert not again.written
    assert again.seeded_at == report.seeded_at
    assert again.counts == report.counts
    assert not again.changed_since
