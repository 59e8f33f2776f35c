"""CORS (issue 19, point 1): a page on another origin can call the API when its origin is
configured (GOVGRAPH_CORS_ORIGINS), and only then.

Before: a Vite dev server's page could not call /graphql: its preflight `OPTIONS /graphql`
was 405. Real preflights as Chromium sends them, over httpx's ASGI transport against the app.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from api.app import create_app
from api.settings import Settings, parse_cors_origins
from tests.conftest import TEST_SECRET, TestDatabase

PAGE = "http://127.0.0.1:5173"  # a Vite dev server
OTHER = "http://127.0.0.1:6000"
PREFLIGHT = {
    "origin": PAGE,
    "access-control-request-method": "POST",
    "access-control-request-headers": "authorization,content-type",
}
ME = {"query": '{ orgUnit(name: "城区") { name } }'}


async def _http(db: TestDatabase, origins: tuple[str, ...]) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        database_url=db.url, secret=TEST_SECRET, anonymous=True, cors_origins=origins
    )
    transport = httpx.ASGITransport(app=create_app(settings, engine=db.engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
        yield http


@pytest.fixture
async def cors(seeded_db: TestDatabase) -> AsyncIterator[httpx.AsyncClient]:
    """The app allowing PAGE."""
    async for http in _http(seeded_db, (PAGE,)):
        yield http


@pytest.fixture
async def no_cors(seeded_db: TestDatabase) -> AsyncIterator[httpx.AsyncClient]:
    """The app as configured by default: no origins."""
    async for http in _http(seeded_db, ()):
        yield http


class TestPreflight:
    async def test_an_allowed_origin_gets_its_preflight_answered(
        self, cors: httpx.AsyncClient
    ) -> None:
        response = await cors.options("/graphql", headers=PREFLIGHT)
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == PAGE
        assert "POST" in response.headers["access-control-allow-methods"]
        allowed = response.headers["access-control-allow-headers"].lower()
        assert {"authorization", "content-type"} <= {h.strip() for h in allowed.split(",")}
        assert "access-control-allow-credentials" not in response.headers  # no cookies
        assert int(response.headers["access-control-max-age"]) > 0

    async def test_another_origin_is_refused(self, cors: httpx.AsyncClient) -> None:
        response = await cors.options("/graphql", headers=PREFLIGHT | {"origin": OTHER})
        assert response.status_code == 400
        assert "access-control-allow-origin" not in response.headers

    async def test_a_header_not_allowed_is_refused(self, cors: httpx.AsyncClient) -> None:
        # API keys are for other agencies' systems, not for browser pages.
        headers = PREFLIGHT | {"access-control-request-headers": "x-api-key"}
        response = await cors.options("/graphql", headers=headers)
        assert response.status_code == 400

    async def test_without_origins_there_is_no_cors(self, no_cors: httpx.AsyncClient) -> None:
        response = await no_cors.options("/graphql", headers=PREFLIGHT)
        assert response.status_code == 405
        assert "access-control-allow-origin" not in response.headers
        post = await no_cors.post("/graphql", json=ME, headers={"origin": PAGE})
        assert post.status_code == 200
        assert "access-control-allow-origin" not in post.headers


class TestCrossOriginRequests:
    async def test_the_page_reads_answers_and_refusals(self, cors: httpx.AsyncClient) -> None:
        answer = await cors.post("/graphql", json=ME, headers={"origin": PAGE})
        assert answer.status_code == 200
        assert answer.headers["access-control-allow-origin"] == PAGE
        assert answer.json()["data"]["orgUnit"]["name"] == "城区"  # the demo viewer reads
        assert "retry-after" in answer.headers["access-control-expose-headers"]
        # A 401 (a malformed token) carries the header too: the page can show it.
        refused = await cors.post(
            "/graphql",
            json=ME,
            headers={"origin": PAGE, "authorization": "Bearer not-a-token"},
        )
        assert refused.status_code == 401
        assert refused.headers["access-control-allow-origin"] == PAGE
        # Another origin's request is answered (CORS is the browser's check) without it.
        other = await cors.post("/graphql", json=ME, headers={"origin": OTHER})
        assert "access-control-allow-origin" not in other.headers


class TestSetting:
    def test_origins_parse_and_bad_ones_are_refused(self) -> None:
        assert parse_cors_origins("") == ()
        assert parse_cors_origins(f"{PAGE}, https://portal.example.gov.cn {PAGE}") == (
            PAGE,
            "https://portal.example.gov.cn",
        )
        assert parse_cors_origins("*") == ("*",)
        for bad in (f"{PAGE}/", "localhost:5173", "ftp://x", "http://a, *", "https://*.gov.cn"):
            with pytest.raises(ValueError, match="GOVGRAPH_CORS_ORIGINS"):
                parse_cors_origins(bad)

    def test_from_env(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("GOVGRAPH_CORS_ORIGINS", f"{PAGE},{OTHER}")
        assert Settings.from_env().cors_origins == (PAGE, OTHER)
        monkeypatch.delenv("GOVGRAPH_CORS_ORIGINS")
        assert Settings.from_env().cors_origins == ()
