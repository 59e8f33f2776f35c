"""TaskRollup statements for compiled SQL: rows of rollup_statement's columns for one root,
correlated to the enclosing unit row (several rows are summed by the caller)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from models import enums
from models.rules.task_state import assignment_t
from resolvers.rollups.history import history_t
from resolvers.rollups.maintained import (
    buckets_answer,
    maintained_rollup_statement,
    member_rollup_statement,
    member_t,
    rollup_columns,
    visible_member_buckets,
)
from resolvers.rollups.task import end_of_day, rollup_statement, tasks_of_units, unit_scope
from resolvers.scope import Scope, subtree, task_visible, visible_task_ids

VISIBLE_BUCKETS = "visible_member_buckets"  # rollup_statement_for's entry in `shared`
VISIBLE_ROLLUPS = "visible_rollups"  # … and its sums per root, per day asked


def rollup_statement_for(
    root: sa.ColumnElement[Any],
    *,
    as_of: Any,  # a date, or the plan's TODAY parameter (then `current`)
    current: bool,
    include_descendants: bool,
    role: enums.RoleScope,
    scope: Scope,
    name: str,
    members: bool = True,
    outside_members: bool = False,
    shared: dict[str, Any] | None = None,
) -> sa.Select[Any]:
    """The rollup of the unit `root`, as the resolvers compute it (resolvers/task/rollup.py).

    The scope's root may be a bind parameter (resolvers.scope.Scope.parameter).

    LEAD, whole subtree: the maintained buckets (today or later) or their history (a past
    day), for any root the viewer's scope covers entirely; for a root outside it (its
    ancestors, co-assigned units) today's members of the visible tasks (rollup_member, each
    task's state in that root), a past day live; every other shape aggregates live.
    `members` False: live there too (row-level security hides the rollup_member rows of
    units outside the viewer's subtree). `outside_members` (SQLite: Dialect.outside_members):
    a past day of such a root from its members' history (rollup_member_history) instead of
    live, as today from rollup_member. `shared`: what the statement's rollups share (the
    caller's, one per statement): today's outside roots read one CTE of the visible tasks'
    member buckets (visible_member_buckets) from it.
    """
    maintained = buckets_answer(current=current, include_descendants=include_descendants, role=role)
    if include_descendants and role is enums.RoleScope.ANY and members:
        return any_role_statement(root, as_of=as_of, current=current, scope=scope, name=name)
    if maintained and scope.unrestricted:
        return maintained_rollup_statement(root, as_of, current=current)
    live_only: list[sa.ColumnElement[bool]] = []
    if maintained:
        live_only = [root.not_in(subtree(scope))]
        if members and (current or outside_members):
            # A root outside the subtree (an ancestor, a co-assigned unit): its members that
            # are visible tasks, instead of aggregating every task below it live.
            bucketed = maintained_rollup_statement(root, as_of, current=current).where(
                root.in_(subtree(scope))
            )
            visible_members: sa.Select[Any]
            if current and shared is not None:
                # Today: the visible tasks' member buckets of every root, once per statement,
                # summed per root once per day asked (a row per root: each unit's read scans
                # those, not every bucket of every root).
                buckets = shared.get(VISIBLE_BUCKETS)
                if buckets is None:
                    buckets = shared[VISIBLE_BUCKETS] = visible_member_buckets(
                        visible_task_ids(scope)
                    )
                day = as_of.isoformat() if isinstance(as_of, date) else id(as_of)
                key = f"{VISIBLE_ROLLUPS}:{day}"
                per_root = shared.get(key)
                if per_root is None:
                    per_root = shared[key] = (
                        sa.select(buckets.c.root_id, *rollup_columns(buckets, as_of))
                        .group_by(buckets.c.root_id)
                        .cte(f"visible_rollups_{name}")
                        .prefix_with("MATERIALIZED")
                    )
                visible_members = sa.select(*per_root.c).where(
                    per_root.c.root_id == root, *live_only
                )
            else:
                visible_members = member_rollup_statement(
                    root,
                    as_of,
                    lambda task_id: task_visible(scope, task_id),
                    current=current,
                    name=f"visible_{name}",
                ).where(*live_only)
            either = sa.union_all(bucketed, visible_members)
            return either.subquery(f"either_{name}").select()
    cutoff = None if current else end_of_day(as_of)
    units_select = unit_scope([root], include_descendants).where(*live_only)
    units = units_select.cte(f"unit_scope_{name}", nesting=True)
    scoped = tasks_of_units(units, role, cutoff)
    live = rollup_statement(
        scoped,
        as_of=as_of,
        current=current,
        units=units,
        conditions=[task_visible(scope)],
        nesting=f"_{name}",
    )
    if not maintained:
        return live
    # Also at the top of the live branch: a condition on the root alone is a gating qual
    # there (a one-time filter above the joins), so for a root inside the subtree nothing of
    # the live aggregation runs; inside the CTE only, PostgreSQL still built its hash of
    # every visible task before finding the scope empty.
    live = live.where(*live_only)
    bucketed = maintained_rollup_statement(root, as_of, current=current).where(
        root.in_(subtree(scope))
    )
    return sa.union_all(bucketed, live).subquery(f"either_{name}").select()


def was_member(root: Any, task_id: Any, as_of: Any, *, current: bool) -> sa.ColumnElement[bool]:
    """The task is a member of root's rollup (role LEAD, whole subtree) as of the day: it has
    an in-scope lead share (today), or had an in-scope lead share's event by the end of the
    day (a member's spans start then and never end: one key probe of the history)."""
    if current:
        m = member_t.alias("lead_member")
        return sa.exists(
            sa.select(sa.literal(1)).where(m.c.root_id == root, m.c.task_id == task_id)
        )
    h = history_t.alias("lead_span")
    return sa.exists(
        sa.select(sa.literal(1)).where(
            h.c.task_id == task_id, h.c.root_id == root, h.c.valid_from <= as_of
        )
    )


def any_role_statement(
    root: sa.ColumnElement[Any], *, as_of: Any, current: bool, scope: Scope, name: str
) -> sa.Select[Any]:
    """taskRollup(role: ANY) of `root` (whole subtree) as rows of rollup_statement's columns
    to sum, exactly as the live aggregation counts it.

    A task counts in ANY when it has a share of either role in the scope (existing by the
    day); its state is its in-scope lead shares' when it has any (existing by the day), else
    all its lead shares'. The first kind are the LEAD rollup's members, each in that same
    state: the maintained buckets (or their history) hold them. The others, tasks with only
    cooperating shares in the scope, are aggregated live, and only they: each cooperating
    share in the subtree is tested against the members by one key probe. For a restricted
    viewer this holds for roots its scope covers entirely; any other root is live whole."""
    cutoff = None if current else end_of_day(as_of)
    units = unit_scope([root], True).cte(f"any_scope_{name}", nesting=True)
    cooperating_only = tasks_of_units(units, enums.RoleScope.COOPERATING, cutoff).where(
        sa.not_(was_member(units.c.root_id, assignment_t.c.task_id, as_of, current=current))
    )
    others = rollup_statement(
        cooperating_only,
        as_of=as_of,
        current=current,
        units=units,
        conditions=[],
        nesting=f"_any_{name}",
    )
    leads = maintained_rollup_statement(root, as_of, current=current)
    if scope.unrestricted:
        return sa.union_all(leads, others).subquery(f"any_{name}").select()
    inside = root.in_(subtree(scope))
    live_units = (
        unit_scope([root], True).where(sa.not_(inside)).cte(f"any_live_scope_{name}", nesting=True)
    )
    live = rollup_statement(
        tasks_of_units(live_units, enums.RoleScope.ANY, cutoff),
        as_of=as_of,
        current=current,
        units=live_units,
        conditions=[task_visible(scope)],
        nesting=f"_any_live_{name}",
    ).where(sa.not_(inside))
    return (
        sa.union_all(leads.where(inside), others.where(inside), live)
        .subquery(f"any_{name}")
        .select()
    )
