"""Report review (审核 / 退回): the supervising unit accepts a submitted progress report, so
that it counts, or returns it with a reason (models/rules/report_review.py holds the rule;
models/rules/scope.py `can_review_report` who may).

One write of the write pipeline (resolvers/unit_of_work.py). The share's row lock is taken
first (FOR NO KEY UPDATE, the order reportProgress takes it in: share, report, task), then
the review is one conditional UPDATE (`WHERE id = :id AND review_state = 'SUBMITTED'`, plus
the version when `expectedVersion` is given): of concurrent reviews of one report one
applies; a concurrent (or repeated) review with the same decision finds it made and changes
nothing, one with the other decision is INVALID_TRANSITION. An accepted report begins to
count at its acceptance (`count_report`: the share's state and a history event at that
moment, the task's state, maintained rollups); audit `acceptProgressReport` /
`returnProgressReport`, outbox `report.accepted` / `report.returned`, and the task's
change-log entry (`task.changed`).
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models import Assignment, Document, Plan, ProgressReport, Task
from models.enums import (
    ReportReviewDecision,
    ReportReviewPolicy,
    ReportReviewState,
    ViewerRole,
)
from models.messages import Message, message
from models.rules import report_review as rules
from models.rules.scope import (
    can_edit_plan,
    can_review_report,
    plan_visible,
    scope_for,
    visibility,
)
from models.viewer import Viewer
from resolvers.errors import DomainError, ErrorCode
from resolvers.events import task_changed
from resolvers.service_context import ServiceContext
from resolvers.task.service import MAX_TEXT, check_text, check_version, count_report
from resolvers.writes import audit, fetch_checked, lock_row, require_role, update_versioned

report_t: sa.Table = ProgressReport.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]
plan_t: sa.Table = Plan.__table__  # type: ignore[attr-defined]

ACTIONS = {
    ReportReviewDecision.ACCEPT: "acceptProgressReport",
    ReportReviewDecision.RETURN: "returnProgressReport",
}
WORDS = {
    ReportReviewState.ACCEPTED: "REVIEW_ACCEPTED",
    ReportReviewState.RETURNED: "REVIEW_RETURNED",
}


def reviewable(viewer: Viewer) -> tuple[sa.Select[Any], sa.ColumnElement[bool]]:
    """(reports joined to their task's issuer, the viewer may review them): the statement
    reviewProgressReport checks a report with and reportsToReview lists from."""
    origin = assignment_t.alias("review_origin")
    # The task's issuer: a subtask's is the unit whose share it splits (decomposeTask).
    issuer = sa.func.coalesce(origin.c.org_unit_id, document_t.c.issuer_id)
    statement = sa.select(report_t).select_from(
        report_t.join(assignment_t, assignment_t.c.id == report_t.c.assignment_id)
        .join(task_t, task_t.c.id == assignment_t.c.task_id)
        .join(document_t, document_t.c.id == task_t.c.document_id)
        .outerjoin(origin, origin.c.id == task_t.c.origin_assignment_id)
    )
    return statement, can_review_report(viewer, issuer, task_t.c.plan_id)


def _word(state: ReportReviewState) -> Message | str:
    key = WORDS.get(state)
    return message(key) if key is not None else state.value


async def review_report(
    ctx: ServiceContext,
    conn: AsyncConnection,
    *,
    report_id: uuid.UUID,
    decision: ReportReviewDecision,
    reason: str | None = None,
    expected_version: int | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """审核 / 退回 a SUBMITTED report: returns (report row, its share's row) after the write."""
    viewer_unit = require_role(ctx, ViewerRole.COORDINATOR)
    statement, writable = reviewable(ctx.viewer)
    report = await fetch_checked(
        conn,
        statement.where(report_t.c.id == report_id),
        visible=visibility(scope_for(ctx.viewer), report_t),
        writable=writable,
        field="report",
        noun="progress_report",
        forbidden=message("FORBIDDEN_REVIEW"),
    )
    check_text(reason, "reason", required=rules.needs_reason(decision), limit=MAX_TEXT)
    target = rules.decided(decision)
    current = ReportReviewState(report["review_state"])
    if current is ReportReviewState.NOT_REQUIRED:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION, message("REPORT_NOT_UNDER_REVIEW"), "report"
        )
    share = await lock_row(conn, assignment_t, report["assignment_id"], field="report")
    condition = sa.and_(
        report_t.c.id == report_id, report_t.c.review_state == rules.REVIEWABLE.value
    )
    if expected_version is not None:
        condition = sa.and_(condition, report_t.c.version == expected_version)
    updated = (
        (
            await conn.execute(
                report_t.update()
                .where(condition)
                .values(
                    review_state=target.value,
                    review_reason=reason,
                    reviewed_at=ctx.now(),
                    reviewed_by=ctx.viewer.subject,
                    reviewed_by_unit_id=viewer_unit,
                    version=report_t.c.version + 1,
                )
                .returning(*report_t.c)
            )
        )
        .mappings()
        .first()
    )
    if updated is None:
        return await _refused(conn, report_id, decision, expected_version), share
    after = dict(updated)
    if target is ReportReviewState.ACCEPTED:
        share = await count_report(ctx, conn, share, after, expected_version=None)
    else:
        task_changed(ctx, share["task_id"])  # the report's review changed: the feed hears
    await audit(
        ctx,
        conn,
        action=ACTIONS[decision],
        target_type="ProgressReport",
        target_id=report_id,
        before={"reviewState": report["review_state"], "version": report["version"]},
        after={
            "reviewState": target.value,
            "version": after["version"],
            "reason": reason,
            "assignment": str(share["id"]),
            "task": str(share["task_id"]),
            "status": share["status"],
            "progress": share["progress"],
        },
        scope_unit=share["org_unit_id"],
    )
    return after, share


async def _refused(
    conn: AsyncConnection,
    report_id: uuid.UUID,
    decision: ReportReviewDecision,
    expected: int | None,
) -> dict[str, Any]:
    """Why the review did not apply, from the report as it is now: the report itself when it
    already holds this decision (a retry, or the loser of concurrent equal reviews);
    VERSION_CONFLICT or INVALID_TRANSITION otherwise."""
    now = dict(
        (await conn.execute(sa.select(report_t).where(report_t.c.id == report_id))).mappings().one()
    )
    state = ReportReviewState(now["review_state"])
    if state is rules.decided(decision):
        return now
    if state is rules.REVIEWABLE and expected is not None:
        check_version(now, expected, "progress_report")
    raise DomainError(
        ErrorCode.INVALID_TRANSITION,
        message(
            "REPORT_ALREADY_REVIEWED",
            state=_word(state),
            decision=_word(rules.decided(decision)),
        ),
        "report",
    )


async def set_report_review(
    ctx: ServiceContext,
    conn: AsyncConnection,
    *,
    plan_id: uuid.UUID,
    policy: ReportReviewPolicy,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """A plan's review policy, set by its issuer (COORDINATOR or higher over it, as editing
    its tasks). Reports already made keep their review state: a SUBMITTED one stays to be
    reviewed whatever the new policy; the policy decides for reports made from now on."""
    require_role(ctx, ViewerRole.COORDINATOR)
    await fetch_checked(
        conn,
        sa.select(plan_t.c.id)
        .select_from(plan_t.join(document_t, document_t.c.id == plan_t.c.document_id))
        .where(plan_t.c.id == plan_id),
        visible=plan_visible(scope_for(ctx.viewer), plan_t.c.id),
        writable=can_edit_plan(ctx.viewer, document_t.c.issuer_id),
        field="plan",
        noun="plan",
        forbidden=message("FORBIDDEN_EDIT_TASK"),
    )
    before = await lock_row(conn, plan_t, plan_id, field="plan")
    version = await update_versioned(
        conn,
        plan_t,
        plan_id,
        {"report_review": policy.value, "updated_at": ctx.now()},
        expected_version=expected_version,
    )
    after = {**before, "report_review": policy.value, "version": version}
    if version == before["version"]:
        after = before
    else:
        after["updated_at"] = ctx.now()
    await audit(
        ctx,
        conn,
        action="setReportReview",
        target_type="Plan",
        target_id=plan_id,
        before={"reportReview": before["report_review"], "version": before["version"]},
        after={"reportReview": after["report_review"], "version": after["version"]},
        scope_unit=ctx.viewer.unit_id,
    )
    return after
