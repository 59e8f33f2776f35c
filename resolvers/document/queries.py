"""Document and Plan queries."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
import strawberry

from models import Document as DocumentModel
from models import Plan as PlanModel
from models import enums
from models.rules.names import normalize_doc_number
from resolvers.common import Connection, Info, decode_global_id, paginate
from resolvers.document.types import Document, Plan
from resolvers.scope import visibility

document_t: sa.Table = DocumentModel.__table__  # type: ignore[attr-defined]
plan_t: sa.Table = PlanModel.__table__  # type: ignore[attr-defined]


@strawberry.type
class DocumentQuery:
    @strawberry.field(description="Documents, newest first; filter by 文号 or kind.")
    async def documents(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        doc_number: str | None = None,
        kind: enums.DocumentKind | None = None,
    ) -> Connection[Document]:
        stmt = sa.select(document_t).where(visibility(info.context.scope, document_t))
        if doc_number is not None:
            stmt = stmt.where(
                document_t.c.doc_number_normalized == normalize_doc_number(doc_number)
            )
        if kind is not None:
            stmt = stmt.where(document_t.c.kind == kind.value)
        # Newest first; undated documents last; the id keeps the order total.
        issued = sa.func.coalesce(document_t.c.issued_on, sa.literal(date(1, 1, 1), sa.Date))
        order = [issued, document_t.c.id]
        return await paginate(
            info, stmt, order, Document.from_row, first=first, after=after, descending=True
        )

    @strawberry.field(
        description="Plans, by document and order in it; filter by document or field."
    )
    async def plans(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        document: strawberry.ID | None = None,
        field: enums.PlanField | None = None,
        year: int | None = None,
    ) -> Connection[Plan]:
        stmt = sa.select(plan_t).where(visibility(info.context.scope, plan_t))
        if document is not None:
            stmt = stmt.where(plan_t.c.document_id == decode_global_id(document, "Document"))
        if field is not None:
            stmt = stmt.where(plan_t.c.field == field.value)
        if year is not None:
            stmt = stmt.where(plan_t.c.year == year)
        order = [plan_t.c.document_id, plan_t.c.seq, plan_t.c.id]
        return await paginate(info, stmt, order, Plan.from_row, first=first, after=after)
