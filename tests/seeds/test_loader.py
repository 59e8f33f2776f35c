"""`govgraph seed` writes the seed dataset once: loading again changes nothing."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

import models
import seeds.dataset
from api.cli_seed import seed_database
from seeds.dataset import SeedDataError, build_dataset
from tests.conftest import TestDatabase

ROOT = Path(__file__).resolve().parents[2]


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


@pytest.mark.private_db
async def test_seed_twice_gives_the_same_database(empty_db: TestDatabase) -> None:
    first = await seed_database(empty_db.url)
    before = await _fingerprint(empty_db.engine)
    second = await seed_database(empty_db.url)
    assert first.written
    assert not second.written
    assert second.counts == first.counts
    assert await _fingerprint(empty_db.engine) == before
    dataset = build_dataset()
    for table, rows in dataset.rows.items():
        assert first.counts[table] == len(rows), table
    assert first.counts["task"] == 34 + 14 + 14 + 3
    assert first.counts["rectification"] == 17


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
    # The second run (a restart) says the database was seeded and writes nothing.
    assert outputs[1].startswith("govgraph seed: this database was seeded on ")
    assert "nothing written" in outputs[1]
    title, header, *lines = outputs[0].splitlines()
    assert title == "govgraph seed: rows written per table"
    assert header.split() == ["table", "rows"]
    counts = dict(line.split() for line in lines)
    assert counts["task"] == "65"
    assert counts["rectification"] == "17"


def _break_seed_files(tmp_path: Path) -> tuple[Path, int, int]:
    """A copy of seeds/data with an unknown unit and a malformed deadline kind."""
    data = tmp_path / "data"
    shutil.copytree(Path(seeds.dataset.DATA_DIR), data)
    plans = data / "documents" / "2023-chengqu-action-plans.yaml"
    lines = plans.read_text(encoding="utf-8").splitlines()
    lead_line = next(i for i, line in enumerate(lines) if "leads: [区民营经济局]" in line)
    lines[lead_line] = lines[lead_line].replace("区民营经济局", "区不存在局")
    row_line = max(i for i in range(lead_line) if lines[i].lstrip().startswith("- seq:"))
    deadline_line = next(
        i for i, line in enumerate(lines) if i > lead_line + 3 and "deadline: 长期坚持" in line
    )
    indent = lines[deadline_line][: len(lines[deadline_line]) - len(lines[deadline_line].lstrip())]
    lines.insert(deadline_line + 1, f"{indent}deadline_kind: SOMETIME")
    kind_row = max(i for i in range(deadline_line) if lines[i].lstrip().startswith("- seq:"))
    plans.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data, row_line + 1, kind_row + 1


@pytest.mark.private_db
async def test_bad_seed_file_names_file_and_row_and_writes_nothing(
    seeded_db: TestDatabase, tmp_path: Path
) -> None:
    data, unit_row, kind_row = _break_seed_files(tmp_path)
    before = await _fingerprint(seeded_db.engine)
    await seeded_db.engine.dispose()
    result = await asyncio.to_thread(
        subprocess.run,
        [
            sys.executable,
            "-m",
            "api.cli",
            "seed",
            "--database-url",
            seeded_db.url,
            "--data-dir",
            str(data),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert (
        f"documents/2023-chengqu-action-plans.yaml:{unit_row}: unit '区不存在局'" in result.stderr
    )
    assert f"documents/2023-chengqu-action-plans.yaml:{kind_row}: deadline_kind: 'SOMETIME'" in (
        result.stderr
    )
    assert await _fingerprint(seeded_db.engine) == before


def test_bad_yaml_is_reported_with_the_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(Path(seeds.dataset.DATA_DIR), data)
    (data / "indicators.yaml").write_text("indicators: [\n", encoding="utf-8")
    with pytest.raises(SeedDataError, match=r"indicators\.yaml: not valid YAML"):
        build_dataset(data)
