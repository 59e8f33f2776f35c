"""Workflow events about an item of a task, rectification or document (issue 18, point 1).

`report.accepted` / `report.returned` (a progress report), `comment.added` (a comment or 批示),
`extension.requested` / `.decided` / `.withdrawn` (an extension request), `assignment.acknowledged`
(签收), `evidence.attached` (an evidence file), `plan.created` / `plan.updated` (a plan): each
concerns one item row whose owner is an object of the change feed. A partner hears of such an
event when it sees both, in its scope:

- the item, by the one scope rule for the item's table (models/rules/scope.py `visibility`:
  a report with its share's unit, a comment with its target, a request with its task …);
- the owner, read with the change feed's rules (resolvers/changes/records.py), as for
  `task.changed`.

The CloudEvent's `data` is the owner's records plus `item`: the item's row encoded by the
snapshot's encoder at the subscription's tier (resolvers/changes/snapshot.py `INTERNAL`: a
SHARED partner's rows carry no persons' names). The owner is also the delivery's ordering key,
so a task's `report.returned` and its `task.changed` go in outbox order.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

import models
from models.enums import ChangeType
from models.rules.scope import Scope, visibility
from resolvers.changes.snapshot import encoder, json_value

assignment_t = models.metadata.tables["assignment"]


@dataclass(frozen=True)
class Item:
    """An event's item: its table and its node type in payloads."""

    table: str
    node: str


# The workflow events (resolvers/unit_of_work.py OUTBOX_EVENTS) and their items.
ITEM_EVENTS: dict[str, Item] = {
    "report.accepted": Item("progress_report", "ProgressReport"),
    "report.returned": Item("progress_report", "ProgressReport"),
    "comment.added": Item("comment", "Comment"),
    "extension.requested": Item("extension_request", "ExtensionRequest"),
    "extension.decided": Item("extension_request", "ExtensionRequest"),
    "extension.withdrawn": Item("extension_request", "ExtensionRequest"),
    "assignment.acknowledged": Item("assignment", "Assignment"),
    "evidence.attached": Item("evidence_file", "EvidenceFile"),
    "plan.created": Item("plan", "Plan"),
    "plan.updated": Item("plan", "Plan"),
}


def item_id(event: Any) -> uuid.UUID | None:
    """The event's item id: the outbox object, except a comment's (the object is its target)."""
    if event["event_type"] == "comment.added":
        payload = event["payload"] or {}
        value = (payload.get("after") or {}).get("comment")
        return uuid.UUID(str(value)) if value else None
    value = event["object_id"]
    return value if isinstance(value, uuid.UUID) or value is None else uuid.UUID(str(value))


def _owners_statement(table: str, ids: list[uuid.UUID]) -> sa.Select[Any]:
    """(id, task, rectification, document) of each item: the change-feed object owning it."""
    t = models.metadata.tables[table]
    null = sa.literal(None, sa.Uuid())
    if table == "progress_report":
        return (
            sa.select(t.c.id, assignment_t.c.task_id, null, null)
            .join(assignment_t, assignment_t.c.id == t.c.assignment_id)
            .where(t.c.id.in_(ids))
        )
    if table in ("comment", "evidence_file"):
        return (
            sa.select(
                t.c.id,
                sa.func.coalesce(t.c.task_id, assignment_t.c.task_id),
                t.c.rectification_id,
                null,
            )
            .outerjoin(assignment_t, assignment_t.c.id == t.c.assignment_id)
            .where(t.c.id.in_(ids))
        )
    if table == "plan":
        return sa.select(t.c.id, null, null, t.c.document_id).where(t.c.id.in_(ids))
    return sa.select(t.c.id, t.c.task_id, null, null).where(t.c.id.in_(ids))


async def owners(
    conn: AsyncConnection, events: Sequence[Any]
) -> dict[uuid.UUID, tuple[ChangeType, uuid.UUID]]:
    """Each item's owner (change type, id), by item id; one query per item table."""
    by_table: dict[str, set[uuid.UUID]] = {}
    for event in events:
        item = ITEM_EVENTS.get(event["event_type"])
        found = item_id(event) if item else None
        if item is not None and found is not None:
            by_table.setdefault(item.table, set()).add(found)
    out: dict[uuid.UUID, tuple[ChangeType, uuid.UUID]] = {}
    for table, ids in by_table.items():
        rows = await conn.execute(_owners_statement(table, sorted(ids)))
        for found, task, rectification, document in rows:
            if rectification is not None:
                out[found] = (ChangeType.RECTIFICATION, rectification)
            elif task is not None:
                out[found] = (ChangeType.TASK, task)
            elif document is not None:
                out[found] = (ChangeType.DOCUMENT, document)
    return out


async def visible_items(
    conn: AsyncConnection, scope: Scope, events: Sequence[Any]
) -> dict[uuid.UUID, dict[str, Any]]:
    """The events' items this scope sees, encoded at its tier (absent: not seen)."""
    by_table: dict[str, set[uuid.UUID]] = {}
    for event in events:
        item = ITEM_EVENTS[event["event_type"]]
        found = item_id(event)
        if found is not None:
            by_table.setdefault(item.table, set()).add(found)
    out: dict[uuid.UUID, dict[str, Any]] = {}
    for table_name, ids in by_table.items():
        table = models.metadata.tables[table_name]
        encode = encoder(table, scope.disclosure)
        rows = await conn.execute(
            sa.select(table).where(table.c.id.in_(sorted(ids)), visibility(scope, table))
        )
        for row in rows.mappings():
            out[row["id"]] = json_value(encode(row))
    return out
