"""designateSupervisor / revokeSupervisor: a unit designated supervisor of a plan or of an
inspection's rectification list (issue 17, point 6; models/supervision.py).

Who: ADMIN, or a COORDINATOR of the issuer (or a unit above it) — the plan's document's
issuer; for an inspection, its document's issuer or its inspection team (scope.py
`can_edit_plan`); the unit designated must be one the viewer's writes may name
(`can_name_unit`). Designating makes the supervised plan's tasks (inspection's items) visible
to the unit (scope.py anchors), so each of them is noted as changed: the change feed then
attaches them to the new supervisor (and, on revoking, tells it they left its view).
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models import Document, Inspection, Plan, Rectification, Supervision, Task
from models.enums import ViewerRole
from models.messages import message
from models.rules.scope import can_edit_plan, inspection_visible, plan_visible, scope_for
from models.supervision import current_supervision
from resolvers.errors import DomainError, ErrorCode
from resolvers.events import rectification_changed, task_changed
from resolvers.ids import decode_global_id, split_global_id
from resolvers.service_context import ServiceContext
from resolvers.writes import audit, fetch_checked, insert_unique, may_name_unit, require_role

supervision_t: sa.Table = Supervision.__table__  # type: ignore[attr-defined]
plan_t: sa.Table = Plan.__table__  # type: ignore[attr-defined]
inspection_t: sa.Table = Inspection.__table__  # type: ignore[attr-defined]
document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]
task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
rect_t: sa.Table = Rectification.__table__  # type: ignore[attr-defined]

TARGETS = ("Plan", "Inspection")


def _target(value: str) -> tuple[str, uuid.UUID]:
    """("plan_id" | "inspection_id", row id) of a Plan or Inspection global id."""
    parts = split_global_id(value)
    if parts is None or parts[0] not in TARGETS:
        raise DomainError(ErrorCode.INVALID_INPUT, message("SUPERVISION_TARGET"), "target")
    try:
        row_id = decode_global_id(value, *TARGETS)
    except ValueError as exc:
        raise DomainError(ErrorCode.INVALID_INPUT, message("SUPERVISION_TARGET"), "target") from exc
    return ("plan_id" if parts[0] == "Plan" else "inspection_id"), row_id


async def _checked_target(
    ctx: ServiceContext, conn: AsyncConnection, column: str, target_id: uuid.UUID
) -> None:
    """The plan or inspection: NOT_FOUND when invisible, FORBIDDEN unless the viewer may
    designate its supervisors."""
    scope = scope_for(ctx.viewer)
    forbidden = message("FORBIDDEN_SUPERVISION")
    if column == "plan_id":
        await fetch_checked(
            conn,
            sa.select(plan_t.c.id)
            .join(document_t, document_t.c.id == plan_t.c.document_id)
            .where(plan_t.c.id == target_id),
            visible=plan_visible(scope, plan_t.c.id),
            writable=can_edit_plan(ctx.viewer, document_t.c.issuer_id),
            field="target",
            noun="plan",
            forbidden=forbidden,
        )
        return
    await fetch_checked(
        conn,
        sa.select(inspection_t.c.id)
        .outerjoin(document_t, document_t.c.id == inspection_t.c.document_id)
        .where(inspection_t.c.id == target_id),
        visible=inspection_visible(scope, inspection_t.c.id),
        writable=sa.or_(
            can_edit_plan(ctx.viewer, document_t.c.issuer_id),
            can_edit_plan(ctx.viewer, inspection_t.c.inspector_id),
        ),
        field="target",
        noun="inspection",
        forbidden=forbidden,
    )


async def _note_objects(
    ctx: ServiceContext,
    conn: AsyncConnection,
    column: str,
    target_id: uuid.UUID,
    former: list[uuid.UUID],
) -> None:
    """Every task of the plan (item of the inspection) changed whose readers it changed."""
    if column == "plan_id":
        rows = await conn.execute(sa.select(task_t.c.id).where(task_t.c.plan_id == target_id))
        for row in rows:
            task_changed(ctx, row.id, former_units=former)
        return
    rows = await conn.execute(sa.select(rect_t.c.id).where(rect_t.c.inspection_id == target_id))
    for row in rows:
        rectification_changed(ctx, row.id, former_units=former)


async def designate_supervisor(
    ctx: ServiceContext, conn: AsyncConnection, *, target: str, unit: uuid.UUID
) -> dict[str, Any]:
    """The new supervision row; DUPLICATE when the unit already supervises the target (a
    revoked supervision does not count: designating again starts a new valid period)."""
    viewer_unit = require_role(ctx, ViewerRole.COORDINATOR)
    column, target_id = _target(target)
    await _checked_target(ctx, conn, column, target_id)
    if not await may_name_unit(conn, ctx.viewer, unit):
        raise DomainError(ErrorCode.UNKNOWN_UNIT, message("UNIT_NOT_IN_SCOPE"), "unit")
    row = {
        "id": uuid.uuid4(),
        "plan_id": target_id if column == "plan_id" else None,
        "inspection_id": target_id if column == "inspection_id" else None,
        "org_unit_id": unit,
        "designated_by": ctx.viewer.subject,
        "designated_by_unit_id": viewer_unit,
        "created_at": ctx.now(),
    }
    # The unique (target, unit) index decides between concurrent designations.
    if not await insert_unique(conn, supervision_t, row):
        raise DomainError(ErrorCode.DUPLICATE, message("SUPERVISOR_EXISTS"), "unit")
    await audit(
        ctx,
        conn,
        action="designateSupervisor",
        target_type="Plan" if column == "plan_id" else "Inspection",
        target_id=target_id,
        before=None,
        after={"supervisor": str(unit)},
    )
    await _note_objects(ctx, conn, column, target_id, [])
    return row


async def revoke_supervisor(
    ctx: ServiceContext, conn: AsyncConnection, *, target: str, unit: uuid.UUID
) -> dict[str, Any]:
    """The supervision ended (its row keeps `created_at`..`ended_at`); NOT_FOUND when the unit
    does not currently supervise the target (a second revoke, or a concurrent one)."""
    require_role(ctx, ViewerRole.COORDINATOR)
    column, target_id = _target(target)
    await _checked_target(ctx, conn, column, target_id)
    # Ends the current supervision (dated history: the row stays, valid until now).
    deleted = (
        (
            await conn.execute(
                supervision_t.update()
                .where(
                    supervision_t.c[column] == target_id,
                    supervision_t.c.org_unit_id == unit,
                    current_supervision(supervision_t),
                )
                .values(ended_at=ctx.now(), ended_by=ctx.viewer.subject)
                .returning(*supervision_t.c)
            )
        )
        .mappings()
        .first()
    )
    if deleted is None:
        raise DomainError(ErrorCode.NOT_FOUND, message("NOT_A_SUPERVISOR"), "unit")
    await audit(
        ctx,
        conn,
        action="revokeSupervisor",
        target_type="Plan" if column == "plan_id" else "Inspection",
        target_id=target_id,
        before={"supervisor": str(unit), "since": deleted["created_at"]},
        after={"supervisor": str(unit), "endedAt": deleted["ended_at"]},
    )
    await _note_objects(ctx, conn, column, target_id, [unit])
    return dict(deleted)
