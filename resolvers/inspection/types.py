"""GraphQL types Inspection (督察), Finding (反馈问题) and Rectification (整改事项)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from models import Inspection as InspectionModel
from models import Rectification as RectificationModel
from models import enums
from models.rules import signing
from resolvers.common import Connection, Deadline, Info, RowNode, global_id
from resolvers.ids import encode_global_id
from resolvers.org_unit.types import OrgUnit
from resolvers.scope import internal_hidden

if TYPE_CHECKING:
    from resolvers.comment.types import Comment
    from resolvers.escalation.types import Escalation
    from resolvers.evidence.types import EvidenceFile
    from resolvers.task.report import Evidence


@strawberry.type(description="A numbered problem of an inspection's feedback (反馈问题N).")
class Finding:
    number: int = strawberry.field(description="The feedback's problem number.")
    section: str | None = strawberry.field(description="Chapter heading it sits under.")
    subsection: str | None = strawberry.field(description="Sub-heading it sits under.")
    text: str = strawberry.field(description="The problem as the feedback states it.")

    @classmethod
    def from_row(cls, row: RowMapping) -> Finding:
        """From a `finding` row."""
        return cls(
            number=row["number"],
            section=row["section"],
            subsection=row["subsection"],
            text=row["text"],
        )


@strawberry.type(description="An inspection (督察) of a unit by an inspection team.")
class Inspection(RowNode, relay.Node):
    ROW_MODEL: ClassVar[Any] = InspectionModel
    id: relay.NodeID[str]
    name: str = strawberry.field(description="Name of the inspection.")
    on_site_from: date | None = strawberry.field(description="First day on site.")
    on_site_to: date | None = strawberry.field(description="Last day on site.")
    feedback_on: date | None = strawberry.field(description="Date the feedback was given.")
    remarks: str | None = strawberry.field(description="Remarks.")
    inspector_id: strawberry.Private[uuid.UUID | None]
    subject_unit_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: RowMapping) -> Inspection:
        """From an `inspection` row."""
        return cls(
            id=str(row["id"]),
            name=row["name"],
            on_site_from=row["on_site_from"],
            on_site_to=row["on_site_to"],
            feedback_on=row["feedback_on"],
            remarks=row["remarks"],
            inspector_id=row["inspector_id"],
            subject_unit_id=row["subject_unit_id"],
        )

    @strawberry.field(description="The inspection team (督察组).")
    async def inspector(self, info: Info) -> OrgUnit | None:
        if self.inspector_id is None:
            return None
        row = await info.context.loaders.org_unit_by_id.load(self.inspector_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="The inspected unit.")
    async def subject_unit(self, info: Info) -> OrgUnit | None:
        if self.subject_unit_id is None:
            return None
        row = await info.context.loaders.org_unit_by_id.load(self.subject_unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="The feedback's numbered problems.")
    async def findings(self, info: Info) -> list[Finding]:
        rows = await info.context.loaders.findings_by_inspection.load(uuid.UUID(self.id))
        return [Finding.from_row(r) for r in rows]

    @strawberry.field(description="Rectification items answering this inspection.")
    async def rectifications(
        self,
        info: Info,
        filter: RectificationFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Rectification]:
        # Local: the GraphQL types refer to each other (import cycle at module level).
        from resolvers.inspection.queries import inspection_rectification_connection

        return await inspection_rectification_connection(
            info, uuid.UUID(self.id), filter, first=first, after=after
        )

    @strawberry.field(
        description=(
            "Units designated supervisor of this inspection's rectification list (e.g. 区环委办):"
            " they see its items and run 验收/销号 (VERIFIED, CLOSED, REOPENED) on them."
            " Dated (督办单位的任期): `asOf` gives those designated by the end of that day and"
            " not yet revoked then; default: the current ones (revokeSupervisor ends a"
            " supervision, the history stays)."
        )
    )
    async def supervisors(
        self,
        info: Info,
        as_of: Annotated[
            date | None,
            strawberry.argument(description="The day (end of day); default: today (current)."),
        ] = None,
    ) -> list[OrgUnit]:
        loader = info.context.loaders.supervisors_of("inspection_id", as_of)
        rows = await loader.load(uuid.UUID(self.id))
        return [OrgUnit.from_row(r) for r in rows]


@strawberry.type(description="A rectification item (整改事项) and its close-out state.")
class Rectification(RowNode, relay.Node):
    ROW_MODEL: ClassVar[Any] = RectificationModel
    id: relay.NodeID[str]
    seq: int = strawberry.field(description="序号 in the rectification list.")
    category: str | None = strawberry.field(description="Heading it sits under.")
    problem: str = strawberry.field(description="The problem to rectify.")
    goal: str | None = strawberry.field(description="整改目标.")
    measures: list[str] = strawberry.field(description="整改措施, one entry per measure.")
    responsibility_text: str | None = strawberry.field(
        description="责任单位 exactly as the document writes it."
    )
    responsibility_unresolved: list[str] = strawberry.field(
        description=(
            "Group references naming only the units concerned (区直相关单位), as written:"
            " never expanded to every unit; responsibleUnits holds the units named."
        )
    )
    persons: strawberry.Private[str | None]
    deadline: Deadline = strawberry.field(description="整改期限.")
    status: enums.RectificationStatus = strawberry.field(
        description=(
            "Workflow state, derived from the shares: the least-advanced share's state, but"
            " IN_PROGRESS rather than NOT_STARTED once any share has started (order NOT_STARTED"
            " < REOPENED < IN_PROGRESS < COMPLETED < VERIFIED < CLOSED); COMPLETED only when"
            " every share is at least COMPLETED."
        )
    )
    version: int = strawberry.field(
        description=(
            "Row version: expectedVersion of a move of the item as a whole (bumped by every"
            " move of a share too)."
        )
    )
    inspection_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> Rectification:
        """From a `rectification` row."""
        return cls(
            id=str(row["id"]),
            seq=row["seq"],
            category=row["category"],
            problem=row["problem"],
            goal=row["goal"],
            measures=[str(m) for m in row["measures"] or []],
            responsibility_text=row["responsibility_text"],
            responsibility_unresolved=[str(t) for t in row["responsibility_unresolved"] or []],
            persons=row["responsible_persons"],
            deadline=Deadline.from_row(row),
            status=enums.RectificationStatus(row["status"]),
            version=row["version"],
            inspection_id=row["inspection_id"],
        )

    @strawberry.field(
        description=(
            "The workflow state as of the date (end of day), as rectificationRollup(asOf)"
            " counts it: its latest event's by then, NOT_STARTED before any; null when the item"
            " was created after that day. Lists beside an as-of rollup show this."
        )
    )
    async def status_as_of(
        self,
        info: Info,
        as_of: Annotated[date, strawberry.argument(description="The day (Asia/Shanghai).")],
    ) -> enums.RectificationStatus | None:
        from resolvers.inspection.as_of import rectification_state_as_of

        return await rectification_state_as_of(info, uuid.UUID(self.id), as_of)

    @strawberry.field(
        description=(
            "The item's light (亮灯 / 三色督办) as of the date (default today), judged on its"
            " state derived from all its shares (statusAsOf): RED overdue (not COMPLETED,"
            " VERIFIED or CLOSED, not 长期坚持, the 整改时限 ended before the date); YELLOW due"
            " within 14 days; GREEN otherwise (done, 长期坚持 and no deadline end included)."
            " Null when the item was created after that day."
        )
    )
    async def health(self, info: Info, as_of: date | None = None) -> enums.Health | None:
        from resolvers.inspection.health import rectification_health

        return await rectification_health(info, uuid.UUID(self.id), as_of)

    @strawberry.field(description="责任人 (internal: null for sharing partners).")
    def responsible_persons(self, info: Info) -> str | None:
        return None if internal_hidden(info) else self.persons

    @strawberry.field(description="Numbers of the feedback problems this item answers.")
    async def finding_numbers(self, info: Info) -> list[int]:
        rows = await info.context.loaders.finding_numbers_by_rectification.load(uuid.UUID(self.id))
        return [r["number"] for r in rows]

    @strawberry.field(description="Responsible units (责任单位), resolved, first-named first.")
    async def responsible_units(self, info: Info) -> list[OrgUnit]:
        rows = await info.context.loaders.units_by_rectification.load(uuid.UUID(self.id))
        return [OrgUnit.from_row(r) for r in rows]

    @strawberry.field(
        description="Workflow history of every share and of the item as a whole, oldest first."
    )
    async def events(self, info: Info) -> list[RectificationEvent]:
        rows = await info.context.loaders.events_by_rectification.load(uuid.UUID(self.id))
        return [RectificationEvent.from_row(r) for r in rows]

    @strawberry.field(
        description=(
            "Each responsible unit's own share (责任单位的份额): its state, version and events,"
            " first-named first."
        )
    )
    async def shares(self, info: Info) -> list[RectificationShare]:
        rows = await info.context.loaders.shares_by_rectification.load(uuid.UUID(self.id))
        return [RectificationShare.from_row(r) for r in rows]

    @strawberry.field(description="Escalations (督办) about it, newest first.")
    async def escalations(
        self, info: Info
    ) -> list[Annotated[Escalation, strawberry.lazy("resolvers.escalation.types")]]:
        # Local: the GraphQL types refer to each other (import cycle at module level).
        from resolvers.escalation.types import escalations_of

        return await escalations_of(info, "rectification_id", uuid.UUID(self.id))

    @strawberry.field(description="Comments and 批示 on this rectification item, oldest first.")
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
            info, "rectification_id", uuid.UUID(str(self.id)), kind=kind, first=first, after=after
        )

    @strawberry.field(description="The inspection this item answers.")
    async def inspection(self, info: Info) -> Inspection:
        row = await info.context.loaders.inspection_by_id.get(self.inspection_id)
        return Inspection.from_row(row)


@strawberry.type(
    description=(
        "A responsible unit's share of a rectification item: its own workflow state, version"
        " and events (a unit moves and notes its own share; the item's state derives from the"
        " shares)."
    )
)
class RectificationShare:
    id: strawberry.ID = strawberry.field(
        description="Global id of the share (RectificationShare): signFor(share:) takes it."
    )
    state: enums.RectificationStatus = strawberry.field(description="The share's state.")
    version: int = strawberry.field(description="expectedVersion of a move of this share.")
    assigned_at: datetime | None = strawberry.field(
        description="When the unit was made responsible (its sign-for days count from then)."
    )
    acknowledged_at: datetime | None = strawberry.field(
        description="When the unit signed for its share (签收, signFor(share:)); null: not yet."
    )
    unit_id: strawberry.Private[uuid.UUID]
    row_id: strawberry.Private[uuid.UUID]
    rectification_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> RectificationShare:
        """From a `rectification_assignment` row."""
        return cls(
            id=strawberry.ID(encode_global_id("RectificationShare", row["id"])),
            state=enums.RectificationStatus(row["status"]),
            version=row["version"],
            assigned_at=row.get("assigned_at"),
            acknowledged_at=row.get("acknowledged_at"),
            unit_id=row["org_unit_id"],
            row_id=row["id"],
            rectification_id=row["rectification_id"],
        )

    @strawberry.field(
        description=(
            "The last day to sign for it (签收期限): the day it was assigned plus the"
            " inspection's sign-for days (3 calendar days, as a plan's default)."
        )
    )
    def sign_by(self) -> date | None:
        if self.assigned_at is None:
            return None
        return signing.sign_by(self.assigned_at, signing.INSPECTION_DAYS)

    @strawberry.field(
        description=(
            "This unit's own share's light (亮灯) as of the date (default today), from its own"
            " state as of then (models/rules/health.py, as the item's light): RED overdue,"
            " YELLOW due within 14 days, GREEN otherwise; null when the item was created after"
            " that day."
        )
    )
    async def health(self, info: Info, as_of: date | None = None) -> enums.Health | None:
        from resolvers.inspection.health import rectification_share_health

        return await rectification_share_health(info, self.row_id, as_of)

    @strawberry.field(description="The rectification item this is a share of.")
    async def rectification(self, info: Info) -> Rectification | None:
        row = await info.context.loaders.by_id(RectificationModel).load(self.rectification_id)
        return Rectification.from_row(row) if row else None

    @strawberry.field(description="The responsible unit (null where it is out of your scope).")
    async def unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.org_unit_by_id.load(self.unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="Its events and the moves of the item as a whole, oldest first.")
    async def events(self, info: Info) -> list[RectificationEvent]:
        rows = await info.context.loaders.events_by_share.load(self.row_id)
        return [RectificationEvent.from_row(r) for r in rows]


@strawberry.input(description="Filter for rectification lists.")
class RectificationFilter:
    status: list[enums.RectificationStatus] | None = strawberry.field(
        default=None, description="Workflow state in this set."
    )
    inspection: strawberry.ID | None = strawberry.field(default=None, description="Inspection.")
    responsible_unit: strawberry.ID | None = strawberry.field(
        default=None, description="This unit is responsible."
    )
    due_before: date | None = strawberry.field(
        default=None, description="Deadline end on or before this date."
    )
    overdue_as_of: date | None = strawberry.field(
        default=None,
        description=(
            "Overdue as of this date (end of day): not COMPLETED, VERIFIED or CLOSED by then,"
            " not 长期坚持, the deadline ended before it (= rectificationRollup(asOf).overdue)."
        ),
    )
    due_soon_as_of: date | None = strawberry.field(
        default=None,
        description="Due soon as of this date: open, deadline ending within 14 days from it.",
    )
    text: str | None = strawberry.field(
        default=None,
        description="Substring of the problem, ignoring case and full-/half-width forms.",
    )


@strawberry.type(description="One workflow transition of a rectification: who, when, why.")
class RectificationEvent:
    from_status: enums.RectificationStatus | None = strawberry.field(description="State before.")
    to_status: enums.RectificationStatus = strawberry.field(description="State after.")
    actor_name: strawberry.Private[str | None]
    occurred_at: datetime = strawberry.field(description="When.")
    comment: str | None = strawberry.field(description="Comment.")
    evidence: list[Annotated[Evidence, strawberry.lazy("resolvers.task.report")]] = (
        strawberry.field(description="Supporting links.")
    )
    actor_unit_id: strawberry.Private[uuid.UUID | None]
    share_unit_id: strawberry.Private[uuid.UUID | None]
    row_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> RectificationEvent:
        """From a `rectification_event` row."""
        # Local: the GraphQL types refer to each other (import cycle at module level).
        from resolvers.task.report import Evidence

        return cls(
            from_status=enums.RectificationStatus(row["from_status"])
            if row["from_status"]
            else None,
            to_status=enums.RectificationStatus(row["to_status"]),
            actor_name=row["actor"],
            occurred_at=row["occurred_at"],
            comment=row["comment"],
            evidence=[Evidence(url=e["url"], title=e.get("title")) for e in row["evidence"] or []],
            actor_unit_id=row["actor_unit_id"],
            share_unit_id=row.get("share_unit_id"),
            row_id=row["id"],
        )

    @strawberry.field(description="Global id (attachEvidence takes it).")
    def id(self) -> strawberry.ID:
        return global_id("RectificationEvent", self.row_id)

    @strawberry.field(description="Evidence files (佐证材料) attached to it, oldest first.")
    async def files(
        self, info: Info
    ) -> list[Annotated[EvidenceFile, strawberry.lazy("resolvers.evidence.types")]]:
        from resolvers.evidence.types import event_files

        return await event_files(info, self.row_id)

    @strawberry.field(description="Who made it (internal: null for sharing partners).")
    def actor(self, info: Info) -> str | None:
        return None if internal_hidden(info) else self.actor_name

    @strawberry.field(
        description=(
            "The unit whose share it moved or noted; null for a move of the item as a whole"
            " (which moves every share) or where the unit is out of your scope."
        )
    )
    async def unit(self, info: Info) -> OrgUnit | None:
        if self.share_unit_id is None:
            return None
        row = await info.context.loaders.org_unit_by_id.load(self.share_unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="The acting unit.")
    async def actor_unit(self, info: Info) -> OrgUnit | None:
        if self.actor_unit_id is None:
            return None
        row = await info.context.loaders.org_unit_by_id.load(self.actor_unit_id)
        return OrgUnit.from_row(row) if row else None
