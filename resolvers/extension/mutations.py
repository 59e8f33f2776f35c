"""requestExtension, decideExtension, withdrawExtension: 延期申请 and its decision."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.file_uploads import Upload

from resolvers.common import Info
from resolvers.errors import UserError
from resolvers.evidence.uploads import attach_uploads
from resolvers.extension import service
from resolvers.extension.types import ExtensionRequest
from resolvers.task.mutations import input_id
from resolvers.writes import run_mutation


@strawberry.input(description="A lead unit's request for a later deadline (延期申请).")
class RequestExtensionInput:
    assignment: strawberry.ID = strawberry.field(
        description="The requesting unit's LEAD share of the task."
    )
    new_deadline: date = strawberry.field(
        description="The deadline end asked for: later than the one in force."
    )
    reason: str = strawberry.field(description="Why (申请理由; required, at most 5000).")
    files: list[Upload] | None = strawberry.field(
        default=None,
        description=(
            "Evidence files (佐证材料, multipart uploads) attached to the request, as"
            " attachEvidence takes them; one refused file refuses the request."
        ),
    )


@strawberry.enum(description="An approver's decision on an extension request.")
class ExtensionDecision(Enum):
    APPROVE = strawberry.enum_value("APPROVE", description="批准: the deadline moves.")
    REJECT = strawberry.enum_value("REJECT", description="不予批准, with a reason.")


@strawberry.input(description="The approver's decision on a pending extension request (审批).")
class DecideExtensionInput:
    request: strawberry.ID = strawberry.field(description="The extension request.")
    decision: ExtensionDecision = strawberry.field(
        description="APPROVE (the deadline moves) or REJECT."
    )
    reason: str | None = strawberry.field(
        default=None, description="审批意见: required to reject, optional to approve."
    )
    expected_version: int | None = strawberry.field(
        default=None, description="The request's version the decision is based on."
    )


@strawberry.input(description="The requesting unit withdraws its pending request (撤回).")
class WithdrawExtensionInput:
    request: strawberry.ID = strawberry.field(description="The extension request.")
    expected_version: int | None = strawberry.field(
        default=None, description="The request's version the write is based on."
    )


@strawberry.type(description="Result of requestExtension, decideExtension and withdrawExtension.")
class ExtensionRequestPayload:
    request: ExtensionRequest | None = strawberry.field(description="The request after the write.")
    errors: list[UserError] = strawberry.field(description="Why it was refused, if it was.")


@strawberry.type
class ExtensionMutation:
    @strawberry.mutation(
        description=(
            "A lead unit asks for a later deadline of its task (延期申请; REPORTER of the LEAD"
            " share's unit), with a reason and evidence files. One pending request per task."
        )
    )
    async def request_extension(
        self, info: Info, input: RequestExtensionInput
    ) -> ExtensionRequestPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> ExtensionRequestPayload:
            row = await service.request_extension(
                ctx,
                conn,
                assignment_id=input_id(input.assignment, "Assignment", "assignment"),
                new_end=input.new_deadline,
                reason=input.reason,
            )
            await attach_uploads(ctx, conn, input.files, extension_id=row["id"])
            return ExtensionRequestPayload(request=ExtensionRequest.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or ExtensionRequestPayload(request=None, errors=errors)

    @strawberry.mutation(
        description=(
            "The plan's issuer (or a unit above it, or above the lead unit; COORDINATOR)"
            " approves or rejects a pending extension request. An approval moves the task's"
            " deadline end: a dated deadline change, the original stays (Task.originalDeadline)."
            " Of concurrent decisions one applies; the others are INVALID_TRANSITION."
        )
    )
    async def decide_extension(
        self, info: Info, input: DecideExtensionInput
    ) -> ExtensionRequestPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> ExtensionRequestPayload:
            row = await service.decide(
                ctx,
                conn,
                request_id=input_id(input.request, "ExtensionRequest", "request"),
                approve=input.decision is ExtensionDecision.APPROVE,
                reason=input.reason,
                expected_version=input.expected_version,
            )
            return ExtensionRequestPayload(request=ExtensionRequest.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or ExtensionRequestPayload(request=None, errors=errors)

    @strawberry.mutation(
        description="The requesting lead unit withdraws its pending extension request (REPORTER)."
    )
    async def withdraw_extension(
        self, info: Info, input: WithdrawExtensionInput
    ) -> ExtensionRequestPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> ExtensionRequestPayload:
            row = await service.withdraw(
                ctx,
                conn,
                request_id=input_id(input.request, "ExtensionRequest", "request"),
                expected_version=input.expected_version,
            )
            return ExtensionRequestPayload(request=ExtensionRequest.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or ExtensionRequestPayload(request=None, errors=errors)
