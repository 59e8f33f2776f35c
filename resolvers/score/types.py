"""考核 GraphQL types: rubrics and their lines, a unit's score with its breakdown, rankings."""

from __future__ import annotations

import uuid
from datetime import date
from enum import Enum
from typing import Annotated, Any, ClassVar

import sqlalchemy as sa
import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from models import Escalation as EscalationModel
from models import OrgUnit as OrgUnitModel
from models import ProgressReport as ReportModel
from models import Rectification as RectificationModel
from models import RectificationAssignment as RectificationAssignmentModel
from models import ScoreRubric as RubricModel
from models import Task as TaskModel
from models import enums
from resolvers.common import Connection, Info, RowNode, paginate
from resolvers.escalation.types import Escalation
from resolvers.inspection.types import Rectification, RectificationShare
from resolvers.org_unit.types import OrgUnit
from resolvers.score import service
from resolvers.task.report import ProgressReport
from resolvers.task.types import Task


@strawberry.type(description="One line of a 考核 rubric: what it scores and how many points.")
class ScoreRule:
    seq: int = strawberry.field(description="Place in the rubric (1, 2, …).")
    kind: enums.ScoreRuleKind = strawberry.field(description="What the line counts.")
    level: enums.EscalationLevel | None = strawberry.field(
        description="ESCALATION lines: the rung counted (null: any)."
    )
    points: float = strawberry.field(
        description="Points per counted item (per day for OVERDUE_DAY); negative: a deduction."
    )
    cap: float | None = strawberry.field(description="Bound on one item's points (absolute).")
    description: str = strawberry.field(description="The line as the rubric words it.")
    row_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> ScoreRule:
        return cls(
            seq=row["seq"],
            kind=enums.ScoreRuleKind(row["kind"]),
            level=enums.EscalationLevel(row["level"]) if row["level"] else None,
            points=float(row["points"]),
            cap=None if row["cap"] is None else float(row["cap"]),
            description=row["description"],
            row_id=row["id"],
        )


async def _rules(info: Info, rubric_id: uuid.UUID) -> list[ScoreRule]:
    rows = await info.context.db.fetch_all(
        sa.select(service.rule_t)
        .where(service.rule_t.c.rubric_id == rubric_id)
        .order_by(service.rule_t.c.seq)
    )
    return [ScoreRule.from_row(r) for r in rows]


@strawberry.type(description="A 考核 rubric (考核细则): scoring lines as data.")
class ScoreRubric(RowNode, relay.Node):
    ROW_MODEL: ClassVar[Any] = RubricModel
    id: relay.NodeID[str]
    name: str = strawberry.field(description="Name, unique.")
    description: str | None = strawberry.field(description="What it assesses.")
    version: int = strawberry.field(description="Row version for expectedVersion.")
    owner_unit_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> ScoreRubric:
        return cls(
            id=str(row["id"]),
            name=row["name"],
            description=row["description"],
            version=row["version"],
            owner_unit_id=row["owner_unit_id"],
        )

    @strawberry.field(description="The unit that assesses with it (null: shared).")
    async def owner(self, info: Info) -> OrgUnit | None:
        if self.owner_unit_id is None:
            return None
        row = await info.context.loaders.org_unit_by_id.load(self.owner_unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="Its lines, in order.")
    async def rules(self, info: Info) -> list[ScoreRule]:
        return await _rules(info, uuid.UUID(self.id))


@strawberry.enum(description="What a scored item is.")
class ScoreItemKind(Enum):
    SHARE = strawberry.enum_value("SHARE", description="A unit's LEAD share of a task.")
    ESCALATION = strawberry.enum_value(
        "ESCALATION", description="An escalation addressed to the unit."
    )
    REPORT = strawberry.enum_value("REPORT", description="A progress report returned on review.")
    RECTIFICATION = strawberry.enum_value(
        "RECTIFICATION",
        description="A unit's own LEAD share of a rectification item (整改事项的份额).",
    )


@strawberry.type(
    description=(
        "One item a rubric line scores: a task share, a rectification share, an escalation or"
        " a returned report."
    )
)
class ScoreItem:
    seq: int = strawberry.field(description="The rubric line (ScoreRule.seq).")
    kind: ScoreItemKind = strawberry.field(
        description="Task share, rectification share, escalation or returned report."
    )
    days_late: int = strawberry.field(description="Days late (shares; 0 when on time).")
    points: float = strawberry.field(description="Its points under the line.")
    unit_id: strawberry.Private[uuid.UUID]
    task_id: strawberry.Private[uuid.UUID | None]
    escalation_id: strawberry.Private[uuid.UUID | None]
    report_id: strawberry.Private[uuid.UUID | None]
    rectification_id: strawberry.Private[uuid.UUID | None]
    share_id: strawberry.Private[uuid.UUID | None]
    key: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: RowMapping) -> ScoreItem:
        return cls(
            seq=row["seq"],
            kind=ScoreItemKind(row["item"]),
            days_late=int(row["days_late"]),
            points=float(row["points"]),
            unit_id=row["unit_id"],
            task_id=row["task_id"],
            escalation_id=row["escalation_id"],
            report_id=row["report_id"],
            rectification_id=row["rectification_id"],
            share_id=row["share_id"],
            key=str(row["item_key"]),
        )

    @strawberry.field(description="The unit whose share or inbox it is.")
    async def unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.org_unit_by_id.load(self.unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="The task (of a share, or the escalation's task).")
    async def task(self, info: Info) -> Task | None:
        if self.task_id is None:
            return None
        row = await info.context.loaders.by_id(TaskModel).load(self.task_id)
        return Task.from_row(row) if row else None

    @strawberry.field(
        description=(
            "The rectification item (RECTIFICATION items: the unit's share of it; ESCALATION"
            " items about an item)."
        )
    )
    async def rectification(self, info: Info) -> Rectification | None:
        if self.rectification_id is None:
            return None
        row = await info.context.loaders.by_id(RectificationModel).load(self.rectification_id)
        return Rectification.from_row(row) if row else None

    @strawberry.field(description="The unit's share of the item (RECTIFICATION items).")
    async def share(self, info: Info) -> RectificationShare | None:
        if self.share_id is None:
            return None
        row = await info.context.loaders.by_id(RectificationAssignmentModel).load(self.share_id)
        return RectificationShare.from_row(row) if row else None

    @strawberry.field(description="The escalation (ESCALATION items).")
    async def escalation(self, info: Info) -> Escalation | None:
        if self.escalation_id is None:
            return None
        row = await info.context.loaders.by_id(EscalationModel).load(self.escalation_id)
        return Escalation.from_row(row) if row else None

    @strawberry.field(description="The returned report (REPORT items), with its reason.")
    async def report(self, info: Info) -> ProgressReport | None:
        if self.report_id is None:
            return None
        row = await info.context.loaders.by_id(ReportModel).load(self.report_id)
        return ProgressReport.from_row(row) if row else None


@strawberry.type(description="A rubric line's part of a score: how many items, how many points.")
class ScoreLine:
    rule: ScoreRule = strawberry.field(description="The line.")
    count: int = strawberry.field(description="Items it scored.")
    points: float = strawberry.field(description="Their points (0 when none).")


@strawberry.type(description="A unit's 考核 score for a period as of a date, line by line.")
class UnitScore:
    unit: OrgUnit = strawberry.field(description="The unit scored.")
    rubric: ScoreRubric = strawberry.field(description="The rubric.")
    start: date = strawberry.field(name="from", description="First day of the period.")
    end: date = strawberry.field(name="to", description="Last day of the period.")
    as_of: date = strawberry.field(description="The day it is judged as of.")
    include_descendants: bool = strawberry.field(description="Units below counted too.")
    total: float = strawberry.field(description="Sum of the lines' points.")
    lines: list[ScoreLine] = strawberry.field(description="Every line of the rubric, in order.")

    @strawberry.field(description="The scored items, by line, then item: the breakdown.")
    async def items(
        self,
        info: Info,
        seq: Annotated[
            int | None, strawberry.argument(description="Only this line (ScoreRule.seq).")
        ] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ScoreItem]:
        items = service.items_statement(
            info.context.db.dialect,
            uuid.UUID(self.rubric.id),
            [self.unit.row_id],
            self.include_descendants,
            service.Period(self.start, self.end, self.as_of),
        ).subquery("scored")
        key = sa.func.coalesce(
            items.c.escalation_id, items.c.report_id, items.c.assignment_id, items.c.share_id
        )
        statement = sa.select(items, key.label("item_key"))
        if seq is not None:
            statement = statement.where(items.c.seq == seq)
        await service.prepare(await info.context.db.connection())
        return await paginate(
            info, statement, [items.c.seq, key], ScoreItem.from_row, first=first, after=after
        )


@strawberry.type(description="A unit's place in a 考核 ranking.")
class ScoreRankingEntry:
    rank: int = strawberry.field(description="Place; ties share it and the next one skips.")
    unit: OrgUnit = strawberry.field(description="The unit.")
    total: float = strawberry.field(description="Its score.")


unit_t: sa.Table = OrgUnitModel.__table__  # type: ignore[attr-defined]
