"""The maintained rollups of every unit against the live aggregation (`rollup_statement`)."""

from __future__ import annotations

import math
import uuid
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

import models
from models.enums import RoleScope
from resolvers.rollups.maintained import maintained_rollup_statement
from resolvers.rollups.task import (
    RollupCounts,
    counts_from_row,
    rollup_statement,
    tasks_of_units,
    unit_scope,
)

# asOf offsets from today: today, inside and at the edges of the 14-day due-soon window, later.
OFFSETS = (0, 1, 13, 14, 15, 45, 400)


def as_of_dates(today: date) -> list[date]:
    """asOf dates of today or later to compare at."""
    return [today + timedelta(days=days) for days in OFFSETS]


def _same(live: RollupCounts, kept: RollupCounts) -> bool:
    for name, value in asdict(live).items():
        other = getattr(kept, name)
        if isinstance(value, float):
            if not math.isclose(value, other, rel_tol=1e-9, abs_tol=1e-6):
                return False
        elif value != other:
            return False
    return True


async def mismatches(
    conn: AsyncConnection, dates: list[date]
) -> list[tuple[uuid.UUID, RollupCounts, RollupCounts]]:
    """(unit, live, maintained) for every unit and date where the two differ."""
    unit_t = models.metadata.tables["org_unit"]
    units = [row.id for row in await conn.execute(sa.select(unit_t.c.id))]
    assert units
    out = []
    for as_of in dates:
        scope = unit_scope(units, True).cte("unit_scope")
        live_stmt = rollup_statement(
            tasks_of_units(scope, RoleScope.LEAD, None), as_of=as_of, current=True, units=scope
        )
        live = {row["root_id"]: row for row in (await conn.execute(live_stmt)).mappings()}
        kept_stmt = maintained_rollup_statement(units, as_of)
        kept = {row["root_id"]: row for row in (await conn.execute(kept_stmt)).mappings()}
        for unit in units:
            a = counts_from_row(live.get(unit), as_of)
            b = counts_from_row(kept.get(unit), as_of)
            if not _same(a, b):
                out.append((unit, a, b))
    return out


async def snapshot(conn: AsyncConnection) -> dict[str, list[tuple[Any, ...]]]:
    """Every member and bucket row, sorted (floats rounded: sums in another order)."""

    def rounded(row: Any) -> tuple[Any, ...]:
        return tuple(round(v, 6) if isinstance(v, float) else v for v in row)

    member_t = models.metadata.tables["rollup_member"]
    bucket_t = models.metadata.tables["rollup_bucket"]
    members = await conn.execute(sa.select(member_t))
    # Buckets left at zero tasks stay; they count nothing, so snapshots leave them out.
    buckets = await conn.execute(sa.select(bucket_t).where(bucket_t.c.tasks != 0))
    return {
        "rollup_member": sorted((rounded(r) for r in members), key=repr),
        "rollup_bucket": sorted((rounded(r) for r in buckets), key=repr),
    }
