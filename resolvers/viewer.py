"""Query.me: who the request is, as the server sees it."""

from __future__ import annotations

import strawberry

from models import enums
from resolvers.common import Info
from resolvers.org_unit.types import OrgUnit


@strawberry.type(description="The requesting viewer: unit, role and what it may see.")
class Viewer:
    subject: str = strawberry.field(description="Token subject, key name or 'anonymous'.")
    role: enums.ViewerRole | None = strawberry.field(description="Role; null when anonymous.")
    partner: bool = strawberry.field(description="A sharing partner's read-only API key.")
    unrestricted: bool = strawberry.field(description="Sees every unit (ADMIN or the demo).")
    unit_id: strawberry.Private[object]

    @strawberry.field(description="The viewer's unit: its subtree is what it sees.")
    async def unit(self, info: Info) -> OrgUnit | None:
        if self.unit_id is None:
            return None
        row = await info.context.loaders.org_unit_by_id.load(self.unit_id)
        return OrgUnit.from_row(row) if row else None


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="Who is asking.")
    def me(self, info: Info) -> Viewer:
        viewer = info.context.viewer
        return Viewer(
            subject=viewer.subject,
            role=viewer.role,
            partner=viewer.partner,
            unrestricted=info.context.scope.unrestricted,
            unit_id=viewer.unit_id,
        )
