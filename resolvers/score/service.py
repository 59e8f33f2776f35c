"""考核 scores: one statement per request, from the status history, the deadlines in force and
the escalations (the rules: models/rules/score.py; rubrics: models/score.py).

`items_statement` lists every (root unit, rubric line, item) that scores, with its points;
`totals_statement` groups it per root and line; `ranking_statement` ranks roots by their
sums. All three are the same SELECT underneath, so a total is exactly the sum of the items
the breakdown lists.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models import (
    Assignment,
    AssignmentStatusEvent,
    Escalation,
    OrgUnit,
    ProgressReport,
    Rectification,
    RectificationAssignment,
    RectificationEvent,
    ScoreRubric,
    ScoreRule,
    Task,
)
from models.enums import (
    AssignmentRole,
    EscalationLevel,
    ReportReviewState,
    ScoreRuleKind,
    ViewerRole,
)
from models.messages import message
from models.rules import calendar, task_state
from models.rules import rectification_state as rect_rules
from models.rules import score as rules
from models.rules.scope import can_manage_rubric
from resolvers.errors import DomainError, ErrorCode, InvalidArgument
from resolvers.rollups.history import local_day
from resolvers.rollups.history import prepare as prepare_local_day
from resolvers.service_context import ServiceContext
from resolvers.task.service import MAX_TEXT, check_text
from resolvers.writes import (
    audit,
    fetch_checked,
    insert_unique,
    require_role,
    unique_or,
    update_versioned,
)

rubric_t: sa.Table = ScoreRubric.__table__  # type: ignore[attr-defined]
rule_t: sa.Table = ScoreRule.__table__  # type: ignore[attr-defined]
task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
event_t: sa.Table = AssignmentStatusEvent.__table__  # type: ignore[attr-defined]
escalation_t: sa.Table = Escalation.__table__  # type: ignore[attr-defined]
unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]
report_t: sa.Table = ProgressReport.__table__  # type: ignore[attr-defined]
rect_t: sa.Table = Rectification.__table__  # type: ignore[attr-defined]
rect_share_t: sa.Table = RectificationAssignment.__table__  # type: ignore[attr-defined]
rect_event_t: sa.Table = RectificationEvent.__table__  # type: ignore[attr-defined]

COMPLETED = task_state.COMPLETED
MAX_RULES = 50
MAX_POINTS = 10_000.0
MAX_PERIOD_DAYS = 3 * 366


@dataclass(frozen=True, slots=True)
class Period:
    """The assessed period [start, end] and the day it is judged as of."""

    start: date
    end: date
    as_of: date


def check_period(start: date, end: date, as_of: date | None) -> Period:
    """The period, refused (InvalidArgument) when empty or longer than three years."""
    for day in (start, end, *([as_of] if as_of else [])):
        calendar.check_date(day)
    if end < start:
        raise InvalidArgument(message("SCORE_PERIOD_ORDER"))
    if (end - start).days > MAX_PERIOD_DAYS:
        raise InvalidArgument(message("SCORE_PERIOD_LENGTH", days=MAX_PERIOD_DAYS))
    return Period(start, end, as_of or calendar.today())


# -- reading ---------------------------------------------------------------------------------


def _completion_moment(share: Any, cutoff: Any) -> Any:
    """The moment the share last became COMPLETED before `cutoff`: its first COMPLETED event
    after its last other one (None when it never was)."""
    undone = event_t.alias("score_undone")
    done = event_t.alias("score_done")
    last_undone = (
        sa.select(sa.func.max(undone.c.effective_at))
        .where(
            undone.c.assignment_id == share.c.id,
            undone.c.status != COMPLETED,
            undone.c.effective_at < cutoff,
        )
        .scalar_subquery()
    )
    return (
        sa.select(sa.func.min(done.c.effective_at))
        .where(
            done.c.assignment_id == share.c.id,
            done.c.status == COMPLETED,
            done.c.effective_at < cutoff,
            sa.or_(last_undone.is_(None), done.c.effective_at > last_undone),
        )
        .scalar_subquery()
    )


def _done_moment(share: Any, cutoff: Any) -> Any:
    """The moment a rectification share last became done (COMPLETED, VERIFIED or CLOSED)
    before `cutoff`: its first done event (its own, or a move of the item as a whole) after
    its last not-done one (None when it never was)."""
    undone = rect_event_t.alias("score_rect_undone")
    done = rect_event_t.alias("score_rect_done")

    def applies(event: Any) -> Any:
        return sa.and_(
            event.c.rectification_id == share.c.rectification_id,
            sa.or_(event.c.assignment_id == share.c.id, event.c.assignment_id.is_(None)),
            event.c.occurred_at < cutoff,
        )

    last_undone = (
        sa.select(sa.func.max(undone.c.occurred_at))
        .where(applies(undone), undone.c.to_status.not_in(rect_rules.DONE_STATES))
        .scalar_subquery()
    )
    return (
        sa.select(sa.func.min(done.c.occurred_at))
        .where(
            applies(done),
            done.c.to_status.in_(rect_rules.DONE_STATES),
            sa.or_(last_undone.is_(None), done.c.occurred_at > last_undone),
        )
        .scalar_subquery()
    )


def _assessed_items(
    assessed: sa.CTE,
    lines: sa.CTE,
    item: str,
    kinds: Sequence[str],
    ids: Sequence[sa.ColumnElement[Any]],
) -> sa.Select[Any]:
    """The `item` rows of assessed shares (`assessed`: root_id, …, unit_id, completed,
    days_late; a task's or a rectification item's) on each rubric line of `kinds` that gives
    them points; `ids` are task_id … share_id, in the order of `items_statement`."""
    a, r = assessed.c, lines.c
    points = rules.share_points_sql(r.kind, r.points, r.cap, a.completed, a.days_late)
    return (
        sa.select(
            a.root_id,
            r.id.label("rule_id"),
            r.seq,
            r.kind,
            sa.literal(item).label("item"),
            *ids,
            a.unit_id,
            a.days_late,
            points.label("points"),
        )
        .select_from(assessed.join(lines, r.kind.in_(kinds)))
        .where(points.is_not(None))
    )


def items_statement(
    dialect: str,
    rubric_id: uuid.UUID,
    roots: Any,
    include_descendants: bool,
    period: Period,
) -> sa.Select[Any]:
    """(root_id, rule_id, seq, kind, item, task_id, assignment_id, escalation_id, report_id,
    rectification_id, share_id, unit_id, days_late, points) of every item a line of the
    rubric scores for each root in `roots` (a list of ids or a SELECT of them)."""
    as_of = period.as_of
    cutoff = calendar.cutoff(as_of)  # None: today's present state, as every surface reads it
    end_of_day = calendar.end_of_day(as_of)
    units = task_state.unit_scope(roots, include_descendants).cte("score_units")
    kind, deadline_end = task_state.deadline_at(task_t, cutoff)
    status = sa.func.coalesce(task_state.share_status(assignment_t, cutoff), "NOT_STARTED")
    moment = _completion_moment(assignment_t, end_of_day)
    shares = (
        sa.select(
            units.c.root_id,
            assignment_t.c.id.label("assignment_id"),
            assignment_t.c.task_id,
            assignment_t.c.org_unit_id.label("unit_id"),
            task_state.rated(kind).label("rated"),
            deadline_end.label("deadline_end"),
            (status == COMPLETED).label("completed"),
            moment.label("completed_at"),
        )
        .select_from(
            units.join(assignment_t, assignment_t.c.org_unit_id == units.c.unit_id).join(
                task_t, task_t.c.id == assignment_t.c.task_id
            )
        )
        .where(
            assignment_t.c.role == AssignmentRole.LEAD.value,
            task_state.share_existed(assignment_t, end_of_day),
        )
    ).cte("score_shares")
    s = shares.c
    completed_on = local_day(dialect, s.completed_at)
    assessed = (
        sa.select(
            s.root_id,
            s.assignment_id,
            s.task_id,
            s.unit_id,
            s.completed,
            rules.days_late_sql(dialect, s.deadline_end, s.completed, completed_on, as_of).label(
                "days_late"
            ),
        ).where(
            rules.assessed_sql(
                s.rated, s.deadline_end, s.completed, as_of, period.start, period.end
            )
        )
    ).cte("score_assessed")
    a = assessed.c
    lines = sa.select(rule_t).where(rule_t.c.rubric_id == rubric_id).cte("score_lines")
    r = lines.c
    share_items = _assessed_items(
        assessed,
        lines,
        "SHARE",
        rules.SHARE_KINDS,
        [
            a.task_id,
            a.assignment_id,
            sa.cast(sa.null(), sa.Uuid()).label("escalation_id"),
            sa.cast(sa.null(), sa.Uuid()).label("report_id"),
            sa.cast(sa.null(), sa.Uuid()).label("rectification_id"),
            sa.cast(sa.null(), sa.Uuid()).label("share_id"),
        ],
    )
    e = escalation_t
    escalation_items = (
        sa.select(
            units.c.root_id,
            r.id.label("rule_id"),
            r.seq,
            r.kind,
            sa.literal("ESCALATION").label("item"),
            e.c.task_id,
            e.c.assignment_id,
            e.c.id.label("escalation_id"),
            sa.cast(sa.null(), sa.Uuid()).label("report_id"),
            e.c.rectification_id,
            sa.cast(sa.null(), sa.Uuid()).label("share_id"),
            e.c.addressed_to_id.label("unit_id"),
            sa.literal(0).label("days_late"),
            rules.capped_sql(r.points, r.cap).label("points"),
        )
        .select_from(
            units.join(e, e.c.addressed_to_id == units.c.unit_id).join(
                lines,
                sa.and_(r.kind == ScoreRuleKind.ESCALATION.value),
            )
        )
        .where(
            rules.escalation_counts_sql(r.level, e.c.level),
            e.c.issued_on >= period.start,
            e.c.issued_on <= min(period.end, as_of),
            e.c.created_at < end_of_day,
        )
    )
    p = report_t
    returned_at = p.c.reviewed_at
    report_items = (
        sa.select(
            units.c.root_id,
            r.id.label("rule_id"),
            r.seq,
            r.kind,
            sa.literal("REPORT").label("item"),
            assignment_t.c.task_id,
            assignment_t.c.id.label("assignment_id"),
            sa.cast(sa.null(), sa.Uuid()).label("escalation_id"),
            p.c.id.label("report_id"),
            sa.cast(sa.null(), sa.Uuid()).label("rectification_id"),
            sa.cast(sa.null(), sa.Uuid()).label("share_id"),
            assignment_t.c.org_unit_id.label("unit_id"),
            sa.literal(0).label("days_late"),
            rules.capped_sql(r.points, r.cap).label("points"),
        )
        .select_from(
            units.join(assignment_t, assignment_t.c.org_unit_id == units.c.unit_id)
            .join(p, p.c.assignment_id == assignment_t.c.id)
            .join(lines, r.kind == ScoreRuleKind.RETURNED_REPORT.value)
        )
        .where(
            assignment_t.c.role == AssignmentRole.LEAD.value,
            p.c.review_state == ReportReviewState.RETURNED.value,
            returned_at >= calendar.start_of_day(period.start),
            returned_at < calendar.end_of_day(min(period.end, as_of)),
        )
    )
    # 整改考核: each responsible unit's own LEAD share of a rectification item, judged as a
    # task share is (models/rules/score.py), with the item's deadline.
    ra, rc = rect_share_t, rect_t
    rect_status = rect_rules.share_status_as_of(ra, cutoff)
    rect_shares = (
        sa.select(
            units.c.root_id,
            ra.c.id.label("share_id"),
            ra.c.rectification_id,
            ra.c.org_unit_id.label("unit_id"),
            task_state.rated(rc.c.deadline_kind).label("rated"),
            rc.c.deadline_end,
            rect_rules.done(rect_status).label("completed"),
            _done_moment(ra, end_of_day).label("completed_at"),
        )
        .select_from(
            units.join(ra, ra.c.org_unit_id == units.c.unit_id).join(
                rc, rc.c.id == ra.c.rectification_id
            )
        )
        .where(ra.c.role == AssignmentRole.LEAD.value, rc.c.created_at < end_of_day)
    ).cte("score_rect_shares")
    q = rect_shares.c
    rect_assessed = (
        sa.select(
            q.root_id,
            q.share_id,
            q.rectification_id,
            q.unit_id,
            q.completed,
            rules.days_late_sql(
                dialect, q.deadline_end, q.completed, local_day(dialect, q.completed_at), as_of
            ).label("days_late"),
        ).where(
            rules.assessed_sql(
                q.rated, q.deadline_end, q.completed, as_of, period.start, period.end
            )
        )
    ).cte("score_rect_assessed")
    rect_items = _assessed_items(
        rect_assessed,
        lines,
        "RECTIFICATION",
        rules.RECTIFICATION_KINDS,
        [
            sa.cast(sa.null(), sa.Uuid()).label("task_id"),
            sa.cast(sa.null(), sa.Uuid()).label("assignment_id"),
            sa.cast(sa.null(), sa.Uuid()).label("escalation_id"),
            sa.cast(sa.null(), sa.Uuid()).label("report_id"),
            rect_assessed.c.rectification_id,
            rect_assessed.c.share_id,
        ],
    )
    return (
        sa.union_all(share_items, escalation_items, report_items, rect_items)
        .subquery("score_items")
        .select()
    )


def totals_statement(items: sa.Select[Any]) -> sa.Select[Any]:
    """(root_id, rule_id, count, points) per root and line of `items_statement`."""
    i = items.subquery("items")
    return sa.select(
        i.c.root_id,
        i.c.rule_id,
        sa.func.count().label("count"),
        sa.func.sum(i.c.points).label("points"),
    ).group_by(i.c.root_id, i.c.rule_id)


def ranking_statement(items: sa.Select[Any], roots: Any, best_first: bool) -> sa.Select[Any]:
    """(root_id, total, rank) of every root (0 when nothing scores), RANK() by total."""
    i = items.subquery("items")
    sums = (
        sa.select(i.c.root_id, sa.func.sum(i.c.points).label("total"))
        .group_by(i.c.root_id)
        .subquery("sums")
    )
    root_ids = sa.select(roots.c.id.label("root_id")).subquery("roots")
    total = sa.func.coalesce(sums.c.total, 0.0)
    order = total.desc() if best_first else total.asc()
    return sa.select(
        root_ids.c.root_id,
        total.label("total"),
        sa.func.rank().over(order_by=order).label("rank"),
    ).select_from(root_ids.outerjoin(sums, sums.c.root_id == root_ids.c.root_id))


async def prepare(conn: AsyncConnection) -> None:
    """Register what the statements need on this connection (SQLite's local day)."""
    await prepare_local_day(conn)


# -- writing rubrics: ADMIN, or COORDINATOR over the owning unit (models/rules/scope.py) ---


@dataclass(frozen=True, slots=True)
class RuleInput:
    kind: ScoreRuleKind
    points: float
    description: str
    level: EscalationLevel | None = None
    cap: float | None = None


def _invalid(text: Any, field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, text, field)


def _check_rules(rules_in: Sequence[RuleInput]) -> None:
    if not rules_in:
        raise _invalid(message("SCORE_RULES_EMPTY"), "rules")
    if len(rules_in) > MAX_RULES:
        raise _invalid(message("SCORE_RULES_TOO_MANY", limit=MAX_RULES), "rules")
    for n, rule in enumerate(rules_in):
        field = f"rules.{n}"
        if rule.level is not None and rule.kind is not ScoreRuleKind.ESCALATION:
            raise _invalid(message("SCORE_LEVEL_NOT_ESCALATION"), f"{field}.level")
        for value, name in ((rule.points, "points"), (rule.cap, "cap")):
            if value is not None and not (math.isfinite(value) and abs(value) <= MAX_POINTS):
                raise _invalid(message("SCORE_POINTS_RANGE", limit=MAX_POINTS), f"{field}.{name}")
        if rule.cap is not None and not rule.cap > 0:
            raise _invalid(message("SCORE_CAP_POSITIVE"), f"{field}.cap")
        check_text(rule.description, f"{field}.description", required=True, limit=500)


async def create_rubric(
    ctx: ServiceContext,
    conn: AsyncConnection,
    *,
    name: str,
    description: str | None,
    owner: uuid.UUID | None,
    rules_in: Sequence[RuleInput],
) -> dict[str, Any]:
    """A new rubric with its lines: ADMIN, or COORDINATOR over the owning unit; the name is
    unique (held by the database: DUPLICATE)."""
    require_role(ctx, ViewerRole.COORDINATOR)
    name, description = _check_texts(name, description)
    _check_rules(rules_in)
    if owner is None and not ctx.viewer.is_admin:
        raise DomainError(ErrorCode.FORBIDDEN, message("SCORE_RUBRIC_OWNER_REQUIRED"), "owner")
    if owner is not None:
        allowed = await conn.execute(
            sa.select(unit_t.c.id).where(
                unit_t.c.id == owner, can_manage_rubric(ctx.viewer, unit_t.c.id)
            )
        )
        if allowed.first() is None:
            raise DomainError(ErrorCode.NOT_FOUND, message("UNIT_NOT_IN_SCOPE"), "owner")
    now = ctx.now()
    rubric_id = uuid.uuid4()
    row: dict[str, Any] = {
        "id": rubric_id,
        "name": name,
        "description": description,
        "owner_unit_id": owner,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    if not await insert_unique(conn, rubric_t, row):
        raise DomainError(ErrorCode.DUPLICATE, message("SCORE_RUBRIC_NAME_TAKEN"), "name")
    await _write_rules(conn, rubric_id, rules_in)
    await audit(
        ctx,
        conn,
        action="createScoreRubric",
        target_type="ScoreRubric",
        target_id=rubric_id,
        after={"name": name, "owner": owner, "rules": _rules_json(rules_in)},
        scope_unit=owner,
    )
    return row


async def update_rubric(
    ctx: ServiceContext,
    conn: AsyncConnection,
    *,
    rubric_id: uuid.UUID,
    name: str,
    description: str | None,
    rules_in: Sequence[RuleInput],
    expected_version: int,
) -> dict[str, Any]:
    """Replace a rubric's name, description and lines (a new version, compare-and-set)."""
    require_role(ctx, ViewerRole.COORDINATOR)
    name, description = _check_texts(name, description)
    _check_rules(rules_in)
    before = await fetch_checked(
        conn,
        sa.select(rubric_t).where(rubric_t.c.id == rubric_id),
        visible=sa.true(),
        writable=can_manage_rubric(ctx.viewer, rubric_t.c.owner_unit_id),
        field="rubric",
        noun="score_rubric",
        forbidden=message("SCORE_RUBRIC_FORBIDDEN"),
    )
    old_rules = [
        dict(r)
        for r in (
            await conn.execute(
                sa.select(rule_t).where(rule_t.c.rubric_id == rubric_id).order_by(rule_t.c.seq)
            )
        ).mappings()
    ]
    async with unique_or(
        conn, DomainError(ErrorCode.DUPLICATE, message("SCORE_RUBRIC_NAME_TAKEN"), "name")
    ):
        version = await update_versioned(
            conn,
            rubric_t,
            rubric_id,
            {"name": name, "description": description, "updated_at": ctx.now()},
            expected_version=expected_version,
            changed=True,
        )
    await conn.execute(rule_t.delete().where(rule_t.c.rubric_id == rubric_id))
    await _write_rules(conn, rubric_id, rules_in)
    await audit(
        ctx,
        conn,
        action="updateScoreRubric",
        target_type="ScoreRubric",
        target_id=rubric_id,
        before={"name": before["name"], "rules": [_rule_json(r) for r in old_rules]},
        after={"name": name, "rules": _rules_json(rules_in)},
        scope_unit=before["owner_unit_id"],
    )
    return {**before, "name": name, "description": description, "version": version}


def _check_texts(name: str, description: str | None) -> tuple[str, str | None]:
    check_text(name, "name", required=True, limit=200)
    check_text(description, "description", limit=MAX_TEXT)
    return name.strip(), description


async def _write_rules(
    conn: AsyncConnection, rubric_id: uuid.UUID, rules_in: Sequence[RuleInput]
) -> None:
    await conn.execute(
        rule_t.insert(),
        [
            {
                "id": uuid.uuid4(),
                "rubric_id": rubric_id,
                "seq": n + 1,
                "kind": rule.kind.value,
                "level": rule.level.value if rule.level else None,
                "points": float(rule.points),
                "cap": rule.cap,
                "description": rule.description.strip(),
            }
            for n, rule in enumerate(rules_in)
        ],
    )


def _rules_json(rules_in: Sequence[RuleInput]) -> list[dict[str, Any]]:
    return [
        {
            "kind": r.kind.value,
            "level": r.level.value if r.level else None,
            "points": r.points,
            "cap": r.cap,
            "description": r.description.strip(),
        }
        for r in rules_in
    ]


def _rule_json(row: Any) -> dict[str, Any]:
    return {k: row[k] for k in ("kind", "level", "points", "cap", "description")}
