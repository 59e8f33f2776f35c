"""GraphiQL in a real browser with the internet cut off: it loads from the server alone.

Every request the page makes to anything but the server (127.0.0.1) is aborted, as on a
government intranet; the IDE must still render, run a query and show its result. The old page
loaded React and GraphiQL from a public CDN and stayed on "Loading…".
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import LiveServer, Page

pytestmark = pytest.mark.browser


@pytest.fixture
def offline(dashboard: Page) -> tuple[Page, list[str]]:
    """The test's page with every request off the loopback server aborted (and recorded)."""
    blocked: list[str] = []

    def route(route: Any) -> None:
        url = route.request.url
        host = urlsplit(url).hostname
        if url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    dashboard.page.context.route("**/*", route)
    return dashboard, blocked


def test_graphiql_runs_a_query_without_internet(
    offline: tuple[Page, list[str]], live_server: LiveServer
) -> None:
    page, blocked = offline
    query = '{ __typename orgUnit(name: "城区") { name } }'
    url = f"{live_server.base_url}/graphql?q={query}"
    response = page.page.goto(url)
    assert response is not None
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    # The editors rendered (CodeMirror holds the query from the URL), not "Loading…".
    page.page.wait_for_selector(".graphiql-query-editor .CodeMirror")
    page.page.click(".graphiql-execute-button")
    page.page.wait_for_function(
        "() => (document.querySelector('.result-window')?.textContent || '').includes('城区')"
    )
    result = page.page.inner_text(".result-window")
    assert '"__typename": "Query"' in result
    assert '"name": "城区"' in result
    page.screenshot("graphiql")
    assert blocked == []  # nothing even tried to leave the machine
    assert page.errors == []  # no CSP violation, no failed script, no integrity mismatch
