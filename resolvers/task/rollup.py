"""GraphQL TaskRollup and the loaders that batch rollups of many units or plans."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable, Hashable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
import strawberry
from aiodataloader import DataLoader
from sqlalchemy.engine import RowMapping

from models import enums
from models.rules.task_state import task_existed
from resolvers.common import Info
from resolvers.database import Database
from resolvers.rollups.maintained import (
    buckets_answer,
    maintained_rollup_in_subtree,
    maintained_rollup_statement,
)
from resolvers.rollups.task import (
    HealthCounts,
    RollupCounts,
    counts_from_row,
    end_of_day,
    health_counts_from_row,
    health_statement,
    rollup_statement,
    tasks_of_plans,
    tasks_of_units,
    unit_scope,
)
from resolvers.scope import EVERYTHING, Scope, task_visible
from resolvers.task.filters import (
    assignment_t,
    shares_state,
    state_tests,
    task_filter_conditions,
    whole_task_state,
)
from resolvers.task.types import TaskFilter


@strawberry.type(description="Task counts and progress of a scope, as of a date (DESIGN.md).")
class TaskRollup:
    as_of: date = strawberry.field(description="The day evaluated (end of day, Asia/Shanghai).")
    total: int = strawberry.field(description="Tasks in scope, each counted once.")
    completed: int = strawberry.field(description="All in-scope leads completed.")
    in_progress: int = strawberry.field(description="Started, not completed.")
    not_started: int = strawberry.field(description="No in-scope lead has started.")
    overdue: int = strawberry.field(description="Not completed and the deadline ended before asOf.")
    due_soon: int = strawberry.field(description="Not completed, due within 14 days after asOf.")
    ongoing: int = strawberry.field(description="长期坚持: never overdue, not rated.")
    completion_rate: float | None = strawberry.field(
        description="Completed / (total − ongoing); null when nothing is rated."
    )
    weighted_progress: float | None = strawberry.field(
        description="Σ weight·progress / Σ weight over non-ongoing tasks (percent)."
    )
    # The light counts, computed when asked for (one grouped SELECT per batch of scopes).
    # Not part of the rollup's value: subscriptions compare rollups (resolvers/subscriptions.py).
    health_source: strawberry.Private[Callable[[], Awaitable[HealthCounts]] | None] = (
        dataclasses.field(default=None, compare=False)
    )

    async def _health(self) -> HealthCounts:
        return HealthCounts() if self.health_source is None else await self.health_source()

    @strawberry.field(
        description=(
            "Tasks whose light (亮灯, Task.health) is GREEN as of asOf: on track, completed or"
            " 长期坚持. green + yellow + red = total."
        )
    )
    async def green(self) -> int:
        return (await self._health()).green

    @strawberry.field(
        description=(
            "Tasks whose light is YELLOW: behind 序时进度 by more than the plan's tolerance, or"
            " due within 14 days (dueSoon)."
        )
    )
    async def yellow(self) -> int:
        return (await self._health()).yellow

    @strawberry.field(description="Tasks whose light is RED: overdue as of asOf (= overdue).")
    async def red(self) -> int:
        return (await self._health()).red

    @classmethod
    def from_counts(
        cls,
        counts: RollupCounts,
        health: Callable[[], Awaitable[HealthCounts]] | None = None,
    ) -> TaskRollup:
        """From the SQL aggregate (and how to count its lights)."""
        return cls(
            health_source=health,
            as_of=counts.as_of,
            total=counts.total,
            completed=counts.completed,
            in_progress=counts.in_progress,
            not_started=counts.not_started,
            overdue=counts.overdue,
            due_soon=counts.due_soon,
            ongoing=counts.ongoing,
            completion_rate=counts.completion_rate,
            weighted_progress=counts.weighted_progress,
        )


def filter_key(flt: TaskFilter | None) -> Hashable:
    """A hashable key for a TaskFilter, so equal filters share a loader."""
    return None if flt is None else repr(sorted(dataclasses.asdict(flt).items()))


class TaskRollupLoader(DataLoader[Hashable, RollupCounts]):
    """Rollups of many roots (units or plans) with the same arguments: one statement a batch."""

    def __init__(
        self,
        db: Database,
        *,
        kind: str,
        as_of: date,
        current: bool,
        include_descendants: bool = True,
        role: enums.RoleScope = enums.RoleScope.LEAD,
        flt: TaskFilter | None = None,
        scope: Scope = EVERYTHING,
        today: date,
    ) -> None:
        super().__init__(max_batch_size=500)
        self.db, self.kind, self.as_of, self.current = db, kind, as_of, current
        self.include_descendants, self.role = include_descendants, role
        filtered = task_filter_conditions(flt)
        self.flt, self.today = flt, today
        self.conditions = [*filtered, task_visible(scope)]
        self.scope = scope
        self.maintained = kind == "unit" and buckets_answer(
            current=current,
            include_descendants=include_descendants,
            role=role,
            filtered=bool(filtered) or bool(state_tests(flt, today)),
        )

    async def batch_load_fn(self, roots: Sequence[Hashable]) -> list[RollupCounts]:
        rows: dict[Any, Any] = {}
        live = list(roots)
        if self.maintained:
            rows = {row["root_id"]: row for row in await self._maintained(live)}
            if self.scope.root is not None:
                # Roots outside the viewer's subtree (its ancestors) count visible tasks only.
                live = [root for root in roots if root not in rows]
            else:
                live = []
        if live:
            rows |= {row["root_id"]: row for row in await self._live(live)}
        return [counts_from_row(rows.get(root), self.as_of) for root in roots]

    async def _maintained(self, roots: list[Any]) -> Sequence[RowMapping]:
        """Rows of the roots the buckets answer for (all, or those in the viewer's subtree)."""
        if self.scope.root is None:
            return await self.db.fetch_all(
                maintained_rollup_statement(roots, self.as_of, current=self.current)
            )
        return await self.db.fetch_all(
            maintained_rollup_in_subtree(roots, self.as_of, self.scope.root, current=self.current)
        )

    async def _live(
        self, roots: list[Any], build: Callable[..., sa.Select[Any]] = rollup_statement
    ) -> Sequence[RowMapping]:
        """The aggregation over assignments (and the status history for past dates);
        `build`: rollup_statement, or health_statement for the lights."""
        cutoff = None if self.current else end_of_day(self.as_of)
        units: sa.CTE | None = None
        if self.kind == "unit":
            units = unit_scope(roots, self.include_descendants).cte("unit_scope")
            scoped = tasks_of_units(units, self.role, cutoff).where(
                *shares_state(
                    self.flt,
                    units=units,
                    role=self.role,
                    root=units.c.root_id,
                    task=assignment_t.c.task_id,
                    today=self.today,
                )
            )
        else:
            scoped = tasks_of_plans(roots, cutoff).where(*whole_task_state(self.flt, self.today))
        stmt = build(
            scoped, as_of=self.as_of, current=self.current, units=units, conditions=self.conditions
        )
        return await self.db.fetch_all(stmt)


class HealthRollupLoader(DataLoader[Hashable, HealthCounts]):
    """The light counts (亮灯) of many roots with the same arguments: one statement a batch,
    always live (the maintained buckets hold no lights)."""

    def __init__(self, counts: TaskRollupLoader) -> None:
        super().__init__(max_batch_size=500)
        self.counts = counts

    async def batch_load_fn(self, roots: Sequence[Hashable]) -> list[HealthCounts]:
        rows = {
            row["root_id"]: row for row in await self.counts._live(list(roots), health_statement)
        }
        return [health_counts_from_row(rows.get(root)) for root in roots]


def health_of(info: Info, key: Hashable, counts: TaskRollupLoader, root: Any) -> Any:
    """How a rollup of `root` counts its lights: the request's HealthRollupLoader for `key`."""
    loader = info.context.loaders.get(("Health", key), lambda: HealthRollupLoader(counts))

    async def load() -> HealthCounts:
        result: HealthCounts = await loader.load(root)
        return result

    return load


def resolve_as_of(info: Info, as_of: date | None) -> tuple[date, bool]:
    """The asOf date (default today, Asia/Shanghai) and whether it is today or later."""
    today = info.context.today()
    day = as_of or today
    return day, day >= today


async def unit_task_rollup(
    info: Info,
    unit: uuid.UUID,
    *,
    as_of: date | None,
    include_descendants: bool,
    role: enums.RoleScope,
    flt: TaskFilter | None,
) -> TaskRollup:
    """OrgUnit.taskRollup, batched over every unit asking with the same arguments."""
    day, current = resolve_as_of(info, as_of)
    key = ("TaskRollupByUnit", day, current, include_descendants, role, filter_key(flt))
    loader = info.context.loaders.get(
        key,
        lambda: TaskRollupLoader(
            info.context.db,
            kind="unit",
            as_of=day,
            current=current,
            include_descendants=include_descendants,
            role=role,
            flt=flt,
            scope=info.context.scope,
            today=info.context.today(),
        ),
    )
    return TaskRollup.from_counts(await loader.load(unit), health_of(info, key, loader, unit))


async def plan_task_rollup(
    info: Info, plan: uuid.UUID, *, as_of: date | None, flt: TaskFilter | None = None
) -> TaskRollup:
    """Plan.taskRollup, batched over every plan asking with the same arguments."""
    day, current = resolve_as_of(info, as_of)
    key = ("TaskRollupByPlan", day, current, filter_key(flt))
    loader = info.context.loaders.get(
        key,
        lambda: TaskRollupLoader(
            info.context.db,
            kind="plan",
            as_of=day,
            current=current,
            flt=flt,
            scope=info.context.scope,
            today=info.context.today(),
        ),
    )
    return TaskRollup.from_counts(await loader.load(plan), health_of(info, key, loader, plan))


async def set_task_rollup(
    info: Info, task_ids: sa.Select[Any], *, as_of: date | None
) -> TaskRollup:
    """The rollup of an arbitrary set of tasks (a connection's filtered set)."""
    day, current = resolve_as_of(info, as_of)
    ids = task_ids.subquery()
    cutoff = None if current else end_of_day(day)
    scoped = sa.select(sa.literal(0).label("root_id"), ids.c.id.label("task_id")).where(
        task_existed(ids.c.id, cutoff)  # a task counts from its first share's event
    )
    row = await info.context.db.fetch_one(rollup_statement(scoped, as_of=day, current=current))

    async def health() -> HealthCounts:
        found = await info.context.db.fetch_one(
            health_statement(scoped, as_of=day, current=current)
        )
        return health_counts_from_row(found)

    return TaskRollup.from_counts(counts_from_row(row, day), health)
