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
from models.rules import calendar
from models.rules.task_state import StateTest, judged_pairs
from resolvers.rollups.history import overdue_on
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


async def history_dates(conn: AsyncConnection, today: date, most: int = 8) -> list[date]:
    """Past dates to compare at: days around the status events and deadline changes (the
    day before, of and after, spread over the history), and today (the history up to now)."""
    event_t = models.metadata.tables["assignment_status_event"]
    change_t = models.metadata.tables["task_deadline_change"]
    moments = [r[0] for r in await conn.execute(sa.select(event_t.c.effective_at))]
    moments += [r[0] for r in await conn.execute(sa.select(change_t.c.changed_at))]
    days = sorted({calendar.local_date(m) for m in moments})
    picked = days[:: max(1, len(days) // most)][:most] + days[-1:]
    out = {d + timedelta(days=k) for d in picked for k in (-1, 0, 1)} | {today}
    # Period ends read whole months or years and no days (history.periods_up_to): the last
    # day of each picked day's month, of the month before, and of the year before.
    for d in picked:
        first = d.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        out |= {following - timedelta(days=1), first - timedelta(days=1), date(d.year - 1, 12, 31)}
    return sorted(d for d in out if d <= today)


async def mismatches(
    conn: AsyncConnection, dates: list[date], *, current: bool = True
) -> list[tuple[uuid.UUID, RollupCounts, RollupCounts]]:
    """(unit, live, maintained) for every unit and date where the two differ.

    `current`: the present buckets against the present state (dates today or later); else
    the bucket history against the status history as of each date (the end of its day)."""
    unit_t = models.metadata.tables["org_unit"]
    units = [row.id for row in await conn.execute(sa.select(unit_t.c.id))]
    assert units
    out = []
    for as_of in dates:
        scope = unit_scope(units, True).cte("unit_scope")
        cutoff = None if current else calendar.end_of_day(as_of)
        live_stmt = rollup_statement(
            tasks_of_units(scope, RoleScope.LEAD, cutoff),
            as_of=as_of,
            current=current,
            units=scope,
        )
        live = {row["root_id"]: row for row in (await conn.execute(live_stmt)).mappings()}
        kept_stmt = maintained_rollup_statement(units, as_of, current=current)
        kept = {row["root_id"]: row for row in (await conn.execute(kept_stmt)).mappings()}
        for unit in units:
            a = counts_from_row(live.get(unit), as_of)
            b = counts_from_row(kept.get(unit), as_of)
            if not _same(a, b):
                out.append((unit, a, b))
    return out


async def overdue_mismatches(
    conn: AsyncConnection, dates: list[date]
) -> list[tuple[date, set[tuple[uuid.UUID, uuid.UUID]], set[tuple[uuid.UUID, uuid.UUID]]]]:
    """(day, live only, maintained only) for every day where the (unit, task) pairs overdue
    as of it differ: rollup_overdue_span's rows holding on the day against the live judgement
    (overdueAsOf over each unit's subtree, role LEAD: `judged_pairs` by the shares as of the
    end of the day)."""
    unit_t = models.metadata.tables["org_unit"]
    spans_t = models.metadata.tables["rollup_overdue_span"]
    units = [row.id for row in await conn.execute(sa.select(unit_t.c.id))]
    # What the past-day overdue lists rely on (maintained.py `member_list`): a member's spans
    # and overdue spans in a unit exist only while the task is a member there today.
    member_t = models.metadata.tables["rollup_member"]
    for table in (models.metadata.tables["rollup_member_history"], spans_t):
        today = sa.select(member_t.c.task_id).where(
            member_t.c.root_id == table.c.root_id, member_t.c.task_id == table.c.task_id
        )
        stray = await conn.execute(
            sa.select(table.c.root_id, table.c.task_id).where(~sa.exists(today)).limit(3)
        )
        assert stray.all() == [], f"{table.name}: rows of tasks not members today"
    out = []
    for as_of in dates:
        scope = unit_scope(units, True).cte("unit_scope")
        pairs = judged_pairs(StateTest("overdue", as_of), units=scope, role=RoleScope.LEAD)
        live = {(r[0], r[1]) for r in await conn.execute(pairs)}
        kept_rows = await conn.execute(
            sa.select(spans_t.c.root_id, spans_t.c.task_id).where(*overdue_on(spans_t, as_of))
        )
        kept = [(r[0], r[1]) for r in kept_rows]
        assert len(kept) == len(set(kept)), "one span per member holds on a day"
        if live != set(kept):
            out.append((as_of, live - set(kept), set(kept) - live))
    return out


async def snapshot(conn: AsyncConnection) -> dict[str, list[tuple[Any, ...]]]:
    """Every member and bucket row, sorted (floats rounded: sums in another order)."""

    def rounded(row: Any) -> tuple[Any, ...]:
        return tuple(round(v, 6) if isinstance(v, float) else v for v in row)

    member_t = models.metadata.tables["rollup_member"]
    bucket_t = models.metadata.tables["rollup_bucket"]
    spans_t = models.metadata.tables["rollup_member_history"]
    changes_t = models.metadata.tables["rollup_bucket_history"]
    overdue_t = models.metadata.tables["rollup_overdue_span"]
    overdue = await conn.execute(sa.select(overdue_t))
    members = await conn.execute(sa.select(member_t))
    # Buckets left at zero tasks stay; they count nothing, so snapshots leave them out.
    buckets = await conn.execute(sa.select(bucket_t).where(bucket_t.c.tasks != 0))
    spans = await conn.execute(sa.select(spans_t))
    # Changes that cancelled out (rounded) count nothing either.
    changes = [
        row
        for row in map(rounded, await conn.execute(sa.select(changes_t)))
        if any(v != 0 for v in row[-3:])
    ]
    return {
        "rollup_member": sorted((rounded(r) for r in members), key=repr),
        "rollup_bucket": sorted((rounded(r) for r in buckets), key=repr),
        "rollup_member_history": sorted((rounded(r) for r in spans), key=repr),
        "rollup_bucket_history": sorted(changes, key=repr),
        "rollup_overdue_span": sorted(overdue, key=repr),
    }
