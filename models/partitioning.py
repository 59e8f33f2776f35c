"""History tables partitioned by month on PostgreSQL (migration 0040); SQLite is unchanged.

`progress_report`, `audit_event` and `change_log` grow without bound. On PostgreSQL each is a
declarative RANGE partitioned table on its timestamp: audit and change log one partition per
calendar month (`<table>_pYYYY_MM`), progress reports one per calendar year
(`progress_report_pYYYY`, see PARTITIONED), in GOVGRAPH_TIMEZONE (the same day boundary as
"as of", models/rules/calendar.py), plus `<table>_default`, which catches rows no partition
covers. `govgraph partitions ensure` creates partitions ahead and splits the default
partition; `govgraph partitions prune` drops whole partitions past their table's retention
(resolvers/partitions.py). The months per partition are frozen in migration 0040 too: a change
here needs a migration (partitions of another size would overlap the existing ones).

The primary key of a partitioned table must contain the partition key: on PostgreSQL it is
(id, reported_at), (id, occurred_at), (seq, changed_at); the models keep `id`/`seq` (SQLite's
tables, and what the code relies on: ids are UUIDs, seq a sequence). Foreign keys INTO these
tables cannot exist there (a foreign key names a unique constraint); migration 0040 replaced
the ones it found by triggers holding the same integrity (a deferred check on the referencing
row; the ON DELETE action on the referenced table). A later migration that adds a foreign
key to one of these tables must do the same (the models' foreign keys stay, for SQLite and
for `dependents`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from models.base import metadata

# Audit is kept at least six months (等保): a shorter retention is refused.
AUDIT_MINIMUM_DAYS = 180


@dataclass(frozen=True)
class Partitioned:
    """A history table partitioned by month on `column`; `key` is its row identity."""

    table: str
    column: str
    key: str
    retention_env: str
    default_days: int | None  # None: kept forever
    minimum_days: int = 0
    months: int = 1  # months per partition: 1 (pYYYY_MM) or 12 (pYYYY, calendar years)


PARTITIONED: dict[str, Partitioned] = {
    p.table: p
    for p in (
        # By year: "the latest reports of a share" (a task list's last report, the reports
        # of a task) has no time bound, so it probes every partition's index once per share
        # (bench/RESULTS.md "Growth": monthly partitions made the task list page (Q2) 3-4×
        # slower at the province's two years of history); reports are kept forever by
        # default, so months would buy no retention here.
        Partitioned(
            "progress_report",
            "reported_at",
            "id",
            "GOVGRAPH_RETENTION_REPORTS_DAYS",
            None,
            months=12,
        ),
        Partitioned(
            "audit_event",
            "occurred_at",
            "id",
            "GOVGRAPH_RETENTION_AUDIT_DAYS",
            AUDIT_MINIMUM_DAYS,
            AUDIT_MINIMUM_DAYS,
        ),
        Partitioned("change_log", "changed_at", "seq", "GOVGRAPH_RETENTION_CHANGES_DAYS", None),
    )
}

_PARTITION_NAME = re.compile(r"^(?P<table>[a-z_]+)_(p(?P<year>\d{4})(_(?P<month>\d{2}))?|default)$")


def partition_of(name: str) -> str | None:
    """The partitioned table whose partition `name` is (by its name), else None."""
    match = _PARTITION_NAME.match(name)
    if match is None or match["table"] not in PARTITIONED:
        return None
    return match["table"]


def partition_name(table: str, start: date) -> str:
    """`<table>_pYYYY_MM` (monthly) or `<table>_pYYYY` (yearly) for the period from `start`."""
    if PARTITIONED[table].months == 12:
        return f"{table}_p{start.year:04d}"
    return f"{table}_p{start.year:04d}_{start.month:02d}"


def period_from_name(table: str, name: str) -> date | None:
    """The first day of the partition `name`'s period (None: the default partition)."""
    match = _PARTITION_NAME.match(name)
    if match is None or match["year"] is None:
        return None
    return date(int(match["year"]), int(match["month"] or 1), 1)


def default_partition(table: str) -> str:
    return f"{table}_default"


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _from_index(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def period_of(moment: datetime | date, zone: ZoneInfo, months: int = 1) -> date:
    """The first day of the period of `months` months (aligned on January) that `moment`
    falls in, in `zone`."""
    day = moment.astimezone(zone).date() if isinstance(moment, datetime) else moment
    return _from_index(_month_index(day) // months * months)


def next_period(start: date, months: int = 1) -> date:
    return _from_index(_month_index(start) + months)


def month_of(moment: datetime, zone: ZoneInfo) -> date:
    """The first day of the month `moment` falls in, in `zone`."""
    return period_of(moment, zone, 1)


def next_month(month: date) -> date:
    return next_period(month, 1)


def month_start(month: date, zone: ZoneInfo) -> datetime:
    """The instant the month begins in `zone` (a partition's lower bound)."""
    return datetime(month.year, month.month, 1, tzinfo=zone)


def periods(first: date, last: date, months: int = 1) -> list[date]:
    """Every period's first day from `first`'s period to `last`'s, both included."""
    out, start = [], period_of(first, ZoneInfo("UTC"), months)
    while start <= last:
        out.append(start)
        start = next_period(start, months)
    return out


def retention_cutoff(now: datetime, days: int, zone: ZoneInfo) -> datetime:
    """Rows older than this instant are past a retention of `days` (a day boundary)."""
    day = now.astimezone(zone).date() - timedelta(days=days)
    return datetime(day.year, day.month, day.day, tzinfo=zone)


@dataclass(frozen=True)
class Dependent:
    """A table whose column references a partitioned table's key (a foreign key in the
    models; triggers on PostgreSQL), and what deleting the referenced row does to it."""

    table: str
    column: str
    on_delete: str  # "CASCADE", "SET NULL", or "" (no action)
    nullable: bool


def dependents(table: str) -> list[Dependent]:
    """The tables referencing `table`, from the models' foreign keys (one home: the models)."""
    out = []
    for other in metadata.sorted_tables:
        for fk in other.foreign_key_constraints:
            if fk.referred_table.name != table or len(fk.columns) != 1:
                continue
            column = next(iter(fk.columns))
            assert isinstance(column, sa.Column)
            out.append(
                Dependent(
                    other.name, column.name, (fk.ondelete or "").upper(), bool(column.nullable)
                )
            )
    return sorted(out, key=lambda d: (d.table, d.column))


def include_in_comparison(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's include_object for comparing the models with a PostgreSQL schema: the month
    partitions are not tables of their own, and a foreign key into a partitioned table is a
    trigger there (see above)."""
    if type_ == "table" and name is not None and partition_of(name) is not None:
        return False
    if type_ == "index" and not reflected and compare_to is None:
        # An index of one dialect only (Index.ddl_if: SQLite's in models/rollup.py) is absent
        # from the other's schema by design (its migration creates it on that dialect only).
        if getattr(getattr(obj, "_ddl_if", None), "dialect", None) is not None:
            return False
    if type_ == "foreign_key_constraint" and not reflected and compare_to is None:
        referred = getattr(obj, "referred_table", None)
        if referred is not None and referred.name in PARTITIONED:
            return False
    return True
