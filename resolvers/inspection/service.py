"""Rectification services: workflow transitions with evidence, comment and who/when."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models import Inspection, Rectification, RectificationAssignment, RectificationEvent
from models.enums import RectificationStatus, ViewerRole
from resolvers.errors import DomainError, ErrorCode
from resolvers.events import rectification_changed
from resolvers.inspection.workflow import Actor, actor_for, next_states
from resolvers.service_context import ServiceContext
from resolvers.task.service import MAX_TEXT, Evidence, check_evidence, check_text
from resolvers.writes import (
    audit,
    closure_t,
    lock_row,
    require_role,
    update_versioned,
)

rect_t: sa.Table = Rectification.__table__  # type: ignore[attr-defined]
rect_assignment_t: sa.Table = RectificationAssignment.__table__  # type: ignore[attr-defined]
rect_event_t: sa.Table = RectificationEvent.__table__  # type: ignore[attr-defined]
inspection_t: sa.Table = Inspection.__table__  # type: ignore[attr-defined]


async def _relation(conn: AsyncConnection, viewer_unit: uuid.UUID, rect: dict[str, Any]) -> str:
    """RESPONSIBLE, SUPERVISING, VISIBLE (in the subtree of a responsible unit) or NONE."""
    ra = rect_assignment_t
    responsible = [
        row.org_unit_id
        for row in await conn.execute(
            sa.select(ra.c.org_unit_id).where(ra.c.rectification_id == rect["id"])
        )
    ]
    if viewer_unit in responsible:
        return "RESPONSIBLE"
    inspection = await conn.execute(
        sa.select(inspection_t.c.inspector_id).where(inspection_t.c.id == rect["inspection_id"])
    )
    if inspection.scalar() == viewer_unit:
        return "SUPERVISING"
    superior = await conn.execute(
        sa.select(sa.literal(1)).where(
            closure_t.c.ancestor_id == viewer_unit,
            closure_t.c.descendant_id.in_(responsible),
            closure_t.c.depth > 0,
        )
    )
    if superior.first() is not None:
        return "SUPERVISING"
    below = await conn.execute(
        sa.select(sa.literal(1)).where(
            closure_t.c.descendant_id == viewer_unit, closure_t.c.ancestor_id.in_(responsible)
        )
    )
    return "VISIBLE" if below.first() is not None else "NONE"


async def transition_rectification(
    ctx: ServiceContext,
    conn: AsyncConnection,
    *,
    rectification_id: uuid.UUID,
    to: RectificationStatus,
    expected_version: int | None,
    evidence: list[Evidence] | None = None,
    comment: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Move a rectification one step; returns (rectification row, event row)."""
    viewer_unit = require_role(ctx, ViewerRole.REPORTER)
    rect = await lock_row(conn, rect_t, rectification_id, field="rectification")
    relation = await _relation(conn, viewer_unit, rect)
    if relation == "NONE":
        raise DomainError(ErrorCode.NOT_FOUND, "no such rectification", "rectification")
    current = RectificationStatus(rect["status"])
    actor = actor_for(current, to)
    if actor is None:
        allowed = ", ".join(s.value for s in next_states(current)) or "none"
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            f"{current.value} → {to.value} is not allowed (from {current.value}: {allowed})",
            "to",
        )
    if actor is Actor.RESPONSIBLE and relation != "RESPONSIBLE":
        raise DomainError(
            ErrorCode.FORBIDDEN, f"only a responsible unit moves it to {to.value}", "to"
        )
    if actor is Actor.SUPERVISING:
        if relation != "SUPERVISING":
            raise DomainError(
                ErrorCode.FORBIDDEN, f"only a supervising unit moves it to {to.value}", "to"
            )
        if not ctx.viewer.at_least(ViewerRole.COORDINATOR):
            raise DomainError(ErrorCode.FORBIDDEN, "verifying and closing need a COORDINATOR")
    check_text(comment, "comment", limit=MAX_TEXT)
    links = evidence or []
    check_evidence(links)
    version = await update_versioned(
        conn,
        rect_t,
        rectification_id,
        {"status": to.value, "updated_at": ctx.now()},
        expected_version=expected_version,
    )
    event = {
        "id": uuid.uuid4(),
        "rectification_id": rectification_id,
        "from_status": current.value,
        "to_status": to.value,
        "actor_unit_id": viewer_unit,
        "actor": ctx.viewer.subject,
        "occurred_at": ctx.now(),
        "evidence": [{"url": e.url, "title": e.title} for e in links],
        "comment": comment,
    }
    await conn.execute(rect_event_t.insert().values(**event))
    await audit(
        ctx,
        conn,
        action="transitionRectification",
        target_type="Rectification",
        target_id=rectification_id,
        before={"status": current.value, "version": rect["version"]},
        after={"status": to.value, "version": version, "comment": comment},
    )
    rectification_changed(ctx, rectification_id)
    return {**rect, "status": to.value, "version": version, "updated_at": ctx.now()}, event
