"""GraphQL type Proposal (提案 / 建议) with its reply (答复)."""

from __future__ import annotations

import uuid
from datetime import date

import strawberry
from sqlalchemy.engine import RowMapping

from models import enums
from resolvers.common import Info
from resolvers.document.types import Document
from resolvers.org_unit.types import OrgUnit


@strawberry.type(description="A CPPCC/NPC proposal, its handling unit and the reply.")
class Proposal:
    code: str = strawberry.field(description="Proposal number, e.g. TA0379.")
    session: str | None = strawberry.field(description="Session, e.g. 市政协八届四次会议.")
    title: str = strawberry.field(description="Title of the proposal.")
    proposer: str | None = strawberry.field(description="Proposer.")
    year: int | None = strawberry.field(description="Year.")
    reply_category: enums.ReplyCategory | None = strawberry.field(
        description="Reply category: A (solved/adopted), B (being solved), C (for reference)."
    )
    reply_text: str | None = strawberry.field(description="The reply's text.")
    replied_on: date | None = strawberry.field(description="Date of the reply.")
    handling_unit_id: strawberry.Private[uuid.UUID | None]
    reply_document_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: RowMapping) -> Proposal:
        """From a `proposal` row."""
        category = row["reply_category"]
        return cls(
            code=row["code"],
            session=row["session"],
            title=row["title"],
            proposer=row["proposer"],
            year=row["year"],
            reply_category=enums.ReplyCategory(category) if category else None,
            reply_text=row["reply_text"],
            replied_on=row["replied_on"],
            handling_unit_id=row["handling_unit_id"],
            reply_document_id=row["reply_document_id"],
        )

    @strawberry.field(description="The unit that handles the proposal (承办单位).")
    async def handling_unit(self, info: Info) -> OrgUnit | None:
        if self.handling_unit_id is None:
            return None
        row = await info.context.loaders.org_unit_by_id.load(self.handling_unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="The reply document.")
    async def reply_document(self, info: Info) -> Document | None:
        if self.reply_document_id is None:
            return None
        row = await info.context.loaders.document_by_id.load(self.reply_document_id)
        return Document.from_row(row) if row else None
