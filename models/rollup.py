"""Task rollups maintained on write (resolvers/rollups/maintained.py).

RollupMember: one row per (unit, task) where the task has a LEAD assignment to a unit of the
unit's subtree, with the task's present state in that scope (DESIGN.md, "Rollup semantics").
RollupBucket: the members of a unit grouped by what a rollup as of today or later needs to
tell them apart, with their counts and sums; a unit's rollup is a sum over its buckets.
Both are derived data: every write that changes assignments or tasks refreshes the rows of
its tasks in its own transaction, and `govgraph rebuild-rollups` recomputes them all.
RollupMemberHistory / RollupBucketHistory: the same as of every past day (spans of member
states; bucket changes per day, month and year), kept by the same refresh and rebuild.
"""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# rollup_member's rows that can be overdue or due soon: rated, not completed, with an end
# (models/rules/task_state.py `pending`; the partial index's predicate, as SQL text).
PENDING = "rated AND NOT completed AND deadline_end IS NOT NULL"


class RollupMember(SQLModel, table=True):
    """A task in the rollup of a unit and its subtree (role LEAD), with its state there."""

    __tablename__ = "rollup_member"
    __table_args__ = (
        sa.Index("ix_rollup_member_task_id", "task_id"),
        # The members that can be overdue or due soon (the rules' `pending`), by deadline:
        # a unit's overdue list and its first page are index reads (models/rules/
        # task_state.py, resolvers/rollups/maintained.py `members_passing`).
        sa.Index(
            "ix_rollup_member_pending",
            "root_id",
            "deadline_end",
            "task_id",
            sqlite_where=sa.text(PENDING),
            postgresql_where=sa.text(PENDING),
        ),
    )

    root_id: uuid.UUID = Field(foreign_key="org_unit.id", primary_key=True, ondelete="CASCADE")
    task_id: uuid.UUID = Field(foreign_key="task.id", primary_key=True, ondelete="CASCADE")
    deadline_end: date | None = Field(default=None)
    # Not ONGOING (长期坚持): counts toward completionRate and weightedProgress.
    rated: bool
    # Every in-scope lead completed / at least one in-scope lead started.
    completed: bool
    started: bool
    # The mean percent of the in-scope leads (completed ones at 100); 100 when completed.
    progress: float
    weight: float


class RollupBucket(SQLModel, table=True):
    """Members of a unit with the same (rated, completed, started, due date): counts, sums.

    `dated`: rated, not completed and with a deadline end, which is `due_on`; the others
    share `due_on` = 1970-01-01 (never compared: they are never overdue nor due soon).
    """

    __tablename__ = "rollup_bucket"

    root_id: uuid.UUID = Field(foreign_key="org_unit.id", primary_key=True, ondelete="CASCADE")
    rated: bool = Field(primary_key=True)
    completed: bool = Field(primary_key=True)
    started: bool = Field(primary_key=True)
    dated: bool = Field(primary_key=True)
    due_on: date = Field(primary_key=True)
    tasks: int
    # Over all members of the bucket; readers count them only when `rated`.
    weight_sum: float
    weighted_progress_sum: float


class RollupMemberHistory(SQLModel, table=True):
    """A member's state in a unit's rollup (role LEAD) over a span of days, from the history.

    One row per (unit, task, first day of the span): the state as of every day D with
    `valid_from` ≤ D < `valid_until` (open-ended when NULL), as the live as-of rollup derives
    it (each in-scope lead share's latest status event by the end of D, the deadline in force
    then). Before its first span the task was not a member (no in-scope lead share yet).
    Derived data, kept with rollup_member (resolvers/rollups/history.py).
    """

    __tablename__ = "rollup_member_history"
    __table_args__ = (
        sa.Index("ix_rollup_member_history_task_id", "task_id"),
        # A unit's members as of a day: its spans that end after it (or never).
        sa.Index("ix_rollup_member_history_root", "root_id", "valid_until"),
        # SQLite only (migration 0046): a unit's members that were overdue or due soon on a
        # past day (dated, by deadline) as a covering index read, instead of every span of
        # the unit (resolvers/rollups/maintained.py `member_list`; PostgreSQL's bitmap scans
        # of the index above do without).
        sa.Index(
            "ix_rollup_member_history_due",
            "root_id",
            "dated",
            "due_on",
            "valid_from",
            "valid_until",
            "task_id",
        ).ddl_if(dialect="sqlite"),
    )

    task_id: uuid.UUID = Field(foreign_key="task.id", primary_key=True, ondelete="CASCADE")
    root_id: uuid.UUID = Field(foreign_key="org_unit.id", primary_key=True, ondelete="CASCADE")
    valid_from: date = Field(primary_key=True)
    valid_until: date | None = Field(default=None)
    rated: bool
    completed: bool
    started: bool
    dated: bool
    due_on: date
    progress: float
    weight: float


class RollupBucketHistory(SQLModel, table=True):
    """Changes of a unit's buckets (rollup_bucket's key) summed per day, month and year.

    `grain` D / M / Y with `period` the day, the first of the month, or January 1st: a row
    holds the net change of the bucket's counts over that period. A unit's buckets as of D
    are the sum of its Y rows before D's year, its M rows of D's year before D's month and
    its D rows of D's month up to D: at most ~45 periods per bucket, index-backed.
    """

    __tablename__ = "rollup_bucket_history"
    __table_args__ = (
        # PostgreSQL (migration 0048): the key carries the counts and sums, so a unit's
        # buckets as of a day are an index-only read of its ~45 periods' rows, which lie
        # together in the index; from the table they were one page per row (the rows of a
        # unit are written over all of its history), which a province's children as of a
        # past day read by the ten thousand.
        sa.PrimaryKeyConstraint(
            "root_id",
            "grain",
            "period",
            "rated",
            "completed",
            "started",
            "dated",
            "due_on",
            name="pk_rollup_bucket_history",
            postgresql_include=["tasks", "weight_sum", "weighted_progress_sum"],
        ),
    )

    root_id: uuid.UUID = Field(foreign_key="org_unit.id", primary_key=True, ondelete="CASCADE")
    grain: str = Field(primary_key=True, max_length=1)
    period: date = Field(primary_key=True)
    rated: bool = Field(primary_key=True)
    completed: bool = Field(primary_key=True)
    started: bool = Field(primary_key=True)
    dated: bool = Field(primary_key=True)
    due_on: date = Field(primary_key=True)
    tasks: int
    weight_sum: float
    weighted_progress_sum: float


class RollupOverdueSpan(SQLModel, table=True):
    """When a member of a unit's rollup (role LEAD) was overdue: its days as one span each.

    Derived from rollup_member_history: a member is overdue on D when its span holding on D
    is `dated` with `due_on` before D (models/rules/task_state.py `past_due`); consecutive
    such days make one row, `overdue_from` ≤ D < `overdue_until` (open-ended when NULL).
    `deadline_sort` is the task's present DEADLINE sort key (resolvers/task/order.py: its
    deadline end, 9999-12-31 when it has none), so a unit's overdue list as of a past day is
    walked in the list's own order by `ix_rollup_overdue_span_walk`, and each row's span
    tested in the index. Kept with rollup_member_history (resolvers/rollups/history.py).
    """

    __tablename__ = "rollup_overdue_span"
    __table_args__ = (
        sa.Index("ix_rollup_overdue_span_task_id", "task_id"),
        sa.Index(
            "ix_rollup_overdue_span_walk",
            "root_id",
            "deadline_sort",
            "task_id",
            "overdue_from",
            "overdue_until",
        ),
    )

    root_id: uuid.UUID = Field(foreign_key="org_unit.id", primary_key=True, ondelete="CASCADE")
    task_id: uuid.UUID = Field(foreign_key="task.id", primary_key=True, ondelete="CASCADE")
    overdue_from: date = Field(primary_key=True)
    overdue_until: date | None = Field(default=None)
    deadline_sort: date
