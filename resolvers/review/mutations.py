"""Report review (审核 / 退回): reviewProgressReport, setReportReview; the reviewer's pending
list reportsToReview."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from models import enums
from resolvers.common import Connection, Info, paginate
from resolvers.document.types import Plan
from resolvers.errors import UserError
from resolvers.review import service
from resolvers.review.service import report_t
from resolvers.scope import visibility
from resolvers.task.mutations import input_id
from resolvers.task.report import ProgressReport
from resolvers.task.types import Assignment
from resolvers.writes import run_mutation


@strawberry.input(description="A supervising unit's review (审核) of a submitted progress report.")
class ReviewProgressReportInput:
    report: strawberry.ID = strawberry.field(description="The progress report (SUBMITTED).")
    decision: enums.ReportReviewDecision = strawberry.field(
        description="ACCEPT (通过: it counts from now) or RETURN (退回: it never counts)."
    )
    reason: str | None = strawberry.field(
        default=None, description="Why (退回原因): required to return, optional to accept."
    )
    expected_version: int | None = strawberry.field(
        default=None, description="The report's version the review is based on."
    )


@strawberry.type(description="Result of reviewProgressReport.")
class ReviewProgressReportPayload:
    report: ProgressReport | None = strawberry.field(description="The report after the review.")
    assignment: Assignment | None = strawberry.field(
        description="The reporting unit's share after the review (its state, if it changed)."
    )
    errors: list[UserError] = strawberry.field(description="Why it was rejected, if it was.")


@strawberry.input(description="A plan's review policy for its tasks' progress reports.")
class SetReportReviewInput:
    plan: strawberry.ID = strawberry.field(description="The plan.")
    policy: enums.ReportReviewPolicy = strawberry.field(
        description="NONE, FINAL (reports of COMPLETED) or ALL."
    )
    expected_version: int | None = strawberry.field(
        default=None, description="The plan's version the write is based on."
    )


@strawberry.type(description="Result of setReportReview.")
class SetReportReviewPayload:
    plan: Plan | None = strawberry.field(description="The plan after the write.")
    errors: list[UserError] = strawberry.field(description="Why it was rejected, if it was.")


@strawberry.type
class ReviewMutation:
    @strawberry.mutation(
        description=(
            "The supervising unit (COORDINATOR or higher of the task's issuer or a unit above"
            " it) accepts a submitted report, which then counts from this moment, or returns"
            " it with a reason (退回). A repeated or concurrent equal review is a no-op."
        )
    )
    async def review_progress_report(
        self, info: Info, input: ReviewProgressReportInput
    ) -> ReviewProgressReportPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> ReviewProgressReportPayload:
            report, share = await service.review_report(
                ctx,
                conn,
                report_id=input_id(input.report, "ProgressReport", "report"),
                decision=input.decision,
                reason=input.reason,
                expected_version=input.expected_version,
            )
            return ReviewProgressReportPayload(
                report=ProgressReport.from_row(report),
                assignment=Assignment.from_row(share),
                errors=[],
            )

        result, errors = await run_mutation(ctx, body)
        return result or ReviewProgressReportPayload(report=None, assignment=None, errors=errors)

    @strawberry.mutation(
        description=(
            "Set which progress reports of a plan's tasks wait for review (the plan's issuer,"
            " COORDINATOR or higher). Reports already made keep their review state."
        )
    )
    async def set_report_review(
        self, info: Info, input: SetReportReviewInput
    ) -> SetReportReviewPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> SetReportReviewPayload:
            row = await service.set_report_review(
                ctx,
                conn,
                plan_id=input_id(input.plan, "Plan", "plan"),
                policy=input.policy,
                expected_version=input.expected_version,
            )
            return SetReportReviewPayload(plan=Plan.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or SetReportReviewPayload(plan=None, errors=errors)


@strawberry.type
class ReviewQuery:
    @strawberry.field(
        description=(
            "The reviewer's pending list (待审核): SUBMITTED progress reports the viewer may"
            " review (COORDINATOR or higher of their task's issuer or a unit above it) and"
            " sees, oldest first. Empty for other viewers."
        )
    )
    async def reports_to_review(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ProgressReport]:
        ctx = info.context
        statement, reviewable = service.reviewable(ctx.viewer)
        statement = statement.where(
            report_t.c.review_state == enums.ReportReviewState.SUBMITTED.value,
            reviewable,
            visibility(ctx.scope, report_t),
        )
        order = [report_t.c.reported_at, report_t.c.id]
        return await paginate(
            info, statement, order, ProgressReport.from_row, first=first, after=after
        )
