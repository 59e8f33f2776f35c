"""importLedger: a 台账 file (.xlsx / .csv) uploaded per the GraphQL multipart request spec."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.file_uploads import Upload

from models.messages import Text, message, noun, render
from models.rules.ledger import LedgerFormatError, LedgerTooLarge, ProblemCode, RowProblem
from resolvers.common import Info, decode_global_id
from resolvers.errors import DomainError, ErrorCode, UserError
from resolvers.ledger import service
from resolvers.ledger.files import parse_off_loop
from resolvers.ledger.plans import PlanRef
from resolvers.pacing import Pacer
from resolvers.task.types import Task
from resolvers.writes import run_mutation

LedgerProblemCode = strawberry.enum(
    ProblemCode, name="LedgerProblemCode", description="Why a ledger row was refused."
)


@strawberry.enum(description="What an import does with a row.")
class LedgerRowOutcome(StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"


@strawberry.type(description="A problem of a ledger row (or of the file when `row` is null).")
class LedgerRowProblem:
    row: int | None = strawberry.field(description="Row number in the file (1 = first row).")
    column: str | None = strawberry.field(description="The column's header, e.g. 牵头单位.")
    code: ProblemCode = strawberry.field(description="Machine-readable reason.")
    text: strawberry.Private[Text]

    @strawberry.field(description="Human-readable explanation (zh-CN; English on request).")
    def message(self, info: Info) -> str:
        return render(self.text, info.context.language)

    @classmethod
    def from_problem(cls, problem: RowProblem) -> LedgerRowProblem:
        """From the parser's or service's RowProblem."""
        return cls(row=problem.row, column=problem.column, code=problem.code, text=problem.message)


@strawberry.type(description="What the import does (or would do) with one row.")
class LedgerImportRow:
    row: int = strawberry.field(description="Row number in the file.")
    seq: str = strawberry.field(description="序号 (3, or 3.1 for a subtask).")
    outcome: LedgerRowOutcome = strawberry.field(description="Created, updated or unchanged.")
    changed_fields: list[str] = strawberry.field(
        description="For updates: category, description, deadline, remarks, units."
    )
    task_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="The task (null in a dry run's created rows).")
    async def task(self, info: Info) -> Task | None:
        if self.task_id is None:
            return None
        row = await info.context.loaders.task_by_id.load(self.task_id)
        return Task.from_row(row) if row else None


@strawberry.type(description="Outcome of a ledger import.")
class LedgerImportReport:
    dry_run: bool = strawberry.field(description="Nothing was written: a preview.")
    written: bool = strawberry.field(description="The rows were written (no errors, no dry run).")
    created: int = strawberry.field(description="Rows that create a task.")
    updated: int = strawberry.field(description="Rows that change their task.")
    unchanged: int = strawberry.field(description="Rows their task already matches.")
    not_in_file: int = strawberry.field(
        description="Tasks of the plan the file does not list (left as they are)."
    )
    rows: list[LedgerImportRow] = strawberry.field(description="Every imported row.")
    row_errors: list[LedgerRowProblem] = strawberry.field(
        description="Rows refused: with any, nothing is written."
    )
    warnings: list[LedgerRowProblem] = strawberry.field(
        description="Rows imported with a caveat (e.g. 完成时限 kept as text: UNSPECIFIED)."
    )

    @classmethod
    async def from_report(cls, report: service.ImportReport) -> LedgerImportReport:
        """From the service's report (100,000 rows: built with yields to the event loop)."""
        pacer = Pacer()
        rows: list[LedgerImportRow] = []
        for r in report.rows:
            await pacer.tick()
            rows.append(
                LedgerImportRow(
                    row=r.row,
                    seq=r.seq,
                    outcome=LedgerRowOutcome(r.outcome.value),
                    changed_fields=list(r.changed),
                    task_id=r.task_id,
                )
            )
        return cls(
            dry_run=report.dry_run,
            written=report.written,
            created=report.count(service.Outcome.CREATED),
            updated=report.count(service.Outcome.UPDATED),
            unchanged=report.count(service.Outcome.UNCHANGED),
            not_in_file=report.not_in_file,
            rows=rows,
            row_errors=[LedgerRowProblem.from_problem(p) for p in report.errors],
            warnings=[LedgerRowProblem.from_problem(p) for p in report.warnings],
        )


@strawberry.input(description="A 台账 file and the plan it goes into.")
class ImportLedgerInput:
    file: Upload = strawberry.field(description=".xlsx or .csv (UTF-8, UTF-8 with BOM, GB18030).")
    plan: strawberry.ID | None = strawberry.field(
        default=None, description="The plan; or docNumber (+ planKey); or 文号/方案 columns."
    )
    doc_number: str | None = strawberry.field(default=None, description="文号 of the document.")
    plan_key: str | None = strawberry.field(
        default=None, description="Key of the plan when the document holds several."
    )
    issuer: strawberry.ID | None = strawberry.field(
        default=None, description="Issuing unit, when several documents share the 文号."
    )
    dry_run: bool = strawberry.field(
        default=False, description="Report what would change and write nothing."
    )
    effective_on: date | None = strawberry.field(
        default=None,
        description=(
            "The day new tasks' history starts (as-of views count them from then); default"
            " the document's issue date; never after today."
        ),
    )


@strawberry.type(description="Result of importLedger.")
class ImportLedgerPayload:
    report: LedgerImportReport | None = strawberry.field(
        description="Rows created, updated, unchanged, refused."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was imported, if so.")


def _id(value: strawberry.ID | None, type_name: str, field: str) -> uuid.UUID | None:
    if value is None:
        return None
    try:
        return decode_global_id(value, type_name)
    except ValueError as exc:
        raise DomainError(
            ErrorCode.NOT_FOUND, message("NOT_FOUND_ID", noun=noun(type_name)), field
        ) from exc


async def _read(upload: Any, limit: int) -> tuple[bytes, str | None]:
    """The uploaded bytes (at most `limit`) and the file name."""
    name = getattr(upload, "filename", None)
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    elif callable(getattr(upload, "read", None)):
        data = await upload.read(limit + 1)
    else:
        raise DomainError(ErrorCode.INVALID_INPUT, message("FILE_NOT_UPLOAD"), "file")
    if len(data) > limit:
        raise DomainError(
            ErrorCode.FILE_TOO_LARGE, message("FILE_TOO_LARGE", limit=f"{limit:,}"), "file"
        )
    return data, name


@strawberry.type
class LedgerMutation:
    @strawberry.mutation(
        description="Import a 台账 (.xlsx/.csv) into a plan: all rows or none (COORDINATOR)."
    )
    async def import_ledger(self, info: Info, input: ImportLedgerInput) -> ImportLedgerPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> ImportLedgerPayload:
            data, name = await _read(input.file, ctx.max_upload_bytes)
            try:
                # Parsed in a worker process, its limits checked before it is read in full.
                parsed = await parse_off_loop(data, name, ctx.ledger_limits)
            except LedgerTooLarge as exc:
                raise DomainError(ErrorCode.FILE_TOO_LARGE, exc.text, "file") from exc
            except LedgerFormatError as exc:
                raise DomainError(ErrorCode.INVALID_INPUT, exc.text, "file") from exc
            ref = PlanRef(
                plan_id=_id(input.plan, "Plan", "plan"),
                doc_number=input.doc_number,
                plan_key=input.plan_key,
                issuer_id=_id(input.issuer, "OrgUnit", "issuer"),
            )
            report = await service.import_ledger(
                ctx, conn, parsed, ref, dry_run=input.dry_run, effective_on=input.effective_on
            )
            errors = []
            if report.errors:
                errors.append(
                    UserError(
                        code=ErrorCode.INVALID_INPUT,
                        message=message("LEDGER_ROW_ERRORS", count=len(report.errors)).render(
                            ctx.language
                        ),
                        field="file",
                    )
                )
            report_type = await LedgerImportReport.from_report(report)
            return ImportLedgerPayload(report=report_type, errors=errors)

        result, errors = await run_mutation(ctx, body)
        return result or ImportLedgerPayload(report=None, errors=errors)
