"""Task mutations: reportProgress, createTask, updateTask, assignTask, decomposeTask."""

from __future__ import annotations

import uuid

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from models import enums
from resolvers.common import Info, decode_global_id
from resolvers.errors import DomainError, ErrorCode, UserError
from resolvers.task import service
from resolvers.task.report import ProgressReport
from resolvers.task.types import Assignment, Task
from resolvers.writes import run_mutation


def input_id(value: strawberry.ID, type_name: str, field: str) -> uuid.UUID:
    """The row id of an input's global id; NOT_FOUND (not a crash) when malformed."""
    try:
        return decode_global_id(value, type_name)
    except ValueError as exc:
        raise DomainError(ErrorCode.NOT_FOUND, f"no such {type_name}", field) from exc


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
            return ReportProgressPayload(
                report=ProgressReport.from_row(report),
                assignment=Assignment.from_row(assignment),
                errors=[],
            )

        result, errors = await run_mutation(ctx, body)
        return result or ReportProgressPayload(report=None, assignment=None, errors=errors)
