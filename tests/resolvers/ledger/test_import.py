"""importLedger over HTTP with real .xlsx and .csv files written by the tests."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

import models
from resolvers.common import global_id
from resolvers.ledger import write
from tests.ledger_files import Row, air_ledger, csv_bytes, edit, xlsx_bytes
from tests.resolvers.ledger.conftest import DOC_NUMBER, IMPORT, Ledger


def _outcomes(payload: dict[str, Any]) -> tuple[int, int, int]:
    report = payload["report"]
    return report["created"], report["updated"], report["unchanged"]


class TestImportLedger:
    @pytest.mark.parametrize(
        ("filename", "make"),
        [
            pytest.param("台账.xlsx", lambda rows: xlsx_bytes(rows), id="xlsx-merged-cells"),
            pytest.param("台账.csv", lambda rows: csv_bytes(rows, bom=True), id="csv-utf8-bom"),
            pytest.param("台账.csv", lambda rows: csv_bytes(rows), id="csv-utf8"),
            pytest.param(
                "台账.csv", lambda rows: csv_bytes(rows, encoding="gb18030"), id="csv-gb18030"
            ),
        ],
    )
    async def test_imports_the_real_air_ledger(
        self, ledger: Ledger, filename: str, make: Any
    ) -> None:
        payload = await ledger.upload(make(air_ledger()), filename)
        assert payload["errors"] == []
        assert _outcomes(payload) == (34, 0, 0)
        assert payload["report"]["written"] is True
        tasks = await ledger.tasks()
        assert sorted(tasks) == list(range(1, 35))
        # Aliases: 区发改(能源)局 is 城区发改（能源）局; merged/blank categories inherited.
        assert ("城区发改（能源）局", "LEAD", None) in tasks[1]["units"]
        assert tasks[8]["category"] == "一、产业结构优化调整"
        # A group reference expands to the issuing government's towns on the document's date
        # and keeps its text. This document (2024-03-01) falls between 南村镇's attestation
        # (2023-05-31) and 北石店镇's (2024-03-05): the last known list of towns, 2023's,
        # is still in force (models/org_unit_tree.py).
        grouped = {(name, via) for name, role, via in tasks[14]["units"] if via}
        assert {name for name, _ in grouped} >= {"钟家庄街道", "西上庄街道", "南村镇"}
        assert "北石店镇" not in {name for name, _ in grouped}
        assert {via for _, via in grouped} == {"各镇（街道）"}
        assert ("城区市场监管局", "LEAD", None) in tasks[14]["units"]
        assert tasks[14]["responsibility_text"] == "区市场监管局、各镇（街道）"
        # Deadlines parse in the plan's year; the text is kept.
        assert (tasks[1]["deadline_kind"], tasks[1]["deadline_text"]) == ("ONGOING", "长期坚持")
        assert tasks[2]["deadline_end"] == date(2024, 12, 31)
        assert tasks[3]["code"] == f"{DOC_NUMBER}/air/003"

    async def test_relevant_groups_stay_text_and_never_lead_alone(self, ledger: Ledger) -> None:
        """Issue 16: 区直相关单位 names no unit; it stays on the task as written."""
        rows = edit(air_ledger(), 1, leads="区生态环境分局、区直相关单位")
        payload = await ledger.upload(xlsx_bytes(rows))
        assert payload["errors"] == []
        assert _outcomes(payload) == (34, 0, 0)
        tasks = await ledger.tasks()
        assert tasks[1]["units"] == {("城区生态环境分局", "LEAD", None)}
        assert tasks[1]["responsibility_unresolved"] == ["区直相关单位"]
        assert _outcomes(await ledger.upload(xlsx_bytes(rows))) == (0, 0, 34)
        # Naming the departments concerned later resolves the row: the text goes.
        named = edit(rows, 1, leads="区生态环境分局、区发改（能源）局")
        payload = await ledger.upload(xlsx_bytes(named))
        assert _outcomes(payload) == (0, 1, 33)
        tasks = await ledger.tasks()
        assert tasks[1]["responsibility_unresolved"] == []
        before = await ledger.counts()
        alone = edit(named, 2, leads="相关单位")
        payload = await ledger.upload(xlsx_bytes(alone))
        assert [(e["row"], e["column"], e["code"]) for e in payload["report"]["rowErrors"]] == [
            (4, "牵头单位", "UNKNOWN_UNIT")
        ]
        assert await ledger.counts() == before

    async def test_reimporting_the_same_file_changes_nothing(self, ledger: Ledger) -> None:
        data = xlsx_bytes(air_ledger())
        await ledger.upload(data)
        before = await ledger.counts()
        payload = await ledger.upload(data)
        assert _outcomes(payload) == (0, 0, 34)
        assert await ledger.counts() == before

    async def test_dry_run_reports_and_writes_nothing(self, ledger: Ledger) -> None:
        before = await ledger.counts()
        payload = await ledger.upload(xlsx_bytes(air_ledger()), dryRun=True)
        report = payload["report"]
        assert (report["dryRun"], report["written"]) == (True, False)
        assert _outcomes(payload) == (34, 0, 0)
        assert {row["task"] for row in report["rows"]} == {None}
        assert await ledger.counts() == before

    async def test_edited_file_updates_matched_rows_and_reports_them(self, ledger: Ledger) -> None:
        rows = air_ledger()
        await ledger.upload(xlsx_bytes(rows))
        before = (await ledger.tasks())[3]
        rows = edit(rows, 2, deadline="2024年6月底前")
        rows = edit(rows, 3, leads="区生态环境分局")  # 南村镇 no longer leads
        rows = edit(rows, 5, remarks="已完成备案")
        rows = edit(rows, 6, leads="区生态环境分局", cooperating="区城管局")
        rows = [*rows, Row("七、新增任务", 35, "新增的一项措施。", "2024年9月底前", "区水务局")]
        payload = await ledger.upload(xlsx_bytes(rows))
        assert _outcomes(payload) == (1, 4, 30)
        changed = {
            r["seq"]: r["changedFields"]
            for r in payload["report"]["rows"]
            if r["outcome"] == "UPDATED"
        }
        assert changed == {
            "2": ["deadline"],
            "3": ["units"],
            "5": ["remarks"],
            "6": ["units"],
        }
        tasks = await ledger.tasks()
        assert tasks[2]["deadline_end"] == date(2024, 6, 30)
        assert tasks[3]["units"] == {("城区生态环境分局", "LEAD", None)}
        assert tasks[3]["responsibility_text"] == "区生态环境分局"
        assert tasks[3]["version"] == before["version"] + 1
        assert ("城区城管局", "COOPERATING", None) in tasks[6]["units"]
        assert tasks[35]["title"] == "新增的一项措施"
        # The moved 完成时限 is in the deadline history; nothing else is.
        change_t = models.metadata.tables["task_deadline_change"]
        async with ledger.db.engine.connect() as conn:
            moved = (await conn.execute(sa.select(change_t))).mappings().all()
        assert [(c["task_id"], c["new_end"]) for c in moved] == [
            (tasks[2]["id"], date(2024, 6, 30))
        ]
        assert moved[0]["previous_text"] != "2024年6月底前"

    async def test_bad_rows_are_reported_and_nothing_is_written(self, ledger: Ledger) -> None:
        rows = [
            *air_ledger()[:5],
            Row("", 6, "牵头单位不存在。", "2023年6月底前", "区不存在局"),
            Row("", "", "没有序号。", "2023年6月底前", "区水务局"),
            Row("", 5, "重复序号。", "2023年6月底前", "区水务局"),
        ]
        before = await ledger.counts()
        payload = await ledger.upload(csv_bytes(rows, bom=True), "台账.csv")
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID_INPUT", "file")]
        report = payload["report"]
        assert report["written"] is False
        assert [(e["row"], e["column"], e["code"]) for e in report["rowErrors"]] == [
            (7, "牵头单位", "UNKNOWN_UNIT"),
            (8, "序号", "MISSING_SEQ"),
            (9, "序号", "DUPLICATE_SEQ"),
        ]
        assert "区不存在局" in report["rowErrors"][0]["message"]
        assert await ledger.counts() == before

    async def test_unparsable_deadline_is_kept_as_text_with_a_warning(self, ledger: Ledger) -> None:
        rows = edit(air_ledger()[:3], 2, deadline="视情况而定")
        payload = await ledger.upload(xlsx_bytes(rows))
        assert _outcomes(payload) == (3, 0, 0)
        assert [(w["row"], w["column"], w["code"]) for w in payload["report"]["warnings"]] == [
            (4, "完成时限", "UNPARSED_DEADLINE")
        ]
        task = (await ledger.tasks())[2]
        assert (task["deadline_kind"], task["deadline_text"]) == ("UNSPECIFIED", "视情况而定")

    async def test_a_unit_that_reported_stays_on_its_task(self, ledger: Ledger) -> None:
        await ledger.upload(xlsx_bytes(air_ledger()))
        task_id = (await ledger.tasks())[3]["id"]
        town = ledger.as_unit("南村镇", "REPORTER")
        data = await town.query(
            "query ($id: ID!) { node(id: $id) { ... on Task { "
            "assignments { id unit { name } } } } }",
            {"id": str(global_id("Task", task_id))},
        )
        share = next(a["id"] for a in data["node"]["assignments"] if a["unit"]["name"] == "南村镇")
        reported = await town.query(
            "mutation ($i: ReportProgressInput!) { reportProgress(input: $i) { errors { code } } }",
            {"i": {"assignment": share, "percent": 30}},
        )
        assert reported["reportProgress"]["errors"] == []
        before = await ledger.counts()
        payload = await ledger.upload(xlsx_bytes(edit(air_ledger(), 3, leads="区生态环境分局")))
        assert [(e["row"], e["code"]) for e in payload["report"]["rowErrors"]] == [
            (5, "ASSIGNMENT_IN_USE")
        ]
        assert await ledger.counts() == before

    async def test_rows_may_name_their_plan_and_must_not_contradict_the_named_one(
        self, ledger: Ledger
    ) -> None:
        header = "任务类别,序号,具体措施,完成时限,牵头单位,文号,方案\r\n"
        own = f"一、类,1,措施。,2024年6月底前,区水务局,{DOC_NUMBER},air\r\n"
        other = "一、类,2,措施。,2024年6月底前,区水务局,城政办发〔2023〕20号,air\r\n"
        per_row = await ledger.upload((header + own).encode(), "台账.csv", plan=None)
        assert _outcomes(per_row) == (1, 0, 0)
        wrong = await ledger.upload((header + own + other).encode(), "台账.csv")
        assert [(e["row"], e["code"]) for e in wrong["report"]["rowErrors"]] == [(3, "WRONG_PLAN")]

    async def test_a_retried_upload_is_harmless(self, ledger: Ledger) -> None:
        # With the same Idempotency-Key the stored report comes back (test_idempotent_import);
        # without one an import is idempotent by itself.
        data = xlsx_bytes(air_ledger())
        first = await ledger.upload(data, extra_headers={"idempotency-key": "ledger-1"})
        counts = await ledger.counts()
        again = await ledger.upload(data, extra_headers={"idempotency-key": "ledger-1"})
        assert (_outcomes(first), _outcomes(again)) == ((34, 0, 0), (34, 0, 0))
        assert await ledger.counts() == counts
        unkeyed = await ledger.upload(data)
        assert _outcomes(unkeyed) == (0, 0, 34)
        assert await ledger.counts() == counts

    async def test_failed_import_leaves_nothing(
        self, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls = 0
        original = write._insert

        async def failing(*args: Any, **kwargs: Any) -> None:
            nonlocal calls
            calls += 1
            if calls == 2:  # tasks are written, then the assignments fail
                raise RuntimeError("disk full")
            await original(*args, **kwargs)

        monkeypatch.setattr(write, "_insert", failing)
        before = await ledger.counts()
        body = await ledger.upload(xlsx_bytes(air_ledger()))
        assert "errors" in body
        assert body["data"] is None
        assert await ledger.counts() == before

    async def test_files_that_are_no_ledger_are_refused(self, ledger: Ledger) -> None:
        corrupt = await ledger.upload(b"PK\x03\x04 broken", "台账.xlsx")
        assert [(e["code"], e["field"]) for e in corrupt["errors"]] == [("INVALID_INPUT", "file")]
        no_header = await ledger.upload("名称,数量\n甲,1\n".encode(), "台账.csv")
        assert "序号" in no_header["errors"][0]["message"]
        not_uploaded = await ledger.as_unit("城区").query(
            IMPORT, {"input": {"file": "台账.xlsx", "plan": ledger.plan}}
        )
        assert [e["code"] for e in not_uploaded["importLedger"]["errors"]] == ["INVALID_INPUT"]


class TestImportLedgerAccess:
    async def test_a_reporter_may_not_import(self, ledger: Ledger) -> None:
        payload = await ledger.upload(
            xlsx_bytes(air_ledger()), viewer=ledger.as_unit("城区", "REPORTER")
        )
        assert [e["code"] for e in payload["errors"]] == ["FORBIDDEN"]

    async def test_a_town_coordinator_cannot_reach_a_district_plan(self, ledger: Ledger) -> None:
        payload = await ledger.upload(xlsx_bytes(air_ledger()), viewer=ledger.as_unit("南村镇"))
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("NOT_FOUND", "plan")]

    async def test_anonymous_gets_no_import(self, ledger: Ledger) -> None:
        before = await ledger.counts()
        body = await ledger.upload(xlsx_bytes(air_ledger()), viewer=ledger.client)
        assert body["data"] is None  # a top-level error: the demo viewer writes nothing
        assert "需要登录" in body["errors"][0]["message"]  # zh-CN by default
        assert await ledger.counts() == before

    async def test_units_outside_the_government_or_the_importers_subtree_are_unknown(
        self, ledger: Ledger
    ) -> None:
        rows = [Row("类", 1, "措施。", "2024年6月底前", "晋城市生态环境局")]
        other_government = await ledger.upload(csv_bytes(rows), "台账.csv")
        assert [e["code"] for e in other_government["report"]["rowErrors"]] == ["UNKNOWN_UNIT"]
        # The issuing office's own coordinator reaches its plan, but not the district's bureaus.
        office = ledger.as_unit("城区人民政府办公室")
        rows = [Row("类", 1, "措施。", "2024年6月底前", "区水务局")]
        payload = await ledger.upload(csv_bytes(rows), "台账.csv", viewer=office)
        assert [e["code"] for e in payload["report"]["rowErrors"]] == ["UNKNOWN_UNIT"]
        assert "权限范围" in payload["report"]["rowErrors"][0]["message"]  # zh-CN


@pytest.mark.private_db
@pytest.mark.postgres
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_concurrent_imports_of_one_file_create_each_task_once(ledger: Ledger) -> None:
    # Ten uploads at once: the plan's row lock orders them, the later ones find the rows.
    data = xlsx_bytes(air_ledger())
    payloads = await asyncio.gather(*(ledger.upload(data) for _ in range(10)))
    assert [p.get("errors") for p in payloads] == [[]] * 10  # no top-level INTERNAL_ERROR
    assert sorted(_outcomes(p) for p in payloads) == [(0, 0, 34)] * 9 + [(34, 0, 0)]
    assert sorted(await ledger.tasks()) == list(range(1, 35))
