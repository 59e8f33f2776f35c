"""签收: signFor (the assigned unit signs for its share) and unsignedAssignments (the
issuer's list of shares nobody signed for, late ones first of all).

The rule (sign-by day, calendar days, per-plan `sign_within_days`) is models/rules/signing.py;
who signs: models/rules/scope.py can_sign_for. Signing is one conditional UPDATE (`WHERE
acknowledged_at IS NULL`): signing again, or after a concurrent signer, changes nothing and
answers with the share as signed. It does not bump the share's version (a report based on it
stays valid); it goes through the write pipeline: audit `signFor` (outbox
`assignment.acknowledged`), a change-log entry of the task.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from models import Assignment as AssignmentModel
from models import Document, Plan, Task
from models.enums import ViewerRole
from models.messages import message
from models.rules.scope import can_sign_for, scope_for, share_visible
from models.rules.signing import unsigned_late
from resolvers.common import Connection, Info, paginate
from resolvers.errors import UserError
from resolvers.events import task_changed
from resolvers.extension.queries import UnitParty, party_filter
from resolvers.service_context import ServiceContext
from resolvers.task.mutations import input_id
from resolvers.task.types import Assignment
from resolvers.writes import audit, fetch_checked, require_role, run_mutation

assignment_t: sa.Table = AssignmentModel.__table__  # type: ignore[attr-defined]
task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
plan_t: sa.Table = Plan.__table__  # type: ignore[attr-defined]
document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]


async def sign_for(
    ctx: ServiceContext, conn: AsyncConnection, *, assignment_id: uuid.UUID
) -> dict[str, Any]:
    """签收: the share's unit signs for it (REPORTER or higher); again is a no-op."""
    require_role(ctx, ViewerRole.REPORTER)
    share = await fetch_checked(
        conn,
        sa.select(assignment_t).where(assignment_t.c.id == assignment_id),
        visible=share_visible(scope_for(ctx.viewer), assignment_t.c.id),
        writable=can_sign_for(ctx.viewer, assignment_t.c.org_unit_id),
        field="assignment",
        noun="assignment",
        forbidden=message("FORBIDDEN_SIGN_FOR"),
    )
    result = await conn.execute(
        assignment_t.update()
        .where(assignment_t.c.id == assignment_id, assignment_t.c.acknowledged_at.is_(None))
        .values(acknowledged_at=ctx.now(), acknowledged_by=ctx.viewer.subject)
        .returning(*assignment_t.c)
    )
    updated = result.mappings().first()
    if updated is None:  # signed already (or by a concurrent signer): the share as it is
        now = await conn.execute(sa.select(assignment_t).where(assignment_t.c.id == assignment_id))
        return dict(now.mappings().one())
    await audit(
        ctx,
        conn,
        action="signFor",
        target_type="Assignment",
        target_id=assignment_id,
        before={"acknowledged_at": None},
        after={"acknowledged_at": updated["acknowledged_at"], "task_id": share["task_id"]},
        scope_unit=share["org_unit_id"],
    )
    task_changed(ctx, share["task_id"])
    return dict(updated)


@strawberry.type(description="Result of signFor.")
class SignForPayload:
    assignment: Assignment | None = strawberry.field(description="The share, signed for.")
    errors: list[UserError] = strawberry.field(description="Why it was refused, if it was.")


@strawberry.type
class SigningMutation:
    @strawberry.mutation(
        description=(
            "签收: the assigned unit signs for its share of a task (REPORTER of that unit)."
            " Again, or after a concurrent signer, is a no-op."
        )
    )
    async def sign_for(
        self,
        info: Info,
        assignment: Annotated[
            strawberry.ID, strawberry.argument(description="The unit's share (Assignment id).")
        ],
    ) -> SignForPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> SignForPayload:
            row = await sign_for(
                ctx, conn, assignment_id=input_id(assignment, "Assignment", "assignment")
            )
            return SignForPayload(assignment=Assignment.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or SignForPayload(assignment=None, errors=errors)


@strawberry.type
class SigningQuery:
    @strawberry.field(
        description=(
            "Shares (assignments) nobody has signed for (签收), oldest first: `late: true` (the"
            " default) only those past their sign-by day (assigned day + the plan's"
            " signWithinDays, calendar days) as of today; `issuedBy: ME | MY_SUBTREE` only"
            " tasks the viewer's unit (or its subtree) issued: the issuer's list."
        )
    )
    async def unsigned_assignments(
        self,
        info: Info,
        late: bool = True,
        issued_by: UnitParty | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Assignment]:
        ctx = info.context
        a = assignment_t
        days = (
            sa.select(plan_t.c.sign_within_days)
            .where(plan_t.c.id == task_t.c.plan_id)
            .scalar_subquery()
        )
        statement = (
            sa.select(a)
            .select_from(a.join(task_t, task_t.c.id == a.c.task_id))
            .where(a.c.acknowledged_at.is_(None), share_visible(ctx.scope, a.c.id))
        )
        if late:
            statement = statement.where(
                unsigned_late(a.c.acknowledged_at, a.c.created_at, days, ctx.today())
            )
        if issued_by is not None:
            issuer = (
                sa.select(document_t.c.issuer_id)
                .where(document_t.c.id == task_t.c.document_id)
                .scalar_subquery()
            )
            statement = statement.where(party_filter(issuer, issued_by, ctx.viewer.unit_id))
        return await paginate(
            info, statement, [a.c.created_at, a.c.id], Assignment.from_row, first=first, after=after
        )
