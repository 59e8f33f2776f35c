"""Persisted operations (issue 19, point 2): APQ as Apollo's and urql's links speak it,
cacheable GET reads, and the trusted-documents mode, on both dialects through the real app.

The links' exchanges, step by step (tests/clients runs the links themselves under Node):
1. the hash alone (GET for queries) → 200 `PersistedQueryNotFound`, code
   PERSISTED_QUERY_NOT_FOUND (a 400 or 500 would make the links give up on persisted queries);
2. the hash and the text (POST) → the answer, and the server keeps the text;
3. the hash alone again → the answer, as a cacheable GET (ETag, 304 on If-None-Match).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import sqlalchemy as sa

from api.app import create_app
from api.auth import mint_token
from api.cli import main
from api.persisted import sha256_of, trusted_t
from api.settings import Settings, parse_persisted_mode
from models.enums import ViewerRole
from tests.conftest import TEST_SECRET, TestDatabase

ROOT = Path(__file__).resolve().parents[2]
QUERY = 'query Unit { orgUnit(name: "城区") { name kind } }'
HASH = sha256_of(QUERY)
EXPECTED = {"orgUnit": {"name": "城区", "kind": "DISTRICT"}}
DASHBOARD_QUERIES = ROOT / "api" / "static" / "dashboard" / "queries"
SCREEN = (DASHBOARD_QUERIES / "screen.graphql").read_text()


def persisted(sha256: str = HASH) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256}}


def get_params(sha256: str = HASH, **more: Any) -> dict[str, str]:
    params = {"extensions": orjson.dumps(persisted(sha256)).decode()}
    return params | {k: orjson.dumps(v).decode() for k, v in more.items()}


async def _client(db: TestDatabase, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    config = Settings(database_url=db.url, secret=TEST_SECRET, anonymous=True, **settings)
    transport = httpx.ASGITransport(app=create_app(config, engine=db.engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
        yield http


@pytest.fixture
async def apq(seeded_db: TestDatabase) -> AsyncIterator[httpx.AsyncClient]:
    async for http in _client(seeded_db):
        yield http


def _error(response: httpx.Response) -> tuple[str, str]:
    error = response.json()["errors"][0]
    return error["message"], error["extensions"]["code"]


class TestAutomaticPersistedQueries:
    async def test_the_links_exchange_over_get(self, apq: httpx.AsyncClient) -> None:
        first = await apq.get("/graphql", params=get_params())
        assert first.status_code == 200  # not 400: the links would give up
        assert _error(first) == ("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
        assert first.json()["errors"][0]["extensions"]["requestId"]

        body = {"query": QUERY, "extensions": persisted()}
        second = await apq.post("/graphql", json=body)
        assert second.status_code == 200
        assert second.json() == {"data": EXPECTED} | _extensions(second)

        third = await apq.get("/graphql", params=get_params())
        assert third.status_code == 200
        assert third.json()["data"] == EXPECTED

    async def test_the_links_exchange_over_post(self, apq: httpx.AsyncClient) -> None:
        unknown = await apq.post("/graphql", json={"extensions": persisted()})
        assert _error(unknown) == ("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
        registered = await apq.post("/graphql", json={"query": QUERY, "extensions": persisted()})
        assert registered.json()["data"] == EXPECTED
        again = await apq.post("/graphql", json={"extensions": persisted(), "variables": {}})
        assert again.json()["data"] == EXPECTED

    async def test_variables_travel_with_the_hash(self, apq: httpx.AsyncClient) -> None:
        query = "query U($name: String!) { orgUnit(name: $name) { name } }"
        sha = sha256_of(query)
        body = {"query": query, "variables": {"name": "城区"}, "extensions": persisted(sha)}
        assert (await apq.post("/graphql", json=body)).json()["data"]["orgUnit"]["name"] == "城区"
        params = get_params(sha, variables={"name": "钟家庄街道"}) | {"operationName": "U"}
        answer = await apq.get("/graphql", params=params)
        assert answer.json()["data"]["orgUnit"]["name"] == "钟家庄街道"

    async def test_a_hash_that_is_not_the_texts_is_refused(self, apq: httpx.AsyncClient) -> None:
        wrong = sha256_of(QUERY + " ")
        response = await apq.post("/graphql", json={"query": QUERY, "extensions": persisted(wrong)})
        assert response.status_code == 400
        assert _error(response)[1] == "PERSISTED_QUERY_HASH_MISMATCH"
        # Nothing was kept under either hash.
        for sha in (wrong, HASH):
            miss = await apq.post("/graphql", json={"extensions": persisted(sha)})
            assert _error(miss)[1] == "PERSISTED_QUERY_NOT_FOUND"

    @pytest.mark.parametrize(
        "extension",
        [
            {"version": 2, "sha256Hash": HASH},
            {"version": 1, "sha256Hash": HASH.upper()},
            {"version": 1, "sha256Hash": "abc"},
            {"version": 1},
            "persisted",
        ],
    )
    async def test_malformed_extensions_are_bad_requests(
        self, apq: httpx.AsyncClient, extension: Any
    ) -> None:
        body = {"query": QUERY, "extensions": {"persistedQuery": extension}}
        response = await apq.post("/graphql", json=body)
        assert response.status_code == 400
        assert _error(response)[1] == "BAD_REQUEST"

    async def test_the_cache_is_bounded(self, seeded_db: TestDatabase) -> None:
        async for http in _client(seeded_db, apq_cache_size=2):
            texts = [f'query Q{i} {{ orgUnit(name: "城区") {{ name }} }}' for i in range(3)]
            for text in texts:
                body = {"query": text, "extensions": persisted(sha256_of(text))}
                assert (await http.post("/graphql", json=body)).status_code == 200
            # The first one was least recently used: gone; the last two answer.
            answers = [
                await http.post("/graphql", json={"extensions": persisted(sha256_of(t))})
                for t in texts
            ]
            assert "errors" in answers[0].json()
            assert [a.json()["data"]["orgUnit"]["name"] for a in answers[1:]] == ["城区", "城区"]

    async def test_off_says_not_supported(self, seeded_db: TestDatabase) -> None:
        async for http in _client(seeded_db, persisted_queries="off"):
            response = await http.post("/graphql", json={"query": QUERY, "extensions": persisted()})
            assert response.status_code == 200
            assert _error(response) == (
                "PersistedQueryNotSupported",
                "PERSISTED_QUERY_NOT_SUPPORTED",
            )
            plain = await http.post("/graphql", json={"query": QUERY})
            assert plain.json()["data"] == EXPECTED

    def test_a_mode_typo_stops_start_up(self) -> None:
        assert parse_persisted_mode(" Trusted ") == "trusted"
        assert parse_persisted_mode("") == "apq"
        with pytest.raises(ValueError, match="GOVGRAPH_PERSISTED_QUERIES"):
            parse_persisted_mode("trust")


def _extensions(response: httpx.Response) -> dict[str, Any]:
    extensions = response.json().get("extensions")
    return {"extensions": extensions} if extensions is not None else {}


class TestCacheableGet:
    async def test_public_demo_reads_are_cacheable_and_revalidate(
        self, apq: httpx.AsyncClient
    ) -> None:
        first = await apq.get("/graphql", params={"query": QUERY})
        assert first.status_code == 200
        etag = first.headers["etag"]
        assert etag == '"' + hashlib.sha256(first.content).hexdigest()[:32] + '"'
        assert first.headers["cache-control"] == "public, max-age=60"
        assert "authorization" in first.headers["vary"].lower()
        again = await apq.get("/graphql", params={"query": QUERY}, headers={"if-none-match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == etag
        other = await apq.get(
            "/graphql", params={"query": QUERY}, headers={"if-none-match": '"elsewhere"'}
        )
        assert other.status_code == 200
        assert other.json()["data"] == EXPECTED

    async def test_a_viewers_reads_are_private(self, apq: httpx.AsyncClient) -> None:
        unit = await apq.post("/graphql", json={"query": '{ orgUnit(name: "城区") { id } }'})
        token = mint_token(
            TEST_SECRET, unit_id=_uuid(unit.json()["data"]["orgUnit"]["id"]), role=ViewerRole.VIEWER
        )
        response = await apq.get(
            "/graphql", params={"query": QUERY}, headers={"authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200
        assert response.headers["cache-control"] == "private, no-cache"
        assert response.headers["etag"]

    async def test_errors_and_posts_are_not_cached(self, apq: httpx.AsyncClient) -> None:
        broken = await apq.get("/graphql", params={"query": "{ orgUnit(name: 1) { nme } }"})
        assert "etag" not in broken.headers
        posted = await apq.post("/graphql", json={"query": QUERY})
        assert "etag" not in posted.headers
        assert "cache-control" not in posted.headers


UNIT_ID = '{ orgUnit(name: "城区") { id } }'
UNIT_ID_HASH = sha256_of(UNIT_ID)


async def _unit_id(db: TestDatabase) -> str:
    async for http in _client(db):  # APQ mode: any operation
        response = await http.post("/graphql", json={"query": UNIT_ID})
        return str(response.json()["data"]["orgUnit"]["id"])
    raise AssertionError("no client")


def _uuid(global_id: str) -> Any:
    from resolvers.ids import decode_global_id

    return decode_global_id(global_id)


class TestTrustedDocuments:
    @pytest.mark.private_db  # the command opens its own connections
    async def test_only_registered_operations_run(
        self, seeded_db: TestDatabase, tmp_path: Path
    ) -> None:
        url = seeded_db.url
        await seeded_db.engine.dispose()
        assert await asyncio.to_thread(main, ["operations", "register", "--database-url", url]) == 0
        extra = tmp_path / "unit.graphql"
        extra.write_text(QUERY, encoding="utf-8")
        argv = ["operations", "register", str(extra), "--database-url", url]
        assert await asyncio.to_thread(main, argv) == 0
        async with seeded_db.engine.connect() as conn:
            registered = dict(
                (await conn.execute(sa.select(trusted_t.c.sha256, trusted_t.c.name))).all()
            )
        assert registered[sha256_of(SCREEN)] == "DashboardScreen"
        # Every operation the dashboard sends (its queries/ folder: panels, pages, mutations).
        for path in DASHBOARD_QUERIES.glob("*.graphql"):
            assert sha256_of(path.read_text(encoding="utf-8")) in registered, path.name
        assert {"Rankings", "Escalations", "EscalationClose", "TaskDetail"} <= set(
            registered.values()
        )
        assert registered[HASH] == "Unit"

        async for http in _client(seeded_db, persisted_queries="trusted"):
            # By hash, by text: both run.
            by_hash = await http.post("/graphql", json={"extensions": persisted()})
            assert by_hash.json()["data"] == EXPECTED
            by_text = await http.post("/graphql", json={"query": QUERY})
            assert by_text.json()["data"] == EXPECTED
            by_get = await http.get("/graphql", params=get_params())
            assert by_get.json()["data"] == EXPECTED
            # The dashboard's screen query, as the dashboard sends it (the file's text).
            unit = await http.post("/graphql", json={"extensions": persisted(UNIT_ID_HASH)})
            assert _error(unit)[1] == "PERSISTED_QUERY_NOT_FOUND"  # never registered
            unit_id = await _unit_id(seeded_db)
            screen = await http.post(
                "/graphql",
                json={"query": SCREEN, "variables": {"unit": unit_id, "asOf": "2024-06-30"}},
            )
            assert screen.status_code == 200
            assert screen.json().get("errors") is None, screen.json()
            # Anything else is refused, however it comes, and a client cannot register it.
            other = "{ orgUnits(first: 1) { totalCount } }"
            for response in (
                await http.post("/graphql", json={"query": other}),
                await http.get("/graphql", params={"query": other}),
                await http.post(
                    "/graphql",
                    json={"query": other, "extensions": persisted(sha256_of(other))},
                ),
            ):
                assert response.status_code == 403
                assert _error(response)[1] == "OPERATION_NOT_TRUSTED"
            unknown = await http.post("/graphql", json={"extensions": persisted(sha256_of(other))})
            assert _error(unknown)[1] == "PERSISTED_QUERY_NOT_FOUND"

    @pytest.mark.private_db
    async def test_an_invalid_file_registers_nothing(
        self, seeded_db: TestDatabase, tmp_path: Path
    ) -> None:
        url = seeded_db.url
        await seeded_db.engine.dispose()
        good, bad = tmp_path / "good.graphql", tmp_path / "bad.graphql"
        good.write_text(QUERY, encoding="utf-8")
        bad.write_text('{ orgUnit(name: "城区") { nme } }', encoding="utf-8")
        argv = ["operations", "register", str(good), str(bad), "--database-url", url]
        assert await asyncio.to_thread(main, argv) == 2
        async with seeded_db.engine.connect() as conn:
            assert await conn.scalar(sa.select(sa.func.count()).select_from(trusted_t)) == 0


class TestTrustedEverywhere:
    """Trusted mode holds for what does not come as JSON or GET: WebSocket subscriptions and
    multipart uploads (strawberry's path, the TrustedOperations extension)."""

    @pytest.mark.private_db  # the server's broker listens on its own connection
    async def test_an_unregistered_subscription_is_refused(self, seeded_db: TestDatabase) -> None:
        from tests.api.test_subscriptions import ROLLUP_CHANGED, serve, subscriptions

        unit = await _unit_id(seeded_db)
        async with seeded_db.engine.begin() as conn:
            registered = "subscription Registered { __typename }"  # never sent
            await conn.execute(
                trusted_t.insert().values(
                    sha256=sha256_of(registered),
                    name="Registered",
                    body=registered,
                    source="test",
                    registered_at=sa.func.now(),
                )
            )
        config = Settings(
            database_url=seeded_db.url,
            secret=TEST_SECRET,
            anonymous=True,
            persisted_queries="trusted",
        )
        app = create_app(config, engine=seeded_db.engine)
        async with serve(app) as host, subscriptions(host) as client:
            await client.subscribe("1", ROLLUP_CHANGED, {"unit": unit})
            message = await client.message("1")
        assert message["type"] == "error", message
        assert message["payload"][0]["extensions"]["code"] == "OPERATION_NOT_TRUSTED"

    async def test_an_unregistered_upload_is_refused(self, seeded_db: TestDatabase) -> None:
        from tests.ledger_files import air_ledger, csv_bytes

        mutation = (
            "mutation ($input: ImportLedgerInput!) { importLedger(input: $input) "
            "{ report { written } errors { code } } }"
        )
        operations = {
            "query": mutation,
            "variables": {
                "input": {"docNumber": "城政办发〔2023〕20号", "planKey": "air", "file": None}
            },
        }
        async with seeded_db.engine.connect() as conn:
            tasks_before = await conn.scalar(sa.text("SELECT count(*) FROM task"))
        async for http in _client(seeded_db, persisted_queries="trusted"):
            response = await http.post(
                "/graphql",
                data={
                    "operations": orjson.dumps(operations).decode(),
                    "map": orjson.dumps({"0": ["variables.input.file"]}).decode(),
                },
                files={"0": ("台账.csv", csv_bytes(air_ledger()), "text/csv")},
            )
            body = response.json()
            assert body.get("data") is None, body
            assert body["errors"][0]["extensions"]["code"] == "OPERATION_NOT_TRUSTED"
        async with seeded_db.engine.connect() as conn:
            assert await conn.scalar(sa.text("SELECT count(*) FROM task")) == tasks_before


@pytest.mark.postgres
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_persisted_gets_reach_the_compiled_plans(seeded_db: TestDatabase) -> None:
    """A hash sent by GET runs the plan its text compiled to: one statement, no GraphQL work."""
    async for http in _client(seeded_db, debug=True):
        body = {"query": QUERY, "extensions": persisted()}
        first = await http.post("/graphql", json=body)  # registers the text, compiles the plan
        assert first.json()["data"] == EXPECTED
        for _ in range(2):
            answer = await http.get("/graphql", params=get_params())
            assert answer.status_code == 200
            payload = answer.json()
            assert payload["data"] == EXPECTED
            assert payload["extensions"]["sql"]["compiled"] is True, payload
            assert payload["extensions"]["sql"]["statements"] == 1
            assert answer.headers["etag"]
        # A mutation by GET is still refused (405), whatever the plans.
        mutation = "mutation { __typename }"
        refused = await http.get("/graphql", params={"query": mutation})
        assert refused.status_code == 405
