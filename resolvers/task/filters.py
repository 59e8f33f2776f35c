"""TaskFilter and unit scope as SQL predicates on the task table."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from models import Assignment, Document, OrgUnitClosure, Task, enums
from models.rules.names import normalize_doc_number
from resolvers.common import decode_global_id
from resolvers.task.types import TaskFilter

task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with % and _ escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def units_in_scope(unit: uuid.UUID, include_descendants: bool) -> sa.ColumnElement[bool]:
    """Predicate on `assignment.org_unit_id`: the unit, or the unit and its subtree."""
    if not include_descendants:
        return assignment_t.c.org_unit_id == unit
    return assignment_t.c.org_unit_id.in_(
        sa.select(closure_t.c.descendant_id).where(closure_t.c.ancestor_id == unit)
    )


def assigned_to(
    unit: uuid.UUID, role: enums.RoleScope, include_descendants: bool
) -> sa.ColumnElement[bool]:
    """The task has an assignment in `role` (ANY = either) to a unit in scope."""
    conditions: list[sa.ColumnElement[Any]] = [
        assignment_t.c.task_id == task_t.c.id,
        units_in_scope(unit, include_descendants),
    ]
    if role is not enums.RoleScope.ANY:
        conditions.append(assignment_t.c.role == role.value)
    return sa.exists(sa.select(sa.literal(1)).select_from(assignment_t).where(*conditions))


def task_filter_conditions(flt: TaskFilter | None) -> list[sa.ColumnElement[bool]]:
    """Every TaskFilter field as a WHERE condition."""
    if flt is None:
        return []
    out: list[sa.ColumnElement[bool]] = []
    if flt.status:
        out.append(task_t.c.status.in_([s.value for s in flt.status]))
    if flt.category is not None:
        out.append(task_t.c.category == flt.category)
    if flt.plan is not None:
        out.append(task_t.c.plan_id == decode_global_id(flt.plan, "Plan"))
    if flt.document is not None:
        out.append(task_t.c.document_id == decode_global_id(flt.document, "Document"))
    if flt.doc_number is not None:
        out.append(
            task_t.c.document_id.in_(
                sa.select(document_t.c.id).where(
                    document_t.c.doc_number_normalized == normalize_doc_number(flt.doc_number)
                )
            )
        )
    if flt.lead_unit is not None:
        out.append(
            assigned_to(
                decode_global_id(flt.lead_unit, "OrgUnit"),
                enums.RoleScope.LEAD,
                include_descendants=False,
            )
        )
    if flt.deadline_kind:
        out.append(task_t.c.deadline_kind.in_([k.value for k in flt.deadline_kind]))
    if flt.due_before is not None:
        out.append(task_t.c.deadline_end <= flt.due_before)
    if flt.due_after is not None:
        out.append(task_t.c.deadline_end >= flt.due_after)
    if flt.overdue_as_of is not None:
        out.append(task_t.c.status != enums.TaskStatus.COMPLETED.value)
        out.append(task_t.c.deadline_kind != enums.DeadlineKind.ONGOING.value)
        out.append(task_t.c.deadline_end < flt.overdue_as_of)
    if flt.text:
        pattern = like_pattern(flt.text.strip())
        out.append(
            sa.or_(
                task_t.c.title.like(pattern, escape="\\"),
                task_t.c.description.like(pattern, escape="\\"),
            )
        )
    return out
