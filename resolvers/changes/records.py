"""A change's rows: the object as the snapshot carries it, so a mirror applies the feed as is.

Each change type names an object and the snapshot collections it owns (`PARTS`): a document
its plans, a task its deadline changes (as Task.deadlineHistory: a SHARED partner's rows have
no `changedBy`), assignments and their progress reports, a rectification its findings,
responsible units and events, a unit its aliases, an inspection its findings. A change
replaces, in a mirror loaded from /export/snapshot.json, the object's rows in those
collections (the rows whose owner field holds the object's id; progress reports go with
their assignment) by the rows it carries; a tombstone carries none. The rows are read with
the snapshot's predicates and encoder (resolvers/changes/snapshot.py), for the feed's scope
and disclosure tier, so snapshot + feed = a new snapshot.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

import models
from models.enums import ChangeType
from resolvers.changes.log import CHUNK, Reader, root_table
from resolvers.changes.snapshot import NODE_TYPES, PREDICATES, encoder, json_value
from resolvers.ids import encode_global_id
from resolvers.scope import Scope


@dataclass(frozen=True, slots=True)
class Part:
    """A snapshot collection an object owns: rows whose `owner` column holds its id (or,
    with `via`, whose `owner` references a row of `via` whose `via_owner` holds it)."""

    collection: str
    table: str
    owner: str
    via: str | None = None
    via_owner: str | None = None


PARTS: dict[ChangeType, list[Part]] = {
    ChangeType.ORG_UNIT: [
        Part("orgUnits", "org_unit", "id"),
        Part("orgUnitAliases", "org_unit_alias", "org_unit_id"),
    ],
    ChangeType.INDICATOR: [Part("indicators", "indicator", "id")],
    ChangeType.MONITORING_SECTION: [Part("monitoringSections", "monitoring_section", "id")],
    ChangeType.DOCUMENT: [
        Part("documents", "document", "id"),
        Part("plans", "plan", "document_id"),
    ],
    ChangeType.TASK: [
        Part("tasks", "task", "id"),
        Part("taskDeadlineChanges", "task_deadline_change", "task_id"),
        Part("assignments", "assignment", "task_id"),
        Part("progressReports", "progress_report", "assignment_id", "assignment", "task_id"),
    ],
    ChangeType.INSPECTION: [
        Part("inspections", "inspection", "id"),
        Part("findings", "finding", "inspection_id"),
    ],
    ChangeType.RECTIFICATION: [
        Part("rectifications", "rectification", "id"),
        Part("rectificationFindings", "rectification_finding", "rectification_id"),
        Part("rectificationAssignments", "rectification_assignment", "rectification_id"),
        Part("rectificationEvents", "rectification_event", "rectification_id"),
    ],
    ChangeType.TARGET: [Part("targets", "target", "id")],
    ChangeType.MEASUREMENT: [Part("measurements", "measurement", "id")],
    ChangeType.ESCALATION: [Part("escalations", "escalation", "id")],
    ChangeType.PROPOSAL: [Part("proposals", "proposal", "id")],
}

Records = dict[str, list[dict[str, Any]]]


def object_key(change_type: ChangeType, object_id: uuid.UUID) -> str:
    """The object's id as the snapshot writes it: a global id for GraphQL nodes."""
    node_type = NODE_TYPES.get(root_table(change_type).name)
    return encode_global_id(node_type, object_id) if node_type else str(object_id)


def _statement(part: Part, scope: Scope, ids: list[uuid.UUID]) -> sa.Select[Any]:
    table = models.metadata.tables[part.table]
    condition = PREDICATES[part.collection](scope, table)
    if part.via is None:
        owner = table.c[part.owner]
        statement = sa.select(table, owner.label("_owner"))
    else:
        via = models.metadata.tables[part.via]
        owner = via.c[part.via_owner or ""]
        statement = sa.select(table, owner.label("_owner")).join(
            via, via.c.id == table.c[part.owner]
        )
    return statement.where(owner.in_(ids), condition).order_by(*table.primary_key.columns)


async def read_records(
    reader: Reader, scope: Scope, change_type: ChangeType, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Records]:
    """Each object's rows per collection (every collection present, maybe empty); an object
    the scope does not see has no root row (its tombstone)."""
    out: dict[uuid.UUID, Records] = {
        object_id: {part.collection: [] for part in PARTS[change_type]} for object_id in ids
    }
    unique = sorted(set(ids))
    for part in PARTS[change_type]:
        encode = encoder(models.metadata.tables[part.table], scope.disclosure)
        for start in range(0, len(unique), CHUNK):
            rows = await reader.fetch_all(_statement(part, scope, unique[start : start + CHUNK]))
            grouped: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
            for row in rows:
                grouped[row["_owner"]].append(json_value(encode(row)))
            for owner, encoded in grouped.items():
                out[owner][part.collection] = encoded
    return out


def is_tombstone(change_type: ChangeType, records: Records) -> bool:
    """No root row: deleted, or outside the scope."""
    return not records[PARTS[change_type][0].collection]
