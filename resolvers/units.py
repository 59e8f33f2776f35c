"""Resolving the units a write names: ids, names and aliases, group references (各镇（街道）)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models import OrgUnit, OrgUnitAlias, OrgUnitClosure
from models.enums import OrgUnitKind
from models.messages import message
from models.org_unit_tree import group_member_at, in_force_at, parent_links, present
from models.rules.names import GroupScope, normalize_name, parse_group_reference
from resolvers.errors import DomainError, ErrorCode

unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]
alias_t: sa.Table = OrgUnitAlias.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]

TERRITORIAL = (
    OrgUnitKind.PROVINCE.value,
    OrgUnitKind.CITY.value,
    OrgUnitKind.DISTRICT.value,
    OrgUnitKind.TOWN.value,
)


@dataclass(frozen=True)
class NamedUnits:
    """Units a name stands for, and the group text when it was a group reference."""

    unit_ids: list[uuid.UUID]
    via_group: str | None

    @property
    def unresolved(self) -> bool:
        """A group of 相关/有关 units (区直相关单位): it names no unit, its text is kept."""
        return self.via_group is not None and not self.unit_ids


async def government_of(
    conn: AsyncConnection, unit: uuid.UUID, kind: OrgUnitKind | None = None
) -> uuid.UUID | None:
    """The nearest territorial unit at or above `unit` (of `kind`, when given)."""
    kinds = (kind.value,) if kind else TERRITORIAL
    row = await conn.execute(
        sa.select(closure_t.c.ancestor_id)
        .join(unit_t, unit_t.c.id == closure_t.c.ancestor_id)
        .where(closure_t.c.descendant_id == unit, unit_t.c.kind.in_(kinds))
        .order_by(closure_t.c.depth)
        .limit(1)
    )
    found: uuid.UUID | None = row.scalar()
    return found


async def resolve_name(
    conn: AsyncConnection, name: str, context: uuid.UUID, as_of: date | None = None
) -> NamedUnits:
    """A unit name as documents write it, relative to the acting unit's government, in a
    document dated `as_of` (None: today's tree).

    Group references expand to the government's towns, streets, departments or counties that
    are members on that date (models/org_unit_tree.py group_member), except groups of 相关/有关
    units, which name no unit (GroupReference.expands: `unresolved`); other names match
    canonical names and aliases inside the government's subtree, the units in force on that
    date first.
    """
    government = await government_of(conn, context)
    if government is None:
        raise DomainError(ErrorCode.UNKNOWN_UNIT, message("NO_GOVERNMENT_ABOVE", name=name))
    group = parse_group_reference(name)
    if group is not None and not group.expands:
        return NamedUnits([], name.strip())
    if group is not None:
        anchor = government
        if group.level is not None:
            anchor = await government_of(conn, government, group.level) or government
        if group.scope is GroupScope.ALL_COUNTIES:
            anchor = await government_of(conn, government, OrgUnitKind.CITY) or government
        if as_of is None:
            linked = unit_t.c.parent_id == anchor
        else:
            link = parent_links()
            linked = unit_t.c.id.in_(
                sa.select(link.c.org_unit_id).where(
                    link.c.parent_id == anchor, in_force_at(link, as_of)
                )
            )
        children = sa.select(unit_t.c.id).where(linked, group_member_at(unit_t, as_of))
        if group.scope is GroupScope.ALL_TOWNS:
            children = children.where(unit_t.c.kind == OrgUnitKind.TOWN.value)
        elif group.scope is GroupScope.ALL_STREETS:
            children = children.where(
                unit_t.c.kind == OrgUnitKind.TOWN.value,
                sa.or_(unit_t.c.name.like("%街道%"), unit_t.c.name.like("%办事处")),
            )
        elif group.scope is GroupScope.ALL_DEPARTMENTS:
            children = children.where(unit_t.c.kind == OrgUnitKind.DEPARTMENT.value)
        else:
            children = children.where(unit_t.c.kind == OrgUnitKind.DISTRICT.value)
        ids = [row.id for row in await conn.execute(children.order_by(unit_t.c.name))]
        if not ids:
            raise DomainError(ErrorCode.UNKNOWN_UNIT, message("NAMES_NO_UNIT", name=name))
        return NamedUnits(ids, name)
    normalized = normalize_name(name)
    subtree = sa.select(closure_t.c.descendant_id).where(closure_t.c.ancestor_id == government)
    current = present(unit_t) if as_of is None else in_force_at(unit_t, as_of)
    matches = await conn.execute(
        sa.select(unit_t.c.id, sa.case((current, True), else_=False).label("current"))
        .where(
            unit_t.c.id.in_(subtree),
            sa.or_(
                unit_t.c.name == name.strip(),
                unit_t.c.id.in_(
                    sa.select(alias_t.c.org_unit_id).where(alias_t.c.normalized == normalized)
                ),
            ),
        )
        # The units in force on the date (today: not ended) first; ended ones only when
        # no unit in force bears the name.
        .order_by(sa.case((current, 0), else_=1))
        .limit(3)
    )
    rows = list(matches)
    if any(row.current for row in rows):
        rows = [row for row in rows if row.current]
    ids = [row.id for row in rows][:2]
    if len(ids) != 1:
        reason = "UNIT_NAME_AMBIGUOUS" if ids else "UNIT_NAME_UNKNOWN"
        raise DomainError(ErrorCode.UNKNOWN_UNIT, message(reason, name=name))
    return NamedUnits(ids, None)
