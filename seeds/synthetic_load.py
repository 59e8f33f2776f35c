"""Writes the synthetic province into an empty, migrated database, in one transaction.

PostgreSQL takes the rows by COPY (asyncpg's copy_records_to_table) in chunks, with every
constraint and index of the migrations in place, then VACUUM (ANALYZE) so the planner knows
the new tables; SQLite takes them by executemany, for tests and small demos. The maintained
rollups (resolvers/rollups/maintained.py) are rebuilt set-based at the end, in the same
transaction.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import models
from models.rules.search import FOLDED, folded_values
from resolvers.document.label_stems import insert_plans
from resolvers.partitions import bulk_key_checks
from resolvers.rollups.maintained import rebuild_task_rollups
from seeds.synthetic import DEFAULT_AS_OF, Province, Row, Sizes
from seeds.synthetic_extras import extra_tables
from seeds.synthetic_rows import task_batches

SQLITE_CHUNK = 500


class NotEmptyError(RuntimeError):
    """The target database already has units: generate writes only into an empty one."""


class Writer:
    """Appends rows to tables on one connection: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.copy = conn.dialect.name == "postgresql"
        self.counts: Counter[str] = Counter()

    async def write(self, name: str, rows: list[Row]) -> None:
        """Insert `rows` (dicts with the same keys) into table `name`."""
        if not rows:
            return
        table: sa.Table = models.metadata.tables[name]
        if name in FOLDED:  # COPY takes no column defaults: the searchable forms here
            rows = [folded_values(name, row) for row in rows]
        if self.copy:
            columns = list(rows[0])
            json_columns = {c.name for c in table.columns if isinstance(c.type, sa.JSON)}
            encode: list[Callable[[Any], Any] | None] = [
                _json if c in json_columns else None for c in columns
            ]
            if any(encode):
                records = [
                    tuple(f(r[c]) if f else r[c] for c, f in zip(columns, encode, strict=True))
                    for r in rows
                ]
            else:
                records = [tuple(r[c] for c in columns) for r in rows]
            raw = await self.conn.get_raw_connection()
            driver: Any = raw.driver_connection
            await driver.copy_records_to_table(name, records=records, columns=columns)
        else:
            for start in range(0, len(rows), SQLITE_CHUNK):
                await self.conn.execute(table.insert(), rows[start : start + SQLITE_CHUNK])
        self.counts[name] += len(rows)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


async def write_province(
    conn: AsyncConnection, province: Province, log: Callable[[str], None] | None = None
) -> Counter[str]:
    """Every row of `province`, parents before children; returns rows written per table."""
    count = await conn.scalar(sa.text("SELECT count(*) FROM org_unit"))
    if count:
        raise NotEmptyError(f"the database already has {count} units; generate into an empty one")
    writer = Writer(conn)
    started = time.perf_counter()
    await writer.write("org_unit", province.units)
    await writer.write("org_unit_alias", province.aliases)
    await writer.write("org_unit_closure", province.closure())
    await writer.write("document", province.documents)
    # Through the one plan writer: each plan's label stem (2023大气, 2023安平大气 …).
    await insert_plans(conn, province.plans)
    writer.counts["plan"] += len(province.plans)
    for name, rows in extra_tables(province):
        await writer.write(name, rows)
    done = 0
    for batch in task_batches(province):
        for name, rows in batch:
            await writer.write(name, rows)
        done += len(batch[0][1]) + len(batch[2][1])
        if log and (done % 20000 < 2000 or done == len(province.tasks)):
            log(
                f"  {done:>8} / {len(province.tasks)} tasks, "
                f"{writer.counts['progress_report']:>9} reports  "
                f"({time.perf_counter() - started:.0f} s)"
            )
    rebuilt = time.perf_counter()
    writer.counts.update(await rebuild_task_rollups(conn))
    if log:
        log(f"  rollups rebuilt in {time.perf_counter() - rebuilt:.1f} s")
    return writer.counts


async def generate(
    engine: AsyncEngine,
    sizes: Sizes,
    *,
    seed: int = 1,
    as_of: date = DEFAULT_AS_OF,
    log: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Build and write the province; rows written per table (the caller owns the engine)."""
    started = time.perf_counter()
    province = Province(sizes, seed, as_of)
    if log:
        log(
            f"planned {len(province.units)} units, {len(province.tasks)} tasks, "
            f"{len(province.fates)} assignments in {time.perf_counter() - started:.1f} s"
        )
    async with engine.begin() as conn, bulk_key_checks(conn):
        counts = await write_province(conn, province, log)
    if engine.dialect.name == "postgresql":
        async with engine.connect() as conn:
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await auto.exec_driver_sql("VACUUM (ANALYZE)")
    if log:
        log(f"written in {time.perf_counter() - started:.1f} s")
    return dict(sorted(counts.items()))
