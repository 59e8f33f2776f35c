"""Escalations (督办): issued by a superior to a unit about a task share or a rectification."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models import (
    Assignment,
    Escalation,
    OrgUnit,
    Rectification,
    RectificationAssignment,
    Task,
)
from models.enums import (
    AssignmentRole,
    EscalationLevel,
    EscalationStatus,
    ViewerRole,
)
from models.messages import message
from models.rules import calendar
from models.rules import rectification_state as rect_rules
from models.rules import task_state as task_rules
from models.rules.scope import can_escalate_to, scope_for, unit_visible
from resolvers.errors import DomainError, ErrorCode
from resolvers.escalation.policy import LADDER, Policy
from resolvers.events import rectification_changed, task_changed
from resolvers.service_context import ServiceContext
from resolvers.task.service import MAX_TEXT, check_date, check_text
from resolvers.unit_of_work import current_work
from resolvers.writes import audit, fetch_checked, fetch_row, require_role

escalation_t: sa.Table = Escalation.__table__  # type: ignore[attr-defined]
task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
rect_t: sa.Table = Rectification.__table__  # type: ignore[attr-defined]
rect_assignment_t: sa.Table = RectificationAssignment.__table__  # type: ignore[attr-defined]
unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]

CHUNK = 1000


async def escalate(
    ctx: ServiceContext,
    conn: AsyncConnection,
    *,
    level: EscalationLevel,
    addressed_to: uuid.UUID,
    task_id: uuid.UUID | None = None,
    assignment_id: uuid.UUID | None = None,
    rectification_id: uuid.UUID | None = None,
    reason: str | None = None,
    issued_on: date | None = None,
) -> dict[str, Any]:
    """A superior escalates to a unit about its task share or rectification."""
    viewer_unit = require_role(ctx, ViewerRole.COORDINATOR)
    if sum(x is not None for x in (task_id, assignment_id, rectification_id)) != 1:
        raise DomainError(ErrorCode.INVALID_INPUT, message("ESCALATE_ONE_SUBJECT"))
    # The addressed unit: NOT_FOUND unless visible; a superior of it (or ADMIN) escalates.
    await fetch_checked(
        conn,
        sa.select(unit_t.c.id).where(unit_t.c.id == addressed_to),
        visible=unit_visible(scope_for(ctx.viewer), unit_t.c.id),
        writable=can_escalate_to(ctx.viewer, unit_t.c.id),
        field="addressedTo",
        noun="unit",
        forbidden=message("FORBIDDEN_ESCALATE"),
    )
    check_text(reason, "reason", limit=MAX_TEXT)
    day = issued_on or ctx.today()
    check_date(day, "issuedOn")
    if assignment_id is not None:
        share = await fetch_row(conn, assignment_t, assignment_id, field="assignment")
        if share["org_unit_id"] != addressed_to:
            raise DomainError(
                ErrorCode.INVALID_INPUT, message("ESCALATE_NOT_ITS_SHARE"), "assignment"
            )
        task_id = share["task_id"]
    elif task_id is not None:
        await fetch_row(conn, task_t, task_id, field="task")
        involved = await conn.execute(
            sa.select(sa.literal(1)).where(
                assignment_t.c.task_id == task_id, assignment_t.c.org_unit_id == addressed_to
            )
        )
        if involved.first() is None:
            raise DomainError(ErrorCode.INVALID_INPUT, message("ESCALATE_NO_SHARE"), "task")
    else:
        assert rectification_id is not None
        await fetch_row(conn, rect_t, rectification_id, field="rectification")
        involved = await conn.execute(
            sa.select(sa.literal(1)).where(
                rect_assignment_t.c.rectification_id == rectification_id,
                rect_assignment_t.c.org_unit_id == addressed_to,
            )
        )
        if involved.first() is None:
            raise DomainError(
                ErrorCode.INVALID_INPUT,
                message("ESCALATE_NOT_RESPONSIBLE"),
                "rectification",
            )
    escalation_id = uuid.uuid4()
    row = {
        "id": escalation_id,
        "level": level.value,
        "task_id": task_id,
        "assignment_id": assignment_id,
        "rectification_id": rectification_id,
        "issued_by_id": viewer_unit,
        "addressed_to_id": addressed_to,
        "issued_on": day,
        "reason": reason,
        "created_at": ctx.now(),
        "status": EscalationStatus.ISSUED.value,  # the addressee's inbox (escalation/inbox.py)
        "version": 1,
    }
    await conn.execute(escalation_t.insert().values(**row))
    row |= dict.fromkeys(
        ("acknowledged_at", "acknowledged_by", "closed_at", "closed_by", "closing_note")
    )
    await audit(
        ctx,
        conn,
        action="escalate",
        target_type="Escalation",
        target_id=escalation_id,
        after=row,
        scope_unit=addressed_to,
    )
    if task_id is not None:
        task_changed(ctx, task_id)
    if rectification_id is not None:
        rectification_changed(ctx, rectification_id)
    return row


@dataclass(frozen=True)
class Overdue:
    """An overdue item and the unit it is addressed to."""

    addressed_to: uuid.UUID
    issued_by: uuid.UUID
    days_overdue: int
    last_level: EscalationLevel | None
    last_issued_on: date | None
    task_id: uuid.UUID | None = None
    assignment_id: uuid.UUID | None = None
    rectification_id: uuid.UUID | None = None


def _last_level(*conditions: sa.ColumnElement[bool]) -> sa.ScalarSelect[Any]:
    """The highest rung issued so far about an item to a unit (by ladder order)."""
    rank = sa.case(*((escalation_t.c.level == lvl.value, i) for i, lvl in enumerate(LADDER)))
    return (
        sa.select(escalation_t.c.level)
        .where(*conditions)
        .order_by(rank.desc())
        .limit(1)
        .scalar_subquery()
    )


def _last_day(*conditions: sa.ColumnElement[bool]) -> sa.ScalarSelect[Any]:
    return sa.select(sa.func.max(escalation_t.c.issued_on)).where(*conditions).scalar_subquery()


async def overdue_items(conn: AsyncConnection, as_of: date) -> list[Overdue]:
    """Lead shares of overdue tasks and responsible units of overdue rectifications.

    Set-based: two statements whatever the number of items. A unit without a 块 parent
    (the root) has nobody above it to escalate and is left out.
    """
    a, t, u = assignment_t, task_t, unit_t
    cutoff = calendar.cutoff(as_of)
    # The deadline in force that day: a later extension does not rewrite the past.
    kind, end = task_rules.deadline_at(t, cutoff)
    shares = await conn.execute(
        sa.select(
            a.c.id,
            a.c.task_id,
            a.c.org_unit_id,
            u.c.parent_id,
            end.label("deadline_end"),
            _last_level(escalation_t.c.assignment_id == a.c.id).label("last_level"),
            _last_day(escalation_t.c.assignment_id == a.c.id).label("last_day"),
        )
        .select_from(a.join(t, t.c.id == a.c.task_id).join(u, u.c.id == a.c.org_unit_id))
        .where(
            a.c.role == AssignmentRole.LEAD.value,
            # The unit's own share, judged as OrgUnit.tasks(overdueAsOf) judges it.
            task_rules.share_overdue(a, kind, end, as_of, cutoff),
            u.c.parent_id.is_not(None),
        )
        .order_by(end, a.c.id)
    )
    items = [
        Overdue(
            addressed_to=row.org_unit_id,
            issued_by=row.parent_id,
            days_overdue=task_rules.days_overdue(row.deadline_end, as_of),
            last_level=EscalationLevel(row.last_level) if row.last_level else None,
            last_issued_on=row.last_day,
            task_id=row.task_id,
            assignment_id=row.id,
        )
        for row in shares
    ]
    ra, r = rect_assignment_t, rect_t
    same_item = (
        escalation_t.c.rectification_id == r.c.id,
        escalation_t.c.addressed_to_id == ra.c.org_unit_id,
    )
    rectifications = await conn.execute(
        sa.select(
            r.c.id,
            ra.c.org_unit_id,
            u.c.parent_id,
            r.c.deadline_end,
            _last_level(*same_item).label("last_level"),
            _last_day(*same_item).label("last_day"),
        )
        .select_from(
            ra.join(r, r.c.id == ra.c.rectification_id).join(u, u.c.id == ra.c.org_unit_id)
        )
        .where(
            # The unit's own share, not the item as a whole (issue 17, point 5).
            rect_rules.share_overdue(ra, r, as_of, cutoff),
            u.c.parent_id.is_not(None),
        )
        .order_by(r.c.deadline_end, r.c.id, ra.c.org_unit_id)
    )
    items += [
        Overdue(
            addressed_to=row.org_unit_id,
            issued_by=row.parent_id,
            days_overdue=task_rules.days_overdue(row.deadline_end, as_of),
            last_level=EscalationLevel(row.last_level) if row.last_level else None,
            last_issued_on=row.last_day,
            rectification_id=row.id,
        )
        for row in rectifications
    ]
    return items


async def escalate_overdue(
    ctx: ServiceContext,
    conn: AsyncConnection,
    *,
    as_of: date,
    policy: Policy,
    dry_run: bool = False,
) -> list[dict[str, Any]]:
    """Issue the next due rung for every overdue item; idempotent for a day.

    An item that already received an escalation on `as_of` gets nothing more that day, so
    running the command twice (or from two cron hosts) issues each step once. Runs in a unit
    of work (resolvers/unit_of_work.py): each escalation is audited, changes its task or
    rectification (change log, rollups) and gives an `escalation.issued` outbox event.
    """
    issued: list[dict[str, Any]] = []
    for item in await overdue_items(conn, as_of):
        if item.last_issued_on is not None and item.last_issued_on >= as_of:
            continue
        step = policy.next_step(item.last_level, item.days_overdue)
        if step is None:
            continue
        row: dict[str, Any] = {
            "id": uuid.uuid4(),
            "level": step.level.value,
            "task_id": item.task_id,
            "assignment_id": item.assignment_id,
            "rectification_id": item.rectification_id,
            "issued_by_id": item.issued_by,
            "addressed_to_id": item.addressed_to,
            "issued_on": as_of,
            "reason": f"逾期{item.days_overdue}天（督办规则：逾期满{step.days_overdue}天）",
            "created_at": ctx.now(),
        }
        issued.append(row)
    if issued and not dry_run:
        work = current_work(ctx)
        for start in range(0, len(issued), CHUNK):
            await conn.execute(escalation_t.insert(), issued[start : start + CHUNK])
        for row in issued:
            work.audit(
                action="escalate",
                target_type="Escalation",
                target_id=row["id"],
                after=row,
                scope_unit=row["addressed_to_id"],
            )
            if row["task_id"] is not None:
                task_changed(ctx, row["task_id"])
            if row["rectification_id"] is not None:
                rectification_changed(ctx, row["rectification_id"])
    return issued
