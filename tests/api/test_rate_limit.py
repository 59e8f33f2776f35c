"""Rate limits per viewer, per partner key and per client address (api/rate_limit.py).

In memory (one app) and in Redis (two apps sharing it, as two workers would). The Redis tests
use the local Redis (GOVGRAPH_TEST_REDIS_URL, default redis://127.0.0.1:6379/0) under a key
prefix of their own, and delete only that prefix's keys; without Redis they skip locally and
fail under CI=true, as PostgreSQL's tests do.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import redis.asyncio as redis
import sqlalchemy as sa
from starlette.applications import Starlette
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from api.api_keys import create_key
from api.app import create_app
from api.auth import mint_token
from api.cli import main
from api.rate_limit import RateLimiter
from api.settings import Settings
from models import OrgUnit
from models.enums import ViewerRole
from tests.api.test_subscriptions import PROTOCOL, WAIT, serve
from tests.conftest import IN_CI, TEST_SECRET, TestDatabase

REDIS_URL = os.environ.get("GOVGRAPH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
QUERY = {"query": "{ __typename }"}
unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]
REFUSED_BY_VIEWER = 'govgraph_rate_limited_total{caller="viewer",limit="requests",path="/graphql"}'


def _sample(exposition: str, name: str) -> float:
    """A sample's value in /metrics' text (0 when absent)."""
    for line in exposition.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def _units(db: TestDatabase, *names: str) -> list[uuid.UUID]:
    async with db.engine.connect() as conn:
        rows = (
            await conn.execute(
                sa.select(unit_t.c.name, unit_t.c.id).where(unit_t.c.name.in_(names))
            )
        ).all()
    by_name = {row.name: row.id for row in rows}
    return [by_name[name] for name in names]


async def _tokens(db: TestDatabase) -> tuple[str, str]:
    """Bearer headers of two viewers (two units)."""
    first, second = await _units(db, "城区", "南村镇")
    return (
        "Bearer " + mint_token(TEST_SECRET, unit_id=first, role=ViewerRole.VIEWER),
        "Bearer " + mint_token(TEST_SECRET, unit_id=second, role=ViewerRole.VIEWER),
    )


def _app(db: TestDatabase, **limits: Any) -> Starlette:
    settings = Settings(database_url=db.url, secret=TEST_SECRET, anonymous=True, **limits)
    return create_app(settings, engine=db.engine)


def _client(app: Starlette, address: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def _close(*apps: Starlette) -> None:
    for app in apps:
        limiter: RateLimiter = app.state.rate_limiter
        await limiter.close()


def _assert_refused(response: httpx.Response, window_seconds: int = 60) -> dict[str, Any]:
    """429, a sane Retry-After, and a GraphQL error RATE_LIMITED with a request id."""
    assert response.status_code == 429, response.text
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= window_seconds
    error: dict[str, Any] = response.json()["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["requestId"]
    assert error["extensions"]["retryAfter"] == retry_after
    assert "data" not in response.json()
    return error


async def test_a_viewer_over_its_budget_gets_429_and_others_do_not(
    seeded_db: TestDatabase,
) -> None:
    first, second = await _tokens(seeded_db)
    app = _app(seeded_db, rate_limit="3/minute")
    async with _client(app) as http:
        for _ in range(3):
            ok = await http.post("/graphql", json=QUERY, headers={"authorization": first})
            assert ok.status_code == 200, ok.text
        refused = await http.post(
            "/graphql",
            json=QUERY,
            headers={"authorization": first, "x-request-id": "req-42"},
        )
        error = _assert_refused(refused)
        assert error["extensions"]["requestId"] == "req-42"
        assert refused.headers["content-type"].startswith("application/json")
        # GraphQL over HTTP's media type when asked for; GET counts too.
        spec = await http.get(
            "/graphql",
            params=QUERY,
            headers={"authorization": first, "accept": "application/graphql-response+json"},
        )
        _assert_refused(spec)
        assert spec.headers["content-type"].startswith("application/graphql-response+json")
        # Another viewer from the same address is not affected, nor is an anonymous caller.
        other = await http.post("/graphql", json=QUERY, headers={"authorization": second})
        assert other.json() == {"data": {"__typename": "Query"}}
        anonymous = await http.post("/graphql", json=QUERY)
        assert anonymous.status_code == 200
        # Health and metrics are never limited; the refusals are counted.
        assert (await http.get("/healthz")).status_code == 200
        metrics = await http.get("/metrics")
        assert metrics.status_code == 200
        assert _sample(metrics.text, REFUSED_BY_VIEWER) >= 2
    await _close(app)


async def test_anonymous_callers_are_limited_by_address(seeded_db: TestDatabase) -> None:
    app = _app(seeded_db, rate_limit="2/minute")
    async with _client(app, "192.0.2.1") as first, _client(app, "192.0.2.2") as second:
        for _ in range(2):
            assert (await first.post("/graphql", json=QUERY)).status_code == 200
        _assert_refused(await first.post("/graphql", json=QUERY))
        # A token that does not verify is no way around it (nor onto someone else's budget).
        forged = {"authorization": "Bearer not-a-token"}
        _assert_refused(await first.post("/graphql", json=QUERY, headers=forged))
        assert (await second.post("/graphql", json=QUERY)).status_code == 200
    await _close(app)


async def test_partner_keys_have_their_own_budget(seeded_db: TestDatabase) -> None:
    (unit,) = await _units(seeded_db, "城区")
    async with seeded_db.engine.begin() as conn:
        issued = await create_key(conn, name="省平台", unit_id=unit)
    app = _app(seeded_db, rate_limit="5/minute", rate_limit_key="2/minute")
    key = {"x-api-key": issued.secret}
    # Someone who knows the prefix but not the secret spends the address's budget, not the key's.
    forged = {"x-api-key": f"gg_{issued.prefix}_{'x' * 43}"}
    async with _client(app, "192.0.2.10") as partner, _client(app, "192.0.2.11") as attacker:
        for _ in range(3):
            assert (await attacker.post("/graphql", json=QUERY, headers=forged)).status_code == 401
        for _ in range(2):
            ok = await partner.post("/graphql", json=QUERY, headers=key)
            assert ok.status_code == 200, ok.text
        _assert_refused(await partner.post("/graphql", json=QUERY, headers=key))
        # `Authorization: ApiKey …` is the same key and the same budget.
        apikey = {"authorization": f"ApiKey {issued.secret}"}
        _assert_refused(await partner.post("/graphql", json=QUERY, headers=apikey))
        # The address's own (anonymous) budget is untouched by the key's requests.
        assert (await partner.post("/graphql", json=QUERY)).status_code == 200
    await _close(app)


async def test_exports_and_imports_spend_the_stricter_budget(seeded_db: TestDatabase) -> None:
    first, _ = await _tokens(seeded_db)
    app = _app(seeded_db, rate_limit="100/minute", rate_limit_heavy="1/minute")
    viewer = {"authorization": first}
    async with _client(app) as http:
        export = await http.get("/export/ledger.csv", headers=viewer)
        assert export.status_code == 200, export.text
        _assert_refused(await http.get("/export/snapshot.json", headers=viewer))
        # A multipart upload (importLedger) is heavy too; plain queries are not.
        upload = await http.post(
            "/graphql",
            headers=viewer,
            files={"0": ("ledger.csv", b"a,b\n", "text/csv")},
            data={"operations": json.dumps({"query": "{ __typename }"}), "map": "{}"},
        )
        _assert_refused(upload)
        assert (await http.post("/graphql", json=QUERY, headers=viewer)).status_code == 200
    await _close(app)


@pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)
async def test_a_key_created_with_its_own_rate_limit_keeps_to_it(
    seeded_db: TestDatabase, capsys: pytest.CaptureFixture[str]
) -> None:
    """`govgraph key create --rate-limit` (migration 0015's api_key.rate_limit)."""
    await seeded_db.engine.dispose()  # the command opens the SQLite file itself
    base = ["key", "create", "--name", "快速伙伴", "--unit", "城区"]
    database = ["--database-url", seeded_db.url]
    with pytest.raises(SystemExit):
        await asyncio.to_thread(main, [*base, "--rate-limit", "lots", *database])
    assert "not a rate limit" in capsys.readouterr().err
    assert await asyncio.to_thread(main, [*base, "--rate-limit", "1/minute", *database]) == 0
    own = {"x-api-key": capsys.readouterr().out.split()[-1]}
    assert await asyncio.to_thread(main, ["key", "list", *database]) == 0
    assert "rate 1/minute" in capsys.readouterr().out
    app = _app(seeded_db, rate_limit="5/minute", rate_limit_key="5/minute")
    async with _client(app) as http:
        assert (await http.post("/graphql", json=QUERY, headers=own)).status_code == 200
        _assert_refused(await http.post("/graphql", json=QUERY, headers=own))
    await _close(app)


@pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)
async def test_websocket_connection_attempts_count(seeded_db: TestDatabase) -> None:
    app = _app(seeded_db, rate_limit="2/minute")
    async with serve(app) as host:
        for _ in range(2):
            async with connect(f"ws://{host}/graphql", subprotocols=[PROTOCOL], proxy=None) as ws:
                await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
                async with asyncio.timeout(WAIT):
                    assert json.loads(await ws.recv())["type"] == "connection_ack"
        async with connect(f"ws://{host}/graphql", subprotocols=[PROTOCOL], proxy=None) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                async with asyncio.timeout(WAIT):
                    await ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4429
        assert "秒后重试" in closed.value.rcvd.reason  # zh-CN by default


@pytest.fixture(scope="session")
async def redis_url() -> str:
    """The local Redis; in CI its absence is a failure."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (redis.RedisError, OSError) as exc:
        if IN_CI:
            pytest.fail(f"Redis is required under CI=true but unreachable: {exc!r}")
        pytest.skip(f"Redis unreachable (outside CI): {exc!r}")
    finally:
        await client.aclose()
    return REDIS_URL


@pytest.fixture
async def redis_prefix(redis_url: str) -> AsyncIterator[str]:
    """A key prefix of this test's own; its keys (and only those) are deleted afterwards."""
    prefix = f"govgraph-test-{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


async def test_two_workers_share_one_budget_through_redis(
    seeded_db: TestDatabase, redis_url: str, redis_prefix: str
) -> None:
    first, second = await _tokens(seeded_db)
    shared = {"rate_limit": "3/minute", "redis_url": redis_url, "rate_limit_prefix": redis_prefix}
    one, two = _app(seeded_db, **shared), _app(seeded_db, **shared)
    viewer = {"authorization": first}
    async with _client(one) as worker_one, _client(two) as worker_two:
        assert (await worker_one.post("/graphql", json=QUERY, headers=viewer)).status_code == 200
        assert (await worker_two.post("/graphql", json=QUERY, headers=viewer)).status_code == 200
        assert (await worker_one.post("/graphql", json=QUERY, headers=viewer)).status_code == 200
        # The fourth request is refused by either worker: the budget lives in Redis.
        _assert_refused(await worker_two.post("/graphql", json=QUERY, headers=viewer))
        _assert_refused(await worker_one.post("/graphql", json=QUERY, headers=viewer))
        # Another viewer is not affected.
        other = {"authorization": second}
        assert (await worker_two.post("/graphql", json=QUERY, headers=other)).status_code == 200
    client = redis.Redis.from_url(redis_url)
    try:
        assert [key async for key in client.scan_iter(match=f"{redis_prefix}*")]
    finally:
        await client.aclose()
    await _close(one, two)


async def test_an_unreachable_redis_lets_requests_through(seeded_db: TestDatabase) -> None:
    """Limits guard the service; they are not a dependency that can take it down."""
    app = _app(seeded_db, rate_limit="1/minute", redis_url="redis://127.0.0.1:9/0")
    async with _client(app) as http:
        for _ in range(2):
            assert (await http.post("/graphql", json=QUERY)).status_code == 200
        metrics = await http.get("/metrics")
        assert _sample(metrics.text, "govgraph_rate_limit_errors_total") >= 2
    await _close(app)


def test_the_server_limits_by_default_and_can_turn_them_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("GOVGRAPH_RATE_LIMIT", "GOVGRAPH_RATE_LIMIT_HEAVY", "GOVGRAPH_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    assert settings.rate_limit == "600/minute"
    assert settings.rate_limit_heavy == "30/minute"
    assert settings.redis_url is None
    monkeypatch.setenv("GOVGRAPH_RATE_LIMIT", "off")
    monkeypatch.setenv("GOVGRAPH_RATE_LIMIT_KEY", "10/second;1000/hour")
    settings = Settings.from_env()
    assert settings.rate_limit is None
    assert RateLimiter(settings).key_requests[1].amount == 1000
