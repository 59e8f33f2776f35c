"""Ledger export (台账导出): a unit's tasks in the ledger's layout plus their state.

Rows are read with a server-side cursor and rendered a chunk at a time (units, latest
report and 序号 paths fetched per chunk), so memory stays bounded however many rows there
are: CSV is written as the rows arrive; .xlsx goes through openpyxl's write-only mode, which
spools the sheet to a temporary file. The columns are EXPORT_COLUMNS: what import reads
(an exported file imports back unchanged), then 状态, 进度, 最新进展 (read back on import as
the task's state on the report's day), 是否逾期 (derived, ignored on import), then 文号 and
方案 (each row's plan, by its title as the dashboard shows it; import reads a key or a title).
"""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from models import Document, OrgUnit, Plan, ProgressReport
from models.enums import DeadlineKind, RoleScope, TaskStatus
from models.rules import calendar
from models.rules import report_review as review_rules
from models.rules.ledger import (
    EXPORT_COLUMNS,
    STATUS_TEXT,
    neutralize_formula,
    render_deadline,
    render_news,
    render_progress,
    render_seq,
)
from models.rules.names import normalize_doc_number
from models.rules.task_state import StateTest, judged_pairs, unit_scope
from resolvers.scope import Scope, task_visible, visibility
from resolvers.task.predicates import assigned_to
from resolvers.task.service import assignment_t, task_t

document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]
plan_t: sa.Table = Plan.__table__  # type: ignore[attr-defined]
unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]
report_t: sa.Table = ProgressReport.__table__  # type: ignore[attr-defined]

CHUNK = 1000


@dataclass(frozen=True)
class ExportQuery:
    """Whose tasks: a unit and its subtree (any role, or LEAD only), optionally one plan."""

    unit_id: uuid.UUID
    as_of: date
    plan_id: uuid.UUID | None = None
    doc_number: str | None = None
    role: RoleScope = RoleScope.ANY


def export_statement(scope: Scope, query: ExportQuery) -> sa.Select[Any]:
    """The tasks of the export, ordered by document, plan and 序号 (subtasks after theirs)."""
    parent = task_t.alias("parent")
    statement = (
        sa.select(
            task_t.c.id,
            task_t.c.parent_id,
            task_t.c.seq,
            task_t.c.category,
            task_t.c.title,
            task_t.c.description,
            task_t.c.remarks,
            task_t.c.deadline_kind,
            task_t.c.deadline_start,
            task_t.c.deadline_end,
            task_t.c.deadline_text,
            task_t.c.responsibility_unresolved,
            task_t.c.status,
            task_t.c.progress,
            plan_t.c.title.label("plan_title"),
            document_t.c.doc_number,
        )
        .join(plan_t, plan_t.c.id == task_t.c.plan_id)
        .join(document_t, document_t.c.id == task_t.c.document_id)
        .outerjoin(parent, parent.c.id == task_t.c.parent_id)
        .where(
            task_visible(scope, task_t.c.id),
            assigned_to(query.unit_id, query.role, include_descendants=True),
        )
    )
    units = unit_scope([query.unit_id], True).cte("export_units")
    judged = judged_pairs(StateTest("overdue", query.as_of), units=units, role=query.role)
    overdue = judged.subquery("export_overdue")
    statement = statement.add_columns(
        task_t.c.id.in_(sa.select(overdue.c.task_id)).label("overdue")
    )
    if query.plan_id is not None:
        statement = statement.where(task_t.c.plan_id == query.plan_id)
    if query.doc_number:
        statement = statement.where(
            document_t.c.doc_number_normalized == normalize_doc_number(query.doc_number)
        )
    return statement.order_by(
        sa.func.coalesce(document_t.c.issued_on, date(1900, 1, 1)),
        document_t.c.id,
        plan_t.c.seq,
        plan_t.c.id,
        sa.func.coalesce(parent.c.seq, task_t.c.seq),
        task_t.c.parent_id.is_not(None),
        task_t.c.code,
        task_t.c.id,
    )


async def _paths(
    conn: AsyncConnection, rows: Sequence[RowMapping]
) -> dict[uuid.UUID, tuple[int, ...]]:
    """序号 paths of a chunk's tasks (3, 3.1, 3.1.2): ancestors looked up per chunk, so
    nothing accumulates over the export.
    """
    known: dict[uuid.UUID, tuple[uuid.UUID | None, int]] = {
        row["id"]: (row["parent_id"], row["seq"]) for row in rows
    }
    missing = {row["parent_id"] for row in rows if row["parent_id"] is not None}
    while missing := {m for m in missing if m not in known}:
        found = list(
            await conn.execute(
                sa.select(task_t.c.id, task_t.c.parent_id, task_t.c.seq).where(
                    task_t.c.id.in_(missing)
                )
            )
        )
        if not found:
            break
        for task_id, parent_id, seq in found:
            known[task_id] = (parent_id, seq)
        missing = {parent for _id, parent, _seq in found if parent is not None}
    paths: dict[uuid.UUID, tuple[int, ...]] = {}
    for row in rows:
        parts: list[int] = []
        current: uuid.UUID | None = row["id"]
        while current is not None and current in known and len(parts) < 50:
            parent_id, seq = known[current]
            parts.append(seq)
            current = parent_id
        paths[row["id"]] = tuple(reversed(parts))
    return paths


def _render_units(assignments: list[RowMapping], role: str) -> str:
    """Unit names of a role as the ledger writes them; a group's units as the group's text."""
    parts: list[str] = []
    for assignment in assignments:
        if assignment["role"] != role:
            continue
        text = assignment["via_group"] or assignment["name"]
        if text not in parts:
            parts.append(text)
    return "、".join(parts)


async def _chunk_rows(
    conn: AsyncConnection,
    scope: Scope,
    rows: Sequence[RowMapping],
    as_of: date,
) -> list[list[Any]]:
    """The cells of a chunk of task rows."""
    ids = [row["id"] for row in rows]
    paths = await _paths(conn, rows)
    assignments: dict[uuid.UUID, list[RowMapping]] = defaultdict(list)
    for assignment in (
        await conn.execute(
            sa.select(
                assignment_t.c.task_id,
                assignment_t.c.role,
                assignment_t.c.via_group,
                unit_t.c.name,
            )
            .join(unit_t, unit_t.c.id == assignment_t.c.org_unit_id)
            .where(assignment_t.c.task_id.in_(ids), visibility(scope, assignment_t))
            .order_by(
                assignment_t.c.task_id,
                # Named units first, groups (各镇（街道）) after them, as documents write them.
                assignment_t.c.via_group.is_not(None),
                assignment_t.c.created_at,
                unit_t.c.sort_order,
                unit_t.c.name,
            )
        )
    ).mappings():
        assignments[assignment["task_id"]].append(assignment)
    ranked = (
        sa.select(
            assignment_t.c.task_id,
            report_t.c.reported_at,
            report_t.c.percent,
            report_t.c.narrative,
            unit_t.c.name,
            sa.func.row_number()
            .over(
                partition_by=assignment_t.c.task_id,
                order_by=(report_t.c.reported_at.desc(), report_t.c.id.desc()),
            )
            .label("rank"),
        )
        .join(assignment_t, assignment_t.c.id == report_t.c.assignment_id)
        .join(unit_t, unit_t.c.id == assignment_t.c.org_unit_id)
        # 最新进展: the latest report that counts (models/rules/report_review.py), as the
        # state columns do; a submitted or returned one is not the task's progress.
        .where(
            assignment_t.c.task_id.in_(ids),
            visibility(scope, report_t),
            review_rules.counting(report_t),
        )
        .subquery()
    )
    latest = {
        r["task_id"]: r
        for r in (await conn.execute(sa.select(ranked).where(ranked.c.rank == 1))).mappings()
    }
    out: list[list[Any]] = []
    for row in rows:
        path = paths[row["id"]]
        units = assignments.get(row["id"], [])
        report = latest.get(row["id"])
        news = ""
        if report is not None:
            day = calendar.local_date(report["reported_at"])
            news = render_news(day, report["name"], report["narrative"], report["percent"])
        kind = DeadlineKind(row["deadline_kind"])
        # The unit's shares judged as of the export's date: OrgUnit.tasks' overdueAsOf.
        overdue = bool(row["overdue"])
        out.append(
            [
                row["category"] or "",
                path[0] if len(path) == 1 else render_seq(path),
                row["description"] if row["description"] is not None else row["title"],
                render_deadline(
                    kind, row["deadline_start"], row["deadline_end"], row["deadline_text"]
                ),
                # 相关 groups stay text on the task: written back after the units they follow.
                "、".join(
                    part
                    for part in (_render_units(units, "LEAD"), *row["responsibility_unresolved"])
                    if part
                ),
                _render_units(units, "COOPERATING"),
                row["remarks"] or "",
                STATUS_TEXT[TaskStatus(row["status"])],
                render_progress(row["progress"]),
                news,
                "是" if overdue else "否",
                row["doc_number"] or "",
                row["plan_title"],  # the plan as people name it (import reads key or title)
            ]
        )
    return out


async def ledger_rows(
    conn: AsyncConnection, scope: Scope, query: ExportQuery, *, chunk: int = CHUNK
) -> AsyncIterator[list[list[Any]]]:
    """The export's data rows, a chunk at a time (the caller's transaction stays open)."""
    result = await conn.stream(export_statement(scope, query).execution_options(yield_per=chunk))
    async for partition in result.mappings().partitions(chunk):
        yield await _chunk_rows(conn, scope, partition, query.as_of)


def _csv_line(rows: Sequence[Sequence[Any]]) -> bytes:
    """CSV lines; text cells that a spreadsheet would run as formulas get a leading `'`
    (models/rules/ledger.py neutralize_formula; the import drops it again)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(
        [neutralize_formula(v) if isinstance(v, str) else v for v in row] for row in rows
    )
    return buffer.getvalue().encode("utf-8")


async def csv_chunks(chunks: AsyncIterator[list[list[Any]]]) -> AsyncIterator[bytes]:
    """CSV bytes: UTF-8 with a BOM (so Excel reads the Chinese), header first."""
    yield b"\xef\xbb\xbf" + _csv_line([EXPORT_COLUMNS])
    async for rows in chunks:
        yield _csv_line(rows)


def _xlsx_cells(sheet: Any, row: Sequence[Any]) -> list[Any]:
    """Text cells as text: openpyxl would write `=…` as a formula and `#N/A` as an error.

    Characters a workbook cannot hold (control characters stored before they were refused
    at the edge) become U+FFFD rather than failing the export half-way.
    """
    # Lazy: openpyxl is heavy and only .xlsx exports need it.
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cells: list[Any] = []
    for value in row:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
            cell.data_type = "s"  # text, never a formula or an error value
            cells.append(cell)
        else:
            cells.append(value)
    return cells


async def write_xlsx(chunks: AsyncIterator[list[list[Any]]], target: IO[bytes]) -> int:
    """Write the rows as an .xlsx workbook to `target`; returns the number of data rows."""
    # Lazy: openpyxl is heavy and only .xlsx exports need it.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台账")
    widths = (18, 6, 60, 16, 30, 20, 16, 8, 8, 40, 8, 22, 10)
    for letter, width in zip("ABCDEFGHIJKLM", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    header = []
    for title in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count = 0

    def append(rows: list[list[Any]]) -> None:
        for row in rows:
            sheet.append(_xlsx_cells(sheet, row))

    async for rows in chunks:
        # openpyxl is CPU-bound: keep the event loop free (one thread at a time touches it).
        await asyncio.to_thread(append, rows)
        count += len(rows)
    await asyncio.to_thread(workbook.save, target)
    return count
