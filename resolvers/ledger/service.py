"""Ledger import (台账导入): rows of a file become tasks of a plan, in one transaction.

The CLI (`govgraph import-ledger`) and the `importLedger` mutation share this service and
the task service's rules: a COORDINATOR imports into plans issued in its subtree; names,
aliases and group references resolve like createTask's `leadNames` (against the government of
the plan's issuer) and must land in the viewer's subtree; texts and deadlines are checked by
the same functions; new assignments start NOT_STARTED with their status event.

A row matches the plan's task with the same 序号 (3.1: subtask 1 of task 3). It is
- CREATED when no task has that 序号 (subtasks are not created here: decomposeTask does),
- UPDATED when its 任务类别, 具体措施, 完成时限, 备注 or units differ from the task's, or
- UNCHANGED: re-importing a file, or importing an export of the plan, writes nothing.
Units are compared as sets: 牵头单位 spelled another way (alias, group) changes nothing, and
the raw 牵头单位 text is kept in `responsibility_text` whenever the units change. A unit that
the file no longer names is taken off the task, unless it has reported, decomposed or been
escalated to (a row error: history is never rewritten). Any row error: nothing is written.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from api.context import Context
from models import Escalation, ProgressReport
from models.enums import AssignmentRole, TaskStatus, ViewerRole
from resolvers.errors import DomainError, ErrorCode
from resolvers.events import task_changed
from resolvers.ledger.plans import PlanFinder, PlanInfo, PlanRef, find_plan
from resolvers.task.service import (
    DeadlineInput,
    assignment_t,
    check_text,
    event_t,
    follow_subtasks,
    recompute_task,
    resolve_deadline,
    task_t,
)
from resolvers.units import resolve_name
from resolvers.writes import audit_row, audit_t, is_within, require_role, update_versioned
from seeds.dataset import title_from_measure
from seeds.parsing.deadline import ParsedDeadline
from seeds.parsing.ledger import (
    LedgerRow,
    LedgerSheet,
    ProblemCode,
    RowProblem,
    parse_rows,
    row_deadline,
)

report_t: sa.Table = ProgressReport.__table__  # type: ignore[attr-defined]
escalation_t: sa.Table = Escalation.__table__  # type: ignore[attr-defined]

CHUNK = 1000
LEAD, COOPERATING = AssignmentRole.LEAD.value, AssignmentRole.COOPERATING.value
COMPARED = ("category", "description", "deadline", "remarks", "units")

Progress = Callable[[str, int, int], None]  # (phase, done, total)


class Outcome(StrEnum):
    """What an import does (or would do) with a row."""

    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"


@dataclass(frozen=True)
class RowResult:
    """One row's outcome; `changed` names the fields an update changes."""

    row: int
    seq: str
    plan_id: uuid.UUID
    outcome: Outcome
    task_id: uuid.UUID | None
    changed: tuple[str, ...] = ()


@dataclass
class ImportReport:
    """What an import did, or with --dry-run would do."""

    dry_run: bool
    written: bool = False
    plans: list[PlanInfo] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    not_in_file: int = 0  # tasks of the plans the file does not list (kept as they are)

    def count(self, outcome: Outcome) -> int:
        """Rows with this outcome."""
        return sum(1 for row in self.rows if row.outcome is outcome)


# -- one row's plan ------------------------------------------------------------------------


@dataclass
class _Desired:
    """A row as the task it should become."""

    row: LedgerRow
    plan: PlanInfo
    deadline: ParsedDeadline
    units: dict[uuid.UUID, tuple[str, str | None]]  # unit → (role, via_group), leads first


@dataclass
class _Existing:
    """A task of an involved plan, with its assignments by (unit, role)."""

    row: dict[str, Any]
    assignments: dict[tuple[uuid.UUID, str], dict[str, Any]] = field(default_factory=dict)


@dataclass
class _Write:
    """The writes of one row."""

    desired: _Desired
    existing: _Existing | None
    values: dict[str, Any]  # task columns to set
    add: list[tuple[uuid.UUID, str, str | None]] = field(default_factory=list)
    remove: list[dict[str, Any]] = field(default_factory=list)  # assignment rows
    switch: list[tuple[dict[str, Any], str]] = field(default_factory=list)  # (row, new role)
    changed: tuple[str, ...] = ()
    task_id: uuid.UUID | None = None  # the task's id once written


class _Names:
    """Unit names resolved once per (government context, name); scope checked per unit."""

    def __init__(self, conn: AsyncConnection, viewer_unit: uuid.UUID) -> None:
        self.conn, self.viewer_unit = conn, viewer_unit
        self._names: dict[tuple[uuid.UUID, str], tuple[list[uuid.UUID], str | None] | str] = {}
        self._within: dict[uuid.UUID, bool] = {}

    async def resolve(self, name: str, context: uuid.UUID) -> tuple[list[uuid.UUID], str | None]:
        """(unit ids, group text) of a name; DomainError when unknown or out of scope."""
        key = (context, name)
        if key not in self._names:
            try:
                named = await resolve_name(self.conn, name, context)
                for unit in named.unit_ids:
                    if unit not in self._within:
                        self._within[unit] = await is_within(self.conn, unit, self.viewer_unit)
                if not all(self._within[unit] for unit in named.unit_ids):
                    self._names[key] = f"{name} is not a unit in your scope"
                else:
                    self._names[key] = (named.unit_ids, named.via_group)
            except DomainError as error:
                self._names[key] = error.message
        found = self._names[key]
        if isinstance(found, str):
            raise LookupError(found)
        return found


# -- the service -----------------------------------------------------------------------------


async def import_ledger(
    ctx: Context,
    conn: AsyncConnection,
    sheet: LedgerSheet,
    ref: PlanRef,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a ledger's rows into their plan; with errors (or dry_run) nothing is written."""
    viewer_unit = require_role(ctx, ViewerRole.COORDINATOR)
    report = ImportReport(dry_run=dry_run)
    rows, problems = parse_rows(sheet)
    report.errors.extend(problems)
    fixed = await find_plan(conn, ref, viewer_unit) if ref.given else None
    finder = PlanFinder(conn, viewer_unit, ref.issuer_id)
    names = _Names(conn, viewer_unit)
    plans: dict[uuid.UUID, PlanInfo] = {}
    desired: list[_Desired] = []
    for index, row in enumerate(rows, start=1):
        plan = await _row_plan(row, fixed, finder, report)
        if plan is None:
            continue
        plans.setdefault(plan.id, plan)
        wanted = await _desired(row, plan, names, report)
        if wanted is not None:
            desired.append(wanted)
        if progress and index % 500 == 0:
            progress("checking", index, len(rows))
    if not rows and not report.errors:
        raise DomainError(ErrorCode.INVALID_INPUT, "the file lists no task rows", "file")
    if fixed is not None:
        plans.setdefault(fixed.id, fixed)
    report.plans = list(plans.values())
    existing = await _load_existing(conn, desired)
    writes = _diff(desired, existing, report)
    await _check_removals(conn, writes, report)
    report.not_in_file = await _not_in_file(conn, list(plans), desired)
    if report.errors or dry_run:
        report.errors.sort(key=lambda p: (p.row or 0, p.column or ""))
        return report
    await _apply(ctx, conn, writes, viewer_unit, progress)
    created = {w.desired.row.number: w.task_id for w in writes if w.existing is None}
    report.rows = [
        replace(r, task_id=created.get(r.row)) if r.outcome is Outcome.CREATED else r
        for r in report.rows
    ]
    report.written = True
    return report


async def _row_plan(
    row: LedgerRow, fixed: PlanInfo | None, finder: PlanFinder, report: ImportReport
) -> PlanInfo | None:
    """The plan a row goes into: the named one (the row's 文号/方案 must agree), or its own."""
    if fixed is not None:
        if row.plan_ref is not None and fixed.ref is not None and row.plan_ref != fixed.ref:
            report.errors.append(
                RowProblem(
                    row.number,
                    "方案",
                    ProblemCode.WRONG_PLAN,
                    f"the row belongs to {row.doc_number} {row.plan_key}, "
                    f"not to the plan imported into ({fixed.doc_number} {fixed.key})",
                )
            )
            return None
        return fixed
    if row.doc_number and row.plan_key:
        plan = await finder.get(row.doc_number, row.plan_key)
        if plan is not None:
            return plan
        message = f"no plan {row.plan_key} of {row.doc_number} in your scope"
    else:
        message = "name the plan to import into, or give 文号 and 方案 columns"
    report.errors.append(RowProblem(row.number, "文号", ProblemCode.UNKNOWN_PLAN, message))
    return None


async def _desired(
    row: LedgerRow, plan: PlanInfo, names: _Names, report: ImportReport
) -> _Desired | None:
    """The row checked like createTask's input, its units resolved; None on errors."""
    ok = True
    for value, name, limit in (
        (row.measure, "具体措施", 5000),
        (row.category, "任务类别", 200),
        (row.remarks, "备注", 5000),
    ):
        try:
            check_text(value, name, limit=limit)
        except DomainError as error:
            report.errors.append(
                RowProblem(row.number, name, ProblemCode.TEXT_TOO_LONG, error.message)
            )
            ok = False
    deadline, warning = row_deadline(row, plan.year)
    try:
        deadline = resolve_deadline(DeadlineInput(text=row.deadline_text), plan.year)
    except DomainError as error:
        report.errors.append(
            RowProblem(row.number, "完成时限", ProblemCode.UNPARSED_DEADLINE, error.message)
        )
        ok = False
    if warning is not None:
        report.warnings.append(warning)
    units: dict[uuid.UUID, tuple[str, str | None]] = {}
    for role, column, unit_names in (
        (LEAD, "牵头单位", row.leads),
        (COOPERATING, "配合单位", row.cooperating),
    ):
        for name in unit_names:
            try:
                ids, group = await names.resolve(name, plan.issuer_id)
            except LookupError as error:
                report.errors.append(
                    RowProblem(row.number, column, ProblemCode.UNKNOWN_UNIT, str(error))
                )
                ok = False
                continue
            for unit in ids:
                # A lead that a group also names stays a lead (as in createTask).
                units.setdefault(unit, (role, group))
    return _Desired(row, plan, deadline, units) if ok else None


async def _load_existing(
    conn: AsyncConnection, desired: Sequence[_Desired]
) -> dict[tuple[uuid.UUID, tuple[int, ...]], _Existing]:
    """The tasks the rows name, by (plan, 序号 path), with their assignments.

    Only those: a plan may hold far more tasks than the file lists. Subtask paths (3.1)
    are followed down from the top-level tasks the rows name.
    """
    prefixes: dict[uuid.UUID, set[tuple[int, ...]]] = defaultdict(set)
    for item in desired:
        path = item.row.seq
        prefixes[item.plan.id].update(path[:end] for end in range(1, len(path) + 1))
    existing: dict[tuple[uuid.UUID, tuple[int, ...]], _Existing] = {}
    key_of: dict[uuid.UUID, tuple[uuid.UUID, tuple[int, ...]]] = {}
    frontier: list[uuid.UUID] = []
    for plan_id, paths in prefixes.items():
        seqs = sorted(path[0] for path in paths if len(path) == 1)
        for start in range(0, len(seqs), CHUNK):
            rows = await conn.execute(
                sa.select(task_t).where(
                    task_t.c.plan_id == plan_id,
                    task_t.c.parent_id.is_(None),
                    task_t.c.seq.in_(seqs[start : start + CHUNK]),
                )
            )
            for row in rows.mappings():
                key = (plan_id, (row["seq"],))
                existing[key], key_of[row["id"]] = _Existing(dict(row)), key
                frontier.append(row["id"])
    depth = max((len(path) for paths in prefixes.values() for path in paths), default=1)
    for _level in range(depth - 1):
        parents, frontier = frontier, []
        for start in range(0, len(parents), CHUNK):
            rows = await conn.execute(
                sa.select(task_t).where(task_t.c.parent_id.in_(parents[start : start + CHUNK]))
            )
            for row in rows.mappings():
                plan_id, above = key_of[row["parent_id"]]
                key = (plan_id, (*above, row["seq"]))
                if key[1] in prefixes[plan_id]:
                    existing[key], key_of[row["id"]] = _Existing(dict(row)), key
                    frontier.append(row["id"])
    by_task = {item.row["id"]: item for item in existing.values()}
    ids = list(by_task)
    for start in range(0, len(ids), CHUNK):
        rows = await conn.execute(
            sa.select(assignment_t).where(assignment_t.c.task_id.in_(ids[start : start + CHUNK]))
        )
        for row in rows.mappings():
            by_task[row["task_id"]].assignments[(row["org_unit_id"], row["role"])] = dict(row)
    return existing


def _deadline_unchanged(task: dict[str, Any], parsed: ParsedDeadline) -> bool:
    if parsed.text == task["deadline_text"]:
        return True
    # A deadline given as dates (no text) exports as words that parse back to the same dates.
    return task["deadline_text"] == "" and (parsed.kind.value, parsed.start, parsed.end) == (
        task["deadline_kind"],
        task["deadline_start"],
        task["deadline_end"],
    )


def _diff(
    desired: Sequence[_Desired],
    existing: dict[tuple[uuid.UUID, tuple[int, ...]], _Existing],
    report: ImportReport,
) -> list[_Write]:
    """Each row's writes, and its outcome in the report."""
    writes: list[_Write] = []
    for wanted in desired:
        row, plan = wanted.row, wanted.plan
        found = existing.get((plan.id, row.seq))
        deadline = {
            "deadline_kind": wanted.deadline.kind.value,
            "deadline_start": wanted.deadline.start,
            "deadline_end": wanted.deadline.end,
            "deadline_text": wanted.deadline.text,
        }
        if found is None:
            if len(row.seq) > 1:
                report.errors.append(
                    RowProblem(
                        row.number,
                        "序号",
                        ProblemCode.NO_SUCH_SUBTASK,
                        f"no subtask {row.seq_text}: subtasks come from decomposeTask",
                    )
                )
                continue
            values = {
                "category": row.category,
                "title": title_from_measure(row.measure),
                "description": row.measure,
                "remarks": row.remarks,
                "responsibility_text": row.lead_text,
                **deadline,
            }
            write = _Write(wanted, None, values)
            write.add = [(unit, role, via) for unit, (role, via) in wanted.units.items()]
            writes.append(write)
            report.rows.append(RowResult(row.number, row.seq_text, plan.id, Outcome.CREATED, None))
            continue
        task = found.row
        values = {}
        changed: list[str] = []
        if row.category != task["category"]:
            values["category"] = row.category
            changed.append("category")
        # A task without 具体措施 (a subtask given only a title) exports its title there.
        measure = task["description"] if task["description"] is not None else task["title"]
        if row.measure != measure:
            values["description"] = row.measure
            if task["description"] is not None and task["title"] == title_from_measure(
                task["description"]
            ):
                values["title"] = title_from_measure(row.measure)  # a title of its own stays
            changed.append("description")
        if not _deadline_unchanged(task, wanted.deadline):
            values |= deadline
            changed.append("deadline")
        if row.remarks != task["remarks"]:
            values["remarks"] = row.remarks
            changed.append("remarks")
        write = _Write(wanted, found, values)
        current = found.assignments
        wanted_keys = {(unit, role) for unit, (role, _via) in wanted.units.items()}
        for (unit, role), assignment in current.items():
            if (unit, role) in wanted_keys:
                continue
            new_role = wanted.units.get(unit, (None, None))[0]
            held = [r for (u, r) in current if u == unit]
            if new_role is not None and len(held) == 1:
                write.switch.append((assignment, new_role))  # 牵头 ↔ 配合 keeps its history
            else:
                write.remove.append(assignment)
        switched = {assignment["org_unit_id"] for assignment, _role in write.switch}
        write.add = [
            (unit, role, via)
            for unit, (role, via) in wanted.units.items()
            if (unit, role) not in current and unit not in switched
        ]
        if write.add or write.remove or write.switch:
            values["responsibility_text"] = row.lead_text
            changed.append("units")
        write.changed = tuple(changed)
        outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
        report.rows.append(
            RowResult(row.number, row.seq_text, plan.id, outcome, task["id"], write.changed)
        )
        if changed:
            writes.append(write)
    return writes


async def _check_removals(
    conn: AsyncConnection, writes: list[_Write], report: ImportReport
) -> None:
    """A unit with history on the task (reports, subtasks, escalations) is not taken off."""
    removals = {a["id"]: (w, a) for w in writes for a in w.remove}
    if not removals:
        return
    ids = list(removals)
    used: set[uuid.UUID] = {
        a["id"]
        for _w, a in removals.values()
        if a["last_reported_at"] is not None or a["status"] != TaskStatus.NOT_STARTED.value
    }
    for column in (
        report_t.c.assignment_id,
        task_t.c.origin_assignment_id,
        escalation_t.c.assignment_id,
    ):
        for start in range(0, len(ids), CHUNK):
            rows = await conn.execute(
                sa.select(column).distinct().where(column.in_(ids[start : start + CHUNK]))
            )
            used.update(value for (value,) in rows)
    for assignment_id in sorted(used, key=str):
        write, assignment = removals[assignment_id]
        role = "牵头单位" if assignment["role"] == LEAD else "配合单位"
        report.errors.append(
            RowProblem(
                write.desired.row.number,
                role,
                ProblemCode.ASSIGNMENT_IN_USE,
                f"unit {assignment['org_unit_id']} has reported, decomposed or been escalated "
                "on this task and stays on it: name it in the row",
            )
        )


async def _not_in_file(
    conn: AsyncConnection, plan_ids: list[uuid.UUID], desired: Sequence[_Desired]
) -> int:
    """Top-level tasks of the plans that no row names (they are left as they are)."""
    if not plan_ids:
        return 0
    listed: dict[uuid.UUID, set[int]] = defaultdict(set)
    for item in desired:
        if len(item.row.seq) == 1:
            listed[item.plan.id].add(item.row.seq[0])
    rows = await conn.execute(
        sa.select(task_t.c.plan_id, task_t.c.seq).where(
            task_t.c.plan_id.in_(plan_ids), task_t.c.parent_id.is_(None)
        )
    )
    return sum(1 for plan_id, seq in rows if seq not in listed[plan_id])


# -- writing ---------------------------------------------------------------------------------


async def _apply(
    ctx: Context,
    conn: AsyncConnection,
    writes: list[_Write],
    viewer_unit: uuid.UUID,
    progress: Progress | None,
) -> None:
    """Every row's writes, in bulk statements where rows allow."""
    now = ctx.now()
    codes = await _taken_codes(conn, {w.desired.plan.id for w in writes if w.existing is None})
    new_tasks: list[dict[str, Any]] = []
    new_assignments: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    recompute: list[uuid.UUID] = []
    former: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    removed: list[uuid.UUID] = []  # assignments taken off (their status events cascade)
    done = 0
    for write in writes:
        row, plan = write.desired.row, write.desired.plan
        if write.existing is None:
            task_id = write.task_id = uuid.uuid4()
            code = _code(plan, row.seq[0], codes)
            task = {
                "id": task_id,
                "code": code,
                "plan_id": plan.id,
                "document_id": plan.document_id,
                "parent_id": None,
                "origin_assignment_id": None,
                "seq": row.seq[0],
                "weight": 1.0,
                "status": TaskStatus.NOT_STARTED.value,
                "progress": 0.0,
                "created_at": now,
                "updated_at": now,
                "version": 1,
                **write.values,
            }
            new_tasks.append(task)
            audits.append(
                audit_row(
                    ctx,
                    action="importLedger",
                    target_type="Task",
                    target_id=task_id,
                    after=task | {"units": [[u, r] for u, r, _v in write.add], "row": row.number},
                    scope_unit=viewer_unit,
                )
            )
        else:
            task = write.existing.row
            task_id = write.task_id = task["id"]
            await update_versioned(
                conn,
                task_t,
                task_id,
                write.values | {"updated_at": now},
                expected_version=task["version"],
            )
            for assignment, role in write.switch:
                await update_versioned(
                    conn,
                    assignment_t,
                    assignment["id"],
                    {"role": role, "updated_at": now},
                    expected_version=assignment["version"],
                )
            if write.remove:
                removed.extend(a["id"] for a in write.remove)
                former[task_id] = [a["org_unit_id"] for a in write.remove]
            untouched = task["status"] == TaskStatus.NOT_STARTED.value and not task["progress"]
            if write.switch or ((write.add or write.remove) and not untouched):
                # Units taken off never reported and new ones start at 0: a task nobody has
                # started stays NOT_STARTED at 0%; any other may change its derived state.
                recompute.append(task_id)
            audits.append(
                audit_row(
                    ctx,
                    action="importLedger",
                    target_type="Task",
                    target_id=task_id,
                    before={k: task.get(k) for k in write.values} | {"version": task["version"]},
                    after=write.values
                    | {
                        "added": [[u, r] for u, r, _v in write.add],
                        "removed": [[a["org_unit_id"], a["role"]] for a in write.remove],
                        "switched": [[a["org_unit_id"], r] for a, r in write.switch],
                        "row": row.number,
                    },
                    scope_unit=viewer_unit,
                )
            )
        for unit, role, via in write.add:
            new_assignments.append(
                {
                    "id": uuid.uuid4(),
                    "task_id": task_id,
                    "org_unit_id": unit,
                    "role": role,
                    "via_group": via,
                    "status": TaskStatus.NOT_STARTED.value,
                    "progress": 0.0,
                    "last_reported_at": None,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
        done += 1
        if progress and done % 500 == 0:
            progress("preparing", done, len(writes))
    for start in range(0, len(removed), CHUNK):
        chunk = removed[start : start + CHUNK]
        await conn.execute(assignment_t.delete().where(assignment_t.c.id.in_(chunk)))
    await _insert(conn, task_t, new_tasks, progress, "writing tasks")
    await _insert(conn, assignment_t, new_assignments, progress, "writing assignments")
    await _insert(
        conn,
        event_t,
        [
            {
                "id": uuid.uuid4(),
                "assignment_id": a["id"],
                "report_id": None,
                "effective_at": now,
                "status": TaskStatus.NOT_STARTED.value,
                "progress": 0.0,
            }
            for a in new_assignments
        ],
        progress,
        "writing status events",
    )
    for done, task_id in enumerate(recompute, start=1):
        await recompute_task(ctx, conn, task_id)
        await follow_subtasks(ctx, conn, task_id)
        if progress and done % 500 == 0:
            progress("recomputing task state", done, len(recompute))
    await _insert(conn, audit_t, audits, progress, "writing audit events")
    for write in writes:
        assert write.task_id is not None
        task_changed(ctx, write.task_id, former_units=former.get(write.task_id, ()))


async def _insert(
    conn: AsyncConnection,
    table: sa.Table,
    rows: list[dict[str, Any]],
    progress: Progress | None,
    phase: str,
) -> None:
    for start in range(0, len(rows), CHUNK):
        await conn.execute(table.insert(), rows[start : start + CHUNK])
        if progress:
            progress(phase, min(start + CHUNK, len(rows)), len(rows))


async def _taken_codes(conn: AsyncConnection, plan_ids: set[uuid.UUID]) -> set[str]:
    """Task codes in use by the plans' documents (a code is unique across tasks)."""
    if not plan_ids:
        return set()
    documents = sa.select(task_t.c.document_id).where(task_t.c.plan_id.in_(plan_ids))
    rows = await conn.execute(sa.select(task_t.c.code).where(task_t.c.document_id.in_(documents)))
    return {code for (code,) in rows}


def _code(plan: PlanInfo, seq: int, taken: set[str]) -> str:
    """`文号/plan/序号` as createTask writes it; a suffix when an edited task holds it."""
    code = f"{plan.label}/{plan.key}/{seq:03d}"
    suffix = 1
    while code in taken:
        suffix += 1
        code = f"{plan.label}/{plan.key}/{seq:03d}-{suffix}"
    taken.add(code)
    return code
