"""Back-dated history of imported plans (issue 16, point 3): a ledger of a 2024 document
imported today counts from the document's date on every as-of surface, its 状态 / 进度 /
最新进展 columns become dated reports, and its export imports back into a fresh database with
the same state and as-of rollups."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import models
from api.settings import Settings
from models.enums import TaskStatus
from models.rules import calendar
from models.rules.task_state import DUE_SOON_DAYS
from tests.conftest import Goldens, GraphQLClient, graphql_client, open_database
from tests.ledger_files import Row, csv_bytes, xlsx_bytes
from tests.resolvers.ledger.conftest import DOC_NUMBER, ISSUED_ON, Ledger, open_ledger

STATE_HEADER = ("状态", "进度", "最新进展")


@dataclass(frozen=True)
class Line:
    """A fixture row and what it means: its deadline's end, its state and the state's day."""

    seq: int
    deadline: str
    end: date | None  # None: 长期坚持
    leads: str
    status: TaskStatus | None = None
    percent: float = 0.0
    on: date | None = None
    news: str = ""

    def row(self) -> Row:
        extra: tuple[Any, ...] = ()
        if self.status is not None:
            words = {"NOT_STARTED": "未开始", "IN_PROGRESS": "推进中", "COMPLETED": "已完成"}
            assert self.on is not None
            news = f"{self.on.isoformat()} {self.leads.split('、')[0]}：{self.news}"
            extra = (words[self.status.value], f"{self.percent:g}%", news)
        return Row(
            "一、2024年重点任务",
            self.seq,
            f"2024年措施{self.seq}：开展专项整治",
            self.deadline,
            self.leads,
            extra=extra,
        )


LINES = [
    Line(
        1,
        "2024年4月底前",
        date(2024, 4, 30),
        "城区生态环境分局",
        TaskStatus.COMPLETED,
        100,
        date(2024, 4, 20),
        "已完成排查整治",
    ),
    Line(
        2,
        "2024年6月底前",
        date(2024, 6, 30),
        "南村镇",
        TaskStatus.IN_PROGRESS,
        40,
        date(2024, 5, 15),
        "完成方案编制",
    ),
    Line(3, "2024年9月底前", date(2024, 9, 30), "北石店镇"),
    Line(
        4,
        "2024年12月底前",
        date(2024, 12, 31),
        "城区水务局",
        TaskStatus.IN_PROGRESS,
        60,
        date(2024, 10, 1),
        "管网改造过半",
    ),
    Line(5, "长期坚持", None, "城区生态环境分局"),
    Line(
        6,
        "2024年5月底前",
        date(2024, 5, 31),
        "南村镇、城区生态环境分局",
        TaskStatus.COMPLETED,
        100,
        date(2024, 6, 10),
        "验收完成",
    ),
    Line(7, "2024年3月底前", date(2024, 3, 31), "城区水务局"),
]


def ledger_file(lines: Sequence[Line]) -> bytes:
    return xlsx_bytes([line.row() for line in lines], extra_header=STATE_HEADER)


# -- the oracle: the rollup rules applied to the fixture by hand ----------------------------


def expected(lines: Sequence[Line], day: date, start: date = ISSUED_ON) -> dict[str, int]:
    """Counts of Plan.taskRollup(asOf: day) from the rows' meaning (DESIGN.md semantics)."""
    out = dict.fromkeys(
        ("total", "completed", "inProgress", "notStarted", "overdue", "dueSoon", "ongoing"), 0
    )
    if day < start:
        return out
    for line in lines:
        status = line.status if line.on is not None and day >= line.on else None
        status = status or TaskStatus.NOT_STARTED
        done = status is TaskStatus.COMPLETED
        out["total"] += 1
        out["completed"] += done
        out["inProgress"] += status is TaskStatus.IN_PROGRESS
        out["notStarted"] += status is TaskStatus.NOT_STARTED
        out["ongoing"] += line.end is None
        if not done and line.end is not None:
            out["overdue"] += line.end < day
            out["dueSoon"] += day <= line.end <= day + timedelta(days=DUE_SOON_DAYS)
    return out


COUNTS = "total completed inProgress notStarted overdue dueSoon ongoing"

SURFACES = f"""
query ($plan: ID!, $d: Date!) {{
  plan: node(id: $plan) {{ ... on Plan {{
    taskRollup(asOf: $d) {{ {COUNTS} }}
    overdue: tasks(filter: {{ overdueAsOf: $d }}) {{ totalCount }}
    dueSoon: tasks(filter: {{ dueSoonAsOf: $d }}) {{ totalCount }}
    tasks {{ rollup(asOf: $d) {{ {COUNTS} }} }} }} }}
  listed: tasks(filter: {{ plan: $plan, overdueAsOf: $d }}) {{ totalCount }}
  district: orgUnit(name: "城区") {{
    taskRollup(asOf: $d, filter: {{ plan: $plan }}) {{ {COUNTS} }}
    tasks(includeDescendants: true, filter: {{ plan: $plan }}) {{ rollup(asOf: $d) {{ {COUNTS} }} }}
    overdue: tasks(includeDescendants: true, filter: {{ plan: $plan, overdueAsOf: $d }}) {{
      totalCount }} }}
  town: orgUnit(name: "南村镇") {{
    taskRollup(asOf: $d, filter: {{ plan: $plan }}) {{ {COUNTS} }}
    overdue: tasks(filter: {{ plan: $plan, overdueAsOf: $d }}) {{ totalCount }} }}
}}
"""


async def surfaces(client: GraphQLClient, plan: str, day: date) -> dict[str, Any]:
    data = await client.query(SURFACES, {"plan": plan, "d": day.isoformat()})
    return data


def check_agree(data: dict[str, Any], want: dict[str, int]) -> None:
    """Every surface of the plan says what the oracle says; lists count what rollups count."""
    plan, district, town = data["plan"], data["district"], data["town"]
    assert plan["taskRollup"] == want
    assert plan["tasks"]["rollup"] == want
    assert district["taskRollup"] == want  # every lead is in 城区's subtree
    assert district["tasks"]["rollup"] == want
    assert plan["overdue"]["totalCount"] == want["overdue"]
    assert plan["dueSoon"]["totalCount"] == want["dueSoon"]
    assert data["listed"]["totalCount"] == want["overdue"]
    assert district["overdue"]["totalCount"] == want["overdue"]
    assert town["overdue"]["totalCount"] == town["taskRollup"]["overdue"]


def check_dates(today: date) -> list[date]:
    """The document's eve and day, the states' days and the deadlines' edges, and today."""
    days = {ISSUED_ON - timedelta(days=1), ISSUED_ON, date(2024, 11, 10), today}
    for line in LINES:
        if line.on:
            days |= {line.on - timedelta(days=1), line.on}
        if line.end:
            days |= {line.end, line.end + timedelta(days=1)}
    return sorted(days)


class TestImportedPlanAsOfPastDates:
    async def test_every_surface_counts_the_plan_from_its_document_date(
        self, ledger: Ledger
    ) -> None:
        payload = await ledger.upload(ledger_file(LINES))
        assert payload["errors"] == [], payload["report"]["rowErrors"]
        viewer = ledger.as_unit("城区", "VIEWER")
        today = Settings().today()
        for day in check_dates(today):
            data = await surfaces(viewer, ledger.plan, day)
            check_agree(data, expected(LINES, day))
        # The issue's date: 7 tasks, 3 overdue (not 0), on every surface.
        data = await surfaces(viewer, ledger.plan, date(2024, 11, 10))
        assert (data["plan"]["taskRollup"]["total"], data["listed"]["totalCount"]) == (7, 3)
        assert data["district"]["taskRollup"]["overdue"] == 3
        eve = await surfaces(viewer, ledger.plan, ISSUED_ON - timedelta(days=1))
        assert eve["plan"]["taskRollup"]["total"] == 0

    async def test_units_agree_on_the_read_paths(self, ledger: Ledger) -> None:
        """A unit's rollup without a filter (the compiled path on PostgreSQL) and with it (the
        live aggregation) count the plan's tasks alike on a 2024 date."""
        payload = await ledger.upload(ledger_file(LINES))
        assert payload["errors"] == []
        query = """query ($d: Date!, $plan: ID!) { orgUnit(name: "城区水务局") {
            all: taskRollup(asOf: $d) { total overdue inProgress }
            plan: taskRollup(asOf: $d, filter: { plan: $plan }) { total overdue inProgress } } }"""
        variables = {"d": "2024-11-10", "plan": ledger.plan}
        viewer = ledger.as_unit("城区", "VIEWER")
        compiled = await viewer.query(query, variables)
        async with graphql_client(ledger.db, compiled=False) as plain:
            live = await plain.as_viewer(ledger.units["城区"], "VIEWER").query(query, variables)
        assert compiled == live
        # 城区水务局 leads tasks 4 (in progress since 2024-10-01) and 7 (overdue since April).
        assert live["orgUnit"]["plan"] == {"total": 2, "overdue": 1, "inProgress": 1}
        assert live["orgUnit"]["all"]["total"] >= 2

    async def test_effective_on_moves_the_start(self, ledger: Ledger) -> None:
        lines = [line for line in LINES if line.status is None]
        payload = await ledger.upload(ledger_file(lines), effectiveOn="2024-01-15")
        assert payload["errors"] == []
        viewer = ledger.as_unit("城区", "VIEWER")
        for day in (date(2024, 1, 14), date(2024, 1, 15), date(2024, 2, 1)):
            data = await surfaces(viewer, ledger.plan, day)
            check_agree(data, expected(lines, day, start=date(2024, 1, 15)))
        assert (await surfaces(viewer, ledger.plan, date(2024, 2, 1)))["plan"]["taskRollup"][
            "total"
        ] == len(lines)

    async def test_an_effective_date_in_the_future_is_refused(self, ledger: Ledger) -> None:
        before = await ledger.counts()
        tomorrow = Settings().today() + timedelta(days=1)
        payload = await ledger.upload(ledger_file(LINES), effectiveOn=tomorrow.isoformat())
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [
            ("OUT_OF_RANGE", "effectiveOn")
        ]
        assert await ledger.counts() == before

    async def test_a_document_without_a_date_starts_at_the_import(self, ledger: Ledger) -> None:
        document_t = models.metadata.tables["document"]
        async with ledger.db.engine.begin() as conn:
            await conn.execute(
                document_t.update()
                .where(document_t.c.doc_number == DOC_NUMBER)
                .values(issued_on=None)
            )
        lines = [line for line in LINES if line.status is None]
        payload = await ledger.upload(ledger_file(lines))
        assert payload["errors"] == []
        viewer = ledger.as_unit("城区", "VIEWER")
        yesterday = Settings().today() - timedelta(days=1)
        data = await surfaces(viewer, ledger.plan, yesterday)
        assert data["plan"]["taskRollup"]["total"] == 0
        today = await surfaces(viewer, ledger.plan, Settings().today())
        assert today["plan"]["taskRollup"]["total"] == len(lines)


REPORTS = """
query ($plan: ID!) { node(id: $plan) { ... on Plan { tasks { edges { node {
  seq label status progress
  leadUnits { name }
  reports { edges { node { percent status narrative reportedAt } } } } } } } } }
"""


async def plan_tasks(client: GraphQLClient, plan: str) -> dict[int, dict[str, Any]]:
    data = await client.query(REPORTS, {"plan": plan})
    return {edge["node"]["seq"]: edge["node"] for edge in data["node"]["tasks"]["edges"]}


class TestStateColumns:
    async def test_states_become_reports_on_their_days(self, ledger: Ledger) -> None:
        payload = await ledger.upload(ledger_file(LINES))
        assert payload["errors"] == []
        tasks = await plan_tasks(ledger.as_unit("城区", "VIEWER"), ledger.plan)
        for line in LINES:
            task = tasks[line.seq]
            reports = [edge["node"] for edge in task["reports"]["edges"]]
            if line.status is None:
                assert (task["status"], reports) == ("NOT_STARTED", [])
                continue
            assert task["status"] == line.status.value
            assert task["progress"] == pytest.approx(line.percent)
            leads = line.leads.count("、") + 1
            assert len(reports) == leads  # each lead share reports the row's state
            for report in reports:
                assert report["status"] == line.status.value
                assert report["percent"] == pytest.approx(line.percent)
                assert report["narrative"] == line.news  # without its date and unit
                day = calendar.local_date(_moment(report["reportedAt"]))
                assert day == line.on

    async def test_the_ledgers_order_gives_labels_and_lead_order(self, ledger: Ledger) -> None:
        """Imported tasks carry the 序号 path their labels read, and their units the order the
        row writes them (the first-named unit is the first lead), as seeded tasks do."""
        payload = await ledger.upload(ledger_file(LINES))
        assert payload["errors"] == []
        tasks = await plan_tasks(ledger.as_unit("城区", "VIEWER"), ledger.plan)
        # The plan's year leads the label (models/rules/labels.py): an air plan of 2024.
        assert [tasks[line.seq]["label"] for line in LINES] == [
            f"2024大气-{line.seq}" for line in LINES
        ]
        assert [u["name"] for u in tasks[6]["leadUnits"]] == ["南村镇", "城区生态环境分局"]
        reordered = [Line(6, "2024年5月底前", date(2024, 5, 31), "城区生态环境分局、南村镇")]
        other = await open_ledger_again(ledger)
        payload = await ledger.upload(ledger_file(reordered), plan=other)
        assert payload["errors"] == []
        tasks = await plan_tasks(ledger.as_unit("城区", "VIEWER"), other)
        assert [u["name"] for u in tasks[6]["leadUnits"]] == ["城区生态环境分局", "南村镇"]
        position = models.metadata.tables["assignment"].c.position
        async with ledger.db.engine.connect() as conn:
            nulls = await conn.execute(
                sa.select(sa.func.count()).where(
                    position.is_(None),
                    models.metadata.tables["assignment"].c.task_id.in_(
                        sa.select(models.metadata.tables["task"].c.id).where(
                            models.metadata.tables["task"].c.plan_id == ledger.plan_id
                        )
                    ),
                )
            )
            assert nulls.scalar_one() == 0

    async def test_a_date_column_dates_the_state(self, ledger: Ledger) -> None:
        rows = [
            Row("类别", 1, "措施一", "2024年6月底前", "南村镇", extra=("推进中", "30", "2024/5/2")),
            Row("类别", 2, "措施二", "2024年6月底前", "南村镇", extra=("已完成", "", "")),
        ]
        data = csv_bytes(rows, extra_header=("状态", "进度", "进展日期"))
        payload = await ledger.upload(data, "台账.csv")
        assert payload["errors"] == [], payload["report"]["rowErrors"]
        viewer = ledger.as_unit("城区", "VIEWER")
        may_1 = (await surfaces(viewer, ledger.plan, date(2024, 5, 1)))["plan"]["taskRollup"]
        may_2 = (await surfaces(viewer, ledger.plan, date(2024, 5, 2)))["plan"]["taskRollup"]
        assert (may_1["inProgress"], may_2["inProgress"]) == (0, 1)
        # Undated: known at the import, so from today on (not in the past).
        assert may_2["completed"] == 0
        today = await surfaces(viewer, ledger.plan, Settings().today())
        assert today["plan"]["taskRollup"]["completed"] == 1

    async def test_reimporting_the_same_states_writes_nothing(self, ledger: Ledger) -> None:
        assert (await ledger.upload(ledger_file(LINES)))["errors"] == []
        before = await ledger.counts()
        payload = await ledger.upload(ledger_file(LINES))
        assert payload["errors"] == []
        assert payload["report"]["unchanged"] == len(LINES)
        assert await ledger.counts() == before

    async def test_a_later_state_is_appended_to_an_imported_task(self, ledger: Ledger) -> None:
        assert (await ledger.upload(ledger_file(LINES))).get("errors") == []
        later = [
            Line(
                2,
                "2024年6月底前",
                date(2024, 6, 30),
                "南村镇",
                TaskStatus.COMPLETED,
                100,
                date(2024, 6, 20),
                "全部完成",
            )
        ]
        payload = await ledger.upload(ledger_file(later))
        assert payload["errors"] == []
        assert payload["report"]["rows"][0]["changedFields"] == ["state"]
        viewer = ledger.as_unit("城区", "VIEWER")
        for day in (date(2024, 5, 20), date(2024, 6, 19), date(2024, 6, 20), date(2024, 7, 5)):
            merged = [*[x for x in LINES if x.seq != 2], _history_of_two(day)]
            data = await surfaces(viewer, ledger.plan, day)
            check_agree(data, expected(merged, day))

    async def test_a_state_older_than_the_tasks_history_is_refused(self, ledger: Ledger) -> None:
        assert (await ledger.upload(ledger_file(LINES))).get("errors") == []
        before = await ledger.counts()
        older = [
            Line(
                2,
                "2024年6月底前",
                date(2024, 6, 30),
                "南村镇",
                TaskStatus.COMPLETED,
                100,
                date(2024, 5, 1),
                "全部完成",
            )
        ]
        payload = await ledger.upload(ledger_file(older))
        assert [e["code"] for e in payload["report"]["rowErrors"]] == ["DATE_BEFORE_HISTORY"]
        assert await ledger.counts() == before


def _history_of_two(day: date) -> Line:
    """Row 2 after the second import: in progress from 05-15, completed from 06-20."""
    if day >= date(2024, 6, 20):
        return Line(
            2, "", date(2024, 6, 30), "南村镇", TaskStatus.COMPLETED, 100, date(2024, 6, 20)
        )
    return Line(2, "", date(2024, 6, 30), "南村镇", TaskStatus.IN_PROGRESS, 40, date(2024, 5, 15))


def _moment(text: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(text)


async def open_ledger_again(ledger: Ledger) -> str:
    """Another empty 2024 plan in the same database (a second document of 城区)."""
    from resolvers.common import global_id
    from tests.resolvers.ledger.conftest import create_plan

    plan_id = await create_plan(ledger.db, ledger.units["城区"], doc_number="城政发〔2024〕1号")
    return str(global_id("Plan", plan_id))


BAD_STATES = [
    pytest.param(("推进中", "40%", "2099-01-01 南村镇：计划"), "FUTURE_DATE", id="future-date"),
    pytest.param(("推进中", "150%", "2024-05-01 南村镇：超额"), "INVALID_PROGRESS", id="over-100"),
    pytest.param(("暂停", "40%", "2024-05-01 南村镇：暂停"), "UNKNOWN_STATUS", id="unknown-status"),
    pytest.param(("已完成", "50%", "2024-05-01 南村镇：半"), "INVALID_PROGRESS", id="disagree"),
    pytest.param(("推进中", "40%", "2024-02-30 南村镇：无"), "INVALID_DATE", id="no-such-day"),
    pytest.param(("推进中", "40%", "2024-01-10 南村镇：早"), "DATE_BEFORE_HISTORY", id="early"),
]


class TestBadStates:
    @pytest.mark.parametrize(("cells", "code"), BAD_STATES)
    async def test_a_bad_row_rejects_the_import(
        self, ledger: Ledger, cells: tuple[str, str, str], code: str
    ) -> None:
        before = await ledger.counts()
        rows = [line.row() for line in LINES]
        rows[1] = Row(*rows[1].cells()[:7], extra=cells)  # type: ignore[arg-type]
        payload = await ledger.upload(xlsx_bytes(rows, extra_header=STATE_HEADER))
        assert payload["errors"][0]["code"] == "INVALID_INPUT"
        report = payload["report"]
        assert report["written"] is False
        assert [(e["row"], e["code"]) for e in report["rowErrors"]] == [(4, code)]
        assert await ledger.counts() == before

    async def test_news_without_a_state_is_a_warning(self, ledger: Ledger) -> None:
        rows = [
            Row("类别", 1, "措施一", "2024年6月底前", "南村镇", extra=("", "", "2024-05-01 已开展"))
        ]
        payload = await ledger.upload(xlsx_bytes(rows, extra_header=STATE_HEADER))
        assert payload["errors"] == []
        assert [w["code"] for w in payload["report"]["warnings"]] == ["STATE_IGNORED"]


class TestRoundTrip:
    async def test_the_export_imports_into_a_fresh_database_with_the_same_history(
        self, ledger: Ledger, goldens: Goldens
    ) -> None:
        payload = await ledger.upload(ledger_file(LINES))
        assert payload["errors"] == []
        viewer = ledger.as_unit("城区", "VIEWER")
        exported = await viewer.http.get(
            "/export/ledger.csv",
            params={"unit": "城区", "docNumber": DOC_NUMBER},
            headers={"authorization": f"Bearer {viewer.token}"},
        )
        assert exported.status_code == 200
        _header, *rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
        assert len(rows) == len(LINES)
        source_tasks = await plan_tasks(viewer, ledger.plan)
        days = check_dates(Settings().today())
        source = [await surfaces(viewer, ledger.plan, day) for day in days]
        async with open_database(ledger.db.dialect, goldens, "seeded", private=True) as fresh:
            async with graphql_client(fresh) as client:
                copy = await open_ledger(fresh, client)
                payload = await copy.upload(exported.content, "台账.csv", plan=None)
                assert payload["errors"] == [], payload["report"]["rowErrors"]
                assert payload["report"]["created"] == len(LINES)
                reader = copy.as_unit("城区", "VIEWER")
                copied_tasks = await plan_tasks(reader, copy.plan)
                copied = [await surfaces(reader, copy.plan, day) for day in days]
        strip = ("reportedAt",)
        for seq, task in source_tasks.items():
            twin = copied_tasks[seq]
            assert (twin["status"], twin["progress"], twin["label"]) == (
                task["status"],
                task["progress"],
                task["label"],
            )
            assert [
                {k: v for k, v in e["node"].items() if k not in strip}
                for e in twin["reports"]["edges"]
            ] == [
                {k: v for k, v in e["node"].items() if k not in strip}
                for e in task["reports"]["edges"]
            ]
        for day, before, after in zip(days, source, copied, strict=True):
            assert after == before, day


class TestCommandLine:
    async def test_effective_on_on_the_command_line(self, ledger: Ledger, tmp_path: Path) -> None:
        if ledger.db.dialect != "sqlite":
            pytest.skip("the command line is the same on both dialects")
        import asyncio

        from api.cli import main

        path = tmp_path / "台账.xlsx"
        path.write_bytes(ledger_file([line for line in LINES if line.status is None]))
        url = ledger.db.url
        await ledger.db.engine.dispose()
        argv = [
            "import-ledger",
            str(path),
            "--plan",
            str(ledger.plan_id),
            "--effective-on",
            "2024-02-01",
            "--database-url",
            url,
        ]
        assert await asyncio.to_thread(main, argv) == 0
        viewer = ledger.as_unit("城区", "VIEWER")
        data = await surfaces(viewer, ledger.plan, date(2024, 2, 1))
        assert data["plan"]["taskRollup"]["total"] == 3
        bad = [*argv[:5], "--effective-on", "2024-02-30", *argv[7:]]
        with pytest.raises(SystemExit):
            await asyncio.to_thread(main, bad)
