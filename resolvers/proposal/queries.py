"""Proposal queries."""

from __future__ import annotations

import sqlalchemy as sa
import strawberry

from models import Proposal as ProposalModel
from resolvers.common import Connection, Info, paginate
from resolvers.proposal.types import Proposal
from resolvers.scope import visibility

proposal_t: sa.Table = ProposalModel.__table__  # type: ignore[attr-defined]


@strawberry.type
class ProposalQuery:
    @strawberry.field(description="A proposal by its number, e.g. TA0379.")
    async def proposal(self, info: Info, code: str) -> Proposal | None:
        row = await info.context.db.fetch_one(
            sa.select(proposal_t).where(
                proposal_t.c.code == code.strip(), visibility(info.context.scope, proposal_t)
            )
        )
        return Proposal.from_row(row) if row else None

    @strawberry.field(description="Proposals, by number.")
    async def proposals(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        year: int | None = None,
    ) -> Connection[Proposal]:
        stmt = sa.select(proposal_t).where(visibility(info.context.scope, proposal_t))
        if year is not None:
            stmt = stmt.where(proposal_t.c.year == year)
        order = [proposal_t.c.code, proposal_t.c.id]
        return await paginate(info, stmt, order, Proposal.from_row, first=first, after=after)
