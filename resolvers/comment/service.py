"""Comments (留言) and 批示 (instructions) on tasks, rectification items and progress reports.

Who: models/rules/scope.py — a COMMENT by REPORTER or higher on a target it sees
(`can_comment`); an INSTRUCTION by COORDINATOR or higher of the target's issuer (a task's
document issuer or, for a subtask, the unit whose share it splits; a rectification's
inspection team) or a unit above it, or of a unit strictly above one of the target's units
(a task's assigned units, a rectification's responsible units, a report's share unit)
(`can_instruct`). Visibility: a comment is read with its target (scope.py row_condition).

One write of the write pipeline (resolvers/unit_of_work.py): the comment row, its audit
event `addComment`, an outbox event `comment.added`, and the change-log entry of the task
(for a report: its task) or the rectification it is on, so the `changes` feed and
subscriptions hear of it. Comments are append-only.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models import (
    Assignment,
    Comment,
    Document,
    Inspection,
    ProgressReport,
    Rectification,
    RectificationAssignment,
    Task,
)
from models.enums import CommentKind, ViewerRole
from models.messages import message
from models.rules.scope import (
    can_comment,
    can_instruct,
    rectification_visible,
    scope_for,
    task_visible,
    visibility,
)
from resolvers.events import rectification_changed, task_changed
from resolvers.service_context import ServiceContext
from resolvers.task.service import MAX_TEXT, check_text
from resolvers.writes import audit, fetch_checked, require_role

comment_t: sa.Table = Comment.__table__  # type: ignore[attr-defined]
task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]
report_t: sa.Table = ProgressReport.__table__  # type: ignore[attr-defined]
rect_t: sa.Table = Rectification.__table__  # type: ignore[attr-defined]
rect_assignment_t: sa.Table = RectificationAssignment.__table__  # type: ignore[attr-defined]
inspection_t: sa.Table = Inspection.__table__  # type: ignore[attr-defined]


class Target(StrEnum):
    """What a comment is on."""

    TASK = "Task"
    RECTIFICATION = "Rectification"
    REPORT = "ProgressReport"


def _task_issuers(task_id: Any) -> sa.CompoundSelect[Any]:
    """A task's issuers: its document's issuer and, for a subtask, the decomposing unit."""
    origin = assignment_t.alias("comment_origin")
    issued = task_t.alias("comment_issued")
    return sa.union_all(
        sa.select(document_t.c.issuer_id)
        .select_from(issued.join(document_t, document_t.c.id == issued.c.document_id))
        .where(issued.c.id == task_id, document_t.c.issuer_id.is_not(None)),
        sa.select(origin.c.org_unit_id)
        .select_from(issued.join(origin, origin.c.id == issued.c.origin_assignment_id))
        .where(issued.c.id == task_id),
    )


def _checks(ctx: ServiceContext, target: Target) -> tuple[sa.Select[Any], Any, Any, str]:
    """(statement selecting the target's row, visible, issuers/units check, noun)."""
    viewer = ctx.viewer
    scope = scope_for(viewer)
    if target is Target.TASK:
        shares = sa.select(assignment_t.c.org_unit_id).where(assignment_t.c.task_id == task_t.c.id)
        statement: sa.Select[Any] = sa.select(task_t.c.id, task_t.c.id.label("task_id"))
        return (
            statement,
            task_visible(scope, task_t.c.id),
            can_instruct(viewer, _task_issuers(task_t.c.id), shares),
            "task",
        )
    if target is Target.RECTIFICATION:
        teams = sa.select(inspection_t.c.inspector_id).where(
            inspection_t.c.id == rect_t.c.inspection_id, inspection_t.c.inspector_id.is_not(None)
        )
        units = sa.select(rect_assignment_t.c.org_unit_id).where(
            rect_assignment_t.c.rectification_id == rect_t.c.id
        )
        rects: sa.Select[Any] = sa.select(rect_t.c.id)
        return (
            rects,
            rectification_visible(scope, rect_t.c.id),
            can_instruct(viewer, teams, units),
            "rectification",
        )
    reports: sa.Select[Any] = sa.select(
        report_t.c.id, report_t.c.assignment_id, assignment_t.c.task_id
    ).select_from(report_t.join(assignment_t, assignment_t.c.id == report_t.c.assignment_id))
    share_unit = sa.select(assignment_t.c.org_unit_id).where(
        assignment_t.c.id == report_t.c.assignment_id
    )
    return (
        reports,
        visibility(scope, report_t),
        can_instruct(viewer, _task_issuers(assignment_t.c.task_id), share_unit),
        "progress_report",
    )


async def add_comment(
    ctx: ServiceContext,
    conn: AsyncConnection,
    *,
    target: Target,
    target_id: uuid.UUID,
    body: str,
    kind: CommentKind = CommentKind.COMMENT,
) -> dict[str, Any]:
    """A comment (or 批示) on a task, rectification or progress report: the comment row."""
    instruction = kind is CommentKind.INSTRUCTION
    viewer_unit = require_role(ctx, ViewerRole.COORDINATOR if instruction else ViewerRole.REPORTER)
    statement, visible, instructs, noun = _checks(ctx, target)
    id_column = statement.selected_columns[0]
    row = await fetch_checked(
        conn,
        statement.where(id_column == target_id),
        visible=visible,
        writable=instructs if instruction else can_comment(ctx.viewer),
        field="target",
        noun=noun,
        forbidden=message("FORBIDDEN_INSTRUCTION" if instruction else "FORBIDDEN_COMMENT"),
    )
    check_text(body, "body", required=True, limit=MAX_TEXT)
    comment = {
        "id": uuid.uuid4(),
        "task_id": target_id if target is Target.TASK else None,
        "rectification_id": target_id if target is Target.RECTIFICATION else None,
        "progress_report_id": target_id if target is Target.REPORT else None,
        "assignment_id": row["assignment_id"] if target is Target.REPORT else None,
        "kind": kind.value,
        "body": body,
        "author": ctx.viewer.subject,
        "author_unit_id": viewer_unit,
        "author_role": (ctx.viewer.role or ViewerRole.VIEWER).value,
        "created_at": ctx.now(),
    }
    await conn.execute(comment_t.insert().values(**comment))
    if target is Target.RECTIFICATION:
        rectification_changed(ctx, target_id)
    else:
        task_changed(ctx, row["task_id"])
    await audit(
        ctx,
        conn,
        action="addComment",
        target_type=target.value,
        target_id=target_id,
        after={
            "comment": comment["id"],
            "kind": kind.value,
            "body": body,
            "authorUnit": viewer_unit,
        },
        scope_unit=viewer_unit,
    )
    return comment
