"""/dashboard: the static files, their headers, and the screen's one query (statements, data).

The page itself is tested in a browser (tests/browser/); this checks what the server sends.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
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
