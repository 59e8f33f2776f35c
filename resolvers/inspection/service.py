"""Rectification services: workflow transitions with evidence, comment and who/when, and
interim progress notes (整改进展) that leave the state as it is."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models import Inspection, Rectification, RectificationAssignment, RectificationEvent
from models.enums import RectificationStatus, ViewerRole
from models.messages import message
from models.rules.scope import rectification_visible, scope_for
from resolvers.errors import DomainError, ErrorCode
from resolvers.events import rectification_changed
from resolvers.inspection.workflow import Actor, actor_for, next_states
from resolvers.service_context import ServiceContext
from resolvers.task.service import MAX_TEXT, Evidence, check_evidence, check_text
from resolvers.writes import (
    audit,
    closure_t,
    fetch_checked,
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


async def _locked_visible(
    ctx: ServiceContext, conn: AsyncConnection, rectification_id: uuid.UUID
) -> dict[str, Any]:
    """The rectification, locked against moves (KEY SHARE); NOT_FOUND when out of scope."""
    return await fetch_checked(
        conn,
        sa.select(rect_t).where(rect_t.c.id == rectification_id).with_for_update(key_share=True),
        visible=rectification_visible(scope_for(ctx.viewer), rect_t.c.id),
        writable=sa.true(),
        field="rectification",
        noun="rectification",
        forbidden=message("FORBIDDEN_RECTIFICATION"),
    )


async def _record_event(
    ctx: ServiceContext,
    conn: AsyncConnection,
    rectification_id: uuid.UUID,
    *,
    from_status: RectificationStatus,
    to_status: RectificationStatus,
    actor_unit: uuid.UUID,
    links: list[Evidence],
    comment: str | None,
) -> dict[str, Any]:
    """The rectification_event row of a move or a note (its from and to equal for a note)."""
    event = {
        "id": uuid.uuid4(),
        "rectification_id": rectification_id,
        "from_status": from_status.value,
        "to_status": to_status.value,
        "actor_unit_id": actor_unit,
        "actor": ctx.viewer.subject,
        "occurred_at": ctx.now(),
        "evidence": [{"url": e.url, "title": e.title} for e in links],
        "comment": comment,
    }
    await conn.execute(rect_event_t.insert().values(**event))
    return event


async def note_rectification_progress(
    ctx: ServiceContext,
    conn: AsyncConnection,
    *,
    rectification_id: uuid.UUID,
    comment: str,
    evidence: list[Evidence] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An interim 整改进展 by a responsible unit: an event whose state stays what it is (the
    item's state and version do not change); refused on a closed item. Returns (rectification
    row, event row)."""
    viewer_unit = require_role(ctx, ViewerRole.REPORTER)
    rect = await _locked_visible(ctx, conn, rectification_id)
    relation = "ADMIN" if ctx.viewer.is_admin else await _relation(conn, viewer_unit, rect)
    if relation not in ("RESPONSIBLE", "ADMIN"):
        raise DomainError(ErrorCode.FORBIDDEN, message("ONLY_RESPONSIBLE_NOTES"), "rectification")
    current = RectificationStatus(rect["status"])
    if current is RectificationStatus.CLOSED:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION, message("RECTIFICATION_CLOSED_NOTES"), "rectification"
        )
    check_text(comment, "comment", required=True, limit=MAX_TEXT)
    links = evidence or []
    check_evidence(links)
    event = await _record_event(
        ctx,
        conn,
        rectification_id,
        from_status=current,
        to_status=current,
        actor_unit=viewer_unit,
        links=links,
        comment=comment,
    )
    await audit(
        ctx,
        conn,
        action="noteRectificationProgress",
        target_type="Rectification",
        target_id=rectification_id,
        before=None,
        after={"status": current.value, "comment": comment, "evidence": len(links)},
    )
    rectification_changed(ctx, rectification_id)  # its events are part of what partners mirror
    return rect, event


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
    # Invisible (models/rules/scope.py): NOT_FOUND; visible: the workflow decides who acts.
    rect = await _locked_visible(ctx, conn, rectification_id)
    # ADMIN writes wherever it reads: it may act as either side.
    relation = "ADMIN" if ctx.viewer.is_admin else await _relation(conn, viewer_unit, rect)
    current = RectificationStatus(rect["status"])
    actor = actor_for(current, to)
    if actor is None:
        allowed = ", ".join(s.value for s in next_states(current)) or "none"
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            message("INVALID_TRANSITION", current=current.value, to=to.value, allowed=allowed),
            "to",
        )
    if actor is Actor.RESPONSIBLE and relation not in ("RESPONSIBLE", "ADMIN"):
        raise DomainError(ErrorCode.FORBIDDEN, message("ONLY_RESPONSIBLE_MOVES", to=to.value), "to")
    if actor is Actor.SUPERVISING:
        if relation not in ("SUPERVISING", "ADMIN"):
            raise DomainError(
                ErrorCode.FORBIDDEN, message("ONLY_SUPERVISING_MOVES", to=to.value), "to"
            )
        if not ctx.viewer.at_least(ViewerRole.COORDINATOR):
            raise DomainError(ErrorCode.FORBIDDEN, message("VERIFY_NEEDS_COORDINATOR"))
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
    event = await _record_event(
        ctx,
        conn,
        rectification_id,
        from_status=current,
        to_status=to,
        actor_unit=viewer_unit,
        links=links,
        comment=comment,
    )
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
