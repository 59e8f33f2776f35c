"""GraphQL type ExtensionRequest (延期申请) and Task.extensionRequests."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import sqlalchemy as sa
import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from models import EvidenceFile as EvidenceFileModel
from models import ExtensionRequest as ExtensionRequestModel
from models import enums
from resolvers.common import Connection, Info, RowNode
from resolvers.loaders import RowsByKeyLoader
from resolvers.org_unit.types import OrgUnit
from resolvers.pagination import OrderKey, page_loader
from resolvers.scope import internal_hidden, visibility

if TYPE_CHECKING:
    from resolvers.evidence.types import EvidenceFile
    from resolvers.task.types import Assignment, Task

request_t: sa.Table = ExtensionRequestModel.__table__  # type: ignore[attr-defined]
evidence_t: sa.Table = EvidenceFileModel.__table__  # type: ignore[attr-defined]


@strawberry.type(
    description=(
        "An extension request (延期申请): a lead unit asks for a later deadline of a task, with"
        " a reason and evidence files; the plan's issuer (or a unit above it, or above the lead"
        " unit) approves or rejects it. An approval is a dated deadline change"
        " (Task.deadlineHistory): the original deadline stays, as-of views before it keep it."
    )
)
class ExtensionRequest(RowNode, relay.Node):
    ROW_MODEL: ClassVar[Any] = ExtensionRequestModel
    id: relay.NodeID[str]
    status: enums.ExtensionStatus = strawberry.field(
        description="PENDING (待审批), APPROVED (已批准), REJECTED (未批准), WITHDRAWN (已撤回)."
    )
    reason: str = strawberry.field(description="Why the lead unit asks (申请理由).")
    current_deadline_end: date | None = strawberry.field(
        description="The deadline end in force when it was asked."
    )
    requested_deadline_end: date = strawberry.field(description="The deadline end asked for.")
    requested_at: datetime = strawberry.field(description="When it was asked.")
    decided_at: datetime | None = strawberry.field(
        description="When it was approved, rejected or withdrawn."
    )
    decision_reason: str | None = strawberry.field(
        description="The approver's reason (审批意见); a rejection always gives one."
    )
    version: int = strawberry.field(description="Row version for expectedVersion.")
    task_id: strawberry.Private[uuid.UUID]
    assignment_id: strawberry.Private[uuid.UUID]
    requested_by_unit_id: strawberry.Private[uuid.UUID]
    addressed_to_id: strawberry.Private[uuid.UUID | None]
    decided_by_unit_id: strawberry.Private[uuid.UUID | None]
    requester: strawberry.Private[str | None]
    decider: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> ExtensionRequest:
        """From an `extension_request` row."""
        return cls(
            id=str(row["id"]),
            status=enums.ExtensionStatus(row["status"]),
            reason=row["reason"],
            current_deadline_end=row["current_end"],
            requested_deadline_end=row["requested_end"],
            requested_at=row["requested_at"],
            decided_at=row["decided_at"],
            decision_reason=row["decision_reason"],
            version=row["version"],
            task_id=row["task_id"],
            assignment_id=row["assignment_id"],
            requested_by_unit_id=row["requested_by_unit_id"],
            addressed_to_id=row["addressed_to_id"],
            decided_by_unit_id=row["decided_by_unit_id"],
            requester=row["requested_by"],
            decider=row["decided_by"],
        )

    @strawberry.field(description="The task whose deadline it asks to move.")
    async def task(
        self, info: Info
    ) -> Annotated[Task, strawberry.lazy("resolvers.task.types")] | None:
        from resolvers.task.types import Task

        row = await info.context.loaders.task_by_id.load(self.task_id)
        return Task.from_row(row) if row else None

    @strawberry.field(description="The requesting unit's LEAD share.")
    async def assignment(
        self, info: Info
    ) -> Annotated[Assignment, strawberry.lazy("resolvers.task.types")] | None:
        from models import Assignment as AssignmentModel
        from resolvers.task.types import Assignment

        row = await info.context.loaders.by_id(AssignmentModel).load(self.assignment_id)
        return Assignment.from_row(row) if row else None

    @strawberry.field(description="The requesting lead unit.")
    async def requested_by_unit(self, info: Info) -> OrgUnit:
        return OrgUnit.from_row(
            await info.context.loaders.org_unit_by_id.get(self.requested_by_unit_id)
        )

    @strawberry.field(
        description=(
            "The approver it is addressed to: the plan's issuer (for a subtask, the unit whose"
            " share it splits), else the lead unit's parent. Units above it may decide too."
        )
    )
    async def addressed_to(self, info: Info) -> OrgUnit | None:
        if self.addressed_to_id is None:
            return None
        row = await info.context.loaders.org_unit_by_id.load(self.addressed_to_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="The unit that approved or rejected it.")
    async def decided_by_unit(self, info: Info) -> OrgUnit | None:
        if self.decided_by_unit_id is None:
            return None
        row = await info.context.loaders.org_unit_by_id.load(self.decided_by_unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="Who asked (internal: null for sharing partners).")
    def requested_by(self, info: Info) -> str | None:
        return None if internal_hidden(info) else self.requester

    @strawberry.field(description="Who decided (internal: null for sharing partners).")
    def decided_by(self, info: Info) -> str | None:
        return None if internal_hidden(info) else self.decider

    @strawberry.field(description="Evidence files (佐证材料) of the request, oldest first.")
    async def files(
        self, info: Info
    ) -> list[Annotated[EvidenceFile, strawberry.lazy("resolvers.evidence.types")]]:
        from resolvers.evidence.types import EvidenceFile

        loaders = info.context.loaders
        loader = loaders.get(
            "EvidenceFilesByExtensionRequest",
            lambda: RowsByKeyLoader(
                loaders.db,
                sa.select(evidence_t).where(visibility(loaders.scope, evidence_t)),
                evidence_t.c.extension_request_id,
                [evidence_t.c.uploaded_at, evidence_t.c.id],
            ),
        )
        rows = await loader.load(uuid.UUID(self.id))
        return [EvidenceFile.from_row(row) for row in rows]


async def task_extension_requests(
    info: Info,
    task_id: uuid.UUID,
    *,
    status: list[enums.ExtensionStatus] | None,
    first: int | None,
    after: str | None,
) -> Connection[ExtensionRequest]:
    """Task.extensionRequests: newest first, batched over the tasks of a level."""
    scope = info.context.scope
    states = sorted(s.value for s in status or [])

    def statement(tasks: list[Any]) -> sa.Select[Any]:
        query = sa.select(request_t, request_t.c.task_id.label("_parent")).where(
            request_t.c.task_id.in_(tasks), visibility(scope, request_t)
        )
        return query.where(request_t.c.status.in_(states)) if states else query

    order = [OrderKey(request_t.c.requested_at, True), OrderKey(request_t.c.id, True)]
    loader = page_loader(
        info,
        ("ExtensionRequestsByTask", tuple(states)),
        statement,
        order,
        ExtensionRequest.from_row,
        first=first,
        after=after,
    )
    connection: Connection[ExtensionRequest] = await loader.load(task_id)
    return connection
