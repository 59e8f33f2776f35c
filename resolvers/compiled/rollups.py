"""TaskRollup statements for compiled SQL: rows of rollup_statement's columns for one root,
correlated to the enclosing unit row (several rows are summed by the caller)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from models import enums
from resolvers.rollups.maintained import (
    buckets_answer,
    maintained_rollup_statement,
    member_rollup_statement,
)
from resolvers.rollups.task import end_of_day, rollup_statement, tasks_of_units, unit_scope
from resolvers.scope import Scope, subtree, task_visible


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
    live, as today from rollup_member.
    """
    maintained = buckets_answer(current=current, include_descendants=include_descendants, role=role)
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
