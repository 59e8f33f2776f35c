"""TaskConnection: a page of tasks that can also roll up its whole filtered set."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
import strawberry

from models import enums
from models.rules.task_state import task_existed
from resolvers.common import Connection, Info
from resolvers.pagination import OrderKey, list_digest, page_loader, paginate
from resolvers.rollups.task import (
    HealthCounts,
    counts_from_row,
    end_of_day,
    health_counts_from_row,
    health_statement,
    rollup_statement,
    tasks_of_units,
    unit_scope,
)
from resolvers.scope import EVERYTHING, Scope, task_visible
from resolvers.task.filters import (
    assigned_to,
    shares_state,
    task_filter_conditions,
    task_t,
    whole_task_state,
)
from resolvers.task.order import TaskOrder, task_order
from resolvers.task.rollup import TaskRollup, filter_key, resolve_as_of
from resolvers.task.types import Task, TaskFilter


@dataclass(frozen=True)
class TaskSet:
    """What a TaskConnection lists: filter conditions and, optionally, a unit scope."""

    conditions: list[sa.ColumnElement[bool]] = field(default_factory=list)
    unit: uuid.UUID | None = None
    scope: Scope = EVERYTHING
    role: enums.RoleScope = enums.RoleScope.LEAD
    include_descendants: bool = False
    # The filter's state tests (overdueAsOf, dueSoonAsOf), judged by the unit's shares.
    flt: TaskFilter | None = None
    # The request's today (dueSoon, dueWithin).
    today: date = field(kw_only=True)

    def statement(self) -> sa.Select[Any]:
        """The tasks of the set."""
        stmt = sa.select(task_t).where(*self.conditions, task_visible(self.scope))
        if self.unit is not None:
            stmt = stmt.where(assigned_to(self.unit, self.role, self.include_descendants))
            units = unit_scope([self.unit], self.include_descendants).cte("set_units")
            root = sa.literal(self.unit, sa.Uuid())
            stmt = stmt.where(
                *shares_state(
                    self.flt,
                    units=units,
                    role=self.role,
                    root=root,
                    task=task_t.c.id,
                    today=self.today,
                )
            )
        return stmt


@strawberry.type(name="TaskConnection", description="A page of tasks with keyset cursors.")
class TaskConnection(Connection[Task]):
    task_set: strawberry.Private[TaskSet]

    @strawberry.field(description="Rollup of every task of this list (all pages), as of a date.")
    async def rollup(self, info: Info, as_of: date | None = None) -> TaskRollup:
        day, current = resolve_as_of(info, as_of)
        cutoff = None if current else end_of_day(day)
        ids = self.task_set.statement().with_only_columns(task_t.c.id).subquery()
        units = None
        root: Any = sa.literal(0)
        # Counted as the rollups beside it count (models/rules/task_state.py): a task from
        # its first share's event, in a unit's list from the unit's own shares' events.
        if self.task_set.unit is not None:
            units = unit_scope([self.task_set.unit], self.task_set.include_descendants).cte(
                "unit_scope"
            )
            root = sa.literal(self.task_set.unit, sa.Uuid())
            existed = tasks_of_units(units, self.task_set.role, cutoff).subquery("existed")
            exists: sa.ColumnElement[bool] = ids.c.id.in_(sa.select(existed.c.task_id))
        else:
            exists = task_existed(ids.c.id, cutoff)
        scoped = sa.select(root.label("root_id"), ids.c.id.label("task_id")).where(exists)
        row = await info.context.db.fetch_one(
            rollup_statement(scoped, as_of=day, current=current, units=units)
        )

        async def health() -> HealthCounts:
            found = await info.context.db.fetch_one(
                health_statement(scoped, as_of=day, current=current, units=units)
            )
            return health_counts_from_row(found)

        return TaskRollup.from_counts(counts_from_row(row, day), health)


async def task_connection(
    info: Info,
    flt: TaskFilter | None,
    *,
    first: int | None,
    after: str | None,
    order_by: list[TaskOrder] | None = None,
) -> TaskConnection:
    """A page of all tasks matching the filter."""
    today = info.context.today()
    task_set = TaskSet(
        conditions=[*task_filter_conditions(flt), *whole_task_state(flt, today)],
        scope=info.context.scope,
        today=today,
    )
    page = await paginate(
        info.context.db,
        task_set.statement(),
        task_order(order_by),
        Task.from_row,
        first=first,
        after=after,
        digest=list_digest(info),
        cls=TaskConnection,
        task_set=task_set,
    )
    assert isinstance(page, TaskConnection)
    return page


async def unit_task_connection(
    info: Info,
    unit: uuid.UUID,
    flt: TaskFilter | None,
    *,
    role: enums.RoleScope,
    include_descendants: bool,
    first: int | None,
    after: str | None,
    order_by: list[TaskOrder] | None = None,
) -> TaskConnection:
    """OrgUnit.tasks: one windowed statement for every unit of the level asking alike."""
    scope = info.context.scope
    today = info.context.today()
    conditions = [*task_filter_conditions(flt), task_visible(scope)]
    order: list[OrderKey] = task_order(order_by)

    def statement(units: list[Any]) -> sa.Select[Any]:
        scope = unit_scope(units, include_descendants).cte("unit_scope")
        pairs = tasks_of_units(scope, role, None).subquery()
        judged = shares_state(
            flt, units=scope, role=role, root=pairs.c.root_id, task=pairs.c.task_id, today=today
        )
        return (
            sa.select(task_t, pairs.c.root_id.label("_parent"))
            .select_from(pairs.join(task_t, task_t.c.id == pairs.c.task_id))
            .where(*conditions, *judged)
        )

    loader = page_loader(
        info,
        (
            "TasksByUnit",
            role,
            include_descendants,
            filter_key(flt),
            tuple(order_by or ()),
        ),
        statement,
        order,
        Task.from_row,
        first=first,
        after=after,
        cls=TaskConnection,
        extra=lambda parent: {
            "task_set": TaskSet(
                conditions,
                unit=parent,
                role=role,
                include_descendants=include_descendants,
                scope=scope,
                flt=flt,
                today=today,
            )
        },
    )
    connection: TaskConnection = await loader.load(unit)
    return connection
