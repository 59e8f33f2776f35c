"""The dated tree in GraphQL: org-unit events (区划/机构调整), attestations, and the loaders of
children on a date, predecessors, successors and events (models/org_unit_tree.py)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Annotated

import sqlalchemy as sa
import strawberry
from sqlalchemy.engine import RowMapping

from models import Document as DocumentModel
from models import OrgUnit as OrgUnitModel
from models import OrgUnitAttestation, OrgUnitEvent, OrgUnitEventUnit, enums
from models.org_unit_tree import in_force_at, parent_links
from resolvers.common import Info
from resolvers.loaders import RowsByKeyLoader
from resolvers.scope import visibility

if TYPE_CHECKING:
    from resolvers.document.types import Document
    from resolvers.org_unit.types import OrgUnit

OrgUnitEventKind = strawberry.enum(enums.OrgUnitEventKind)

unit_t: sa.Table = OrgUnitModel.__table__  # type: ignore[attr-defined]
event_t: sa.Table = OrgUnitEvent.__table__  # type: ignore[attr-defined]
event_unit_t: sa.Table = OrgUnitEventUnit.__table__  # type: ignore[attr-defined]
attestation_t: sa.Table = OrgUnitAttestation.__table__  # type: ignore[attr-defined]
document_t: sa.Table = DocumentModel.__table__  # type: ignore[attr-defined]

MAX_ITEMS = 100  # every list here is bounded
PREDECESSOR = enums.OrgUnitEventRole.PREDECESSOR.value
SUCCESSOR = enums.OrgUnitEventRole.SUCCESSOR.value


def bounded(first: int | None, default: int = 20) -> int:
    """`first` clamped to 0..MAX_ITEMS (default 20)."""
    return max(0, min(first if first is not None else default, MAX_ITEMS))


# -- loaders ----------------------------------------------------------------------------------


def children_on(info: Info, on: date) -> RowsByKeyLoader:
    """ChildrenByOrgUnitOnLoader: units in force on `on` whose parent link covers it."""
    loaders = info.context.loaders
    link = parent_links()
    stmt = (
        sa.select(unit_t)
        .join(link, link.c.org_unit_id == unit_t.c.id)
        .where(in_force_at(link, on), in_force_at(unit_t, on), visibility(loaders.scope, unit_t))
    )
    return loaders.get(
        ("ChildrenByOrgUnitOn", on),
        lambda: RowsByKeyLoader(
            loaders.db, stmt, link.c.parent_id, [unit_t.c.sort_order, unit_t.c.name, unit_t.c.id]
        ),
    )


def parent_on(info: Info, on: date) -> RowsByKeyLoader:
    """ParentByOrgUnitOnLoader: the (visible) parent whose link to the unit covers `on`."""
    loaders = info.context.loaders
    link = parent_links()
    stmt = (
        sa.select(unit_t)
        .join(link, link.c.parent_id == unit_t.c.id)
        .where(in_force_at(link, on), visibility(loaders.scope, unit_t))
    )
    return loaders.get(
        ("ParentByOrgUnitOn", on),
        lambda: RowsByKeyLoader(loaders.db, stmt, link.c.org_unit_id, [unit_t.c.id]),
    )


def linked_units(info: Info, own_role: str) -> RowsByKeyLoader:
    """Units on the other side of the events where the key unit has `own_role`:
    predecessors of a successor (own_role SUCCESSOR) or successors of a predecessor."""
    loaders = info.context.loaders
    own, other = event_unit_t.alias("own"), event_unit_t.alias("other")
    stmt = (
        sa.select(unit_t)
        .select_from(
            own.join(other, other.c.event_id == own.c.event_id)
            .join(event_t, event_t.c.id == own.c.event_id)
            .join(unit_t, unit_t.c.id == other.c.org_unit_id)
        )
        .where(
            own.c.role == own_role,
            other.c.role == (PREDECESSOR if own_role == SUCCESSOR else SUCCESSOR),
            visibility(loaders.scope, unit_t),
        )
    )
    return loaders.get(
        ("LinkedUnitsByOrgUnit", own_role),
        lambda: RowsByKeyLoader(
            loaders.db, stmt, own.c.org_unit_id, [event_t.c.occurred_on, other.c.position]
        ),
    )


def events_by_unit(info: Info) -> RowsByKeyLoader:
    """OrgUnitEventsByOrgUnitLoader: the events a unit took part in, newest first."""
    loaders = info.context.loaders
    stmt = sa.select(event_t).join(event_unit_t, event_unit_t.c.event_id == event_t.c.id)
    return loaders.get(
        "OrgUnitEventsByOrgUnit",
        lambda: RowsByKeyLoader(
            loaders.db,
            stmt,
            event_unit_t.c.org_unit_id,
            [event_t.c.occurred_on.desc(), event_t.c.id],
        ),
    )


def units_by_event(info: Info, role: str) -> RowsByKeyLoader:
    """The event's predecessors or successors (visible ones), in the order given."""
    loaders = info.context.loaders
    stmt = (
        sa.select(unit_t)
        .join(event_unit_t, event_unit_t.c.org_unit_id == unit_t.c.id)
        .where(event_unit_t.c.role == role, visibility(loaders.scope, unit_t))
    )
    return loaders.get(
        ("OrgUnitsByOrgUnitEvent", role),
        lambda: RowsByKeyLoader(
            loaders.db, stmt, event_unit_t.c.event_id, [event_unit_t.c.position]
        ),
    )


def attestations_by_unit(info: Info) -> RowsByKeyLoader:
    """AttestationsByOrgUnitLoader: the documents attesting a unit, oldest first."""
    loaders = info.context.loaders
    stmt = sa.select(attestation_t)
    return loaders.get(
        "AttestationsByOrgUnit",
        lambda: RowsByKeyLoader(
            loaders.db,
            stmt,
            attestation_t.c.org_unit_id,
            [attestation_t.c.attested_on, attestation_t.c.id],
        ),
    )


def _units(rows: list[RowMapping]) -> list[OrgUnit]:
    from resolvers.org_unit.types import OrgUnit

    return [OrgUnit.from_row(row) for row in rows]


# -- types ------------------------------------------------------------------------------------


@strawberry.type(
    name="OrgUnitEvent", description="A dated change of the unit tree (区划/机构调整)."
)
class OrgUnitEventType:
    id: strawberry.ID = strawberry.field(description="The event's id.")
    kind: enums.OrgUnitEventKind = strawberry.field(description="What happened.")
    occurred_on: date = strawberry.field(description="The day it took effect.")
    basis: str | None = strawberry.field(description="The decision or document it rests on.")
    document_id: strawberry.Private[uuid.UUID | None]
    row_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: RowMapping) -> OrgUnitEventType:
        """From an `org_unit_event` row."""
        return cls(
            id=strawberry.ID(str(row["id"])),
            kind=enums.OrgUnitEventKind(row["kind"]),
            occurred_on=row["occurred_on"],
            basis=row["basis"],
            document_id=row["document_id"],
            row_id=row["id"],
        )

    @strawberry.field(description="Units that ended at this event (visible ones).")
    async def predecessors(
        self, info: Info
    ) -> list[Annotated[OrgUnit, strawberry.lazy("resolvers.org_unit.types")]]:
        return _units(await units_by_event(info, PREDECESSOR).load(self.row_id))

    @strawberry.field(description="Units that carry on after it (visible ones).")
    async def successors(
        self, info: Info
    ) -> list[Annotated[OrgUnit, strawberry.lazy("resolvers.org_unit.types")]]:
        return _units(await units_by_event(info, SUCCESSOR).load(self.row_id))

    @strawberry.field(description="The document it rests on, if recorded and visible.")
    async def document(
        self, info: Info
    ) -> Annotated[Document, strawberry.lazy("resolvers.document.types")] | None:
        from resolvers.document.types import Document

        if self.document_id is None:
            return None
        row = await info.context.loaders.by_id(DocumentModel).load(self.document_id)
        return Document.from_row(row) if row else None


@strawberry.type(
    name="OrgUnitAttestation", description="A document attesting that a unit existed on its date."
)
class OrgUnitAttestationType:
    attested_on: date = strawberry.field(description="The document's date.")
    text: str | None = strawberry.field(description="Where the document names the unit.")
    document_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="The attesting document, if visible.")
    async def document(
        self, info: Info
    ) -> Annotated[Document, strawberry.lazy("resolvers.document.types")] | None:
        from resolvers.document.types import Document

        row = await info.context.loaders.by_id(DocumentModel).load(self.document_id)
        return Document.from_row(row) if row else None
