"""Rectification services: workflow transitions with evidence, comment and who/when, and
interim progress notes (整改进展) that leave the state as it is.

Each responsible unit has its own share of an item (issue 17, point 5); a move or a note is
of one share (the viewer's own by default, or the one `unit` names), or — for the
supervising moves (验收 VERIFIED, 销号 CLOSED, REOPENED) by a viewer that holds no share — of
the item as a whole. The item's state follows from its shares
(models/rules/rectification_state.py `item_status`)."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models import Inspection, Rectification, RectificationAssignment, RectificationEvent
from models.enums import RectificationStatus, ViewerRole
from models.messages import message
from models.rules import rectification_state as rect_rules
from models.rules.scope import rectification_visible, scope_for, supervises
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


async def _shares(conn: AsyncConnection, rectification_id: uuid.UUID) -> list[dict[str, Any]]:
    """The item's shares (one per responsible unit), as written."""
    ra = rect_assignment_t
    rows = await conn.execute(
        sa.select(ra.c.id, ra.c.org_unit_id, ra.c.status, ra.c.version)
        .where(ra.c.rectification_id == rectification_id)
        .order_by(ra.c.position, ra.c.id)
    )
    return [dict(row) for row in rows.mappings()]


async def _supervises(
    conn: AsyncConnection, viewer_unit: uuid.UUID, rect: dict[str, Any], units: list[uuid.UUID]
) -> bool:
    """The supervising side over the shares of `units`: the inspection team, a designated
    supervisor of the inspection (models/rules/scope.py `supervises`), or a unit strictly
    above every one of `units` (none: only the first two)."""
    found = await conn.execute(
        sa.select(sa.literal(1)).where(
            sa.or_(
                sa.exists(
                    sa.select(sa.literal(1)).where(
                        inspection_t.c.id == rect["inspection_id"],
                        inspection_t.c.inspector_id == viewer_unit,
                    )
                ),
                supervises(viewer_unit, inspection=sa.literal(rect["inspection_id"], sa.Uuid())),
            )
        )
    )
    if found.first() is not None:
        return True
    wanted = set(units)
    if not wanted:
        return False
    above = await conn.execute(
        sa.select(sa.func.count(sa.distinct(closure_t.c.descendant_id))).where(
            closure_t.c.ancestor_id == viewer_unit,
            closure_t.c.descendant_id.in_(wanted),
            closure_t.c.depth > 0,
        )
    )
    return int(above.scalar() or 0) == len(wanted)


def _named_share(shares: list[dict[str, Any]], unit: uuid.UUID) -> dict[str, Any]:
    """The share of `unit`; INVALID_INPUT when it is not a responsible unit of the item."""
    for share in shares:
        if share["org_unit_id"] == unit:
            return share
    raise DomainError(ErrorCode.INVALID_INPUT, message("NOT_A_RESPONSIBLE_UNIT"), "unit")


def _own_share(shares: list[dict[str, Any]], unit: uuid.UUID) -> dict[str, Any] | None:
    return next((share for share in shares if share["org_unit_id"] == unit), None)


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
    share: dict[str, Any] | None,
) -> dict[str, Any]:
    """The rectification_event row of a move or a note (its from and to equal for a note):
    of one share, or (`share` None) of the item as a whole."""
    event = {
        "id": uuid.uuid4(),
        "rectification_id": rectification_id,
        "assignment_id": share["id"] if share else None,
        "from_status": from_status.value,
        "to_status": to_status.value,
        "actor_unit_id": actor_unit,
        "actor": ctx.viewer.subject,
        "occurred_at": ctx.now(),
        "evidence": [{"url": e.url, "title": e.title} for e in links],
        "comment": comment,
    }
    await conn.execute(rect_event_t.insert().values(**event))
    return {**event, "share_unit_id": share["org_unit_id"] if share else None}


async def note_rectification_progress(
    ctx: ServiceContext,
    conn: AsyncConnection,
    *,
    rectification_id: uuid.UUID,
    comment: str,
    evidence: list[Evidence] | None = None,
    unit: uuid.UUID | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An interim 整改进展 by a responsible unit on its own share (`unit`, default the
    viewer's): an event whose state stays the share's (no state or version changes);
    refused on a closed share. ADMIN notes on any share (on the only one by default).
    Returns (rectification row, event row)."""
    viewer_unit = require_role(ctx, ViewerRole.REPORTER)
    rect = await _locked_visible(ctx, conn, rectification_id)
    shares = await _shares(conn, rectification_id)
    admin = ctx.viewer.is_admin
    share = _named_share(shares, unit) if unit is not None else _own_share(shares, viewer_unit)
    if share is None and shares:
        if not admin:
            raise DomainError(
                ErrorCode.FORBIDDEN, message("ONLY_RESPONSIBLE_NOTES"), "rectification"
            )
        if len(shares) > 1:
            raise DomainError(ErrorCode.INVALID_INPUT, message("SHARE_UNIT_REQUIRED"), "unit")
        share = shares[0]
    responsible = share is not None and share["org_unit_id"] == viewer_unit
    if not (admin or responsible):
        raise DomainError(ErrorCode.FORBIDDEN, message("ONLY_RESPONSIBLE_NOTES"), "rectification")
    current = RectificationStatus(share["status"] if share else rect["status"])
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
        share=share,
    )
    await audit(
        ctx,
        conn,
        action="noteRectificationProgress",
        target_type="Rectification",
        target_id=rectification_id,
        before=None,
        after={
            "status": current.value,
            "unit": str(share["org_unit_id"]) if share else None,
            "comment": comment,
            "evidence": len(links),
        },
    )
    rectification_changed(ctx, rectification_id)  # its events are part of what partners mirror
    return rect, event


def _refuse_move(
    current: RectificationStatus, to: RectificationStatus, actor: Actor | None
) -> Actor:
    if actor is None:
        allowed = ", ".join(s.value for s in next_states(current)) or "none"
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            message("INVALID_TRANSITION", current=current.value, to=to.value, allowed=allowed),
            "to",
        )
    return actor


async def transition_rectification(
    ctx: ServiceContext,
    conn: AsyncConnection,
    *,
    rectification_id: uuid.UUID,
    to: RectificationStatus,
    expected_version: int | None,
    evidence: list[Evidence] | None = None,
    comment: str | None = None,
    unit: uuid.UUID | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Move one share of a rectification, or the item as a whole, one step; returns
    (rectification row, event row). resolvers/inspection/workflow.py says which and who."""
    viewer_unit = require_role(ctx, ViewerRole.REPORTER)
    # Invisible (models/rules/scope.py): NOT_FOUND; visible: the workflow decides who acts.
    # The item row is locked (FOR NO KEY UPDATE) first: moves of its shares take turns, so
    # each derives the item's state from the others' committed states.
    rect = await _locked_visible(ctx, conn, rectification_id)
    shares = await _shares(conn, rectification_id)
    # ADMIN writes wherever it reads: it may act as either side, on a share or the item.
    share = _named_share(shares, unit) if unit is not None else _own_share(shares, viewer_unit)
    if share is None:
        return await _move_item(
            ctx, conn, rect, shares, to, expected_version, evidence, comment, viewer_unit
        )
    return await _move_share(
        ctx, conn, rect, shares, share, to, expected_version, evidence, comment, viewer_unit
    )


async def _check_supervising(
    ctx: ServiceContext,
    conn: AsyncConnection,
    rect: dict[str, Any],
    units: list[uuid.UUID],
    to: RectificationStatus,
    viewer_unit: uuid.UUID,
) -> None:
    if not ctx.viewer.is_admin and (
        viewer_unit in units or not await _supervises(conn, viewer_unit, rect, units)
    ):
        raise DomainError(ErrorCode.FORBIDDEN, message("ONLY_SUPERVISING_MOVES", to=to.value), "to")
    if not ctx.viewer.at_least(ViewerRole.COORDINATOR):
        raise DomainError(ErrorCode.FORBIDDEN, message("VERIFY_NEEDS_COORDINATOR"))


async def _move_share(
    ctx: ServiceContext,
    conn: AsyncConnection,
    rect: dict[str, Any],
    shares: list[dict[str, Any]],
    share: dict[str, Any],
    to: RectificationStatus,
    expected_version: int | None,
    evidence: list[Evidence] | None,
    comment: str | None,
    viewer_unit: uuid.UUID,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One unit's share moves (expectedVersion: the share's); the item's state follows by
    the rule of models/rules/rectification_state.py and its version is bumped."""
    current = RectificationStatus(share["status"])
    actor = _refuse_move(current, to, actor_for(current, to))
    if actor is Actor.RESPONSIBLE and not (
        ctx.viewer.is_admin or share["org_unit_id"] == viewer_unit
    ):
        raise DomainError(ErrorCode.FORBIDDEN, message("ONLY_RESPONSIBLE_MOVES", to=to.value), "to")
    if actor is Actor.SUPERVISING:
        await _check_supervising(ctx, conn, rect, [share["org_unit_id"]], to, viewer_unit)
    check_text(comment, "comment", limit=MAX_TEXT)
    links = evidence or []
    check_evidence(links)
    now = ctx.now()
    share_version = await update_versioned(
        conn,
        rect_assignment_t,
        share["id"],
        {"status": to.value},
        expected_version=expected_version,
    )
    item = rect_rules.item_status(
        to if other["id"] == share["id"] else other["status"] for other in shares
    )
    status = (item or to).value
    version = await update_versioned(
        conn,
        rect_t,
        rect["id"],
        {"status": status, "updated_at": now},
        expected_version=None,
        changed=True,
    )
    event = await _record_event(
        ctx,
        conn,
        rect["id"],
        from_status=current,
        to_status=to,
        actor_unit=viewer_unit,
        links=links,
        comment=comment,
        share=share,
    )
    await audit(
        ctx,
        conn,
        action="transitionRectification",
        target_type="Rectification",
        target_id=rect["id"],
        before={
            "status": rect["status"],
            "version": rect["version"],
            "unit": str(share["org_unit_id"]),
            "share": current.value,
            "shareVersion": share["version"],
        },
        after={
            "status": status,
            "version": version,
            "unit": str(share["org_unit_id"]),
            "share": to.value,
            "shareVersion": share_version,
            "comment": comment,
        },
    )
    rectification_changed(ctx, rect["id"])
    return {**rect, "status": status, "version": version, "updated_at": now}, event


async def _move_item(
    ctx: ServiceContext,
    conn: AsyncConnection,
    rect: dict[str, Any],
    shares: list[dict[str, Any]],
    to: RectificationStatus,
    expected_version: int | None,
    evidence: list[Evidence] | None,
    comment: str | None,
    viewer_unit: uuid.UUID,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The item as a whole moves (expectedVersion: the item's), and with it every share:
    each share must be able to make the move (SHARES_DIFFER otherwise). One event, of the
    item (assignment_id NULL). The supervising moves by a unit supervising every share; the
    responsible moves only by ADMIN (acting for every unit). An item without shares moves
    alone, as before shares."""
    current = RectificationStatus(rect["status"])
    actor = _refuse_move(current, to, actor_for(current, to))
    units = [share["org_unit_id"] for share in shares]
    if actor is Actor.RESPONSIBLE and not ctx.viewer.is_admin:
        # Not a responsible unit (or no share at all: the units are unresolved references).
        raise DomainError(ErrorCode.FORBIDDEN, message("ONLY_RESPONSIBLE_MOVES", to=to.value), "to")
    if actor is Actor.SUPERVISING:
        await _check_supervising(ctx, conn, rect, units, to, viewer_unit)
    stuck = [share for share in shares if actor_for(share["status"], to) is None]
    if stuck:
        states = "; ".join(f"{share['org_unit_id']}: {share['status']}" for share in shares)
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            message("SHARES_DIFFER", states=states, to=to.value),
            "unit",
        )
    check_text(comment, "comment", limit=MAX_TEXT)
    links = evidence or []
    check_evidence(links)
    now = ctx.now()
    version = await update_versioned(
        conn,
        rect_t,
        rect["id"],
        {"status": to.value, "updated_at": now},
        expected_version=expected_version,
    )
    if shares:
        await conn.execute(
            rect_assignment_t.update()
            .where(rect_assignment_t.c.rectification_id == rect["id"])
            .values(status=to.value, version=rect_assignment_t.c.version + 1)
        )
    event = await _record_event(
        ctx,
        conn,
        rect["id"],
        from_status=current,
        to_status=to,
        actor_unit=viewer_unit,
        links=links,
        comment=comment,
        share=None,
    )
    await audit(
        ctx,
        conn,
        action="transitionRectification",
        target_type="Rectification",
        target_id=rect["id"],
        before={"status": current.value, "version": rect["version"]},
        after={"status": to.value, "version": version, "comment": comment},
    )
    rectification_changed(ctx, rect["id"])
    return {**rect, "status": to.value, "version": version, "updated_at": now}, event
