"""Extension requests (延期申请): a lead unit asks for a later deadline; the approver decides.

States, moves and what an approval does: models/rules/extension_state.py; who:
models/rules/scope.py (can_request_extension, can_decide_extension). Each move is one
conditional UPDATE (`WHERE id = :id AND status = 'PENDING'`, plus the version when
`expectedVersion` is given), so the database decides between concurrent writers: of two
approvals one applies and moves the deadline once, the other is refused. One PENDING request
per task is held by a partial unique index (migration 0030): the insert is ON CONFLICT DO
NOTHING, a second request is DUPLICATE.

An approval moves the task's deadline through resolvers/task/deadlines.py (a dated deadline
change: the original stays queryable, as-of views before it keep the old deadline). Every
write goes through the write pipeline: audit (`requestExtension` / `decideExtension` /
`withdrawExtension`, giving the outbox events `extension.requested`, `extension.decided`,
`extension.withdrawn`), a change-log entry of the task and its `task.changed` event.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models import Assignment, Document, ExtensionRequest, OrgUnit, Task
from models.enums import AssignmentRole, DeadlineKind, ExtensionStatus, ViewerRole
from models.messages import Message, message
from models.rules import extension_state as rules
from models.rules.scope import (
    can_decide_extension,
    can_request_extension,
    scope_for,
    share_visible,
    visibility,
)
from resolvers.errors import DomainError, ErrorCode
from resolvers.events import task_changed
from resolvers.service_context import ServiceContext
from resolvers.task.deadlines import record_deadline_change
from resolvers.task.service import MAX_TEXT, check_date, check_text
from resolvers.writes import audit, fetch_checked, fetch_row, insert_unique, require_role

request_t: sa.Table = ExtensionRequest.__table__  # type: ignore[attr-defined]
task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]
unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]

ACTIONS = {
    rules.Move.APPROVE: "decideExtension",
    rules.Move.REJECT: "decideExtension",
    rules.Move.WITHDRAW: "withdrawExtension",
}
PAST = {
    rules.Move.APPROVE: "MOVE_APPROVED",
    rules.Move.REJECT: "MOVE_REJECTED",
    rules.Move.WITHDRAW: "MOVE_WITHDRAWN",
}
# What the audit keeps of a request's state.
STATE = ("status", "version", "requested_end", "decision_reason", "deadline_change_id")


def _issuer() -> tuple[sa.FromClause, sa.ColumnElement[Any]]:
    """The task joined to what tells its issuer, and the issuer: the unit whose share a
    subtask splits (decomposeTask), else the task document's issuer (as updateTask judges)."""
    origin = assignment_t.alias("origin")
    joined = task_t.join(document_t, document_t.c.id == task_t.c.document_id).outerjoin(
        origin, origin.c.id == task_t.c.origin_assignment_id
    )
    return joined, sa.func.coalesce(origin.c.org_unit_id, document_t.c.issuer_id)


def _state(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in STATE}


def _check_extendable(kind: Any, end: date | None, new_end: date) -> None:
    if not rules.extendable(kind, end):
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            message("EXTENSION_NOT_EXTENDABLE", kind=DeadlineKind(kind).value),
            "newDeadline",
        )
    assert end is not None
    if new_end <= end:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE,
            message("EXTENSION_NOT_LATER", end=end.isoformat()),
            "newDeadline",
        )


async def request_extension(
    ctx: ServiceContext,
    conn: AsyncConnection,
    *,
    assignment_id: uuid.UUID,
    new_end: date,
    reason: str,
) -> dict[str, Any]:
    """延期申请: the lead unit of `assignment_id` asks to move its task's deadline end to
    `new_end`, because of `reason`. REPORTER or higher of that unit; the share is LEAD; the
    deadline has an end and `new_end` is later; no other request of the task is PENDING."""
    require_role(ctx, ViewerRole.REPORTER)
    joined, issuer = _issuer()
    share = await fetch_checked(
        conn,
        sa.select(
            assignment_t.c.id,
            assignment_t.c.task_id,
            assignment_t.c.org_unit_id,
            assignment_t.c.role,
            task_t.c.deadline_kind,
            task_t.c.deadline_end,
            issuer.label("issuer_id"),
            unit_t.c.parent_id.label("lead_parent_id"),
        )
        .select_from(
            assignment_t.join(joined, task_t.c.id == assignment_t.c.task_id).join(
                unit_t, unit_t.c.id == assignment_t.c.org_unit_id
            )
        )
        .where(assignment_t.c.id == assignment_id),
        visible=share_visible(scope_for(ctx.viewer), assignment_t.c.id),
        writable=can_request_extension(ctx.viewer, assignment_t.c.org_unit_id),
        field="assignment",
        noun="assignment",
        forbidden=message("FORBIDDEN_REQUEST_EXTENSION"),
    )
    if share["role"] != AssignmentRole.LEAD.value:
        raise DomainError(ErrorCode.INVALID_INPUT, message("EXTENSION_LEAD_ONLY"), "assignment")
    check_text(reason, "reason", required=True, limit=MAX_TEXT)
    check_date(new_end, "newDeadline")
    _check_extendable(share["deadline_kind"], share["deadline_end"], new_end)
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "task_id": share["task_id"],
        "assignment_id": assignment_id,
        "requested_by_unit_id": share["org_unit_id"],
        "addressed_to_id": share["issuer_id"] or share["lead_parent_id"],
        "requested_by": ctx.viewer.subject,
        "requested_at": ctx.now(),
        "reason": reason.strip(),
        "current_end": share["deadline_end"],
        "requested_end": new_end,
        "status": ExtensionStatus.PENDING.value,
        "decided_by_unit_id": None,
        "decided_by": None,
        "decided_at": None,
        "decision_reason": None,
        "deadline_change_id": None,
        "created_at": ctx.now(),
        "version": 1,
    }
    if not await insert_unique(conn, request_t, row):
        raise DomainError(ErrorCode.DUPLICATE, message("EXTENSION_PENDING"), "assignment")
    await audit(
        ctx,
        conn,
        action="requestExtension",
        target_type="ExtensionRequest",
        target_id=row["id"],
        after=row,
        scope_unit=share["org_unit_id"],
    )
    task_changed(ctx, share["task_id"])
    return row


async def _checked(
    ctx: ServiceContext, conn: AsyncConnection, request_id: uuid.UUID, move: rules.Move
) -> dict[str, Any]:
    """The request: NOT_FOUND when the viewer cannot see it, FORBIDDEN when it is not the
    party that makes `move`."""
    joined, issuer = _issuer()
    if rules.party(move) is rules.Party.APPROVER:
        writable = can_decide_extension(ctx.viewer, issuer, request_t.c.requested_by_unit_id)
        forbidden: Message = message("FORBIDDEN_DECIDE_EXTENSION")
    else:
        writable = can_request_extension(ctx.viewer, request_t.c.requested_by_unit_id)
        forbidden = message("FORBIDDEN_REQUEST_EXTENSION")
    return await fetch_checked(
        conn,
        sa.select(request_t)
        .select_from(request_t.join(joined, task_t.c.id == request_t.c.task_id))
        .where(request_t.c.id == request_id),
        visible=visibility(scope_for(ctx.viewer), request_t),
        writable=writable,
        field="request",
        noun="extension_request",
        forbidden=forbidden,
    )


async def _move(
    ctx: ServiceContext,
    conn: AsyncConnection,
    request_id: uuid.UUID,
    move: rules.Move,
    values: dict[str, Any],
    expected_version: int | None,
) -> dict[str, Any]:
    """Apply `move` if the request is still PENDING (and at `expected_version`): the updated
    row; VERSION_CONFLICT or INVALID_TRANSITION (from the row as it is now) otherwise."""
    condition = sa.and_(
        request_t.c.id == request_id, request_t.c.status == ExtensionStatus.PENDING.value
    )
    if expected_version is not None:
        condition = sa.and_(condition, request_t.c.version == expected_version)
    result = await conn.execute(
        request_t.update()
        .where(condition)
        .values(**values, status=rules.target(move).value, version=request_t.c.version + 1)
        .returning(*request_t.c)
    )
    updated = result.mappings().first()
    if updated is not None:
        return dict(updated)
    now = await fetch_row(conn, request_t, request_id, field="request")
    status = ExtensionStatus(now["status"])
    if rules.allowed(status) and expected_version is not None:
        raise DomainError(
            ErrorCode.VERSION_CONFLICT,
            message(
                "VERSION_CONFLICT",
                noun=message("NOUN_EXTENSION_REQUEST"),
                current=now["version"],
                expected=expected_version,
            ),
            "expectedVersion",
        )
    raise DomainError(
        ErrorCode.INVALID_TRANSITION,
        message("EXTENSION_DECIDED", status=status.value, move=message(PAST[move])),
        "request",
    )


async def _extend(
    ctx: ServiceContext, conn: AsyncConnection, request: dict[str, Any]
) -> uuid.UUID | None:
    """Move the task's deadline end to the requested one (a dated deadline change); the
    change's id. Refused when the deadline in force now cannot be extended to it."""
    task = await fetch_row(conn, task_t, request["task_id"], field="request", for_update=True)
    new_end: date = request["requested_end"]
    _check_extendable(task["deadline_kind"], task["deadline_end"], new_end)
    values = {"deadline_end": new_end, "deadline_text": rules.extended_text(new_end)}
    await conn.execute(
        task_t.update()
        .where(task_t.c.id == task["id"])
        .values(**values, updated_at=ctx.now(), version=task_t.c.version + 1)
    )
    return await record_deadline_change(
        ctx, conn, task_id=task["id"], before=task, after=values, reason=request["reason"]
    )


async def _record_move(
    ctx: ServiceContext,
    conn: AsyncConnection,
    move: rules.Move,
    row: dict[str, Any],
    updated: dict[str, Any],
) -> dict[str, Any]:
    """Audit a decision or withdrawal of the request `row` (now `updated`) and mark its task
    changed; `updated`."""
    await audit(
        ctx,
        conn,
        action=ACTIONS[move],
        target_type="ExtensionRequest",
        target_id=row["id"],
        before=_state(row),
        after=_state(updated) | {"task_id": row["task_id"]},
        scope_unit=row["requested_by_unit_id"],
    )
    task_changed(ctx, row["task_id"])
    return updated


async def decide(
    ctx: ServiceContext,
    conn: AsyncConnection,
    *,
    request_id: uuid.UUID,
    approve: bool,
    reason: str | None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """审批: the approver approves (the deadline moves) or rejects (with a reason) a PENDING
    request. COORDINATOR or higher (models/rules/scope.py can_decide_extension)."""
    viewer_unit = require_role(ctx, ViewerRole.COORDINATOR)
    move = rules.Move.APPROVE if approve else rules.Move.REJECT
    row = await _checked(ctx, conn, request_id, move)
    if not approve and (reason is None or not reason.strip()):
        raise DomainError(ErrorCode.INVALID_INPUT, message("EXTENSION_REJECT_REASON"), "reason")
    check_text(reason, "reason", limit=MAX_TEXT)
    values = {
        "decided_by_unit_id": viewer_unit,
        "decided_by": ctx.viewer.subject,
        "decided_at": ctx.now(),
        "decision_reason": reason.strip() if reason and reason.strip() else None,
    }
    updated = await _move(ctx, conn, request_id, move, values, expected_version)
    if approve:
        change_id = await _extend(ctx, conn, updated)
        await conn.execute(
            request_t.update()
            .where(request_t.c.id == request_id)
            .values(deadline_change_id=change_id)
        )
        updated["deadline_change_id"] = change_id
    return await _record_move(ctx, conn, move, row, updated)


async def withdraw(
    ctx: ServiceContext,
    conn: AsyncConnection,
    *,
    request_id: uuid.UUID,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """撤回: the requesting lead unit withdraws its PENDING request (REPORTER or higher)."""
    require_role(ctx, ViewerRole.REPORTER)
    move = rules.Move.WITHDRAW
    row = await _checked(ctx, conn, request_id, move)
    updated = await _move(ctx, conn, request_id, move, {}, expected_version)
    return await _record_move(ctx, conn, move, row, updated)
