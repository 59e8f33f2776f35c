"""/dashboard: the static files, their headers, and the screen's one query (statements, data).

The page itself is tested in a browser (tests/browser/); this checks what the server sends.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import parse, validate

from api.app import create_app
from api.dashboard import STATIC_DIR
from api.schema import schema
from api.settings import Settings
from tests.conftest import GraphQLClient, TestDatabase

QUERIES = STATIC_DIR / "queries"
BEIJING = timezone(timedelta(hours=8))
VENDOR = STATIC_DIR / "vendor"


def _query(name: str) -> str:
    return (QUERIES / name).read_text(encoding="utf-8")


@pytest.fixture
async def http(seeded_db: TestDatabase) -> Any:
    app = create_app(Settings(database_url=seeded_db.url), engine=seeded_db.engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        yield client


class TestStaticFiles:
    async def test_dashboard_redirects_to_its_index_keeping_the_query(
        self, http: httpx.AsyncClient
    ) -> None:
        response = await http.get("/dashboard", params={"unit": "南村镇", "token": "x"})
        assert response.status_code == 307
        assert response.headers["location"].startswith("dashboard/?unit=")
        assert response.headers["location"].endswith("&token=x")

    async def test_index_is_chinese_html_with_security_headers(
        self, http: httpx.AsyncClient
    ) -> None:
        response = await http.get("/dashboard/")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert '<html lang="zh-CN">' in response.text
        assert '<script type="module" src="app.js">' in response.text
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-content-type-options"] == "nosniff"

    @pytest.mark.parametrize(
        "path", ["app.js", "api.js", "chart.js", "format.js", "panels.js", "tree.js"]
    )
    async def test_modules_are_served_as_javascript(
        self, http: httpx.AsyncClient, path: str
    ) -> None:
        response = await http.get(f"/dashboard/{path}")
        assert response.status_code == 200
        assert "javascript" in response.headers["content-type"]

    async def test_every_module_import_resolves_to_a_served_file(
        self, http: httpx.AsyncClient
    ) -> None:
        for module in STATIC_DIR.glob("*.js"):
            for target in re.findall(
                r'^import .*? from "(\./[^"]+)";', module.read_text(), re.M | re.S
            ):
                response = await http.get(f"/dashboard/{target.removeprefix('./')}")
                assert response.status_code == 200, f"{module.name} imports {target}"

    async def test_queries_are_served_for_the_query_box(self, http: httpx.AsyncClient) -> None:
        for path in QUERIES.glob("*.graphql"):
            response = await http.get(f"/dashboard/queries/{path.name}")
            assert response.status_code == 200
            assert response.text == path.read_text(encoding="utf-8")

    async def test_no_path_escapes_the_static_directory(self, http: httpx.AsyncClient) -> None:
        response = await http.get("/dashboard/../api/app.py")
        assert response.status_code == 404


class TestVendoredEcharts:
    def test_the_file_matches_the_recorded_version_and_checksum(self) -> None:
        readme = (VENDOR / "README.md").read_text(encoding="utf-8")
        data = (VENDOR / "echarts.esm.min.js").read_bytes()
        assert hashlib.sha256(data).hexdigest() in readme
        version = re.search(rb'version:"([0-9.]+)"', data)
        assert version is not None
        assert f"| {version.group(1).decode()} |" in readme

    def test_its_licences_ship_beside_it(self) -> None:
        assert "Apache License" in (VENDOR / "LICENSE-echarts").read_text(encoding="utf-8")
        assert "Apache ECharts" in (VENDOR / "NOTICE-echarts").read_text(encoding="utf-8")
        assert (VENDOR / "LICENSE-d3").is_file()

    def test_static_files_are_package_data(self) -> None:
        pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
        package_data = tomllib.loads(pyproject)["tool"]["setuptools"]["package-data"]["api"]
        assert {"static/dashboard/*", "static/dashboard/**/*"} <= set(package_data)


SCREEN_VARIABLES = {"asOf": "2023-10-20"}


async def _unit_id(client: GraphQLClient, name: str) -> str:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    unit_id: str = data["orgUnit"]["id"]
    return unit_id


class TestScreenQuery:
    async def test_one_request_fills_every_panel_of_the_district(
        self, client: GraphQLClient
    ) -> None:
        unit = await _unit_id(client, "城区")
        data = await client.query(_query("screen.graphql"), {**SCREEN_VARIABLES, "unit": unit})
        screen = data["unit"]
        assert screen["name"] == "城区"
        assert screen["taskRollup"]["total"] == 65
        assert screen["taskRollup"]["overdue"] == screen["overdue"]["totalCount"] == 13
        assert screen["taskRollup"]["dueSoon"] == 4
        # 25: 北石店镇 leads no 2023 task (2023's 各镇（街道） is 南村镇 and the streets).
        assert sum(c["taskRollup"]["total"] > 0 for c in screen["children"]) == 25
        assert screen["rectifications"]["totalCount"] == 17
        pm25 = [t for t in screen["targets"] if t["indicator"]["code"] == "PM25" and t["month"]]
        assert len(pm25) == 12
        assert {t["baselineYear"] for t in pm25} == {2022}
        january = next(t for t in pm25 if t["month"] == 1)
        assert (january["value"], january["baseline"]) == (54, 80)  # 2023 target, 2022 actual

    async def test_statements_do_not_grow_with_the_units_on_screen(
        self, client: GraphQLClient
    ) -> None:
        """The district (25 children with tasks) costs what a town (no children) costs."""
        counts = {}
        # 钟家庄街道: a town with tasks and rectification items, as the district has.
        for name in ("城区", "钟家庄街道", "晋城市"):
            body = await client.execute(
                _query("screen.graphql"), {**SCREEN_VARIABLES, "unit": await _unit_id(client, name)}
            )
            assert "errors" not in body, body["errors"]
            counts[name] = body["extensions"]["sql"]["statements"]
        # The district's 43 children (25 leading tasks) cost nothing over the town's none;
        # a unit without targets skips the attainment batch.
        assert counts["城区"] == counts["钟家庄街道"], counts
        assert max(counts.values()) <= 30, counts

    async def test_the_tree_pages_through_every_unit(self, client: GraphQLClient) -> None:
        seen: list[str] = []
        after = None
        while True:
            data = await client.query(_query("unit-tree.graphql"), {"first": 25, "after": after})
            page = data["orgUnits"]
            seen += [edge["node"]["id"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert len(seen) == len(set(seen)) == page["totalCount"] == 64

    async def test_the_overdue_page_continues_the_screen_list(self, client: GraphQLClient) -> None:
        unit = await _unit_id(client, "城区")
        variables = {**SCREEN_VARIABLES, "unit": unit}
        first = (await client.query(_query("screen.graphql"), {**variables, "overdueFirst": 5}))[
            "unit"
        ]["overdue"]
        rest = (
            await client.query(
                _query("overdue-page.graphql"),
                {**variables, "first": 100, "after": first["pageInfo"]["endCursor"]},
            )
        )["unit"]["overdue"]
        everything = (await client.query(_query("overdue-page.graphql"), variables))["unit"][
            "overdue"
        ]
        ids = [e["node"]["id"] for e in first["edges"] + rest["edges"]]
        assert ids == [e["node"]["id"] for e in everything["edges"]]
        ends = [e["node"]["deadline"]["end"] for e in first["edges"] + rest["edges"]]
        assert ends == sorted(ends)

    @pytest.mark.parametrize("name", sorted(p.name for p in QUERIES.glob("*.graphql")))
    def test_every_document_is_valid_against_the_schema(self, name: str) -> None:
        """The subscription too, which HTTP cannot run (tests/test_docs_examples.py runs it
        over a WebSocket)."""
        errors = validate(schema._schema, parse(_query(name)))
        assert errors == [], errors


PAST = "2023-10-20"


async def _viewers(client: GraphQLClient) -> dict[str, tuple[GraphQLClient, str]]:
    """ADMIN (of the district) and a town's VIEWER, each with the unit its screen opens."""
    from resolvers.common import decode_global_id

    district = await _unit_id(client, "城区")
    town = await _unit_id(client, "南村镇")
    return {
        "admin": (client.as_viewer(decode_global_id(district), "ADMIN"), district),
        "town": (client.as_viewer(decode_global_id(town), "VIEWER"), town),
    }


async def _all_tasks(viewer: GraphQLClient, unit: str, as_of: str) -> list[dict[str, Any]]:
    """Every task of the unit (and below), page by page with UnitTasksPage's shape: each with
    its badge as of `as_of` (statusAsOf in the unit's scope)."""
    query = """
    query ($unit: ID!, $asOf: Date!, $after: String) { orgUnit(id: $unit) {
      tasks(includeDescendants: true, first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { node { id status statusAsOf(asOf: $asOf, unit: $unit)
                       progressAsOf(asOf: $asOf, unit: $unit) } } } } }
    """
    tasks: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await viewer.query(query, {"unit": unit, "asOf": as_of, "after": after}))[
            "orgUnit"
        ]["tasks"]
        tasks += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return tasks
        after = page["pageInfo"]["endCursor"]


class TestStatesAsOfTheChosenDay:
    """List badges show the state on the chosen day, the state the cards count."""

    @pytest.mark.parametrize("who", ["admin", "town"])
    async def test_badges_add_up_to_the_as_of_rollup(self, client: GraphQLClient, who: str) -> None:
        viewer, unit = (await _viewers(client))[who]
        screen = (await viewer.query(_query("screen.graphql"), {"unit": unit, "asOf": PAST}))[
            "unit"
        ]
        rollup = screen["taskRollup"]
        tasks = await _all_tasks(viewer, unit, PAST)
        badges = [t["statusAsOf"] for t in tasks]
        assert badges.count("COMPLETED") == rollup["completed"]
        assert badges.count("IN_PROGRESS") == rollup["inProgress"]
        assert badges.count("NOT_STARTED") == rollup["notStarted"]
        assert len(tasks) - badges.count(None) == rollup["total"] > 0
        # The screen's own rows carry the same badges as the full list.
        by_id = {t["id"]: t for t in tasks}
        for edge in screen["overdue"]["edges"]:
            node = edge["node"]
            assert node["statusAsOf"] == by_id[node["id"]]["statusAsOf"] != "COMPLETED"
            assert node["progressAsOf"] == by_id[node["id"]]["progressAsOf"]

    async def test_a_past_day_shows_that_days_state_not_todays(self, client: GraphQLClient) -> None:
        """A share completed today: today's badge says 已完成, the past day's what it was."""
        from resolvers.common import decode_global_id

        town = await _unit_id(client, "南村镇")
        reporter = client.as_viewer(decode_global_id(town), "REPORTER")
        before = {t["id"]: t for t in await _all_tasks(reporter, town, PAST)}
        data = await reporter.query(
            """query ($unit: ID!) { orgUnit(id: $unit) { tasks(first: 100) { edges { node {
                 id assignments { id role status version unit { id } } } } } } }""",
            {"unit": town},
        )

        def leads(node: dict[str, Any]) -> list[dict[str, Any]]:
            return [a for a in node["assignments"] if a["role"] == "LEAD"]

        # The town's open lead share of a task given by the past day.
        task, share = next(
            (edge["node"]["id"], a)
            for edge in data["orgUnit"]["tasks"]["edges"]
            for a in leads(edge["node"])
            if a["unit"]["id"] == town
            and a["status"] != "COMPLETED"
            and before[edge["node"]["id"]]["statusAsOf"] is not None
        )
        result = await reporter.query(
            """mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
                 errors { code } } }""",
            {
                "input": {
                    "assignment": share["id"],
                    "percent": 100,
                    "expectedVersion": share["version"],
                }
            },
        )
        assert result["reportProgress"]["errors"] == []
        after = {t["id"]: t for t in await _all_tasks(reporter, town, PAST)}
        assert after[task]["statusAsOf"] == before[task]["statusAsOf"] != "COMPLETED"
        assert after[task]["progressAsOf"] == before[task]["progressAsOf"]
        # Today, in the town's scope (its share): completed, as the town's card counts it.
        today = {t["id"]: t for t in await _all_tasks(reporter, town, "2100-01-01")}
        assert (today[task]["statusAsOf"], today[task]["progressAsOf"]) == ("COMPLETED", 100)
        # Without a unit: the task as a whole, today's `status` (a co-lead may be at work).
        whole = await reporter.query(
            """query ($id: ID!) { node(id: $id) { ... on Task {
                 status statusAsOf(asOf: "2100-01-01") } } }""",
            {"id": task},
        )
        assert whole["node"]["statusAsOf"] == whole["node"]["status"]
        early = await _all_tasks(reporter, town, "1990-01-01")
        assert {t["statusAsOf"] for t in early} == {None}  # no task given yet

    async def test_the_badges_cost_one_statement_per_list(self, client: GraphQLClient) -> None:
        """statusAsOf and progressAsOf of a page of 100 are one batched statement."""
        viewer, unit = (await _viewers(client))["admin"]
        query = """
        query ($unit: ID!, $asOf: Date!, $first: Int!, $badges: Boolean!) { orgUnit(id: $unit) {
          tasks(includeDescendants: true, first: $first) { edges { node { id
            statusAsOf(asOf: $asOf, unit: $unit) @include(if: $badges)
            progressAsOf(asOf: $asOf, unit: $unit) @include(if: $badges) } } } } }
        """
        counts = {}
        for first, badges in ((5, False), (5, True), (60, True)):
            body = await viewer.execute(
                query, {"unit": unit, "asOf": PAST, "first": first, "badges": badges}
            )
            assert "errors" not in body, body["errors"]
            counts[(first, badges)] = body["extensions"]["sql"]["statements"]
        assert counts[(5, True)] == counts[(5, False)] + 1
        assert counts[(60, True)] == counts[(5, True)]

    async def test_a_bad_unit_is_a_typed_error(self, client: GraphQLClient) -> None:
        body = await client.execute(
            '{ tasks(first: 1) { edges { node { statusAsOf(asOf: "2023-10-20", unit: "x") } } } }'
        )
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    async def test_the_tree_counts_as_of_the_day(self, client: GraphQLClient) -> None:
        viewer, unit = (await _viewers(client))["admin"]
        tree = await viewer.query(_query("unit-tree.graphql"), {"first": 100, "asOf": PAST})
        node = next(e["node"] for e in tree["orgUnits"]["edges"] if e["node"]["id"] == unit)
        rollup = (await viewer.query(_query("screen.graphql"), {"unit": unit, "asOf": PAST}))[
            "unit"
        ]["taskRollup"]
        assert node["taskRollup"]["total"] == rollup["total"]

    async def test_the_tree_is_the_days_tree(self, client: GraphQLClient) -> None:
        """UnitTree and the screen's 下级单位 list the units in force on the day under their
        parent that day: a town established on 2024-01-01 is not in the 2023 tree, a town
        renamed on 2024-03-01 shows its old unit before and the new one after."""
        admin = await _as(client, "山西省", "ADMIN")
        district = await _unit_id(client, "城区")
        for event in (
            {
                "kind": "ESTABLISH",
                "occurredOn": "2024-01-01",
                "newUnits": [
                    {
                        "name": "城区新设街道",
                        "code": "140502-T96",
                        "kind": "TOWN",
                        "parent": district,
                    }
                ],
            },
            {
                "kind": "RENAME",
                "occurredOn": "2024-03-01",
                "predecessors": [await _unit_id(client, "钟家庄街道")],
                "newUnits": [{"name": "钟家庄街道（更名）", "code": "140502-T95"}],
            },
        ):
            recorded = await admin.query(
                """mutation ($input: RecordOrgUnitEventInput!) {
                     recordOrgUnitEvent(input: $input) { errors { code message } } }""",
                {"input": event},
            )
            assert recorded["recordOrgUnitEvent"]["errors"] == []
        days = {
            PAST: ({"钟家庄街道"}, {"城区新设街道", "钟家庄街道（更名）"}),
            "2024-02-01": ({"钟家庄街道", "城区新设街道"}, {"钟家庄街道（更名）"}),
            "2024-06-30": ({"城区新设街道", "钟家庄街道（更名）"}, {"钟家庄街道"}),
        }
        for who, (viewer, _unit) in (await _viewers(client)).items():
            for day, (present, absent) in days.items():
                nodes: list[dict[str, Any]] = []
                after = None
                while True:
                    page = (
                        await viewer.query(
                            _query("unit-tree.graphql"), {"asOf": day, "after": after}
                        )
                    )["orgUnits"]
                    nodes += [edge["node"] for edge in page["edges"]]
                    if not page["pageInfo"]["hasNextPage"]:
                        break
                    after = page["pageInfo"]["endCursor"]
                names = {n["name"] for n in nodes}
                label = (who, day)
                if who == "admin":
                    assert present <= names, label
                else:  # the town sees its own subtree and its ancestors only
                    assert {"南村镇", "城区"} <= names, label
                assert not absent & names, label
                # Each unit hangs under its parent of that day, and the parent's children
                # that day are exactly the units hanging under it.
                screen = (
                    await viewer.query(_query("screen.graphql"), {"unit": district, "asOf": day})
                )["unit"]
                under = {n["name"] for n in nodes if (n["parent"] or {}).get("id") == district}
                assert {c["name"] for c in screen["children"]} == under, label
                assert not absent & under, label
                if who == "admin":
                    assert present <= under, label

    async def test_the_page_queries_continue_the_screen(self, client: GraphQLClient) -> None:
        unit = await _unit_id(client, "城区生态环境分局")
        variables = {"unit": unit, "asOf": PAST}
        screen = (await client.query(_query("screen.graphql"), {**variables, "tasksFirst": 15}))[
            "unit"
        ]
        first = screen["tasks"]
        assert first["pageInfo"]["hasNextPage"]
        rest = (
            await client.query(
                _query("unit-tasks-page.graphql"),
                {**variables, "first": 100, "after": first["pageInfo"]["endCursor"]},
            )
        )["unit"]["tasks"]
        ids = [e["node"]["id"] for e in first["edges"] + rest["edges"]]
        assert len(ids) == len(set(ids)) == first["totalCount"]
        district = await _unit_id(client, "城区")
        rect = (
            await client.query(
                _query("screen.graphql"), {"unit": district, "asOf": PAST, "rectificationsFirst": 5}
            )
        )["unit"]["rectifications"]
        more = (
            await client.query(
                _query("rectifications-page.graphql"),
                {
                    "unit": district,
                    "asOf": PAST,
                    "first": 50,
                    "after": rect["pageInfo"]["endCursor"],
                },
            )
        )["unit"]["rectifications"]
        ids = [e["node"]["id"] for e in rect["edges"] + more["edges"]]
        assert len(ids) == len(set(ids)) == rect["totalCount"] == 17

    @pytest.mark.parametrize("as_of", [PAST, "2024-06-30", "1990-01-01"])
    async def test_rectification_badges_add_up_to_the_as_of_rollup(
        self, client: GraphQLClient, as_of: str
    ) -> None:
        unit = await _unit_id(client, "城区")
        screen = (await client.query(_query("screen.graphql"), {"unit": unit, "asOf": as_of}))[
            "unit"
        ]
        rollup = screen["rectificationRollup"]
        badges = [e["node"]["statusAsOf"] for e in screen["rectifications"]["edges"]]
        assert len(badges) == screen["rectifications"]["totalCount"] == 17
        fields = {
            "NOT_STARTED": "notStarted",
            "IN_PROGRESS": "inProgress",
            "COMPLETED": "completed",
            "VERIFIED": "verified",
            "CLOSED": "closed",
            "REOPENED": "reopened",
        }
        for status, field in fields.items():
            assert badges.count(status) == rollup[field], status
        assert len(badges) - badges.count(None) == rollup["total"]

    async def test_enterprises_are_children_of_their_own_kind(self, client: GraphQLClient) -> None:
        """The panel lists enterprises apart by `kind`: the screen must carry it."""
        unit = await _unit_id(client, "城区")
        children = (await client.query(_query("screen.graphql"), {"unit": unit, "asOf": PAST}))[
            "unit"
        ]["children"]
        kinds = {c["kind"] for c in children}
        assert {"TOWN", "DEPARTMENT", "ENTERPRISE"} <= kinds


class TestRankingsPanel:
    async def test_the_city_ranks_its_districts_by_level(self, client: GraphQLClient) -> None:
        city = await _unit_id(client, "晋城市")
        variables = {"indicator": "PM25", "year": 2024, "kind": "DISTRICT", "within": city}
        entries = (await client.query(_query("rankings.graphql"), variables))["rankings"]
        assert [(e["rank"], e["unit"]["name"], e["value"]) for e in entries] == [(1, "阳城县", 38)]
        improvement = await client.query(
            _query("rankings.graphql"), {**variables, "by": "IMPROVEMENT"}
        )
        assert improvement["rankings"] == []  # no 2023 value, no baseline

    async def test_a_district_ranks_its_towns_by_improvement(self, client: GraphQLClient) -> None:
        from resolvers.common import decode_global_id

        district = await _unit_id(client, "城区")
        admin = client.as_viewer(decode_global_id(district), "ADMIN")
        values = {"南村镇": (40, 50), "钟家庄街道": (45, 47), "西街街道": (35, 30)}
        for name, (now, before) in values.items():
            unit = await _unit_id(client, name)
            for year, value in ((2023, now), (2022, before)):
                result = await admin.query(
                    """mutation ($input: RecordMeasurementInput!) {
                         recordMeasurement(input: $input) { errors { code field } } }""",
                    {"input": {"indicator": "PM25", "unit": unit, "year": year, "value": value}},
                )
                assert result["recordMeasurement"]["errors"] == []
        variables = {"indicator": "PM25", "year": 2023, "kind": "TOWN", "within": district}
        level = (await client.query(_query("rankings.graphql"), variables))["rankings"]
        assert [e["unit"]["name"] for e in level] == ["西街街道", "南村镇", "钟家庄街道"]
        better = (
            await client.query(_query("rankings.graphql"), {**variables, "by": "IMPROVEMENT"})
        )["rankings"]
        assert [(e["unit"]["name"], e["change"]) for e in better] == [
            ("南村镇", -10),
            ("钟家庄街道", -2),
            ("西街街道", 5),
        ]


ESCALATE = """
mutation ($input: EscalateInput!) { escalate(input: $input) {
  escalation { id status version } errors { code } } }
"""


async def _backdate_escalation(db: TestDatabase, escalation: str) -> None:
    """Dates an escalation's moves into March 2024 (given in Beijing time, stored as the
    application stores times)."""
    from models import Escalation, EscalationReply
    from resolvers.common import decode_global_id

    esc_t = Escalation.__table__  # type: ignore[attr-defined]
    reply_t = EscalationReply.__table__  # type: ignore[attr-defined]
    key = decode_global_id(escalation)

    def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
        return datetime(year, month, day, hour, minute, tzinfo=BEIJING).astimezone(UTC)

    async with db.engine.begin() as conn:
        await conn.execute(
            esc_t.update()
            .where(esc_t.c.id == key)
            .values(
                issued_on=date(2024, 3, 1),
                acknowledged_at=at(2024, 3, 5, 9, 0),
                closed_at=at(2024, 3, 20, 23, 30),
            )
        )
        await conn.execute(
            reply_t.update()
            .where(reply_t.c.escalation_id == key)
            .values(replied_at=at(2024, 3, 10, 0, 30))
        )


async def _as(client: GraphQLClient, name: str, role: str) -> GraphQLClient:
    from resolvers.common import decode_global_id

    return client.as_viewer(decode_global_id(await _unit_id(client, name)), role)


async def _town_share(client: GraphQLClient) -> tuple[str, str]:
    """(task id, 南村镇's lead share id) of an overdue task on the past day."""
    town = await _unit_id(client, "南村镇")
    data = await client.query(
        """query ($unit: ID!, $asOf: Date!) { orgUnit(id: $unit) {
             tasks(filter: {overdueAsOf: $asOf}, first: 1) { edges { node {
               id assignments { id role unit { id } } } } } } }""",
        {"unit": town, "asOf": PAST},
    )
    node = data["orgUnit"]["tasks"]["edges"][0]["node"]
    share = next(a for a in node["assignments"] if a["unit"]["id"] == town and a["role"] == "LEAD")
    return node["id"], share["id"]


class TestInboxPanel:
    """The 督办 panel's operations: the lists both ways, 签收 / 回复 by the town, 办结 by the
    district; the wrong role or the wrong side gets a payload error and writes nothing."""

    async def test_issued_and_answered_through_the_panels_operations(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        task, share = await _town_share(client)
        district = await _as(client, "城区", "COORDINATOR")
        issued = await district.query(
            ESCALATE,
            {
                "input": {
                    "level": "URGE",
                    "addressedTo": await _unit_id(client, "南村镇"),
                    "assignment": share,
                    "reason": "逾期未完成",
                }
            },
        )
        assert issued["escalate"]["errors"] == []
        escalation = issued["escalate"]["escalation"]
        town = await _as(client, "南村镇", "REPORTER")
        town_viewer = await _as(client, "南村镇", "VIEWER")
        today = str(Settings().today())
        inbox = (
            await town.query(_query("escalations.graphql"), {"addressedTo": "ME", "asOf": today})
        )["escalations"]
        assert [e["node"]["id"] for e in inbox["edges"]] == [escalation["id"]]
        assert inbox["edges"][0]["node"]["issuedBy"]["name"] == "城区"
        # The item names its task (the panel opens the drill-down with it).
        assert inbox["edges"][0]["node"]["task"]["id"] == task
        assert inbox["edges"][0]["node"]["rectification"] is None
        assert inbox["edges"][0]["node"]["statusAsOf"] == "ISSUED"
        sent = (
            await district.query(_query("escalations.graphql"), {"issuedBy": "ME", "asOf": PAST})
        )["escalations"]
        assert [e["node"]["id"] for e in sent["edges"]] == [escalation["id"]]
        assert sent["edges"][0]["node"]["task"]["id"] == task
        assert sent["edges"][0]["node"]["statusAsOf"] is None  # not issued yet on that day
        # A VIEWER cannot sign for it; the issuer cannot either: nothing changes.
        for who in (town_viewer, district):
            refused = (
                await who.query(
                    _query("escalation-acknowledge.graphql"),
                    {"escalation": escalation["id"], "expectedVersion": escalation["version"]},
                )
            )["acknowledgeEscalation"]
            assert refused["escalation"] is None
            assert refused["errors"][0]["code"] in ("FORBIDDEN", "NOT_FOUND")
        ack = (
            await town.query(
                _query("escalation-acknowledge.graphql"),
                {"escalation": escalation["id"], "expectedVersion": escalation["version"]},
            )
        )["acknowledgeEscalation"]
        assert ack["errors"] == []
        assert ack["escalation"]["status"] == "ACKNOWLEDGED"
        reply = (
            await town.query(
                _query("escalation-reply.graphql"),
                {
                    "escalation": escalation["id"],
                    "kind": "COMMITMENT",
                    "text": "本月底前完成",
                    "promisedBy": "2099-01-31",
                    "expectedVersion": ack["escalation"]["version"],
                },
            )
        )["replyToEscalation"]
        assert reply["errors"] == []
        assert reply["escalation"]["status"] == "REPLIED"
        # The town cannot close it (the issuer's move).
        refused = (
            await town.query(_query("escalation-close.graphql"), {"escalation": escalation["id"]})
        )["closeEscalation"]
        assert refused["errors"][0]["code"] in ("FORBIDDEN", "NOT_FOUND")
        closed = (
            await district.query(
                _query("escalation-close.graphql"),
                {
                    "escalation": escalation["id"],
                    "note": "已整改",
                    "expectedVersion": reply["escalation"]["version"],
                },
            )
        )["closeEscalation"]
        assert closed["errors"] == []
        assert closed["escalation"]["status"] == "CLOSED"
        # Filtered by state, as the panel's select asks.
        open_ones = await town.query(
            _query("escalations.graphql"),
            {"addressedTo": "ME", "status": ["ISSUED", "ACKNOWLEDGED", "REPLIED"], "asOf": today},
        )
        assert open_ones["escalations"]["totalCount"] == 0
        done = (
            await town.query(
                _query("escalations.graphql"),
                {"addressedTo": "ME", "status": ["CLOSED"], "asOf": today},
            )
        )["escalations"]["edges"][0]["node"]
        assert [(r["kind"], r["promisedBy"]) for r in done["replies"]] == [
            ("COMMITMENT", "2099-01-31")
        ]
        assert done["closingNote"] == "已整改"
        # The drill-down shows it on the task.
        detail = (
            await district.query(
                _query("task-detail.graphql"), {"id": task, "asOf": PAST, "unit": None}
            )
        )["task"]
        assert [e["id"] for e in detail["escalations"]] == [escalation["id"]]

        # As of past days: the moves dated into 2024 (issued 03-01, signed for 03-05, answered
        # 03-10, closed 03-20, Beijing time), each day shows the furthest move made by then.
        await _backdate_escalation(seeded_db, escalation["id"])
        expected = {
            "2024-02-29": None,
            "2024-03-04": "ISSUED",
            "2024-03-05": "ACKNOWLEDGED",
            "2024-03-09": "ACKNOWLEDGED",
            "2024-03-10": "REPLIED",
            "2024-03-19": "REPLIED",
            "2024-03-20": "CLOSED",
            today: "CLOSED",
        }
        admin = await _as(client, "山西省", "ADMIN")
        for who, variables in (
            (town, {"addressedTo": "ME"}),
            (district, {"issuedBy": "ME"}),
            (admin, {}),
        ):
            for day, state in expected.items():
                page = (await who.query(_query("escalations.graphql"), {**variables, "asOf": day}))[
                    "escalations"
                ]
                node = next(e["node"] for e in page["edges"] if e["node"]["id"] == escalation["id"])
                assert node["statusAsOf"] == state, (day, variables)
                assert node["status"] == "CLOSED"

    async def test_without_a_unit_the_inbox_is_empty(self, client: GraphQLClient) -> None:
        data = await client.query(
            _query("escalations.graphql"), {"addressedTo": "ME", "asOf": PAST}
        )
        assert data["escalations"]["totalCount"] == 0


class TestTaskDetail:
    async def test_reports_files_and_deadline_history_as_of_a_day(
        self, client: GraphQLClient
    ) -> None:
        import orjson

        from tests.resolvers.evidence.conftest import ATTACH, PNG

        task, share = await _town_share(client)
        town = await _as(client, "南村镇", "REPORTER")
        reports = []
        for percent in (30, 60, 80):
            result = await town.query(
                """mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
                     report { id } errors { code } } }""",
                {"input": {"assignment": share, "percent": percent, "narrative": f"{percent}%"}},
            )
            assert result["reportProgress"]["errors"] == []
            reports.append(result["reportProgress"]["report"]["id"])
        operations = {
            "query": ATTACH,
            "variables": {"input": {"report": reports[-1], "caption": "现场", "file": None}},
        }
        response = await town.http.post(
            "/graphql",
            data={
                "operations": orjson.dumps(operations).decode(),
                "map": orjson.dumps({"0": ["variables.input.file"]}).decode(),
            },
            files={"0": ("现场.png", PNG, "image/png")},
            headers={"authorization": f"Bearer {town.token}"},
        )
        attached = response.json()["data"]["attachEvidence"]
        assert attached["errors"] == []
        variables = {
            "id": task,
            "asOf": PAST,
            "unit": await _unit_id(client, "南村镇"),
            "reportsFirst": 2,
        }
        viewer = await _as(client, "城区", "VIEWER")
        first = (await viewer.query(_query("task-detail.graphql"), variables))["task"]
        assert first["statusAsOf"] in ("NOT_STARTED", "IN_PROGRESS")  # the past day's
        assert first["reports"]["totalCount"] >= 3
        newest = first["reports"]["edges"][0]["node"]
        assert newest["id"] == reports[-1]
        assert [(f["name"], f["url"]) for f in newest["files"]] == [
            ("现场.png", attached["file"]["url"])
        ]
        rest = (
            await viewer.query(
                _query("task-detail.graphql"),
                {**variables, "reportsAfter": first["reports"]["pageInfo"]["endCursor"]},
            )
        )["task"]["reports"]
        ids = [e["node"]["id"] for e in first["reports"]["edges"] + rest["edges"]]
        assert ids[:3] == reports[::-1]
        download = await viewer.http.get(
            newest["files"][0]["url"], headers={"authorization": f"Bearer {viewer.token}"}
        )
        assert download.status_code == 200
        assert download.content == PNG
        assert isinstance(first["deadlineHistory"], list)


TODO_LEAD = "城区生态环境分局"


async def _reviewed_plan_with_work(client: GraphQLClient) -> dict[str, Any]:
    """A 城区 plan reviewing ALL reports, one task led by TODO_LEAD: a submitted report and a
    pending extension request, both waiting for 城区 (the plan's issuer)."""
    district = await _unit_id(client, "城区")
    admin = await _as(client, "城区", "ADMIN")
    doc = await admin.query(
        """mutation ($i: CreateDocumentInput!) { createDocument(input: $i) {
             document { id } errors { code } } }""",
        {
            "i": {
                "title": "城区大气污染防治督办方案",
                "kind": "NOTICE",
                "docNumber": "城政办发〔2024〕99号",
                "issuer": district,
                "issuedOn": "2024-01-10",
            }
        },
    )
    assert doc["createDocument"]["errors"] == []
    plan = await admin.query(
        """mutation ($i: CreatePlanInput!) { createPlan(input: $i) {
             plan { id reportReview } errors { code } } }""",
        {
            "i": {
                "document": doc["createDocument"]["document"]["id"],
                "title": "督办方案",
                "kind": "ACTION_PLAN",
                "field": "AIR",
                "year": 2024,
                "reportReview": "ALL",
            }
        },
    )
    assert plan["createPlan"]["errors"] == []
    assert plan["createPlan"]["plan"]["reportReview"] == "ALL"
    made = await admin.query(
        """mutation ($i: CreateTaskInput!) { createTask(input: $i) {
             task { id assignments { id role unit { name } } } errors { code } } }""",
        {
            "i": {
                "plan": plan["createPlan"]["plan"]["id"],
                "title": "工地扬尘在线监测全覆盖",
                "deadline": {"kind": "BY_DATE", "end": "2099-06-30"},
                "leadNames": [TODO_LEAD],
            }
        },
    )
    assert made["createTask"]["errors"] == []
    task = made["createTask"]["task"]
    share = next(a["id"] for a in task["assignments"] if a["role"] == "LEAD")
    lead = await _as(client, TODO_LEAD, "REPORTER")
    reported = await lead.query(
        """mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
             report { id reviewState } errors { code } } }""",
        {"input": {"assignment": share, "percent": 40, "narrative": "已安装 12 套"}},
    )
    assert reported["reportProgress"]["errors"] == []
    assert reported["reportProgress"]["report"]["reviewState"] == "SUBMITTED"
    asked = await lead.query(
        """mutation ($input: RequestExtensionInput!) { requestExtension(input: $input) {
             request { id status addressedTo { name } } errors { code } } }""",
        {"input": {"assignment": share, "newDeadline": "2099-12-31", "reason": "设备到货延迟"}},
    )
    assert asked["requestExtension"]["errors"] == []
    assert asked["requestExtension"]["request"]["addressedTo"]["name"] == "城区"
    return {
        "task": task["id"],
        "share": share,
        "report": reported["reportProgress"]["report"]["id"],
        "request": asked["requestExtension"]["request"]["id"],
    }


class TestTodoPanel:
    """The 待办 panel's operations for a district COORDINATOR: what waits for its review or
    decision, the decisions through the panel's mutations (refusals are payload errors that
    write nothing), and the drill-down showing review state, extensions and the light."""

    async def test_the_district_reviews_and_decides_through_the_panels_operations(
        self, client: GraphQLClient
    ) -> None:
        work = await _reviewed_plan_with_work(client)
        district = await _as(client, "城区", "COORDINATOR")
        todo = await district.query(_query("todo.graphql"), {})
        reports = {e["node"]["id"]: e["node"] for e in todo["reportsToReview"]["edges"]}
        assert reports[work["report"]]["reviewState"] == "SUBMITTED"
        assert reports[work["report"]]["unit"]["name"] == TODO_LEAD
        assert reports[work["report"]]["percent"] == 40
        assert reports[work["report"]]["task"]["id"] == work["task"]  # opens the drill-down
        requests = {e["node"]["id"]: e["node"] for e in todo["extensionRequests"]["edges"]}
        request = requests[work["request"]]
        assert (request["status"], request["requestedDeadlineEnd"]) == ("PENDING", "2099-12-31")
        assert request["currentDeadlineEnd"] == "2099-06-30"
        assert request["task"]["id"] == work["task"]
        assert request["requestedByUnit"]["name"] == TODO_LEAD

        # Refused: a VIEWER of the district, the lead itself, a return or reject without reason.
        viewer = await _as(client, "城区", "VIEWER")
        lead = await _as(client, TODO_LEAD, "COORDINATOR")
        codes: list[str] = []
        for who, decision, reason in (
            (viewer, "ACCEPT", None),
            (lead, "ACCEPT", None),
            (district, "RETURN", None),
        ):
            refused = (
                await who.query(
                    _query("report-review.graphql"),
                    {"report": work["report"], "decision": decision, "reason": reason},
                )
            )["reviewProgressReport"]
            assert refused["report"] is None
            codes.append(refused["errors"][0]["code"])
            assert refused["errors"][0]["message"]
        for who, decision, reason in (
            (viewer, "APPROVE", None),
            (lead, "APPROVE", None),
            (district, "REJECT", None),
        ):
            refused = (
                await who.query(
                    _query("extension-decide.graphql"),
                    {"request": work["request"], "decision": decision, "reason": reason},
                )
            )["decideExtension"]
            assert refused["request"] is None
            codes.append(refused["errors"][0]["code"])
            assert refused["errors"][0]["message"]
        assert codes == ["FORBIDDEN", "FORBIDDEN", "INVALID_INPUT"] * 2
        still = await district.query(_query("todo.graphql"), {})
        assert still["reportsToReview"]["totalCount"] == todo["reportsToReview"]["totalCount"]
        assert still["extensionRequests"]["totalCount"] == todo["extensionRequests"]["totalCount"]

        accepted = (
            await district.query(
                _query("report-review.graphql"),
                {
                    "report": work["report"],
                    "decision": "ACCEPT",
                    "expectedVersion": reports[work["report"]]["version"],
                },
            )
        )["reviewProgressReport"]
        assert accepted["errors"] == []
        assert accepted["report"]["reviewState"] == "ACCEPTED"
        rejected = (
            await district.query(
                _query("extension-decide.graphql"),
                {
                    "request": work["request"],
                    "decision": "REJECT",
                    "reason": "理由不充分",
                    "expectedVersion": request["version"],
                },
            )
        )["decideExtension"]
        assert rejected["errors"] == []
        assert rejected["request"]["status"] == "REJECTED"
        after = await district.query(_query("todo.graphql"), {})
        assert work["report"] not in {e["node"]["id"] for e in after["reportsToReview"]["edges"]}
        assert work["request"] not in {e["node"]["id"] for e in after["extensionRequests"]["edges"]}

        # The drill-down: the report's review, the request's decision, the task's light.
        detail = (
            await district.query(
                _query("task-detail.graphql"),
                {"id": work["task"], "asOf": "2099-01-01", "unit": None},
            )
        )["task"]
        report = detail["reports"]["edges"][0]["node"]
        assert (report["reviewState"], report["reviewerUnit"]["name"]) == ("ACCEPTED", "城区")
        extension = detail["extensionRequests"]["edges"][0]["node"]
        assert (extension["status"], extension["decisionReason"]) == ("REJECTED", "理由不充分")
        assert extension["decidedByUnit"]["name"] == "城区"
        assert detail["health"] in ("GREEN", "YELLOW", "RED")

    async def test_the_lists_page_by_cursor_and_name_their_task(
        self, client: GraphQLClient
    ) -> None:
        """显示更多: each list pages by its own cursor, the other asked for no rows; every
        report names its task, for the district COORDINATOR and for ADMIN."""
        work = await _reviewed_plan_with_work(client)
        lead = await _as(client, TODO_LEAD, "REPORTER")
        share = work["share"]
        for percent in (50, 60, 70, 80):
            more = await lead.query(
                """mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
                     report { id } errors { code } } }""",
                {"input": {"assignment": share, "percent": percent}},
            )
            assert more["reportProgress"]["errors"] == []
        for who in (await _as(client, "城区", "COORDINATOR"), await _as(client, "城区", "ADMIN")):
            whole = (await who.query(_query("todo.graphql"), {"reportsFirst": 100}))[
                "reportsToReview"
            ]
            assert whole["totalCount"] >= 5
            paged: list[dict[str, Any]] = []
            after = None
            while True:
                page = await who.query(
                    _query("todo.graphql"),
                    {"reportsFirst": 2, "reportsAfter": after, "extensionsFirst": 0},
                )
                assert page["extensionRequests"]["edges"] == []
                assert page["extensionRequests"]["totalCount"] >= 1  # still counted
                reports = page["reportsToReview"]
                assert len(reports["edges"]) <= 2
                paged += [e["node"] for e in reports["edges"]]
                if not reports["pageInfo"]["hasNextPage"]:
                    break
                after = reports["pageInfo"]["endCursor"]
            assert [r["id"] for r in paged] == [e["node"]["id"] for e in whole["edges"]]
            ours = [r for r in paged if r["task"] and r["task"]["id"] == work["task"]]
            assert len(ours) == 5
            assert {r["task"]["title"] for r in ours} == {"工地扬尘在线监测全覆盖"}
            extensions = (
                await who.query(_query("todo.graphql"), {"reportsFirst": 0, "extensionsFirst": 1})
            )["extensionRequests"]
            assert len(extensions["edges"]) == 1
            assert extensions["edges"][0]["node"]["task"]["id"]

    async def test_a_returned_report_shows_its_reason_in_the_drill_down(
        self, client: GraphQLClient
    ) -> None:
        work = await _reviewed_plan_with_work(client)
        district = await _as(client, "城区", "COORDINATOR")
        returned = (
            await district.query(
                _query("report-review.graphql"),
                {"report": work["report"], "decision": "RETURN", "reason": "缺少佐证材料"},
            )
        )["reviewProgressReport"]
        assert returned["errors"] == []
        assert returned["report"]["reviewState"] == "RETURNED"
        detail = (
            await district.query(
                _query("task-detail.graphql"),
                {"id": work["task"], "asOf": "2099-01-01", "unit": None},
            )
        )["task"]
        report = detail["reports"]["edges"][0]["node"]
        assert (report["reviewState"], report["reviewReason"]) == ("RETURNED", "缺少佐证材料")

    async def test_without_a_unit_nothing_waits(self, client: GraphQLClient) -> None:
        data = await client.query(_query("todo.graphql"), {})
        assert data["extensionRequests"]["totalCount"] == 0
        assert data["reportsToReview"]["totalCount"] == 0
