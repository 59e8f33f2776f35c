"""Real 台账 files for tests: .xlsx with a title row and merged cells, .csv in several encodings.

Rows come from the seed air ledger (城政办发〔2023〕20号, 34 rows) as the document writes them:
aliases (区发改(能源)局, 区城管局), group references (各镇（街道）), categories once per block.
"""

from __future__ import annotations

import csv
import functools
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook, load_workbook

from seeds.dataset import DATA_DIR

HEADER = ("任务类别", "序号", "具体措施", "完成时限", "牵头单位", "配合单位", "备注")


@dataclass(frozen=True)
class Row:
    """A ledger row as written in a file."""

    category: str
    seq: Any
    measure: str
    deadline: str
    leads: str
    cooperating: str = ""
    remarks: str = ""
    extra: tuple[Any, ...] = ()  # cells of `extra_header` columns (状态, 进度, 最新进展 …)

    def cells(self) -> list[Any]:
        return [
            self.category,
            self.seq,
            self.measure,
            self.deadline,
            self.leads,
            self.cooperating,
            self.remarks,
            *self.extra,
        ]


def air_ledger() -> list[Row]:
    """The 34 rows of the seed air ledger, verbatim."""
    path = DATA_DIR / "documents" / "2023-chengqu-action-plans.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    plan = next(p for p in spec["plans"] if p["key"] == "air")
    return [
        Row(
            category=t["category"] or "",
            seq=t["seq"],
            measure=t["measure"],
            deadline=t["deadline"] or "",
            leads=t["responsibility"],
            remarks=t.get("remarks") or "",
        )
        for t in plan["tasks"]
    ]


def edit(rows: Sequence[Row], seq: int, **changes: Any) -> list[Row]:
    """The rows with one row changed."""
    return [replace(r, **changes) if r.seq == seq else r for r in rows]


def xlsx_bytes(
    rows: Sequence[Row],
    *,
    title: str | None = "晋城市城区2023年大气污染防治重点工作任务台账",
    merge_categories: bool = True,
    extra_header: Sequence[str] = (),
) -> bytes:
    """A workbook: a merged title row, the header, rows; a category block merged downwards."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "附件2"
    top = 1
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
        top = 2
    sheet.append([*HEADER, *extra_header])
    first_data = top + 1
    for row in rows:
        sheet.append(row.cells())
    if merge_categories:
        start = first_data
        for index in range(1, len(rows) + 1):
            end_of_block = index == len(rows) or rows[index].category != rows[index - 1].category
            if end_of_block:
                end = first_data + index - 1
                if end > start:
                    for r in range(start + 1, end + 1):
                        sheet.cell(row=r, column=1).value = None
                    sheet.merge_cells(start_row=start, start_column=1, end_row=end, end_column=1)
                start = end + 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    rows: Sequence[Row],
    *,
    encoding: str = "utf-8",
    bom: bool = False,
    blank_repeats: bool = True,
    extra_header: Sequence[str] = (),
) -> bytes:
    """CSV text: categories written once per block (blank below, as spreadsheets save them)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*HEADER, *extra_header])
    previous = None
    for row in rows:
        cells = row.cells()
        if blank_repeats and row.category == previous:
            cells[0] = ""
        previous = row.category
        writer.writerow(cells)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def read_xlsx(data: bytes) -> list[list[Any]]:
    """Every row's values of a workbook's first sheet."""
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@functools.cache
def zip_bomb_xlsx(inflated: int = 400_000_000) -> bytes:
    """A ~400 KB .xlsx whose one data cell inflates to `inflated` bytes (the issue's bomb).

    A real workbook (header row, one row) whose sheet XML is rewritten with a huge inline
    string, deflated at level 9: its central directory states the true sizes.
    """
    base = xlsx_bytes(air_ledger()[:1], title=None, merge_categories=False)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info.filename))
                continue
            head = (
                '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
                + "".join(
                    f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
                    for i, name in enumerate(HEADER)
                )
                + '</row><row r="2"><c r="A2" t="inlineStr"><is><t>'
            )
            tail = "</t></is></c></row></sheetData></worksheet>"
            with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                sheet.write(head.encode())
                block = b"A" * 1_000_000
                for _ in range(inflated // len(block)):
                    sheet.write(block)
                sheet.write(tail.encode())
    return out.getvalue()
