"""Task services: progress reports, creation, edits, assignment and decomposition.

Async functions taking (ctx, conn, …) that check role, scope and version, write, and audit.
They never import strawberry: mutations, imports and seeds share one set of rules.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models import (
    Assignment,
    AssignmentStatusEvent,
    Document,
    OrgUnit,
    Plan,
    ProgressReport,
    Task,
)
from models.enums import AssignmentRole, DeadlineKind, TaskStatus, ViewerRole
from models.messages import message
from models.messages import noun as noun_of
from models.rules import report_review as review_rules
from models.rules import task_state as rules
from models.rules.deadline import ParsedDeadline, parse_deadline
from models.rules.labels import seq_path
from models.rules.scope import (
    can_decompose,
    can_edit_plan,
    can_edit_task,
    can_name_unit,
    can_report_on,
    plan_visible,
    scope_for,
    share_visible,
    task_visible,
)
from resolvers.errors import DomainError, ErrorCode
from resolvers.events import task_changed
from resolvers.service_context import ServiceContext as Context  # services take no GraphQL context
from resolvers.task.deadlines import check_reason, record_deadline_change
from resolvers.task.history import check_effective_on, history_start
from resolvers.units import resolve_name
from resolvers.writes import (
    audit,
    fetch_checked,
    fetch_row,
    insert_unique,
    is_within,
    lock_row,
    require_role,
    unique_or,
    update_versioned,
)

task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
event_t: sa.Table = AssignmentStatusEvent.__table__  # type: ignore[attr-defined]
report_t: sa.Table = ProgressReport.__table__  # type: ignore[attr-defined]
plan_t: sa.Table = Plan.__table__  # type: ignore[attr-defined]
document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]
unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]

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
        raise DomainError(ErrorCode.INVALID_INPUT, message("TEXT_EMPTY", field=name), name)
    if value is not None and len(value) > limit:
        raise DomainError(
            ErrorCode.INVALID_INPUT, message("TEXT_TOO_LONG", field=name, limit=limit), name
        )


def check_evidence(links: list[Evidence]) -> None:
    """Evidence is a list of at most 50 http(s) links."""
    if len(links) > 50:
        raise DomainError(ErrorCode.INVALID_INPUT, message("EVIDENCE_TOO_MANY"), "evidence")
    for link in links:
        if not link.url.startswith(("http://", "https://")) or len(link.url) > 2000:
            raise DomainError(ErrorCode.INVALID_INPUT, message("EVIDENCE_URL"), "evidence")


def check_date(value: date | None, name: str) -> None:
    """Dates within 1990–2100."""
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE,
            message("YEAR_RANGE", field=name, first=MIN_YEAR, last=MAX_YEAR),
            name,
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
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            message("DEADLINE_NEEDS_START", kind=kind.value),
            "deadline.start",
        )
    if needs[1] and value.end is None:
        raise DomainError(
            ErrorCode.INVALID_INPUT, message("DEADLINE_NEEDS_END", kind=kind.value), "deadline.end"
        )
    if value.start and value.end and value.start > value.end:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE, message("DEADLINE_START_AFTER_END"), "deadline.end"
        )
    return ParsedDeadline(kind, value.start, value.end, value.text or parsed.text)


def check_weight(weight: float | None) -> None:
    """Weights 0–1000."""
    if weight is not None and not 0 <= weight <= 1000:
        raise DomainError(ErrorCode.OUT_OF_RANGE, message("WEIGHT_RANGE"), "weight")


def derive_status(percent: float, status: TaskStatus | None, current: TaskStatus) -> TaskStatus:
    """The status a report sets: given, or implied by the percent; consistent either way."""
    if status is None:
        if percent >= 100:
            return TaskStatus.COMPLETED
        if percent > 0 or current is not TaskStatus.NOT_STARTED:
            return TaskStatus.IN_PROGRESS
        return TaskStatus.NOT_STARTED
    if status is TaskStatus.COMPLETED and percent < 100:
        raise DomainError(ErrorCode.INVALID_INPUT, message("COMPLETED_AT_100"), "percent")
    if status is TaskStatus.NOT_STARTED and percent > 0:
        raise DomainError(ErrorCode.INVALID_INPUT, message("NOT_STARTED_AT_0"), "percent")
    if status is TaskStatus.IN_PROGRESS and percent >= 100:
        raise DomainError(ErrorCode.INVALID_INPUT, message("AT_100_COMPLETED"), "status")
    return status


# -- derived state ---------------------------------------------------------------------------


async def recompute_task(ctx: Context, conn: AsyncConnection, task_id: uuid.UUID) -> None:
    """A task's status and progress from its LEAD assignments (DESIGN.md).

    Under the task's row lock: concurrent reports on its shares recompute one after the
    other, each from the shares as the ones before it left them (not from a snapshot taken
    before they committed, which left ten towns' simultaneous 100% as a task at 10%).
    """
    await lock_row(conn, task_t, task_id)
    a = assignment_t
    n, done, started, mean = rules.shares_aggregate(a.c.status, a.c.progress)
    completed = rules.completed_from(n, done)
    row = (
        await conn.execute(
            sa.select(
                rules.status_from(n, done, started).label("status"),
                rules.progress_from(completed, mean).label("progress"),
            ).where(a.c.task_id == task_id, a.c.role == AssignmentRole.LEAD.value)
        )
    ).one()
    status, progress = TaskStatus(row.status), float(row.progress)
    await conn.execute(  # the same state is not rewritten (resolvers/unit_of_work.py)
        task_t.update()
        .where(
            task_t.c.id == task_id,
            sa.or_(
                task_t.c.status.is_distinct_from(status.value),
                task_t.c.progress.is_distinct_from(progress),
            ),
        )
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
    if version == assignment["version"]:
        return version  # the same state: no history event (resolvers/unit_of_work.py)
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
    # The share derived from its subtasks is read, and its subtasks after it, under its row
    # lock: concurrent subtask reports follow one after the other (share, then parent task:
    # the order reportProgress on the share itself locks them in).
    origin = (
        (
            await conn.execute(
                sa.select(assignment_t)
                .where(assignment_t.c.id == task["origin_assignment_id"])
                .with_for_update(key_share=True)
            )
        )
        .mappings()
        .first()
    )
    if origin is None or origin["last_reported_at"] is not None:
        return
    # The share follows its subtasks by the rule a task follows its lead shares.
    n, done, started, mean = rules.shares_aggregate(task_t.c.status, task_t.c.progress)
    completed = rules.completed_from(n, done)
    siblings = (
        await conn.execute(
            sa.select(
                rules.status_from(n, done, started).label("status"),
                rules.progress_from(completed, mean).label("progress"),
            ).where(task_t.c.origin_assignment_id == origin["id"])
        )
    ).one()
    status, progress = TaskStatus(siblings.status), float(siblings.progress)
    if (status.value, progress) == (origin["status"], origin["progress"]):
        return
    await _set_assignment_state(
        ctx, conn, dict(origin), status, progress, expected_version=None, report_id=None
    )
    await recompute_task(ctx, conn, origin["task_id"])
    await follow_subtasks(ctx, conn, origin["task_id"])


def check_version(row: dict[str, Any], expected_version: int | None, table: str) -> None:
    """VERSION_CONFLICT when `expected_version` is given and the row is not at it."""
    if expected_version is not None and row["version"] != expected_version:
        raise DomainError(
            ErrorCode.VERSION_CONFLICT,
            message(
                "VERSION_CONFLICT",
                noun=noun_of(table),
                current=row["version"],
                expected=expected_version,
            ),
            "expectedVersion",
        )


async def count_report(
    ctx: Context,
    conn: AsyncConnection,
    assignment: dict[str, Any],
    report: dict[str, Any],
    *,
    expected_version: int | None,
    newest: bool = False,
) -> dict[str, Any]:
    """A report begins to count now (made under no review, or accepted): when it is its
    share's latest counting report (models/rules/report_review.py) the share takes its state,
    with a history event at this moment, and the task follows. The caller holds the share's
    row lock (FOR NO KEY UPDATE), so the latest counting report is read after any writer
    before it committed. `newest`: the report was just made (nothing can be later). Returns
    the share's row after."""
    latest = (
        report["id"]
        if newest
        else (await conn.execute(review_rules.latest_counting(report_t, assignment["id"]))).scalar()
    )
    if latest != report["id"]:  # a later report already counts: the share keeps its state
        check_version(assignment, expected_version, "assignment")
        task_changed(ctx, assignment["task_id"])
        return dict(assignment)
    status = TaskStatus(report["status"])
    progress = 100.0 if status is TaskStatus.COMPLETED else float(report["percent"])
    version = await _set_assignment_state(
        ctx,
        conn,
        assignment,
        status,
        progress,
        expected_version=expected_version,
        report_id=report["id"],
    )
    await recompute_task(ctx, conn, assignment["task_id"])
    await follow_subtasks(ctx, conn, assignment["task_id"])
    return {**assignment, "status": status.value, "progress": progress, "version": version}


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
    """A unit's report on its share (or a superior's for a unit below it): returns (report
    row, assignment row). Scope: models/rules/scope.py can_report_on.
    """
    viewer_unit = require_role(ctx, ViewerRole.REPORTER)
    assignment = await fetch_checked(
        conn,
        sa.select(assignment_t)
        .where(assignment_t.c.id == assignment_id)
        .with_for_update(key_share=True),
        visible=share_visible(scope_for(ctx.viewer), assignment_t.c.id),
        writable=can_report_on(ctx.viewer, assignment_t.c.org_unit_id),
        field="assignment",
        noun="assignment",
        forbidden=message("FORBIDDEN_REPORT"),
    )
    if not 0 <= percent <= 100:
        raise DomainError(ErrorCode.OUT_OF_RANGE, message("PERCENT_RANGE"), "percent")
    check_text(narrative, "narrative", limit=MAX_TEXT)
    check_text(period, "period", limit=32)
    links = evidence or []
    check_evidence(links)
    new_status = derive_status(percent, status, TaskStatus(assignment["status"]))
    # Under the plan's review policy the report may wait for its supervisor's acceptance
    # before it counts (models/rules/report_review.py).
    policy = (
        await conn.execute(
            sa.select(plan_t.c.report_review)
            .select_from(task_t.join(plan_t, plan_t.c.id == task_t.c.plan_id))
            .where(task_t.c.id == assignment["task_id"])
        )
    ).scalar_one()
    review = review_rules.initial_state(policy, new_status)
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
        "review_state": review.value,
        "review_reason": None,
        "reviewed_at": None,
        "reviewed_by": None,
        "reviewed_by_unit_id": None,
        "created_at": ctx.now(),
        "version": 1,
    }
    await conn.execute(report_t.insert().values(**report))
    if review_rules.counts(review):
        after = await count_report(
            ctx, conn, assignment, report, expected_version=expected_version, newest=True
        )
    else:
        check_version(assignment, expected_version, "assignment")
        after = dict(assignment)
        task_changed(ctx, assignment["task_id"])  # its reports changed: the feed hears of it
    await audit(
        ctx,
        conn,
        action="reportProgress",
        target_type="Assignment",
        target_id=assignment_id,
        before={k: assignment[k] for k in ("status", "progress", "version")},
        after={k: after[k] for k in ("status", "progress", "version")}
        | {"report": str(report_id), "percent": percent, "reviewState": review.value},
        scope_unit=assignment["org_unit_id"],
    )
    return report, after


# -- creating and editing tasks --------------------------------------------------------------


async def _check_units(
    ctx: Context, conn: AsyncConnection, units: list[uuid.UUID], field_name: str
) -> None:
    """Every unit exists and a write may name it (can_name_unit; else like a missing unit)."""
    if not units:
        return
    found = await conn.execute(
        sa.select(unit_t.c.id).where(unit_t.c.id.in_(units), can_name_unit(ctx.viewer, unit_t.c.id))
    )
    if len({row.id for row in found}) != len(set(units)):
        raise DomainError(ErrorCode.UNKNOWN_UNIT, message("UNIT_NOT_IN_SCOPE"), field_name)


async def _expand(
    ctx: Context,
    conn: AsyncConnection,
    viewer_unit: uuid.UUID,
    ids: list[uuid.UUID],
    names: list[str],
    field_name: str,
    as_of: date | None = None,
) -> list[tuple[uuid.UUID, str | None]]:
    """Unit ids plus names / group references resolved, deduplicated, in input order; names
    and groups as of `as_of`, the task's document date (models/org_unit_tree.py)."""

    out: dict[uuid.UUID, str | None] = {unit: None for unit in ids}
    for name in names:
        try:
            named = await resolve_name(conn, name, viewer_unit, as_of)
        except DomainError as error:
            raise DomainError(error.code, error.message, field_name) from error
        if named.unresolved:
            raise DomainError(
                ErrorCode.UNKNOWN_UNIT,
                message("NAMES_ONLY_CONCERNED", name=name),
                field_name,
            )
        for unit in named.unit_ids:
            out.setdefault(unit, named.via_group)
    await _check_units(ctx, conn, list(out), field_name)
    return list(out.items())


async def _add_assignments(
    ctx: Context,
    conn: AsyncConnection,
    task_id: uuid.UUID,
    units: list[tuple[uuid.UUID, str | None]],
    role: AssignmentRole,
    *,
    start: datetime | None = None,
) -> list[uuid.UUID]:
    """New assignments (skipping ones that exist) with their initial status events, dated
    `start` (resolvers/task/history.py; default: the write)."""
    existing = {
        (row.org_unit_id, row.role)
        for row in await conn.execute(
            sa.select(assignment_t.c.org_unit_id, assignment_t.c.role).where(
                assignment_t.c.task_id == task_id
            )
        )
    }
    added: list[uuid.UUID] = []
    for unit, via_group in units:
        if (unit, role.value) in existing:
            continue
        if role is AssignmentRole.COOPERATING and (unit, AssignmentRole.LEAD.value) in existing:
            continue  # a lead that a group also names stays a lead
        assignment_id = uuid.uuid4()
        await conn.execute(
            assignment_t.insert().values(
                id=assignment_id,
                task_id=task_id,
                org_unit_id=unit,
                role=role.value,
                via_group=via_group,
                status=TaskStatus.NOT_STARTED.value,
                progress=0.0,
                created_at=ctx.now(),
                updated_at=ctx.now(),
                version=1,
            )
        )
        await conn.execute(
            event_t.insert().values(
                id=uuid.uuid4(),
                assignment_id=assignment_id,
                effective_at=start or ctx.now(),
                status=TaskStatus.NOT_STARTED.value,
                progress=0.0,
            )
        )
        existing.add((unit, role.value))
        added.append(unit)
    return added


async def _plan_in_scope(ctx: Context, conn: AsyncConnection, plan_id: uuid.UUID) -> dict[str, Any]:
    """A plan the viewer may add tasks to: can_edit_plan (its issuer or a unit above it)."""
    return await fetch_checked(
        conn,
        sa.select(plan_t)
        .join(document_t, document_t.c.id == plan_t.c.document_id)
        .where(plan_t.c.id == plan_id),
        visible=plan_visible(scope_for(ctx.viewer), plan_t.c.id),
        writable=can_edit_plan(ctx.viewer, document_t.c.issuer_id),
        field="plan",
        noun="plan",
        forbidden=message("FORBIDDEN_ADD_TASK"),
    )


def _task_values(fields: TaskFields, default_year: int | None) -> dict[str, Any]:
    check_text(fields.title, "title", limit=500)
    check_text(fields.description, "description", limit=MAX_TEXT)
    check_text(fields.category, "category", limit=200)
    check_text(fields.remarks, "remarks", limit=MAX_TEXT)
    check_weight(fields.weight)
    if fields.seq is not None and not 1 <= fields.seq <= 1_000_000:
        raise DomainError(ErrorCode.OUT_OF_RANGE, message("SEQ_POSITIVE"), "seq")
    values: dict[str, Any] = {
        k: v
        for k, v in {
            "title": fields.title.strip() if fields.title else None,
            "description": fields.description,
            "category": fields.category,
            "remarks": fields.remarks,
            "weight": fields.weight,
            "seq": fields.seq,
        }.items()
        if v is not None
    }
    if fields.deadline is not None:
        parsed = resolve_deadline(fields.deadline, default_year)
        values |= {
            "deadline_kind": parsed.kind.value,
            "deadline_start": parsed.start,
            "deadline_end": parsed.end,
            "deadline_text": parsed.text,
        }
    return values


async def create_task(
    ctx: Context,
    conn: AsyncConnection,
    *,
    plan_id: uuid.UUID,
    fields: TaskFields,
    leads: list[uuid.UUID],
    lead_names: list[str],
    cooperating: list[uuid.UUID],
    cooperating_names: list[str],
    effective_on: date | None = None,
) -> dict[str, Any]:
    """A new task of a plan with its lead and cooperating units; its history starts on
    `effective_on`, else on the document's issue day (resolvers/task/history.py)."""
    viewer_unit = require_role(ctx, ViewerRole.COORDINATOR)
    plan = await _plan_in_scope(ctx, conn, plan_id)
    check_text(fields.title, "title", required=True, limit=500)
    check_effective_on(ctx, effective_on, "effectiveOn")
    document = await fetch_row(conn, document_t, plan["document_id"], field="plan")
    issued_on = document["issued_on"]
    lead_units = await _expand(ctx, conn, viewer_unit, leads, lead_names, "leads", issued_on)
    if not lead_units:
        raise DomainError(ErrorCode.INVALID_INPUT, message("TASK_NEEDS_LEAD"), "leads")
    coop_units = await _expand(
        ctx, conn, viewer_unit, cooperating, cooperating_names, "cooperating", issued_on
    )
    values = _task_values(fields, plan["year"])
    label = document["doc_number"] or str(document["id"])
    task_id = uuid.uuid4()
    row = {
        "id": task_id,
        "plan_id": plan_id,
        "document_id": plan["document_id"],
        "parent_id": None,
        "deadline_kind": DeadlineKind.UNSPECIFIED.value,
        "deadline_text": "",
        "weight": 1.0,
        "status": TaskStatus.NOT_STARTED.value,
        "progress": 0.0,
        "created_at": ctx.now(),
        "updated_at": ctx.now(),
        "version": 1,
        **values,
    }
    await _insert_numbered(conn, row, prefix=f"{label}/{plan['key']}", given="seq" in values)
    start = history_start(ctx, document["issued_on"], effective_on)
    await _add_assignments(ctx, conn, task_id, lead_units, AssignmentRole.LEAD, start=start)
    await _add_assignments(ctx, conn, task_id, coop_units, AssignmentRole.COOPERATING, start=start)
    await audit(
        ctx,
        conn,
        action="createTask",
        target_type="Task",
        target_id=task_id,
        after=row
        | {
            "leads": [u for u, _ in lead_units],
            "cooperating": [u for u, _ in coop_units],
            "historyStart": start,
        },
        scope_unit=viewer_unit,
    )
    task_changed(ctx, task_id)
    return await fetch_row(conn, task_t, task_id, field="task")


def task_code(prefix: str, seq: int, *, subtask: bool) -> str:
    """A task's code: `文号/plan/序号` (three digits), a subtask's `parent code/序号` (two)."""
    return f"{prefix}/{seq:02d}" if subtask else f"{prefix}/{seq:03d}"


async def _next_seq(conn: AsyncConnection, plan_id: uuid.UUID) -> int:
    top = await conn.execute(
        sa.select(sa.func.max(task_t.c.seq)).where(
            task_t.c.plan_id == plan_id, task_t.c.parent_id.is_(None)
        )
    )
    return int(top.scalar() or 0) + 1


async def _insert_numbered(
    conn: AsyncConnection, row: dict[str, Any], *, prefix: str, given: bool
) -> None:
    """Insert a plan's task at its 序号, or at the next free one when none was given.

    The unique indexes hold 序号 and code (migration 0008): a given 序号 that is taken is
    DUPLICATE. Under the plan's row lock (updateTask's renumbering and importLedger take it
    too) concurrent createTasks number one after the other; a code an older task holds
    moves a numbered one on to the next 序号.
    """
    await lock_row(conn, plan_t, row["plan_id"])
    if not given:
        row["seq"] = await _next_seq(conn, row["plan_id"])
    for _attempt in range(20):
        row["code"] = task_code(prefix, row["seq"], subtask=False)
        row["seq_path"] = seq_path(None, row["seq"])
        if await insert_unique(conn, task_t, row):
            return
        if given:
            break
        row["seq"] = max(row["seq"] + 1, await _next_seq(conn, row["plan_id"]))
    raise DomainError(
        ErrorCode.DUPLICATE, message("SEQ_OR_CODE_TAKEN", seq=row["seq"], code=row["code"]), "seq"
    )


async def _recode_subtasks(
    ctx: Context,
    conn: AsyncConnection,
    parent_id: uuid.UUID,
    codes: tuple[str, str],
    parent_path: str,
) -> None:
    """A renumbered task's subtasks (and theirs) take its new code as their prefix and its
    new 序号 path as the head of theirs (labels.seq_path), in the same write."""
    old, new = codes
    children = await conn.execute(
        sa.select(task_t.c.id, task_t.c.code, task_t.c.seq)
        .where(task_t.c.parent_id == parent_id)
        .with_for_update(key_share=True)
    )
    for child in children.all():
        path = seq_path(parent_path, child.seq)
        code = new + child.code[len(old) :] if child.code.startswith(f"{old}/") else child.code
        await conn.execute(
            task_t.update()
            .where(task_t.c.id == child.id)
            .values(code=code, seq_path=path, updated_at=ctx.now(), version=task_t.c.version + 1)
        )
        task_changed(ctx, child.id)
        await _recode_subtasks(ctx, conn, child.id, (child.code, code), path)


async def _task_in_scope(ctx: Context, conn: AsyncConnection, task_id: uuid.UUID) -> dict[str, Any]:
    """A task the viewer may edit: can_edit_task (its document's issuer or a unit above it).

    NOT_FOUND when the viewer cannot see it; FORBIDDEN when it sees it (a lead or cooperating
    unit, say) but does not issue it.
    """
    origin = assignment_t.alias("origin")
    # A subtask's issuer is the unit whose share it splits (decomposeTask).
    issuer = sa.func.coalesce(origin.c.org_unit_id, document_t.c.issuer_id)
    return await fetch_checked(
        conn,
        sa.select(task_t)
        .join(document_t, document_t.c.id == task_t.c.document_id)
        .outerjoin(origin, origin.c.id == task_t.c.origin_assignment_id)
        .where(task_t.c.id == task_id),
        visible=task_visible(scope_for(ctx.viewer), task_t.c.id),
        writable=can_edit_task(ctx.viewer, issuer),
        field="task",
        noun="task",
        forbidden=message("FORBIDDEN_EDIT_TASK"),
    )


async def update_task(
    ctx: Context,
    conn: AsyncConnection,
    *,
    task_id: uuid.UUID,
    fields: TaskFields,
    expected_version: int,
    deadline_change_reason: str | None = None,
) -> dict[str, Any]:
    """Edit a task's fields (compare-and-set on its version); a moved deadline is recorded
    with who, when and `deadline_change_reason` (resolvers/task/deadlines.py)."""
    viewer_unit = require_role(ctx, ViewerRole.COORDINATOR)
    scoped = await _task_in_scope(ctx, conn, task_id)
    if fields.seq is not None:
        # 序号 are numbered under the plan's row lock (createTask, importLedger): plan first.
        await lock_row(conn, plan_t, scoped["plan_id"])
    # Read under the row lock the update takes: the audit's "before" is what it replaces.
    task = await fetch_row(conn, task_t, task_id, field="task", for_update=True)
    if fields.title is not None:
        check_text(fields.title, "title", required=True, limit=500)
    check_reason(deadline_change_reason)
    plan = await fetch_row(conn, plan_t, task["plan_id"], field="task")
    values = _task_values(fields, plan["year"])
    renumbered = "seq" in values and values["seq"] != task["seq"]
    if renumbered:
        # The code follows the 序号, as at creation, and frees the old one's code.
        if task["parent_id"] is None:
            prefix = task["code"].rsplit("/", 1)[0]
        else:
            prefix = (await fetch_row(conn, task_t, task["parent_id"], field="task"))["code"]
        values["code"] = task_code(prefix, values["seq"], subtask=task["parent_id"] is not None)
        values["seq_path"] = seq_path(task["seq_path"].rpartition(".")[0] or None, values["seq"])
    taken = DomainError(ErrorCode.DUPLICATE, message("SEQ_TAKEN", seq=values.get("seq")), "seq")
    async with unique_or(conn, taken):
        version = await update_versioned(
            conn,
            task_t,
            task_id,
            values | {"updated_at": ctx.now()},
            expected_version=expected_version,
        )
        if renumbered:
            await _recode_subtasks(
                ctx, conn, task_id, (task["code"], values["code"]), values["seq_path"]
            )
    after = {**task, **values, "version": version, "updated_at": ctx.now()}
    if version == task["version"]:
        after = dict(task)  # nothing changed (update_versioned): the task as it is
    else:
        await record_deadline_change(
            ctx, conn, task_id=task_id, before=task, after=values, reason=deadline_change_reason
        )
    await audit(
        ctx,
        conn,
        action="updateTask",
        target_type="Task",
        target_id=task_id,
        before={k: task[k] for k in values} | {"version": task["version"]},
        after={k: after[k] for k in values} | {"version": version},
        scope_unit=viewer_unit,
    )
    task_changed(ctx, task_id)
    return after


async def assign_task(
    ctx: Context,
    conn: AsyncConnection,
    *,
    task_id: uuid.UUID,
    role: AssignmentRole,
    units: list[uuid.UUID],
    names: list[str],
    expected_version: int | None,
) -> tuple[dict[str, Any], list[uuid.UUID]]:
    """Add lead or cooperating units (ids, names or group references) to a task."""
    viewer_unit = require_role(ctx, ViewerRole.COORDINATOR)
    await _task_in_scope(ctx, conn, task_id)
    issued_on = await conn.scalar(
        sa.select(document_t.c.issued_on)
        .join(task_t, task_t.c.document_id == document_t.c.id)
        .where(task_t.c.id == task_id)
    )
    resolved = await _expand(ctx, conn, viewer_unit, units, names, "units", issued_on)
    if not resolved:
        raise DomainError(ErrorCode.INVALID_INPUT, message("NAME_A_UNIT"), "units")
    before = await fetch_row(conn, task_t, task_id, field="task", for_update=True)
    added = await _add_assignments(ctx, conn, task_id, resolved, role)
    # Units it already has: no new version, no audit (resolvers/unit_of_work.py).
    version = await update_versioned(
        conn,
        task_t,
        task_id,
        {"updated_at": ctx.now()},
        expected_version=expected_version,
        changed=bool(added),
    )
    if added:
        await recompute_task(ctx, conn, task_id)
    await audit(
        ctx,
        conn,
        action="assignTask",
        target_type="Task",
        target_id=task_id,
        before={"role": role.value, "added": [], "version": before["version"]},
        after={"role": role.value, "added": added, "version": version},
        scope_unit=viewer_unit,
    )
    task = await fetch_row(conn, task_t, task_id, field="task")
    return task, added


async def decompose_task(
    ctx: Context,
    conn: AsyncConnection,
    *,
    task_id: uuid.UUID,
    subtasks: list[SubtaskSpec],
) -> list[dict[str, Any]]:
    """The viewer's unit splits its lead share into subtasks for its subordinates."""
    viewer_unit = require_role(ctx, ViewerRole.COORDINATOR)
    # The viewer's own lead share, if any: can_decompose decides on it.
    own = (
        sa.select(assignment_t)
        .where(
            assignment_t.c.task_id == task_id,
            can_decompose(ctx.viewer, assignment_t.c.org_unit_id, assignment_t.c.role),
        )
        .subquery("own_share")
    )
    found = await fetch_checked(
        conn,
        sa.select(task_t, own.c.id.label("share_id"))
        .outerjoin(own, own.c.task_id == task_t.c.id)
        .where(task_t.c.id == task_id),
        visible=task_visible(scope_for(ctx.viewer), task_t.c.id),
        writable=own.c.id.is_not(None),
        field="task",
        noun="task",
        forbidden=message("FORBIDDEN_DECOMPOSE"),
    )
    share = await fetch_row(conn, assignment_t, found.pop("share_id"), field="task")
    task = found
    if not subtasks:
        raise DomainError(ErrorCode.INVALID_INPUT, message("SUBTASKS_NONE"), "subtasks")
    if len(subtasks) > 200:
        raise DomainError(ErrorCode.INVALID_INPUT, message("SUBTASKS_TOO_MANY"), "subtasks")
    # Share, then parent task (the order reports lock them in): concurrent decompositions
    # number their subtasks one after the other, under the parent's current code.
    await lock_row(conn, assignment_t, share["id"])
    task = await fetch_row(conn, task_t, task_id, field="task", for_update=True)
    plan = await fetch_row(conn, plan_t, task["plan_id"], field="task")
    first_seq = int(
        (
            await conn.execute(
                sa.select(sa.func.coalesce(sa.func.max(task_t.c.seq), 0)).where(
                    task_t.c.parent_id == task_id
                )
            )
        ).scalar()
        or 0
    )
    created: list[dict[str, Any]] = []
    for offset, spec in enumerate(subtasks, start=1):
        check_text(spec.fields.title, "subtasks.title", required=True, limit=500)
        if not spec.leads:
            raise DomainError(
                ErrorCode.INVALID_INPUT, message("SUBTASK_NEEDS_LEAD"), "subtasks.leads"
            )
        for unit in [*spec.leads, *spec.cooperating]:
            if unit == viewer_unit or not await is_within(conn, unit, viewer_unit):
                raise DomainError(
                    ErrorCode.UNKNOWN_UNIT,
                    message("SUBTASK_UNITS_BELOW"),
                    "subtasks.leads",
                )
        values = _task_values(spec.fields, plan["year"])
        seq = first_seq + offset
        sub_id = uuid.uuid4()
        row = {
            "id": sub_id,
            "code": task_code(task["code"], seq, subtask=True),
            "plan_id": task["plan_id"],
            "document_id": task["document_id"],
            "parent_id": task_id,
            "origin_assignment_id": share["id"],
            "deadline_kind": task["deadline_kind"],
            "deadline_start": task["deadline_start"],
            "deadline_end": task["deadline_end"],
            "deadline_text": task["deadline_text"],
            "weight": 1.0,
            "status": TaskStatus.NOT_STARTED.value,
            "progress": 0.0,
            "created_at": ctx.now(),
            "updated_at": ctx.now(),
            "version": 1,
            **values,
            "seq": seq,
            "seq_path": seq_path(task["seq_path"], seq),
        }
        if not await insert_unique(conn, task_t, row):
            raise DomainError(
                ErrorCode.DUPLICATE, message("CODE_TAKEN", code=row["code"]), "subtasks"
            )
        await _add_assignments(
            ctx, conn, sub_id, [(u, None) for u in spec.leads], AssignmentRole.LEAD
        )
        await _add_assignments(
            ctx, conn, sub_id, [(u, None) for u in spec.cooperating], AssignmentRole.COOPERATING
        )
        created.append(await fetch_row(conn, task_t, sub_id, field="task"))
        task_changed(ctx, sub_id)
    await audit(
        ctx,
        conn,
        action="decomposeTask",
        target_type="Task",
        target_id=task_id,
        after={"subtasks": [r["id"] for r in created], "share": share["id"]},
        scope_unit=viewer_unit,
    )
    await follow_subtasks(ctx, conn, created[0]["id"])
    return created
