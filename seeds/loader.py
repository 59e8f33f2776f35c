"""`govgraph seed`: writes the seed dataset in one transaction; re-running changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import models
from resolvers.rollups.maintained import rebuild_task_rollups
from seeds.dataset import DATA_DIR, Dataset, build_dataset

CHUNK = 500


def _insert_ignoring_existing(dialect: str, table: sa.Table) -> Any:
    """INSERT … ON CONFLICT DO NOTHING: rows with a seeded id that exists are left alone."""
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


async def write_dataset(conn: AsyncConnection, dataset: Dataset) -> None:
    """Insert every row of the dataset, parents before children; then rebuild the rollups."""
    for table in models.metadata.sorted_tables:
        rows = dataset.rows.get(table.name)
        if not rows:
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


async def load_seed_data(engine: AsyncEngine, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Load the seed dataset into a migrated database; returns row counts per table.

    The whole dataset is built and checked before anything is written (SeedDataError lists
    every problem with its file and line), then written in one transaction. The caller owns
    the engine (api/cli_seed.py makes one from a URL).
    """
    dataset = build_dataset(data_dir)
    async with engine.begin() as conn:
        await write_dataset(conn, dataset)
    async with engine.connect() as conn:
        return await table_counts(conn)
