"""`govgraph import-ledger` and `govgraph export-ledger`: 台账 files in and out.

The import runs the importLedger service through run_mutation, in the write pipeline's unit
of work (the same rules and the same audit, change-log, rollup and outbox traces as the
mutation), in one transaction. By default the command acts as the system
(ADMIN of the tree holding the plan); `--as-unit NAME` acts as a COORDINATOR of that unit.
Progress goes to stderr (a live line on a terminal, a line every few seconds otherwise);
results go to stdout. Exit status: 0 done, 1 row errors (nothing written), 2 other errors.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.db import create_engine
from api.events import PostgresBroker
from api.settings import Settings, normalize_database_url
from models import Document, OrgUnit, OrgUnitClosure, Plan
from models.enums import RoleScope, ViewerRole
from models.rules.ledger import LedgerFormatError
from models.rules.names import normalize_doc_number
from models.viewer import Viewer
from resolvers.common import decode_global_id
from resolvers.database import Database
from resolvers.events import pending_changes
from resolvers.ledger.export import ExportQuery, csv_chunks, ledger_rows, write_xlsx
from resolvers.ledger.files import parse_off_loop
from resolvers.ledger.plans import PlanRef
from resolvers.ledger.service import ImportReport, Outcome, import_ledger
from resolvers.org_unit.queries import name_match_statement
from resolvers.scope import EVERYTHING, Scope
from resolvers.service_context import ServiceContext
from resolvers.writes import run_mutation

unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]
plan_t: sa.Table = Plan.__table__  # type: ignore[attr-defined]
document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]


class CommandError(Exception):
    """A problem to print before exiting with status 2."""


class Progress:
    """Progress on stderr: a live line on a terminal, else a line every `every` seconds."""

    def __init__(self, stream: TextIO | None = None, *, every: float = 2.0) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.every = every
        self.started = time.monotonic()
        self._last = 0.0
        self._phase = ""

    def __call__(self, phase: str, done: int, total: int | None = None) -> None:
        now = time.monotonic()
        final = total is not None and done >= total
        if (
            not final
            and phase == self._phase
            and now - self._last < (0.1 if self.live else self.every)
        ):
            return
        self._last, self._phase = now, phase
        share = f"{done:,}/{total:,} ({100 * done // max(total, 1)}%)" if total else f"{done:,}"
        line = f"{phase}: {share}  {now - self.started:.1f}s"
        if self.live:
            self.stream.write("\r\033[K" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def done(self) -> None:
        """End a live line."""
        if self.live and self._phase:
            self.stream.write("\n")
            self.stream.flush()


def _url(args: argparse.Namespace) -> str:
    url: str | None = args.database_url
    return normalize_database_url(url) if url else Settings.from_env().database_url


async def _unit(conn: AsyncConnection, name: str) -> dict[str, Any]:
    row = (await conn.execute(name_match_statement(name).limit(1))).mappings().first()
    if row is None:
        raise CommandError(f"no unit named {name}")
    return dict(row)


def _plan_id(text: str) -> uuid.UUID:
    try:
        return decode_global_id(text, "Plan")
    except ValueError:
        pass
    try:
        return uuid.UUID(text)
    except ValueError as exc:
        raise CommandError(f"--plan {text}: neither a Plan id nor a UUID") from exc


async def _root_of(conn: AsyncConnection, unit_id: uuid.UUID) -> uuid.UUID:
    row = await conn.execute(
        sa.select(closure_t.c.ancestor_id)
        .where(closure_t.c.descendant_id == unit_id)
        .order_by(closure_t.c.depth.desc())
        .limit(1)
    )
    found: uuid.UUID = row.scalar_one()
    return found


async def _system_unit(conn: AsyncConnection, args: argparse.Namespace) -> uuid.UUID:
    """Where the system acts from: the root of the tree that issued the plan."""

    issuers: list[uuid.UUID] = []
    if args.plan:
        issuers = list(
            (
                await conn.execute(
                    sa.select(document_t.c.issuer_id)
                    .join(plan_t, plan_t.c.document_id == document_t.c.id)
                    .where(plan_t.c.id == _plan_id(args.plan))
                )
            ).scalars()
        )
    elif args.doc_number:
        issuers = list(
            (
                await conn.execute(
                    sa.select(document_t.c.issuer_id).where(
                        document_t.c.doc_number_normalized == normalize_doc_number(args.doc_number)
                    )
                )
            ).scalars()
        )
    roots = {await _root_of(conn, issuer) for issuer in issuers if issuer is not None}
    if not roots:
        roots = set(
            (await conn.execute(sa.select(unit_t.c.id).where(unit_t.c.parent_id.is_(None))))
            .scalars()
            .all()
        )
    if len(roots) != 1:
        raise CommandError("cannot tell which tree the plan belongs to: give --as-unit")
    return roots.pop()


async def _import(args: argparse.Namespace, progress: Progress) -> int:
    path: Path = args.file
    limits = Settings.from_env().ledger_limits
    try:
        size = (await asyncio.to_thread(path.stat)).st_size
        if size > limits.max_bytes:
            raise CommandError(
                f"{path}: {size:,} bytes, over {limits.max_bytes:,} (GOVGRAPH_LEDGER_MAX_BYTES)"
            )
        data = await asyncio.to_thread(path.read_bytes)
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror}") from exc
    try:
        # The server's reader: a worker process, the file's limits checked before it is read.
        sheet = await parse_off_loop(data, path.name, limits)
    except LedgerFormatError as exc:
        raise CommandError(f"{path}: {exc}") from exc
    encoding = f", {sheet.encoding}" if sheet.encoding else ""
    progress(
        f"read {path.name} ({sheet.format}{encoding}, header on row {sheet.header_row})",
        sheet.row_count,
        sheet.row_count,
    )
    engine = create_engine(_url(args))
    try:
        db = Database(engine)
        conn = await db.connection()
        if args.as_unit:
            unit = await _unit(conn, args.as_unit)
            viewer = Viewer(
                subject=f"govgraph import-ledger as {unit['name']}",
                unit_id=unit["id"],
                role=ViewerRole.COORDINATOR,
            )
        else:
            viewer = Viewer(
                subject="govgraph import-ledger",
                unit_id=await _system_unit(conn, args),
                role=ViewerRole.ADMIN,
            )
        issuer_id = (await _unit(conn, args.issuer))["id"] if args.issuer else None
        ref = PlanRef(
            plan_id=_plan_id(args.plan) if args.plan else None,
            doc_number=args.doc_number,
            plan_key=args.plan_key,
            issuer_id=issuer_id,
        )
        ctx = ServiceContext(
            db=db,
            request_id=f"cli-{uuid.uuid4().hex[:12]}",
            viewer=viewer,
        )

        async def body(connection: AsyncConnection) -> ImportReport:
            return await import_ledger(
                ctx,
                connection,
                sheet,
                ref,
                dry_run=args.dry_run,
                progress=progress,
                effective_on=args.effective_on,
            )

        report, errors = await run_mutation(ctx, body)
        progress.done()
        if report is None:
            await db.close(commit=False)
            raise CommandError("; ".join(f"{e.field or 'input'}: {e.message}" for e in errors))
        if report.written:
            await _notify(engine, conn, ctx)
        await db.close(commit=report.written)
    finally:
        await engine.dispose()
    _print_report(report, sys.stdout)
    return 1 if report.errors else 0


async def _notify(engine: AsyncEngine, conn: AsyncConnection, ctx: ServiceContext) -> None:
    """PostgreSQL: tell live subscribers (other processes) at commit, as the server does."""
    if engine.dialect.name != "postgresql":
        return

    await PostgresBroker(engine).publish_in_transaction(conn, pending_changes(ctx))


def _print_report(report: Any, out: TextIO) -> None:
    for plan in report.plans:
        out.write(f"plan {plan.doc_number or plan.document_id} {plan.key}: {plan.title}\n")
    list_created = report.count(Outcome.CREATED) <= 50  # a first import lists no rows
    for row in report.rows:
        if row.outcome is Outcome.UPDATED:
            out.write(f"  row {row.row} (序号 {row.seq}): updated {', '.join(row.changed)}\n")
        elif row.outcome is Outcome.CREATED and list_created:
            out.write(f"  row {row.row} (序号 {row.seq}): created\n")
    for label, problems in (("warning", report.warnings), ("error", report.errors)):
        for problem in problems:
            where = f"row {problem.row}" if problem.row else "file"
            column = f" {problem.column}" if problem.column else ""
            out.write(f"  {label}: {where}{column}: {problem.code.value}: {problem.message}\n")
    summary = (
        f"created {report.count(Outcome.CREATED)}, updated {report.count(Outcome.UPDATED)}, "
        f"unchanged {report.count(Outcome.UNCHANGED)}, not in the file {report.not_in_file}; "
        f"{len(report.warnings)} warnings, {len(report.errors)} errors"
    )
    if report.errors:
        verdict = "nothing was written (fix the rows and import again)"
    elif report.dry_run:
        verdict = "dry run: nothing was written"
    elif report.count(Outcome.CREATED) or report.count(Outcome.UPDATED):
        verdict = "written"
    else:
        verdict = "nothing to change"
    out.write(f"{summary}: {verdict}\n")


def cmd_import_ledger(args: argparse.Namespace) -> int:
    """Import a 台账 into a plan."""
    progress = Progress(every=args.progress_every)
    try:
        return asyncio.run(_import(args, progress))
    except CommandError as exc:
        progress.done()
        print(f"govgraph import-ledger: {exc}", file=sys.stderr)
        return 2


async def _counted(
    rows: AsyncIterator[list[list[Any]]], progress: Progress, counter: list[int]
) -> AsyncIterator[list[list[Any]]]:
    async for chunk in rows:
        counter[0] += len(chunk)
        progress("exported rows", counter[0])
        yield chunk


async def _export(args: argparse.Namespace, progress: Progress) -> tuple[Path | None, int]:
    fmt = args.format or (args.out.suffix.lstrip(".").lower() if args.out else "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise CommandError(f"format {fmt}: xlsx or csv")
    engine = create_engine(_url(args))
    counter = [0]
    try:
        async with engine.connect() as conn, conn.begin():
            unit = await _unit(conn, args.unit)
            scope = EVERYTHING
            if args.as_unit:
                scope = Scope(root=(await _unit(conn, args.as_unit))["id"])
            query = ExportQuery(
                unit_id=unit["id"],
                as_of=Settings.from_env().today(),
                plan_id=_plan_id(args.plan) if args.plan else None,
                doc_number=args.doc_number,
                role=RoleScope(args.role),
            )
            out: Path | None = args.out
            if out is None:
                out = Path(f"{unit['name']}台账.{fmt}")
            rows = _counted(ledger_rows(conn, scope, query), progress, counter)
            if fmt == "csv" and str(out) == "-":
                async for chunk in csv_chunks(rows):
                    sys.stdout.buffer.write(chunk)
                sys.stdout.buffer.flush()
                return None, counter[0]
            try:
                handle = await asyncio.to_thread(out.open, "wb")
            except OSError as exc:
                raise CommandError(f"{out}: {exc.strerror}") from exc
            with handle:
                if fmt == "csv":
                    async for chunk in csv_chunks(rows):
                        handle.write(chunk)
                else:
                    await write_xlsx(rows, handle)
    finally:
        await engine.dispose()
    return out, counter[0]


def cmd_export_ledger(args: argparse.Namespace) -> int:
    """Export a unit's tasks as a 台账."""
    progress = Progress(every=args.progress_every)
    try:
        out, count = asyncio.run(_export(args, progress))
    except CommandError as exc:
        progress.done()
        print(f"govgraph export-ledger: {exc}", file=sys.stderr)
        return 2
    progress("exported rows", count, count)
    progress.done()
    if out is not None:
        print(f"wrote {count} rows to {out}")
    else:
        print(f"wrote {count} rows", file=sys.stderr)
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text}: a date as YYYY-MM-DD") from exc


def add_ledger_commands(sub: Any) -> None:
    """Register import-ledger and export-ledger."""
    imp = sub.add_parser(
        "import-ledger", help="import a 台账 (.xlsx/.csv) into a plan: all rows or none"
    )
    imp.add_argument("file", type=Path, help=".xlsx or .csv (UTF-8, UTF-8 with BOM, GB18030)")
    target = imp.add_mutually_exclusive_group()
    target.add_argument("--plan", help="the plan (global id or UUID)")
    target.add_argument("--doc-number", help="文号 of the document (with --plan-key if several)")
    imp.add_argument("--plan-key", help="key of the plan in the document (air, water …)")
    imp.add_argument("--issuer", help="issuing unit, when several documents share the 文号")
    imp.add_argument("--dry-run", action="store_true", help="report changes, write nothing")
    imp.add_argument(
        "--effective-on",
        type=_day,
        default=None,
        help="day new tasks' history starts, YYYY-MM-DD (default: the document's issue date)",
    )
    imp.add_argument("--as-unit", help="act as a COORDINATOR of this unit (default: system)")
    imp.add_argument("--progress-every", type=float, default=2.0, help=argparse.SUPPRESS)
    imp.add_argument("--database-url", default=None)
    imp.set_defaults(func=cmd_import_ledger)

    exp = sub.add_parser("export-ledger", help="export a unit's tasks as a 台账 (.xlsx/.csv)")
    exp.add_argument("--unit", required=True, help="the unit (name or alias); its subtree too")
    exp.add_argument("--format", choices=["xlsx", "csv"], default=None)
    exp.add_argument(
        "--out", type=Path, default=None, help="file (default <unit>台账.<fmt>; - csv to stdout)"
    )
    exp.add_argument("--plan", help="only this plan (global id or UUID)")
    exp.add_argument("--doc-number", help="only this document's tasks")
    exp.add_argument(
        "--role", choices=["ANY", "LEAD"], default="ANY", help="ANY: lead or cooperating"
    )
    exp.add_argument("--as-unit", help="export what this unit may see (default: everything)")
    exp.add_argument("--progress-every", type=float, default=2.0, help=argparse.SUPPRESS)
    exp.add_argument("--database-url", default=None)
    exp.set_defaults(func=cmd_export_ledger)
