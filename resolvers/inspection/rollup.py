"""GraphQL RectificationRollup and its batching loader."""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Sequence
from datetime import date

import strawberry
from aiodataloader import DataLoader

from resolvers.common import Info
from resolvers.database import Database
from resolvers.rollups.rectification import (
    RectificationCounts,
    counts_from_row,
    rect_t,
    rectification_rollup_statement,
)
from resolvers.scope import EVERYTHING, Scope, visibility
from resolvers.task.rollup import resolve_as_of


@strawberry.type(description="Rectification counts per workflow state of a scope, as of a date.")
class RectificationRollup:
    as_of: date = strawberry.field(description="The day evaluated (end of day, Asia/Shanghai).")
    total: int = strawberry.field(description="Items in scope, each counted once.")
    not_started: int = strawberry.field(description="NOT_STARTED.")
    in_progress: int = strawberry.field(description="IN_PROGRESS.")
    completed: int = strawberry.field(description="COMPLETED, awaiting verification.")
    verified: int = strawberry.field(description="VERIFIED, awaiting close-out.")
    closed: int = strawberry.field(description="CLOSED (销号).")
    reopened: int = strawberry.field(description="REOPENED.")
    overdue: int = strawberry.field(description="Not completed and the deadline has passed.")
    due_soon: int = strawberry.field(description="Not completed, due within 14 days.")
    ongoing: int = strawberry.field(description="长期坚持: never overdue, not rated.")
    completion_rate: float | None = strawberry.field(
        description="(completed + verified + closed) / (total − ongoing)."
    )
    green: int = strawberry.field(
        description=(
            "Items whose light (亮灯, Rectification.health) on their state in scope is GREEN as"
            " of asOf: done, 长期坚持, no deadline end or not due within 14 days."
            " green + yellow + red = total."
        )
    )
    yellow: int = strawberry.field(
        description="Items whose light is YELLOW: not done in scope, due within 14 days (dueSoon)."
    )
    red: int = strawberry.field(
        description="Items whose light is RED: overdue as of asOf in scope (= overdue)."
    )

    @classmethod
    def from_counts(cls, c: RectificationCounts) -> RectificationRollup:
        """From the SQL aggregate."""
        return cls(
            as_of=c.as_of,
            total=c.total,
            not_started=c.not_started,
            in_progress=c.in_progress,
            completed=c.completed,
            verified=c.verified,
            closed=c.closed,
            reopened=c.reopened,
            overdue=c.overdue,
            due_soon=c.due_soon,
            ongoing=c.ongoing,
            completion_rate=c.completion_rate,
            green=c.green,
            yellow=c.yellow,
            red=c.red,
        )


class RectificationRollupLoader(DataLoader[Hashable, RectificationCounts]):
    """Rollups of many units with the same arguments: one statement per batch."""

    def __init__(
        self,
        db: Database,
        *,
        as_of: date,
        current: bool,
        include_descendants: bool,
        scope: Scope = EVERYTHING,
    ) -> None:
        super().__init__(max_batch_size=500)
        self.db, self.as_of, self.current = db, as_of, current
        self.include_descendants, self.scope = include_descendants, scope

    async def batch_load_fn(self, roots: Sequence[Hashable]) -> list[RectificationCounts]:
        stmt = rectification_rollup_statement(
            list(roots),
            include_descendants=self.include_descendants,
            as_of=self.as_of,
            current=self.current,
            visible=visibility(self.scope, rect_t),
        )
        rows = {row["root_id"]: row for row in await self.db.fetch_all(stmt)}
        return [counts_from_row(rows.get(root), self.as_of) for root in roots]


async def unit_rectification_rollup(
    info: Info, unit: uuid.UUID, *, as_of: date | None, include_descendants: bool
) -> RectificationRollup:
    """OrgUnit.rectificationRollup, batched over the units of a level."""
    day, current = resolve_as_of(info, as_of)
    loader = info.context.loaders.get(
        ("RectificationRollupByUnit", day, current, include_descendants),
        lambda: RectificationRollupLoader(
            info.context.db,
            as_of=day,
            current=current,
            include_descendants=include_descendants,
            scope=info.context.scope,
        ),
    )
    return RectificationRollup.from_counts(await loader.load(unit))
