"""Ledger import (台账导入): rows of a file become tasks of a plan, in one transaction.

The CLI (`govgraph import-ledger`) and the `importLedger` mutation share this service and
the task service's rules: a COORDINATOR imports into plans issued in its subtree; names,
aliases and group references resolve like createTask's `leadNames` (against the government of
the plan's issuer) and must land in the viewer's subtree; texts and deadlines are checked by
the same functions; new assignments start NOT_STARTED with their status event, a new task's
dated at its document's issue date or the `effective_on` given (resolvers/task/history.py),
so as-of views count an imported plan from then, not from the day it was imported.

The state columns an export writes (状态, 进度, 最新进展 with its date, or a 进展日期 column)
become progress reports of the task's lead shares on that day, checked like reportProgress's
(status and percent agree, 0–100) and never after today nor before the task's history: a
new task's start, a task's latest status event (history is never rewritten). A task already
in the row's state (re-importing an export) is left as it is.

A row matches the plan's task with the same 序号 (3.1: subtask 1 of task 3). It is
- CREATED when no task has that 序号 (subtasks are not created here: decomposeTask does),
- UPDATED when its 任务类别, 具体措施, 完成时限, 备注 or units differ from the task's, or
- UNCHANGED: re-importing a file, or importing an export of the plan, writes nothing.
Units are compared as sets: 牵头单位 spelled another way (alias, group) changes nothing, and
the raw 牵头单位 text is kept in `responsibility_text` whenever the units change. A blank
(inherited) 任务类别 never gives a category to a task that has none. A unit that
the file no longer names is taken off the task, unless it has reported, decomposed or been
escalated to (a row error: history is never rewritten). Any row error: nothing is written.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from sqlalchemy.ext.asyncio import AsyncConnection

from models.enums import ViewerRole
from models.messages import message
from models.rules.ledger import LedgerRow, ParsedLedger, ProblemCode, RowProblem
from resolvers.errors import DomainError, ErrorCode
from resolvers.ledger.diff import (
    Desired,
    Names,
    check_removals,
    check_states,
    desired_task,
    diff,
    load_existing,
    not_in_file,
)
from resolvers.ledger.plans import PlanFinder, PlanInfo, PlanRef, find_plan
from resolvers.ledger.report import ImportReport, Outcome, RowResult
from resolvers.ledger.write import Progress, apply
from resolvers.pacing import Pacer
from resolvers.service_context import ServiceContext
from resolvers.task.history import check_effective_on, history_start
from resolvers.task.service import plan_t
from resolvers.writes import lock_row, require_role

__all__ = ["ImportReport", "Outcome", "Progress", "RowResult", "import_ledger"]


async def import_ledger(
    ctx: ServiceContext,
    conn: AsyncConnection,
    parsed: ParsedLedger,
    ref: PlanRef,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    effective_on: date | None = None,
) -> ImportReport:
    """Import a ledger's rows into their plan; with errors (or dry_run) nothing is written.

    New tasks' history starts on `effective_on`, else on their document's issue date.
    The file was read and its rows checked off the event loop (resolvers/ledger/files.py);
    the per-row work here yields to the loop as it goes (resolvers/pacing.py).
    """
    viewer_unit = require_role(ctx, ViewerRole.COORDINATOR)
    check_effective_on(ctx, effective_on, "effectiveOn")
    today = ctx.today()
    report = ImportReport(dry_run=dry_run)
    rows = parsed.rows
    report.errors.extend(parsed.problems)
    fixed = await find_plan(conn, ref, ctx.viewer) if ref.given else None
    finder = PlanFinder(conn, ctx.viewer, ref.issuer_id)
    names = Names(conn, ctx.viewer)
    plans: dict[uuid.UUID, PlanInfo] = {}
    desired: list[Desired] = []
    pacer = Pacer()
    for index, row in enumerate(rows, start=1):
        await pacer.tick()
        plan = await _row_plan(row, fixed, finder, report)
        if plan is None:
            continue
        plans.setdefault(plan.id, plan)
        wanted = await desired_task(row, plan, names, report, today=today)
        if wanted is not None:
            desired.append(wanted)
        if progress and index % 500 == 0:
            progress("checking", index, len(rows))
    if not rows and not report.errors:
        raise DomainError(ErrorCode.INVALID_INPUT, message("LEDGER_NO_ROWS"), "file")
    if fixed is not None:
        plans.setdefault(fixed.id, fixed)
    report.plans = list(plans.values())
    if not dry_run:
        # 序号 are numbered under the plan's row lock (createTask, updateTask): an import
        # reads the plan's tasks after concurrent writers of it committed, in plan order.
        for plan_id in sorted(plans):
            await lock_row(conn, plan_t, plan_id)
    existing = await load_existing(conn, desired)
    starts = {p.id: history_start(ctx, p.issued_on, effective_on) for p in plans.values()}
    writes = await diff(ctx, desired, existing, report, starts)
    await check_states(ctx, conn, writes, report)
    await check_removals(conn, writes, report)
    report.not_in_file = await not_in_file(conn, list(plans), desired)
    if report.errors or dry_run:
        report.errors.sort(key=lambda p: (p.row or 0, p.column or ""))
        return report
    await apply(ctx, conn, writes, viewer_unit, progress)
    created = {w.desired.row.number: w.task_id for w in writes if w.existing is None}
    for index, r in enumerate(report.rows):
        if r.outcome is Outcome.CREATED:
            report.rows[index] = replace(r, task_id=created.get(r.row))
        await pacer.tick()
    report.written = True
    return report


async def _row_plan(
    row: LedgerRow, fixed: PlanInfo | None, finder: PlanFinder, report: ImportReport
) -> PlanInfo | None:
    """The plan a row goes into: the named one (the row's 文号/方案 must agree), or its own."""
    if fixed is not None:
        if row.plan_ref is not None and fixed.ref is not None and not fixed.named_by(row.plan_ref):
            report.errors.append(
                RowProblem(
                    row.number,
                    "方案",
                    ProblemCode.WRONG_PLAN,
                    message(
                        "LEDGER_WRONG_PLAN",
                        doc_number=row.doc_number,
                        key=row.plan_key,
                        fixed_doc_number=fixed.doc_number,
                        fixed_key=fixed.key,
                    ),
                )
            )
            return None
        return fixed
    if row.doc_number and row.plan_key:
        plan = await finder.get(row.doc_number, row.plan_key)
        if plan is not None:
            return plan
        text = message("LEDGER_NO_PLAN", key=row.plan_key, doc_number=row.doc_number)
    else:
        text = message("LEDGER_NAME_PLAN")
    report.errors.append(RowProblem(row.number, "文号", ProblemCode.UNKNOWN_PLAN, text))
    return None
