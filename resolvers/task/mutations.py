"""Task mutations: reportProgress, createTask, updateTask, assignTask, decomposeTask."""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.file_uploads import Upload

from models import enums
from models.messages import message, noun
from resolvers.common import Info, decode_global_id
from resolvers.errors import DomainError, ErrorCode, UserError
from resolvers.evidence.uploads import attach_uploads
from resolvers.org_unit.types import OrgUnit
from resolvers.task import service
from resolvers.task.report import ProgressReport
from resolvers.task.service import task_t
from resolvers.task.types import Assignment, Task
from resolvers.writes import run_mutation


def input_id(value: strawberry.ID, type_name: str, field: str) -> uuid.UUID:
    """The row id of an input's global id; NOT_FOUND (not a crash) when malformed."""
    try:
        return decode_global_id(value, type_name)
    except ValueError as exc:
        raise DomainError(
            ErrorCode.NOT_FOUND, message("NOT_FOUND_ID", noun=noun(type_name)), field
        ) from exc


@strawberry.input(description="A link to supporting material.")
class EvidenceInput:
    url: str = strawberry.field(description="http(s) link.")
    title: str | None = strawberry.field(default=None, description="What it shows.")


@strawberry.input(description="A unit's report on its own share of a task.")
class ReportProgressInput:
    assignment: strawberry.ID = strawberry.field(description="The reporting unit's assignment.")
    percent: float = strawberry.field(description="Percent complete, 0–100.")
    status: enums.TaskStatus | None = strawberry.field(
        default=None, description="State; implied by the percent when omitted."
    )
    narrative: str | None = strawberry.field(default=None, description="What was done.")
    evidence: list[EvidenceInput] | None = strawberry.field(
        default=None, description="Supporting links."
    )
    period: str | None = strawberry.field(default=None, description="Period, e.g. 2023-06.")
    expected_version: int | None = strawberry.field(
        default=None, description="The assignment's version the report is based on."
    )
    files: list[Upload] | None = strawberry.field(
        default=None,
        description=(
            "Evidence files (佐证材料, multipart uploads) attached to the report, as"
            " attachEvidence takes them; one refused file refuses the report."
        ),
    )


@strawberry.type(description="Result of reportProgress.")
class ReportProgressPayload:
    report: ProgressReport | None = strawberry.field(description="The stored report.")
    assignment: Assignment | None = strawberry.field(description="The share after the report.")
    errors: list[UserError] = strawberry.field(description="Why it was rejected, if it was.")

    @strawberry.field(description="The task after the report (state rolled up from its leads).")
    async def task(self, info: Info) -> Task | None:
        if self.assignment is None:
            return None
        row = await info.context.loaders.task_by_id.load(self.assignment.task_id)
        return Task.from_row(row) if row else None


@strawberry.type
class TaskMutation:
    @strawberry.mutation(description="Report progress on the viewer's unit's own assignment.")
    async def report_progress(
        self, info: Info, input: ReportProgressInput
    ) -> ReportProgressPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> ReportProgressPayload:
            assignment_id = input_id(input.assignment, "Assignment", "assignment")
            report, assignment = await service.report_progress(
                ctx,
                conn,
                assignment_id=assignment_id,
                percent=input.percent,
                status=input.status,
                narrative=input.narrative,
                evidence=[service.Evidence(e.url, e.title) for e in input.evidence or []],
                period=input.period,
                expected_version=input.expected_version,
            )
            await attach_uploads(ctx, conn, input.files, report_id=report["id"])
            return ReportProgressPayload(
                report=ProgressReport.from_row(report),
                assignment=Assignment.from_row(assignment),
                errors=[],
            )

        result, errors = await run_mutation(ctx, body)
        return result or ReportProgressPayload(report=None, assignment=None, errors=errors)


@strawberry.input(description="A deadline as 完成时限 text (parsed) or as explicit parts.")
class DeadlineInput:
    text: str | None = strawberry.field(default=None, description="e.g. 2023年10月底前.")
    kind: enums.DeadlineKind | None = strawberry.field(
        default=None, description="Explicit kind; overrides what the text parses to."
    )
    start: date | None = strawberry.field(default=None, description="First day.")
    end: date | None = strawberry.field(default=None, description="Last day.")


def _deadline(value: DeadlineInput | None) -> service.DeadlineInput | None:
    if value is None:
        return None
    return service.DeadlineInput(value.text, value.kind, value.start, value.end)


def _ids(values: list[strawberry.ID] | None, field: str) -> list[uuid.UUID]:
    return [input_id(v, "OrgUnit", field) for v in values or []]


@strawberry.input(description="A new task of a plan (a 台账 row).")
class CreateTaskInput:
    plan: strawberry.ID = strawberry.field(description="The plan.")
    title: str = strawberry.field(description="Short title.")
    description: str | None = strawberry.field(default=None, description="具体措施.")
    category: str | None = strawberry.field(default=None, description="任务类别.")
    remarks: str | None = strawberry.field(default=None, description="备注.")
    seq: int | None = strawberry.field(default=None, description="序号; next free by default.")
    deadline: DeadlineInput | None = strawberry.field(default=None, description="完成时限.")
    weight: float | None = strawberry.field(default=None, description="Weight (default 1).")
    leads: list[strawberry.ID] | None = strawberry.field(default=None, description="Lead units.")
    lead_names: list[str] | None = strawberry.field(
        default=None, description="Lead units by name, alias or group (各镇（街道）)."
    )
    cooperating: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Cooperating units."
    )
    cooperating_names: list[str] | None = strawberry.field(
        default=None, description="Cooperating units by name, alias or group."
    )
    effective_on: date | None = strawberry.field(
        default=None,
        description=(
            "The day the task's history starts (as-of views count it from then); default the"
            " document's issue date; never after today."
        ),
    )


@strawberry.input(description="Changes to a task; omitted fields stay as they are.")
class UpdateTaskInput:
    task: strawberry.ID = strawberry.field(description="The task.")
    expected_version: int = strawberry.field(description="The version the edit is based on.")
    title: str | None = strawberry.field(default=None, description="Short title.")
    description: str | None = strawberry.field(default=None, description="具体措施.")
    category: str | None = strawberry.field(default=None, description="任务类别.")
    remarks: str | None = strawberry.field(default=None, description="备注.")
    seq: int | None = strawberry.field(default=None, description="序号.")
    deadline: DeadlineInput | None = strawberry.field(default=None, description="完成时限.")
    weight: float | None = strawberry.field(default=None, description="Weight.")
    deadline_change_reason: str | None = strawberry.field(
        default=None,
        description="Why the deadline moves (kept in Task.deadlineHistory; ignored otherwise).",
    )


@strawberry.input(description="Add lead or cooperating units to a task.")
class AssignTaskInput:
    task: strawberry.ID = strawberry.field(description="The task.")
    role: enums.RoleScope = strawberry.field(description="LEAD or COOPERATING.")
    units: list[strawberry.ID] | None = strawberry.field(default=None, description="Units.")
    names: list[str] | None = strawberry.field(
        default=None, description="Units by name, alias or group reference (各镇（街道）)."
    )
    expected_version: int | None = strawberry.field(
        default=None, description="The task's version the change is based on."
    )


@strawberry.input(description="One subtask of a decomposition.")
class SubtaskInput:
    title: str = strawberry.field(description="Short title.")
    description: str | None = strawberry.field(default=None, description="What to do.")
    deadline: DeadlineInput | None = strawberry.field(
        default=None, description="Deadline; the parent's by default."
    )
    weight: float | None = strawberry.field(default=None, description="Weight.")
    leads: list[strawberry.ID] = strawberry.field(description="Lead units (subordinates).")
    cooperating: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Cooperating units (subordinates)."
    )


@strawberry.input(description="Split the viewer's unit's share of a task into subtasks.")
class DecomposeTaskInput:
    task: strawberry.ID = strawberry.field(description="The task the viewer's unit leads.")
    subtasks: list[SubtaskInput] = strawberry.field(description="The subtasks.")


@strawberry.type(description="Result of a mutation that writes one task.")
class TaskPayload:
    task: Task | None = strawberry.field(description="The task after the write.")
    errors: list[UserError] = strawberry.field(description="Why it was rejected, if it was.")


@strawberry.type(description="Result of assignTask.")
class AssignTaskPayload:
    task: Task | None = strawberry.field(description="The task after the change.")
    added: list[OrgUnit] = strawberry.field(description="Units newly assigned.")
    errors: list[UserError] = strawberry.field(description="Why it was rejected, if it was.")


@strawberry.type(description="Result of decomposeTask.")
class DecomposeTaskPayload:
    task: Task | None = strawberry.field(description="The decomposed task.")
    subtasks: list[Task] = strawberry.field(description="The new subtasks.")
    errors: list[UserError] = strawberry.field(description="Why it was rejected, if it was.")


def _fields(source: CreateTaskInput | UpdateTaskInput) -> service.TaskFields:
    return service.TaskFields(
        title=source.title,
        description=source.description,
        category=source.category,
        remarks=source.remarks,
        deadline=_deadline(source.deadline),
        weight=source.weight,
        seq=source.seq,
    )


@strawberry.type
class TaskEditMutation:
    @strawberry.mutation(description="Create a task in a plan with its lead and cooperating units.")
    async def create_task(self, info: Info, input: CreateTaskInput) -> TaskPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> TaskPayload:
            row = await service.create_task(
                ctx,
                conn,
                plan_id=input_id(input.plan, "Plan", "plan"),
                fields=_fields(input),
                leads=_ids(input.leads, "leads"),
                lead_names=input.lead_names or [],
                cooperating=_ids(input.cooperating, "cooperating"),
                cooperating_names=input.cooperating_names or [],
                effective_on=input.effective_on,
            )
            return TaskPayload(task=Task.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or TaskPayload(task=None, errors=errors)

    @strawberry.mutation(description="Edit a task (expectedVersion required).")
    async def update_task(self, info: Info, input: UpdateTaskInput) -> TaskPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> TaskPayload:
            row = await service.update_task(
                ctx,
                conn,
                task_id=input_id(input.task, "Task", "task"),
                fields=_fields(input),
                expected_version=input.expected_version,
                deadline_change_reason=input.deadline_change_reason,
            )
            return TaskPayload(task=Task.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or TaskPayload(task=None, errors=errors)

    @strawberry.mutation(description="Assign lead or cooperating units, by id, name or group.")
    async def assign_task(self, info: Info, input: AssignTaskInput) -> AssignTaskPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> AssignTaskPayload:
            if input.role is enums.RoleScope.ANY:
                raise DomainError(
                    ErrorCode.INVALID_INPUT, message("ROLE_LEAD_OR_COOPERATING"), "role"
                )
            row, added = await service.assign_task(
                ctx,
                conn,
                task_id=input_id(input.task, "Task", "task"),
                role=enums.AssignmentRole(input.role.value),
                units=_ids(input.units, "units"),
                names=input.names or [],
                expected_version=input.expected_version,
            )
            units = await ctx.loaders.org_unit_by_id.load_many(added)
            return AssignTaskPayload(
                task=Task.from_row(row),
                added=[OrgUnit.from_row(u) for u in units if u is not None],
                errors=[],
            )

        result, errors = await run_mutation(ctx, body)
        return result or AssignTaskPayload(task=None, added=[], errors=errors)

    @strawberry.mutation(description="Split the viewer's unit's share into subtasks.")
    async def decompose_task(self, info: Info, input: DecomposeTaskInput) -> DecomposeTaskPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> DecomposeTaskPayload:
            task_id = input_id(input.task, "Task", "task")
            specs = [
                service.SubtaskSpec(
                    fields=service.TaskFields(
                        title=s.title,
                        description=s.description,
                        deadline=_deadline(s.deadline),
                        weight=s.weight,
                    ),
                    leads=_ids(s.leads, "subtasks.leads"),
                    cooperating=_ids(s.cooperating, "subtasks.cooperating"),
                )
                for s in input.subtasks
            ]
            rows = await service.decompose_task(ctx, conn, task_id=task_id, subtasks=specs)
            parent = await conn.execute(sa.select(task_t).where(task_t.c.id == task_id))
            return DecomposeTaskPayload(
                task=Task.from_row(parent.mappings().one()),
                subtasks=[Task.from_row(r) for r in rows],
                errors=[],
            )

        result, errors = await run_mutation(ctx, body)
        return result or DecomposeTaskPayload(task=None, subtasks=[], errors=errors)
