"""A ledger's rows against the plan's tasks: what each row creates, changes or leaves.

Reads only: the rows are checked like createTask's input (texts, deadline, units resolved
against the government of the plan's issuer and kept inside the viewer's subtree), the tasks
they name are loaded, and each row gets its outcome and its writes (resolvers/ledger/write.py).
"""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models import Escalation, ProgressReport
from models.enums import AssignmentRole, TaskStatus
from models.messages import Message, Text, message
from models.rules import calendar
from models.rules.deadline import ParsedDeadline
from models.rules.ledger import (
    LedgerRow,
    ProblemCode,
    RowProblem,
    render_progress,
    row_deadline,
    title_from_measure,
)
from models.viewer import Viewer
from resolvers.errors import DomainError
from resolvers.ledger.plans import PlanInfo
from resolvers.ledger.report import ImportReport, Outcome, RowResult
from resolvers.pacing import Pacer
from resolvers.service_context import ServiceContext
from resolvers.task.history import state_moment
from resolvers.task.service import (
    DeadlineInput,
    assignment_t,
    check_text,
    derive_status,
    event_t,
    resolve_deadline,
    task_t,
)
from resolvers.units import resolve_name
from resolvers.writes import may_name_unit

report_t: sa.Table = ProgressReport.__table__  # type: ignore[attr-defined]
escalation_t: sa.Table = Escalation.__table__  # type: ignore[attr-defined]

CHUNK = 1000
LEAD, COOPERATING = AssignmentRole.LEAD.value, AssignmentRole.COOPERATING.value


@dataclass(frozen=True)
class ImportedState:
    """A row's 状态 / 进度 checked like a report's (derive_status): what its task's lead
    shares report on `on` (None: undated, known at the import), with `narrative`."""

    status: TaskStatus
    progress: float
    on: date | None
    narrative: str | None

    def same_as(self, status: str, progress: float) -> bool:
        """The task is in this state already (progress as precise as exports write it)."""
        return (self.status.value, render_progress(self.progress)) == (
            status,
            render_progress(progress),
        )


@dataclass
class Desired:
    """A row as the task it should become."""

    row: LedgerRow
    plan: PlanInfo
    deadline: ParsedDeadline
    units: dict[uuid.UUID, tuple[str, str | None]]  # unit → (role, via_group), leads first
    # Group references of 相关/有关 units, kept as written (never expanded to every unit).
    unresolved: list[str] = field(default_factory=list)
    state: ImportedState | None = None


@dataclass
class Existing:
    """A task of an involved plan, with its assignments by (unit, role)."""

    row: dict[str, Any]
    assignments: dict[tuple[uuid.UUID, str], dict[str, Any]] = field(default_factory=dict)


@dataclass
class Write:
    """The writes of one row."""

    desired: Desired
    existing: Existing | None
    values: dict[str, Any]  # task columns to set
    add: list[tuple[uuid.UUID, str, str | None]] = field(default_factory=list)
    remove: list[dict[str, Any]] = field(default_factory=list)  # assignment rows
    switch: list[tuple[dict[str, Any], str]] = field(default_factory=list)  # (row, new role)
    changed: tuple[str, ...] = ()
    task_id: uuid.UUID | None = None  # the task's id once written
    start: datetime | None = None  # when new shares start (resolvers/task/history.py)
    state: ImportedState | None = None  # the state its lead shares report, and when:
    state_at: datetime | None = None


class Names:
    """Unit names resolved once per (government context, name); scope checked per unit."""

    def __init__(self, conn: AsyncConnection, viewer: Viewer) -> None:
        self.conn, self.viewer = conn, viewer
        self._names: dict[
            tuple[uuid.UUID, str, date | None], tuple[list[uuid.UUID], str | None] | Text
        ] = {}
        self._within: dict[uuid.UUID, bool] = {}

    async def resolve(
        self, name: str, context: uuid.UUID, as_of: date | None = None
    ) -> tuple[list[uuid.UUID], str | None]:
        """(unit ids, group text) of a name in a document dated `as_of`; DomainError when
        unknown or out of scope."""
        key = (context, name, as_of)
        if key not in self._names:
            try:
                named = await resolve_name(self.conn, name, context, as_of)
                for unit in named.unit_ids:
                    if unit not in self._within:
                        self._within[unit] = await may_name_unit(self.conn, self.viewer, unit)
                if not all(self._within[unit] for unit in named.unit_ids):
                    self._names[key] = message("LEDGER_UNIT_NOT_IN_SCOPE", name=name)
                else:
                    self._names[key] = (named.unit_ids, named.via_group)
            except DomainError as error:
                self._names[key] = error.message
        found = self._names[key]
        if isinstance(found, (str, Message)):
            raise LookupError(found)  # args[0]: the problem's message
        return found


@functools.lru_cache(maxsize=4096)
def _resolved_deadline(text: str, year: int | None) -> ParsedDeadline | Text:
    """createTask's deadline of a 完成时限 text, or why it is refused. Cached: a ledger
    repeats a few texts (长期坚持, 2024年12月底前) over thousands of rows."""
    try:
        return resolve_deadline(DeadlineInput(text=text), year)
    except DomainError as error:
        return error.message


async def desired_task(
    row: LedgerRow, plan: PlanInfo, names: Names, report: ImportReport, *, today: date
) -> Desired | None:
    """The row checked like createTask's input, its units resolved, its state columns
    checked like a report (reportProgress's rules; never dated after `today`); None on
    errors."""
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
    resolved = _resolved_deadline(row.deadline_text, plan.year)
    if isinstance(resolved, (str, Message)):
        report.errors.append(
            RowProblem(row.number, "完成时限", ProblemCode.UNPARSED_DEADLINE, resolved)
        )
        ok = False
    else:
        deadline = resolved
    if warning is not None:
        report.warnings.append(warning)
    units: dict[uuid.UUID, tuple[str, str | None]] = {}
    unresolved: list[str] = []
    for role, column, unit_names in (
        (LEAD, "牵头单位", row.leads),
        (COOPERATING, "配合单位", row.cooperating),
    ):
        for name in unit_names:
            try:
                ids, group = await names.resolve(name, plan.issuer_id, plan.issued_on)
            except LookupError as error:
                report.errors.append(
                    RowProblem(row.number, column, ProblemCode.UNKNOWN_UNIT, error.args[0])
                )
                ok = False
                continue
            if group is not None and not ids and group not in unresolved:
                unresolved.append(group)  # 相关…: names no unit (resolvers/units.py)
            for unit in ids:
                # A lead that a group also names stays a lead (as in createTask).
                units.setdefault(unit, (role, group))
    if ok and unresolved and all(role != LEAD for role, _via in units.values()):
        # 相关… alone names no unit: the task would have nobody to lead it.
        report.errors.append(
            RowProblem(
                row.number,
                "牵头单位",
                ProblemCode.UNKNOWN_UNIT,
                message("LEDGER_ONLY_CONCERNED", names="、".join(unresolved)),
            )
        )
        ok = False
    state_ok, state = await _imported_state(row, plan, names, report, today)
    ok = ok and state_ok
    return Desired(row, plan, deadline, units, unresolved, state) if ok else None


async def _imported_state(
    row: LedgerRow, plan: PlanInfo, names: Names, report: ImportReport, today: date
) -> tuple[bool, ImportedState | None]:
    """(accepted, the row's state or None without one); refused: the problem is reported."""
    given = row.state
    if given is None:
        return True, None
    if given.status is None and given.progress is None:
        report.warnings.append(
            RowProblem(
                row.number,
                "最新进展",
                ProblemCode.STATE_IGNORED,
                message("LEDGER_STATE_IGNORED"),
            )
        )
        return True, None
    if given.on is not None and given.on > today:
        report.errors.append(
            RowProblem(
                row.number,
                given.dated_by or "最新进展",
                ProblemCode.FUTURE_DATE,
                message("LEDGER_STATE_FUTURE", day=given.on.isoformat()),
            )
        )
        return False, None
    if given.progress is None:
        percent = 100.0 if given.status is TaskStatus.COMPLETED else 0.0
    else:
        percent = given.progress
    try:
        status = derive_status(percent, given.status, TaskStatus.NOT_STARTED)
    except DomainError as error:
        report.errors.append(
            RowProblem(
                row.number,
                "进度",
                ProblemCode.INVALID_PROGRESS,
                message("LEDGER_STATE_PROGRESS", detail=error.message),
            )
        )
        return False, None
    if given.reporter is not None:
        try:
            await names.resolve(given.reporter, plan.issuer_id)
        except LookupError:
            given = replace(given, reporter=None)  # not a unit: part of the text
    progress = 100.0 if status is TaskStatus.COMPLETED else percent
    return True, ImportedState(status, progress, given.on, given.narrative)


async def load_existing(
    conn: AsyncConnection, desired: Sequence[Desired]
) -> dict[tuple[uuid.UUID, tuple[int, ...]], Existing]:
    """The tasks the rows name, by (plan, 序号 path), with their assignments.

    Only those: a plan may hold far more tasks than the file lists. Subtask paths (3.1)
    are followed down from the top-level tasks the rows name.
    """
    prefixes: dict[uuid.UUID, set[tuple[int, ...]]] = defaultdict(set)
    pacer = Pacer()
    for item in desired:
        await pacer.tick()
        path = item.row.seq
        prefixes[item.plan.id].update(path[:end] for end in range(1, len(path) + 1))
    existing: dict[tuple[uuid.UUID, tuple[int, ...]], Existing] = {}
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
                existing[key], key_of[row["id"]] = Existing(dict(row)), key
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
                    existing[key], key_of[row["id"]] = Existing(dict(row)), key
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


def _before_history(row: LedgerRow, state: ImportedState, start: datetime) -> RowProblem:
    since = calendar.local_date(start).isoformat()
    on = state.on.isoformat() if state.on else "today"
    return RowProblem(
        row.number,
        (row.state.dated_by if row.state else None) or "最新进展",
        ProblemCode.DATE_BEFORE_HISTORY,
        message("LEDGER_BEFORE_HISTORY", day=on, since=since),
    )


async def diff(
    ctx: ServiceContext,
    desired: Sequence[Desired],
    existing: dict[tuple[uuid.UUID, tuple[int, ...]], Existing],
    report: ImportReport,
    starts: dict[uuid.UUID, datetime],
) -> list[Write]:
    """Each row's writes, and its outcome in the report. A new task's shares start at its
    plan's `starts` (resolvers/task/history.py), its state enters on its day; a task that
    exists takes a state that differs from its own after its history (`check_states`)."""
    writes: list[Write] = []
    pacer = Pacer()
    for wanted in desired:
        await pacer.tick()
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
                        message("LEDGER_NO_SUBTASK", seq=row.seq_text),
                    )
                )
                continue
            values = {
                "category": row.category,
                "title": title_from_measure(row.measure),
                "description": row.measure,
                "remarks": row.remarks,
                "responsibility_text": row.lead_text,
                "responsibility_unresolved": wanted.unresolved,
                **deadline,
            }
            write = Write(wanted, None, values, start=starts[plan.id])
            write.add = [(unit, role, via) for unit, (role, via) in wanted.units.items()]
            state = wanted.state
            if state is not None and not state.same_as(TaskStatus.NOT_STARTED.value, 0.0):
                assert write.start is not None
                write.state = state
                write.state_at = state_moment(ctx, state.on, start=write.start)
                if write.state_at is None:
                    report.errors.append(_before_history(row, state, write.start))
                    continue
            writes.append(write)
            report.rows.append(RowResult(row.number, row.seq_text, plan.id, Outcome.CREATED, None))
            continue
        task = found.row
        values = {}
        changed: list[str] = []
        # A blank 任务类别 inherits the category above, but never gives one to a task that
        # has none (a subtask, a task created without): the file cannot say "none".
        inherited_only = row.category_inherited and task["category"] is None
        if row.category != task["category"] and not inherited_only:
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
        write = Write(wanted, found, values, start=ctx.now())
        if wanted.state is not None and not wanted.state.same_as(task["status"], task["progress"]):
            write.state = wanted.state  # when: check_states, from the shares' history
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
        if wanted.unresolved != list(task["responsibility_unresolved"] or []):
            values["responsibility_unresolved"] = wanted.unresolved
        if write.add or write.remove or write.switch or "responsibility_unresolved" in values:
            values["responsibility_text"] = row.lead_text
            changed.append("units")
        if write.state is not None:
            changed.append("state")
        write.changed = tuple(changed)
        outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
        report.rows.append(
            RowResult(row.number, row.seq_text, plan.id, outcome, task["id"], write.changed)
        )
        if changed:
            writes.append(write)
    return writes


async def check_states(
    ctx: ServiceContext, conn: AsyncConnection, writes: list[Write], report: ImportReport
) -> None:
    """When a state enters the history of a task that exists: after its lead shares' latest
    events (on the state's day, or refused: history is never rewritten). The shares are
    locked first (FOR UPDATE), so no report slips in between."""
    stated = [w for w in writes if w.existing is not None and w.state is not None]
    leads = [share["id"] for w in stated for share in lead_shares(w)]
    latest: dict[uuid.UUID, datetime] = {}
    for start in range(0, len(leads), CHUNK):
        chunk = leads[start : start + CHUNK]
        await conn.execute(
            sa.select(assignment_t.c.id)
            .where(assignment_t.c.id.in_(chunk))
            .order_by(assignment_t.c.id)
            .with_for_update()
        )
        rows = await conn.execute(
            sa.select(event_t.c.assignment_id, sa.func.max(event_t.c.effective_at))
            .where(event_t.c.assignment_id.in_(chunk))
            .group_by(event_t.c.assignment_id)
        )
        latest.update({assignment_id: at for assignment_id, at in rows})
    for write in stated:
        assert write.state is not None
        assert write.start is not None
        shares = [latest[a["id"]] for a in lead_shares(write) if a["id"] in latest]
        last = max((_aware(at) for at in shares), default=None)
        write.state_at = state_moment(ctx, write.state.on, start=write.start, latest=last)
        if write.state_at is None:
            report.errors.append(_before_history(write.desired.row, write.state, last or ctx.now()))


def lead_shares(write: Write) -> list[dict[str, Any]]:
    """The existing shares of a write's task that lead once it is written (switched roles
    followed, units taken off left out)."""
    if write.existing is None:
        return []
    switched = {a["id"]: role for a, role in write.switch}
    removed = {a["id"] for a in write.remove}
    return [
        share
        for (_unit, role), share in write.existing.assignments.items()
        if share["id"] not in removed and switched.get(share["id"], role) == LEAD
    ]


def _aware(moment: datetime) -> datetime:
    """A stored moment as UTC (SQLite hands back naive UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def check_removals(conn: AsyncConnection, writes: list[Write], report: ImportReport) -> None:
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
                message("LEDGER_ASSIGNMENT_IN_USE", unit=assignment["org_unit_id"]),
            )
        )


async def not_in_file(
    conn: AsyncConnection, plan_ids: list[uuid.UUID], desired: Sequence[Desired]
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
