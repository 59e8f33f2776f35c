"""Monthly partitions of the history tables on PostgreSQL: create ahead, split the default
partition, drop months past their retention (models/partitioning.py says which tables).

`ensure` creates the partitions of this month and `months_ahead` more; with `split` it also
empties the DEFAULT partition into month partitions of its own rows (the default partition is
detached, the months created, its rows re-inserted through the parent, the old default
dropped: nothing is deleted, so no ON DELETE trigger fires). `prune` drops whole month
partitions that end before a table's retention cutoff, after doing the referencing tables'
part a foreign key would have done (CASCADE: their rows deleted; otherwise the reference set
to NULL). One advisory lock serialises every run. SQLite: nothing to do (not partitioned).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models.partitioning import (
    PARTITIONED,
    Partitioned,
    default_partition,
    dependents,
    month_start,
    next_period,
    partition_name,
    partition_of,
    period_from_name,
    period_of,
    periods,
    retention_cutoff,
)
from models.rules import calendar

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock key: every ensure and prune, one at a time.
LOCK_KEY = 0x6767_7061_7274  # "ggpart"
FOREVER = ("", "forever", "off", "none")


class RetentionRefused(ValueError):
    """A retention shorter than the table's minimum (audit: 180 days): an operator's
    configuration error (the command line refuses it), not a user's."""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def retention_from_env(env: dict[str, str] | None = None) -> dict[str, int | None]:
    """Days to keep per table (None: forever), from GOVGRAPH_RETENTION_*_DAYS; a value under
    the table's minimum is refused (RetentionRefused), never clamped."""
    values = os.environ if env is None else env
    out: dict[str, int | None] = {}
    for spec in PARTITIONED.values():
        raw = values.get(spec.retention_env)
        if raw is None:
            out[spec.table] = spec.default_days
            continue
        if raw.strip().lower() in FOREVER:
            out[spec.table] = None
            continue
        try:
            days = int(raw)
        except ValueError:
            raise RetentionRefused(
                f"{spec.retention_env}={raw!r}: a number of days or 'forever'"
            ) from None
        if days < max(spec.minimum_days, 1):
            raise RetentionRefused(
                f"{spec.retention_env}={days}: {spec.table} is kept at least "
                f"{max(spec.minimum_days, 1)} days"
            )
        out[spec.table] = days
    return out


@dataclass
class TableReport:
    table: str
    created: list[str] = field(default_factory=list)
    moved: int = 0
    skipped: list[str] = field(default_factory=list)  # months the default partition holds
    dropped: list[str] = field(default_factory=list)
    dependents: dict[str, int] = field(default_factory=dict)  # "table.column" -> rows


async def is_partitioned(conn: AsyncConnection, table: str) -> bool:
    if conn.dialect.name != "postgresql":
        return False
    kind = await conn.scalar(
        sa.text("SELECT relkind::text FROM pg_class WHERE oid = to_regclass(:t)"), {"t": table}
    )
    return str(kind) == "p"


async def partitions(conn: AsyncConnection, table: str) -> dict[str, date | None]:
    """The table's partitions: name -> month (None: the default partition)."""
    rows = await conn.execute(
        sa.text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = CAST(:t AS regclass) ORDER BY c.relname"
        ),
        {"t": table},
    )
    out: dict[str, date | None] = {}
    for (name,) in rows:
        if partition_of(name) == table:
            out[name] = period_from_name(table, name)
    return out


async def _lock(conn: AsyncConnection) -> None:
    if conn.dialect.name != "postgresql":
        return
    await conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})


async def _create_period(
    conn: AsyncConnection, spec: Partitioned, start: date, zone: ZoneInfo
) -> str:
    name = partition_name(spec.table, start)
    lower = month_start(start, zone)
    upper = month_start(next_period(start, spec.months), zone)
    await conn.execute(
        sa.text(
            f"CREATE TABLE {_q(name)} PARTITION OF {_q(spec.table)}"
            f" FOR VALUES FROM ('{lower.isoformat()}') TO ('{upper.isoformat()}')"
        )
    )
    await _protect(conn, spec.table, name)
    return name


async def _protect(conn: AsyncConnection, table: str, partition: str) -> None:
    """A partition of a table under row-level security denies direct access to all but its
    owner: reads and writes go through the parent and its policies."""
    secured = await conn.scalar(
        sa.text("SELECT relrowsecurity FROM pg_class WHERE oid = CAST(:t AS regclass)"),
        {"t": table},
    )
    if secured:
        await conn.execute(sa.text(f"ALTER TABLE {_q(partition)} ENABLE ROW LEVEL SECURITY"))


async def _default_periods(conn: AsyncConnection, spec: Partitioned, zone: ZoneInfo) -> list[date]:
    rows = await conn.execute(
        sa.text(
            f"SELECT DISTINCT date_trunc('month', {_q(spec.column)} AT TIME ZONE :zone)"
            f" FROM {_q(default_partition(spec.table))}"
        ),
        {"zone": zone.key},
    )
    return sorted({period_of(r[0].date(), zone, spec.months) for r in rows})


async def ensure(
    conn: AsyncConnection,
    months_ahead: int = 3,
    *,
    split: bool = True,
    now: datetime | None = None,
) -> list[TableReport]:
    """This month's and `months_ahead` next months' partitions of every partitioned table;
    with `split`, the default partition's rows moved into month partitions of their own.
    Without `split` (the daily run), a month the default partition already holds rows of is
    skipped (creating it would mean moving them) and reported."""
    if months_ahead < 0:
        raise ValueError("months_ahead must be ≥ 0")
    zone = calendar.zone()
    this_month = period_of(now or datetime.now(UTC), zone)
    last = this_month
    for _ in range(months_ahead):
        last = next_period(last)
    reports = []
    await _lock(conn)
    for spec in PARTITIONED.values():
        if not await is_partitioned(conn, spec.table):
            continue
        report = TableReport(spec.table)
        existing = await partitions(conn, spec.table)
        have = {m for m in existing.values() if m is not None}
        default = default_partition(spec.table)
        in_default = await _default_periods(conn, spec, zone) if default in existing else []
        wanted = [m for m in periods(this_month, last, spec.months) if m not in have]
        if split and in_default:
            await conn.execute(
                sa.text(f"ALTER TABLE {_q(spec.table)} DETACH PARTITION {_q(default)}")
            )
            old = f"{default}_split"
            await conn.execute(sa.text(f"ALTER TABLE {_q(default)} RENAME TO {_q(old)}"))
            await conn.execute(
                sa.text(f"CREATE TABLE {_q(default)} PARTITION OF {_q(spec.table)} DEFAULT")
            )
            await _protect(conn, spec.table, default)
            for month in sorted(set(wanted) | set(in_default)):
                report.created.append(await _create_period(conn, spec, month, zone))
            moved = await conn.execute(
                sa.text(f"INSERT INTO {_q(spec.table)} SELECT * FROM {_q(old)}")
            )
            report.moved = int(moved.rowcount or 0)
            await conn.execute(sa.text(f"DROP TABLE {_q(old)}"))
        else:
            held = set(in_default)
            for month in wanted:
                if month in held:
                    report.skipped.append(partition_name(spec.table, month))
                    continue
                report.created.append(await _create_period(conn, spec, month, zone))
        if report.created or report.moved:
            await conn.execute(sa.text(f"ANALYZE {_q(spec.table)}"))
        reports.append(report)
    return reports


async def prune(
    conn: AsyncConnection,
    retention: dict[str, int | None],
    *,
    dry_run: bool = False,
    now: datetime | None = None,
) -> list[TableReport]:
    """Drop every month partition that ends on or before its table's retention cutoff
    (whole partitions only; the default partition is never dropped)."""
    zone = calendar.zone()
    moment = now or datetime.now(UTC)
    reports = []
    await _lock(conn)
    for spec in PARTITIONED.values():
        days = retention.get(spec.table)
        if days is not None and days < spec.minimum_days:  # retention_from_env refuses too
            raise RetentionRefused(f"{spec.table} is kept at least {spec.minimum_days} days")
        if days is None or not await is_partitioned(conn, spec.table):
            continue
        cutoff = retention_cutoff(moment, days, zone)
        report = TableReport(spec.table)
        for name, month in (await partitions(conn, spec.table)).items():
            if month is None or month_start(next_period(month, spec.months), zone) > cutoff:
                continue
            keys = f"SELECT {_q(spec.key)} FROM {_q(name)}"
            for dep in dependents(spec.table):
                where = f"{_q(dep.column)} IN ({keys})"
                target = f"{dep.table}.{dep.column}"
                if dry_run:
                    count = await conn.scalar(
                        sa.text(f"SELECT count(*) FROM {_q(dep.table)} WHERE {where}")
                    )
                elif dep.on_delete == "CASCADE":
                    count = (
                        await conn.execute(sa.text(f"DELETE FROM {_q(dep.table)} WHERE {where}"))
                    ).rowcount
                elif dep.nullable:
                    count = (
                        await conn.execute(
                            sa.text(
                                f"UPDATE {_q(dep.table)} SET {_q(dep.column)} = NULL WHERE {where}"
                            )
                        )
                    ).rowcount
                else:
                    raise RetentionRefused(
                        f"{target} references {spec.table} and cannot be cleared: "
                        f"{name} is not dropped"
                    )
                report.dependents[target] = report.dependents.get(target, 0) + int(count or 0)
            if not dry_run:
                await conn.execute(sa.text(f"DROP TABLE {_q(name)}"))
            report.dropped.append(name)
        reports.append(report)
    return reports


async def daily(conn: AsyncConnection, months_ahead: int = 3) -> list[TableReport]:
    """The background processes' daily run: months ahead only (catalogue work, no rows
    moved); the default partition's rows wait for `govgraph partitions ensure`."""
    reports = await ensure(conn, months_ahead, split=False)
    for report in reports:
        if report.skipped:
            logger.warning(
                "partitions: %s holds rows of %s in its default partition; "
                "run `govgraph partitions ensure` to split it",
                report.table,
                ", ".join(report.skipped),
            )
    return reports


@dataclass(frozen=True)
class KeyCheck:
    """A deferred check trigger standing in for a foreign key into a partitioned table."""

    child: str
    trigger: str
    column: str
    table: str
    parent_column: str


_REFERENCES = re.compile(r"REFERENCES\s+(?:\S+\.)?\"?(\w+)\"?\s*\(\s*\"?(\w+)\"?\s*\)", re.I)


async def key_checks(conn: AsyncConnection) -> list[KeyCheck]:
    """The check triggers migration 0040 put in place of foreign keys (their comment holds
    the constraint they replace)."""
    rows = await conn.execute(
        sa.text(
            "SELECT t.tgrelid::regclass::text AS child, t.tgname,"
            " obj_description(t.oid, 'pg_trigger') AS saved"
            " FROM pg_trigger t WHERE t.tgname LIKE 'gg_fk_check_%' AND NOT t.tgisinternal"
            " ORDER BY 1, 2"
        )
    )
    found: list[KeyCheck] = []
    for row in rows:
        saved = json.loads(row.saved)
        match = _REFERENCES.search(saved["definition"])
        if match is None:  # pragma: no cover - every saved definition names its key
            raise RuntimeError(f"trigger {row.tgname}: no REFERENCES in {saved['definition']}")
        found.append(
            KeyCheck(row.child, row.tgname, saved["column"], saved["table"], match.group(2))
        )
    return found


@contextlib.asynccontextmanager
async def bulk_key_checks(conn: AsyncConnection) -> AsyncIterator[None]:
    """For a bulk load in one transaction (`govgraph generate`): the per-row deferred checks
    of the foreign keys into partitioned tables are switched off while it writes and replaced
    by one anti-join per key at the end, in the same transaction. A missing parent raises
    ForeignKeyViolation-like RuntimeError and the whole load rolls back; the triggers are on
    again before commit either way (ALTER TABLE is transactional). At the province's size the
    per-row checks cost about 15 minutes at COMMIT (2,000,000 status events, each a plpgsql
    call taking a key-share lock), the anti-joins seconds. Outside PostgreSQL: nothing."""
    if conn.dialect.name != "postgresql":
        yield
        return
    checks = await key_checks(conn)
    for check in checks:
        await conn.exec_driver_sql(
            f"ALTER TABLE {_q(check.child)} DISABLE TRIGGER {_q(check.trigger)}"
        )
    try:
        yield
        for check in checks:
            orphan = (
                await conn.exec_driver_sql(
                    f"SELECT c.{_q(check.column)}::text FROM {_q(check.child)} c"
                    f" WHERE c.{_q(check.column)} IS NOT NULL AND NOT EXISTS ("
                    f"SELECT 1 FROM {_q(check.table)} p"
                    f" WHERE p.{_q(check.parent_column)} = c.{_q(check.column)}) LIMIT 1"
                )
            ).scalar()
            if orphan is not None:
                raise RuntimeError(
                    f'{check.child}.{check.column} {orphan} is not present in table "{check.table}"'
                )
    finally:
        for check in checks:
            await conn.exec_driver_sql(
                f"ALTER TABLE {_q(check.child)} ENABLE TRIGGER {_q(check.trigger)}"
            )
