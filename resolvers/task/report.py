"""GraphQL type ProgressReport (进展报送) and Task.reports."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import sqlalchemy as sa
import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from models import Assignment as AssignmentModel
from models import ProgressReport as ProgressReportModel
from models import Task as TaskModel
from models import enums
from resolvers import fields
from resolvers.common import Connection, Info, RowNode
from resolvers.loaders import RowsByKeyLoader
from resolvers.org_unit.types import OrgUnit
from resolvers.pagination import OrderKey, page_loader
from resolvers.scope import internal_hidden, visibility

if TYPE_CHECKING:
    from resolvers.comment.types import Comment
    from resolvers.evidence.types import EvidenceFile
    from resolvers.task.types import Task

report_t: sa.Table = ProgressReportModel.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = AssignmentModel.__table__  # type: ignore[attr-defined]
task_t: sa.Table = TaskModel.__table__  # type: ignore[attr-defined]


@strawberry.type(description="A link to supporting material of a report.")
class Evidence:
    url: str = strawberry.field(description="Link (http or https).")
    title: str | None = strawberry.field(description="What it shows.")


@strawberry.type(description="A unit's dated report on its share of a task. Append-only.")
class ProgressReport(RowNode, relay.Node):
    ROW_MODEL: ClassVar[Any] = ProgressReportModel
    id: relay.NodeID[str]
    reported_at: datetime = strawberry.field(description="When it was reported.")
    period: str | None = strawberry.field(description="Reporting period, e.g. 2023-06.")
    percent: float = strawberry.field(description="Percent complete reported.")
    status: enums.TaskStatus = strawberry.field(description="State reported.")
    narrative: str | None = strawberry.field(description="What was done.")
    evidence: list[Evidence] = strawberry.field(description="Supporting links.")
    review_state: enums.ReportReviewState = strawberry.field(
        description=(
            "Review (审核): NOT_REQUIRED (its plan does not review it: counts when made),"
            " SUBMITTED (待审核: does not count yet), ACCEPTED (counts from reviewedAt),"
            " RETURNED (退回: never counts; reviewReason says why)."
        )
    )
    review_reason: str | None = strawberry.field(
        description="Why it was returned (退回原因), or the reviewer's note on acceptance."
    )
    reviewed_at: datetime | None = strawberry.field(
        description="When it was accepted or returned; an accepted report counts from then."
    )
    version: int = strawberry.field(description="Row version for expectedVersion (its review).")
    reporter: strawberry.Private[str | None]
    reviewer: strawberry.Private[str | None]
    assignment_id: strawberry.Private[uuid.UUID]
    unit_id: strawberry.Private[uuid.UUID | None]
    reviewer_unit_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> ProgressReport:
        """From a `progress_report` row."""
        return cls(
            id=str(row["id"]),
            reported_at=row["reported_at"],
            **fields.from_row(fields.PROGRESS_REPORT, row),
            evidence=[Evidence(url=e["url"], title=e.get("title")) for e in row["evidence"] or []],
            reviewed_at=row["reviewed_at"],
            reporter=row["reported_by"],
            reviewer=row["reviewed_by"],
            assignment_id=row["assignment_id"],
            unit_id=row["reported_by_unit_id"],
            reviewer_unit_id=row["reviewed_by_unit_id"],
        )

    @strawberry.field(description="Who reviewed it (internal: null for sharing partners).")
    def reviewed_by(self, info: Info) -> str | None:
        return None if internal_hidden(info) else self.reviewer

    @strawberry.field(description="The unit that accepted or returned it.")
    async def reviewer_unit(self, info: Info) -> OrgUnit | None:
        if self.reviewer_unit_id is None:
            return None
        row = await info.context.loaders.org_unit_by_id.load(self.reviewer_unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="Who reported (internal: null for sharing partners).")
    def reported_by(self, info: Info) -> str | None:
        return None if internal_hidden(info) else self.reporter

    @strawberry.field(description="Evidence files (佐证材料) attached to it, oldest first.")
    async def files(
        self, info: Info
    ) -> list[Annotated[EvidenceFile, strawberry.lazy("resolvers.evidence.types")]]:
        from resolvers.evidence.types import report_files

        return await report_files(info, uuid.UUID(str(self.id)))

    @strawberry.field(description="Comments and 批示 on this report, oldest first.")
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
            info, "progress_report_id", uuid.UUID(str(self.id)), kind=kind, first=first, after=after
        )

    @strawberry.field(description="The reporting unit.")
    async def unit(self, info: Info) -> OrgUnit | None:
        if self.unit_id is None:
            return None
        row = await info.context.loaders.org_unit_by_id.load(self.unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(
        description="The task it reports on (through its share); null when not visible."
    )
    async def task(
        self, info: Info
    ) -> Annotated[Task, strawberry.lazy("resolvers.task.types")] | None:
        from resolvers.task.types import Task

        rows = await task_by_assignment(info).load(self.assignment_id)
        return Task.from_row(rows[0]) if rows else None


def task_by_assignment(info: Info) -> RowsByKeyLoader:
    """TaskByAssignmentLoader: the (visible) task of each share, one statement per batch."""
    loaders = info.context.loaders
    stmt = (
        sa.select(task_t)
        .select_from(task_t.join(assignment_t, assignment_t.c.task_id == task_t.c.id))
        .where(visibility(loaders.scope, task_t))
    )
    return loaders.get(
        "TaskByAssignment", lambda: RowsByKeyLoader(loaders.db, stmt, assignment_t.c.id)
    )


async def task_reports(
    info: Info, task_id: uuid.UUID, *, first: int | None, after: str | None
) -> Connection[ProgressReport]:
    """Task.reports: newest first, batched over the tasks of a level."""
    scope = info.context.scope

    def statement(tasks: list[Any]) -> sa.Select[Any]:
        return (
            sa.select(report_t, assignment_t.c.task_id.label("_parent"))
            .select_from(report_t.join(assignment_t, assignment_t.c.id == report_t.c.assignment_id))
            .where(assignment_t.c.task_id.in_(tasks), visibility(scope, report_t))
        )

    order = [OrderKey(report_t.c.reported_at, True), OrderKey(report_t.c.id, True)]
    loader = page_loader(
        info,
        "ReportsByTask",
        statement,
        order,
        ProgressReport.from_row,
        first=first,
        after=after,
    )
    connection: Connection[ProgressReport] = await loader.load(task_id)
    return connection
