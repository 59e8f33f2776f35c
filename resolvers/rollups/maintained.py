"""Unit task rollups from aggregates maintained on write (models/rollup.py).

A unit's rollup as of today or later (role LEAD, descendants included, no TaskFilter) is a
sum over its rollup_bucket rows: the tasks with a LEAD assignment in its subtree, grouped by
(rated, completed, started, due date), with their counts and weight sums. The rows are
derived exactly as `rollup_statement` derives a task's present state in a scope:
- rollup_member: one row per (unit R, task T) with a LEAD assignment of T to a unit of R's
  subtree; T's state in R from those leads (completed when all are, started when any is
  not NOT_STARTED, progress their mean with completed at 100; 100 when completed);
- rollup_bucket: R's members grouped; `dated` marks the rated, uncompleted tasks with a
  deadline end (`due_on`), the only ones that can be overdue or due soon.

Maintenance: the unit of work (resolvers/unit_of_work.py) refreshes the tasks a write noted
(resolvers/events.py `task_changed`) in the write's savepoint, after the change log took its
tail lock, so refreshes are serialised and commit in order; bulk loaders rebuild. A refresh
adds the difference between the tasks' new and stored members to the buckets in one upsert
(`tasks = tasks + delta`: concurrent writers never lose an increment), in key order, then
replaces the members. Buckets that fall to zero tasks stay, with their sums reset to 0.

Past days: the same refresh and rebuild keep the buckets' history (resolvers/rollups/
history.py), so a rollup as of any past day (same shape: LEAD, subtree, no filter) is a sum
over rollup_bucket_history's period rows instead of an aggregation over the status history.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from models import Assignment, OrgUnit, OrgUnitClosure, RollupBucket, RollupMember, Task
from models.enums import AssignmentRole, RoleScope
from models.rules import scope as scope_rules
from models.rules import task_state as rules
from resolvers.changes.log import lock_tail
from resolvers.rollups import history

member_t: sa.Table = RollupMember.__table__  # type: ignore[attr-defined]
bucket_t: sa.Table = RollupBucket.__table__  # type: ignore[attr-defined]
task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]
unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]

# `due_on` of the buckets that are not dated (never compared with a date).
UNDATED = date(1970, 1, 1)
KEY = ("root_id", "rated", "completed", "started", "dated", "due_on")
CHUNK = 1000


# -- reading ---------------------------------------------------------------------------------


def _sum_if(
    condition: sa.ColumnElement[Any], value: sa.ColumnElement[Any], zero: float = 0
) -> sa.ColumnElement[Any]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=zero)), zero)


def rollup_columns(bucket: sa.FromClause, as_of: date) -> list[sa.ColumnElement[Any]]:
    """The counts of `rollup_statement` (total … weighted_progress_sum) over `bucket` rows."""
    b = bucket.c
    tasks = b.tasks
    open_ = sa.not_(b.completed)
    return [
        sa.func.coalesce(sa.func.sum(tasks), 0).label("total"),
        _sum_if(b.completed, tasks).label("completed"),
        _sum_if(sa.and_(open_, b.started), tasks).label("in_progress"),
        _sum_if(sa.and_(open_, sa.not_(b.started)), tasks).label("not_started"),
        # `dated` is the rules' `pending`, so these are rules.overdue and rules.due_soon.
        _sum_if(sa.and_(b.dated, rules.past_due(b.due_on, as_of)), tasks).label("overdue"),
        _sum_if(sa.and_(b.dated, rules.due_within(b.due_on, as_of)), tasks).label("due_soon"),
        _sum_if(sa.not_(b.rated), tasks).label("ongoing"),
        _sum_if(sa.and_(b.completed, b.rated), tasks).label("completed_rated"),
        _sum_if(b.rated, b.weight_sum, 0.0).label("weight_sum"),
        _sum_if(b.rated, b.weighted_progress_sum, 0.0).label("weighted_progress_sum"),
    ]


def buckets_answer(
    *, current: bool, include_descendants: bool, role: RoleScope, filtered: bool = False
) -> bool:
    """Whether the buckets hold a rollup: LEAD, the whole subtree, every task; today or later
    from rollup_bucket, a past day from rollup_bucket_history (resolvers/rollups/history.py).

    For a restricted viewer they answer only for roots inside its subtree (its ancestors'
    rollups count visible tasks only): both read paths check that per root.
    """
    del current  # every day: the present buckets or their history
    return include_descendants and role is RoleScope.LEAD and not filtered


def bucket_rows(
    as_of: date,
    root: Callable[[sa.ColumnElement[Any]], sa.ColumnElement[bool]],
    *,
    current: bool,
    name: str = "rollup_bucket",
) -> tuple[sa.FromClause, list[sa.ColumnElement[bool]]]:
    """The rows whose sums are the buckets as of `as_of` of the roots `root` picks (a
    condition on a root_id column), and the conditions left to apply to them: rollup_bucket
    for today or later, else the periods of rollup_bucket_history up to the day
    (history.period_rows)."""
    if current:
        bucket = bucket_t.alias(name)
        return bucket, [root(bucket.c.root_id)]
    return history.period_rows(as_of, root, name=f"{name}_history"), []


def maintained_rollup_statement(
    roots: Sequence[uuid.UUID] | sa.ColumnElement[Any], as_of: date, *, current: bool = True
) -> sa.Select[Any]:
    """One row per root with buckets: root_id and the columns of `rollup_statement`.

    For role LEAD, descendants included, no filter, every task visible (or the roots inside
    the viewer's subtree); `current`: asOf is today or later (else a past day, from the
    history). `roots` is a list of unit ids, or a column (`outer.id`) to correlate with; a
    root without buckets has no row (zero counts).
    """
    if isinstance(roots, sa.ColumnElement):
        column = roots

        def picked(root_id: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
            return root_id == column
    else:
        ids = list(roots)

        def picked(root_id: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
            return root_id.in_(ids)

    bucket, conditions = bucket_rows(as_of, picked, current=current)
    return (
        sa.select(bucket.c.root_id, *rollup_columns(bucket, as_of))
        .where(*conditions)
        .group_by(bucket.c.root_id)
    )


def member_rollup_statement(
    root: sa.ColumnElement[Any],
    as_of: Any,
    visible: Callable[[Any], sa.ColumnElement[bool]],
    *,
    current: bool = True,
    name: str = "visible",
) -> sa.Select[Any]:
    """The rollup of `root` as of today or later over the members whose task is `visible`
    (a predicate on a task id column): root_id and the columns of `rollup_statement`.

    A root outside a restricted viewer's subtree (its ancestors, co-assigned units) counts
    the visible tasks only, each in its state in the root: that is its rollup_member row, so
    the sums are the buckets' own, over those tasks instead of all of them. Not `current`
    (a past day, `as_of` a date): the members' spans holding on that day
    (rollup_member_history, as `member_rows` reads them), whose sums are the buckets'
    history.
    """
    task_id: sa.ColumnElement[Any]
    weight: sa.ColumnElement[Any]
    progress: sa.ColumnElement[Any]
    if current:
        m = member_t.alias("visible_member")
        key = _bucket_key(m)
        task_id, weight, progress = m.c.task_id, m.c.weight, m.c.progress
        where = [m.c.root_id == root]
    else:
        then = member_rows(root, as_of, current=False, name=f"{name}_then")
        key = [then.c[column] for column in KEY]
        task_id, weight, progress = then.c.task_id, then.c.weight, then.c.progress
        where = []
    rows = (
        sa.select(
            *key,
            sa.literal(1).label("tasks"),
            weight.label("weight_sum"),
            (weight * progress).label("weighted_progress_sum"),
        )
        .where(*where, visible(task_id))
        .subquery(f"{name}_members")
    )
    return sa.select(rows.c.root_id, *rollup_columns(rows, as_of)).group_by(rows.c.root_id)


def visible_member_buckets(task_ids: Any, name: str = "visible_member_buckets") -> sa.CTE:
    """rollup_bucket's rows (KEY, tasks, weight_sum, weighted_progress_sum) over today's
    members whose task is among `task_ids` (a restricted viewer's visible tasks), for every
    root at once: a CTE computed once per statement (MATERIALIZED), driven by the visible
    tasks (rollup_member's task index), from which each root outside the viewer's subtree
    reads its rollup as member_rollup_statement computes it, instead of filtering all of an
    ancestor's members once per root."""
    m = member_t.alias(f"{name}_member")
    key = _bucket_key(m)
    return (
        sa.select(
            *key,
            sa.func.count().label("tasks"),
            sa.func.sum(m.c.weight).label("weight_sum"),
            sa.func.sum(m.c.weight * m.c.progress).label("weighted_progress_sum"),
        )
        .where(m.c.task_id.in_(task_ids))
        .group_by(*(column.element for column in key))
        .cte(name)
        .prefix_with("MATERIALIZED")
    )


def maintained_rollup_in_subtree(
    roots: Sequence[uuid.UUID], as_of: date, subtree_root: uuid.UUID, *, current: bool = True
) -> sa.Select[Any]:
    """One row per root that lies in `subtree_root`'s subtree (zeros when it has no buckets).

    Roots outside the subtree have no row: their rollups count only the tasks the viewer
    may see, which the live aggregation does.
    """
    inside = (
        sa.select(closure_t.c.descendant_id.label("root_id"))
        .where(closure_t.c.ancestor_id == subtree_root, closure_t.c.descendant_id.in_(roots))
        .subquery("inside")
    )
    ids = list(roots)
    bucket, conditions = bucket_rows(as_of, lambda root_id: root_id.in_(ids), current=current)
    joined = sa.and_(bucket.c.root_id == inside.c.root_id, *conditions)
    return (
        sa.select(inside.c.root_id, *rollup_columns(bucket, as_of))
        .select_from(inside.outerjoin(bucket, joined))
        .group_by(inside.c.root_id)
    )


def member_rows(
    root: sa.ColumnElement[Any], as_of: Any, *, current: bool, name: str
) -> sa.Subquery:
    """The members of `root`'s rollup (LEAD, whole subtree) as of the day, one row per task:
    root_id, rated, completed, started, dated, due_on (rollup_bucket's key), task_id,
    progress, weight. Today or later (`current`): rollup_member; a past day: the
    rollup_member_history span holding on it (`as_of` then a date). `dated` is the rules'
    `pending` and `due_on` the deadline's end in force that day when dated."""
    if current:
        m = member_t.alias(f"member_{name}")
        return (
            sa.select(*_bucket_key(m), m.c.task_id, m.c.progress, m.c.weight)
            .where(m.c.root_id == root)
            .subquery(f"members_{name}")
        )
    h = history.history_t.alias(f"member_history_{name}")
    return (
        sa.select(
            h.c.root_id,
            *(h.c[column] for column in history.BUCKET_KEY),
            h.c.task_id,
            h.c.progress,
            h.c.weight,
        )
        .where(h.c.root_id == root, *history.holds_on(h, as_of))
        .subquery(f"members_{name}")
    )


def filtered_member_rollup(
    root: sa.ColumnElement[Any],
    conditions: Sequence[sa.ColumnElement[bool]],
    *,
    as_of: Any,
    current: bool,
    name: str,
) -> sa.Select[Any]:
    """taskRollup(filter:) of `root` (LEAD, whole subtree) where the filter tests task columns
    only (no state test: TaskFilter's `task_filter_conditions` over `task`): the members as of
    the day whose task passes, summed as the buckets are (root_id and the columns of
    `rollup_statement`; no row when none passes)."""
    m = member_rows(root, as_of, current=current, name=name)
    picked = (
        sa.select(
            *(m.c[column] for column in KEY),
            sa.literal(1).label("tasks"),
            m.c.weight.label("weight_sum"),
            (m.c.weight * m.c.progress).label("weighted_progress_sum"),
        )
        .select_from(m.join(task_t, task_t.c.id == m.c.task_id))
        .where(*conditions)
        .subquery(f"picked_{name}")
    )
    return sa.select(picked.c.root_id, *rollup_columns(picked, as_of)).group_by(picked.c.root_id)


class MemberList(NamedTuple):
    """`member_list`'s answer: the rows (a FromClause with `task_id`), the conditions on
    them, whether every row passing is pending today (then it has a deadline end:
    ix_rollup_member_pending holds it), the rows' DEADLINE sort key (the task's present
    deadline end, resolvers/task/order.py), and their count where the buckets hold it."""

    rows: sa.FromClause
    conditions: list[sa.ColumnElement[bool]]
    pending: bool
    deadline_sort: sa.ColumnElement[Any]
    # How many rows pass, summed from the buckets (`bucket_count`), or None: count them.
    counted: sa.ColumnElement[Any] | None


def member_list(
    root: sa.ColumnElement[Any], tests: Sequence[rules.StateTest], *, name: str
) -> MemberList:
    """The tasks of `root`'s rollup (LEAD, whole subtree: today's members) passing every state
    test (overdueAsOf, dueSoonAsOf, dueSoon, dueWithin), each judged as of its own day by
    the members' state then: what `judged_pairs` finds for the root's scope, read from the
    maintained members instead of the shares and their history.

    One test, overdueAsOf a past day: the root's rollup_overdue_span rows holding on the
    day (the same member spans, judged by the same rule), which ix_rollup_overdue_span_walk
    serves in the list's DEADLINE order (a page stops after its rows), counted from the
    bucket history, instead of probing the history of every member of the root today. A
    task has spans in a root only while it is a member there today: its history derives
    from its present lead shares and the present tree (`refresh_history`)."""
    spans = _overdue_then(root, tests, name=name)
    if spans is not None:
        return spans
    m = member_t.alias(f"member_{name}")
    pending_now = rules.pending_rated(m.c.completed, m.c.rated, m.c.deadline_end)
    conditions: list[sa.ColumnElement[bool]] = [m.c.root_id == root]
    all_pending = bool(tests)
    for i, test in enumerate(tests):
        if test.cutoff is None:
            # As the index's predicate is written (models/rollup.py PENDING).
            passing: sa.ColumnElement[bool] = test.holds_pending(pending_now, m.c.deadline_end)
        else:
            then = member_rows(root, test.as_of, current=False, name=f"{name}_{i}")
            passing = m.c.task_id.in_(
                sa.select(then.c.task_id).where(test.holds_pending(then.c.dated, then.c.due_on))
            )
        conditions.append(sa.not_(passing) if test.negated else passing)
        all_pending = all_pending and test.cutoff is None and not test.negated
    # Pending rows all have a deadline end: the bare column, which the index orders.
    deadline = m.c.deadline_end if all_pending else rules.deadline_sort_key(m.c.deadline_end)
    count = bucket_count(root, tests) if all_pending else None
    return MemberList(m, conditions, all_pending, deadline, count)


def _overdue_then(
    root: sa.ColumnElement[Any], tests: Sequence[rules.StateTest], *, name: str
) -> MemberList | None:
    """`member_list` for the one test overdueAsOf of a past day (else None): rollup_overdue_span
    holds each member's overdue days, derived from its history spans by the same rule."""
    if len(tests) != 1:
        return None
    test = tests[0]
    if test.name != "overdue" or test.negated or test.cutoff is None:
        return None
    s = history.overdue_t.alias(f"overdue_span_{name}")
    conditions = [s.c.root_id == root, *history.overdue_on(s, test.as_of)]
    return MemberList(s, conditions, False, s.c.deadline_sort, bucket_count(root, tests))


def bucket_count(
    root: sa.ColumnElement[Any], tests: Sequence[rules.StateTest]
) -> sa.ColumnElement[Any]:
    """How many of `root`'s members pass every state test (none negated, all of one day):
    `member_list`'s count, summed from the buckets as of that day (rollup_bucket today or
    later, else its history), whose rows group the members by `dated` and `due_on`, all
    the tests read."""
    current = all(t.cutoff is None for t in tests)
    assert tests
    assert all(not t.negated for t in tests)
    assert current or all(t.as_of == tests[0].as_of for t in tests)
    b, conditions = bucket_rows(
        tests[0].as_of, lambda root_id: root_id == root, current=current, name="counted_bucket"
    )
    return (
        sa.select(sa.func.coalesce(sa.func.sum(b.c.tasks), 0))
        .where(*conditions, *(t.holds_pending(b.c.dated, b.c.due_on) for t in tests))
        .scalar_subquery()
    )


def members_passing(
    root: sa.ColumnElement[Any], tests: Sequence[rules.StateTest], *, name: str
) -> sa.Select[Any]:
    """Ids of the tasks of `member_list`."""
    members = member_list(root, tests, name=name)
    return sa.select(members.rows.c.task_id).where(*members.conditions)


def single_root() -> tuple[sa.ColumnElement[Any], sa.ColumnElement[bool]]:
    """The tree's root unit and whether it is the only one: then every unit lies in its
    subtree, and a task's members there (rollup_member and its history) are the task as a
    whole (all its lead shares). The tree's root is models/rules/scope.py `tree_root`."""
    return scope_rules.tree_root()


def whole_task_passes(
    test: rules.StateTest, task_id: sa.ColumnElement[Any], *, name: str
) -> sa.ColumnElement[bool] | None:
    """`whole_tasks_passing` as a test of one task (`task_id`, a column of the enclosing
    row): its span at the root holding on the day, found by the history's key (task, root,
    first day), one index probe per task judged: for a short list of candidates (a
    restricted viewer's tasks) instead of every task passing the test."""
    if test.cutoff is None or test.negated:
        return None
    root, only = single_root()
    h = history.history_t.alias(f"whole_span_{name}")
    span = (
        sa.select(test.holds_pending(h.c.dated, h.c.due_on))
        .where(h.c.task_id == task_id, h.c.root_id == root, *history.holds_on(h, test.as_of))
        .order_by(h.c.valid_from.desc())
        .limit(1)
        .scalar_subquery()
    )
    return sa.and_(only, sa.func.coalesce(span, sa.false()))


def whole_tasks_passing(test: rules.StateTest, *, name: str) -> sa.Select[Any] | None:
    """Ids of the tasks that, as a whole (all their lead shares), pass a state test of a past
    day, from the root's members then, when the tree has a single root (else no row: see
    `single_root`); None for a test of today or later (a task exists from its first lead's
    event, so as of a past day the root's members are every task that existed; today a task
    without a lead share would be judged too, which no member holds)."""
    if test.cutoff is None or test.negated:
        return None
    root, only = single_root()
    then = member_rows(root, test.as_of, current=False, name=name)
    return sa.select(then.c.task_id).where(only, test.holds_pending(then.c.dated, then.c.due_on))


def whole_tasks_overdue(
    test: rules.StateTest, *, name: str
) -> tuple[sa.Subquery, sa.ColumnElement[Any], sa.ColumnElement[bool]] | None:
    """The tasks overdue as a whole on a day (`test`: overdueAsOf, not negated), each with
    its present DEADLINE sort key, as (task_id, deadline_sort) rows, their count, and the
    condition under which they are right (today or later: `_whole_tasks_overdue_now`).

    Right where the tree has a single root (`single_root`): the root's rollup_overdue_span
    rows holding on the day, which ix_rollup_overdue_span_walk serves in the list's order (a
    page by deadline stops after its rows), counted from the root's overdue buckets as of
    the day (rollup_bucket_history: the same member spans, grouped). Otherwise the reader
    judges live (`whole_task_state`)."""
    if test.name != "overdue" or test.negated:
        return None
    root, only = single_root()
    if test.cutoff is None:
        return _whole_tasks_overdue_now(test, root, only, name=name)
    s = history.overdue_t.alias(f"overdue_{name}")
    rows = (
        sa.select(s.c.task_id, s.c.deadline_sort)
        .where(s.c.root_id == root, *history.overdue_on(s, test.as_of))
        .subquery(f"overdue_{name}")
    )
    count = bucket_count(root, [test])
    return rows, count, only


def _whole_tasks_overdue_now(
    test: rules.StateTest, root: Any, only: sa.ColumnElement[bool], *, name: str
) -> tuple[sa.Subquery, sa.ColumnElement[Any], sa.ColumnElement[bool]]:
    """`whole_tasks_overdue` as of today or later: the root's members pending and past due
    in deadline order (ix_rollup_member_pending), counted from its buckets. The live
    judgement also counts a task without any lead share (never a member) as overdue when
    its deadline passed: so the members answer only while every task is a member of the
    root (the task count equals the root's members, summed from its buckets)."""
    m = member_t.alias(f"overdue_member_{name}")
    pending_now = rules.pending_rated(m.c.completed, m.c.rated, m.c.deadline_end)
    rows = (
        sa.select(m.c.task_id, m.c.deadline_end.label("deadline_sort"))
        .where(m.c.root_id == root, test.holds_pending(pending_now, m.c.deadline_end))
        .subquery(f"overdue_{name}")
    )
    b = bucket_t.alias(f"member_count_{name}")
    members = (
        sa.select(sa.func.coalesce(sa.func.sum(b.c.tasks), 0))
        .where(b.c.root_id == root)
        .scalar_subquery()
    )
    tasks = sa.select(sa.func.count()).select_from(task_t).scalar_subquery()
    return rows, bucket_count(root, [test]), sa.and_(only, tasks == members)


# -- maintaining -----------------------------------------------------------------------------


def member_select(task_ids: Sequence[uuid.UUID] | None = None) -> sa.Select[Any]:
    """The members of the tasks (all tasks: None), computed from assignments and the closure.

    Columns in the order of rollup_member: root_id, task_id, deadline_end, rated, completed,
    started, progress, weight.
    """
    a = assignment_t
    n, done, started, mean = rules.shares_aggregate(a.c.status, a.c.progress)
    completed = rules.completed_from(n, done)
    stmt = (
        sa.select(
            closure_t.c.ancestor_id.label("root_id"),
            task_t.c.id.label("task_id"),
            task_t.c.deadline_end.label("deadline_end"),
            rules.rated(task_t.c.deadline_kind).label("rated"),
            completed.label("completed"),
            (started > 0).label("started"),
            rules.progress_from(completed, mean).label("progress"),
            task_t.c.weight.label("weight"),
        )
        .select_from(
            a.join(closure_t, closure_t.c.descendant_id == a.c.org_unit_id).join(
                task_t, task_t.c.id == a.c.task_id
            )
        )
        .where(a.c.role == AssignmentRole.LEAD.value)
        .group_by(closure_t.c.ancestor_id, task_t.c.id)
    )
    if task_ids is not None:
        stmt = stmt.where(a.c.task_id.in_(task_ids))
    return stmt


def _bucket_key(members: sa.FromClause) -> list[sa.ColumnElement[Any]]:
    """(root_id, rated, completed, started, dated, due_on) of member rows."""
    m = members.c
    dated = rules.pending_rated(m.completed, m.rated, m.deadline_end)
    due_on = sa.case((dated, m.deadline_end), else_=sa.literal(UNDATED, sa.Date()))
    return [
        m.root_id.label("root_id"),
        m.rated.label("rated"),
        m.completed.label("completed"),
        m.started.label("started"),
        dated.label("dated"),
        due_on.label("due_on"),
    ]


def _upsert(conn: AsyncConnection, rows: sa.Select[Any]) -> Any:
    """INSERT … SELECT into the buckets, adding to the ones that exist."""
    columns = [*KEY, "tasks", "weight_sum", "weighted_progress_sum"]
    insert: Any = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(bucket_t)
    stmt = insert.from_select(columns, rows)
    tasks = bucket_t.c.tasks + stmt.excluded.tasks

    def added(column: str) -> sa.ColumnElement[Any]:
        # A bucket left without tasks sums to exactly 0 (no rounding residue).
        return sa.case((tasks == 0, 0.0), else_=bucket_t.c[column] + stmt.excluded[column])

    return stmt.on_conflict_do_update(
        index_elements=list(KEY),
        set_={
            "tasks": tasks,
            "weight_sum": added("weight_sum"),
            "weighted_progress_sum": added("weighted_progress_sum"),
        },
    )


def _uuid_int(value: uuid.UUID) -> int:
    """UUID order by a C-level key: sorting 100,000 UUIDs by their own __lt__ (Python code)
    would hold the event loop for half a second."""
    return value.int


async def refresh_task_rollups(conn: AsyncConnection, task_ids: Iterable[uuid.UUID]) -> None:
    """Recompute the members of these tasks and their history, and move the differences into
    the buckets and the bucket history."""
    ids = sorted(set(task_ids), key=_uuid_int)
    for start in range(0, len(ids), CHUNK):
        await _refresh(conn, ids[start : start + CHUNK])
        await history.refresh_history(conn, ids[start : start + CHUNK])


async def _refresh(conn: AsyncConnection, ids: list[uuid.UUID]) -> None:
    stored = sa.select(*member_t.c).where(member_t.c.task_id.in_(ids)).subquery("stored")
    fresh = member_select(ids).subquery("fresh")
    old_key, new_key = _bucket_key(stored), _bucket_key(fresh)
    both = sa.union_all(
        sa.select(
            *old_key,
            sa.literal(-1).label("sign"),
            (-stored.c.weight).label("weight"),
            (-stored.c.weight * stored.c.progress).label("weighted"),
        ),
        sa.select(
            *new_key,
            sa.literal(1).label("sign"),
            fresh.c.weight.label("weight"),
            (fresh.c.weight * fresh.c.progress).label("weighted"),
        ),
    ).subquery("delta")
    key = [both.c[name] for name in KEY]
    delta = (
        sa.select(
            *key,
            sa.func.sum(both.c.sign),
            sa.func.sum(both.c.weight),
            sa.func.sum(both.c.weighted),
        )
        # SQLite's upsert needs a WHERE in its SELECT (a parsing ambiguity otherwise).
        .where(sa.true())
        .group_by(*key)
        .having(
            sa.or_(
                sa.func.sum(both.c.sign) != 0,
                sa.func.sum(both.c.weight) != 0,
                sa.func.sum(both.c.weighted) != 0,
            )
        )
        # Key order: concurrent writers lock shared buckets in the same order.
        .order_by(*key)
    )
    await conn.execute(_upsert(conn, delta))
    await conn.execute(member_t.delete().where(member_t.c.task_id.in_(ids)))
    await conn.execute(member_t.insert().from_select(list(member_t.c.keys()), member_select(ids)))


async def rebuild_task_rollups(conn: AsyncConnection) -> dict[str, int]:
    """Recompute every member and bucket from the assignments, and their history
    (resolvers/rollups/history.py) from the status events; returns the row counts.

    PostgreSQL: waits for in-flight writes to commit and holds new ones (the change log's
    tail lock) until this transaction ends, so none refreshes against half-built rows.
    """

    await lock_tail(conn)
    if conn.dialect.name == "postgresql":
        await conn.execute(sa.text("TRUNCATE rollup_bucket, rollup_member"))
    else:
        await conn.execute(bucket_t.delete())
        await conn.execute(member_t.delete())
    await conn.execute(member_t.insert().from_select(list(member_t.c.keys()), member_select()))
    key = _bucket_key(member_t)
    weighted = member_t.c.weight * member_t.c.progress
    if conn.dialect.name == "postgresql":
        # Floating-point sums in task order: the same data gives the same bits, wherever
        # the rows lie on disk (generate is deterministic by seed).
        order = (member_t.c.task_id,)
        sums = [
            sa.func.sum(postgresql.aggregate_order_by(member_t.c.weight, *order)),
            sa.func.sum(postgresql.aggregate_order_by(weighted, *order)),
        ]
    else:
        sums = [sa.func.sum(member_t.c.weight), sa.func.sum(weighted)]
    await conn.execute(
        bucket_t.insert().from_select(
            [*KEY, "tasks", "weight_sum", "weighted_progress_sum"],
            sa.select(*key, sa.func.count(), *sums).group_by(*key),
        )
    )
    counts: dict[str, int] = {}
    for table in (member_t, bucket_t):
        count = await conn.scalar(sa.select(sa.func.count()).select_from(table))
        counts[table.name] = int(count or 0)
    return counts | await history.rebuild_history(conn)
