"""GraphiQL's page: served from the package's own files, pinned by sha384 (SRI)."""

from __future__ import annotations

import base64
import hashlib
import re
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from tests.conftest import TestDatabase

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# Every URL-bearing attribute of the page (src, href) and its integrity, if any.
REFERENCE = re.compile(r'\b(?:src|href)="([^"]*)"')
SIGNED = re.compile(r'\b(?:src|href)="([^"]*)"\s+integrity="([^"]*)"')
PACKAGE_DIR = Path(__file__).resolve().parents[2] / "api"


@pytest.fixture
async def http(seeded_db: TestDatabase) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=seeded_db.url, anonymous=True), engine=seeded_db.engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_page_references_only_its_own_assets(http: httpx.AsyncClient) -> None:
    page = await http.get("/graphql", headers={"accept": BROWSER_ACCEPT})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    references = REFERENCE.findall(page.text)
    assert references, "the page loads scripts and stylesheets"
    for url in references:
        # Relative to /graphql: this server's /static/graphiql/, never another host.
        assert url.startswith("static/graphiql/"), url
    assert "//" not in "".join(references)
    assert "<script>" not in page.text  # no inline script: the CSP allows none
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-eval" not in policy


async def test_integrity_hashes_match_the_served_files(http: httpx.AsyncClient) -> None:
    page = await http.get("/graphql", headers={"accept": BROWSER_ACCEPT})
    signed = SIGNED.findall(page.text)
    scripts = re.findall(r'<script\b[^>]*\bsrc="([^"]*)"', page.text)
    stylesheets = re.findall(r'<link\b[^>]*rel="stylesheet"[^>]*href="([^"]*)"', page.text)
    assert {url for url, _ in signed} >= {*scripts, *stylesheets}  # all of them pinned
    assert any("graphiql.min.js" in url for url in scripts)
    assert any("react-dom" in url for url in scripts)
    for url, integrity in signed:
        served = await http.get(f"/{url}")
        assert served.status_code == 200, url
        digest = base64.b64encode(hashlib.sha384(served.content).digest()).decode()
        assert integrity == f"sha384-{digest}", url
        assert "script-src 'self'" in served.headers["content-security-policy"]


def test_the_page_and_its_builds_are_package_data() -> None:
    pyproject = (PACKAGE_DIR.parent / "pyproject.toml").read_text()
    package_data = tomllib.loads(pyproject)["tool"]["setuptools"]["package-data"]["api"]
    assert {"static/graphiql/*", "static/graphiql/**/*"} <= set(package_data)


def test_vendored_licences_ship_with_the_builds() -> None:
    vendor = PACKAGE_DIR / "static" / "graphiql" / "vendor"
    for name in ("graphiql", "react", "react-dom"):
        assert "MIT License" in (vendor / f"LICENSE-{name}").read_text()


async def test_queries_still_get_json(http: httpx.AsyncClient) -> None:
    """Content negotiation is unchanged: a GET with a query (or no HTML Accept) is GraphQL."""
    answer = await http.get(
        "/graphql", params={"query": "{ __typename }"}, headers={"accept": BROWSER_ACCEPT}
    )
    assert answer.json() == {"data": {"__typename": "Query"}}
