"""recordOrgUnitEvent: an ADMIN records a rename, merge, split, establishment or abolition."""

from __future__ import annotations

from datetime import date

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from models import enums
from resolvers.common import Info
from resolvers.errors import UserError
from resolvers.org_unit import service
from resolvers.org_unit.history import OrgUnitEventType
from resolvers.task.mutations import input_id
from resolvers.writes import run_mutation


@strawberry.input(description="A unit an event creates (a RENAME's new name, SPLIT's parts).")
class NewOrgUnitInput:
    name: str = strawberry.field(description="Canonical name.")
    code: str = strawberry.field(description="Stable code.")
    kind: enums.OrgUnitKind | None = strawberry.field(
        default=None, description="Kind; the (first) predecessor's by default."
    )
    parent: strawberry.ID | None = strawberry.field(
        default=None, description="Parent (块); the (first) predecessor's by default."
    )


@strawberry.input(description="A dated change of the unit tree (区划/机构调整).")
class RecordOrgUnitEventInput:
    kind: enums.OrgUnitEventKind = strawberry.field(description="What happened.")
    occurred_on: date = strawberry.field(description="The day it took effect (not in the future).")
    basis: str | None = strawberry.field(
        default=None, description="The decision or document it rests on, as text."
    )
    document: strawberry.ID | None = strawberry.field(
        default=None, description="The document it rests on, if recorded."
    )
    predecessors: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Units that end at the event."
    )
    successors: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Existing units that carry on (a MERGE's target)."
    )
    new_units: list[NewOrgUnitInput] = strawberry.field(
        default_factory=list, description="Units the event creates, successors too."
    )


@strawberry.type(description="Result of recordOrgUnitEvent.")
class RecordOrgUnitEventPayload:
    event: OrgUnitEventType | None = strawberry.field(description="The event recorded.")
    errors: list[UserError] = strawberry.field(description="Why it was rejected, if it was.")


@strawberry.type
class OrgUnitMutation:
    @strawberry.mutation(
        description=(
            "ADMIN: record a rename, merge, split, establishment or abolition and apply it to"
            " the tree in one transaction: predecessors end on the date, a merged or renamed"
            " unit's children pass to its successor, and rollups follow (the successor and its"
            " ancestors count the predecessor's tasks; tasks keep their units)."
        )
    )
    async def record_org_unit_event(
        self, info: Info, input: RecordOrgUnitEventInput
    ) -> RecordOrgUnitEventPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> RecordOrgUnitEventPayload:
            row = await service.record_event(
                ctx,
                conn,
                kind=input.kind,
                occurred_on=input.occurred_on,
                basis=input.basis,
                document_id=input_id(input.document, "Document", "document")
                if input.document
                else None,
                predecessors=[input_id(i, "OrgUnit", "predecessors") for i in input.predecessors],
                successors=[input_id(i, "OrgUnit", "successors") for i in input.successors],
                new_units=[
                    service.NewUnit(
                        name=new.name,
                        code=new.code,
                        kind=new.kind,
                        parent_id=input_id(new.parent, "OrgUnit", "newUnits")
                        if new.parent
                        else None,
                    )
                    for new in input.new_units
                ],
            )
            return RecordOrgUnitEventPayload(event=OrgUnitEventType.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or RecordOrgUnitEventPayload(event=None, errors=errors)
