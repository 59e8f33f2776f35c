"""Bulk JSON export of a unit's subtree (/export/snapshot.json) for a partner's initial load.

One read transaction (REPEATABLE READ on PostgreSQL; SQLite's WAL snapshot) gives every
collection as of one instant, with the change-feed cursor of that instant: a partner loads
the snapshot, then follows `changes(since: changesCursor)` and misses nothing: the cursor
carries the snapshot's unit and disclosure tier, so the feed continues the same view, and
each change carries its object's rows as this snapshot writes them (records.py). Rows stream out
a chunk at a time through a server-side cursor; every collection is filtered by the scope
predicates of resolvers/scope.py, and a SHARED (partner) viewer gets no responsible persons
or actors. Ids of objects that are GraphQL nodes are their global ids, as in the feed.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

import models
from resolvers.changes.log import ConnectionReader, Cursor, present
from resolvers.database import apply_rls_scope
from resolvers.ids import encode_global_id
from resolvers.scope import Disclosure, Scope, rectification_visible, unit_visible, visibility

CHUNK = 1000

# GraphQL node types of tables: their ids (and references to them) are global ids.
NODE_TYPES = {
    "org_unit": "OrgUnit",
    "document": "Document",
    "plan": "Plan",
    "task": "Task",
    "assignment": "Assignment",
    "progress_report": "ProgressReport",
    "inspection": "Inspection",
    "rectification": "Rectification",
    "target": "Target",
    "monitoring_section": "MonitoringSection",
}
# Internal fields a sharing partner (Disclosure.SHARED) does not get.
# Persons' names: every column GraphQL hides from a partner (resolvers/scope.py
# internal_hidden) is here too, so the snapshot, the change feed and webhook payloads
# (resolvers/delivery/worker.py) hide the same ones.
INTERNAL = {
    "progress_report": {"reported_by", "reviewed_by"},
    "assignment": {"acknowledged_by"},  # 签收: who signed
    "rectification": {"responsible_persons"},
    "rectification_event": {"actor"},
    "task_deadline_change": {"changed_by"},  # as Task.deadlineHistory's changedBy
    "escalation": {"acknowledged_by", "closed_by"},
    "escalation_reply": {"replied_by"},
    "comment": {"author"},
    "extension_request": {"requested_by", "decided_by"},
    "evidence_file": {"uploaded_by"},
}


def _linked(scope: Scope, table: sa.Table) -> sa.ColumnElement[bool]:
    """Rectification link tables follow their rectification (and its units' visibility)."""
    condition = rectification_visible(scope, table.c.rectification_id)
    if "org_unit_id" in table.c:
        condition = sa.and_(condition, unit_visible(scope, table.c.org_unit_id))
    return condition


# (key in the JSON, table, predicate) in an order where references point backwards.
COLLECTIONS: list[tuple[str, str, Callable[[Scope, sa.Table], sa.ColumnElement[bool]]]] = [
    ("orgUnits", "org_unit", visibility),
    ("orgUnitAliases", "org_unit_alias", visibility),
    ("indicators", "indicator", visibility),
    ("monitoringSections", "monitoring_section", visibility),
    ("documents", "document", visibility),
    ("plans", "plan", visibility),
    ("tasks", "task", visibility),
    ("taskDeadlineChanges", "task_deadline_change", visibility),
    ("assignments", "assignment", visibility),
    ("progressReports", "progress_report", visibility),
    ("inspections", "inspection", visibility),
    ("findings", "finding", visibility),
    ("rectifications", "rectification", visibility),
    ("rectificationFindings", "rectification_finding", _linked),
    ("rectificationAssignments", "rectification_assignment", _linked),
    ("rectificationEvents", "rectification_event", visibility),
    ("targets", "target", visibility),
    ("measurements", "measurement", visibility),
    ("escalations", "escalation", visibility),
    ("proposals", "proposal", visibility),
]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


# The predicate of each collection (the change feed's rows use the same: records.py).
PREDICATES = {key: predicate for key, _, predicate in COLLECTIONS}


def encoder(table: sa.Table, disclosure: Disclosure) -> Callable[[Any], dict[str, Any]]:
    """Row → JSON object: camelCase keys, global ids for nodes, internal fields dropped."""
    hidden = INTERNAL.get(table.name, set()) if disclosure is Disclosure.SHARED else set()
    columns: list[tuple[str, str, str | None]] = []
    for column in table.columns:
        if column.name in hidden:
            continue
        node_type = None
        if column.primary_key and column.name == "id":
            node_type = NODE_TYPES.get(table.name)
        for foreign_key in column.foreign_keys:
            node_type = NODE_TYPES.get(foreign_key.column.table.name)
        columns.append((column.name, _camel(column.name), node_type))

    def encode(row: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, key, node_type in columns:
            value = row[name]
            if node_type is not None and value is not None:
                value = encode_global_id(node_type, value)
            elif isinstance(value, uuid.UUID):
                value = str(value)
            elif isinstance(value, Enum):
                value = value.value
            out[key] = value
        return out

    return encode


def _json(value: Any) -> bytes:
    return orjson.dumps(value, default=_default)


def json_value(row: dict[str, Any]) -> Any:
    """An encoded row as the snapshot's JSON text holds it (dates as ISO text …): the change
    feed's rows are these values, so a mirror compares equal to a new snapshot."""
    return orjson.loads(_json(row))


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(type(value).__name__)


async def snapshot_chunks(
    engine: AsyncEngine, scope: Scope, unit: dict[str, Any], *, rls_scope: str | None = None
) -> AsyncIterator[bytes]:
    """The snapshot of `scope` (rooted at `unit`) as JSON text, a chunk at a time.

    `rls_scope`: the viewer's row-level-security scope (GOVGRAPH_RLS=1), set on the
    transaction first, so PostgreSQL's policies stand behind the predicates here too.
    """
    options: dict[str, Any] = {}
    if engine.dialect.name == "postgresql":
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    async with engine.connect() as conn:
        conn = await conn.execution_options(**options)
        async with conn.begin():
            await apply_rls_scope(conn, rls_scope)
            # One snapshot for the whole transaction: the feed position and every collection.
            # The feed continues this view: the unit's subtree at this disclosure tier.
            cursor = Cursor(
                await present(ConnectionReader(conn)),
                unit=scope.root,
                disclosure=scope.disclosure.value,
            )
            head = {
                "asOf": datetime.now(UTC).isoformat(),
                "unit": {"id": encode_global_id("OrgUnit", unit["id"]), "name": unit["name"]},
                "disclosure": scope.disclosure.value,
                "changesCursor": cursor.encode(),
            }
            yield _json(head)[:-1]  # the object stays open for the collections
            for key, table_name, predicate in COLLECTIONS:
                table = models.metadata.tables[table_name]
                encode = encoder(table, scope.disclosure)
                order = list(table.primary_key.columns)
                result = await conn.stream(
                    sa.select(table)
                    .where(predicate(scope, table))
                    .order_by(*order)
                    .execution_options(yield_per=CHUNK)
                )
                yield b',"' + key.encode() + b'":['
                first = True
                async for partition in result.mappings().partitions(CHUNK):
                    parts = [_json(encode(row)) for row in partition]
                    yield (b"" if first else b",") + b",".join(parts)
                    first = False
                yield b"]"
            yield b"}"
