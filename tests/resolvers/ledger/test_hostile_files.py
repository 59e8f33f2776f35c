"""Hostile 台账 files and export parameters (issue 14, items 3–5), on SQLite and PostgreSQL.

Uploads over a limit are FILE_TOO_LARGE before they are read in full (a zip bomb by its
central directory); cells with NUL, control characters or undecodable text are typed errors
naming the row and column; exports neutralise formula cells in CSV, keep xlsx text as text,
and the exported files import back unchanged; export parameters with such characters are 400.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import tracemalloc
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import Workbook, load_workbook

from api.app import create_app
from api.cli import main
from api.settings import Settings
from models.rules.ledger import (
    LedgerLimits,
    LedgerTooLarge,
    check_archive,
    neutralize_formula,
    parse_ledger,
    read_ledger,
    restore_formula,
)
from resolvers.common import decode_global_id
from tests.conftest import TEST_SECRET, GraphQLClient
from tests.ledger_files import HEADER, Row, air_ledger, csv_bytes, xlsx_bytes, zip_bomb_xlsx
from tests.resolvers.ledger.conftest import DOC_NUMBER, Ledger

FORMULAS = ('=HYPERLINK("http://x","y")', "=1+1", "+1+1", "-1+1", "@SUM(1+1)", "'=quoted")


def _text_xlsx(rows: list[Row]) -> bytes:
    """A workbook whose text cells are text (openpyxl would write `=1+1` as a formula)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row.cells())
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _codes(payload: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


@contextlib.asynccontextmanager
async def limited(ledger: Ledger, limits: LedgerLimits) -> AsyncIterator[Ledger]:
    """The ledger's database served by an app with other GOVGRAPH_LEDGER_* limits."""
    settings = Settings(database_url=ledger.db.url, secret=TEST_SECRET, ledger_limits=limits)
    app = create_app(settings, engine=ledger.db.engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        yield Ledger(ledger.db, GraphQLClient(http), ledger.plan_id, ledger.units)


class TestLimits:
    async def test_a_zip_bomb_is_refused_and_nothing_is_written(self, ledger: Ledger) -> None:
        before = await ledger.counts()
        payload = await ledger.upload(zip_bomb_xlsx())
        assert payload["report"] is None
        assert _codes(payload) == [("FILE_TOO_LARGE", "file")]
        assert "GOVGRAPH_LEDGER_MAX_BYTES" in payload["errors"][0]["message"]
        assert await ledger.counts() == before

    def test_the_bomb_is_refused_from_its_directory_without_inflating(self) -> None:
        bomb = zip_bomb_xlsx()
        tracemalloc.start()
        try:
            with pytest.raises(LedgerTooLarge, match="inflates"):
                read_ledger(bomb, "台账.xlsx")
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 5_000_000  # the cell is 400 MB inflated

    def test_a_highly_compressed_entry_is_refused_by_its_ratio(self) -> None:
        bomb = zip_bomb_xlsx(inflated=50_000_000)  # under the size limit, ratio ~1000:1
        with pytest.raises(LedgerTooLarge, match="GOVGRAPH_LEDGER_MAX_RATIO"):
            check_archive(bomb)

    async def test_rows_columns_and_cells_over_the_limits(self, ledger: Ledger) -> None:
        limits = LedgerLimits(max_rows=20, max_columns=9, max_cell_chars=300, max_bytes=200_000)
        rows = air_ledger()
        long_cell = [Row("", 40, "很长" * 200, "", "区水务局")]
        cases = [
            (csv_bytes(rows), "台账.csv", "GOVGRAPH_LEDGER_MAX_ROWS"),
            (xlsx_bytes(rows), "台账.xlsx", "GOVGRAPH_LEDGER_MAX_ROWS"),
            (csv_bytes(rows[:3] + long_cell), "台账.csv", "GOVGRAPH_LEDGER_MAX_CELL_CHARS"),
            (xlsx_bytes(rows[:3] + long_cell), "台账.xlsx", "GOVGRAPH_LEDGER_MAX_CELL_CHARS"),
            (
                csv_bytes(rows[:3]).replace(b"\r\n", b",a,b,c,d,e\r\n", 1),
                "台账.csv",
                "GOVGRAPH_LEDGER_MAX_COLUMNS",
            ),
            (b"x" * 200_001, "台账.csv", "GOVGRAPH_LEDGER_MAX_BYTES"),
        ]
        before = await ledger.counts()
        async with limited(ledger, limits) as small:
            for data, name, limit in cases:
                payload = await small.upload(data, name)
                assert _codes(payload) == [("FILE_TOO_LARGE", "file")], (name, limit, payload)
                assert limit in payload["errors"][0]["message"]
            assert (await small.upload(csv_bytes(rows[:10]), "台账.csv"))["errors"] == []
        assert (await ledger.counts())["task"] == before["task"] + 10

    def test_a_sheet_claiming_a_huge_dimension_is_read_as_it_is(self) -> None:
        """<dimension ref="A1:XFD1048576"> would pad every row to 16,384 cells."""
        data = xlsx_bytes(air_ledger()[:2], title=None, merge_categories=False)
        source = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                content = source.read(info.filename)
                if info.filename == "xl/worksheets/sheet1.xml":
                    content = content.replace(b'<dimension ref="A1:G3"/>', b"").replace(
                        b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>', 1
                    )
                target.writestr(info, content)
        parsed = parse_ledger(out.getvalue(), "台账.xlsx")
        assert [row.number for row in parsed.rows] == [2, 3]


class TestInvalidCharacters:
    @pytest.mark.parametrize(
        ("cell", "code_point"),
        [("加强\x00管控", "U+0000"), ("加强\x01管控", "U+0001"), ("加强\x7f管控", "U+007F")],
    )
    async def test_a_csv_cell_with_a_control_character_is_a_row_error(
        self, ledger: Ledger, cell: str, code_point: str
    ) -> None:
        rows = [*air_ledger()[:3], Row("", 4, cell, "2024年6月底前", "区水务局")]
        before = await ledger.counts()
        payload = await ledger.upload(csv_bytes(rows), "台账.csv")
        assert _codes(payload) == [("INVALID_INPUT", "file")]
        report = payload["report"]
        assert report["written"] is False
        [error] = report["rowErrors"]
        assert (error["row"], error["column"], error["code"]) == (
            5,
            "具体措施",
            "INVALID_CHARACTER",
        )
        assert code_point in error["message"]
        assert await ledger.counts() == before

    async def test_undecodable_csv_text_is_a_file_error(self, ledger: Ledger) -> None:
        lone_surrogate = "\ufeff序号,具体措施,完成时限,牵头单位\r\n1,加强".encode("utf-16-le")
        data = lone_surrogate + b"\x00\xd8" + "管控,2024年,区水务局\r\n".encode("utf-16-le")
        bad_utf8 = (
            b"\xef\xbb\xbf" + "序号,具体措施,完成时限,牵头单位\r\n1,".encode() + b"\xed\xa0\x80"
        )
        before = await ledger.counts()
        for content in (data, bad_utf8):
            payload = await ledger.upload(content, "台账.csv")
            assert _codes(payload) == [("INVALID_INPUT", "file")], payload
            assert "无效" in payload["errors"][0]["message"]  # zh-CN by default
        assert await ledger.counts() == before

    async def test_an_xlsx_with_a_control_character_reference_is_a_file_error(
        self, ledger: Ledger
    ) -> None:
        data = xlsx_bytes(air_ledger()[:2], title=None, merge_categories=False)
        source = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                content = source.read(info.filename)
                if info.filename == "xl/worksheets/sheet1.xml":
                    content = content.replace("长期坚持".encode(), "长期&#1;坚持".encode(), 1)
                target.writestr(info, content)
        before = await ledger.counts()
        payload = await ledger.upload(out.getvalue(), "台账.xlsx")
        assert _codes(payload) == [("INVALID_INPUT", "file")], payload
        assert await ledger.counts() == before


class TestFormulaCells:
    def test_neutralising_is_undone_exactly(self) -> None:
        for text in (*FORMULAS, "'", "''=x", "plain", "-", "3.1", "50%", "\t=x"):
            assert restore_formula(neutralize_formula(text)) == text
        assert [neutralize_formula(t) for t in ("=1+1", "-1+1", "'=quoted", "50%")] == [
            "'=1+1",
            "'-1+1",
            "''=quoted",
            "50%",
        ]

    @pytest.mark.private_db  # the exports open a second connection
    async def test_exports_keep_formula_text_inert_and_import_back_unchanged(
        self, ledger: Ledger
    ) -> None:
        rows = [
            Row("一、公式", index + 1, measure, "2024年6月底前", "区水务局", remarks=measure)
            for index, measure in enumerate(FORMULAS)
        ]
        rows.append(Row("=类别", len(rows) + 1, "#N/A", "长期坚持", "区水务局", remarks="#DIV/0!"))
        # As an .xlsx: what a cell holds is stored as it is ('=quoted keeps its quote).
        payload = await ledger.upload(_text_xlsx(rows))
        assert payload["errors"] == [], payload["report"]["rowErrors"]
        stored = {seq: task["description"] for seq, task in (await ledger.tasks()).items()}
        assert [stored[index + 1] for index in range(len(FORMULAS))] == list(FORMULAS)
        coordinator = ledger.as_unit("城区")
        headers = {"authorization": f"Bearer {coordinator.token}"}
        params = {"unit": "城区", "docNumber": DOC_NUMBER}

        exported = await coordinator.http.get("/export/ledger.csv", params=params, headers=headers)
        assert exported.status_code == 200
        header, *lines = csv.reader(io.StringIO(exported.content.decode("utf-8-sig")))
        measures = [dict(zip(header, line, strict=True))["具体措施"] for line in lines]
        # OWASP: every text cell a spreadsheet would run starts with a quote.
        assert measures[: len(FORMULAS)] == ["'" + text for text in FORMULAS]
        assert dict(zip(header, lines[-1], strict=True))["任务类别"] == "'=类别"
        assert dict(zip(header, lines[0], strict=True))["序号"] == "1"  # numbers untouched

        workbook = await coordinator.http.get("/export/ledger.xlsx", params=params, headers=headers)
        sheet = load_workbook(io.BytesIO(workbook.content)).worksheets[0]
        cells = {
            cell.value: cell.data_type
            for row in sheet.iter_rows(min_row=2)
            for cell in row
            if isinstance(cell.value, str)
        }
        for text in (*FORMULAS, "=类别", "#N/A", "#DIV/0!"):
            assert cells[text] == "s", text  # text, never a formula or an error value
        assert sheet.cell(row=2, column=2).data_type == "n"

        before = await ledger.counts()
        for content, name in ((exported.content, "台账.csv"), (workbook.content, "台账.xlsx")):
            again = await ledger.upload(content, name, plan=None)
            assert again["errors"] == [], again
            report = again["report"]
            assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 7)
        assert await ledger.counts() == before


class TestExportParameters:
    @pytest.mark.parametrize(
        ("path", "params", "named"),
        [
            ("/export/ledger.csv", {"unit": "城区\x00"}, "'unit'"),
            ("/export/ledger.xlsx", {"unit": "城区", "docNumber": "城政\x00办"}, "'docNumber'"),
            ("/export/ledger.csv", {"unit": "城区", "asOf": "2024-01-01\x1b"}, "'asOf'"),
            ("/export/snapshot.json", {"unit": "城区\x00"}, "'unit'"),
        ],
    )
    async def test_invalid_characters_are_400_naming_the_parameter(
        self, client: GraphQLClient, path: str, params: dict[str, str], named: str
    ) -> None:
        raw = "&".join(f"{name}={_quote(value)}" for name, value in params.items())
        token = client.as_viewer(await _unit(client, "城区"), "VIEWER").token
        response = await client.http.get(
            f"{path}?{raw}", headers={"authorization": f"Bearer {token}"}
        )
        assert response.status_code == 400, response.text
        assert named in response.text
        (error,) = response.json()["errors"]  # the error boundary's shape, as on /graphql
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["extensions"]["requestId"]

    @pytest.mark.parametrize(
        ("params", "status", "code"),
        [
            ({"unit": "no such unit anywhere"}, 404, "NOT_FOUND"),
            ({"unit": "城区", "asOf": "2024-13-45"}, 400, "BAD_USER_INPUT"),
            ({"unit": "城区", "role": "BOSS"}, 400, "BAD_USER_INPUT"),
        ],
    )
    async def test_refusals_carry_a_code_and_the_request_id(
        self, client: GraphQLClient, params: dict[str, str], status: int, code: str
    ) -> None:
        token = client.as_viewer(await _unit(client, "城区"), "VIEWER").token
        response = await client.http.get(
            "/export/ledger.csv",
            params=params,
            headers={"authorization": f"Bearer {token}", "x-request-id": "export-refusal-1"},
        )
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/json")
        (error,) = response.json()["errors"]
        assert error["extensions"] == {"code": code, "requestId": "export-refusal-1"}


async def _unit(client: GraphQLClient, name: str) -> Any:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    return decode_global_id(data["orgUnit"]["id"])


def _quote(value: str) -> str:
    """Percent-encoding of `value` (UTF-8), as a hostile client sends it."""
    data = value.encode("utf-8")
    return "".join(chr(b) if chr(b).isalnum() or chr(b) in "-._~" else f"%{b:02X}" for b in data)


class TestCommandLine:
    async def test_the_command_shares_the_limits_and_the_character_rule(
        self, ledger: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        if ledger.db.dialect != "sqlite":
            pytest.skip("the command line is the same on both dialects")
        url = ledger.db.url
        await ledger.db.engine.dispose()
        bomb = tmp_path / "bomb.xlsx"
        bomb.write_bytes(zip_bomb_xlsx())
        args = ["--doc-number", DOC_NUMBER, "--database-url", url]
        assert await asyncio.to_thread(main, ["import-ledger", str(bomb), *args]) == 2
        assert "GOVGRAPH_LEDGER_MAX_BYTES" in capsys.readouterr().err
        nul = tmp_path / "nul.csv"
        nul.write_bytes(csv_bytes([Row("", 1, "加强\x00管控", "长期坚持", "区水务局")]))
        assert await asyncio.to_thread(main, ["import-ledger", str(nul), *args]) == 1
        assert "row 2 具体措施: INVALID_CHARACTER" in capsys.readouterr().out
