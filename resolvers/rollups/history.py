"""Unit task rollups as of a past day, from a history maintained on write (models/rollup.py).

The live as-of rollup (resolvers/rollups/task.py `rollup_statement`, current=False) reads each
in-scope lead share's latest status event before the end of the day and the deadline in
force then (models/rules/task_state.py). This module keeps the same answer per day:
- rollup_member_history: each (unit R, task T) member's state as a step function of the day:
  one row per span over which it holds, from the days its in-scope lead shares' states change
  (the last event of each local day counts, as `end_of_day` cuts) and the days its deadline
  changes (the deadline in force on D is what the first change after D replaced, else the
  task row's: `deadline_at`); it starts on the first day an in-scope lead share has an event;
- rollup_bucket_history: each span adds its state's counts to rollup_bucket's key on its
  first day and takes them back on the day after its last; these changes are summed per
  day, month and year, so R's buckets as of D are ≤ ~45 period rows per bucket (see
  RollupBucketHistory) and a rollup at any past day is one index-backed sum.

One home: the unit of work's refresh (resolvers/rollups/maintained.py `refresh_task_rollups`)
recomputes each noted task's whole history and adds the difference from the stored spans
(`tasks = tasks + delta` upserts, in key order: concurrent writers never lose an increment,
so a back-dated event or deadline change lands on the days it belongs to); the bulk rebuild
recomputes every row. Weights are the task row's (as the live definition reads them).
"""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from models import Assignment, AssignmentStatusEvent, OrgUnitClosure, Task, TaskDeadlineChange
from models.enums import AssignmentRole
from models.rollup import RollupBucketHistory, RollupMemberHistory, RollupOverdueSpan
from models.rules import calendar
from models.rules import task_state as rules

history_t: sa.Table = RollupMemberHistory.__table__  # type: ignore[attr-defined]
changes_t: sa.Table = RollupBucketHistory.__table__  # type: ignore[attr-defined]
overdue_t: sa.Table = RollupOverdueSpan.__table__  # type: ignore[attr-defined]
task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
event_t: sa.Table = AssignmentStatusEvent.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]
deadline_change_t: sa.Table = TaskDeadlineChange.__table__  # type: ignore[attr-defined]

# rollup_bucket's key (resolvers/rollups/maintained.py) and `due_on` of undated buckets.
BUCKET_KEY = ("rated", "completed", "started", "dated", "due_on")
KEY = ("root_id", "grain", "period", *BUCKET_KEY)
UNDATED = date(1970, 1, 1)
GRAINS = ("D", "M", "Y")
LOCAL_DAY = "govgraph_local_day"


# -- reading ---------------------------------------------------------------------------------


def _period_ranges(as_of: date) -> list[tuple[str, date | None, date]]:
    """(grain, first period or None, period before which it stops) of the periods that add up
    to the state as of the end of `as_of`: every whole year before it, every whole month of
    its year before it, every day of its month up to it (each change counted once). A period
    is whole when it ends by `as_of`, so a month's last day reads no days and 31 December
    no months."""
    after = as_of + timedelta(days=1)
    year, month = date(after.year, 1, 1), date(after.year, after.month, 1)
    ranges: list[tuple[str, date | None, date]] = [("Y", None, year)]
    if month > year:
        ranges.append(("M", year, month))
    if as_of >= month:
        ranges.append(("D", month, after))
    return ranges


def _in_range(c: Any, grain: str, first: date | None, stop: date) -> list[sa.ColumnElement[bool]]:
    found = [c.grain == grain, c.period < stop]
    return found if first is None else [*found, c.period >= first]


def periods_up_to(
    table: sa.FromClause, as_of: date, root: sa.ColumnElement[bool]
) -> sa.ColumnElement[bool]:
    """The rows of `table` (rollup_bucket_history) of the roots `root` picks whose periods
    add up to the state as of the end of `as_of` (`_period_ranges`), as one condition.
    `root` is repeated in each range so that both databases seek the key per range."""
    return sa.or_(*(sa.and_(root, *_in_range(table.c, *r)) for r in _period_ranges(as_of)))


def period_rows(
    as_of: date,
    root: Callable[[sa.ColumnElement[Any]], sa.ColumnElement[bool]],
    *,
    name: str = "rollup_bucket_history",
) -> sa.FromClause:
    """`periods_up_to`'s rows of the roots `root` picks (a condition on a root_id column) as
    one UNION ALL of a read per range: each is a range of the key, which PostgreSQL reads
    index-only (the key carries the counts and sums: migration 0048); under one OR it read
    every row of the root from the index, a province's thousands per past day."""
    reads = []
    for grain, first, stop in _period_ranges(as_of):
        t = changes_t.alias(f"{name}_{grain.lower()}")
        reads.append(sa.select(*t.c).where(root(t.c.root_id), *_in_range(t.c, grain, first, stop)))
    if len(reads) == 1:
        return reads[0].subquery(name)
    return sa.union_all(*reads).subquery(name)


def member_state_on(
    root: Any, task_id: Any, day: Any, *, table: sa.FromClause = history_t
) -> sa.Select[Any]:
    """(task_id, completed, started, progress) of the members of root's rollup that
    `task_id` names (a column: a correlated one in a compiled plan, or with a WHERE added) on
    `day`: the span holding then, exactly what the as-of rollups count (Task.statusAsOf in a
    unit's list); no row when the task was not a member that day. One primary-key seek."""
    c = table.c
    return sa.select(c.task_id, c.completed, c.started, c.progress).where(
        c.root_id == root,
        c.task_id == task_id,
        *holds_on(table, day),
    )


def holds_on(table: sa.FromClause, day: Any) -> list[sa.ColumnElement[bool]]:
    """The span of a rollup_member_history row holds on `day`."""
    c = table.c
    return [c.valid_from <= day, sa.or_(c.valid_until.is_(None), c.valid_until > day)]


def overdue_on(table: sa.FromClause, day: Any) -> list[sa.ColumnElement[bool]]:
    """A rollup_overdue_span row holds on `day`: its member was overdue then."""
    c = table.c
    return [c.overdue_from <= day, sa.or_(c.overdue_until.is_(None), c.overdue_until > day)]


# -- the day of an instant -------------------------------------------------------------------

_registered: weakref.WeakSet[Any] = weakref.WeakSet()


def _local_day_text(value: Any) -> str | None:
    """SQLite's govgraph_local_day: the configured zone's day of a stored UTC instant."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return calendar.local_date(moment).isoformat()


def register_local_day(pooled: Any) -> None:
    """SQLite: define govgraph_local_day on a pooled connection from synchronous code (a
    migration run through `run_sync`), once per connection."""
    driver = pooled.driver_connection
    if driver is None or driver in _registered:
        return
    pooled.dbapi_connection.create_function(LOCAL_DAY, 1, _local_day_text, deterministic=True)
    _registered.add(driver)


async def prepare(conn: AsyncConnection) -> None:
    """SQLite: register govgraph_local_day on this connection (PostgreSQL has timezone())."""
    if conn.dialect.name == "postgresql":
        return
    driver: Any = (await conn.get_raw_connection()).driver_connection
    if driver is not None and driver not in _registered:
        await driver.create_function(LOCAL_DAY, 1, _local_day_text, deterministic=True)
        _registered.add(driver)


def local_day(dialect: str, moment: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """The day `moment` falls on in the configured zone (calendar.local_date in SQL): an event
    counts as of D exactly when its day is ≤ D (it precedes `end_of_day(D)`)."""
    if dialect == "postgresql":
        return sa.cast(sa.func.timezone(calendar.zone().key, moment), sa.Date)
    return sa.func.govgraph_local_day(moment, type_=sa.Date())


def _period(dialect: str, grain: str, day: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    if grain == "D":
        return day
    unit = "month" if grain == "M" else "year"
    if dialect == "postgresql":
        return sa.cast(sa.func.date_trunc(unit, day), sa.Date)
    return sa.func.date(day, f"start of {unit}", type_=sa.Date())


# -- the history of members ------------------------------------------------------------------


def history_select(dialect: str, task_ids: Sequence[uuid.UUID] | None = None) -> sa.Select[Any]:
    """The spans of the members of these tasks (all tasks: None), from the status events and
    deadline changes; columns in rollup_member_history's order.

    Linear in the events: each share's state per day it changed becomes a change of its
    member's aggregates (shares, done, started, progress sum: `rules.shares_aggregate` kept
    as running sums), summed per member and day in day order; no day meets every share."""
    lead = assignment_t.alias("h_lead")
    ev_day = local_day(dialect, event_t.c.effective_at)
    ranked = (
        sa.select(
            event_t.c.assignment_id,
            lead.c.task_id,
            lead.c.org_unit_id,
            ev_day.label("day"),
            event_t.c.status,
            event_t.c.progress,
            sa.func.row_number()
            .over(
                partition_by=(event_t.c.assignment_id, ev_day),
                order_by=(event_t.c.effective_at.desc(), event_t.c.id.desc()),
            )
            .label("rn"),
        )
        .select_from(event_t.join(lead, lead.c.id == event_t.c.assignment_id))
        .where(lead.c.role == AssignmentRole.LEAD.value)
    )
    if task_ids is not None:
        ranked = ranked.where(lead.c.task_id.in_(task_ids))
    r = ranked.cte("h_ranked")
    # Each share's state per day it changed (the day's last event) beside the one before.
    by_share: dict[str, Any] = {"partition_by": r.c.assignment_id, "order_by": r.c.day}
    share_day = (
        sa.select(
            r.c.task_id,
            r.c.org_unit_id,
            r.c.day,
            r.c.status,
            r.c.progress,
            sa.func.lag(r.c.status).over(**by_share).label("before_status"),
            sa.func.lag(r.c.progress).over(**by_share).label("before_progress"),
        )
        .where(r.c.rn == 1)
        .cte("h_share_day")
    )
    sd = share_day.c
    existed = sd.before_status.is_not(None)

    def flag(condition: Any) -> Any:
        return sa.case((condition, 1), else_=0)

    was = {
        "n": flag(existed),
        "done": flag(sd.before_status == rules.COMPLETED),
        "started": flag(sa.and_(existed, sd.before_status != rules.NOT_STARTED)),
        "sum": sa.case(
            (existed, rules.share_progress(sd.before_status, sd.before_progress)), else_=0.0
        ),
    }
    now = {
        "n": sa.literal(1),
        "done": flag(sd.status == rules.COMPLETED),
        "started": flag(sd.status != rules.NOT_STARTED),
        "sum": rules.share_progress(sd.status, sd.progress),
    }
    moves = (
        sa.select(
            closure_t.c.ancestor_id.label("root_id"),
            sd.task_id,
            sd.day,
            *((now[k] - was[k]).label(f"d_{k}") for k in ("n", "done", "started", "sum")),
        )
        .select_from(share_day.join(closure_t, closure_t.c.descendant_id == sd.org_unit_id))
        .cte("h_moves")
    )
    deadline = _deadline_spans(dialect, task_ids)
    members = sa.select(moves.c.root_id, moves.c.task_id).distinct().cte("h_members")
    # The days a member's deadline changes: no share moves.
    redated = (
        sa.select(
            members.c.root_id,
            members.c.task_id,
            deadline.c.valid_from.label("day"),
            *(sa.literal(0).label(f"d_{k}") for k in ("n", "done", "started")),
            sa.literal(0.0).label("d_sum"),
        )
        .select_from(members.join(deadline, deadline.c.task_id == members.c.task_id))
        .where(deadline.c.valid_from.is_not(None))
    )
    both = sa.union_all(sa.select(*moves.c), redated).subquery("h_both")
    per_day = (
        sa.select(
            both.c.root_id,
            both.c.task_id,
            both.c.day,
            *(
                sa.func.sum(both.c[f"d_{k}"]).label(f"d_{k}")
                for k in ("n", "done", "started", "sum")
            ),
        )
        .group_by(both.c.root_id, both.c.task_id, both.c.day)
        .subquery("h_per_day")
    )
    by_member: dict[str, Any] = {
        "partition_by": (per_day.c.root_id, per_day.c.task_id),
        "order_by": per_day.c.day,
    }
    running = sa.select(
        per_day.c.root_id,
        per_day.c.task_id,
        per_day.c.day,
        *(
            sa.func.sum(per_day.c[f"d_{k}"]).over(**by_member).label(k)
            for k in ("n", "done", "started", "sum")
        ),
    ).subquery("h_running")
    # A member begins with its first share: days before (deadline changes) are not its own.
    states = sa.select(*running.c).where(running.c.n > 0).cte("h_states")
    s = states.c
    completed = rules.completed_from(s.n, s.done)
    rated = rules.rated(deadline.c.kind)
    dated = rules.pending_rated(completed, rated, deadline.c.end)
    return (
        sa.select(
            s.task_id,
            s.root_id,
            s.day.label("valid_from"),
            sa.func.lead(s.day)
            .over(partition_by=(s.root_id, s.task_id), order_by=s.day)
            .label("valid_until"),
            rated.label("rated"),
            completed.label("completed"),
            (s.started > 0).label("started"),
            dated.label("dated"),
            sa.case((dated, deadline.c.end), else_=sa.literal(UNDATED, sa.Date())).label("due_on"),
            rules.progress_from(completed, s.sum / s.n).label("progress"),
            task_t.c.weight.label("weight"),
        )
        .select_from(
            states.join(task_t, task_t.c.id == s.task_id).join(
                deadline,
                sa.and_(
                    deadline.c.task_id == s.task_id,
                    sa.or_(deadline.c.valid_from.is_(None), deadline.c.valid_from <= s.day),
                    sa.or_(deadline.c.valid_until.is_(None), s.day < deadline.c.valid_until),
                ),
            )
        )
        # SQLite's upsert needs a WHERE in an INSERT … SELECT (a parsing ambiguity otherwise).
        .where(sa.true())
    )


def _deadline_spans(dialect: str, task_ids: Sequence[uuid.UUID] | None) -> sa.CTE:
    """(task_id, valid_from, valid_until, kind, end): the deadline in force per span of days.

    As `rules.deadline_at`: on day D, what the first change made after D (its day > D)
    replaced, else the task row's. With the changes in order c1 … cn, c_i's `previous_*`
    hold from c_(i-1)'s day until c_i's (from the beginning for c1), the row's from cn's.
    """
    c = deadline_change_t
    day = local_day(dialect, c.c.changed_at)
    order = (c.c.changed_at, c.c.id)
    replaced = sa.select(
        c.c.task_id,
        sa.func.lag(day).over(partition_by=c.c.task_id, order_by=order).label("valid_from"),
        day.label("valid_until"),
        c.c.previous_kind.label("kind"),
        c.c.previous_end.label("end"),
    )
    last = sa.select(sa.func.max(day)).where(c.c.task_id == task_t.c.id).scalar_subquery()
    present = sa.select(
        task_t.c.id.label("task_id"),
        last.label("valid_from"),
        sa.null().label("valid_until"),
        task_t.c.deadline_kind.label("kind"),
        task_t.c.deadline_end.label("end"),
    )
    if task_ids is not None:
        replaced = replaced.where(c.c.task_id.in_(task_ids))
        present = present.where(task_t.c.id.in_(task_ids))
    return sa.union_all(replaced, present).cte("h_deadline")


# -- the overdue spans ------------------------------------------------------------------------


def _day_after(dialect: str, day: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    if dialect == "postgresql":
        return sa.cast(day + sa.literal_column("1", sa.Integer), sa.Date)
    return sa.func.date(day, "+1 day", type_=sa.Date())


def _later(dialect: str, a: Any, b: Any) -> sa.ColumnElement[Any]:
    if dialect == "postgresql":
        return sa.func.greatest(a, b, type_=sa.Date())
    return sa.func.max(a, b, type_=sa.Date())  # SQLite's scalar max of two values


def overdue_select(dialect: str, task_ids: Sequence[uuid.UUID] | None = None) -> sa.Select[Any]:
    """The overdue spans of these tasks' members (all tasks: None) from their stored
    rollup_member_history rows; columns in rollup_overdue_span's order.

    A span is overdue on D when it holds on D, is `dated` and its `due_on` is before D
    (`rules.past_due`, the rule the as-of rollups and lists apply to the same rows): from
    the later of its first day and the day after `due_on`, until its own end. Spans of one
    member that follow each other without a gap are merged (gaps and islands)."""
    h = history_t
    after_due = _day_after(dialect, h.c.due_on)
    days = sa.select(
        h.c.root_id,
        h.c.task_id,
        _later(dialect, h.c.valid_from, after_due).label("o_from"),
        h.c.valid_until.label("o_until"),
    ).where(h.c.dated, sa.or_(h.c.valid_until.is_(None), after_due < h.c.valid_until))
    if task_ids is not None:
        days = days.where(h.c.task_id.in_(task_ids))
    d = days.subquery("o_days")

    def member(rows: sa.Subquery) -> dict[str, Any]:
        return {"partition_by": (rows.c.root_id, rows.c.task_id), "order_by": rows.c.o_from}

    joined = sa.func.lag(d.c.o_until).over(**member(d)) == d.c.o_from
    starts = sa.select(*d.c, sa.case((joined, 0), else_=1).label("o_starts")).subquery("o_starts")
    islands = sa.select(
        *starts.c, sa.func.sum(starts.c.o_starts).over(**member(starts)).label("o_island")
    ).subquery("o_islands")
    i = islands.c
    open_ended = sa.func.count(i.o_until) < sa.func.count()
    return (
        sa.select(
            i.root_id,
            i.task_id,
            sa.func.min(i.o_from).label("overdue_from"),
            sa.case((open_ended, sa.null()), else_=sa.func.max(i.o_until)).label("overdue_until"),
            rules.deadline_sort_key(task_t.c.deadline_end).label("deadline_sort"),
        )
        .select_from(islands.join(task_t, task_t.c.id == i.task_id))
        .where(sa.true())
        .group_by(i.root_id, i.task_id, i.o_island, task_t.c.deadline_end)
    )


# -- maintaining -----------------------------------------------------------------------------


def _contributions(spans: sa.FromClause, sign: int) -> list[sa.Select[Any]]:
    """(root_id, day, key…, tasks, weight, weighted): each span adds its counts on its first
    day and takes them back on its `valid_until`."""
    s = spans.c
    key = [s[name] for name in BUCKET_KEY]
    weighted = s.weight * s.progress

    def rows(day: Any, k: int) -> sa.Select[Any]:
        return sa.select(
            s.root_id.label("root_id"),
            day.label("day"),
            *key,
            sa.literal(k).label("tasks"),
            (k * s.weight).label("weight"),
            (k * weighted).label("weighted"),
        )

    return [rows(s.valid_from, sign), rows(s.valid_until, -sign).where(s.valid_until.is_not(None))]


def _grained(dialect: str, contributions: sa.CTE, *, refresh: bool) -> sa.Select[Any]:
    """The contributions summed per (root, grain, period, key): per day first (fewer rows to
    spread over the grains), then per period; a refresh keeps the changed rows, in key order."""
    c = contributions.c
    day_key = [c.root_id, c.day, *(c[name] for name in BUCKET_KEY)]
    daily = (
        sa.select(
            *day_key,
            sa.func.sum(c.tasks).label("tasks"),
            sa.func.sum(c.weight).label("weight"),
            sa.func.sum(c.weighted).label("weighted"),
        )
        .group_by(*day_key)
        .cte("h_daily")
    )
    d = daily.c
    parts = [
        sa.select(
            d.root_id,
            sa.literal(grain).label("grain"),
            _period(dialect, grain, d.day).label("period"),
            *(d[name] for name in BUCKET_KEY),
            d.tasks,
            d.weight,
            d.weighted,
        )
        for grain in GRAINS
    ]
    g = sa.union_all(*parts).subquery("h_grained")
    key = [g.c[name] for name in KEY]
    sums = (sa.func.sum(g.c.tasks), sa.func.sum(g.c.weight), sa.func.sum(g.c.weighted))
    # Rows that sum to nothing change nothing.
    stmt = (
        sa.select(*key, *sums)
        .where(sa.true())
        .group_by(*key)
        .having(sa.or_(*(total != 0 for total in sums)))
    )
    # Key order: concurrent writers lock shared rows in the same order.
    return stmt.order_by(*key) if refresh else stmt


def _upsert(conn: AsyncConnection, rows: sa.Select[Any]) -> Any:
    """INSERT … SELECT into rollup_bucket_history, adding to the rows that exist."""
    columns = [*KEY, "tasks", "weight_sum", "weighted_progress_sum"]
    insert: Any = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(changes_t)
    stmt = insert.from_select(columns, rows)
    return stmt.on_conflict_do_update(
        index_elements=list(KEY),
        set_={
            "tasks": changes_t.c.tasks + stmt.excluded.tasks,
            "weight_sum": changes_t.c.weight_sum + stmt.excluded.weight_sum,
            "weighted_progress_sum": changes_t.c.weighted_progress_sum
            + stmt.excluded.weighted_progress_sum,
        },
    )


async def refresh_history(conn: AsyncConnection, ids: list[uuid.UUID]) -> None:
    """Recompute these tasks' spans and add the difference to the bucket history.

    Run inside the unit of work's refresh (serialised by the change log's tail lock)."""
    await prepare(conn)
    dialect = conn.dialect.name
    stored = sa.select(*history_t.c).where(history_t.c.task_id.in_(ids)).subquery("h_stored")
    fresh = history_select(dialect, ids).subquery("h_fresh")
    contributions = sa.union_all(*_contributions(stored, -1), *_contributions(fresh, 1)).cte(
        "h_contrib"
    )
    await conn.execute(_upsert(conn, _grained(dialect, contributions, refresh=True)))
    await conn.execute(history_t.delete().where(history_t.c.task_id.in_(ids)))
    await conn.execute(
        history_t.insert().from_select(list(history_t.c.keys()), history_select(dialect, ids))
    )
    await conn.execute(overdue_t.delete().where(overdue_t.c.task_id.in_(ids)))
    await conn.execute(
        overdue_t.insert().from_select(list(overdue_t.c.keys()), overdue_select(dialect, ids))
    )


def rebuild_statements(dialect: str) -> list[sa.Executable]:
    """Empty both tables, then fill them from the history (SQLite: after register_local_day).
    Also the backfill of the migration that made them."""
    if dialect == "postgresql":
        empty: list[sa.Executable] = [
            sa.text("TRUNCATE rollup_bucket_history, rollup_member_history"),
            # Sorts and hashes of millions of rows in memory (this transaction only).
            sa.text("SET LOCAL work_mem = '256MB'"),
        ]
    else:
        empty = [changes_t.delete(), history_t.delete()]
    contributions = sa.union_all(*_contributions(history_t, 1)).cte("h_contrib")
    return [
        *empty,
        history_t.insert().from_select(list(history_t.c.keys()), history_select(dialect)),
        changes_t.insert().from_select(
            [*KEY, "tasks", "weight_sum", "weighted_progress_sum"],
            _grained(dialect, contributions, refresh=False),
        ),
    ]


def overdue_rebuild_statements(dialect: str) -> list[sa.Executable]:
    """Refill rollup_overdue_span from rollup_member_history (after rebuild_statements; also
    the backfill of the migration that made it, which rebuild_statements' own migration
    predates)."""
    return [
        overdue_t.delete(),
        overdue_t.insert().from_select(list(overdue_t.c.keys()), overdue_select(dialect)),
    ]


async def rebuild_history(conn: AsyncConnection) -> dict[str, int]:
    """Recompute every span and every bucket change (inside rebuild_task_rollups)."""
    await prepare(conn)
    dialect = conn.dialect.name
    for statement in [*rebuild_statements(dialect), *overdue_rebuild_statements(dialect)]:
        await conn.execute(statement)
    counts: dict[str, int] = {}
    for table in (history_t, changes_t, overdue_t):
        count = await conn.scalar(sa.select(sa.func.count()).select_from(table))
        counts[table.name] = int(count or 0)
    return counts
