"""GraphQL type Escalation (督办)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
import strawberry
from aiodataloader import DataLoader
from sqlalchemy.engine import RowMapping

from models import Escalation as EscalationModel
from models import enums
from resolvers.common import Info
from resolvers.database import Database
from resolvers.org_unit.types import OrgUnit
from resolvers.scope import EVERYTHING, Scope, visibility

escalation_t: sa.Table = EscalationModel.__table__  # type: ignore[attr-defined]


@strawberry.type(description="A superior's escalation to a unit: 提醒, 催办, 预警函, 约谈, 通报.")
class Escalation:
    level: enums.EscalationLevel = strawberry.field(description="Rung of the ladder.")
    issued_on: date = strawberry.field(description="Date issued.")
    reason: str | None = strawberry.field(description="Why.")
    issued_by_id: strawberry.Private[uuid.UUID]
    addressed_to_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> Escalation:
        """From an `escalation` row."""
        return cls(
            level=enums.EscalationLevel(row["level"]),
            issued_on=row["issued_on"],
            reason=row["reason"],
            issued_by_id=row["issued_by_id"],
            addressed_to_id=row["addressed_to_id"],
        )

    @strawberry.field(description="The issuing (superior) unit.")
    async def issued_by(self, info: Info) -> OrgUnit:
        return OrgUnit.from_row(await info.context.loaders.org_unit_by_id.get(self.issued_by_id))

    @strawberry.field(description="The unit escalated to.")
    async def addressed_to(self, info: Info) -> OrgUnit:
        return OrgUnit.from_row(await info.context.loaders.org_unit_by_id.get(self.addressed_to_id))


class EscalationsByLoader(DataLoader[Any, list[RowMapping]]):
    """Escalations per task or rectification, newest first: one statement per batch."""

    def __init__(self, db: Database, column: str, scope: Scope = EVERYTHING) -> None:
        super().__init__(max_batch_size=500)
        self.db, self.column, self.scope = db, column, scope

    async def batch_load_fn(self, keys: Any) -> list[list[RowMapping]]:
        col = escalation_t.c[self.column]
        rows = await self.db.fetch_all(
            sa.select(escalation_t)
            .where(col.in_(list(keys)), visibility(self.scope, escalation_t))
            .order_by(escalation_t.c.issued_on.desc(), escalation_t.c.created_at.desc())
        )
        grouped: dict[Any, list[RowMapping]] = {k: [] for k in keys}
        for row in rows:
            grouped[row[self.column]].append(row)
        return [grouped[k] for k in keys]


async def escalations_of(info: Info, column: str, key: uuid.UUID) -> list[Escalation]:
    """Task.escalations / Rectification.escalations, batched (bounded: the 200 newest)."""
    loader = info.context.loaders.get(
        ("EscalationsBy", column),
        lambda: EscalationsByLoader(info.context.db, column, info.context.scope),
    )
    rows = await loader.load(key)
    return [Escalation.from_row(r) for r in rows[:200]]
