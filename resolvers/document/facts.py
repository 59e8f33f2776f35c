"""GraphQL types ReportedFact and ReportedFigure: what a document (news) reports about a unit.

Reported, not measured: the figures are the document's own numbers (阳城县: 25 rectification
items, 21 done), queryable on the document and the unit; they never enter indicator
attainment or task rollups.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.engine import RowMapping

from models import OrgUnitClosure
from models import ReportedFact as ReportedFactModel
from resolvers.common import Info
from resolvers.ids import encode_global_id
from resolvers.org_unit.types import OrgUnit
from resolvers.scope import visibility

if TYPE_CHECKING:
    from resolvers.document.types import Document

fact_t: sa.Table = ReportedFactModel.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]


@strawberry.type(description="A number a document states, with its unit of measure.")
class ReportedFigure:
    label: str = strawberry.field(description="What is counted, in the document's words.")
    value: float = strawberry.field(description="The number.")
    unit_of_measure: str | None = strawberry.field(description="项, 件, 家次, 万元 …")


@strawberry.type(description="A document's sentence about a unit (news), with its figures.")
class ReportedFact:
    id: strawberry.ID = strawberry.field(description="Global id.")
    year: int | None = strawberry.field(description="Year the fact is about.")
    as_of: date | None = strawberry.field(description="Date the figures hold on, if given.")
    text: str = strawberry.field(description="The sentence as the document writes it.")
    source: str | None = strawberry.field(description="Article or section it comes from.")
    remarks: str | None = strawberry.field(description="Transcriber's remarks.")
    figures: list[ReportedFigure] = strawberry.field(description="Numbers the sentence states.")
    unit_id: strawberry.Private[uuid.UUID]
    document_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> ReportedFact:
        """From a `reported_fact` row."""
        return cls(
            id=strawberry.ID(encode_global_id("ReportedFact", row["id"])),
            year=row["year"],
            as_of=row["as_of"],
            text=row["text"],
            source=row["source"],
            remarks=row["remarks"],
            figures=[
                ReportedFigure(
                    label=str(f["label"]),
                    value=float(f["value"]),
                    unit_of_measure=f.get("unitOfMeasure"),
                )
                for f in row["figures"] or []
            ],
            unit_id=row["org_unit_id"],
            document_id=row["document_id"],
        )

    @strawberry.field(description="The unit the fact is about.")
    async def unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.org_unit_by_id.load(self.unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="The document reporting it.")
    async def document(
        self, info: Info
    ) -> Annotated[Document, strawberry.lazy("resolvers.document.types")] | None:
        # Local: the GraphQL types refer to each other (import cycle at module level).
        from resolvers.document.types import Document

        row = await info.context.loaders.document_by_id.load(self.document_id)
        return Document.from_row(row) if row else None


async def facts_of_document(info: Info, document_id: uuid.UUID) -> list[ReportedFact]:
    """A document's facts, in document order."""
    rows = await info.context.db.fetch_all(
        sa.select(fact_t)
        .where(fact_t.c.document_id == document_id, visibility(info.context.scope, fact_t))
        .order_by(fact_t.c.seq)
    )
    return [ReportedFact.from_row(row) for row in rows]


async def facts_of_unit(
    info: Info, unit_id: uuid.UUID, *, include_descendants: bool, year: int | None
) -> list[ReportedFact]:
    """Facts about the unit (and, by default, the units below it: 阳城县's 分局)."""
    about = (
        fact_t.c.org_unit_id.in_(
            sa.select(closure_t.c.descendant_id).where(closure_t.c.ancestor_id == unit_id)
        )
        if include_descendants
        else fact_t.c.org_unit_id == unit_id
    )
    stmt = sa.select(fact_t).where(about, visibility(info.context.scope, fact_t))
    if year is not None:
        stmt = stmt.where(fact_t.c.year == year)
    rows = await info.context.db.fetch_all(
        stmt.order_by(fact_t.c.document_id, fact_t.c.seq).limit(1000)
    )
    return [ReportedFact.from_row(row) for row in rows]
