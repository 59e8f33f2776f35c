"""What a viewer may see, as SQL predicates (DESIGN.md, "Access").

A viewer sees its unit's subtree and what is assigned to it, never other branches. Every
read path starts from these predicates, so nodes, nested relations, rollups, exports and
feeds agree; an object outside scope behaves exactly like one that does not exist.

- units: the viewer's subtree, plus its ancestors (their names give context; what hangs
  below them is filtered by the other predicates);
- tasks: a task with an assignment (any role) to a unit in the subtree, or from a document
  issued in the subtree;
- rectifications: one with a responsible unit in the subtree;
- documents and plans: issued in the subtree, or holding a visible task;
- targets and measurements: of a unit in the subtree or a section such a unit is
  responsible for.
An unrestricted scope (ADMIN, the demo viewer of `make run`) sees everything.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from models import (
    Assignment,
    Document,
    MonitoringSection,
    OrgUnitClosure,
    Plan,
    RectificationAssignment,
    Task,
)
from models.viewer import Viewer

closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]
plan_t: sa.Table = Plan.__table__  # type: ignore[attr-defined]
rect_assignment_t: sa.Table = RectificationAssignment.__table__  # type: ignore[attr-defined]
section_t: sa.Table = MonitoringSection.__table__  # type: ignore[attr-defined]


class Disclosure(StrEnum):
    """How much of a visible row a viewer may read."""

    INTERNAL = "INTERNAL"  # government users: every field
    SHARED = "SHARED"  # sharing partners: no responsible persons, actors or internal notes


@dataclass(frozen=True, slots=True)
class Scope:
    """A subtree root (None: everything) and a disclosure tier.

    `parameter` names a bind parameter that holds the root in the SQL instead of the value
    (the compiled read path: one plan serves every viewer of a query shape; a plan run
    without the parameter sees nothing).
    """

    root: uuid.UUID | None
    disclosure: Disclosure = Disclosure.INTERNAL
    parameter: str | None = None

    @property
    def unrestricted(self) -> bool:
        """Sees every row."""
        return self.root is None


EVERYTHING = Scope(root=None)


def scope_for(viewer: Viewer) -> Scope:
    """A viewer's scope: its unit's subtree; ADMIN and the anonymous demo viewer see all."""
    if viewer.unit_id is None or viewer.is_admin:
        return EVERYTHING
    return Scope(
        root=viewer.unit_id,
        disclosure=Disclosure.SHARED if viewer.partner else Disclosure.INTERNAL,
    )


def root_of(scope: Scope) -> Any:
    """The scope root in SQL: its value, or the bind parameter `scope.parameter` (no default:
    NULL matches no unit)."""
    if scope.parameter is None:
        return scope.root
    return sa.bindparam(scope.parameter, None, type_=sa.Uuid())


def subtree(scope: Scope) -> sa.Select[Any]:
    """Ids of the units in the scope's subtree."""
    return sa.select(closure_t.c.descendant_id).where(closure_t.c.ancestor_id == root_of(scope))


def ancestors(scope: Scope) -> sa.Select[Any]:
    """Ids of the scope root's ancestors (and itself)."""
    return sa.select(closure_t.c.ancestor_id).where(closure_t.c.descendant_id == root_of(scope))


def unit_visible(scope: Scope, column: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """`column` (an org unit id) is in the subtree or one of its ancestors."""
    if scope.unrestricted:
        return sa.true()
    return sa.or_(column.in_(subtree(scope)), column.in_(ancestors(scope)))


def in_subtree(scope: Scope, column: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """`column` (an org unit id) is in the subtree (ancestors excluded)."""
    if scope.unrestricted:
        return sa.true()
    return column.in_(subtree(scope))


def task_visible(
    scope: Scope, task_id: sa.ColumnElement[Any] | None = None
) -> sa.ColumnElement[bool]:
    """The task (default: `task.id`) is assigned into the subtree or issued inside it."""
    if scope.unrestricted:
        return sa.true()
    task_id = task_id if task_id is not None else task_t.c.id
    assigned = sa.select(assignment_t.c.task_id).where(
        assignment_t.c.org_unit_id.in_(subtree(scope))
    )
    issued = (
        sa.select(task_t.c.id)
        .join(document_t, document_t.c.id == task_t.c.document_id)
        .where(document_t.c.issuer_id.in_(subtree(scope)))
    )
    return sa.or_(task_id.in_(assigned), task_id.in_(issued))


def rectification_visible(
    scope: Scope, rectification_id: sa.ColumnElement[Any]
) -> sa.ColumnElement[bool]:
    """A responsible unit of the rectification is in the subtree."""
    if scope.unrestricted:
        return sa.true()
    from models import Inspection, Rectification

    rect_t: sa.Table = Rectification.__table__  # type: ignore[attr-defined]
    inspection_t: sa.Table = Inspection.__table__  # type: ignore[attr-defined]
    responsible = sa.select(rect_assignment_t.c.rectification_id).where(
        rect_assignment_t.c.org_unit_id.in_(subtree(scope))
    )
    # An inspection team follows the items of the inspections it made.
    inspected = sa.select(rect_t.c.id).where(
        rect_t.c.inspection_id.in_(
            sa.select(inspection_t.c.id).where(inspection_t.c.inspector_id.in_(subtree(scope)))
        )
    )
    return sa.or_(rectification_id.in_(responsible), rectification_id.in_(inspected))


def document_visible(scope: Scope, document_id: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """Issued in the subtree, or holding a visible task."""
    if scope.unrestricted:
        return sa.true()
    issued = sa.select(document_t.c.id).where(document_t.c.issuer_id.in_(subtree(scope)))
    holding = sa.select(task_t.c.document_id).where(task_visible(scope))
    return sa.or_(document_id.in_(issued), document_id.in_(holding))


def plan_visible(scope: Scope, plan_id: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """The plan's document is visible."""
    if scope.unrestricted:
        return sa.true()
    return plan_id.in_(sa.select(plan_t.c.id).where(document_visible(scope, plan_t.c.document_id)))


def subject_visible(
    scope: Scope, unit: sa.ColumnElement[Any], section: sa.ColumnElement[Any]
) -> sa.ColumnElement[bool]:
    """A target's or measurement's unit, or its section's unit, is in the subtree."""
    if scope.unrestricted:
        return sa.true()
    sections = sa.select(section_t.c.id).where(section_t.c.org_unit_id.in_(subtree(scope)))
    return sa.or_(unit.in_(subtree(scope)), section.in_(sections))


def inspection_visible(
    scope: Scope, inspection_id: sa.ColumnElement[Any]
) -> sa.ColumnElement[bool]:
    """An inspection with a visible rectification, or of a unit in the subtree."""
    if scope.unrestricted:
        return sa.true()
    from models import Inspection, Rectification

    rect_t: sa.Table = Rectification.__table__  # type: ignore[attr-defined]
    inspection_t: sa.Table = Inspection.__table__  # type: ignore[attr-defined]
    with_items = sa.select(rect_t.c.inspection_id).where(rectification_visible(scope, rect_t.c.id))
    of_units = sa.select(inspection_t.c.id).where(
        sa.or_(
            inspection_t.c.subject_unit_id.in_(subtree(scope)),
            inspection_t.c.inspector_id.in_(subtree(scope)),
        )
    )
    return sa.or_(inspection_id.in_(with_items), inspection_id.in_(of_units))


def visibility(scope: Scope, table: sa.Table) -> sa.ColumnElement[bool]:
    """The scope predicate for any table's rows (true for reference data)."""
    if scope.unrestricted:
        return sa.true()
    c = table.c
    match table.name:
        case "org_unit":
            return unit_visible(scope, c.id)
        case "org_unit_alias":
            return unit_visible(scope, c.org_unit_id)
        case "task":
            return task_visible(scope, c.id)
        case "assignment":
            return sa.and_(task_visible(scope, c.task_id), unit_visible(scope, c.org_unit_id))
        case "progress_report":
            return c.assignment_id.in_(
                sa.select(assignment_t.c.id).where(
                    task_visible(scope, assignment_t.c.task_id),
                    in_subtree(scope, assignment_t.c.org_unit_id),
                )
            )
        case "plan":
            return plan_visible(scope, c.id)
        case "document":
            return document_visible(scope, c.id)
        case "rectification":
            return rectification_visible(scope, c.id)
        case "rectification_event":
            return rectification_visible(scope, c.rectification_id)
        case "inspection":
            return inspection_visible(scope, c.id)
        case "finding":
            return inspection_visible(scope, c.inspection_id)
        case "target" | "measurement":
            return subject_visible(scope, c.org_unit_id, c.section_id)
        case "monitoring_section":
            return in_subtree(scope, c.org_unit_id)
        case "proposal":
            return in_subtree(scope, c.handling_unit_id)
        case "escalation":
            return in_subtree(scope, c.addressed_to_id)
        case "indicator":
            return sa.true()
    return sa.false()  # unknown tables are invisible until someone decides otherwise


def internal_hidden(info: Any) -> bool:
    """Whether the request's viewer is a sharing partner, who gets no internal fields."""
    scope: Scope = info.context.scope
    return scope.disclosure is Disclosure.SHARED
