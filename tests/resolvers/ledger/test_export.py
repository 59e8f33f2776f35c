"""Ledger export over HTTP and the command line: layout, state columns, scope, round trip."""

from __future__ import annotations

import csv
import io
import tracemalloc
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

import models
from api.app import create_app
from api.cli import main
from api.settings import Settings
from models.enums import RoleScope
from models.rules.ledger import EXPORT_COLUMNS
from resolvers.ledger.export import ExportQuery, csv_chunks, ledger_rows
from resolvers.scope import EVERYTHING
from tests.conftest import TEST_SECRET, GraphQLClient
from tests.ledger_files import air_ledger, read_xlsx, xlsx_bytes
from tests.resolvers.ledger.conftest import DOC_NUMBER, Ledger


async def download(client: GraphQLClient, path: str, **params: str) -> Any:
    headers = {"authorization": f"Bearer {client.token}"} if client.token else {}
    return await client.http.get(path, params=params, headers=headers)


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


class TestExportLedger:
    async def test_csv_has_the_ledger_columns_and_the_state(self, ledger: Ledger) -> None:
        await ledger.upload(xlsx_bytes(air_ledger()))
        task_id = (await ledger.tasks())[3]["id"]
        await _report(ledger, task_id, "南村镇", 30, "园区整治方案已起草")
        response = await download(
            ledger.as_unit("城区", "VIEWER"),
            "/export/ledger.csv",
            unit="城区",
            docNumber=DOC_NUMBER,
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "filename*=UTF-8''" in response.headers["content-disposition"]
        header, *rows = csv_rows(response.content)
        assert tuple(header) == EXPORT_COLUMNS
        assert len(rows) == 34
        row = dict(zip(header, rows[2], strict=True))
        assert row["序号"] == "3"
        assert row["牵头单位"] == "南村镇、城区生态环境分局"  # in tree order
        assert (row["状态"], row["进度"]) == ("推进中", "15%")  # one of two leads at 30%
        assert row["最新进展"].endswith("南村镇：园区整治方案已起草")
        assert row["是否逾期"] == "是"  # 2023年4月底前
        assert (row["文号"], row["方案"]) == (DOC_NUMBER, "2024年空气质量行动计划")  # the title
        grouped = dict(zip(header, rows[13], strict=True))
        assert (grouped["牵头单位"], grouped["配合单位"]) == ("城区市场监管局、各镇（街道）", "")

    async def test_latest_progress_is_dated_in_beijing_time(self, ledger: Ledger) -> None:
        """A report at 01:10 Beijing time on 05-05 (17:10 UTC on 05-04) exports as 05-05."""
        await ledger.upload(xlsx_bytes(air_ledger()))
        task_id = (await ledger.tasks())[3]["id"]
        await _report(ledger, task_id, "南村镇", 30, "夜间巡查")
        report_t = models.metadata.tables["progress_report"]
        async with ledger.db.engine.begin() as conn:
            await conn.execute(
                report_t.update()
                .where(report_t.c.narrative == "夜间巡查")
                .values(reported_at=datetime(2024, 5, 4, 17, 10, tzinfo=UTC))
            )
        response = await download(
            ledger.as_unit("城区", "VIEWER"),
            "/export/ledger.csv",
            unit="城区",
            docNumber=DOC_NUMBER,
        )
        header, *rows = csv_rows(response.content)
        row = dict(zip(header, rows[2], strict=True))
        assert row["最新进展"] == "2024-05-05 南村镇：夜间巡查"

    @pytest.mark.private_db  # the export opens a second connection
    async def test_xlsx_download(self, ledger: Ledger) -> None:
        response = await download(
            ledger.as_unit("城区", "VIEWER"), "/export/ledger.xlsx", unit="城区"
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/vnd.openxml")
        rows = read_xlsx(response.content)
        assert tuple(rows[0]) == EXPORT_COLUMNS
        assert len(rows) == 1 + 65  # the seed document's 65 tasks of 城区

    async def test_the_viewer_only_gets_what_it_may_see(self, ledger: Ledger) -> None:
        town = ledger.as_unit("南村镇", "VIEWER")
        response = await download(town, "/export/ledger.csv", unit="城区")
        _header, *rows = csv_rows(response.content)
        assert rows
        assert [
            r for r in rows if not ("南村镇" in r[4] + r[5] or "镇（街道）" in r[4] + r[5])
        ] == []
        # A sibling co-assigned with it is a visible unit: its ledger holds only the tasks the
        # two share; another branch's unit is like one that does not exist.
        sibling = await download(town, "/export/ledger.csv", unit="钟家庄街道")
        _header, *shared = csv_rows(sibling.content)
        assert shared
        assert [
            r for r in shared if not ("镇（街道）" in r[4] + r[5] + r[6] or "南村镇" in r[4] + r[5])
        ] == []
        other = await download(town, "/export/ledger.csv", unit="阳城县")
        assert other.status_code == 404
        role = await download(town, "/export/ledger.csv", unit="城区", role="OWNER")
        assert role.status_code == 400

    async def test_authentication_is_required(self, ledger: Ledger) -> None:
        settings = Settings(database_url=ledger.db.url, secret=TEST_SECRET, anonymous=False)
        app = create_app(settings, engine=ledger.db.engine)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            for path in ("/export/ledger.csv", "/export/ledger.xlsx", "/export/snapshot.json"):
                response = await http.get(path, params={"unit": "城区"})
                assert response.status_code == 401, path
            forged = await http.get(
                "/export/ledger.csv", headers={"authorization": "Bearer forged"}
            )
            assert forged.status_code == 401

    @pytest.mark.private_db  # the xlsx export opens a second connection
    async def test_an_exported_file_imports_back_unchanged(self, ledger: Ledger) -> None:
        """Seed tasks, an imported plan with reports: export, import, nothing changes."""
        await ledger.upload(xlsx_bytes(air_ledger()))
        task_id = (await ledger.tasks())[3]["id"]
        await _report(ledger, task_id, "南村镇", 100, "完成")
        coordinator = ledger.as_unit("城区")
        before = await ledger.counts()
        for path, name in (
            ("/export/ledger.xlsx", "台账.xlsx"),
            ("/export/ledger.csv", "台账.csv"),
        ):
            exported = await download(coordinator, path, unit="城区")
            payload = await ledger.upload(exported.content, name, plan=None)
            assert payload["errors"] == [], payload["report"]["rowErrors"][:3]
            report = payload["report"]
            assert (report["created"], report["updated"]) == (0, 0)
            assert report["unchanged"] == 65 + 34
        assert await ledger.counts() == before

    async def test_subtasks_export_as_paths_and_import_back(self, ledger: Ledger) -> None:
        from resolvers.common import global_id
        from tests.factories import create_unit, table

        await ledger.upload(xlsx_bytes(air_ledger()))
        task_id = (await ledger.tasks())[3]["id"]
        units = table("org_unit")
        async with ledger.db.engine.begin() as conn:
            town = (
                await conn.execute(
                    sa.select(units.c.id, units.c.path, units.c.depth).where(
                        units.c.id == ledger.units["南村镇"]
                    )
                )
            ).one()
            village = await create_unit(
                conn, "南村镇丙村", parent={"id": town.id, "path": town.path, "depth": town.depth}
            )
        split = await ledger.as_unit("南村镇").query(
            "mutation ($i: DecomposeTaskInput!) { decomposeTask(input: $i) { errors { code } } }",
            {
                "i": {
                    "task": str(global_id("Task", task_id)),
                    "subtasks": [
                        {"title": "丙村整治", "leads": [str(global_id("OrgUnit", village["id"]))]}
                    ],
                }
            },
        )
        assert split["decomposeTask"]["errors"] == []
        coordinator = ledger.as_unit("城区")
        exported = await download(
            coordinator, "/export/ledger.csv", unit="城区", docNumber=DOC_NUMBER
        )
        header, *rows = csv_rows(exported.content)
        sub = next(r for r in rows if r[1] == "3.1")
        assert sub[4] == "南村镇丙村"
        payload = await ledger.upload(exported.content, "台账.csv")
        assert payload["report"]["rowErrors"] == []
        assert (payload["report"]["unchanged"], payload["errors"]) == (35, [])
        sub[3] = "2024年3月底前"
        edited = io.StringIO()
        csv.writer(edited).writerows([header, *rows])
        payload = await ledger.upload(edited.getvalue().encode(), "台账.csv")
        assert [
            (r["seq"], r["changedFields"])
            for r in payload["report"]["rows"]
            if r["outcome"] == "UPDATED"
        ] == [("3.1", ["deadline"])]
        missing = [header, [*sub[:1], "3.9", *sub[2:]]]
        refused = io.StringIO()
        csv.writer(refused).writerows(missing)
        payload = await ledger.upload(refused.getvalue().encode(), "台账.csv")
        assert [e["code"] for e in payload["report"]["rowErrors"]] == ["NO_SUCH_SUBTASK"]

    async def test_export_memory_stays_bounded(self, ledger: Ledger) -> None:
        if ledger.db.dialect != "sqlite":
            pytest.skip("one dialect is enough to measure the Python side")
        peaks = []
        for rows in (1500, 6000):
            await _bulk_tasks(ledger, rows)
            peaks.append(await _export_peak(ledger))
        # Four times the rows, not four times the memory: the rows stream in chunks.
        assert peaks[1] < 1.25 * peaks[0], peaks


class TestCommandLine:
    async def test_import_dry_run_then_import_then_export(
        self, ledger: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        if ledger.db.dialect != "sqlite":
            pytest.skip("the command line is the same on both dialects")
        url = ledger.db.url
        await ledger.db.engine.dispose()
        source = tmp_path / "台账.xlsx"
        source.write_bytes(xlsx_bytes(air_ledger()))
        args = ["import-ledger", str(source), "--doc-number", DOC_NUMBER, "--database-url", url]
        before = await ledger.counts()
        assert await _run([*args, "--dry-run"]) == 0
        out, err = capsys.readouterr()
        assert "created 34, updated 0, unchanged 0" in out
        assert "dry run: nothing was written" in out
        assert "read 台账.xlsx (xlsx, header on row 2)" in err
        assert await ledger.counts() == before
        assert await _run([*args, "--as-unit", "城区"]) == 0
        assert "created 34" in capsys.readouterr().out
        exported = tmp_path / "out.csv"
        export = ["export-ledger", "--unit", "城区", "--doc-number", DOC_NUMBER]
        assert await _run([*export, "--out", str(exported), "--database-url", url]) == 0
        assert "wrote 34 rows" in capsys.readouterr().out
        assert await _run(["import-ledger", str(exported), "--database-url", url]) == 0
        assert "created 0, updated 0, unchanged 34" in capsys.readouterr().out

    async def test_row_errors_exit_1_and_usage_errors_exit_2(
        self, ledger: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        if ledger.db.dialect != "sqlite":
            pytest.skip("the command line is the same on both dialects")
        url = ledger.db.url
        await ledger.db.engine.dispose()
        bad = tmp_path / "bad.csv"
        bad.write_text("序号,具体措施,完成时限,牵头单位\n1,措施,长期坚持,区不存在局\n", "gb18030")
        args = ["import-ledger", str(bad), "--doc-number", DOC_NUMBER, "--database-url", url]
        assert await _run(args) == 1
        assert "UNKNOWN_UNIT" in capsys.readouterr().out
        missing = ["import-ledger", str(bad), "--doc-number", "无此文号", "--database-url", url]
        assert await _run(missing) == 2
        assert "无此文号" in capsys.readouterr().err


async def _run(argv: list[str]) -> int:
    import asyncio

    # The command runs its own event loop: give it a thread.
    return await asyncio.to_thread(main, argv)


async def _report(ledger: Ledger, task_id: uuid.UUID, unit: str, percent: int, text: str) -> None:
    from resolvers.common import global_id

    reporter = ledger.as_unit(unit, "REPORTER")
    data = await reporter.query(
        "query ($id: ID!) { node(id: $id) { ... on Task { assignments { id unit { name } } } } }",
        {"id": str(global_id("Task", task_id))},
    )
    share = next(a["id"] for a in data["node"]["assignments"] if a["unit"]["name"] == unit)
    result = await reporter.query(
        "mutation ($i: ReportProgressInput!) { reportProgress(input: $i) { errors { code } } }",
        {"i": {"assignment": share, "percent": percent, "narrative": text}},
    )
    assert result["reportProgress"]["errors"] == []


async def _bulk_tasks(ledger: Ledger, total: int) -> None:
    """Top up the plan to `total` tasks, each led by 城区水务局 (bulk inserts)."""
    tables = models.metadata.tables
    now = datetime.now(UTC)
    async with ledger.db.engine.begin() as conn:
        have = (
            await conn.execute(
                sa.select(sa.func.count()).where(tables["task"].c.plan_id == ledger.plan_id)
            )
        ).scalar_one()
        document_id = (
            await conn.execute(
                sa.select(tables["plan"].c.document_id).where(tables["plan"].c.id == ledger.plan_id)
            )
        ).scalar_one()
        tasks, assignments = [], []
        for seq in range(have + 1, total + 1):
            task_id = uuid.uuid4()
            tasks.append(
                {
                    "id": task_id,
                    "code": f"bulk/{seq:06d}",
                    "plan_id": ledger.plan_id,
                    "document_id": document_id,
                    "seq": seq,
                    "seq_path": str(seq),
                    "category": "批量",
                    "title": f"批量任务{seq}",
                    "description": f"批量任务{seq}的具体措施，" + "内容" * 40,
                    "deadline_kind": "BY_DATE",
                    "deadline_end": datetime(2024, 6, 30).date(),
                    "deadline_text": "2024年6月底前",
                    "weight": 1.0,
                    "status": "NOT_STARTED",
                    "progress": 0.0,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
            assignments.append(
                {
                    "id": uuid.uuid4(),
                    "task_id": task_id,
                    "org_unit_id": ledger.units["城区水务局"],
                    "role": "LEAD",
                    "status": "NOT_STARTED",
                    "progress": 0.0,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
        if tasks:
            await conn.execute(tables["task"].insert(), tasks)
            await conn.execute(tables["assignment"].insert(), assignments)


async def _export_peak(ledger: Ledger) -> int:
    query = ExportQuery(
        unit_id=ledger.units["城区水务局"],
        as_of=datetime(2024, 1, 1).date(),
        plan_id=ledger.plan_id,
        role=RoleScope.LEAD,
    )
    count = 0
    tracemalloc.start()
    try:
        async with ledger.db.engine.connect() as conn, conn.begin():
            async for chunk in csv_chunks(ledger_rows(conn, EVERYTHING, query, chunk=500)):
                count += chunk.count(b"\r\n")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count > 1000
    return peak
