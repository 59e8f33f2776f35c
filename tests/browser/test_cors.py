"""CORS from a real browser (issue 19, point 1): Chromium on a page of another loopback port.

The API server runs with GOVGRAPH_CORS_ORIGINS naming one page server's origin; two page
servers (other ports, so other origins) serve the same page, whose script POSTs a query to
/graphql with `Authorization` and JSON (a request Chromium preflights with `OPTIONS
/graphql`). From the allowed origin the page reads the answer; from the other one Chromium
refuses to hand it over (fetch fails), as it did for every page before.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.browser.conftest import LiveServer, start_server

PAGE = b"""<!doctype html>
<meta charset="utf-8"><title>cross-origin page</title>
<pre id="out">pending</pre>
<script type="module">
const params = new URLSearchParams(location.search);
const out = document.getElementById("out");
try {
  const response = await fetch(params.get("api") + "/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: "Bearer " + params.get("token"),
    },
    body: JSON.stringify({ query: "{ me { role unit { name } } }" }),
  });
  const body = await response.json();
  out.textContent = "ok " + response.status + " " + JSON.stringify(body.data.me);
} catch (error) {
  out.textContent = "failed " + error.name;
}
</script>
"""


# Automatic persisted queries from the page, as Apollo's and urql's links send them (issue 19,
# point 2): the hash alone by GET, the text with the hash by POST when the server asks for it,
# then the hash alone again. crypto.subtle hashes (a loopback origin is a secure context).
APQ_PAGE = b"""<!doctype html>
<meta charset="utf-8"><title>cross-origin APQ page</title>
<pre id="out">pending</pre>
<script type="module">
const params = new URLSearchParams(location.search);
const out = document.getElementById("out");
const api = params.get("api") + "/graphql";
const headers = { authorization: "Bearer " + params.get("token") };
const query = "query Me { me { role unit { name } } }";
const steps = [];
try {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(query));
  const hex = (b) => b.toString(16).padStart(2, "0");
  const sha256Hash = [...new Uint8Array(digest)].map(hex).join("");
  const extensions = { persistedQuery: { version: 1, sha256Hash } };
  const note = async (response) => {
    const body = await response.json();
    steps.push(response.status + ":" + (body.errors ? body.errors[0].message : "data"));
    return body;
  };
  const byHash = () =>
    fetch(api + "?extensions=" + encodeURIComponent(JSON.stringify(extensions)), { headers })
      .then(note);
  let body = await byHash();
  if (body.errors && body.errors[0].message === "PersistedQueryNotFound") {
    await fetch(api, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ query, extensions }),
    }).then(note);
    body = await byHash();
  }
  out.textContent = steps.join(" ") + " " + JSON.stringify(body.data.me);
} catch (error) {
  out.textContent = "failed " + error.name + " " + steps.join(" ");
}
</script>
"""


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        page = APQ_PAGE if self.path.startswith("/apq") else PAGE
        self.send_response(200)
        self.send_header("content-type", "text/html; charset=utf-8")
        self.send_header("content-length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet


@contextlib.contextmanager
def _page_server() -> Iterator[str]:
    """The page on a free loopback port: its origin."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def pages() -> Iterator[tuple[str, str]]:
    """(allowed origin, other origin)."""
    with _page_server() as allowed, _page_server() as other:
        yield allowed, other


@pytest.fixture(scope="module")
def cors_server(
    tmp_path_factory: pytest.TempPathFactory,
    golden_sqlite: dict[str, Path],
    pages: tuple[str, str],
) -> Iterator[LiveServer]:
    """The API allowing the first page's origin only."""
    import shutil

    directory = tmp_path_factory.mktemp("cors-server")
    shutil.copy(golden_sqlite["seeded"], directory / "govgraph.db")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GOVGRAPH_CORS_ORIGINS", pages[0])
        server = start_server(directory, anonymous_demo=False)
    yield server
    server.stop()


def _run_page(browser: Any, origin: str, server: LiveServer, token: str, path: str = "/") -> str:
    context = browser.new_context()
    try:
        page = context.new_page()
        url = f"{origin}{path}?api={quote(server.base_url)}&token={quote(token)}"
        page.goto(url)
        page.wait_for_function(
            "document.getElementById('out').textContent !== 'pending'", timeout=15_000
        )
        text: str = page.locator("#out").text_content() or ""
        return text
    finally:
        context.close()


def test_a_page_on_an_allowed_origin_calls_the_api_and_another_cannot(
    browser: Any, cors_server: LiveServer, pages: tuple[str, str]
) -> None:
    allowed, other = pages
    token = cors_server.token("南村镇", "REPORTER")
    assert _run_page(browser, allowed, cors_server, token) == (
        'ok 200 {"role":"REPORTER","unit":{"name":"南村镇"}}'
    )
    assert _run_page(browser, other, cors_server, token) == "failed TypeError"


def test_a_page_on_an_allowed_origin_uses_persisted_queries(
    browser: Any, cors_server: LiveServer, pages: tuple[str, str]
) -> None:
    allowed, other = pages
    token = cors_server.token("南村镇", "REPORTER")
    assert _run_page(browser, allowed, cors_server, token, "/apq") == (
        '200:PersistedQueryNotFound 200:data 200:data {"role":"REPORTER","unit":{"name":"南村镇"}}'
    )
    assert _run_page(browser, other, cors_server, token, "/apq").startswith("failed TypeError")
