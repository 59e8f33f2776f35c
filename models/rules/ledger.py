"""Task ledgers (台账) as files: reading .xlsx/.csv into rows, and the text forms exports write.

Pure: bytes in, rows and row problems out; nothing here touches the database.

- The file: an .xlsx workbook (the first sheet with a header row) or a .csv in UTF-8 (with
  or without BOM) or GB18030 (what Excel saves on a Chinese Windows), detected from the bytes.
- The header row is found by its column names among the first rows, so a title row above
  it and extra columns are fine. Required: 序号, 具体措施, 完成时限, 牵头单位; optional:
  任务类别, 配合单位, 备注, 文号 / 方案 naming each row's plan, and the state columns an export
  writes: 状态, 进度 and 最新进展 ("2024-05-10 区生态环境分局：…", its date the day the state
  was reported; a 进展日期 column may give the day instead). 是否逾期 is derived, never read.
- Cells merged down several rows count in every row they cover; a blank 任务类别 inherits
  the category above, and a row holding nothing but one text (一、产业结构优化调整) sets the
  category of the rows below it.
- 序号 is a positive number, or a path such as 3.1 for a subtask of task 3.
- Hostile files are refused before they are read in full (LedgerLimits, LedgerTooLarge): an
  .xlsx by its zip central directory (total and per-entry inflated size, compression ratio;
  zipfile never inflates an entry beyond the size its directory states), then row by row
  as the sheet streams (rows, columns, cell length), a .csv by its size and row by row.
  Cells holding characters text may not hold (models/rules/text.py: NUL, control
  characters, lone surrogates) are row problems naming the row and column.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from models.enums import DeadlineKind, TaskStatus
from models.messages import Message, Text, message
from models.rules.deadline import ParsedDeadline, parse_deadline
from models.rules.names import normalize_doc_number, split_unit_list
from models.rules.responsibility import parse_responsibility
from models.rules.text import describe_invalid

__all__ = [
    "DEFAULT_LIMITS",
    "EXPORT_COLUMNS",
    "HEADER_SEARCH_ROWS",
    "LEDGER_COLUMNS",
    "STATUS_TEXT",
    "LedgerFormatError",
    "LedgerLimits",
    "LedgerRow",
    "LedgerSheet",
    "LedgerTooLarge",
    "ParsedLedger",
    "ProblemCode",
    "ReportedState",
    "RowProblem",
    "StateError",
    "check_archive",
    "neutralize_formula",
    "parse_ledger",
    "parse_progress",
    "parse_rows",
    "parse_status",
    "read_ledger",
    "render_deadline",
    "render_news",
    "render_progress",
    "render_seq",
    "restore_formula",
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
    "status": ("状态", "完成状态", "进展状态"),
    "progress": ("进度", "完成进度", "进度百分比"),
    "news": ("最新进展", "进展情况"),
    "reported_on": ("进展日期", "报送日期", "更新日期"),
}
REQUIRED = ("seq", "measure", "deadline", "leads")
HEADER_SEARCH_ROWS = 20

# What an export writes: the ledger's columns, then the state columns (状态, 进度 and 最新进展
# become dated reports on import; 是否逾期 is derived and ignored), then the plan of each row
# (used on import when no plan is named).
LEDGER_COLUMNS = ("任务类别", "序号", "具体措施", "完成时限", "牵头单位", "配合单位", "备注")
STATE_COLUMNS = ("状态", "进度", "最新进展", "是否逾期")
PLAN_COLUMNS = ("文号", "方案")
EXPORT_COLUMNS = LEDGER_COLUMNS + STATE_COLUMNS + PLAN_COLUMNS

MAX_SEQ = 1_000_000
_SEQ_RE = re.compile(r"^\d+(?:\.\d+)*$")
_WHITESPACE_RE = re.compile(r"\s+")


class LedgerFormatError(ValueError):
    """The file is not a ledger this reader understands (no header row, not xlsx/csv …);
    `text` the message (a catalogue message where there is one)."""

    def __init__(self, text: Text) -> None:
        super().__init__(str(text))
        self.text = text


class LedgerTooLarge(LedgerFormatError):
    """The file is over one of its LedgerLimits: refused before it is read in full."""


@dataclass(frozen=True, slots=True)
class LedgerLimits:
    """What a ledger file may be (GOVGRAPH_LEDGER_* settings, README Configuration).

    Checked before the file is read in full, so a small hostile file (a zip bomb, a sheet of
    a million empty rows, one cell of 400 MB) costs nothing to refuse.
    """

    max_bytes: int = 100_000_000  # a .csv's size; the inflated size of an .xlsx's entries
    max_ratio: int = 100  # an .xlsx entry's inflated / compressed size (entries over 1 MB)
    max_rows: int = 200_000  # rows of a sheet, title and header rows included
    max_columns: int = 100
    max_cell_chars: int = 10_000


DEFAULT_LIMITS = LedgerLimits()
RATIO_FLOOR = 1_000_000  # entries smaller than this inflate to little whatever their ratio
MAX_ENTRIES = 1_000


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
    INVALID_CHARACTER = "INVALID_CHARACTER"
    UNKNOWN_STATUS = "UNKNOWN_STATUS"
    INVALID_PROGRESS = "INVALID_PROGRESS"
    INVALID_DATE = "INVALID_DATE"
    FUTURE_DATE = "FUTURE_DATE"
    DATE_BEFORE_HISTORY = "DATE_BEFORE_HISTORY"
    STATE_IGNORED = "STATE_IGNORED"


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A problem of one row (or of the file, without a row), with the column it concerns."""

    row: int | None
    column: str | None
    code: ProblemCode
    message: Text  # models/messages.py: rendered in the reader's language


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
    problems: list[RowProblem] = field(default_factory=list)  # cells with invalid characters


@dataclass(frozen=True, slots=True)
class ReportedState:
    """A row's 状态 / 进度 / 最新进展: its task's state as of a day (an export's columns).

    `on` is the 进展日期 column's day, else the date 最新进展 starts with, else None (the
    state is known at the import). `news` is 最新进展 after its date; `reporter` the unit
    name it writes before a colon ("区生态环境分局：…"), for the importer to check.
    """

    status: TaskStatus | None
    progress: float | None
    on: date | None
    news: str | None
    reporter: str | None = None
    dated_by: str | None = None  # the column `on` comes from: 进展日期 or 最新进展

    @property
    def narrative(self) -> str | None:
        """The report's text: 最新进展 without its date and unit, None when it only repeats
        the progress (what an export writes for a report without a narrative)."""
        if self.news is None:
            return None
        text = self.news
        if self.reporter is not None:
            text = text.split(self.reporter, 1)[1].lstrip(_REPORTER_COLONS).strip()
        return None if not text or _PERCENT_ONLY_RE.match(text) else text


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
    state: ReportedState | None = None

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


def read_ledger(
    data: bytes, filename: str | None = None, limits: LedgerLimits = DEFAULT_LIMITS
) -> LedgerSheet:
    """The ledger of an .xlsx or .csv file's bytes (format detected from the content)."""
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, limits)
    if filename and filename.lower().endswith((".xlsx", ".xlsm")):
        raise LedgerFormatError(message("LEDGER_NOT_XLSX"))
    return _read_csv(data, limits)


@dataclass
class ParsedLedger:
    """A ledger file read and its rows checked: what an import needs of the file."""

    format: str
    encoding: str | None
    sheet_name: str | None
    header_row: int
    row_count: int
    rows: list[LedgerRow]
    problems: list[RowProblem]


def parse_ledger(
    data: bytes, filename: str | None = None, limits: LedgerLimits = DEFAULT_LIMITS
) -> ParsedLedger:
    """read_ledger, then parse_rows: the CPU-bound half of an import, run off the event loop
    (resolvers/ledger/files.py)."""
    sheet = read_ledger(data, filename, limits)
    rows, problems = parse_rows(sheet)
    return ParsedLedger(
        sheet.format,
        sheet.encoding,
        sheet.sheet_name,
        sheet.header_row,
        len(sheet.rows),
        rows,
        problems,
    )


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


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


def check_archive(data: bytes, limits: LedgerLimits = DEFAULT_LIMITS) -> zipfile.ZipFile:
    """The .xlsx's zip archive, once its central directory is within the limits.

    Nothing is inflated: the directory states each entry's sizes, and zipfile (which openpyxl
    reads through) stops an entry at its stated size and fails its CRC beyond it.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise LedgerFormatError(message("LEDGER_UNREADABLE_XLSX", detail=str(exc))) from exc
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise LedgerTooLarge(f"the workbook holds {len(entries):,} files, over {MAX_ENTRIES:,}")
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > limits.max_bytes or total > limits.max_bytes:
            raise LedgerTooLarge(
                f"the workbook inflates to over {_megabytes(limits.max_bytes)} "
                f"({entry.filename}: {_megabytes(entry.file_size)}; "
                "limit GOVGRAPH_LEDGER_MAX_BYTES)"
            )
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
            raise LedgerTooLarge(
                f"{entry.filename} is compressed {ratio:,.0f} to 1, over {limits.max_ratio} to 1 "
                "(a zip bomb?; limit GOVGRAPH_LEDGER_MAX_RATIO)"
            )
    return archive


def _check_row(cells: list[str], number: int, limits: LedgerLimits) -> list[str]:
    """The row without trailing blank cells, once within the limits (else LedgerTooLarge)."""
    if number > limits.max_rows:
        raise LedgerTooLarge(
            f"the sheet has more than {limits.max_rows:,} rows (limit GOVGRAPH_LEDGER_MAX_ROWS)"
        )
    while cells and not cells[-1]:
        cells.pop()
    if len(cells) > limits.max_columns:
        raise LedgerTooLarge(
            f"row {number} has {len(cells):,} columns, over {limits.max_columns:,} "
            "(limit GOVGRAPH_LEDGER_MAX_COLUMNS)"
        )
    for position, cell in enumerate(cells):
        if len(cell) > limits.max_cell_chars:
            raise LedgerTooLarge(
                f"row {number}, column {_column_letter(position)}: a cell of {len(cell):,} "
                f"characters, over {limits.max_cell_chars:,} (limit GOVGRAPH_LEDGER_MAX_CELL_CHARS)"
            )
    return cells


def _column_letter(position: int) -> str:
    """A, B, …, Z, AA … of a 0-based column position."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _read_xlsx(data: bytes, limits: LedgerLimits) -> LedgerSheet:
    archive = check_archive(data, limits)
    # Lazy: openpyxl is heavy and only .xlsx files need it.
    from openpyxl import load_workbook

    try:
        # Read-only: the sheet streams, so its limits are checked row by row as it is read.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except LedgerFormatError:
        raise
    except Exception as exc:  # a hostile workbook breaks openpyxl in many ways
        raise LedgerFormatError(message("LEDGER_UNREADABLE_XLSX", detail=str(exc))) from exc
    try:
        for sheet in workbook.worksheets:
            grid = _xlsx_grid(sheet, limits)
            path = getattr(sheet, "_worksheet_path", None)  # openpyxl's read-only sheets
            if path:
                _fill_merged(grid, _merged_ranges(archive, path), limits)
            found = _header(grid)
            if found is not None:
                header_row, columns = found
                return _sheet("xlsx", None, sheet.title, grid, header_row, columns)
    except LedgerFormatError:
        raise
    except Exception as exc:  # malformed XML, bad references …: a bad file, not a bug here
        raise LedgerFormatError(message("LEDGER_UNREADABLE_XLSX", detail=str(exc))) from exc
    finally:
        workbook.close()
        archive.close()
    raise LedgerFormatError(_no_header_message())


def _xlsx_grid(sheet: Any, limits: LedgerLimits) -> list[list[str]]:
    # A stated dimension (A1:XFD1048576) would pad every row to it: read the cells as they are.
    sheet.reset_dimensions()
    grid: list[list[str]] = []
    for values in sheet.iter_rows(values_only=True):
        grid.append(_check_row([_cell_text(v) for v in values], len(grid) + 1, limits))
    return grid


def _merged_ranges(archive: zipfile.ZipFile, path: str) -> Iterator[tuple[int, int, int, int]]:
    """(min column, min row, max column, max row) of the sheet's merged cells, 1-based.

    Read-only sheets do not keep them, so the sheet's XML is scanned again, streamed
    through expat (no tree is built).
    """
    from xml.parsers import expat

    from openpyxl.utils.cell import range_boundaries

    found: list[str] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        if name.rsplit(" ", 1)[-1] == "mergeCell" and "ref" in attributes:
            found.append(attributes["ref"])

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    with archive.open(path) as source:
        parser.ParseFile(source)
    for ref in found:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if None not in (min_col, min_row, max_col, max_row):
            yield min_col or 1, min_row or 1, max_col or 1, max_row or 1


def _fill_merged(
    grid: list[list[str]], ranges: Iterable[tuple[int, int, int, int]], limits: LedgerLimits
) -> None:
    """Cells merged down several rows take the top cell's text in every row they cover."""
    budget = limits.max_rows * limits.max_columns
    for min_col, min_row, max_col, max_row in ranges:
        if max_row == min_row or min_row > len(grid):
            continue  # merged across columns only: a heading, its text counts once
        if max_col > limits.max_columns:
            raise LedgerTooLarge(
                f"a merged range reaches column {max_col:,}, over {limits.max_columns:,} "
                "(limit GOVGRAPH_LEDGER_MAX_COLUMNS)"
            )
        top = grid[min_row - 1]
        value = top[min_col - 1] if min_col - 1 < len(top) else ""
        for r in range(min_row, min(max_row, len(grid)) + 1):
            row = grid[r - 1]
            if len(row) < max_col:
                row.extend([""] * (max_col - len(row)))
            for c in range(min_col, max_col + 1):
                row[c - 1] = value
            budget -= max_col - min_col + 1
        if budget < 0:
            raise LedgerTooLarge("the sheet's merged cells cover more cells than its limits")


def _decode(data: bytes) -> tuple[str, str]:
    """Text and encoding: a BOM decides; else UTF-8 if it decodes, else GB18030."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16"), "utf-16"
    except UnicodeDecodeError as exc:
        text = message("LEDGER_BAD_TEXT", reason=exc.reason, at=exc.start)
        raise LedgerFormatError(text) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise LedgerFormatError(message("LEDGER_NOT_TEXT")) from exc


def _read_csv(data: bytes, limits: LedgerLimits) -> LedgerSheet:
    if len(data) > limits.max_bytes:
        raise LedgerTooLarge(
            f"the file is {_megabytes(len(data))}, over {_megabytes(limits.max_bytes)} "
            "(limit GOVGRAPH_LEDGER_MAX_BYTES)"
        )
    text, encoding = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    grid: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            cells = [restore_formula(cell.strip()) for cell in row]  # an export's quotes
            grid.append(_check_row(cells, len(grid) + 1, limits))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise LedgerTooLarge(
                f"row {len(grid) + 1}: a cell over {csv.field_size_limit():,} characters"
            ) from exc
        raise LedgerFormatError(message("LEDGER_NOT_CSV", detail=str(exc))) from exc
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


def _no_header_message() -> Message:
    names = "、".join(COLUMN_NAMES[key][0] for key in REQUIRED)
    return message("LEDGER_NO_HEADER", names=names, rows=HEADER_SEARCH_ROWS)


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
    for index, row in enumerate(grid):
        for position, cell in enumerate(row):
            reason = describe_invalid(cell)
            if reason is not None:
                named = header[position] if position < len(header) and header[position] else ""
                column = named or _column_letter(position)
                sheet.problems.append(
                    RowProblem(
                        index + 1,
                        column,
                        ProblemCode.INVALID_CHARACTER,
                        message(
                            "LEDGER_BAD_CHARACTER", row=index + 1, column=column, reason=reason
                        ),
                    )
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
    problems: list[RowProblem] = list(sheet.problems)
    refused = {problem.row for problem in sheet.problems}
    category: str | None = None
    plan_of_category: tuple[str, str] | None = None
    seen: dict[tuple[object, tuple[int, ...]], int] = {}

    def problem(row: SheetRow, key: str | None, code: ProblemCode, text: Text) -> None:
        column = sheet.columns.get(key) if key else None
        problems.append(RowProblem(row.number, column, code, text))

    for row in sheet.rows:
        if row.number in refused:
            continue
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
            problem(row, "seq", ProblemCode.MISSING_SEQ, message("LEDGER_SEQ_EMPTY"))
            continue
        seq = _seq(seq_text)
        if seq is None:
            text = message("LEDGER_SEQ_NOT_NUMBER", seq=repr(seq_text))
            problem(row, "seq", ProblemCode.INVALID_SEQ, text)
            continue
        if not measure:
            problem(row, "measure", ProblemCode.MISSING_MEASURE, message("LEDGER_MEASURE_EMPTY"))
            continue
        lead_text = row.text("leads")
        if not lead_text:
            problem(row, "leads", ProblemCode.MISSING_LEAD, message("LEDGER_LEAD_EMPTY"))
            continue
        too_long = [
            key
            for key, limit in LIMITS.items()
            if len((category or "") if key == "category" else row.text(key)) > limit
        ]
        if too_long:
            key = too_long[0]
            text = message("LEDGER_TOO_LONG", limit=LIMITS[key])
            problem(row, key, ProblemCode.TEXT_TOO_LONG, text)
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
            text = message("LEDGER_NO_LEAD", text=repr(lead_text))
            problem(row, "leads", ProblemCode.MISSING_LEAD, text)
            continue
        try:
            state = reported_state(row)
        except StateError as error:
            problem(row, error.key, error.code, error.text)
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
                state=state,
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


# -- state columns (状态, 进度, 最新进展, 进展日期) -------------------------------------------


# 状态 as exports write it (the dashboard's words), and the other ways ledgers say it.
STATUS_TEXT = {
    TaskStatus.NOT_STARTED: "未启动",
    TaskStatus.IN_PROGRESS: "推进中",
    TaskStatus.COMPLETED: "已完成",
}
_STATUS_WORDS = {
    **{text: status for status, text in STATUS_TEXT.items()},
    **{status.value: status for status in TaskStatus},
    "未开始": TaskStatus.NOT_STARTED,  # exports before issue 19 wrote it
    "尚未开始": TaskStatus.NOT_STARTED,
    "进行中": TaskStatus.IN_PROGRESS,
    "正在推进": TaskStatus.IN_PROGRESS,
    "正在进行": TaskStatus.IN_PROGRESS,
    "已启动": TaskStatus.IN_PROGRESS,
    "完成": TaskStatus.COMPLETED,
    "已办结": TaskStatus.COMPLETED,
    "办结": TaskStatus.COMPLETED,
}
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_TIME_RE = re.compile(r"^[T\s]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?")
_PROGRESS_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*%?$")
_PERCENT_ONLY_RE = re.compile(r"^\d+(?:\.\d+)?%$")
_REPORTER_COLONS = "：:"
_REPORTER_RE = re.compile(r"^([^\s：:，,。；;]{2,40})[：:]")
MIN_YEAR, MAX_YEAR = 1990, 2100


class StateError(ValueError):
    """A state cell that cannot be read: its column key and problem code."""

    def __init__(self, key: str, code: ProblemCode, text: Message) -> None:
        super().__init__(str(text))
        self.key, self.code, self.text = key, code, text


def parse_status(text: str) -> TaskStatus:
    """状态: 未启动 / 推进中 / 已完成 (an export's words), their synonyms or the enum names."""
    key = _WHITESPACE_RE.sub("", unicodedata.normalize("NFKC", text))
    found = _STATUS_WORDS.get(key) or _STATUS_WORDS.get(key.upper())
    if found is None:
        words = "、".join(STATUS_TEXT.values())
        problem = message("LEDGER_UNKNOWN_STATUS", text=repr(text), words=words)
        raise StateError("status", ProblemCode.UNKNOWN_STATUS, problem)
    return found


def parse_progress(text: str) -> float:
    """进度: percent points 0–100, with or without % (75%, 75, 33.3%)."""
    normalized = _WHITESPACE_RE.sub("", unicodedata.normalize("NFKC", text))
    match = _PROGRESS_RE.match(normalized)
    if match is None or not 0 <= float(match.group(1)) <= 100:
        problem = message("LEDGER_BAD_PROGRESS", text=repr(text))
        raise StateError("progress", ProblemCode.INVALID_PROGRESS, problem)
    return float(match.group(1))


def split_dated(text: str, key: str) -> tuple[date | None, str]:
    """(the date a text starts with, the rest): 2024-05-10, 2024/5/10, 2024年5月10日, with an
    optional time after it (an .xlsx date-time cell); StateError for an impossible date."""
    normalized = unicodedata.normalize("NFKC", text).strip()
    match = _DATE_RE.match(normalized)
    if match is None:
        return None, normalized
    year, month, day = (int(part) for part in match.groups())
    try:
        found = date(year, month, day)
    except ValueError:
        found = None
    if found is None or not MIN_YEAR <= year <= MAX_YEAR:
        problem = message("LEDGER_BAD_DATE", text=repr(match.group(0)))
        raise StateError(key, ProblemCode.INVALID_DATE, problem)
    rest = normalized[match.end() :]
    time_match = _TIME_RE.match(rest)
    if time_match is not None:
        rest = rest[time_match.end() :]
    return found, rest.strip()


def reported_state(row: SheetRow) -> ReportedState | None:
    """The row's state columns read (None when all are blank); StateError when one is bad."""
    status_text, progress_text = row.text("status"), row.text("progress")
    news_text, day_text = row.text("news"), row.text("reported_on")
    if not (status_text or progress_text or news_text or day_text):
        return None
    status = parse_status(status_text) if status_text else None
    progress = parse_progress(progress_text) if progress_text else None
    day: date | None = None
    dated_by: str | None = None
    if day_text:
        day, rest = split_dated(day_text, "reported_on")
        if day is None or rest:
            problem = message("LEDGER_BAD_DATE", text=repr(day_text))
            raise StateError("reported_on", ProblemCode.INVALID_DATE, problem)
        dated_by = "进展日期"
    news: str | None = None
    reporter: str | None = None
    if news_text:
        news_day, rest = split_dated(news_text, "news")
        if day is None and news_day is not None:
            day, dated_by = news_day, "最新进展"
        news = rest or None
        match = _REPORTER_RE.match(rest) if news_day is not None else None
        reporter = match.group(1) if match else None
    return ReportedState(status, progress, day, news, reporter, dated_by)


@functools.lru_cache(maxsize=4096)
def _parsed_deadline(text: str, year: int | None) -> ParsedDeadline:
    """parse_deadline, cached: a ledger repeats a few 完成时限 over thousands of rows."""
    return parse_deadline(text, default_year=year)


def row_deadline(row: LedgerRow, year: int | None) -> tuple[ParsedDeadline, RowProblem | None]:
    """The row's 完成时限 parsed in the plan's year; a warning when text does not parse."""
    parsed = _parsed_deadline(row.deadline_text, year)
    if parsed.kind is DeadlineKind.UNSPECIFIED and row.deadline_text:
        warning = RowProblem(
            row.number,
            "完成时限",
            ProblemCode.UNPARSED_DEADLINE,
            message("LEDGER_DEADLINE_TEXT", text=repr(row.deadline_text)),
        )
        return parsed, warning
    return parsed, None


# -- text forms written by exports ------------------------------------------------------------


# Cells a spreadsheet would run as a formula when the CSV is opened (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(text: str) -> str:
    """A CSV cell's text that no spreadsheet runs as a formula: a leading `'` when the text
    starts with = + - @ tab or carriage return (OWASP's advice), also after leading quotes,
    so that `restore_formula` gives back exactly the text (`'=x` → `''=x` → `'=x`).

    Only text cells: numbers are written as numbers (a negative number stays a number).
    """
    return "'" + text if text.lstrip("'").startswith(FORMULA_PREFIXES) else text


def restore_formula(text: str) -> str:
    """The text `neutralize_formula` was given: a CSV import drops the quote it added."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def render_seq(path: Iterable[int]) -> str:
    """序号 of a task (3) or subtask (3.1)."""
    return ".".join(str(part) for part in path)


def render_progress(value: float) -> str:
    """进度 as exports write it: one decimal at most, with % (33.3%, 100%)."""
    return f"{value:.1f}".rstrip("0").rstrip(".") + "%"


def render_news(day: date, unit: str, narrative: str | None, percent: float) -> str:
    """最新进展 as exports write it: the report's day, its unit and its text (or percent);
    `reported_state` reads it back."""
    return f"{day.isoformat()} {unit}：{narrative or render_progress(percent)}"


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
