"""The 督办 inbox: the addressed unit signs for (签收) and replies to an escalation (情况说明 /
整改承诺); the issuing unit closes it (办结). States and moves: models/rules/escalation_state.py;
who: models/rules/scope.py (can_answer_escalation, can_close_escalation).

Each move is one conditional UPDATE (`WHERE id = :id AND status IN (<from states>)`, plus the
version when `expectedVersion` is given), so the database decides between concurrent writers:
of two acknowledges one applies, the other finds the escalation signed for and changes nothing.
Writes go through the write pipeline (audit, change log of the escalation, outbox
`escalation.acknowledged` / `.replied` / `.closed`).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models import Escalation, EscalationReply
from models.enums import EscalationReplyKind, EscalationStatus, ViewerRole
from models.rules import escalation_state as rules
from models.rules.scope import (
    can_answer_escalation,
    can_close_escalation,
    scope_for,
    visibility,
)
from resolvers.errors import DomainError, ErrorCode
from resolvers.service_context import ServiceContext
from resolvers.task.service import MAX_TEXT, check_text
from resolvers.writes import audit, fetch_checked, require_role

escalation_t: sa.Table = Escalation.__table__  # type: ignore[attr-defined]
reply_t: sa.Table = EscalationReply.__table__  # type: ignore[attr-defined]

PAST = {
    rules.Move.ACKNOWLEDGE: "signed for",
    rules.Move.REPLY: "replied to",
    rules.Move.CLOSE: "closed",
}
ACTIONS = {
    rules.Move.ACKNOWLEDGE: "acknowledgeEscalation",
    rules.Move.REPLY: "replyToEscalation",
    rules.Move.CLOSE: "closeEscalation",
}


async def _checked(
    ctx: ServiceContext, conn: AsyncConnection, escalation_id: uuid.UUID, move: rules.Move
) -> dict[str, Any]:
    """The escalation: NOT_FOUND when the viewer cannot see it, FORBIDDEN when it is not the
    party that makes `move`."""
    party = rules.party(move)
    writable = (
        can_answer_escalation(ctx.viewer, escalation_t.c.addressed_to_id)
        if party is rules.Party.ADDRESSEE
        else can_close_escalation(ctx.viewer, escalation_t.c.issued_by_id)
    )
    return await fetch_checked(
        conn,
        sa.select(escalation_t).where(escalation_t.c.id == escalation_id),
        visible=visibility(scope_for(ctx.viewer), escalation_t),
        writable=writable,
        field="escalation",
        noun="escalation",
        forbidden=(
            "only the addressed unit signs for and replies to an escalation"
            if party is rules.Party.ADDRESSEE
            else "only the issuing unit (or a unit above it) closes an escalation"
        ),
    )


async def _move(
    ctx: ServiceContext,
    conn: AsyncConnection,
    row: dict[str, Any],
    move: rules.Move,
    values: dict[str, Any],
    expected_version: int | None,
) -> dict[str, Any] | None:
    """Apply `move` if the row is still in a state it starts from (and at `expected_version`):
    the updated row, or None when another writer moved it first."""
    starts = [s.value for s in rules.MOVES[move][0]]
    condition = sa.and_(escalation_t.c.id == row["id"], escalation_t.c.status.in_(starts))
    if expected_version is not None:
        condition = sa.and_(condition, escalation_t.c.version == expected_version)
    result = await conn.execute(
        escalation_t.update()
        .where(condition)
        .values(**values, status=rules.target(move).value, version=escalation_t.c.version + 1)
        .returning(*escalation_t.c)
    )
    updated = result.mappings().first()
    return dict(updated) if updated is not None else None


async def _refused(
    conn: AsyncConnection, escalation_id: uuid.UUID, move: rules.Move, expected: int | None
) -> dict[str, Any]:
    """Why `move` did not apply, from the row as it is now: the row itself for an acknowledge
    already made; VERSION_CONFLICT or INVALID_TRANSITION otherwise."""
    now = (
        (await conn.execute(sa.select(escalation_t).where(escalation_t.c.id == escalation_id)))
        .mappings()
        .one()
    )
    status = EscalationStatus(now["status"])
    if rules.already_done(move, status):
        return dict(now)
    if rules.allowed(move, status) and expected is not None and now["version"] != expected:
        raise DomainError(
            ErrorCode.VERSION_CONFLICT,
            f"escalation is at version {now['version']}, not {expected}: reload and retry",
            "expectedVersion",
        )
    raise DomainError(
        ErrorCode.INVALID_TRANSITION,
        f"a {status.value} escalation cannot be {PAST[move]}",
        "escalation",
    )


def _state(row: dict[str, Any]) -> dict[str, Any]:
    return {"status": row["status"], "version": row["version"]}


async def acknowledge(
    ctx: ServiceContext,
    conn: AsyncConnection,
    *,
    escalation_id: uuid.UUID,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """签收: the addressed unit signs for an ISSUED escalation; again is a no-op."""
    require_role(ctx, ViewerRole.REPORTER)
    move = rules.Move.ACKNOWLEDGE
    row = await _checked(ctx, conn, escalation_id, move)
    values = {"acknowledged_at": ctx.now(), "acknowledged_by": ctx.viewer.subject}
    updated = await _move(ctx, conn, row, move, values, expected_version)
    if updated is None:
        return await _refused(conn, escalation_id, move, expected_version)
    await audit(
        ctx,
        conn,
        action=ACTIONS[move],
        target_type="Escalation",
        target_id=escalation_id,
        before=_state(row),
        after=_state(updated),
        scope_unit=row["addressed_to_id"],
    )
    return updated


async def reply(
    ctx: ServiceContext,
    conn: AsyncConnection,
    *,
    escalation_id: uuid.UUID,
    kind: EscalationReplyKind,
    text: str,
    promised_by: date | None = None,
    expected_version: int | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """回复: the addressed unit answers (情况说明 / 整改承诺, with the date it promises for a
    commitment); signs for it too. Returns (escalation row, reply row)."""
    viewer_unit = require_role(ctx, ViewerRole.REPORTER)
    move = rules.Move.REPLY
    row = await _checked(ctx, conn, escalation_id, move)
    check_text(text, "text", required=True, limit=MAX_TEXT)
    if promised_by is not None and kind is not EscalationReplyKind.COMMITMENT:
        raise DomainError(
            ErrorCode.INVALID_INPUT, "only a commitment (整改承诺) promises a date", "promisedBy"
        )
    values: dict[str, Any] = {
        "acknowledged_at": sa.func.coalesce(escalation_t.c.acknowledged_at, ctx.now()),
        "acknowledged_by": sa.func.coalesce(escalation_t.c.acknowledged_by, ctx.viewer.subject),
    }
    updated = await _move(ctx, conn, row, move, values, expected_version)
    if updated is None:
        await _refused(conn, escalation_id, move, expected_version)  # raises: no reply no-op
        raise AssertionError("unreachable")
    answer = {
        "id": uuid.uuid4(),
        "escalation_id": escalation_id,
        "addressed_to_id": row["addressed_to_id"],
        "kind": kind.value,
        "text": text,
        "promised_by": promised_by,
        "replied_by": ctx.viewer.subject,
        "replied_by_unit_id": viewer_unit,
        "replied_at": ctx.now(),
    }
    await conn.execute(reply_t.insert().values(**answer))
    await audit(
        ctx,
        conn,
        action=ACTIONS[move],
        target_type="Escalation",
        target_id=escalation_id,
        before=_state(row),
        after=_state(updated) | {"reply": answer["id"], "kind": kind.value},
        scope_unit=row["addressed_to_id"],
    )
    return updated, answer


async def close(
    ctx: ServiceContext,
    conn: AsyncConnection,
    *,
    escalation_id: uuid.UUID,
    note: str | None = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """办结: the issuing unit (or one above it) closes an open escalation."""
    require_role(ctx, ViewerRole.COORDINATOR)
    move = rules.Move.CLOSE
    row = await _checked(ctx, conn, escalation_id, move)
    check_text(note, "note", limit=MAX_TEXT)
    values = {"closed_at": ctx.now(), "closed_by": ctx.viewer.subject, "closing_note": note}
    updated = await _move(ctx, conn, row, move, values, expected_version)
    if updated is None:
        await _refused(conn, escalation_id, move, expected_version)
        raise AssertionError("unreachable")
    await audit(
        ctx,
        conn,
        action=ACTIONS[move],
        target_type="Escalation",
        target_id=escalation_id,
        before=_state(row),
        after=_state(updated) | {"note": note},
        scope_unit=row["addressed_to_id"],
    )
    return updated
