"""Writing an import's rows: bulk inserts of tasks, assignments and status events; audit
events recorded in the unit of work; compare-and-set updates of changed tasks (their audit
"before" is the version they replace); units taken off; derived state recomputed; one change
note per task (the unit of work's change log, rollups and outbox take them from there).

A new task's shares start at its plan's history start (resolvers/task/history.py), not at
the import; a row's state (状态 / 进度 / 最新进展) becomes a progress report and status event
of each lead share at its moment, and the share's present state. The task's own state
follows its shares by the rules' Python twins (models/rules/task_state.py) for new tasks,
by recompute_task for tasks that exist.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models.enums import AssignmentRole, TaskStatus
from models.rules import task_state as rules
from models.rules.labels import seq_path
from resolvers.events import task_changed
from resolvers.ledger.diff import ImportedState, Write, lead_shares
from resolvers.ledger.plans import PlanInfo
from resolvers.pacing import Pacer
from resolvers.service_context import ServiceContext
from resolvers.task.deadlines import record_deadline_change
from resolvers.task.service import (
    assignment_t,
    event_t,
    follow_subtasks,
    recompute_task,
    report_t,
    task_t,
)
from resolvers.unit_of_work import current_work
from resolvers.writes import update_versioned

CHUNK = 1000
LEAD = AssignmentRole.LEAD.value

Progress = Callable[[str, int, int], None]  # (phase, done, total)


async def apply(
    ctx: ServiceContext,
    conn: AsyncConnection,
    writes: list[Write],
    viewer_unit: uuid.UUID,
    progress: Progress | None,
) -> None:
    """Every row's writes, in bulk statements where rows allow."""
    now = ctx.now()
    codes = await _taken_codes(conn, {w.desired.plan.id for w in writes if w.existing is None})
    new_tasks: list[dict[str, Any]] = []
    new_assignments: list[dict[str, Any]] = []
    history = _History(ctx, viewer_unit)
    work = current_work(ctx)  # audit events are written with the import's other traces
    recompute: list[uuid.UUID] = []
    former: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    removed: list[uuid.UUID] = []  # assignments taken off (their status events cascade)
    done = 0
    pacer = Pacer()
    for write in writes:
        await pacer.tick()
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
                "seq_path": seq_path(None, row.seq[0]),
                "weight": 1.0,
                "status": TaskStatus.NOT_STARTED.value,
                "progress": 0.0,
                "created_at": now,
                "updated_at": now,
                "version": 1,
                **write.values,
                **_task_state(write),
            }
            new_tasks.append(task)
            work.audit(
                action="importLedger",
                target_type="Task",
                target_id=task_id,
                after=task
                | {
                    "units": [[u, r] for u, r, _v in write.add],
                    "row": row.number,
                    "historyStart": write.start,
                }
                | _state_audit(write),
                scope_unit=viewer_unit,
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
            # A 完成时限 the file moves is a deadline change like an edit's (who, when).
            await record_deadline_change(
                ctx, conn, task_id=task_id, before=task, after=write.values, reason=None
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
            if write.state is not None:
                assert write.state_at is not None
                for share in lead_shares(write):
                    history.report_existing(share, write.state, write.state_at)
            untouched = task["status"] == TaskStatus.NOT_STARTED.value and not task["progress"]
            if (
                write.switch
                or write.state is not None
                or ((write.add or write.remove) and not untouched)
            ):
                # Units taken off never reported and new ones start at 0: a task nobody has
                # started stays NOT_STARTED at 0%; any other may change its derived state.
                recompute.append(task_id)
            work.audit(
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
                }
                | _state_audit(write),
                scope_unit=viewer_unit,
            )
        # The written order of the row's units (the first-named unit is the first lead).
        order = {unit: position for position, unit in enumerate(write.desired.units)}
        for unit, role, via in write.add:
            assignment = {
                "id": uuid.uuid4(),
                "task_id": task_id,
                "org_unit_id": unit,
                "role": role,
                "via_group": via,
                "position": order.get(unit),
                "status": TaskStatus.NOT_STARTED.value,
                "progress": 0.0,
                "last_reported_at": None,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            assert write.start is not None
            state = write.state if role == LEAD else None
            history.start_new(assignment, write.start, state, write.state_at)
            new_assignments.append(assignment)
        done += 1
        if progress and done % 500 == 0:
            progress("preparing", done, len(writes))
    for start in range(0, len(removed), CHUNK):
        chunk = removed[start : start + CHUNK]
        await conn.execute(assignment_t.delete().where(assignment_t.c.id.in_(chunk)))
    await _insert(conn, task_t, new_tasks, progress, "writing tasks")
    await _insert(conn, assignment_t, new_assignments, progress, "writing assignments")
    await _insert(conn, report_t, history.reports, progress, "writing progress reports")
    await _insert(conn, event_t, history.events, progress, "writing status events")
    for share_id, values in history.updates:
        await pacer.tick()
        await update_versioned(conn, assignment_t, share_id, values, expected_version=None)
    for done, task_id in enumerate(recompute, start=1):
        await recompute_task(ctx, conn, task_id)
        await follow_subtasks(ctx, conn, task_id)
        if progress and done % 500 == 0:
            progress("recomputing task state", done, len(recompute))
    for write in writes:
        await pacer.tick()
        assert write.task_id is not None
        task_changed(ctx, write.task_id, former_units=former.get(write.task_id, ()))


class _History:
    """The status events and reports an import writes, in bulk after its tasks and shares."""

    def __init__(self, ctx: ServiceContext, viewer_unit: uuid.UUID) -> None:
        self.ctx, self.viewer_unit = ctx, viewer_unit
        self.events: list[dict[str, Any]] = []
        self.reports: list[dict[str, Any]] = []
        self.updates: list[tuple[uuid.UUID, dict[str, Any]]] = []

    def _event(
        self, share: uuid.UUID, at: datetime, status: str, progress: float, report: Any = None
    ) -> None:
        self.events.append(
            {
                "id": uuid.uuid4(),
                "assignment_id": share,
                "report_id": report,
                "effective_at": at,
                "status": status,
                "progress": progress,
            }
        )

    def _report(self, share: uuid.UUID, state: ImportedState, at: datetime) -> uuid.UUID:
        """reportProgress's row, dated `at`, by the importing unit."""
        report_id = uuid.uuid4()
        self.reports.append(
            {
                "id": report_id,
                "assignment_id": share,
                "reported_by_unit_id": self.viewer_unit,
                "reported_by": self.ctx.viewer.subject,
                "reported_at": at,
                "period": None,
                "percent": state.progress,
                "status": state.status.value,
                "narrative": state.narrative,
                "evidence": [],
                "created_at": self.ctx.now(),
            }
        )
        self._event(share, at, state.status.value, state.progress, report_id)
        return report_id

    def start_new(
        self,
        share: dict[str, Any],
        start: datetime,
        state: ImportedState | None,
        at: datetime | None,
    ) -> None:
        """A new share's history: NOT_STARTED from `start`, then the state (at `at`, or at
        `start` itself when they coincide); its row takes its present state."""
        moment = max(at, start) if at is not None else start
        if state is None or moment > start:
            self._event(share["id"], start, TaskStatus.NOT_STARTED.value, 0.0)
        if state is not None:
            self._report(share["id"], state, moment)
            share |= {
                "status": state.status.value,
                "progress": state.progress,
                "last_reported_at": moment,
            }

    def report_existing(self, share: dict[str, Any], state: ImportedState, at: datetime) -> None:
        """A share with history reports the state at `at` (after its latest event)."""
        self._report(share["id"], state, at)
        self.updates.append(
            (
                share["id"],
                {
                    "status": state.status.value,
                    "progress": state.progress,
                    "last_reported_at": at,
                    "updated_at": self.ctx.now(),
                },
            )
        )


def _task_state(write: Write) -> dict[str, Any]:
    """A new task's status and progress from the state its lead shares start with."""
    if write.state is None:
        return {}
    leads = [write.state.status for _unit, role, _via in write.add if role == LEAD]
    status = rules.state_from_shares(leads)
    progress = rules.progress_from_shares((s, write.state.progress) for s in leads)
    return {"status": status.value, "progress": progress}


def _state_audit(write: Write) -> dict[str, Any]:
    if write.state is None:
        return {}
    state = write.state
    return {
        "state": {
            "status": state.status.value,
            "progress": state.progress,
            "at": write.state_at,
            "narrative": state.narrative,
        }
    }


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
