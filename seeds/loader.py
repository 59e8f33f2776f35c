"""`govgraph seed`: writes the seed dataset once per database, in one transaction.

`make run` seeds on every start, so the seed records what it loaded (seed_run) and a later
run writes nothing: re-inserting the dataset would bring back seeded rows that users have
changed or deleted since (a lead a ledger import removed), with no change-feed entry, and
partners mirroring the data would diverge. A database holding the seed's rows from before
seed_run existed is recognised by them and recorded, and nothing is written either.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import models
from models import SeedRun
from resolvers.document.label_stems import insert_plans
from resolvers.rollups.maintained import rebuild_task_rollups
from seeds.dataset import DATA_DIR, Dataset, build_dataset

CHUNK = 500
DATASET = "seed-documents"

seed_run_t: sa.Table = SeedRun.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class SeedReport:
    """What `load_seed_data` did: `written` False when the database was seeded before."""

    written: bool
    seeded_at: datetime
    digest: str
    changed_since: bool = False  # the dataset differs from the one loaded then
    counts: dict[str, int] = field(default_factory=dict)


def _insert_ignoring_existing(dialect: str, table: sa.Table) -> Any:
    """INSERT … ON CONFLICT DO NOTHING: a database holding rows of its own keeps them."""
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


def digest_of(dataset: Dataset) -> str:
    """sha256 of the dataset's rows (tables by name, rows in order)."""
    digest = hashlib.sha256()
    for name in sorted(dataset.rows):
        for row in dataset.rows[name]:
            digest.update(name.encode())
            digest.update(orjson.dumps(row, default=str, option=orjson.OPT_SORT_KEYS))
    return digest.hexdigest()


async def write_dataset(conn: AsyncConnection, dataset: Dataset) -> None:
    """Insert every row of the dataset, parents before children; then rebuild the rollups."""
    for table in models.metadata.sorted_tables:
        rows = dataset.rows.get(table.name)
        if not rows:
            continue
        if table.name == "plan":  # with their label stems (models/rules/labels.py)
            await insert_plans(conn, rows)
            continue
        stmt = _insert_ignoring_existing(conn.dialect.name, table)
        for start in range(0, len(rows), CHUNK):
            await conn.execute(stmt, rows[start : start + CHUNK])
    await rebuild_task_rollups(conn)


async def table_counts(conn: AsyncConnection) -> dict[str, int]:
    """Row count of every table."""
    counts: dict[str, int] = {}
    for table in models.metadata.sorted_tables:
        counts[table.name] = int(
            (await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar() or 0
        )
    return counts


async def _lock_seed_run(conn: AsyncConnection) -> None:
    """Two seeds at once (two `make run`s): the second waits and then finds the first's row."""
    if conn.dialect.name == "postgresql":
        await conn.execute(sa.text("LOCK TABLE seed_run IN EXCLUSIVE MODE"))
    else:  # take SQLite's write lock before reading (a deferred read could not upgrade)
        await conn.execute(seed_run_t.delete().where(sa.false()))


async def _seeded_before(conn: AsyncConnection, dataset: Dataset) -> dict[str, Any] | None:
    """The seed_run row, or one recorded now for a database seeded before it existed."""
    row = (
        (await conn.execute(sa.select(seed_run_t).where(seed_run_t.c.dataset == DATASET)))
        .mappings()
        .first()
    )
    if row is not None:
        return dict(row)
    units = models.metadata.tables["org_unit"]
    first_unit = dataset.rows["org_unit"][0]["id"]
    if (await conn.execute(sa.select(units.c.id).where(units.c.id == first_unit))).first():
        return {"digest": "", "seeded_at": None}  # seeded before seed_run: record it
    return None


async def load_seed_data(engine: AsyncEngine, data_dir: Path = DATA_DIR) -> SeedReport:
    """Load the seed dataset into a migrated database, once.

    The whole dataset is built and checked before anything is written (SeedDataError lists
    every problem with its file and line), then written in one transaction with its seed_run
    row. A database seeded before is left as it is. The caller owns the engine.
    """
    dataset = build_dataset(data_dir)
    digest = digest_of(dataset)
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        await _lock_seed_run(conn)
        before = await _seeded_before(conn, dataset)
        if before is None:
            await write_dataset(conn, dataset)
        if before is None or before["seeded_at"] is None:
            rows = sum(len(r) for r in dataset.rows.values())
            await conn.execute(
                seed_run_t.insert().values(dataset=DATASET, digest=digest, rows=rows, seeded_at=now)
            )
    async with engine.connect() as conn:
        counts = await table_counts(conn)
    if before is None:
        return SeedReport(written=True, seeded_at=now, digest=digest, counts=counts)
    seeded_at = before["seeded_at"] or now
    if seeded_at.tzinfo is None:  # SQLite keeps no zone: stored as UTC
        seeded_at = seeded_at.replace(tzinfo=UTC)
    changed = bool(before["digest"]) and before["digest"] != digest
    return SeedReport(
        written=False, seeded_at=seeded_at, digest=digest, changed_since=changed, counts=counts
    )
