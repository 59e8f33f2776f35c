"""通报 exports (issue 19, point 6): /export/briefing.xlsx and .html hold the API's numbers.

For several dates and two viewers (the demo viewer and a town's VIEWER), the workbook's
总览 and 下级单位 rows equal `taskRollup(asOf)` / `rectificationRollup(asOf)` of the unit and
each child as /graphql answers them, and its overdue list is exactly `tasks(includeDescendants,
filter: {overdueAsOf})`. Bad parameters are refused with a code and leave nothing behind.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from api.app import create_app
from api.auth import mint_token
from api.briefing import ROLLUP_HEADINGS, progress, rate, status_word
from api.settings import Settings
from models.enums import ViewerRole
from resolvers.ids import decode_global_id
from tests.conftest import TEST_SECRET, TestDatabase

DATES = ["2023-06-01", "2024-01-15", "2024-06-30", "2025-12-31"]
API = """
query ($name: String!, $asOf: Date!) { orgUnit(name: $name) {
  id name
  taskRollup(asOf: $asOf) { total completed inProgress notStarted overdue dueSoon ongoing
                            completionRate weightedProgress }
  rectificationRollup(asOf: $asOf) { total closed overdue }
  children(asOf: $asOf) { name taskRollup(asOf: $asOf) { total completed overdue completionRate }
                          rectificationRollup(asOf: $asOf) { total closed overdue } }
  tasks(includeDescendants: true, filter: {overdueAsOf: $asOf}, first: 100) {
    totalCount edges { node { label } } }
} }
"""


OVERDUE_API = """
query ($unit: ID!, $asOf: Date!) { orgUnit(id: $unit) {
  tasks(includeDescendants: true, filter: {overdueAsOf: $asOf}, first: 100) { edges { node {
    label status statusAsOf(asOf: $asOf, unit: $unit) progressAsOf(asOf: $asOf, unit: $unit)
    escalations { issuedOn statusAsOf(asOf: $asOf) } } } }
} }
"""


@pytest.fixture
async def http(seeded_db: TestDatabase) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(database_url=seeded_db.url, secret=TEST_SECRET, anonymous=True)
    transport = httpx.ASGITransport(app=create_app(settings, engine=seeded_db.engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
        yield client


async def _api(
    http: httpx.AsyncClient, name: str, as_of: str, headers: dict[str, str]
) -> dict[str, Any]:
    response = await http.post(
        "/graphql", json={"query": API, "variables": {"name": name, "asOf": as_of}}, headers=headers
    )
    body = response.json()
    assert "errors" not in body, body
    unit: dict[str, Any] = body["data"]["orgUnit"]
    return unit


def _sheet(book: Any, name: str) -> list[list[Any]]:
    return [list(row) for row in book[name].iter_rows(values_only=True)]


async def _viewers(http: httpx.AsyncClient) -> list[tuple[str, str, dict[str, str]]]:
    """(who, unit name, headers): the demo viewer on 城区, a town's VIEWER on its town."""
    town = await _api(http, "钟家庄街道", DATES[0], {})
    token = mint_token(TEST_SECRET, unit_id=decode_global_id(town["id"]), role=ViewerRole.VIEWER)
    return [("demo", "城区", {}), ("town", "钟家庄街道", {"authorization": f"Bearer {token}"})]


async def test_the_workbook_holds_the_apis_numbers(http: httpx.AsyncClient) -> None:
    for who, name, headers in await _viewers(http):
        for as_of in DATES:
            api = await _api(http, name, as_of, headers)
            response = await http.get(
                "/export/briefing.xlsx", params={"unit": name, "asOf": as_of}, headers=headers
            )
            assert response.status_code == 200, response.text
            book = load_workbook(io.BytesIO(response.content), read_only=True)
            label = f"{who} {name} {as_of}"
            overview = _sheet(book, "总览")
            assert as_of.replace("-", "")[:4] in overview[0][0], label
            row = dict(zip(overview[1], overview[2], strict=True))
            rollup = api["taskRollup"]
            for key, heading in ROLLUP_HEADINGS:
                if key == "completionRate":
                    assert row[heading] == rate(rollup[key]), label
                elif key != "weightedProgress":
                    assert row[heading] == rollup[key], (label, heading)
            assert row["整改事项"] == api["rectificationRollup"]["total"], label
            assert row["整改逾期"] == api["rectificationRollup"]["overdue"], label

            children = _sheet(book, "下级单位")
            heads = children[1]
            rows = {r[1]: dict(zip(heads, r, strict=True)) for r in children[2:]}
            assert set(rows) == {c["name"] for c in api["children"]}, label
            for child in api["children"]:
                shown = rows[child["name"]]
                assert shown["任务总数"] == child["taskRollup"]["total"], (label, child["name"])
                assert shown["已完成"] == child["taskRollup"]["completed"], label
                assert shown["逾期"] == child["taskRollup"]["overdue"], label
                assert shown["整改事项"] == child["rectificationRollup"]["total"], label

            overdue = _sheet(book, "逾期事项")
            listed = [r[1] for r in overdue[2:] if r[1] is not None]
            expected = [e["node"]["label"] for e in api["tasks"]["edges"]]
            assert api["tasks"]["totalCount"] == len(expected)  # the seed: one page
            assert sorted(listed) == sorted(expected), label
            assert overdue[0][0] == f"逾期事项 {len(expected)} 项（按牵头单位）", label


async def _report_on_an_overdue_task(http: httpx.AsyncClient, name: str, as_of: str) -> None:
    """A report today on a task of `name` overdue on `as_of`: today it is 推进中, that day not."""
    query = """query ($n: String!, $d: Date!) { orgUnit(name: $n) {
      tasks(includeDescendants: true, filter: {overdueAsOf: $d}, first: 1) { edges { node {
        assignments { id role unit { id } } } } } } }"""
    response = await http.post(
        "/graphql", json={"query": query, "variables": {"n": name, "d": as_of}}
    )
    task = response.json()["data"]["orgUnit"]["tasks"]["edges"][0]["node"]
    share = next(a for a in task["assignments"] if a["role"] == "LEAD")
    token = mint_token(
        TEST_SECRET, unit_id=decode_global_id(share["unit"]["id"]), role=ViewerRole.REPORTER
    )
    report = """mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
      report { id } errors { code } } }"""
    response = await http.post(
        "/graphql",
        json={"query": report, "variables": {"input": {"assignment": share["id"], "percent": 50}}},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.json()["data"]["reportProgress"]["errors"] == [], response.text


async def test_overdue_rows_show_the_states_of_the_day(http: httpx.AsyncClient) -> None:
    """Each overdue row's 状态 and 进度 are the API's statusAsOf / progressAsOf for the same day
    and unit (not today's status), and its 最近督办 only what was issued by then."""
    await _report_on_an_overdue_task(http, "城区", DATES[1])
    differs = 0
    for who, name, headers in await _viewers(http):
        unit = (await _api(http, name, DATES[0], headers))["id"]
        for as_of in DATES[1:3]:
            response = await http.post(
                "/graphql",
                json={"query": OVERDUE_API, "variables": {"unit": unit, "asOf": as_of}},
                headers=headers,
            )
            body = response.json()
            assert "errors" not in body, body
            api = {e["node"]["label"]: e["node"] for e in body["data"]["orgUnit"]["tasks"]["edges"]}
            exported = await http.get(
                "/export/briefing.xlsx", params={"unit": name, "asOf": as_of}, headers=headers
            )
            book = load_workbook(io.BytesIO(exported.content), read_only=True)
            overdue = _sheet(book, "逾期事项")
            heads = overdue[1]
            rows = [dict(zip(heads, r, strict=True)) for r in overdue[2:] if r[1] is not None]
            assert sorted(r["编号"] for r in rows) == sorted(api), (who, as_of)
            for row in rows:
                task = api[row["编号"]]
                label = (who, as_of, row["编号"])
                assert row["状态"] == (
                    status_word(task["statusAsOf"]) if task["statusAsOf"] else ""
                )
                assert row["进度"] == progress(task["progressAsOf"]), label
                issued = [e["issuedOn"] for e in task["escalations"] if e["statusAsOf"]]
                assert (row["最近督办"] or "").endswith(max(issued, default="")), label
                differs += task["statusAsOf"] != task["status"]
    assert differs  # some row's state that day is not today's: the test can tell them apart


async def test_the_dates_change_the_numbers(http: httpx.AsyncClient) -> None:
    """Not one answer for every date: the seed's overdue count grows with time."""
    counts = []
    for as_of in (DATES[0], DATES[-1]):
        response = await http.get("/export/briefing.xlsx", params={"unit": "城区", "asOf": as_of})
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        overview = _sheet(book, "总览")
        counts.append(dict(zip(overview[1], overview[2], strict=True))["逾期"])
    assert counts[0] < counts[1]


async def test_the_printable_page_shows_the_same(http: httpx.AsyncClient) -> None:
    api = await _api(http, "城区", "2024-06-30", {})
    response = await http.get(
        "/export/briefing.html", params={"unit": "城区", "asOf": "2024-06-30"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "城区工作通报（截至2024年06月30日）" in page
    assert "@media print" in page
    assert f"逾期事项（{api['tasks']['totalCount']} 项）" in page
    for child in api["children"]:
        assert child["name"] in page
    assert "<script" not in page


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"unit": "没有这个单位"}, 404, "NOT_FOUND"),
        ({"unit": "城区", "asOf": "2024-02-30"}, 400, "BAD_USER_INPUT"),
        ({"unit": "城区", "asOf": "3000-01-01"}, 400, "BAD_USER_INPUT"),
        ({"unit": "城区\x00"}, 400, "BAD_USER_INPUT"),
    ],
)
async def test_bad_parameters_are_refused(
    http: httpx.AsyncClient, params: dict[str, str], status: int, code: str
) -> None:
    for suffix in ("xlsx", "html"):
        response = await http.get(f"/export/briefing.{suffix}", params=params)
        assert response.status_code == status, (suffix, params, response.text)
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == code
        assert error["extensions"]["requestId"]
