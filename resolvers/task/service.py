"""Task services: progress reports, creation, edits, assignment and decomposition.

Async functions taking (ctx, conn, …) that check role, scope and version, write, and audit.
They never import strawberry: mutations, imports and seeds share one set of rules.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from api.context import Context
from models import Assignment, AssignmentStatusEvent, Document, Plan, ProgressReport, Task
from models.enums import AssignmentRole, DeadlineKind, TaskStatus, ViewerRole
from resolvers.errors import DomainError, ErrorCode
from resolvers.events import task_changed
from resolvers.writes import audit, fetch_row, is_within, require_role, update_versioned
from seeds.parsing.deadline import ParsedDeadline, parse_deadline

task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
event_t: sa.Table = AssignmentStatusEvent.__table__  # type: ignore[attr-defined]
report_t: sa.Table = ProgressReport.__table__  # type: ignore[attr-defined]
plan_t: sa.Table = Plan.__table__  # type: ignore[attr-defined]
document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]

MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_TEXT = 5000


@dataclass(frozen=True)
class Evidence:
    """A link to supporting material."""

    url: str
    title: str | None = None


@dataclass(frozen=True)
class DeadlineInput:
    """A deadline as text (parsed like a ledger's 完成时限) or as explicit parts."""

    text: str | None = None
    kind: DeadlineKind | None = None
    start: date | None = None
    end: date | None = None


@dataclass
class TaskFields:
    """Editable fields of a task (None: unchanged / default)."""

    title: str | None = None
    description: str | None = None
    category: str | None = None
    remarks: str | None = None
    deadline: DeadlineInput | None = None
    weight: float | None = None
    seq: int | None = None


@dataclass
class SubtaskSpec:
    """One subtask of a decomposition."""

    fields: TaskFields
    leads: list[uuid.UUID] = field(default_factory=list)
    cooperating: list[uuid.UUID] = field(default_factory=list)


# -- validation ------------------------------------------------------------------------------


def check_text(value: str | None, name: str, *, required: bool = False, limit: int = 500) -> None:
    """Required and length checks of a text input."""
    if required and (value is None or not value.strip()):
        raise DomainError(ErrorCode.INVALID_INPUT, f"{name} must not be empty", name)
    if value is not None and len(value) > limit:
        raise DomainError(ErrorCode.INVALID_INPUT, f"{name} is longer than {limit}", name)


def check_evidence(links: list[Evidence]) -> None:
    """Evidence is a list of at most 50 http(s) links."""
    if len(links) > 50:
        raise DomainError(ErrorCode.INVALID_INPUT, "at most 50 evidence links", "evidence")
    for link in links:
        if not link.url.startswith(("http://", "https://")) or len(link.url) > 2000:
            raise DomainError(
                ErrorCode.INVALID_INPUT, "evidence urls are http(s) links", "evidence"
            )


def check_date(value: date | None, name: str) -> None:
    """Dates within 1990–2100."""
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE, f"{name} must be between {MIN_YEAR} and {MAX_YEAR}", name
        )


def resolve_deadline(value: DeadlineInput | None, default_year: int | None) -> ParsedDeadline:
    """The deadline to store: explicit parts win over the parsed text."""
    if value is None:
        return ParsedDeadline(DeadlineKind.UNSPECIFIED, None, None, "")
    parsed = parse_deadline(value.text, default_year=default_year)
    if value.kind is None:
        check_date(parsed.start, "deadline.start")
        check_date(parsed.end, "deadline.end")
        return parsed
    check_date(value.start, "deadline.start")
    check_date(value.end, "deadline.end")
    kind = value.kind
    needs = {
        DeadlineKind.BY_DATE: (False, True),
        DeadlineKind.FROM_DATE: (True, False),
        DeadlineKind.PERIOD: (True, True),
    }.get(kind, (False, False))
    if needs[0] and value.start is None:
        raise DomainError(ErrorCode.INVALID_INPUT, f"{kind.value} needs a start", "deadline.start")
    if needs[1] and value.end is None:
        raise DomainError(ErrorCode.INVALID_INPUT, f"{kind.value} needs an end", "deadline.end")
    if value.start and value.end and value.start > value.end:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "start is after end", "deadline.end")
    return ParsedDeadline(kind, value.start, value.end, value.text or parsed.text)


def check_weight(weight: float | None) -> None:
    """Weights 0–1000."""
    if weight is not None and not 0 <= weight <= 1000:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "weight must be between 0 and 1000", "weight")


def derive_status(percent: float, status: TaskStatus | None, current: TaskStatus) -> TaskStatus:
    """The status a report sets: given, or implied by the percent; consistent either way."""
    if status is None:
        if percent >= 100:
            return TaskStatus.COMPLETED
        if percent > 0 or current is not TaskStatus.NOT_STARTED:
            return TaskStatus.IN_PROGRESS
        return TaskStatus.NOT_STARTED
    if status is TaskStatus.COMPLETED and percent < 100:
        raise DomainError(ErrorCode.INVALID_INPUT, "a completed share is at 100%", "percent")
    if status is TaskStatus.NOT_STARTED and percent > 0:
        raise DomainError(ErrorCode.INVALID_INPUT, "a share not started is at 0%", "percent")
    if status is TaskStatus.IN_PROGRESS and percent >= 100:
        raise DomainError(ErrorCode.INVALID_INPUT, "at 100% the share is COMPLETED", "status")
    return status


# -- derived state ---------------------------------------------------------------------------


async def recompute_task(ctx: Context, conn: AsyncConnection, task_id: uuid.UUID) -> None:
    """A task's status and progress from its LEAD assignments (DESIGN.md)."""
    a = assignment_t
    row = (
        await conn.execute(
            sa.select(
                sa.func.count().label("n"),
                sa.func.coalesce(
                    sa.func.sum(sa.case((a.c.status == TaskStatus.COMPLETED.value, 1), else_=0)), 0
                ).label("done"),
                sa.func.coalesce(
                    sa.func.sum(sa.case((a.c.status != TaskStatus.NOT_STARTED.value, 1), else_=0)),
                    0,
                ).label("started"),
                sa.func.avg(
                    sa.case((a.c.status == TaskStatus.COMPLETED.value, 100.0), else_=a.c.progress)
                ).label("progress"),
            ).where(a.c.task_id == task_id, a.c.role == AssignmentRole.LEAD.value)
        )
    ).one()
    if row.n and row.done == row.n:
        status = TaskStatus.COMPLETED
    elif row.started:
        status = TaskStatus.IN_PROGRESS
    else:
        status = TaskStatus.NOT_STARTED
    progress = 100.0 if status is TaskStatus.COMPLETED else float(row.progress or 0.0)
    await conn.execute(
        task_t.update()
        .where(task_t.c.id == task_id)
        .values(status=status.value, progress=progress, updated_at=ctx.now())
    )
    task_changed(ctx, task_id)


async def _set_assignment_state(
    ctx: Context,
    conn: AsyncConnection,
    assignment: dict[str, Any],
    status: TaskStatus,
    progress: float,
    *,
    expected_version: int | None,
    report_id: uuid.UUID | None,
) -> int:
    """Write an assignment's state and its history event."""
    values: dict[str, Any] = {
        "status": status.value,
        "progress": progress,
        "updated_at": ctx.now(),
    }
    if report_id is not None:
        values["last_reported_at"] = ctx.now()
    version = await update_versioned(
        conn, assignment_t, assignment["id"], values, expected_version=expected_version
    )
    await conn.execute(
        event_t.insert().values(
            id=uuid.uuid4(),
            assignment_id=assignment["id"],
            report_id=report_id,
            effective_at=ctx.now(),
            status=status.value,
            progress=progress,
        )
    )
    return version


async def follow_subtasks(ctx: Context, conn: AsyncConnection, task_id: uuid.UUID) -> None:
    """After a subtask changed: its origin assignment follows the subtasks, unless reported.

    The decomposing unit's share of the parent task takes the mean progress of its subtasks
    (completed ones at 100) and their combined state, as long as that unit never reported on
    the share directly; then the parent task is recomputed, and so on up the chain.
    """
    task = (await conn.execute(sa.select(task_t).where(task_t.c.id == task_id))).mappings().first()
    if task is None or task["origin_assignment_id"] is None:
        return
    origin = (
        (
            await conn.execute(
                sa.select(assignment_t).where(assignment_t.c.id == task["origin_assignment_id"])
            )
        )
        .mappings()
        .first()
    )
    if origin is None or origin["last_reported_at"] is not None:
        return
    siblings = (
        await conn.execute(
            sa.select(
                sa.func.count().label("n"),
                sa.func.coalesce(
                    sa.func.sum(
                        sa.case((task_t.c.status == TaskStatus.COMPLETED.value, 1), else_=0)
                    ),
                    0,
                ).label("done"),
                sa.func.coalesce(
                    sa.func.sum(
                        sa.case((task_t.c.status != TaskStatus.NOT_STARTED.value, 1), else_=0)
                    ),
                    0,
                ).label("started"),
                sa.func.avg(task_t.c.progress).label("progress"),
            ).where(task_t.c.origin_assignment_id == origin["id"])
        )
    ).one()
    if siblings.n and siblings.done == siblings.n:
        status = TaskStatus.COMPLETED
    elif siblings.started:
        status = TaskStatus.IN_PROGRESS
    else:
        status = TaskStatus.NOT_STARTED
    progress = 100.0 if status is TaskStatus.COMPLETED else float(siblings.progress or 0.0)
    if (status.value, progress) == (origin["status"], origin["progress"]):
        return
    await _set_assignment_state(
        ctx, conn, dict(origin), status, progress, expected_version=None, report_id=None
    )
    await recompute_task(ctx, conn, origin["task_id"])
    await follow_subtasks(ctx, conn, origin["task_id"])


# -- reportProgress --------------------------------------------------------------------------


async def report_progress(
    ctx: Context,
    conn: AsyncConnection,
    *,
    assignment_id: uuid.UUID,
    percent: float,
    status: TaskStatus | None = None,
    narrative: str | None = None,
    evidence: list[Evidence] | None = None,
    period: str | None = None,
    expected_version: int | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A unit's report on its own assignment; returns (report row, assignment row)."""
    viewer_unit = require_role(ctx, ViewerRole.REPORTER)
    assignment = await fetch_row(conn, assignment_t, assignment_id, field="assignment")
    if not await is_within(conn, assignment["org_unit_id"], viewer_unit):
        # Outside the viewer's subtree: indistinguishable from a missing assignment.
        raise DomainError(ErrorCode.NOT_FOUND, "no such assignment", "assignment")
    if assignment["org_unit_id"] != viewer_unit:
        raise DomainError(
            ErrorCode.FORBIDDEN, "only the assigned unit reports on its share", "assignment"
        )
    if not 0 <= percent <= 100:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "percent must be between 0 and 100", "percent")
    check_text(narrative, "narrative", limit=MAX_TEXT)
    check_text(period, "period", limit=32)
    links = evidence or []
    check_evidence(links)
    new_status = derive_status(percent, status, TaskStatus(assignment["status"]))
    progress = 100.0 if new_status is TaskStatus.COMPLETED else float(percent)
    report_id = uuid.uuid4()
    report = {
        "id": report_id,
        "assignment_id": assignment_id,
        "reported_by_unit_id": viewer_unit,
        "reported_by": ctx.viewer.subject,
        "reported_at": ctx.now(),
        "period": period,
        "percent": float(percent),
        "status": new_status.value,
        "narrative": narrative,
        "evidence": [{"url": e.url, "title": e.title} for e in links],
        "created_at": ctx.now(),
    }
    await conn.execute(report_t.insert().values(**report))
    version = await _set_assignment_state(
        ctx,
        conn,
        assignment,
        new_status,
        progress,
        expected_version=expected_version,
        report_id=report_id,
    )
    await recompute_task(ctx, conn, assignment["task_id"])
    await follow_subtasks(ctx, conn, assignment["task_id"])
    after = {**assignment, "status": new_status.value, "progress": progress, "version": version}
    await audit(
        ctx,
        conn,
        action="reportProgress",
        target_type="Assignment",
        target_id=assignment_id,
        before={k: assignment[k] for k in ("status", "progress", "version")},
        after={k: after[k] for k in ("status", "progress", "version")}
        | {"report": str(report_id), "percent": percent},
        scope_unit=assignment["org_unit_id"],
    )
    return report, after
