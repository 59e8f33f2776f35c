"""The change log behind the `changes` feed: appending a write's entries, positions, reading.

Order. A reader pages through the log by `seq`, so seq order must be commit order: on
PostgreSQL a transaction holding seq 10 could otherwise commit after one holding seq 11,
and a reader that had served 11 would never see 10. So appending takes a transaction-scoped
advisory lock (`pg_advisory_xact_lock`), held until the writer commits or rolls back: the
next writer takes its seqs only after this one's entries are visible. Appends come at the
end of a write's unit of work (resolvers/unit_of_work.py), so the lock is held from there to
the request's commit (the payload's resolution included): only the tails of concurrent writes
queue, per database. (An operation with several mutation fields holds it across the later
fields; two such operations writing the same rows can deadlock, which PostgreSQL detects and
refuses one of, as with any lock.) SQLite serialises writers anyway (one write transaction
at a time). A reader first reads the last committed seq, then the page up to it: nothing can
commit at or below that bound any more, so a cursor never skips an entry.

Each entry names the object and the units it hung on before and after the write (its
assignments' units and its document's issuer; for a rectification its responsible units
and inspector; for a target or measurement its unit ...: `anchors`). A viewer gets an entry
when the object is visible to it now (the current state) or when one of those units is in
its subtree (a tombstone when no longer visible).

Every type the snapshot carries has entries (models/enums.py ChangeType). Besides the
objects a write noted, an append logs the objects whose visibility a task or rectification
carries along (`_carried`): a task's document (with its plans: visible while it holds a
visible task) and its units with their 条 superiors (visible while co-assigned), a
rectification's inspection; those entries hang on the task's (rectification's) units, so a
viewer that gained or lost them through the write hears of it.
"""

from __future__ import annotations

import base64
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable

import models
from models import (
    ChangeLogEntry,
    ChangeLogUnit,
)
from models.enums import ChangeType
from models.messages import message
from models.rules.scope import Scope, in_subtree, rectification_anchors, task_anchors
from resolvers.events import Unlogged

log_t: sa.Table = ChangeLogEntry.__table__  # type: ignore[attr-defined]
log_unit_t: sa.Table = ChangeLogUnit.__table__  # type: ignore[attr-defined]

# Note kinds (resolvers/events.py) → change types: "task", "org_unit", "target" …; a "plan"
# note logs its document (a document's change carries its plans).
KINDS = {t.value.lower(): t for t in ChangeType}
PLAN_KIND = "plan"
CHUNK = 500

# The table holding each type's objects (the object's own row: its id is the entry's).
ROOT_TABLES = {
    ChangeType.ORG_UNIT: "org_unit",
    ChangeType.INDICATOR: "indicator",
    ChangeType.MONITORING_SECTION: "monitoring_section",
    ChangeType.DOCUMENT: "document",
    ChangeType.TASK: "task",
    ChangeType.INSPECTION: "inspection",
    ChangeType.RECTIFICATION: "rectification",
    ChangeType.TARGET: "target",
    ChangeType.MEASUREMENT: "measurement",
    ChangeType.ESCALATION: "escalation",
    ChangeType.PROPOSAL: "proposal",
}


def root_table(change_type: ChangeType) -> sa.Table:
    """The table of a change type's objects."""
    return models.metadata.tables[ROOT_TABLES[change_type]]


def _pairs(table: str, object_column: str, unit_column: str) -> sa.Select[Any]:
    t = models.metadata.tables[table]
    return sa.select(t.c[object_column].label("object_id"), t.c[unit_column].label("org_unit_id"))


def _subject_anchors(table_name: str) -> list[sa.Select[Any]]:
    """A target's or measurement's unit, or its section's unit (scope.subject_visible)."""
    t = models.metadata.tables[table_name]
    section = models.metadata.tables["monitoring_section"]
    return [
        _pairs(table_name, "id", "org_unit_id").where(t.c.org_unit_id.is_not(None)),
        sa.select(t.c.id.label("object_id"), section.c.org_unit_id).join(
            section, section.c.id == t.c.section_id
        ),
    ]


def anchors(change_type: ChangeType) -> list[sa.Select[Any]]:
    """(object id, unit id) pairs: the units whose subtrees see an object of this type
    (the units models/rules/scope.py's row conditions test; none for reference data)."""
    match change_type:
        case ChangeType.TASK:
            return task_anchors()
        case ChangeType.RECTIFICATION:
            return rectification_anchors()
        case ChangeType.ORG_UNIT:
            return [_pairs("org_unit", "id", "id")]
        case ChangeType.MONITORING_SECTION:
            return [_pairs("monitoring_section", "id", "org_unit_id")]
        case ChangeType.DOCUMENT:
            return [_pairs("document", "id", "issuer_id")]
        case ChangeType.INSPECTION:
            return [
                _pairs("inspection", "id", "inspector_id"),
                _pairs("inspection", "id", "subject_unit_id"),
            ]
        case ChangeType.TARGET | ChangeType.MEASUREMENT:
            return _subject_anchors(ROOT_TABLES[change_type])
        case ChangeType.ESCALATION:
            return [_pairs("escalation", "id", "addressed_to_id")]
        case ChangeType.PROPOSAL:
            return [_pairs("proposal", "id", "handling_unit_id")]
    return []


# -- appending -------------------------------------------------------------------------------


# A "c1" cursor's initial-load type index → the index of that type in ChangeType's order.
C1_TYPES = [
    list(ChangeType).index(ChangeType.TASK),
    list(ChangeType).index(ChangeType.RECTIFICATION),
]

# pg_advisory_xact_lock key of the log's tail ("govlog").
TAIL_LOCK = 0x676F766C6F67


async def lock_tail(conn: AsyncConnection) -> None:
    """PostgreSQL: hold the log's tail until this transaction ends (commit order = seq)."""
    if conn.dialect.name == "postgresql":
        await conn.execute(sa.select(sa.func.pg_advisory_xact_lock(TAIL_LOCK)))


def _uuid_int(value: uuid.UUID) -> int:
    return value.int


def _chunks(items: Sequence[uuid.UUID]) -> Iterable[list[uuid.UUID]]:
    for start in range(0, len(items), CHUNK):
        yield list(items[start : start + CHUNK])


async def attached_units(
    conn: AsyncConnection, kind: ChangeType, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, set[uuid.UUID]]:
    """Units each object hangs on now (what makes it visible to their subtrees).

    The anchors of models/rules/scope.py, the same pairs task_visible and
    rectification_visible test the viewer's subtree against (`anchors`).
    """
    pairs = anchors(kind)
    out: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    if not pairs:
        return out
    for chunk in _chunks(ids):
        statement = sa.union_all(
            *(anchor.where(anchor.selected_columns[0].in_(chunk)) for anchor in pairs)
        )
        for object_id, unit_id in await conn.execute(statement):
            if unit_id is not None:
                out[object_id].add(unit_id)
    return out


async def _column_of(
    conn: AsyncConnection, table_name: str, column: str, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """`column` of each row of `ids` (rows gone or NULL values left out)."""
    table = models.metadata.tables[table_name]
    out: dict[uuid.UUID, uuid.UUID] = {}
    for chunk in _chunks(ids):
        rows = await conn.execute(
            sa.select(table.c.id, table.c[column]).where(table.c.id.in_(chunk))
        )
        out.update({row_id: value for row_id, value in rows if value is not None})
    return out


Objects = dict[ChangeType, dict[uuid.UUID, set[uuid.UUID]]]


async def _carried(conn: AsyncConnection, by_kind: Objects) -> None:
    """Add the objects whose visibility the noted tasks and rectifications carry along,
    each hanging on the units of the objects that carried it (module docstring)."""

    def carry(change_type: ChangeType, object_id: uuid.UUID, units: set[uuid.UUID]) -> None:
        by_kind[change_type].setdefault(object_id, set()).update(units)

    tasks = by_kind.get(ChangeType.TASK, {})
    if tasks:
        ids = sorted(tasks)
        now = await attached_units(conn, ChangeType.TASK, ids)
        documents = await _column_of(conn, "task", "document_id", ids)
        for task_id in ids:
            units = now.get(task_id, set()) | tasks[task_id]
            if task_id in documents:
                carry(ChangeType.DOCUMENT, documents[task_id], units)
            for unit in units:
                carry(ChangeType.ORG_UNIT, unit, units)
        carried_units = by_kind.get(ChangeType.ORG_UNIT, {})
        line_parents = await _column_of(conn, "org_unit", "line_parent_id", sorted(carried_units))
        for unit, parent in line_parents.items():
            carry(ChangeType.ORG_UNIT, parent, carried_units[unit])
    rectifications = by_kind.get(ChangeType.RECTIFICATION, {})
    if rectifications:
        ids = sorted(rectifications)
        now = await attached_units(conn, ChangeType.RECTIFICATION, ids)
        inspections = await _column_of(conn, "rectification", "inspection_id", ids)
        for rect_id, inspection in inspections.items():
            carry(
                ChangeType.INSPECTION, inspection, now.get(rect_id, set()) | rectifications[rect_id]
            )


async def _noted(conn: AsyncConnection, notes: Unlogged) -> Objects:
    """The noted objects by type with the units they hung on before; plans as documents."""
    by_kind: Objects = defaultdict(dict)
    plans: dict[uuid.UUID, set[uuid.UUID]] = {}
    for (kind, object_id), former in notes.items():
        if kind == PLAN_KIND:
            plans[object_id] = set(former)
            continue
        change_type = KINDS.get(kind)
        if change_type is not None:
            by_kind[change_type].setdefault(object_id, set()).update(former)
    if plans:
        documents = await _column_of(conn, "plan", "document_id", sorted(plans))
        for plan_id, document_id in documents.items():
            by_kind[ChangeType.DOCUMENT].setdefault(document_id, set()).update(plans[plan_id])
    return by_kind


async def append(
    conn: AsyncConnection,
    notes: Unlogged,
    *,
    changed_at: datetime,
    logged: dict[tuple[str, uuid.UUID], tuple[int, set[uuid.UUID]]] | None = None,
) -> list[int]:
    """One entry per noted object, in the caller's transaction; returns their seqs.

    `logged`, when given, receives each entry's seq and units by (kind, object id): the unit
    of work's outbox events carry them.
    """
    by_kind = await _noted(conn, notes)
    if not by_kind:
        return []
    await lock_tail(conn)
    await _carried(conn, by_kind)
    seqs: list[int] = []
    for change_type in ChangeType:  # a stable order: by type, then by id
        objects = by_kind.get(change_type)
        if not objects:
            continue
        ids = sorted(objects, key=_uuid_int)  # UUID order, without UUID.__lt__ (slow)
        units = await attached_units(conn, change_type, ids)
        for chunk in _chunks(ids):
            inserted = await conn.execute(
                log_t.insert().returning(log_t.c.seq, sort_by_parameter_order=True),
                [
                    {
                        "object_type": change_type.value,
                        "object_id": object_id,
                        "changed_at": changed_at,
                    }
                    for object_id in chunk
                ],
            )
            chunk_seqs = [row.seq for row in inserted]
            unit_rows = [
                {"seq": seq, "org_unit_id": unit}
                for seq, object_id in zip(chunk_seqs, chunk, strict=True)
                for unit in sorted(units.get(object_id, set()) | objects[object_id])
            ]
            if logged is not None:
                kind = change_type.value.lower()
                for seq, object_id in zip(chunk_seqs, chunk, strict=True):
                    logged[kind, object_id] = (
                        seq,
                        units.get(object_id, set()) | objects[object_id],
                    )
            if unit_rows:
                await conn.execute(log_unit_t.insert(), unit_rows)
            seqs.extend(chunk_seqs)
    return seqs


# -- positions and cursors -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cursor:
    """A feed position (every entry up to `seq` served); during the initial load also the
    load's place: the type being listed and the last id listed.

    It carries the view it was made for: `unit`, the subtree followed (`changes(unit:)`, a
    snapshot's unit; None: the viewer's whole scope), and `disclosure`, the tier its objects
    were read with (None in cursors of older versions). Following it continues that view.
    """

    seq: int
    baseline_type: int | None = None
    baseline_after: uuid.UUID | None = None
    unit: uuid.UUID | None = None
    disclosure: str | None = None

    @property
    def in_baseline(self) -> bool:
        """Still listing the objects that existed when the feed was started."""
        return self.baseline_type is not None

    def at(
        self, seq: int, baseline_type: int | None = None, baseline_after: uuid.UUID | None = None
    ) -> Cursor:
        """Another position in the same view."""
        return Cursor(seq, baseline_type, baseline_after, self.unit, self.disclosure)

    def encode(self) -> str:
        """Opaque, URL-safe."""
        parts: list[Any] = ["c2", self.seq, self.unit.hex if self.unit else None, self.disclosure]
        if self.baseline_type is not None:
            after = self.baseline_after.hex if self.baseline_after else None
            parts += [self.baseline_type, after]
        return base64.urlsafe_b64encode(orjson.dumps(parts)).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """ValueError for anything that is not a cursor of this feed."""
        try:
            parts = orjson.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            if not isinstance(parts, list) or not parts:
                raise ValueError
            if parts[0] == "c1" and len(parts) in (2, 4):  # before cursors carried a view
                if len(parts) == 4:  # its initial load listed tasks, then rectifications
                    parts[2] = C1_TYPES[int(parts[2])]
                parts = ["c2", parts[1], None, None, *parts[2:]]
            if parts[0] != "c2" or len(parts) not in (4, 6):
                raise ValueError
            seq = int(parts[1])
            if seq < 0:
                raise ValueError
            unit = uuid.UUID(hex=parts[2]) if parts[2] else None
            disclosure = parts[3]
            if disclosure is not None and not isinstance(disclosure, str):
                raise ValueError
            if len(parts) == 4:
                return cls(seq, unit=unit, disclosure=disclosure)
            after = uuid.UUID(hex=parts[5]) if parts[5] else None
            return cls(seq, int(parts[4]), after, unit, disclosure)
        except (ValueError, TypeError, IndexError, AttributeError, orjson.JSONDecodeError) as exc:
            raise ValueError(message("CHANGES_CURSOR_INVALID")) from exc


class Reader(Protocol):
    """What the feed reads through: the request's Database, or a ConnectionReader."""

    async def scalar(self, statement: Executable) -> Any:
        """First column of the first row."""

    async def fetch_all(self, statement: Executable) -> Sequence[RowMapping]:
        """Every row, as mappings."""


class ConnectionReader:
    """A Reader over one connection (the snapshot export's own transaction)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def scalar(self, statement: Executable) -> Any:
        """First column of the first row."""
        return (await self.conn.execute(statement)).scalar()

    async def fetch_all(self, statement: Executable) -> Sequence[RowMapping]:
        """Every row, as mappings."""
        return (await self.conn.execute(statement)).mappings().all()


async def present(reader: Reader) -> int:
    """The last committed seq: what has committed is at or before it, later writes after."""
    last = await reader.scalar(sa.select(sa.func.coalesce(sa.func.max(log_t.c.seq), 0)))
    return int(last or 0)


@dataclass(frozen=True, slots=True)
class Entry:
    """A log entry as a viewer reads it."""

    seq: int
    object_type: ChangeType
    object_id: uuid.UUID
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class EntryPage:
    """Entries for one page, where the reader stands after them, and whether more wait."""

    entries: list[Entry]
    end: int
    has_more: bool


async def read_entries(
    reader: Reader,
    scope: Scope,
    after: int,
    types: Sequence[ChangeType],
    limit: int,
    visible: Mapping[ChangeType, sa.ColumnElement[bool]],
) -> EntryPage:
    """Up to `limit` entries after seq `after` that concern the viewer.

    `visible` holds, per type, the viewer's predicate on `change_log.object_id`. When no
    relevant entry is left below the bound, the end position jumps to the bound, past the
    entries of other branches, so an idle partner's cursor keeps up with the log.
    """
    # Read before the page: every entry up to it has committed (commit order is seq order),
    # so the page's own (later) snapshot sees all of them.
    bound = await present(reader)
    conditions: list[sa.ColumnElement[bool]] = [
        log_t.c.seq > after,
        log_t.c.seq <= bound,
        log_t.c.object_type.in_([t.value for t in types]),
    ]
    if not scope.unrestricted:
        concerned = sa.exists(
            sa.select(sa.literal(1)).where(
                log_unit_t.c.seq == log_t.c.seq, in_subtree(scope, log_unit_t.c.org_unit_id)
            )
        )
        visible_now = [
            sa.and_(log_t.c.object_type == t.value, visible[t]) for t in types if t in visible
        ]
        conditions.append(sa.or_(concerned, *visible_now))
    rows = await reader.fetch_all(
        sa.select(log_t.c.seq, log_t.c.object_type, log_t.c.object_id, log_t.c.changed_at)
        .where(*conditions)
        .order_by(log_t.c.seq)
        .limit(limit + 1)
    )
    entries = [
        Entry(r["seq"], ChangeType(r["object_type"]), r["object_id"], r["changed_at"]) for r in rows
    ]
    if len(entries) > limit:
        entries = entries[:limit]
        return EntryPage(entries, entries[-1].seq if entries else after, True)
    return EntryPage(entries, max(after, bound), False)
