"""Task ledgers (台账) as files: reading .xlsx/.csv into rows, and the text forms exports write.

Pure: bytes in, rows and row problems out; nothing here touches the database.

- The file: an .xlsx workbook (the first sheet with a header row) or a .csv in UTF-8 (with
  or without BOM) or GB18030 (what Excel saves on a Chinese Windows), detected from the bytes.
- The header row is found by its column names among the first rows, so a title row above
  it and extra columns (状态, 进度 … of an export) are fine. Required: 序号, 具体措施, 完成时限,
  牵头单位; optional: 任务类别, 配合单位, 备注, and 文号 / 方案 naming each row's plan.
- Cells merged down several rows count in every row they cover; a blank 任务类别 inherits
  the category above, and a row holding nothing but one text (一、产业结构优化调整) sets the
  category of the rows below it.
- 序号 is a positive number, or a path such as 3.1 for a subtask of task 3.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from models.enums import DeadlineKind
from models.rules.deadline import ParsedDeadline, parse_deadline
from models.rules.names import normalize_doc_number, split_unit_list
from models.rules.responsibility import parse_responsibility

__all__ = [
    "EXPORT_COLUMNS",
    "HEADER_SEARCH_ROWS",
    "LEDGER_COLUMNS",
    "LedgerFormatError",
    "LedgerRow",
    "LedgerSheet",
    "ProblemCode",
    "RowProblem",
    "parse_rows",
    "read_ledger",
    "render_deadline",
    "render_seq",
    "row_deadline",
    "title_from_measure",
]

TITLE_LIMIT = 60


def title_from_measure(measure: str) -> str:
    """A task's short title: the measure's first sentence, capped at 60 characters."""
    text = " ".join(measure.split())
    for stop in ("。", "；", ";"):
        if stop in text:
            text = text.split(stop, 1)[0]
            break
    return text if len(text) <= TITLE_LIMIT else text[: TITLE_LIMIT - 1] + "…"


# Column keys and the header texts that name them (compared without spaces, NFKC).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "category": ("任务类别", "类别", "任务分类"),
    "seq": ("序号",),
    "measure": ("具体措施", "工作措施", "主要措施", "任务内容", "重点任务", "工作任务"),
    "deadline": ("完成时限", "完成时间", "时限要求"),
    "leads": ("牵头单位", "责任单位", "牵头部门"),
    "cooperating": ("配合单位", "配合部门"),
    "remarks": ("备注",),
    "doc_number": ("文号",),
    "plan_key": ("方案",),
}
REQUIRED = ("seq", "measure", "deadline", "leads")
HEADER_SEARCH_ROWS = 20

# What an export writes: the ledger's columns, then the state columns (ignored on import),
# then the plan of each row (used on import when no plan is named).
LEDGER_COLUMNS = ("任务类别", "序号", "具体措施", "完成时限", "牵头单位", "配合单位", "备注")
STATE_COLUMNS = ("状态", "进度", "最新进展", "是否逾期")
PLAN_COLUMNS = ("文号", "方案")
EXPORT_COLUMNS = LEDGER_COLUMNS + STATE_COLUMNS + PLAN_COLUMNS

MAX_SEQ = 1_000_000
_SEQ_RE = re.compile(r"^\d+(?:\.\d+)*$")
_WHITESPACE_RE = re.compile(r"\s+")


class LedgerFormatError(ValueError):
    """The file is not a ledger this reader understands (no header row, not xlsx/csv …)."""


class ProblemCode(StrEnum):
    """Why a row was rejected (errors) or imported with a caveat (warnings)."""

    MISSING_SEQ = "MISSING_SEQ"
    INVALID_SEQ = "INVALID_SEQ"
    DUPLICATE_SEQ = "DUPLICATE_SEQ"
    MISSING_MEASURE = "MISSING_MEASURE"
    MISSING_LEAD = "MISSING_LEAD"
    TEXT_TOO_LONG = "TEXT_TOO_LONG"
    UNKNOWN_UNIT = "UNKNOWN_UNIT"
    UNKNOWN_PLAN = "UNKNOWN_PLAN"
    WRONG_PLAN = "WRONG_PLAN"
    NO_SUCH_SUBTASK = "NO_SUCH_SUBTASK"
    ASSIGNMENT_IN_USE = "ASSIGNMENT_IN_USE"
    UNPARSED_DEADLINE = "UNPARSED_DEADLINE"


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A problem of one row (or of the file, without a row), with the column it concerns."""

    row: int | None
    column: str | None
    code: ProblemCode
    message: str


@dataclass(frozen=True, slots=True)
class SheetRow:
    """A data row of the sheet: its row number and its cells by column key ("" if blank)."""

    number: int
    cells: dict[str, str]

    def text(self, key: str) -> str:
        """A cell's text, "" when blank or when the sheet has no such column."""
        return self.cells.get(key, "")


@dataclass
class LedgerSheet:
    """The rows below the header of a ledger file."""

    format: str  # "xlsx" or "csv"
    encoding: str | None
    sheet_name: str | None
    header_row: int
    columns: dict[str, str]  # column key → header text as written
    rows: list[SheetRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """A ledger row, checked and split, its unit names not yet resolved."""

    number: int
    seq: tuple[int, ...]
    category: str | None
    category_inherited: bool  # the cell was blank: the category comes from above
    measure: str
    deadline_text: str
    lead_text: str
    leads: list[str]
    cooperating: list[str]
    remarks: str | None
    doc_number: str | None
    plan_key: str | None

    @property
    def seq_text(self) -> str:
        """序号 as written back (3, or 3.1 for a subtask)."""
        return render_seq(self.seq)

    @property
    def plan_ref(self) -> tuple[str, str] | None:
        """(文号, 方案) of the row, when the file names the plan per row."""
        if self.doc_number and self.plan_key:
            return normalize_doc_number(self.doc_number), self.plan_key
        return None


# -- reading files ---------------------------------------------------------------------------


def read_ledger(data: bytes, filename: str | None = None) -> LedgerSheet:
    """The ledger of an .xlsx or .csv file's bytes (format detected from the content)."""
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if filename and filename.lower().endswith((".xlsx", ".xlsm")):
        raise LedgerFormatError("the file is not a valid .xlsx workbook")
    return _read_csv(data)


def _cell_text(value: object) -> str:
    """A cell as text: numbers without a spurious .0, dates as ISO, whitespace trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(data: bytes) -> LedgerSheet:
    # Lazy: openpyxl is heavy and only .xlsx files need it.
    from openpyxl import load_workbook

    try:
        # Not read-only: merged cell ranges are only known to a fully loaded sheet.
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LedgerFormatError(f"the file is not a readable .xlsx workbook: {exc}") from exc
    try:
        for sheet in workbook.worksheets:
            grid = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            for merged in sheet.merged_cells.ranges:
                if merged.max_row == merged.min_row:
                    continue  # merged across columns only: a heading, its text counts once
                value = grid[merged.min_row - 1][merged.min_col - 1]
                for r in range(merged.min_row, merged.max_row + 1):
                    for c in range(merged.min_col, merged.max_col + 1):
                        grid[r - 1][c - 1] = value
            found = _header(grid)
            if found is not None:
                header_row, columns = found
                return _sheet("xlsx", None, sheet.title, grid, header_row, columns)
    finally:
        workbook.close()
    raise LedgerFormatError(_no_header_message())


def _decode(data: bytes) -> tuple[str, str]:
    """Text and encoding: a BOM decides; else UTF-8 if it decodes, else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise LedgerFormatError("the file is neither UTF-8 nor GB18030 text") from exc


def _read_csv(data: bytes) -> LedgerSheet:
    text, encoding = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        grid = [
            [cell.strip() for cell in row]
            for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    except csv.Error as exc:
        raise LedgerFormatError(f"the file is not valid CSV: {exc}") from exc
    found = _header(grid)
    if found is None:
        raise LedgerFormatError(_no_header_message())
    header_row, columns = found
    return _sheet("csv", encoding, None, grid, header_row, columns)


def _normalize_header(text: str) -> str:
    return _WHITESPACE_RE.sub("", unicodedata.normalize("NFKC", text)).strip("*＊:：")


_HEADER_KEYS = {
    _normalize_header(name): key for key, names in COLUMN_NAMES.items() for name in names
}


def _header(grid: Sequence[Sequence[str]]) -> tuple[int, dict[str, int]] | None:
    """(row index, column key → column index) of the first row naming the required columns."""
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for position, cell in enumerate(row):
            key = _HEADER_KEYS.get(_normalize_header(cell))
            if key is not None and key not in columns:
                columns[key] = position
        if all(key in columns for key in REQUIRED):
            return index, columns
    return None


def _no_header_message() -> str:
    names = "、".join(COLUMN_NAMES[key][0] for key in REQUIRED)
    return f"no header row naming {names} in the first {HEADER_SEARCH_ROWS} rows"


def _sheet(
    fmt: str,
    encoding: str | None,
    sheet_name: str | None,
    grid: Sequence[Sequence[str]],
    header_row: int,
    columns: dict[str, int],
) -> LedgerSheet:
    header = grid[header_row]
    sheet = LedgerSheet(
        format=fmt,
        encoding=encoding,
        sheet_name=sheet_name,
        header_row=header_row + 1,
        columns={key: header[position] for key, position in columns.items()},
    )
    for index in range(header_row + 1, len(grid)):
        row = grid[index]
        cells = {
            key: row[position] if position < len(row) else "" for key, position in columns.items()
        }
        if any(cells.values()) or any(row):
            sheet.rows.append(SheetRow(index + 1, cells))
    return sheet


# -- checking rows ---------------------------------------------------------------------------


LIMITS = {"category": 200, "measure": 5000, "remarks": 5000, "leads": 2000, "cooperating": 2000}


def parse_rows(sheet: LedgerSheet) -> tuple[list[LedgerRow], list[RowProblem]]:
    """The sheet's rows, checked; problems name the row number and column."""
    rows: list[LedgerRow] = []
    problems: list[RowProblem] = []
    category: str | None = None
    plan_of_category: tuple[str, str] | None = None
    seen: dict[tuple[object, tuple[int, ...]], int] = {}

    def problem(row: SheetRow, key: str | None, code: ProblemCode, message: str) -> None:
        column = sheet.columns.get(key) if key else None
        problems.append(RowProblem(row.number, column, code, message))

    for row in sheet.rows:
        seq_text, measure = row.text("seq"), row.text("measure")
        filled = [value for value in row.cells.values() if value]
        if not filled:
            continue
        if not measure and len(filled) == 1 and _seq(seq_text) is None:
            category = filled[0]  # a heading row: 一、产业结构优化调整, for the rows below
            plan_of_category = None
            continue
        row_plan = (row.text("doc_number"), row.text("plan_key"))
        if row_plan != plan_of_category:
            # A category never carries over into another plan's rows (an export lists several).
            category = category if plan_of_category is None else None
            plan_of_category = row_plan
        if row.text("category"):
            category = row.text("category")
        if not seq_text:
            problem(row, "seq", ProblemCode.MISSING_SEQ, "序号 is empty")
            continue
        seq = _seq(seq_text)
        if seq is None:
            problem(row, "seq", ProblemCode.INVALID_SEQ, f"序号 {seq_text!r} is not a number")
            continue
        if not measure:
            problem(row, "measure", ProblemCode.MISSING_MEASURE, "具体措施 is empty")
            continue
        lead_text = row.text("leads")
        if not lead_text:
            problem(row, "leads", ProblemCode.MISSING_LEAD, "牵头单位 is empty")
            continue
        too_long = [
            key
            for key, limit in LIMITS.items()
            if len((category or "") if key == "category" else row.text(key)) > limit
        ]
        if too_long:
            key = too_long[0]
            problem(row, key, ProblemCode.TEXT_TOO_LONG, f"longer than {LIMITS[key]} characters")
            continue
        doc_number = row.text("doc_number") or None
        plan_key = row.text("plan_key") or None
        plan = (normalize_doc_number(doc_number), plan_key) if doc_number and plan_key else None
        earlier = seen.get((plan, seq))
        if earlier is not None:
            problem(
                row,
                "seq",
                ProblemCode.DUPLICATE_SEQ,
                f"序号 {render_seq(seq)} appears twice (rows {earlier} and {row.number})",
            )
            continue
        seen[(plan, seq)] = row.number
        responsibility = parse_responsibility(lead_text)
        cooperating = list(responsibility.cooperating)
        if row.text("cooperating"):
            cooperating += split_unit_list(row.text("cooperating"))
        if not responsibility.leads:
            problem(row, "leads", ProblemCode.MISSING_LEAD, f"no lead unit in {lead_text!r}")
            continue
        rows.append(
            LedgerRow(
                number=row.number,
                seq=seq,
                category=category,
                category_inherited=not row.text("category"),
                measure=measure,
                deadline_text=row.text("deadline"),
                lead_text=lead_text,
                leads=list(responsibility.leads),
                cooperating=cooperating,
                remarks=row.text("remarks") or None,
                doc_number=doc_number,
                plan_key=plan_key,
            )
        )
    return rows, problems


def _seq(text: str) -> tuple[int, ...] | None:
    normalized = unicodedata.normalize("NFKC", text).strip().rstrip(".、")
    if not _SEQ_RE.match(normalized):
        return None
    path = tuple(int(part) for part in normalized.split("."))
    if any(not 1 <= part <= MAX_SEQ for part in path):
        return None
    return path


def row_deadline(row: LedgerRow, year: int | None) -> tuple[ParsedDeadline, RowProblem | None]:
    """The row's 完成时限 parsed in the plan's year; a warning when text does not parse."""
    parsed = parse_deadline(row.deadline_text, default_year=year)
    if parsed.kind is DeadlineKind.UNSPECIFIED and row.deadline_text:
        warning = RowProblem(
            row.number,
            "完成时限",
            ProblemCode.UNPARSED_DEADLINE,
            f"完成时限 {row.deadline_text!r} names no date: kept as text, kind UNSPECIFIED",
        )
        return parsed, warning
    return parsed, None


# -- text forms written by exports ------------------------------------------------------------


def render_seq(path: Iterable[int]) -> str:
    """序号 of a task (3) or subtask (3.1)."""
    return ".".join(str(part) for part in path)


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def render_deadline(
    kind: DeadlineKind, start: date | None, end: date | None, text: str | None
) -> str:
    """完成时限 as the ledger writes it: the stored text, or words for explicit dates."""
    if text:
        return text
    if kind is DeadlineKind.BY_DATE and end is not None:
        return f"{_day(end)}前"
    if kind is DeadlineKind.FROM_DATE and start is not None:
        return f"{_day(start)}起"
    if kind is DeadlineKind.PERIOD and start is not None and end is not None:
        return f"{_day(start)}至{_day(end)}"
    if kind is DeadlineKind.ONGOING:
        return "长期坚持"
    return ""
