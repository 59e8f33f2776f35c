"""OrgUnit queries: lookup by id or name/alias, and the paginated list."""

from __future__ import annotations

import sqlalchemy as sa
import strawberry

from models import OrgUnit as OrgUnitModel
from models import OrgUnitAlias, OrgUnitClosure
from models.rules.names import normalize_name
from resolvers import cursors
from resolvers.common import Connection, Info, decode_global_id, paginate
from resolvers.org_unit.types import OrgUnit, OrgUnitFilter
from resolvers.scope import visibility

unit_t: sa.Table = OrgUnitModel.__table__  # type: ignore[attr-defined]
alias_t: sa.Table = OrgUnitAlias.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]


def name_match_statement(name: str) -> sa.Select[tuple[object, ...]]:
    """Units whose canonical name or an alias equals `name` after normalisation."""
    normalized = normalize_name(name)
    by_alias = sa.select(alias_t.c.org_unit_id).where(alias_t.c.normalized == normalized)
    return (
        sa.select(unit_t)
        .where(sa.or_(unit_t.c.name == name.strip(), unit_t.c.id.in_(by_alias)))
        # The canonical name wins over an alias; then the higher level, then the older row.
        .order_by((unit_t.c.name != name.strip()), unit_t.c.depth, unit_t.c.code)
    )


@strawberry.type
class OrgUnitQuery:
    @strawberry.field(description="A unit by global id, or by name (names and aliases match).")
    async def org_unit(
        self, info: Info, id: strawberry.ID | None = None, name: str | None = None
    ) -> OrgUnit | None:
        if id is not None:
            row = await info.context.loaders.org_unit_by_id.load(decode_global_id(id, "OrgUnit"))
            return OrgUnit.from_row(row) if row else None
        if name is None or not name.strip():
            return None
        stmt = name_match_statement(name).where(visibility(info.context.scope, unit_t))
        row = await info.context.db.fetch_one(stmt.limit(1))
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="Units, by tree order (depth, sort order, name).")
    async def org_units(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: OrgUnitFilter | None = None,
    ) -> Connection[OrgUnit]:
        stmt = sa.select(unit_t).where(visibility(info.context.scope, unit_t))
        parent = root = None  # the list's parent (resolvers/cursors.py PARENT_FILTERS)
        if filter is not None:
            if filter.kind:
                stmt = stmt.where(unit_t.c.kind.in_([k.value for k in filter.kind]))
            if filter.parent is not None:
                parent = decode_global_id(filter.parent, "OrgUnit")
                stmt = stmt.where(unit_t.c.parent_id == parent)
            if filter.ancestor is not None:
                root = decode_global_id(filter.ancestor, "OrgUnit")
                stmt = stmt.where(
                    unit_t.c.id.in_(
                        sa.select(closure_t.c.descendant_id).where(closure_t.c.ancestor_id == root)
                    )
                )
            if filter.name:
                needle = f"%{normalize_name(filter.name)}%"
                stmt = stmt.where(
                    sa.or_(
                        unit_t.c.name.like(f"%{filter.name.strip()}%"),
                        unit_t.c.id.in_(
                            sa.select(alias_t.c.org_unit_id).where(
                                alias_t.c.normalized.like(needle)
                            )
                        ),
                    )
                )
        order = [unit_t.c.depth, unit_t.c.sort_order, unit_t.c.code, unit_t.c.id]
        return await paginate(
            info,
            stmt,
            order,
            OrgUnit.from_row,
            first=first,
            after=after,
            parent=cursors.parents([parent, root]),
        )
