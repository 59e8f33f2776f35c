"""Escalations (督办): issued by a superior to a unit about a task share or a rectification."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from models import (
    Assignment,
    Document,
    Escalation,
    Inspection,
    OrgUnit,
    Plan,
    Rectification,
    RectificationAssignment,
    Task,
)
from models.enums import (
    AssignmentRole,
    EscalationCause,
    EscalationLevel,
    EscalationStatus,
    TaskStatus,
    ViewerRole,
)
from models.messages import message
from models.rules import calendar, signing
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
plan_t: sa.Table = Plan.__table__  # type: ignore[attr-defined]
document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]
inspection_t: sa.Table = Inspection.__table__  # type: ignore[attr-defined]


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
        "cause": EscalationCause.MANUAL.value,
        "rectification_assignment_id": None,
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


def _on_the_ladder() -> sa.ColumnElement[bool]:
    """Escalations the overdue ladder counts: not the 催办 of a late 签收 (cause UNSIGNED),
    which is no rung of it."""
    cause = escalation_t.c.cause
    return sa.or_(cause.is_(None), cause != EscalationCause.UNSIGNED.value)


def _last_level(*conditions: sa.ColumnElement[bool]) -> sa.ScalarSelect[Any]:
    """The highest rung issued so far about an item to a unit (by ladder order)."""
    rank = sa.case(*((escalation_t.c.level == lvl.value, i) for i, lvl in enumerate(LADDER)))
    return (
        sa.select(escalation_t.c.level)
        .where(*conditions, _on_the_ladder())
        .order_by(rank.desc())
        .limit(1)
        .scalar_subquery()
    )


def _last_day(*conditions: sa.ColumnElement[bool]) -> sa.ScalarSelect[Any]:
    return (
        sa.select(sa.func.max(escalation_t.c.issued_on))
        .where(*conditions, _on_the_ladder())
        .scalar_subquery()
    )


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
    """Issue the next due rung for every overdue item, and one 催办 for every share nobody
    signed for (签收) past its sign-by day; idempotent.

    An item that already received an escalation on `as_of` gets nothing more that day, so
    running the command twice issues each step once; a rung is issued once per share, and a
    late 签收 is urged once per share ever (cause UNSIGNED). The database holds both: runs
    (concurrent ones from two cron hosts too) insert with ON CONFLICT DO NOTHING against
    partial unique indexes, and only the rows that went in are audited. Runs in a unit
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
            "cause": EscalationCause.OVERDUE.value,
            "rectification_assignment_id": None,
        }
        issued.append(row)
    unsigned = [_unsigned_row(ctx, item, as_of) for item in await unsigned_items(conn, as_of)]
    if dry_run:
        return issued + unsigned
    # Each rung once per share and each 逾期未签收 催办 once per share, held by the partial
    # unique indexes (models/escalation.py): a concurrent run's rows make these DO NOTHING,
    # and only the rows that went in are audited and returned.
    candidates = issued + unsigned
    inserted: set[uuid.UUID] = set()
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    for start in range(0, len(candidates), INSERT_CHUNK):
        chunk = candidates[start : start + INSERT_CHUNK]
        result = await conn.execute(
            insert(escalation_t).values(chunk).on_conflict_do_nothing().returning(escalation_t.c.id)
        )
        inserted |= {row.id for row in result}
    issued = [row for row in candidates if row["id"] in inserted]
    if issued:
        work = current_work(ctx)
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


INSERT_CHUNK = 200  # rows per multi-row INSERT … ON CONFLICT DO NOTHING


@dataclass(frozen=True)
class Unsigned:
    """A share nobody signed for (签收) past its sign-by day, not yet urged about it."""

    addressed_to: uuid.UUID
    issued_by: uuid.UUID
    sign_by: date
    task_id: uuid.UUID | None = None
    assignment_id: uuid.UUID | None = None
    rectification_id: uuid.UUID | None = None
    share_id: uuid.UUID | None = None


def _issuer_or_parent(issuer: Any, unit: Any, parent: Any) -> Any:
    """Who urges a late 签收: the work's issuer, or the unit's 块 parent when the issuer is
    unknown or the unit itself."""
    return sa.case(
        (sa.and_(issuer.is_not(None), issuer != unit), issuer),
        else_=parent,
    )


def _not_urged(column: Any) -> Any:
    """No UNSIGNED escalation about this share yet."""
    return ~sa.exists(
        sa.select(sa.literal(1)).where(
            escalation_t.c.cause == EscalationCause.UNSIGNED.value, column
        )
    )


async def unsigned_items(conn: AsyncConnection, as_of: date) -> list[Unsigned]:
    """Task shares and rectification shares unsigned and late as of `as_of`
    (models/rules/signing.py), of work not done, not urged before. Two statements whatever
    the number of shares. A unit nobody is above (no issuer but itself, no parent) is left
    out, as the overdue ladder leaves out the root."""
    a, t, u = assignment_t, task_t, unit_t
    days = sa.select(plan_t.c.sign_within_days).where(plan_t.c.id == t.c.plan_id).scalar_subquery()
    task_issuer = (
        sa.select(document_t.c.issuer_id)
        .where(document_t.c.id == t.c.document_id)
        .scalar_subquery()
    )
    by = _issuer_or_parent(task_issuer, a.c.org_unit_id, u.c.parent_id)
    tasks = await conn.execute(
        sa.select(
            a.c.id,
            a.c.task_id,
            a.c.org_unit_id,
            a.c.created_at,
            days.label("days"),
            by.label("issued_by"),
        )
        .select_from(a.join(t, t.c.id == a.c.task_id).join(u, u.c.id == a.c.org_unit_id))
        .where(
            signing.unsigned_late(a.c.acknowledged_at, a.c.created_at, days, as_of),
            a.c.status != TaskStatus.COMPLETED.value,
            by.is_not(None),
            _not_urged(escalation_t.c.assignment_id == a.c.id),
        )
        .order_by(a.c.created_at, a.c.id)
    )
    items = [
        Unsigned(
            addressed_to=row.org_unit_id,
            issued_by=row.issued_by,
            sign_by=signing.sign_by(row.created_at, row.days),
            task_id=row.task_id,
            assignment_id=row.id,
        )
        for row in tasks
    ]
    ra, r = rect_assignment_t, rect_t
    assigned = signing.share_assigned_at(ra, r)
    issuer = signing.rectification_issuer(r, document_t, inspection_t)
    by = _issuer_or_parent(issuer, ra.c.org_unit_id, u.c.parent_id)
    shares = await conn.execute(
        sa.select(
            ra.c.id,
            ra.c.rectification_id,
            ra.c.org_unit_id,
            assigned.label("assigned_at"),
            by.label("issued_by"),
        )
        .select_from(
            ra.join(r, r.c.id == ra.c.rectification_id).join(u, u.c.id == ra.c.org_unit_id)
        )
        .where(
            signing.unsigned_late(ra.c.acknowledged_at, assigned, signing.INSPECTION_DAYS, as_of),
            ra.c.status.not_in(rect_rules.DONE_STATES),
            by.is_not(None),
            _not_urged(escalation_t.c.rectification_assignment_id == ra.c.id),
        )
        .order_by(assigned, ra.c.id)
    )
    items += [
        Unsigned(
            addressed_to=row.org_unit_id,
            issued_by=row.issued_by,
            sign_by=signing.sign_by(row.assigned_at, signing.INSPECTION_DAYS),
            rectification_id=row.rectification_id,
            share_id=row.id,
        )
        for row in shares
    ]
    return items


def _unsigned_row(ctx: ServiceContext, item: Unsigned, as_of: date) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "level": signing.UNSIGNED_LEVEL.value,
        "task_id": item.task_id,
        "assignment_id": item.assignment_id,
        "rectification_id": item.rectification_id,
        "rectification_assignment_id": item.share_id,
        "issued_by_id": item.issued_by,
        "addressed_to_id": item.addressed_to,
        "issued_on": as_of,
        "reason": f"逾期未签收（应于{item.sign_by.isoformat()}前签收）",
        "created_at": ctx.now(),
        "cause": EscalationCause.UNSIGNED.value,
    }
