"""designateSupervisor and revokeSupervisor (issue 17, point 6)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from resolvers.common import Info
from resolvers.document.types import Plan
from resolvers.errors import UserError
from resolvers.inspection.types import Inspection
from resolvers.org_unit.types import OrgUnit
from resolvers.supervision import service
from resolvers.task.mutations import input_id
from resolvers.writes import run_mutation


@strawberry.type(
    description=(
        "A unit designated supervisor (督办单位, e.g. 区环委办) of a plan or of an inspection's"
        " rectification list: it sees the plan's tasks or the inspection's items and their"
        " rollups, and runs 验收/销号 (VERIFIED, CLOSED, REOPENED) on the items, without being"
        " above their units in the tree."
    )
)
class Supervision:
    designated_at: datetime = strawberry.field(description="When it was designated.")
    ended_at: datetime | None = strawberry.field(
        description=(
            "When it was revoked (the end of its valid period, 任期截止); null: in force."
            " A revoked supervision gives neither visibility nor rights."
        )
    )
    unit_id: strawberry.Private[uuid.UUID]
    plan_id: strawberry.Private[uuid.UUID | None]
    inspection_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> Supervision:
        """From a `supervision` row."""
        return cls(
            designated_at=row["created_at"],
            ended_at=row.get("ended_at"),
            unit_id=row["org_unit_id"],
            plan_id=row["plan_id"],
            inspection_id=row["inspection_id"],
        )

    @strawberry.field(description="The supervising unit.")
    async def unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.org_unit_by_id.load(self.unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="The plan supervised (null for an inspection).")
    async def plan(self, info: Info) -> Plan | None:
        if self.plan_id is None:
            return None
        row = await info.context.loaders.plan_by_id.load(self.plan_id)
        return Plan.from_row(row) if row else None

    @strawberry.field(description="The inspection supervised (null for a plan).")
    async def inspection(self, info: Info) -> Inspection | None:
        if self.inspection_id is None:
            return None
        row = await info.context.loaders.inspection_by_id.load(self.inspection_id)
        return Inspection.from_row(row) if row else None


@strawberry.input(description="A supervisor of a plan or of an inspection's rectification list.")
class SupervisorInput:
    target: strawberry.ID = strawberry.field(description="The Plan or Inspection.")
    unit: strawberry.ID = strawberry.field(description="The supervising unit.")


@strawberry.type(description="Result of designateSupervisor and revokeSupervisor.")
class SupervisionPayload:
    supervision: Supervision | None = strawberry.field(
        description="The supervision designated (or revoked)."
    )
    errors: list[UserError] = strawberry.field(description="Why it was rejected, if it was.")


async def _write(
    info: Info,
    input: SupervisorInput,
    write: Callable[..., Awaitable[dict[str, Any]]],
) -> SupervisionPayload:
    ctx = info.context

    async def body(conn: AsyncConnection) -> SupervisionPayload:
        row = await write(
            ctx, conn, target=input.target, unit=input_id(input.unit, "OrgUnit", "unit")
        )
        return SupervisionPayload(supervision=Supervision.from_row(row), errors=[])

    result, errors = await run_mutation(ctx, body)
    return result or SupervisionPayload(supervision=None, errors=errors)


@strawberry.type
class SupervisionMutation:
    @strawberry.mutation(
        description=(
            "Designate a unit supervisor of a plan or an inspection's rectification list"
            " (ADMIN, or a COORDINATOR of the issuer or a unit above it; the unit must be in"
            " your scope). DUPLICATE when it already is."
        )
    )
    async def designate_supervisor(self, info: Info, input: SupervisorInput) -> SupervisionPayload:
        return await _write(info, input, service.designate_supervisor)

    @strawberry.mutation(
        description=(
            "Revoke a supervisor (who may designate may revoke): ends the supervision (endedAt)"
            " instead of deleting it, so Plan.supervisors(asOf:) still answers for earlier"
            " days; NOT_FOUND when the unit is not a current supervisor."
        )
    )
    async def revoke_supervisor(self, info: Info, input: SupervisorInput) -> SupervisionPayload:
        return await _write(info, input, service.revoke_supervisor)
