"""Document mutations: createDocument, createPlan."""

from __future__ import annotations

from datetime import date

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from models import enums
from resolvers.common import Info
from resolvers.document import service
from resolvers.document.types import Document, Plan
from resolvers.errors import UserError
from resolvers.task.mutations import input_id
from resolvers.writes import run_mutation


@strawberry.input(description="A document (文件) to register.")
class CreateDocumentInput:
    title: str = strawberry.field(description="Title.")
    kind: enums.DocumentKind = strawberry.field(description="Kind of document.")
    doc_number: str | None = strawberry.field(default=None, description="文号.")
    issuer: strawberry.ID | None = strawberry.field(
        default=None, description="Issuing unit; the viewer's unit by default."
    )
    issued_on: date | None = strawberry.field(default=None, description="Date of issue.")
    based_on: str | None = strawberry.field(default=None, description="Superior document.")
    summary: str | None = strawberry.field(default=None, description="Summary.")


@strawberry.input(description="A plan inside a document.")
class CreatePlanInput:
    document: strawberry.ID = strawberry.field(description="The document.")
    title: str = strawberry.field(description="Title.")
    kind: enums.PlanKind = strawberry.field(description="Action plan or project list.")
    field: enums.PlanField = strawberry.field(description="Field.")
    year: int | None = strawberry.field(default=None, description="Year covered.")
    key: str | None = strawberry.field(default=None, description="Short key used in task codes.")
    objectives: str | None = strawberry.field(default=None, description="主要目标.")
    parent: strawberry.ID | None = strawberry.field(
        default=None, description="The plan this one is an annex of."
    )
    report_review: enums.ReportReviewPolicy = strawberry.field(
        default=enums.ReportReviewPolicy.NONE,
        description="Which reports of its tasks wait for review (审核) before they count.",
    )


@strawberry.type(description="Result of createDocument.")
class DocumentPayload:
    document: Document | None = strawberry.field(description="The document.")
    errors: list[UserError] = strawberry.field(description="Why it was rejected, if it was.")


@strawberry.type(description="Result of createPlan.")
class PlanPayload:
    plan: Plan | None = strawberry.field(description="The plan.")
    errors: list[UserError] = strawberry.field(description="Why it was rejected, if it was.")


@strawberry.type
class DocumentMutation:
    @strawberry.mutation(description="Register a document issued by the viewer's subtree.")
    async def create_document(self, info: Info, input: CreateDocumentInput) -> DocumentPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> DocumentPayload:
            row = await service.create_document(
                ctx,
                conn,
                title=input.title,
                kind=input.kind,
                doc_number=input.doc_number,
                issuer=input_id(input.issuer, "OrgUnit", "issuer") if input.issuer else None,
                issued_on=input.issued_on,
                based_on=input.based_on,
                summary=input.summary,
            )
            return DocumentPayload(document=Document.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or DocumentPayload(document=None, errors=errors)

    @strawberry.mutation(description="Add a plan to a document.")
    async def create_plan(self, info: Info, input: CreatePlanInput) -> PlanPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> PlanPayload:
            row = await service.create_plan(
                ctx,
                conn,
                document_id=input_id(input.document, "Document", "document"),
                title=input.title,
                kind=input.kind,
                field=input.field,
                year=input.year,
                key=input.key,
                objectives=input.objectives,
                parent=input_id(input.parent, "Plan", "parent") if input.parent else None,
                report_review=input.report_review,
            )
            return PlanPayload(plan=Plan.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or PlanPayload(plan=None, errors=errors)
