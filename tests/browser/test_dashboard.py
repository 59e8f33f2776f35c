"""The reference dashboard in a real browser, against a real server over the seed data."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, Page, start_server

pytestmark = pytest.mark.browser

READY = "body[data-state=ready][data-loading=false]"
# Bounded waits: a pushed event arrives in well under a second; polling (?poll=3) within 3 s.
LIVE_WAIT_MS = 10_000
POLL_SECONDS = 3
POLL_WAIT_MS = 15_000

# The test's own query (not the page's): what the page must show, straight from the API.
EXPECTED = """
query Expected($unit: ID!, $asOf: Date!) {
  orgUnit(id: $unit) {
    name
    taskRollup(asOf: $asOf) {
      total completed inProgress notStarted overdue dueSoon ongoing completionRate
    }
    children(asOf: $asOf) {
      name taskRollup(asOf: $asOf) { total completed overdue completionRate } }
    tasks(includeDescendants: true, filter: {overdueAsOf: $asOf}, first: 100) {
      totalCount edges { node { id } }
    }
    rectificationRollup(asOf: $asOf) {
      total notStarted inProgress completed verified closed reopened overdue
    }
    rectifications(includeDescendants: true, first: 100) { totalCount }
  }
}
"""

PAGE_STATE = """() => {
  const text = (el) => (el ? el.textContent.trim() : null);
  const q = (sel) => document.querySelector(sel);
  return {
    unitId: document.body.dataset.unitId,
    unitName: document.body.dataset.unitName,
    asOf: document.body.dataset.asOf,
    current: text(q('[data-testid=current-unit]')),
    cards: Object.fromEntries([...document.querySelectorAll('#cards [data-metric]')].map(
      (c) => [c.dataset.metric, text(c.querySelector('.card-value'))])),
    children: [...document.querySelectorAll(
        '[data-testid=child-row], [data-testid=enterprise-row]')].map((row) => ({
      name: row.dataset.name,
      total: text(row.querySelector('[data-col=total]')),
      completed: text(row.querySelector('[data-col=completed]')),
      overdue: text(row.querySelector('[data-col=overdue]')),
      completionRate: text(row.querySelector('[data-col=completionRate]')),
    })),
    overdueTotal: q('#overdue').dataset.total,
    overdueIds: [...document.querySelectorAll('[data-testid=overdue-item]')].map(
      (li) => li.dataset.taskId),
    rectStates: Object.fromEntries([...document.querySelectorAll('#rect-states [data-state]')]
      .map((s) => [s.dataset.testid.replace('rect-', ''), text(s.querySelector('b'))])),
    ownTasks: document.querySelectorAll('[data-testid=own-task-row]').length,
    rectTotal: q('#rectifications').dataset.total,
    rectRows: document.querySelectorAll('[data-testid=rect-row]').length,
    chart: q('#targets-chart').dataset.state,
    chartCanvas: Boolean(q('#targets-chart canvas')),
    chartSubtitle: text(q('#targets-sub')),
    live: q('#live').dataset.mode,
    liveEvents: Number(document.body.dataset.liveEvents || 0),
    loads: Number(document.body.dataset.loads || 0),
  };
}"""


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def state_of(dashboard: Page) -> dict[str, Any]:
    """What the page shows, read from the DOM."""
    state: dict[str, Any] = dashboard.page.evaluate(PAGE_STATE)
    return state


def open_dashboard(dashboard: Page, server: LiveServer, query: str = "") -> dict[str, Any]:
    dashboard.page.goto(f"{server.base_url}/dashboard{query}")
    dashboard.page.wait_for_selector(READY)
    return state_of(dashboard)


def assert_page_matches_api(
    state: dict[str, Any], server: LiveServer, token: str | None = None
) -> None:
    """Every number on the page equals the API's for the same unit and day."""
    unit = server.query(EXPECTED, {"unit": state["unitId"], "asOf": state["asOf"]}, token)[
        "orgUnit"
    ]
    assert state["current"] == unit["name"] == state["unitName"]
    rollup = unit["taskRollup"]
    assert state["cards"] == {
        "total": str(rollup["total"]),
        "completed": str(rollup["completed"]),
        "inProgress": str(rollup["inProgress"]),
        "overdue": str(rollup["overdue"]),
        "dueSoon": str(rollup["dueSoon"]),
        "completionRate": _rate(rollup["completionRate"]),
    }
    expected_children = sorted(
        (
            {
                "name": child["name"],
                "total": str(child["taskRollup"]["total"]),
                "completed": str(child["taskRollup"]["completed"]),
                "overdue": str(child["taskRollup"]["overdue"]),
                "completionRate": _rate(child["taskRollup"]["completionRate"]),
            }
            for child in unit["children"]
            if child["taskRollup"]["total"] > 0
        ),
        key=lambda row: row["name"],
    )
    assert sorted(state["children"], key=lambda row: row["name"]) == expected_children
    # The list: tasks not completed overall (a co-lead may still be at work on a task whose
    # in-scope shares are done; the card counts those as done, the list still shows them).
    overdue = unit["tasks"]
    assert state["overdueTotal"] == str(overdue["totalCount"])
    assert overdue["totalCount"] >= rollup["overdue"]
    # The first page of the list, in deadline order: the same tasks as the API's set.
    assert len(state["overdueIds"]) == min(20, overdue["totalCount"])
    assert set(state["overdueIds"]) <= {edge["node"]["id"] for edge in overdue["edges"]}
    rect = unit["rectificationRollup"]
    assert state["rectStates"] == {
        field: str(rect[field])
        for field in (
            "notStarted",
            "inProgress",
            "completed",
            "verified",
            "closed",
            "reopened",
            "overdue",
        )
    }
    assert state["rectTotal"] == str(unit["rectifications"]["totalCount"])
    assert state["rectRows"] == min(50, unit["rectifications"]["totalCount"])


class TestDashboard:
    def test_loads_without_console_errors_with_every_panel_populated(
        self, dashboard: Page, live_server: LiveServer
    ) -> None:
        state = open_dashboard(dashboard, live_server)
        # The narrowest unit covering every task of the seed data.
        assert state["unitName"] == "城区"
        assert state["cards"]["total"] == "65"
        assert len(state["children"]) > 10
        assert state["overdueIds"]
        assert state["chart"] == "chart"
        assert state["chartCanvas"]
        assert "PM2.5" in state["chartSubtitle"]
        assert state["rectRows"] == 17
        page = dashboard.page
        assert page.locator("#targets-title").inner_text().startswith("PM2.5")
        page.locator("#query-box summary").click()
        assert "query DashboardScreen" in page.locator("[data-testid=query-text]").inner_text()
        assert '"unit"' in page.locator("[data-testid=query-variables]").inner_text()
        page.wait_for_timeout(300)  # one more frame for the chart before the picture
        dashboard.screenshot("district")
        assert dashboard.errors == []

    def test_numbers_equal_the_api(self, dashboard: Page, live_server: LiveServer) -> None:
        state = open_dashboard(dashboard, live_server)
        assert_page_matches_api(state, live_server)
        # A past day: the same query with another asOf.
        dashboard.page.fill("[data-testid=as-of]", "2023-10-20")
        dashboard.page.dispatch_event("[data-testid=as-of]", "change")
        dashboard.page.wait_for_selector(f'{READY}[data-as-of="2023-10-20"]')
        past = state_of(dashboard)
        assert past["cards"]["dueSoon"] != "0"  # deadlines at the end of October and early November
        assert_page_matches_api(past, live_server)
        dashboard.screenshot("as-of-2023-10-20")
        assert dashboard.errors == []

    def test_choosing_a_child_unit_updates_every_panel(
        self, dashboard: Page, live_server: LiveServer
    ) -> None:
        page = dashboard.page
        before = open_dashboard(dashboard, live_server)
        # From the child units table…
        page.locator('[data-testid=child-row][data-name="城区生态环境分局"] button.link').click()
        page.wait_for_selector(f'{READY}[data-unit-name="城区生态环境分局"]')
        bureau = state_of(dashboard)
        assert bureau["loads"] == before["loads"] + 1
        assert bureau["cards"] != before["cards"]
        assert_page_matches_api(bureau, live_server)
        # …and from the tree.
        page.locator('[data-testid=tree-unit][data-name="南村镇"] .tree-name').click()
        page.wait_for_selector(f'{READY}[data-unit-name="南村镇"]')
        town = state_of(dashboard)
        assert_page_matches_api(town, live_server)
        # 11 before 相关镇（街道） stopped expanding (water key project 1 names no town).
        assert town["cards"]["total"] == "10"
        # A town has no child units: the panel lists its own tasks instead.
        assert town["children"] == []
        assert town["ownTasks"] == 10
        assert (
            page.locator('[data-testid=tree-unit][aria-selected="true"]')
            .inner_text()
            .startswith("南村镇")
        )
        # The town has no targets of its own: the chart shows its district's.
        assert town["chart"] == "chart"
        assert "目标设于城区" in town["chartSubtitle"]
        assert "unit=%E5%8D%97%E6%9D%91%E9%95%87" in page.url  # ?unit=南村镇: a shareable link
        page.wait_for_timeout(300)
        dashboard.screenshot("town")
        assert dashboard.errors == []

    def test_children_are_grouped_by_kind_and_own_tasks_page(
        self, dashboard: Page, live_server: LiveServer
    ) -> None:
        page = dashboard.page
        open_dashboard(dashboard, live_server)
        groups = page.evaluate(
            "() => [...document.querySelectorAll('[data-testid=children-table] tbody tr')]"
            ".map((tr) => tr.dataset.testid === 'child-group' ? 'group:' + tr.dataset.group"
            " : tr.dataset.name)"
        )
        heads = [g.removeprefix("group:") for g in groups if g.startswith("group:")]
        assert heads == ["镇（街道）", "部门"]
        # Enterprises are never among 下级单位: they are listed apart.
        enterprises = page.evaluate(
            "() => [...document.querySelectorAll('[data-testid=enterprise-row]')]"
            ".map((tr) => tr.dataset.name)"
        )
        assert enterprises
        assert all("公司" in name or "厂" in name for name in enterprises)
        assert not set(enterprises) & set(groups)
        # A bureau without child units lists its own 40 tasks, 20 at a time (the next page by
        # its cursor: the screen is not asked again).
        page.locator('[data-testid=child-row][data-name="城区生态环境分局"] button.link').click()
        page.wait_for_selector(f'{READY}[data-unit-name="城区生态环境分局"]')
        assert state_of(dashboard)["ownTasks"] == 20
        loads = state_of(dashboard)["loads"]
        page.locator("[data-testid=own-tasks-more]").click()
        page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=own-task-row]').length === 40"
        )
        assert state_of(dashboard)["loads"] == loads
        assert page.locator("[data-testid=own-tasks-more]").is_hidden()  # all shown
        assert dashboard.errors == []

    def test_the_briefing_downloads_and_prints_with_the_apis_numbers(
        self, dashboard: Page, live_server: LiveServer, tmp_path: Path
    ) -> None:
        import io

        from openpyxl import load_workbook

        page = dashboard.page
        state = open_dashboard(dashboard, live_server, "?asOf=2024-06-30")
        with page.expect_download() as info:
            page.locator("[data-testid=export-xlsx]").click()
        download = info.value
        assert download.suggested_filename == "城区通报2024-06-30.xlsx"
        saved = tmp_path / "briefing.xlsx"
        download.save_as(saved)
        book = load_workbook(io.BytesIO(saved.read_bytes()), read_only=True)
        rows = [list(r) for r in book["总览"].iter_rows(values_only=True)]
        shown = dict(zip(rows[1], rows[2], strict=True))
        rollup = live_server.query(EXPECTED, {"unit": state["unitId"], "asOf": "2024-06-30"})[
            "orgUnit"
        ]["taskRollup"]
        assert (shown["任务总数"], shown["逾期"], shown["已完成"]) == (
            rollup["total"],
            rollup["overdue"],
            rollup["completed"],
        )
        assert str(rollup["overdue"]) == state["cards"]["overdue"]
        with page.context.expect_page() as opened:
            page.locator("[data-testid=export-print]").click()
        printable = opened.value
        printable.wait_for_load_state()
        printable.wait_for_function("() => document.title.includes('通报')")
        assert "城区工作通报（截至2024年06月30日）" in printable.title()
        assert dashboard.errors == []

    def test_a_progress_report_through_the_api_appears_in_the_page(
        self, dashboard: Page, live_server: LiveServer
    ) -> None:
        page = dashboard.page
        before = open_dashboard(dashboard, live_server, f"?unit=南村镇&poll={POLL_SECONDS}")
        assert before["unitName"] == "南村镇"
        live = _wait_for_live(dashboard)
        share = _open_share(live_server, "南村镇", before["asOf"])
        token = live_server.token("南村镇", "REPORTER")
        result = live_server.query(
            """mutation ($input: ReportProgressInput!) {
              reportProgress(input: $input) {
                assignment { status } errors { code field message } } }""",
            {
                "input": {
                    "assignment": share["id"],
                    "percent": 100,
                    "narrative": "浏览器测试：已完成",
                    "expectedVersion": share["version"],
                }
            },
            token=token,
        )["reportProgress"]
        assert result["errors"] == []
        assert result["assignment"]["status"] == "COMPLETED"
        completed = int(before["cards"]["completed"]) + 1
        page.wait_for_function(
            "n => document.querySelector('[data-testid=metric-completed]').textContent === n",
            arg=str(completed),
            timeout=LIVE_WAIT_MS if live else POLL_WAIT_MS,
        )
        page.wait_for_selector(READY)
        after = state_of(dashboard)
        if live:
            assert after["liveEvents"] >= 1  # it came through rollupChanged, not a poll
        assert_page_matches_api(after, live_server)
        assert int(after["cards"]["overdue"]) == int(before["cards"]["overdue"]) - 1
        # The task's other lead (城区生态环境分局) has not finished, but this unit's share is
        # done: the list judges by the unit's shares like the card, so it leaves both.
        listed = page.locator("#overdue").get_attribute("data-total")
        assert listed is not None
        assert int(listed) == int(after["cards"]["overdue"])
        assert "按本单位负责部分计" in page.locator("#overdue-sub").inner_text()
        dashboard.screenshot("after-report-" + ("pushed" if live else "polled"))
        assert dashboard.errors == []

    def test_a_rejected_token_shows_the_message_and_a_token_box(
        self, dashboard: Page, live_server: LiveServer
    ) -> None:
        page = dashboard.page
        requests: list[dict[str, str]] = []
        page.on(
            "request",
            lambda request: requests.append(request.headers) if request.method == "POST" else None,
        )
        page.goto(f"{live_server.base_url}/dashboard?token=not-a-valid-token")
        page.wait_for_selector("body[data-state=auth]")
        assert page.locator("[data-testid=banner]").is_visible()
        assert "令牌" in page.locator("[data-testid=banner]").inner_text()
        assert page.locator("[data-testid=token-input]").is_visible()
        assert "token=" not in page.url  # moved to sessionStorage
        dashboard.screenshot("token-rejected")
        viewer = live_server.token("城区", "VIEWER")
        page.fill("[data-testid=token-input]", viewer)
        page.click("[data-testid=token-apply]")
        page.wait_for_selector(f"{READY}[data-unit-name]")
        assert page.locator("[data-testid=banner]").is_hidden()
        assert page.evaluate("sessionStorage.getItem('govgraph.token')") == viewer
        assert requests[-1].get("authorization") == f"Bearer {viewer}"
        assert_page_matches_api(state_of(dashboard), live_server)
        # The only console errors are the browser's own reports of the refused requests.
        assert dashboard.errors
        assert all("401" in error for error in dashboard.errors), dashboard.errors


@pytest.fixture(scope="module")
def closed_server(
    live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The app as deployed: GOVGRAPH_ANONYMOUS unset (a copy of the seeded database)."""
    directory = tmp_path_factory.mktemp("closed-server")
    source = Path(live_server.env["GOVGRAPH_DATABASE_URL"].removeprefix("sqlite:///"))
    shutil.copy(source, directory / "govgraph.db")
    server = start_server(directory, anonymous_demo=False)
    yield server
    server.stop()


def test_without_the_demo_viewer_the_page_asks_for_a_token(
    dashboard: Page, closed_server: LiveServer
) -> None:
    page = dashboard.page
    anonymous = closed_server.execute("{ indicators { code } }")
    try:
        body = anonymous.json()
    except ValueError:  # a plain-text 401
        body = {}
    codes = {(error.get("extensions") or {}).get("code") for error in body.get("errors") or []}
    refused = anonymous.status_code in (401, 403) or "UNAUTHENTICATED" in codes
    page.goto(f"{closed_server.base_url}/dashboard")
    if refused:
        page.wait_for_selector("body[data-state=auth]")
        assert "匿名" in page.locator("[data-testid=banner]").inner_text()
        assert page.locator("[data-testid=token-input]").is_visible()
        dashboard.screenshot("anonymous-refused")
        token = closed_server.token("南村镇", "VIEWER")
        page.fill("[data-testid=token-input]", token)
        page.click("[data-testid=token-apply]")
        # A token starts at its own unit.
        page.wait_for_selector(f'{READY}[data-unit-name="南村镇"]')
        assert_page_matches_api(state_of(dashboard), closed_server, token)
    else:
        page.wait_for_selector(f"{READY}[data-unit-name]")
        assert_page_matches_api(state_of(dashboard), closed_server)


def _wait_for_live(dashboard: Page) -> bool:
    """Whether the page's subscription is up (bounded wait); otherwise it polls."""
    try:
        dashboard.page.wait_for_selector("#live[data-mode=live]", timeout=5_000)
    except Exception:  # Playwright's TimeoutError: the server offers no subscription
        return False
    return True


def _open_share(server: LiveServer, unit: str, as_of: str) -> dict[str, Any]:
    """`unit`'s open LEAD share of an overdue task that another unit leads too."""
    data = server.query(
        """query ($name: String!, $asOf: Date!) { orgUnit(name: $name) {
            tasks(filter: {overdueAsOf: $asOf}, first: 100) { edges { node {
              assignments { id role status version unit { name } } } } } } }""",
        {"name": unit, "asOf": as_of},
    )
    for edge in data["orgUnit"]["tasks"]["edges"]:
        leads = [a for a in edge["node"]["assignments"] if a["role"] == "LEAD"]
        own = [a for a in leads if a["unit"]["name"] == unit and a["status"] != "COMPLETED"]
        if own and len(leads) > 1:
            share: dict[str, Any] = own[0]
            return share
    raise AssertionError(f"{unit} has no open share of a co-led overdue task")


PAST = "2023-10-20"
ESCALATE = """
mutation ($input: EscalateInput!) { escalate(input: $input) {
  escalation { id } errors { code } } }
"""
BADGES = """
query ($unit: ID!, $asOf: Date!) { orgUnit(id: $unit) {
  taskRollup(asOf: $asOf) { inProgress completed notStarted }
  tasks(first: 100) { edges { node { id statusAsOf(asOf: $asOf, unit: $unit) } } } } }
"""


def _unit_id(server: LiveServer, name: str) -> str:
    unit_id: str = server.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})[
        "orgUnit"
    ]["id"]
    return unit_id


def _town_share(server: LiveServer) -> tuple[str, str]:
    """(task id, 南村镇's lead share) of a task overdue on the past day."""
    town = _unit_id(server, "南村镇")
    node = server.query(
        """query ($unit: ID!, $asOf: Date!) { orgUnit(id: $unit) {
             tasks(filter: {overdueAsOf: $asOf}, first: 1) { edges { node {
               id assignments { id role unit { id } } } } } } }""",
        {"unit": town, "asOf": PAST},
    )["orgUnit"]["tasks"]["edges"][0]["node"]
    share = next(a for a in node["assignments"] if a["unit"]["id"] == town and a["role"] == "LEAD")
    return node["id"], share["id"]


def _open_as(dashboard: Page, server: LiveServer, token: str, query: str) -> None:
    dashboard.page.goto(f"{server.base_url}/dashboard?token={token}&{query}")
    dashboard.page.wait_for_selector(READY)


@pytest.fixture(scope="module")
def leader_data(live_server: LiveServer) -> dict[str, Any]:
    """Town PM2.5 for 2023 and 2022 (for the rankings), 12 escalations from 城区 to 南村镇 (for
    the 督办 panel's pages) and a progress report with an evidence file (for the drill-down)."""
    admin = live_server.token("城区", "ADMIN")
    for name, (now, before) in {
        "南村镇": (40, 50),
        "钟家庄街道": (45, 47),
        "西街街道": (35, 30),
    }.items():
        unit = _unit_id(live_server, name)
        for year, value in ((2023, now), (2022, before)):
            result = live_server.query(
                """mutation ($input: RecordMeasurementInput!) {
                     recordMeasurement(input: $input) { errors { code } } }""",
                {"input": {"indicator": "PM25", "unit": unit, "year": year, "value": value}},
                admin,
            )
            assert result["recordMeasurement"]["errors"] == []
    task, share = _town_share(live_server)
    coordinator = live_server.token("城区", "COORDINATOR")
    town = _unit_id(live_server, "南村镇")
    for n in range(12):
        result = live_server.query(
            ESCALATE,
            {
                "input": {
                    "level": "URGE" if n % 2 else "REMINDER",
                    "addressedTo": town,
                    "task": task,
                    "reason": f"浏览器测试督办 {n + 1}",
                }
            },
            coordinator,
        )
        assert result["escalate"]["errors"] == [], result
    reporter = live_server.token("南村镇", "REPORTER")
    report = live_server.query(
        """mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
             report { id } errors { code } } }""",
        {"input": {"assignment": share, "percent": 30, "narrative": "浏览器测试：已部署"}},
        reporter,
    )["reportProgress"]["report"]
    from tests.resolvers.evidence.conftest import ATTACH, PNG

    response = live_server.http.post(
        "/graphql",
        data={
            "operations": json.dumps(
                {"query": ATTACH, "variables": {"input": {"report": report["id"], "file": None}}}
            ),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": ("现场照片.png", PNG, "image/png")},
        headers={"authorization": f"Bearer {reporter}"},
    )
    file = response.json()["data"]["attachEvidence"]["file"]
    return {
        "task": task,
        "file": file,
        "png": PNG,
        "coordinator": coordinator,
        "reporter": reporter,
    }


class TestLeaderPanels:
    def test_rankings_by_level_and_improvement(
        self, dashboard: Page, live_server: LiveServer, leader_data: dict[str, Any]
    ) -> None:
        page = dashboard.page
        open_dashboard(dashboard, live_server, f"?asOf={PAST}")
        panel = page.locator("[data-testid=rankings-panel]")
        page.wait_for_selector("#rankings[data-loading=false][data-by=VALUE]")
        rows = panel.locator("[data-testid=rank-row]")
        assert rows.evaluate_all("rs => rs.map(r => r.dataset.name)") == [
            "西街街道",
            "南村镇",
            "钟家庄街道",
        ]
        panel.locator("[data-testid=rank-by] [data-value=IMPROVEMENT]").click()
        page.wait_for_selector("#rankings[data-loading=false][data-by=IMPROVEMENT]")
        assert rows.evaluate_all("rs => rs.map(r => r.dataset.name)") == [
            "南村镇",
            "钟家庄街道",
            "西街街道",
        ]
        panel.locator("[data-testid=rank-order] [data-value=WORST_FIRST]").click()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=rank-row]').dataset.name === '西街街道'"
        )
        # A town sees its district's towns, itself highlighted.
        page.locator('[data-testid=tree-unit][data-name="南村镇"] .tree-name').click()
        page.wait_for_selector(f'{READY}[data-unit-name="南村镇"]')
        page.wait_for_selector("[data-testid=rank-row].mine[data-name=南村镇]")
        dashboard.screenshot("rankings")
        assert dashboard.errors == []

    def test_the_inbox_pages_and_each_side_acts(
        self, dashboard: Page, live_server: LiveServer, leader_data: dict[str, Any]
    ) -> None:
        page = dashboard.page
        # The district sees what it issued, 10 a page.
        _open_as(dashboard, live_server, leader_data["coordinator"], f"asOf={PAST}")
        panel = page.locator("[data-testid=inbox-panel]")
        panel.locator("[data-testid=inbox-tab-issued]").click()
        page.wait_for_selector("#inbox[data-box=issued][data-loading=false]")
        items = panel.locator("[data-testid=inbox-item]")
        assert items.count() == 10
        assert panel.locator("[data-testid=inbox-ack]").count() == 0  # the addressee's move
        panel.locator("[data-testid=inbox-more]").click()
        page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=inbox-item]').length === 12"
        )
        assert panel.locator("[data-testid=inbox-more]").is_hidden()
        # The town signs for the newest and replies.
        _open_as(dashboard, live_server, leader_data["reporter"], f"asOf={PAST}")
        page.wait_for_selector("#inbox[data-box=inbox][data-loading=false]")
        first = items.first
        escalation = first.get_attribute("data-escalation-id")
        assert first.get_attribute("data-status") == "ISSUED"
        assert panel.locator("[data-testid=inbox-close]").count() == 0  # the issuer's move
        first.locator("[data-testid=inbox-ack]").click()
        item = panel.locator(f'[data-testid=inbox-item][data-escalation-id="{escalation}"]')
        page.wait_for_selector(
            f'[data-testid=inbox-item][data-escalation-id="{escalation}"][data-status=ACKNOWLEDGED]'
        )
        item.locator("[data-testid=inbox-reply]").click()
        item.locator("[data-testid=reply-kind]").select_option("COMMITMENT")
        item.locator("[data-testid=reply-text]").fill("本周内完成整改")
        item.locator("[data-testid=reply-submit]").click()
        page.wait_for_selector(
            f'[data-testid=inbox-item][data-escalation-id="{escalation}"][data-status=REPLIED]'
        )
        assert "本周内完成整改" in item.inner_text()
        dashboard.screenshot("inbox-town")
        # The district closes it.
        _open_as(dashboard, live_server, leader_data["coordinator"], f"asOf={PAST}")
        panel.locator("[data-testid=inbox-tab-issued]").click()
        page.wait_for_selector("#inbox[data-box=issued][data-loading=false]")
        item.locator("[data-testid=inbox-close]").click()
        item.locator("[data-testid=close-note]").fill("已核实")
        item.locator("[data-testid=close-submit]").click()
        page.wait_for_selector(
            f'[data-testid=inbox-item][data-escalation-id="{escalation}"][data-status=CLOSED]'
        )
        status = live_server.query(
            """query { escalations(status: [CLOSED], first: 50) { edges { node { id } } } }""",
            token=leader_data["coordinator"],
        )
        assert escalation in [e["node"]["id"] for e in status["escalations"]["edges"]]
        assert all("401" in e or "403" in e for e in dashboard.errors), dashboard.errors

    def test_an_inbox_item_opens_its_task_and_shows_the_days_state(
        self, dashboard: Page, live_server: LiveServer, leader_data: dict[str, Any]
    ) -> None:
        """On the past day the escalations (issued today) were not issued yet; today's shows
        their state; the item's task opens the drill-down."""
        page = dashboard.page
        panel = page.locator("[data-testid=inbox-panel]")
        items = panel.locator("[data-testid=inbox-item]")
        _open_as(dashboard, live_server, leader_data["reporter"], f"asOf={PAST}")
        page.wait_for_selector("#inbox[data-box=inbox][data-loading=false]")
        assert items.count() == 10
        assert items.evaluate_all("rs => rs.map(r => r.dataset.statusAsOf)") == [""] * 10
        badge = items.first.locator("[data-testid=inbox-status-badge]")
        assert badge.inner_text() == "统计日尚未下发"
        assert f"状态为统计日 {PAST} 当天的" in panel.inner_text()
        items.first.locator("[data-testid=task-link]").click()
        page.wait_for_selector("[data-testid=task-detail][data-state=ready]")
        detail = page.locator("[data-testid=task-detail]")
        assert detail.get_attribute("data-task-id") == leader_data["task"]
        detail.locator("[data-testid=detail-close]").click()
        _open_as(dashboard, live_server, leader_data["reporter"], "")
        page.wait_for_selector("#inbox[data-box=inbox][data-loading=false]")
        states = items.evaluate_all("rs => rs.map(r => [r.dataset.status, r.dataset.statusAsOf])")
        assert states
        assert all(now == then for now, then in states)
        dashboard.screenshot("inbox-task-link")
        assert all("401" in e or "403" in e for e in dashboard.errors), dashboard.errors

    def test_drill_down_shows_reports_files_and_escalations(
        self, dashboard: Page, live_server: LiveServer, leader_data: dict[str, Any], tmp_path: Path
    ) -> None:
        page = dashboard.page
        _open_as(dashboard, live_server, leader_data["coordinator"], f"unit=南村镇&asOf={PAST}")
        task = leader_data["task"]
        page.locator(f'[data-task-id="{task}"] [data-testid=task-link]').first.click()
        page.wait_for_selector("[data-testid=task-detail][data-state=ready]")
        detail = page.locator("[data-testid=task-detail]")
        assert detail.get_attribute("data-task-id") == task
        assert f"统计日 {PAST}" in detail.locator("[data-testid=detail-as-of]").inner_text()
        assert "浏览器测试：已部署" in detail.locator("[data-testid=detail-reports]").inner_text()
        assert detail.locator("[data-testid=detail-escalation]").count() >= 12
        with page.expect_download() as info:
            detail.locator("[data-testid=evidence-file]").first.click()
        assert info.value.suggested_filename == "现场照片.png"
        saved = tmp_path / "file.png"
        info.value.save_as(saved)
        assert saved.read_bytes() == leader_data["png"]
        dashboard.screenshot("drill-down")
        detail.locator("[data-testid=detail-close]").click()
        assert detail.is_hidden()
        assert dashboard.errors == []

    def test_badges_show_the_state_on_the_chosen_day(
        self, dashboard: Page, live_server: LiveServer, leader_data: dict[str, Any]
    ) -> None:
        """The town's list as of the past day: each badge is statusAsOf (the report above
        moved the task today), and the 推进中 card counts the 推进中 badges."""
        page = dashboard.page
        state = open_dashboard(dashboard, live_server, f"?unit=南村镇&asOf={PAST}")
        unit = state["unitId"]
        api = live_server.query(BADGES, {"unit": unit, "asOf": PAST})["orgUnit"]
        expected = {
            e["node"]["id"]: e["node"]["statusAsOf"] or "NONE" for e in api["tasks"]["edges"]
        }
        shown = page.evaluate(
            "() => Object.fromEntries([...document.querySelectorAll('[data-testid=own-task-row]')]"
            ".map((tr) => [tr.dataset.taskId, tr.dataset.status]))"
        )
        assert shown == expected
        assert list(shown.values()).count("IN_PROGRESS") == api["taskRollup"]["inProgress"]
        assert state["cards"]["inProgress"] == str(api["taskRollup"]["inProgress"])
        assert list(shown.values()).count("COMPLETED") == api["taskRollup"]["completed"]
        # The tree counts the chosen day's tasks too.
        tree = page.locator('[data-testid=tree-unit][data-name="南村镇"] .count')
        total = live_server.query(
            "query ($u: ID!, $d: Date!) { orgUnit(id: $u) { taskRollup(asOf: $d) { total } } }",
            {"u": unit, "d": PAST},
        )["orgUnit"]["taskRollup"]["total"]
        assert tree.inner_text() == str(total)
        assert dashboard.errors == []


def _waiting_for_the_district(server: LiveServer) -> dict[str, str]:
    """A 城区 plan reviewing ALL reports, its task led by 城区生态环境分局 with a submitted
    report and a pending extension request: both wait for 城区 (the plan's issuer)."""
    admin = server.token("城区", "ADMIN")
    doc = server.query(
        """mutation ($i: CreateDocumentInput!) { createDocument(input: $i) {
             document { id } errors { code } } }""",
        {
            "i": {
                "title": "浏览器测试督办方案",
                "kind": "NOTICE",
                "docNumber": "城政办发〔2024〕98号",
                "issuer": _unit_id(server, "城区"),
                "issuedOn": "2024-01-10",
            }
        },
        admin,
    )["createDocument"]
    assert doc["errors"] == []
    plan = server.query(
        """mutation ($i: CreatePlanInput!) { createPlan(input: $i) {
             plan { id } errors { code } } }""",
        {
            "i": {
                "document": doc["document"]["id"],
                "title": "浏览器测试方案",
                "kind": "ACTION_PLAN",
                "field": "AIR",
                "year": 2024,
                "reportReview": "ALL",
            }
        },
        admin,
    )["createPlan"]
    assert plan["errors"] == []
    task = server.query(
        """mutation ($i: CreateTaskInput!) { createTask(input: $i) {
             task { id assignments { id role } } errors { code } } }""",
        {
            "i": {
                "plan": plan["plan"]["id"],
                "title": "浏览器测试：工地扬尘监测",
                "deadline": {"kind": "BY_DATE", "end": "2099-06-30"},
                "leadNames": ["城区生态环境分局"],
            }
        },
        admin,
    )["createTask"]
    assert task["errors"] == []
    share = next(a["id"] for a in task["task"]["assignments"] if a["role"] == "LEAD")
    lead = server.token("城区生态环境分局", "REPORTER")
    report = server.query(
        """mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
             report { id reviewState } errors { code } } }""",
        {"input": {"assignment": share, "percent": 40, "narrative": "浏览器测试：待审核"}},
        lead,
    )["reportProgress"]
    assert report["report"]["reviewState"] == "SUBMITTED"
    request = server.query(
        """mutation ($input: RequestExtensionInput!) { requestExtension(input: $input) {
             request { id } errors { code } } }""",
        {"input": {"assignment": share, "newDeadline": "2099-12-31", "reason": "设备到货延迟"}},
        lead,
    )["requestExtension"]
    assert request["errors"] == []
    return {
        "task": task["task"]["id"],
        "report": report["report"]["id"],
        "request": request["request"]["id"],
        "share": share,
        "lead": lead,
    }


def test_the_todo_panel_accepts_a_report_and_shows_the_servers_refusal(
    dashboard: Page, live_server: LiveServer
) -> None:
    waiting = _waiting_for_the_district(live_server)
    coordinator = live_server.token("城区", "COORDINATOR")
    page = dashboard.page
    _open_as(dashboard, live_server, coordinator, "unit=城区")
    page.wait_for_selector("#todo[data-loading=false]")
    panel = page.locator("[data-testid=todo-panel]")
    report = panel.locator(f'[data-testid=todo-report][data-report-id="{waiting["report"]}"]')
    assert "浏览器测试：待审核" in report.inner_text()
    request = panel.locator(f'[data-testid=todo-extension][data-request-id="{waiting["request"]}"]')
    assert "2099-06-30 → 2099-12-31" in request.inner_text()
    assert "null" not in panel.inner_text()
    # Rejecting without a reason: the server refuses, its message shows under the item.
    request.locator("[data-testid=todo-extension-no]").click()
    request.locator("[data-testid=todo-extension-confirm]").click()
    error = request.locator("[data-testid=todo-error]")
    page.wait_for_selector(
        f'[data-request-id="{waiting["request"]}"] [data-testid=todo-error][data-code]'
    )
    assert error.get_attribute("data-code") == "INVALID_INPUT"
    assert error.inner_text().strip()
    dashboard.screenshot("todo")
    # Accepting the report: it leaves the list and counts.
    report.locator("[data-testid=todo-review-ok]").click()
    page.wait_for_selector('#todo[data-acted="review:ACCEPTED"][data-loading=false]')
    assert report.count() == 0
    state = live_server.query(
        "query ($id: ID!) { node(id: $id) { ... on ProgressReport { reviewState } } }",
        {"id": waiting["report"]},
        coordinator,
    )["node"]
    assert state["reviewState"] == "ACCEPTED"
    # The drill-down (from the request's task): the light, the report's review, the request.
    request.locator("[data-testid=task-link]").click()
    page.wait_for_selector("[data-testid=task-detail][data-state=ready]")
    detail = page.locator("[data-testid=task-detail]")
    assert detail.get_attribute("data-task-id") == waiting["task"]
    health = live_server.query(
        "query ($id: ID!, $d: Date!) { node(id: $id) { ... on Task { health(asOf: $d) } } }",
        {"id": waiting["task"], "d": page.evaluate("() => document.body.dataset.asOf")},
    )["node"]["health"]
    assert detail.locator("[data-testid=detail-health]").get_attribute("data-health") == health
    review = detail.locator("[data-testid=report-review]")
    assert review.get_attribute("data-state") == "ACCEPTED"
    assert "已通过" in review.inner_text()
    extension = detail.locator("[data-testid=detail-extension]")
    assert extension.get_attribute("data-status") == "PENDING"
    assert "设备到货延迟" in extension.inner_text()
    dashboard.screenshot("todo-drill-down")
    detail.locator("[data-testid=detail-close]").click()

    # 显示更多: 21 more reports wait; the list shows 20, the button the next page by cursor.
    for n in range(21):
        made = live_server.query(
            """mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
                 report { id } errors { code } } }""",
            {"input": {"assignment": waiting["share"], "percent": 41 + n}},
            waiting["lead"],
        )["reportProgress"]
        assert made["errors"] == []
    _open_as(dashboard, live_server, coordinator, "unit=城区")
    page.wait_for_selector("#todo[data-loading=false]")
    total = int(panel.get_attribute("data-reports"))
    assert total >= 21
    items = panel.locator("[data-testid=todo-report]")
    assert items.count() == 20
    more = panel.locator("[data-testid=todo-reports-more]")
    assert f"显示更多（已显示 20 / {total}）" == more.inner_text()
    more.click()
    page.wait_for_function(
        f"() => document.querySelectorAll('[data-testid=todo-report]').length === {min(total, 40)}"
    )
    ids = items.evaluate_all("rs => rs.map(r => r.dataset.reportId)")
    assert len(set(ids)) == len(ids)  # the next page, not the first again
    # Each report names its task; the name opens the drill-down.
    ours = panel.locator(
        '[data-testid=todo-report]:has-text("浏览器测试：工地扬尘监测") [data-testid=task-link]'
    )
    assert ours.count() == 21
    ours.last.click()
    page.wait_for_selector("[data-testid=task-detail][data-state=ready]")
    assert detail.get_attribute("data-task-id") == waiting["task"]
    dashboard.screenshot("todo-paged")
    assert dashboard.errors == []


RECORD = """mutation ($input: RecordOrgUnitEventInput!) { recordOrgUnitEvent(input: $input) {
  event { id } errors { code message } } }"""
NEW_TOWN = "浏览器测试新设街道"


def test_the_tree_of_a_past_day_leaves_out_a_unit_established_later(
    dashboard: Page, live_server: LiveServer
) -> None:
    """A town established on 2024-01-01 under 城区: on the past day neither the tree nor
    城区's 下级单位 list it (they follow children(asOf) / orgUnits(asOf)); later they do."""
    admin = live_server.token("山西省", "ADMIN")
    district = _unit_id(live_server, "城区")
    recorded = live_server.query(
        RECORD,
        {
            "input": {
                "kind": "ESTABLISH",
                "occurredOn": "2024-01-01",
                "newUnits": [
                    {"name": NEW_TOWN, "code": "140502-T97", "kind": "TOWN", "parent": district}
                ],
            }
        },
        admin,
    )["recordOrgUnitEvent"]
    assert recorded["errors"] == []
    page = dashboard.page
    tree_row = page.locator(f'[data-testid=tree-unit][data-name="{NEW_TOWN}"]')
    for as_of, shown in ((PAST, False), ("2024-06-30", True)):
        open_dashboard(dashboard, live_server, f"?unit=城区&asOf={as_of}")
        api = live_server.query(
            """query ($u: ID!, $d: Date!) { orgUnit(id: $u) {
                 children(asOf: $d) { name kind taskRollup(asOf: $d) { total } } } }""",
            {"u": district, "d": as_of},
        )["orgUnit"]["children"]
        assert (NEW_TOWN in {c["name"] for c in api}) is shown
        units = [c for c in api if c["kind"] != "ENTERPRISE"]
        idle = sum(1 for c in units if c["taskRollup"]["total"] == 0)
        # 下级单位 counts the day's children: the new town is one more idle unit.
        sub = page.locator("#children-sub").inner_text()
        assert f"{len(units) - idle} 个单位牵头任务" in sub
        assert (f"另 {idle} 个单位暂无" in sub) if idle else ("暂无" not in sub)
        assert (tree_row.count() == 1) is shown
        assert page.locator('[data-testid=tree-unit][data-name="南村镇"]').count() == 1
        dashboard.screenshot(f"tree-{as_of}")
    assert dashboard.errors == []
