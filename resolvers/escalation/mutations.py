"""escalate: a superior issues a reminder, urge, warning letter, interview or public notice;
the 督办 inbox: acknowledgeEscalation, replyToEscalation, closeEscalation."""

from __future__ import annotations

from datetime import date

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from models import enums
from resolvers.common import Info
from resolvers.errors import UserError
from resolvers.escalation import inbox, service
from resolvers.escalation.types import Escalation, EscalationReply
from resolvers.task.mutations import input_id
from resolvers.writes import run_mutation


@strawberry.input(description="An escalation about one task, assignment or rectification.")
class EscalateInput:
    level: enums.EscalationLevel = strawberry.field(description="Rung of the ladder.")
    addressed_to: strawberry.ID = strawberry.field(description="The unit escalated to.")
    task: strawberry.ID | None = strawberry.field(default=None, description="About a task.")
    assignment: strawberry.ID | None = strawberry.field(
        default=None, description="About the addressed unit's share of a task."
    )
    rectification: strawberry.ID | None = strawberry.field(
        default=None, description="About a rectification."
    )
    reason: str | None = strawberry.field(default=None, description="Why.")
    issued_on: date | None = strawberry.field(default=None, description="Date; today by default.")


@strawberry.type(description="Result of escalate.")
class EscalatePayload:
    escalation: Escalation | None = strawberry.field(description="The escalation issued.")
    errors: list[UserError] = strawberry.field(description="Why it was rejected, if it was.")


@strawberry.type
class EscalationMutation:
    @strawberry.mutation(description="A superior unit escalates to a unit (督办).")
    async def escalate(self, info: Info, input: EscalateInput) -> EscalatePayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> EscalatePayload:
            row = await service.escalate(
                ctx,
                conn,
                level=input.level,
                addressed_to=input_id(input.addressed_to, "OrgUnit", "addressedTo"),
                task_id=input_id(input.task, "Task", "task") if input.task else None,
                assignment_id=input_id(input.assignment, "Assignment", "assignment")
                if input.assignment
                else None,
                rectification_id=input_id(input.rectification, "Rectification", "rectification")
                if input.rectification
                else None,
                reason=input.reason,
                issued_on=input.issued_on,
            )
            return EscalatePayload(escalation=Escalation.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or EscalatePayload(escalation=None, errors=errors)


# -- the 督办 inbox ----------------------------------------------------------------------------


@strawberry.input(description="An escalation the viewer's unit signs for (签收).")
class AcknowledgeEscalationInput:
    escalation: strawberry.ID = strawberry.field(description="The escalation (addressed to you).")
    expected_version: int | None = strawberry.field(
        default=None, description="The escalation's version the write is based on."
    )


@strawberry.input(description="The addressed unit's answer (回复) to an escalation.")
class ReplyToEscalationInput:
    escalation: strawberry.ID = strawberry.field(description="The escalation (addressed to you).")
    kind: enums.EscalationReplyKind = strawberry.field(
        description="情况说明 (EXPLANATION) or 整改承诺 (COMMITMENT)."
    )
    text: str = strawberry.field(description="The answer.")
    promised_by: date | None = strawberry.field(
        default=None, description="A commitment's promised date (整改时限)."
    )
    expected_version: int | None = strawberry.field(
        default=None, description="The escalation's version the write is based on."
    )


@strawberry.input(description="An escalation its issuer closes (办结).")
class CloseEscalationInput:
    escalation: strawberry.ID = strawberry.field(description="The escalation (issued by you).")
    note: str | None = strawberry.field(default=None, description="Why it is closed.")
    expected_version: int | None = strawberry.field(
        default=None, description="The escalation's version the write is based on."
    )


@strawberry.type(description="Result of acknowledgeEscalation, replyToEscalation, closeEscalation.")
class EscalationInboxPayload:
    escalation: Escalation | None = strawberry.field(description="The escalation after the write.")
    reply: EscalationReply | None = strawberry.field(description="The reply stored (replies).")
    errors: list[UserError] = strawberry.field(description="Why it was rejected, if it was.")


@strawberry.type
class EscalationInboxMutation:
    @strawberry.mutation(
        description=(
            "The addressed unit signs for an escalation (签收; REPORTER). Again, or after a"
            " concurrent sign-for, is a no-op."
        )
    )
    async def acknowledge_escalation(
        self, info: Info, input: AcknowledgeEscalationInput
    ) -> EscalationInboxPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> EscalationInboxPayload:
            row = await inbox.acknowledge(
                ctx,
                conn,
                escalation_id=input_id(input.escalation, "Escalation", "escalation"),
                expected_version=input.expected_version,
            )
            return EscalationInboxPayload(
                escalation=Escalation.from_row(row), reply=None, errors=[]
            )

        result, errors = await run_mutation(ctx, body)
        return result or EscalationInboxPayload(escalation=None, reply=None, errors=errors)

    @strawberry.mutation(
        description="The addressed unit replies: 情况说明 or 整改承诺 (REPORTER); signs for it too."
    )
    async def reply_to_escalation(
        self, info: Info, input: ReplyToEscalationInput
    ) -> EscalationInboxPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> EscalationInboxPayload:
            row, answer = await inbox.reply(
                ctx,
                conn,
                escalation_id=input_id(input.escalation, "Escalation", "escalation"),
                kind=input.kind,
                text=input.text,
                promised_by=input.promised_by,
                expected_version=input.expected_version,
            )
            return EscalationInboxPayload(
                escalation=Escalation.from_row(row),
                reply=EscalationReply.from_row(answer),
                errors=[],
            )

        result, errors = await run_mutation(ctx, body)
        return result or EscalationInboxPayload(escalation=None, reply=None, errors=errors)

    @strawberry.mutation(
        description="The issuing unit (or one above it) closes an escalation (办结; COORDINATOR)."
    )
    async def close_escalation(
        self, info: Info, input: CloseEscalationInput
    ) -> EscalationInboxPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> EscalationInboxPayload:
            row = await inbox.close(
                ctx,
                conn,
                escalation_id=input_id(input.escalation, "Escalation", "escalation"),
                note=input.note,
                expected_version=input.expected_version,
            )
            return EscalationInboxPayload(
                escalation=Escalation.from_row(row), reply=None, errors=[]
            )

        result, errors = await run_mutation(ctx, body)
        return result or EscalationInboxPayload(escalation=None, reply=None, errors=errors)
