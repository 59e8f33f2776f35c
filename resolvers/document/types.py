"""GraphQL types Document (文件) and Plan (行动计划)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, ClassVar

import sqlalchemy as sa
import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from models import Document as DocumentModel
from models import Plan as PlanModel
from models import enums
from resolvers import fields
from resolvers.common import Info, RowNode
from resolvers.document.facts import ReportedFact, facts_of_document
from resolvers.document.measures import PlanMeasure, plan_measures
from resolvers.org_unit.types import OrgUnit
from resolvers.pagination import page_loader
from resolvers.scope import task_visible
from resolvers.task.connection import TaskConnection, TaskSet
from resolvers.task.filters import task_filter_conditions, task_t, whole_task_state
from resolvers.task.order import TaskOrder, task_order
from resolvers.task.rollup import TaskRollup, filter_key, plan_task_rollup
from resolvers.task.types import Task, TaskFilter


@strawberry.type(description="A source document with its 文号.")
class Document(RowNode, relay.Node):
    ROW_MODEL: ClassVar[Any] = DocumentModel
    id: relay.NodeID[str]
    doc_number: str | None = strawberry.field(description="文号, e.g. 城政办发〔2023〕20号.")
    title: str = strawberry.field(description="Title.")
    kind: enums.DocumentKind = strawberry.field(description="Kind of document.")
    issued_on: date | None = strawberry.field(description="Date of issue.")
    based_on: str | None = strawberry.field(description="The superior document it implements.")
    summary: str | None = strawberry.field(description="Summary.")
    remarks: str | None = strawberry.field(description="Remarks (e.g. 征求意见稿).")
    issuer_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> Document:
        """From a `document` row."""
        return cls(
            id=str(row["id"]),
            **fields.from_row(fields.DOCUMENT, row),
            issuer_id=row["issuer_id"],
        )

    @strawberry.field(description="The issuing unit.")
    async def issuer(self, info: Info) -> OrgUnit | None:
        if self.issuer_id is None:
            return None
        row = await info.context.loaders.org_unit_by_id.load(self.issuer_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="Plans in the document, in document order.")
    async def plans(self, info: Info) -> list[Plan]:
        rows = await info.context.loaders.plans_by_document.load(uuid.UUID(self.id))
        return [Plan.from_row(r) for r in rows]

    @strawberry.field(
        description="What the document reports about units (news figures), in document order."
    )
    async def reported_facts(self, info: Info) -> list[ReportedFact]:
        return await facts_of_document(info, uuid.UUID(self.id))


@strawberry.type(description="A plan inside a document (行动计划 / 方案 / 重点工程).")
class Plan(RowNode, relay.Node):
    ROW_MODEL: ClassVar[Any] = PlanModel
    id: relay.NodeID[str]
    title: str = strawberry.field(description="Title.")
    kind: enums.PlanKind = strawberry.field(description="Action plan or project list.")
    field: enums.PlanField = strawberry.field(description="Field: AIR, WATER, SOIL …")
    year: int | None = strawberry.field(description="Year the plan covers.")
    label_stem: str = strawberry.field(
        description="Its tasks' labels before the kind mark and 序号 (2023大气; 2023城区大气 when"
        " another document's plan of the year, field and kind came first); fixed when created."
    )
    objectives: str | None = strawberry.field(description="主要目标, as written.")
    source: str | None = strawberry.field(description="Where in the document the tasks are.")
    report_review: enums.ReportReviewPolicy = strawberry.field(
        description=(
            "Which progress reports of its tasks the supervising unit reviews (审核) before"
            " they count: NONE (every report counts when made), FINAL (a report of COMPLETED"
            " counts once accepted), ALL (every report counts once accepted)."
        )
    )
    version: int = strawberry.field(description="Row version for expectedVersion.")
    document_id: strawberry.Private[uuid.UUID]
    parent_id: strawberry.Private[uuid.UUID | None]
    health_tolerance: float = strawberry.field(
        description=(
            "亮灯: points below the pro-rata expected progress (序时进度) a task still shows"
            " green (default 10)."
        ),
    )
    sign_within_days: int = strawberry.field(
        description="签收: calendar days a unit has to sign for a new share (default 3).",
    )

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> Plan:
        """From a `plan` row (a row a writer built lacks the server-defaulted columns)."""
        row = {"health_tolerance": 10.0, "sign_within_days": 3, **row}
        return cls(
            id=str(row["id"]),
            **fields.from_row(fields.PLAN, row),
            document_id=row["document_id"],
            parent_id=row["parent_id"],
        )

    @strawberry.field(description="The document the plan is in.")
    async def document(self, info: Info) -> Document:
        return Document.from_row(await info.context.loaders.document_by_id.get(self.document_id))

    @strawberry.field(description="The plan this one is an annex of (e.g. key projects).")
    async def parent(self, info: Info) -> Plan | None:
        if self.parent_id is None:
            return None
        row = await info.context.loaders.plan_by_id.load(self.parent_id)
        return Plan.from_row(row) if row else None

    @strawberry.field(description="The plan's top-level tasks, by 序号 unless ordered.")
    async def tasks(
        self,
        info: Info,
        filter: TaskFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        order_by: list[TaskOrder] | None = None,
    ) -> TaskConnection:
        conditions = [
            *task_filter_conditions(filter),
            *whole_task_state(filter, info.context.today()),
            task_visible(info.context.scope),
        ]

        def statement(plans: list[Any]) -> sa.Select[Any]:
            return sa.select(task_t, task_t.c.plan_id.label("_parent")).where(
                task_t.c.plan_id.in_(plans), task_t.c.parent_id.is_(None), *conditions
            )

        def task_set(plan: Any) -> dict[str, Any]:
            return {
                "task_set": TaskSet(
                    [*conditions, task_t.c.plan_id == plan, task_t.c.parent_id.is_(None)],
                    scope=info.context.scope,
                    today=info.context.today(),
                )
            }

        loader = page_loader(
            info,
            ("TasksByPlan", filter_key(filter), tuple(order_by or ())),
            statement,
            task_order(order_by),
            Task.from_row,
            first=first,
            after=after,
            cls=TaskConnection,
            extra=task_set,
        )
        connection: TaskConnection = await loader.load(uuid.UUID(self.id))
        return connection

    @strawberry.field(
        description=(
            "The plan text's narrative measures (措施) with their responsible units, by number."
            " Not tasks: taskRollup does not count them."
        )
    )
    async def measures(self, info: Info) -> list[PlanMeasure]:
        return await plan_measures(info, uuid.UUID(self.id))

    @strawberry.field(
        description=(
            "Units designated supervisor of this plan: they see its tasks and their rollups"
            " without being above the tasks' units in the tree."
            " Dated (督办单位的任期): `asOf` gives those designated by the end of that day and"
            " not yet revoked then; default: the current ones (revokeSupervisor ends a"
            " supervision, the history stays)."
        )
    )
    async def supervisors(
        self,
        info: Info,
        as_of: Annotated[
            date | None,
            strawberry.argument(description="The day (end of day); default: today (current)."),
        ] = None,
    ) -> list[OrgUnit]:
        loader = info.context.loaders.supervisors_of("plan_id", as_of)
        rows = await loader.load(uuid.UUID(self.id))
        return [OrgUnit.from_row(r) for r in rows]

    @strawberry.field(description="Task counts and progress of the plan, as of a date.")
    async def task_rollup(
        self, info: Info, as_of: date | None = None, filter: TaskFilter | None = None
    ) -> TaskRollup:
        return await plan_task_rollup(info, uuid.UUID(self.id), as_of=as_of, flt=filter)
