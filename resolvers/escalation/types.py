"""GraphQL type Escalation (督办)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import sqlalchemy as sa
import strawberry
from aiodataloader import DataLoader
from sqlalchemy.engine import RowMapping

from models import Escalation as EscalationModel
from models import EscalationReply as EscalationReplyModel
from models import enums
from models.rules import calendar, escalation_state
from resolvers.common import Info, global_id
from resolvers.database import Database
from resolvers.loaders import RowsByKeyLoader
from resolvers.org_unit.types import OrgUnit
from resolvers.scope import EVERYTHING, Scope, internal_hidden, visibility

if TYPE_CHECKING:
    from resolvers.inspection.types import Rectification
    from resolvers.task.types import Task

escalation_t: sa.Table = EscalationModel.__table__  # type: ignore[attr-defined]
reply_t: sa.Table = EscalationReplyModel.__table__  # type: ignore[attr-defined]
MAX_REPLIES = 50


@strawberry.type(description="The addressed unit's answer to an escalation (回复).")
class EscalationReply:
    kind: enums.EscalationReplyKind = strawberry.field(
        description="情况说明 (EXPLANATION) or 整改承诺 (COMMITMENT)."
    )
    text: str = strawberry.field(description="The answer.")
    promised_by: date | None = strawberry.field(
        description="A commitment's promised date (整改时限)."
    )
    replied_at: datetime = strawberry.field(description="When.")
    replier: strawberry.Private[str | None]
    unit_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> EscalationReply:
        """From an `escalation_reply` row."""
        return cls(
            kind=enums.EscalationReplyKind(row["kind"]),
            text=row["text"],
            promised_by=row["promised_by"],
            replied_at=row["replied_at"],
            replier=row["replied_by"],
            unit_id=row["replied_by_unit_id"],
        )

    @strawberry.field(description="Who replied (internal: null for sharing partners).")
    def replied_by(self, info: Info) -> str | None:
        return None if internal_hidden(info) else self.replier

    @strawberry.field(description="The replying unit.")
    async def unit(self, info: Info) -> OrgUnit | None:
        if self.unit_id is None:
            return None
        row = await info.context.loaders.org_unit_by_id.load(self.unit_id)
        return OrgUnit.from_row(row) if row else None


@strawberry.type(description="A superior's escalation to a unit: 提醒, 催办, 预警函, 约谈, 通报.")
class Escalation:
    row_id: strawberry.Private[uuid.UUID]
    level: enums.EscalationLevel = strawberry.field(description="Rung of the ladder.")
    issued_on: date = strawberry.field(description="Date issued.")
    reason: str | None = strawberry.field(description="Why.")
    status: enums.EscalationStatus = strawberry.field(
        description="Where it stands in the addressee's inbox (督办件): ISSUED, ACKNOWLEDGED"
        " (签收), REPLIED (回复), CLOSED (办结)."
    )
    acknowledged_at: datetime | None = strawberry.field(description="When it was signed for.")
    closed_at: datetime | None = strawberry.field(description="When the issuer closed it.")
    closing_note: str | None = strawberry.field(description="The issuer's note on closing.")
    version: int = strawberry.field(description="Row version for expectedVersion.")
    cause: enums.EscalationCause | None = strawberry.field(
        default=None,
        description=(
            "Why it was issued: MANUAL (督办 by hand), OVERDUE (逾期, the ladder of `govgraph"
            " escalate-overdue`), UNSIGNED (逾期未签收: a share nobody signed for in time, urged"
            " once per share); null for escalations issued before causes were recorded."
        ),
    )
    issued_by_id: strawberry.Private[uuid.UUID]
    addressed_to_id: strawberry.Private[uuid.UUID]
    task_id: strawberry.Private[uuid.UUID | None]
    rectification_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> Escalation:
        """From an `escalation` row."""
        return cls(
            row_id=row["id"],
            level=enums.EscalationLevel(row["level"]),
            issued_on=row["issued_on"],
            reason=row["reason"],
            status=enums.EscalationStatus(row["status"]),
            acknowledged_at=row["acknowledged_at"],
            closed_at=row["closed_at"],
            closing_note=row["closing_note"],
            version=row["version"],
            issued_by_id=row["issued_by_id"],
            addressed_to_id=row["addressed_to_id"],
            cause=enums.EscalationCause(row["cause"]) if row.get("cause") else None,
            task_id=row["task_id"],
            rectification_id=row["rectification_id"],
        )

    @strawberry.field(description="Global id (the inbox's mutations take it).")
    def id(self) -> strawberry.ID:
        return global_id("Escalation", self.row_id)

    @strawberry.field(
        description=f"The addressee's replies, oldest first (the last {MAX_REPLIES})."
    )
    async def replies(self, info: Info) -> list[EscalationReply]:
        loaders = info.context.loaders
        loader = loaders.get(
            "EscalationRepliesByEscalation",
            lambda: RowsByKeyLoader(
                loaders.db,
                sa.select(reply_t).where(visibility(loaders.scope, reply_t)),
                reply_t.c.escalation_id,
                [reply_t.c.replied_at, reply_t.c.id],
            ),
        )
        rows = await loader.load(self.row_id)
        return [EscalationReply.from_row(r) for r in rows[-MAX_REPLIES:]]

    @strawberry.field(description="The issuing (superior) unit.")
    async def issued_by(self, info: Info) -> OrgUnit:
        return OrgUnit.from_row(await info.context.loaders.org_unit_by_id.get(self.issued_by_id))

    @strawberry.field(description="The unit escalated to.")
    async def addressed_to(self, info: Info) -> OrgUnit:
        return OrgUnit.from_row(await info.context.loaders.org_unit_by_id.get(self.addressed_to_id))

    @strawberry.field(
        description="The task it is about (督办 of a task's share); null for a rectification"
        " item's, or when the task is not visible."
    )
    async def task(
        self, info: Info
    ) -> Annotated[Task, strawberry.lazy("resolvers.task.types")] | None:
        from resolvers.task.types import Task

        if self.task_id is None:
            return None
        row = await info.context.loaders.task_by_id.load(self.task_id)
        return Task.from_row(row) if row else None

    @strawberry.field(
        description="The rectification item (整改事项) it is about; null for a task's, or when"
        " the item is not visible."
    )
    async def rectification(
        self, info: Info
    ) -> Annotated[Rectification, strawberry.lazy("resolvers.inspection.types")] | None:
        from resolvers.inspection.types import Rectification

        if self.rectification_id is None:
            return None
        row = await info.context.loaders.rectification_by_id.load(self.rectification_id)
        return Rectification.from_row(row) if row else None

    @strawberry.field(
        description="Where it stood in the inbox as of the date (end of day): the furthest move"
        " made by then (CLOSED, REPLIED, ACKNOWLEDGED, else ISSUED); null when it was issued"
        " after that day. Today and later: `status`."
    )
    async def status_as_of(self, info: Info, as_of: date) -> enums.EscalationStatus | None:
        from resolvers.org_unit.types import check_as_of

        day = check_as_of(as_of)
        loader = info.context.loaders.get(
            ("EscalationStatusAsOf", day), lambda: EscalationStatusAsOfLoader(info, day)
        )
        result: enums.EscalationStatus | None = await loader.load(self.row_id)
        return result


class EscalationStatusAsOfLoader(DataLoader[uuid.UUID, enums.EscalationStatus | None]):
    """Escalation.statusAsOf for one day: one statement per batch (models/rules/
    escalation_state.py status_as_of)."""

    def __init__(self, info: Info, day: date) -> None:
        super().__init__(max_batch_size=500)
        self.db, self.day, self.today = info.context.db, day, info.context.today()

    async def batch_load_fn(self, keys: Any) -> list[enums.EscalationStatus | None]:
        cutoff = None if self.day >= self.today else calendar.end_of_day(self.day)
        rows = await self.db.fetch_all(
            sa.select(
                escalation_t.c.id, escalation_state.status_as_of(cutoff).label("state")
            ).where(escalation_t.c.id.in_(list(keys)), escalation_state.issued_by(self.day))
        )
        found = {row["id"]: enums.EscalationStatus(row["state"]) for row in rows}
        return [found.get(key) for key in keys]


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
