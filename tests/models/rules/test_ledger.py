"""Reading 台账 files (models/rules/ledger.py): formats, encodings, header, merged cells, rows."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from models.enums import DeadlineKind
from models.rules.deadline import parse_deadline
from models.rules.ledger import (
    LedgerFormatError,
    ProblemCode,
    parse_rows,
    read_ledger,
    render_deadline,
    row_deadline,
)
from tests.ledger_files import Row, air_ledger, csv_bytes, edit, xlsx_bytes


class TestReadLedger:
    def test_xlsx_with_title_row_and_merged_categories_reads_every_row(self) -> None:
        sheet = read_ledger(xlsx_bytes(air_ledger()), "台账.xlsx")
        rows, problems = parse_rows(sheet)
        assert problems == []
        assert (sheet.format, sheet.sheet_name, sheet.header_row) == ("xlsx", "附件2", 2)
        assert [r.seq for r in rows] == [(n,) for n in range(1, 35)]
        assert rows[0].number == 3  # row numbers are the sheet's
        # Merged category cells count in every row they cover.
        assert rows[7].category == "一、产业结构优化调整"
        assert rows[8].category == "二、持续推进能源结构优化"
        assert all(r.category for r in rows)

    @pytest.mark.parametrize(
        ("encoding", "bom", "expected"),
        [
            ("utf-8", True, "utf-8-sig"),
            ("utf-8", False, "utf-8"),
            ("gb18030", False, "gb18030"),
        ],
    )
    def test_csv_encodings_are_detected(self, encoding: str, bom: bool, expected: str) -> None:
        sheet = read_ledger(csv_bytes(air_ledger(), encoding=encoding, bom=bom))
        rows, problems = parse_rows(sheet)
        assert (sheet.format, sheet.encoding, problems) == ("csv", expected, [])
        assert rows[13].leads == ["区市场监管局", "各镇（街道）"]
        # Blank category cells inherit the category above.
        assert rows[1].category == rows[0].category == "一、产业结构优化调整"

    def test_header_is_found_below_title_rows_and_among_extra_columns(self) -> None:
        data = (
            "附件2,,,,\r\n晋城市城区台账,,,,\r\n"
            "编号,序号,任务类别,具体措施,完成时限,牵头单位,状态\r\n"
            ",1,一、类别,措施一,2023年6月底前,区生态环境分局,推进中\r\n"
        ).encode()
        sheet = read_ledger(data)
        rows, problems = parse_rows(sheet)
        assert problems == []
        assert sheet.header_row == 3
        assert (rows[0].category, rows[0].measure, rows[0].leads) == (
            "一、类别",
            "措施一",
            ["区生态环境分局"],
        )

    def test_a_file_without_the_columns_is_refused(self) -> None:
        with pytest.raises(LedgerFormatError, match="序号"):
            read_ledger("名称,数量\r\n甲,1\r\n".encode())

    def test_a_corrupt_workbook_is_refused(self) -> None:
        with pytest.raises(LedgerFormatError):
            read_ledger(b"PK\x03\x04 not really a zip", "x.xlsx")

    def test_numbers_and_dates_in_cells_read_as_text(self) -> None:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(["序号", "具体措施", "完成时限", "牵头单位"])
        sheet.append([1.0, "措施", date(2023, 6, 30), "区生态环境分局"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        (row,), problems = parse_rows(read_ledger(buffer.getvalue()))
        assert (row.seq, row.deadline_text, problems) == ((1,), "2023-06-30", [])


class TestParseRows:
    def test_bad_rows_are_reported_with_row_numbers_and_columns(self) -> None:
        rows = [
            *air_ledger()[:4],
            Row("", "", "没有序号的措施", "2023年6月底前", "区生态环境分局"),
            Row("", "五", "序号不是数字", "2023年6月底前", "区生态环境分局"),
            Row("", 2, "重复的序号", "2023年6月底前", "区生态环境分局"),
            Row("", 9, "", "2023年6月底前", "区生态环境分局"),
            Row("", 10, "没有牵头单位", "2023年6月底前", ""),
        ]
        parsed, problems = parse_rows(read_ledger(csv_bytes(rows)))
        assert [r.seq for r in parsed] == [(1,), (2,), (3,), (4,)]
        assert [(p.row, p.column, p.code) for p in problems] == [
            (6, "序号", ProblemCode.MISSING_SEQ),
            (7, "序号", ProblemCode.INVALID_SEQ),
            (8, "序号", ProblemCode.DUPLICATE_SEQ),
            (9, "具体措施", ProblemCode.MISSING_MEASURE),
            (10, "牵头单位", ProblemCode.MISSING_LEAD),
        ]

    def test_heading_rows_set_the_category_of_the_rows_below(self) -> None:
        data = (
            "序号,具体措施,完成时限,牵头单位\r\n"
            "一、产业结构,,,\r\n1,措施一,长期坚持,区工信局\r\n"
            "二、能源结构,,,\r\n2,措施二,长期坚持,区工信局\r\n"
        ).encode()
        rows, problems = parse_rows(read_ledger(data))
        assert problems == []
        assert [r.category for r in rows] == ["一、产业结构", "二、能源结构"]

    def test_lead_cell_with_lead_and_cooperating_units_and_a_cooperating_column(self) -> None:
        rows = [Row("类", 1, "措施", "长期坚持", "区水务局牵头，各镇（街道）配合", "区农业农村局")]
        (row,), _ = parse_rows(read_ledger(csv_bytes(rows)))
        assert row.leads == ["区水务局"]
        assert row.cooperating == ["各镇（街道）", "区农业农村局"]
        assert row.lead_text == "区水务局牵头，各镇（街道）配合"

    def test_leads_split_on_every_separator(self) -> None:
        rows = [Row("类", 1, "措施", "长期坚持", "区工信局、区水务局，区城管局,区住建局")]
        (row,), _ = parse_rows(read_ledger(csv_bytes(rows)))
        assert row.leads == ["区工信局", "区水务局", "区城管局", "区住建局"]

    def test_subtask_seq_paths(self) -> None:
        rows = [Row("类", "3.1", "子任务", "长期坚持", "区工信局")]
        (row,), _ = parse_rows(read_ledger(csv_bytes(rows)))
        assert (row.seq, row.seq_text) == ((3, 1), "3.1")

    def test_categories_do_not_carry_into_another_plans_rows(self) -> None:
        data = (
            "任务类别,序号,具体措施,完成时限,牵头单位,文号,方案\r\n"
            "一、类,1,措施,长期坚持,区工信局,城政办发〔2023〕20号,air\r\n"
            ",2,措施,长期坚持,区工信局,城政办发〔2023〕20号,air\r\n"
            ",1,措施,长期坚持,区工信局,城政办发〔2023〕20号,water-projects\r\n"
        ).encode()
        rows, _ = parse_rows(read_ledger(data))
        assert [r.category for r in rows] == ["一、类", "一、类", None]
        # The same 序号 in two plans is no duplicate.
        assert [r.plan_ref for r in rows][2] == ("城政办发〔2023〕20号", "water-projects")

    def test_unparsable_deadline_is_a_warning_not_an_error(self) -> None:
        rows = edit(air_ledger()[:1], 1, deadline="尽快")
        (row,), problems = parse_rows(read_ledger(csv_bytes(rows)))
        parsed, warning = row_deadline(row, 2023)
        assert problems == []
        assert (parsed.kind, parsed.text) == (DeadlineKind.UNSPECIFIED, "尽快")
        assert warning is not None
        assert warning.code is ProblemCode.UNPARSED_DEADLINE


class TestRenderDeadline:
    @given(
        st.sampled_from([DeadlineKind.BY_DATE, DeadlineKind.FROM_DATE, DeadlineKind.PERIOD]),
        st.dates(date(1990, 1, 1), date(2100, 12, 31)),
        st.integers(0, 400),
    )
    def test_dates_without_text_render_as_words_that_parse_back(
        self, kind: DeadlineKind, start: date, days: int
    ) -> None:
        end = date.fromordinal(min(start.toordinal() + days, date(2100, 12, 31).toordinal()))
        first = start if kind is not DeadlineKind.BY_DATE else None
        last = end if kind is not DeadlineKind.FROM_DATE else None
        parsed = parse_deadline(render_deadline(kind, first, last, ""))
        assert (parsed.kind, parsed.start, parsed.end) == (kind, first, last)

    def test_stored_text_wins(self) -> None:
        assert render_deadline(DeadlineKind.ONGOING, None, None, "长期坚持") == "长期坚持"
        assert render_deadline(DeadlineKind.ONGOING, None, None, "") == "长期坚持"
        assert render_deadline(DeadlineKind.UNSPECIFIED, None, None, "") == ""
