"""Org-unit events (区划/机构调整): rename, merge, split, establish, abolish — ADMIN only.

One write, one transaction (the caller's unit of work): the event and its predecessor →
successor links, the units it creates (a RENAME's or SPLIT's new units, ESTABLISH's), the
ends of its predecessors (`valid_to` = the event's date), the parent links it moves (the
present children of a merged or renamed unit pass to the successor; the old link is kept in
org_unit_parent_link), then org_unit_closure rebuilt from the dated tree
(models/org_unit_tree.py closure_select: a merged or renamed unit hangs under its successor)
and the tasks of the units whose rollup ancestors changed noted, so the unit of work
refreshes exactly their maintained buckets and logs them. A rejected event (unknown unit,
date out of range, a cycle, the wrong number of units) raises a DomainError before or after
writing; the unit of work's savepoint then leaves the database as it was.

Rules checked:
- arity: RENAME 1 → 1, MERGE n≥1 → 1, SPLIT 1 → n≥1, ESTABLISH 0 → n≥1 (new units only),
  ABOLISH n≥1 → 0;
- the date lies in the accepted range, is not after today (so "present" is `valid_to IS
  NULL`), and every predecessor and existing successor is in force on it (a predecessor
  that already ended cannot end again; `valid_from` before the date);
- no cycle: a successor (or a new unit's parent) is neither a predecessor nor inside a
  predecessor's subtree;
- SPLIT and ABOLISH name no single heir for a unit's children: a predecessor with present
  children is refused (merge or rename them first).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from models import (
    Assignment,
    OrgUnit,
    OrgUnitClosure,
    OrgUnitEvent,
    OrgUnitEventUnit,
    OrgUnitParentLink,
    stable_id,
)
from models.base import utcnow
from models.enums import OrgUnitEventKind, OrgUnitEventRole, OrgUnitKind, ViewerRole
from models.messages import message
from models.org_unit_tree import ROLLS_INTO, closure_select
from models.rules import calendar
from resolvers.errors import DomainError, ErrorCode
from resolvers.events import task_changed
from resolvers.service_context import ServiceContext as Context
from resolvers.writes import audit, require_role, unique_or

unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]
event_t: sa.Table = OrgUnitEvent.__table__  # type: ignore[attr-defined]
event_unit_t: sa.Table = OrgUnitEventUnit.__table__  # type: ignore[attr-defined]
link_t: sa.Table = OrgUnitParentLink.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]

# (predecessors min, max), (successors min, max); None: no upper bound.
ARITY: dict[OrgUnitEventKind, tuple[tuple[int, int | None], tuple[int, int | None]]] = {
    OrgUnitEventKind.RENAME: ((1, 1), (1, 1)),
    OrgUnitEventKind.MERGE: ((1, None), (1, 1)),
    OrgUnitEventKind.SPLIT: ((1, 1), (1, None)),
    OrgUnitEventKind.ESTABLISH: ((0, 0), (1, None)),
    OrgUnitEventKind.ABOLISH: ((1, None), (0, 0)),
}


@dataclass(frozen=True, slots=True)
class NewUnit:
    """A unit an event creates: kind and parent default to the (first) predecessor's."""

    name: str
    code: str
    kind: OrgUnitKind | None = None
    parent_id: uuid.UUID | None = None


def _arity(kind: OrgUnitEventKind, predecessors: int, successors: int) -> None:
    (p_min, p_max), (s_min, s_max) = ARITY[kind]
    for count, low, high, field in (
        (predecessors, p_min, p_max, "predecessors"),
        (successors, s_min, s_max, "successors"),
    ):
        if count < low or (high is not None and count > high):
            wanted = message("COUNT_EXACT", n=low) if low == high else None
            if high is None:
                wanted = message("COUNT_AT_LEAST", n=low)
            elif high != low:
                wanted = message("COUNT_RANGE", low=low, high=high)
            text = message(
                "EVENT_UNIT_COUNT", kind=kind.value, wanted=wanted, field=field, count=count
            )
            raise DomainError(ErrorCode.INVALID_INPUT, text, field)


def _check_date(occurred_on: date) -> None:
    try:
        calendar.check_date(occurred_on)
    except calendar.DateOutOfRange as exc:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE, message("DATE_INVALID", detail=exc.text), "occurredOn"
        ) from exc
    if occurred_on > calendar.today():
        raise DomainError(
            ErrorCode.OUT_OF_RANGE,
            message("EVENT_IN_FUTURE", day=occurred_on.isoformat()),
            "occurredOn",
        )


async def _units(
    conn: AsyncConnection, ids: Sequence[uuid.UUID], field: str
) -> dict[uuid.UUID, dict[str, Any]]:
    """The rows of `ids` under their update lock; NOT_FOUND naming the field for a miss."""
    if not ids:
        return {}
    rows = await conn.execute(
        sa.select(unit_t).where(unit_t.c.id.in_(list(ids))).with_for_update(key_share=True)
    )
    found = {row["id"]: dict(row) for row in rows.mappings()}
    missing = [str(unit) for unit in ids if unit not in found]
    if missing:
        raise DomainError(
            ErrorCode.NOT_FOUND, message("NO_SUCH_UNITS", units=", ".join(missing)), field
        )
    return found


def _in_force_on(row: dict[str, Any], occurred_on: date, field: str) -> None:
    if row["valid_to"] is not None:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE,
            message("UNIT_ENDED", name=row["name"], day=row["valid_to"].isoformat()),
            field,
        )
    if row["valid_from"] is not None and row["valid_from"] >= occurred_on:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE,
            message("UNIT_NOT_YET", name=row["name"], day=row["valid_from"].isoformat()),
            field,
        )


async def _subtree(conn: AsyncConnection, roots: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """The units of the roots' rollup subtrees (themselves included)."""
    if not roots:
        return set()
    rows = await conn.execute(
        sa.select(closure_t.c.descendant_id).where(closure_t.c.ancestor_id.in_(list(roots)))
    )
    return {row.descendant_id for row in rows}


async def rebuild_closure(conn: AsyncConnection) -> None:
    """org_unit_closure from the dated tree (models/org_unit_tree.py closure_select)."""
    if conn.dialect.name == "postgresql":
        # Two events at once: the second rebuilds from the first's committed tree.
        await conn.execute(sa.text("LOCK TABLE org_unit_closure IN EXCLUSIVE MODE"))
    await conn.execute(closure_t.delete())
    await conn.execute(
        closure_t.insert().from_select(["ancestor_id", "descendant_id", "depth"], closure_select())
    )


async def _move_children(
    conn: AsyncConnection,
    predecessor: dict[str, Any],
    successor: dict[str, Any],
    occurred_on: date,
) -> list[uuid.UUID]:
    """Pass the predecessor's present children to the successor from the event's date."""
    children = (
        (
            await conn.execute(
                sa.select(unit_t)
                .where(unit_t.c.parent_id == predecessor["id"], unit_t.c.valid_to.is_(None))
                .with_for_update(key_share=True)
            )
        )
        .mappings()
        .all()
    )
    for child in children:
        if child["parent_since"] is not None and child["parent_since"] >= occurred_on:
            raise DomainError(
                ErrorCode.OUT_OF_RANGE,
                message(
                    "UNIT_UNDER_ONLY_FROM",
                    child=child["name"],
                    parent=predecessor["name"],
                    day=child["parent_since"].isoformat(),
                ),
                "occurredOn",
            )
        await conn.execute(
            link_t.insert().values(
                id=uuid.uuid4(),
                org_unit_id=child["id"],
                parent_id=predecessor["id"],
                valid_from=child["parent_since"],
                valid_to=occurred_on,
            )
        )
        old_prefix, new_prefix = child["path"], successor["path"] + child["id"].hex + "/"
        delta = successor["depth"] + 1 - child["depth"]
        await conn.execute(
            unit_t.update()
            .where(unit_t.c.id == child["id"])
            .values(
                parent_id=successor["id"],
                parent_since=occurred_on,
                version=unit_t.c.version + 1,
                updated_at=utcnow(),
            )
        )
        # The materialised path and depth of the moved subtree, in one statement.
        await conn.execute(
            unit_t.update()
            .where(unit_t.c.path.startswith(old_prefix, autoescape=True))
            .values(
                path=sa.literal(new_prefix) + sa.func.substr(unit_t.c.path, len(old_prefix) + 1),
                depth=unit_t.c.depth + delta,
            )
        )
    return [child["id"] for child in children]


async def _create_unit(
    conn: AsyncConnection, new: NewUnit, template: dict[str, Any] | None, occurred_on: date
) -> dict[str, Any]:
    parent_id = new.parent_id if new.parent_id is not None else (template or {}).get("parent_id")
    kind = new.kind or (OrgUnitKind(template["kind"]) if template else None)
    if kind is None:
        raise DomainError(
            ErrorCode.INVALID_INPUT, message("NEW_UNIT_NEEDS_KIND", name=new.name), "newUnits"
        )
    if not new.name.strip() or not new.code.strip():
        raise DomainError(ErrorCode.INVALID_INPUT, message("NEW_UNIT_NEEDS_NAME"), "newUnits")
    parent = None
    if parent_id is not None:
        parent = (
            (await conn.execute(sa.select(unit_t).where(unit_t.c.id == parent_id)))
            .mappings()
            .first()
        )
        if parent is None:
            raise DomainError(ErrorCode.NOT_FOUND, message("NO_PARENT_UNIT"), "newUnits")
        if parent["valid_to"] is not None:
            raise DomainError(
                ErrorCode.OUT_OF_RANGE, message("UNIT_NO_LONGER", name=parent["name"]), "newUnits"
            )
    unit_id = stable_id("org_unit", new.code.strip())
    row = {
        "id": unit_id,
        "code": new.code.strip(),
        "name": new.name.strip(),
        "kind": kind.value,
        "parent_id": parent_id,
        "line_parent_id": (template or {}).get("line_parent_id"),
        "path": (parent["path"] if parent else "/") + unit_id.hex + "/",
        "depth": parent["depth"] + 1 if parent else 0,
        "sort_order": (template or {}).get("sort_order", 0),
        "remarks": None,
        "valid_from": occurred_on,
        "valid_to": None,
        "parent_since": occurred_on if parent_id is not None else None,
        "created_at": utcnow(),
        "updated_at": utcnow(),
        "version": 1,
    }
    duplicate = DomainError(
        ErrorCode.DUPLICATE,
        message("UNIT_EXISTS", name=row["name"], code=row["code"]),
        "newUnits",
    )
    async with unique_or(conn, duplicate):
        await conn.execute(unit_t.insert().values(**row))
    return row


async def record_event(
    ctx: Context,
    conn: AsyncConnection,
    *,
    kind: OrgUnitEventKind,
    occurred_on: date,
    basis: str | None,
    document_id: uuid.UUID | None,
    predecessors: Sequence[uuid.UUID],
    successors: Sequence[uuid.UUID],
    new_units: Sequence[NewUnit],
) -> RowMapping:
    """Record an event and apply it to the tree (module docstring); returns the event row."""
    require_role(ctx, ViewerRole.ADMIN)
    if kind is OrgUnitEventKind.ESTABLISH and successors:
        raise DomainError(ErrorCode.INVALID_INPUT, message("ESTABLISH_NEW_UNITS"), "successors")
    predecessors = list(dict.fromkeys(predecessors))
    successors = list(dict.fromkeys(successors))
    _arity(kind, len(predecessors), len(successors) + len(new_units))
    _check_date(occurred_on)
    if basis is not None and len(basis) > 2000:
        raise DomainError(ErrorCode.INVALID_INPUT, message("BASIS_TOO_LONG"), "basis")
    ended = await _units(conn, predecessors, "predecessors")
    for row in ended.values():
        _in_force_on(row, occurred_on, "predecessors")
    heirs = await _units(conn, successors, "successors")
    subtree = await _subtree(conn, predecessors)
    for unit in successors:
        _in_force_on(heirs[unit], occurred_on, "successors")
        if unit in subtree:
            raise DomainError(
                ErrorCode.INVALID_INPUT,
                message("CYCLE_SUCCESSOR", name=heirs[unit]["name"]),
                "successors",
            )
    for new in new_units:
        if new.parent_id is not None and new.parent_id in subtree:
            raise DomainError(
                ErrorCode.INVALID_INPUT,
                message("CYCLE_NEW_PARENT", name=new.name),
                "newUnits",
            )
    if kind not in ROLLS_INTO:
        for row in ended.values():
            has_children = await conn.scalar(
                sa.select(sa.func.count())
                .select_from(unit_t)
                .where(unit_t.c.parent_id == row["id"], unit_t.c.valid_to.is_(None))
            )
            if has_children:
                raise DomainError(
                    ErrorCode.INVALID_INPUT,
                    message("UNITS_LEFT_UNDER", name=row["name"], kind=kind.value),
                    "predecessors",
                )
    # The tasks whose rollup ancestors change: those of the predecessors' subtrees.
    affected = [
        row.task_id
        for row in await conn.execute(
            sa.select(assignment_t.c.task_id)
            .where(assignment_t.c.org_unit_id.in_(list(subtree)))
            .distinct()
        )
    ]

    event_id = uuid.uuid4()
    await conn.execute(
        event_t.insert().values(
            id=event_id,
            kind=kind.value,
            occurred_on=occurred_on,
            basis=basis,
            document_id=document_id,
            created_at=utcnow(),
        )
    )
    template = ended[predecessors[0]] if predecessors else None
    created = [await _create_unit(conn, new, template, occurred_on) for new in new_units]
    successor_rows = [heirs[unit] for unit in successors] + created
    links = [
        {"event_id": event_id, "org_unit_id": unit, "role": role.value, "position": position}
        for role, units in (
            (OrgUnitEventRole.PREDECESSOR, predecessors),
            (OrgUnitEventRole.SUCCESSOR, [row["id"] for row in successor_rows]),
        )
        for position, unit in enumerate(units)
    ]
    if links:
        await conn.execute(event_unit_t.insert(), links)
    moved: list[uuid.UUID] = []
    for unit in predecessors:
        if kind in ROLLS_INTO:
            moved += await _move_children(conn, ended[unit], successor_rows[0], occurred_on)
        await conn.execute(
            unit_t.update()
            .where(unit_t.c.id == unit)
            .values(valid_to=occurred_on, version=unit_t.c.version + 1, updated_at=utcnow())
        )
    await rebuild_closure(conn)
    for task in affected:
        task_changed(ctx, task)
    after = {
        "kind": kind.value,
        "occurredOn": occurred_on.isoformat(),
        "basis": basis,
        "predecessors": [str(unit) for unit in predecessors],
        "successors": [str(row["id"]) for row in successor_rows],
        "created": [str(row["id"]) for row in created],
        "moved": [str(unit) for unit in moved],
    }
    await audit(
        ctx,
        conn,
        action="recordOrgUnitEvent",
        target_type="OrgUnitEvent",
        target_id=event_id,
        after=after,
        scope_unit=successor_rows[0]["id"] if successor_rows else predecessors[0],
    )
    return (await conn.execute(sa.select(event_t).where(event_t.c.id == event_id))).mappings().one()
