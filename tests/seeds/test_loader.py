"""`govgraph seed` writes the seed dataset once: loading again changes nothing."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

import models
from seeds.dataset import build_dataset
from seeds.loader import load_seed_data
from tests.conftest import TestDatabase


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


async def test_seed_twice_gives_the_same_database(empty_db: TestDatabase) -> None:
    first = await load_seed_data(empty_db.url)
    before = await _fingerprint(empty_db.engine)
    second = await load_seed_data(empty_db.url)
    assert second == first
    assert await _fingerprint(empty_db.engine) == before
    dataset = build_dataset()
    for table, rows in dataset.rows.items():
        assert first[table] == len(rows), table
    assert first["task"] == 34 + 14 + 14 + 3
    assert first["rectification"] == 17


async def test_every_task_has_a_lead_and_the_closure_is_complete(
    seeded_db: TestDatabase,
) -> None:
    async with seeded_db.engine.connect() as conn:
        leadless = await conn.execute(
            sa.text(
                "SELECT count(*) FROM task t WHERE NOT EXISTS (SELECT 1 FROM assignment a "
                "WHERE a.task_id = t.id AND a.role = 'LEAD')"
            )
        )
        assert leadless.scalar() == 0
        # Every unit has one self row and one row per ancestor.
        mismatched = await conn.execute(
            sa.text(
                "SELECT count(*) FROM org_unit u WHERE (SELECT count(*) FROM org_unit_closure c "
                "WHERE c.descendant_id = u.id) != u.depth + 1"
            )
        )
        assert mismatched.scalar() == 0
        # The materialised path and the closure agree on the subtree of 城区.
        by_path = await conn.execute(
            sa.text(
                "SELECT count(*) FROM org_unit u, org_unit d WHERE d.name = '城区' "
                "AND u.path LIKE d.path || '%'"
            )
        )
        by_closure = await conn.execute(
            sa.text(
                "SELECT count(*) FROM org_unit_closure c JOIN org_unit d "
                "ON d.id = c.ancestor_id WHERE d.name = '城区'"
            )
        )
        assert by_path.scalar() == by_closure.scalar()


def test_cli_upgrade_and_seed_are_repeatable(tmp_path: Path) -> None:
    """The console script as `make run` calls it, twice, on a fresh SQLite file."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env_cmd = [sys.executable, "-m", "api.cli"]
    root = Path(__file__).resolve().parents[2]
    outputs = []
    for _ in range(2):
        subprocess.run([*env_cmd, "db", "upgrade", "--database-url", url], check=True, cwd=root)
        result = subprocess.run(
            [*env_cmd, "seed", "--database-url", url],
            check=True,
            cwd=root,
            capture_output=True,
            text=True,
        )
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    counts = dict(line.split() for line in outputs[0].splitlines())
    assert counts["task"] == "65"
    assert counts["rectification"] == "17"
