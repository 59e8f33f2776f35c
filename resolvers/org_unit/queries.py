"""OrgUnit queries: lookup by id or name/alias, and the paginated list."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
import strawberry

from models import OrgUnit as OrgUnitModel
from models import OrgUnitAlias, OrgUnitClosure
from models.org_unit_tree import in_force_at, parent_links, present
from models.rules import search
from models.rules.names import name_spellings, normalize_name, official_forms
from resolvers import cursors
from resolvers.common import Connection, Info, decode_global_id, paginate
from resolvers.org_unit.types import OrgUnit, OrgUnitFilter, check_as_of
from resolvers.scope import visibility

unit_t: sa.Table = OrgUnitModel.__table__  # type: ignore[attr-defined]
alias_t: sa.Table = OrgUnitAlias.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]


def _named(units: sa.FromClause, spelling: str) -> sa.ColumnElement[bool]:
    """The unit's canonical name or an alias is `spelling` (normalised)."""
    by_alias = sa.select(alias_t.c.org_unit_id).where(alias_t.c.normalized == spelling)
    return sa.or_(units.c.name == spelling, units.c.id.in_(by_alias))


def name_terms(name: str) -> list[str]:
    """The strings name_match_statement compares, in the order it uses them: the name as
    given (stripped), its normalised form, the other spellings, then per official form the
    government and the spellings of the rest. Their count and grouping is name_shape."""
    normalized = normalize_name(name)
    terms = [name.strip(), normalized, *name_spellings(normalized)[1:]]
    for prefix, rest in official_forms(normalized):
        terms += [prefix, *name_spellings(rest)]
    return terms


def name_shape(name: str) -> tuple[int, ...]:
    """What the SQL of name_match_statement depends on besides the strings themselves: the
    number of spellings and, per official form, of the rest's spellings. Names of one shape
    share a statement whose strings are bind parameters (the compiled plans': `bind`)."""
    normalized = normalize_name(name)
    forms = official_forms(normalized)
    return (len(name_spellings(normalized)), *(len(name_spellings(rest)) for _, rest in forms))


def name_match_statement(
    name: str, as_of: date | None = None, bind: str | None = None
) -> sa.Select[tuple[object, ...]]:
    """Units a name stands for: its canonical name or an alias after normalisation, then the
    forms it also goes by (城区人民政府 → 城区) and its full official form (晋城市城区人民政府:
    城区人民政府 under 晋城市), in that order of preference (models/rules/names.py).

    The units in force on `as_of` (None: today's, not ended) come first, as a document of
    that day reads the name: a unit renamed later still answers to its old name for an old
    date; a name only an ended unit bore still finds it (models/org_unit_tree.py).

    `bind`: the strings (name_terms) are the bind parameters `<bind>_0`, `<bind>_1`, … so
    one statement serves every name of the same name_shape (name_parameters gives their
    values)."""
    terms = name_terms(name)
    shape = name_shape(name)
    values: list[Any] = (
        terms
        if bind is None
        else [sa.bindparam(f"{bind}_{i}", t, type_=sa.String()) for i, t in enumerate(terms)]
    )
    given, normalized, spellings = values[0], values[1], values[2 : 1 + shape[0]]
    ranked: list[tuple[sa.ColumnElement[bool], int]] = [
        (sa.or_(unit_t.c.name == given, _named(unit_t, normalized)), 0)
    ]
    ranked += [(_named(unit_t, spelling), 1) for spelling in spellings]
    government = unit_t.alias("government")
    at = 1 + shape[0]
    for count in shape[1:]:
        prefix, rests = values[at], values[at + 1 : at + 1 + count]
        at += 1 + count
        under = sa.select(closure_t.c.descendant_id).where(
            closure_t.c.depth > 0,
            closure_t.c.ancestor_id.in_(
                sa.select(government.c.id).where(_named(government, prefix))
            ),
        )
        ranked += [
            (sa.and_(_named(unit_t, spelling), unit_t.c.id.in_(under)), 2) for spelling in rests
        ]
    rank = sa.case(*ranked, else_=3)
    current = present(unit_t) if as_of is None else in_force_at(unit_t, as_of)
    return (
        sa.select(unit_t)
        .where(sa.or_(*(condition for condition, _rank in ranked)))
        # In force first; the canonical name wins over an alias; then the higher level, then
        # the older row.
        .order_by(
            sa.case((current, 0), else_=1),
            rank,
            (unit_t.c.name != given),
            unit_t.c.depth,
            unit_t.c.code,
        )
    )


def name_parameters(bind: str, name: str) -> dict[str, str]:
    """The values of name_match_statement(name, bind=bind)'s parameters."""
    return {f"{bind}_{i}": term for i, term in enumerate(name_terms(name))}


@strawberry.type
class OrgUnitQuery:
    @strawberry.field(
        description=(
            "A unit by global id, or by name (names and aliases match). asOf reads the name"
            " as a document of that day does: the units in force then first (an old name for"
            " an old date finds the unit that bore it)."
        )
    )
    async def org_unit(
        self,
        info: Info,
        id: strawberry.ID | None = None,
        name: str | None = None,
        as_of: date | None = None,
    ) -> OrgUnit | None:
        if id is not None:
            row = await info.context.loaders.org_unit_by_id.load(decode_global_id(id, "OrgUnit"))
            return OrgUnit.from_row(row) if row else None
        if name is None or not name.strip():
            return None
        on = None if as_of is None else check_as_of(as_of)
        stmt = name_match_statement(name, on).where(visibility(info.context.scope, unit_t))
        row = await info.context.db.fetch_one(stmt.limit(1))
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(
        description=(
            "Units, by tree order (depth, sort order, name): today's (not ended), or with"
            " asOf those in force on that day (filter.parent then means the parent that day)."
        )
    )
    async def org_units(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: OrgUnitFilter | None = None,
        as_of: date | None = None,
    ) -> Connection[OrgUnit]:
        on = None if as_of is None else check_as_of(as_of)
        stmt = sa.select(unit_t).where(
            visibility(info.context.scope, unit_t),
            present(unit_t) if on is None else in_force_at(unit_t, on),
        )
        parent = root = None  # the list's parent (resolvers/cursors.py PARENT_FILTERS)
        if filter is not None:
            if filter.kind:
                stmt = stmt.where(unit_t.c.kind.in_([k.value for k in filter.kind]))
            if filter.parent is not None:
                parent = decode_global_id(filter.parent, "OrgUnit")
                if on is None:
                    stmt = stmt.where(unit_t.c.parent_id == parent)
                else:
                    link = parent_links()
                    stmt = stmt.where(
                        unit_t.c.id.in_(
                            sa.select(link.c.org_unit_id).where(
                                link.c.parent_id == parent, in_force_at(link, on)
                            )
                        )
                    )
            if filter.ancestor is not None:
                root = decode_global_id(filter.ancestor, "OrgUnit")
                stmt = stmt.where(
                    unit_t.c.id.in_(
                        sa.select(closure_t.c.descendant_id).where(closure_t.c.ancestor_id == root)
                    )
                )
            if filter.name:
                # Full- and half-width alike (the aliases are NFKC, models/rules/names.py),
                # and ASCII letters in any case (lower() on both sides: SQLite's is ASCII-only).
                needle = search.like_pattern(normalize_name(filter.name).lower())
                stmt = stmt.where(
                    sa.or_(
                        sa.func.lower(unit_t.c.name).like(
                            search.like_pattern(search.fold(filter.name.strip())), escape="\\"
                        ),
                        unit_t.c.id.in_(
                            sa.select(alias_t.c.org_unit_id).where(
                                sa.func.lower(alias_t.c.normalized).like(needle, escape="\\")
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
