"""escalate: a superior issues a reminder, urge, warning letter, interview or public notice."""

from __future__ import annotations

from datetime import date

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from models import enums
from resolvers.common import Info
from resolvers.errors import UserError
from resolvers.escalation import service
from resolvers.escalation.types import Escalation
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
