"""GraphQL types Task (任务 / 台账行), Assignment and TaskFilter."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import sqlalchemy as sa
import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from models import Assignment as AssignmentModel
from models import Task as TaskModel
from models import TaskDeadlineChange as DeadlineChangeModel
from models import enums
from models.rules.labels import task_label
from resolvers import fields
from resolvers.common import Connection, Deadline, Info, RowNode
from resolvers.loaders import RowsByKeyLoader
from resolvers.org_unit.types import OrgUnit
from resolvers.scope import internal_hidden, visibility

if TYPE_CHECKING:
    from resolvers.comment.types import Comment
    from resolvers.document.types import Document, Plan
    from resolvers.escalation.types import Escalation
    from resolvers.extension.types import ExtensionRequest
    from resolvers.task.report import ProgressReport


def _deadline(row: RowMapping, side: str) -> Deadline:
    """The `previous` or `new` deadline of a deadline change row."""
    return Deadline(
        kind=enums.DeadlineKind(row[f"{side}_kind"]),
        start=row[f"{side}_start"],
        end=row[f"{side}_end"],
        text=row[f"{side}_text"],
    )


@strawberry.type(description="A change of a task's deadline: who, when, why, from what to what.")
class DeadlineChange:
    deadline: Deadline = strawberry.field(description="The deadline from this change on.")
    previous: Deadline = strawberry.field(description="The deadline it replaced.")
    changed_at: datetime = strawberry.field(description="When (in force from this moment).")
    reason: str | None = strawberry.field(description="Why (updateTask's deadlineChangeReason).")
    changer: strawberry.Private[str | None]
    changed_by_unit_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: RowMapping) -> DeadlineChange:
        """From a `task_deadline_change` row."""
        return cls(
            deadline=_deadline(row, "new"),
            previous=_deadline(row, "previous"),
            changed_at=row["changed_at"],
            changer=row["changed_by"],
            reason=row["reason"],
            changed_by_unit_id=row["changed_by_unit_id"],
        )

    @strawberry.field(
        description="Who (token subject; internal: null for sharing partners, as reportedBy)."
    )
    def changed_by(self, info: Info) -> str | None:
        return None if internal_hidden(info) else self.changer

    @strawberry.field(description="The unit of whoever changed it.")
    async def changed_by_unit(self, info: Info) -> OrgUnit | None:
        if self.changed_by_unit_id is None:
            return None
        row = await info.context.loaders.org_unit_by_id.load(self.changed_by_unit_id)
        return OrgUnit.from_row(row) if row is not None else None


async def _deadline_changes(info: Info, task_id: uuid.UUID) -> list[RowMapping]:
    """The task's deadline changes, oldest first (visible with the task)."""
    loaders = info.context.loaders
    c: Any = DeadlineChangeModel.__table__  # type: ignore[attr-defined]
    loader = loaders.get(
        "DeadlineChangesByTask",
        lambda: RowsByKeyLoader(
            loaders.db,
            sa.select(c).where(visibility(loaders.scope, c)),
            c.c.task_id,
            [c.c.changed_at, c.c.id],
        ),
    )
    rows: list[RowMapping] = await loader.load(task_id)
    return rows


@strawberry.type(description="A unit's share of a task (牵头 or 配合), with its own state.")
class Assignment(RowNode, relay.Node):
    ROW_MODEL: ClassVar[Any] = AssignmentModel
    id: relay.NodeID[str]
    role: enums.RoleScope = strawberry.field(description="LEAD (牵头) or COOPERATING (配合).")
    status: enums.TaskStatus = strawberry.field(description="State of this share.")
    progress: float = strawberry.field(description="Percent complete, 0–100.")
    via_group: str | None = strawberry.field(
        description="The group reference it was expanded from, e.g. 各镇（街道）."
    )
    version: int = strawberry.field(description="Row version for expectedVersion.")
    acknowledged_at: datetime | None = strawberry.field(
        default=None,
        description="When the unit signed for its share (签收, signFor); null: not yet.",
    )
    task_id: strawberry.Private[uuid.UUID]
    org_unit_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> Assignment:
        """From an `assignment` row."""
        return cls(
            acknowledged_at=row.get("acknowledged_at"),
            id=str(row["id"]),
            role=enums.RoleScope(row["role"]),
            status=enums.TaskStatus(row["status"]),
            progress=row["progress"],
            via_group=row["via_group"],
            version=row["version"],
            task_id=row["task_id"],
            org_unit_id=row["org_unit_id"],
        )

    @strawberry.field(description="The responsible unit.")
    async def unit(self, info: Info) -> OrgUnit:
        row = await info.context.loaders.org_unit_by_id.get(self.org_unit_id)
        return OrgUnit.from_row(row)

    @strawberry.field(description="The task.")
    async def task(self, info: Info) -> Task:
        row = await info.context.loaders.task_by_id.get(self.task_id)
        return Task.from_row(row)

    @strawberry.field(
        description=(
            "This unit's own share is overdue as of the date (default today): not completed by"
            " then, not 长期坚持, the task's deadline ended before it. What escalations judge."
        )
    )
    async def overdue(self, info: Info, as_of: date | None = None) -> bool:
        from resolvers.task.overdue import share_overdue

        return await share_overdue(info, uuid.UUID(self.id), as_of)

    @strawberry.field(
        description=(
            "This unit's own share's light (亮灯) as of the date (default today), from its own"
            " state and progress (models/rules/health.py); null before the share existed."
        )
    )
    async def health(self, info: Info, as_of: date | None = None) -> enums.Health | None:
        from resolvers.task.health import share_health

        return await share_health(info, uuid.UUID(self.id), as_of)


@strawberry.type(description="One line of work (任务 / 措施 / 台账行).")
class Task(RowNode, relay.Node):
    ROW_MODEL: ClassVar[Any] = TaskModel
    id: relay.NodeID[str]
    code: str = strawberry.field(description="Stable code: document / plan / 序号.")
    seq: int = strawberry.field(description="序号 within the plan (or the parent task).")
    category: str | None = strawberry.field(description="任务类别.")
    title: str = strawberry.field(description="Short title.")
    description: str | None = strawberry.field(description="具体措施: the full measure text.")
    remarks: str | None = strawberry.field(description="备注.")
    responsibility_text: str | None = strawberry.field(
        description="The 牵头单位 / 责任单位 text exactly as the document writes it."
    )
    responsibility_unresolved: list[str] = strawberry.field(
        description=(
            "Group references naming only the units concerned (区直相关单位, 相关镇（街道）),"
            " as written: never expanded to every unit; leadUnits holds the units named."
        )
    )
    deadline: Deadline = strawberry.field(description="完成时限.")
    status: enums.TaskStatus = strawberry.field(
        description="Current state, derived from the LEAD assignments."
    )
    progress: float = strawberry.field(description="Mean percent of the LEAD assignments.")
    weight: float = strawberry.field(description="Weight in weighted progress (default 1).")
    version: int = strawberry.field(description="Row version for expectedVersion.")
    plan_id: strawberry.Private[uuid.UUID]
    document_id: strawberry.Private[uuid.UUID]
    parent_id: strawberry.Private[uuid.UUID | None]
    seq_path: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> Task:
        """From a `task` row."""
        return cls(
            id=str(row["id"]),
            **fields.from_row(fields.TASK, row),
            deadline=Deadline.from_row(row),
            plan_id=row["plan_id"],
            document_id=row["document_id"],
            parent_id=row["parent_id"],
            seq_path=row["seq_path"],
        )

    @strawberry.field(
        description=(
            "The task as a whole is overdue as of the date (default today): some lead share not"
            " completed by then, not 长期坚持, the deadline ended before it. What Plan.taskRollup"
            " counts; a unit's own view is its Assignment.overdue."
        )
    )
    async def overdue(self, info: Info, as_of: date | None = None) -> bool:
        from resolvers.task.overdue import task_overdue

        return await task_overdue(info, uuid.UUID(self.id), as_of)

    @strawberry.field(
        description=(
            "The task's light (亮灯 / 三色督办) as of the date (default today), judged on all its"
            " lead shares: RED overdue; YELLOW due within 14 days, or progress below the"
            " pro-rata expected progress (序时进度: elapsed share of [deadline start or the"
            " document's issue date, deadline end] × 100) minus the plan's tolerance; GREEN"
            " otherwise (completed and 长期坚持 included). Null before it had a lead share."
        )
    )
    async def health(self, info: Info, as_of: date | None = None) -> enums.Health | None:
        from resolvers.task.health import task_health

        return await task_health(info, uuid.UUID(self.id), as_of)

    @strawberry.field(
        description=(
            "The state as of the date (end of day), as the rollups count it: with `unit`, judged"
            " by the unit's lead shares (and its subtree's with includeDescendants, as"
            " OrgUnit.taskRollup(asOf) counts), else by all lead shares (as Plan.taskRollup)."
            " Null when the task did not exist yet that day. Lists beside an as-of rollup show"
            " this, not `status` (today's)."
        )
    )
    async def status_as_of(
        self,
        info: Info,
        as_of: Annotated[date, strawberry.argument(description="The day (Asia/Shanghai).")],
        unit: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Judge by this unit's lead shares (a list's unit)."),
        ] = None,
        include_descendants: Annotated[
            bool,
            strawberry.argument(description="With `unit`: its subtree's shares too."),
        ] = True,
    ) -> enums.TaskStatus | None:
        from resolvers.task.as_of import task_state_as_of

        state = await task_state_as_of(info, uuid.UUID(self.id), as_of, unit, include_descendants)
        return None if state is None else state.status

    @strawberry.field(
        description=(
            "Percent complete as of the date, judged like statusAsOf (the mean of the lead"
            " shares in scope, 100 when completed). Null when the task did not exist yet."
        )
    )
    async def progress_as_of(
        self,
        info: Info,
        as_of: Annotated[date, strawberry.argument(description="The day (Asia/Shanghai).")],
        unit: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Judge by this unit's lead shares (a list's unit)."),
        ] = None,
        include_descendants: Annotated[
            bool,
            strawberry.argument(description="With `unit`: its subtree's shares too."),
        ] = True,
    ) -> float | None:
        from resolvers.task.as_of import task_state_as_of

        state = await task_state_as_of(info, uuid.UUID(self.id), as_of, unit, include_descendants)
        return None if state is None else state.progress

    @strawberry.field(
        description=(
            "The deadline the task was first given (考核): what its first deadline change"
            " replaced, or its deadline when it never changed."
        )
    )
    async def original_deadline(self, info: Info) -> Deadline:
        changes = await _deadline_changes(info, uuid.UUID(self.id))
        return _deadline(changes[0], "previous") if changes else self.deadline

    @strawberry.field(
        description=(
            "Every change of the deadline, oldest first (updateTask edits, extensions). As-of"
            " views judge a date by the deadline in force at its end."
        )
    )
    async def deadline_history(self, info: Info) -> list[DeadlineChange]:
        rows = await _deadline_changes(info, uuid.UUID(self.id))
        return [DeadlineChange.from_row(row) for row in rows]

    @strawberry.field(
        description="Display label (2023水-1, 2023水-重点1, 2023城区大气-3.1: the plan's label"
        " stem, kind mark and 序号 path), unique among all tasks and never changed by later plans."
    )
    async def label(self, info: Info) -> str:
        plan = await info.context.loaders.plan_by_id.get(self.plan_id)
        return task_label(plan["label_stem"], enums.PlanKind(plan["kind"]), self.seq_path)

    @strawberry.field(description="The plan it belongs to.")
    async def plan(
        self, info: Info
    ) -> Annotated[Plan, strawberry.lazy("resolvers.document.types")]:
        # Local: the GraphQL types refer to each other (import cycle at module level).
        from resolvers.document.types import Plan

        return Plan.from_row(await info.context.loaders.plan_by_id.get(self.plan_id))

    @strawberry.field(description="The source document.")
    async def document(
        self, info: Info
    ) -> Annotated[Document, strawberry.lazy("resolvers.document.types")]:
        # Local: the GraphQL types refer to each other (import cycle at module level).
        from resolvers.document.types import Document

        return Document.from_row(await info.context.loaders.document_by_id.get(self.document_id))

    @strawberry.field(description="The task this one was decomposed from.")
    async def parent(self, info: Info) -> Task | None:
        if self.parent_id is None:
            return None
        row = await info.context.loaders.task_by_id.load(self.parent_id)
        return Task.from_row(row) if row else None

    @strawberry.field(description="Subtasks decomposed from this task.")
    async def subtasks(self, info: Info) -> list[Task]:
        rows = await info.context.loaders.subtasks_by_task.load(uuid.UUID(self.id))
        return [Task.from_row(r) for r in rows]

    @strawberry.field(description="Every assignment: leads first.")
    async def assignments(self, info: Info) -> list[Assignment]:
        rows = await info.context.loaders.assignments_by_task.load(uuid.UUID(self.id))
        return [Assignment.from_row(r) for r in rows]

    async def _units(self, info: Info, role: enums.AssignmentRole) -> list[OrgUnit]:
        rows = await info.context.loaders.assignments_by_task.load(uuid.UUID(self.id))
        ids = [r["org_unit_id"] for r in rows if r["role"] == role]
        units = await info.context.loaders.org_unit_by_id.load_many(ids)
        return [OrgUnit.from_row(u) for u in units if u is not None]

    @strawberry.field(description="Progress reports on this task's assignments, newest first.")
    async def reports(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[ProgressReport, strawberry.lazy("resolvers.task.report")]]:
        # Local: the GraphQL types refer to each other (import cycle at module level).
        from resolvers.task.report import task_reports

        return await task_reports(info, uuid.UUID(self.id), first=first, after=after)

    @strawberry.field(description="Escalations (督办) about it, newest first.")
    async def escalations(
        self, info: Info
    ) -> list[Annotated[Escalation, strawberry.lazy("resolvers.escalation.types")]]:
        # Local: the GraphQL types refer to each other (import cycle at module level).
        from resolvers.escalation.types import escalations_of

        return await escalations_of(info, "task_id", uuid.UUID(self.id))

    @strawberry.field(description="Comments and 批示 on this task, oldest first.")
    async def comments(
        self,
        info: Info,
        kind: enums.CommentKind | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Annotated[Comment, strawberry.lazy("resolvers.comment.types")]]:
        # Local: the GraphQL types refer to each other (import cycle at module level).
        from resolvers.comment.types import comments_of

        return await comments_of(
            info, "task_id", uuid.UUID(str(self.id)), kind=kind, first=first, after=after
        )

    @strawberry.field(
        description=(
            "Extension requests (延期申请) of this task, newest first; `status` filters"
            " (PENDING: the one waiting for a decision, at most one)."
        )
    )
    async def extension_requests(
        self,
        info: Info,
        status: list[enums.ExtensionStatus] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Annotated[ExtensionRequest, strawberry.lazy("resolvers.extension.types")]]:
        # Local: the GraphQL types refer to each other (import cycle at module level).
        from resolvers.extension.types import task_extension_requests

        return await task_extension_requests(
            info, uuid.UUID(self.id), status=status, first=first, after=after
        )

    @strawberry.field(description="Lead units (牵头单位).")
    async def lead_units(self, info: Info) -> list[OrgUnit]:
        return await self._units(info, enums.AssignmentRole.LEAD)

    @strawberry.field(description="Cooperating units (配合单位).")
    async def cooperating_units(self, info: Info) -> list[OrgUnit]:
        return await self._units(info, enums.AssignmentRole.COOPERATING)


@strawberry.input(description="Filter for task lists.")
class TaskFilter:
    status: list[enums.TaskStatus] | None = strawberry.field(
        default=None, description="Current status in this set."
    )
    category: str | None = strawberry.field(default=None, description="任务类别, exactly.")
    plan: strawberry.ID | None = strawberry.field(default=None, description="Plan id.")
    document: strawberry.ID | None = strawberry.field(default=None, description="Document id.")
    doc_number: str | None = strawberry.field(
        default=None, description="文号; 〔〕[]() variants match."
    )
    lead_unit: strawberry.ID | None = strawberry.field(
        default=None, description="Has a LEAD assignment to this unit."
    )
    deadline_kind: list[enums.DeadlineKind] | None = strawberry.field(
        default=None, description="Deadline kind in this set."
    )
    due_before: date | None = strawberry.field(
        default=None, description="Deadline end on or before this date."
    )
    due_after: date | None = strawberry.field(
        default=None, description="Deadline end on or after this date."
    )
    overdue_as_of: date | None = strawberry.field(
        default=None,
        description=(
            "Overdue as of this date (end of day): not completed, not 长期坚持, and the deadline"
            " ended before it. Judged like the rollup beside the list: in OrgUnit.tasks by the"
            " shares of the unit (and its subtree with includeDescendants), so the count equals"
            " OrgUnit.taskRollup(asOf).overdue; elsewhere by all lead shares (the task as a"
            " whole, as Plan.taskRollup counts it)."
        ),
    )
    due_soon_as_of: date | None = strawberry.field(
        default=None,
        description=(
            "Due soon as of this date: not completed, not overdue, the deadline ending within"
            " 14 days from it. Judged in the list's scope like overdueAsOf (= taskRollup.dueSoon)."
        ),
    )
    due_soon: bool | None = strawberry.field(
        default=None,
        description=(
            "true: due soon as of today (the rule of dueSoonAsOf and taskRollup.dueSoon, 14"
            " days); false: not due soon today. Judged in the list's scope like overdueAsOf."
        ),
    )
    due_within: int | None = strawberry.field(
        default=None,
        description=(
            "Not completed, not overdue, the deadline ending within this many days from today"
            " (0: today; 14 is dueSoon: true). 0 to 3660. Judged in the list's scope."
        ),
    )
    health: list[enums.Health] | None = strawberry.field(
        default=None,
        description=(
            "The task's light (Task.health: the task as a whole, as of today) in this set,"
            " e.g. [YELLOW, RED] for what needs pushing (三色督办)."
        ),
    )
    text: str | None = strawberry.field(
        default=None,
        description=(
            "Substring of title or description, ignoring case and full-/half-width forms"
            " (ＶＯＣｓ finds VOCs; Chinese text works)."
        ),
    )
