"""Read replicas (issue 20): queries, exports and snapshots read from a real hot standby,
mutations write to the primary, a write's LSN token makes the same client's reads see it
(waiting for the standby, then the primary), a lagging standby is skipped, a stopped one is
taken out (reads go to the primary) and comes back when it returns.

The standby's replay paused (`pg_wal_replay_pause()`) makes the servers tell apart: a row
changed on the primary since is old on the standby, new on the primary.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncEngine

from api.auth import mint_token
from api.db import create_engine
from api.replicas import LSN_COOKIE, LSN_HEADER, ReadRouter, format_lsn, parse_lsn
from models.enums import ViewerRole
from resolvers.ids import encode_global_id
from tests.conftest import TEST_SECRET
from tests.replica.conftest import Pair, serving

pytestmark = [pytest.mark.postgres]

TASK_TEXT = "秸秆禁烧"
TASKS = """query ($text: String!) {
  tasks(filter: {text: $text}) { edges { node { id title version } } } }"""
UNIT = '{ orgUnit(name: "城区") { id name } }'
UPDATE = """mutation ($input: UpdateTaskInput!) { updateTask(input: $input) {
  task { title version } errors { code } } }"""


def _count(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _reads(server: str) -> float:
    return _count("govgraph_db_reads_total", server=server)


def _fallbacks(reason: str) -> float:
    return _count("govgraph_db_read_fallbacks_total", reason=reason)


async def _token(pair: Pair, unit: str = "城区", role: str = "COORDINATOR") -> str:
    unit_id = await pair.on_primary("SELECT id FROM org_unit WHERE name = $1", unit)
    return mint_token(TEST_SECRET, unit_id=uuid.UUID(str(unit_id)), role=ViewerRole(role))


SHORT_TITLE = "秸秆禁烧巡查"  # short: the CSV export shortens long titles


@pytest.fixture
async def task(healthy: Pair) -> AsyncIterator[tuple[uuid.UUID, str]]:
    """A 秸秆禁烧 task retitled SHORT_TITLE (on both servers), its title restored after."""
    row = await healthy.on_primary(
        "SELECT id::text || '|' || title FROM task WHERE title LIKE $1 ORDER BY id LIMIT 1",
        f"%{TASK_TEXT}%",
    )
    task_id, original = str(row).split("|", 1)
    await _retitle_on_primary(healthy, uuid.UUID(task_id), SHORT_TITLE)
    await healthy.resume_and_catch_up()
    yield uuid.UUID(task_id), SHORT_TITLE
    await healthy.resume_and_catch_up()
    await _retitle_on_primary(healthy, uuid.UUID(task_id), original)
    await healthy.resume_and_catch_up()


async def _title_via(http: httpx.AsyncClient, token: str, task_id: uuid.UUID, **kw: Any) -> str:
    headers = {"authorization": f"Bearer {token}", **kw.pop("headers", {})}
    response = await http.post(
        "/graphql", json={"query": TASKS, "variables": {"text": TASK_TEXT}}, headers=headers
    )
    body = response.json()
    assert "errors" not in body, body
    wanted = encode_global_id("Task", task_id)
    for edge in body["data"]["tasks"]["edges"]:
        if edge["node"]["id"] == wanted:
            title: str = edge["node"]["title"]
            return title
    raise AssertionError(f"task {task_id} not in {body}")


async def _retitle_on_primary(pair: Pair, task_id: uuid.UUID, title: str) -> None:
    """A change made straight on the primary (no app, no token)."""
    await pair.on_primary("UPDATE task SET title = $2 WHERE id = $1", task_id, title)


async def _retitle_via(
    http: httpx.AsyncClient,
    token: str,
    task_id: uuid.UUID,
    version: int,
    title: str,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """updateTask through the app (a write to the primary); its errors asserted empty."""
    response = await http.post(
        "/graphql",
        json={
            "query": UPDATE,
            "variables": {
                "input": {
                    "task": encode_global_id("Task", task_id),
                    "expectedVersion": version,
                    "title": title,
                }
            },
        },
        headers={"authorization": f"Bearer {token}", **(headers or {})},
    )
    assert response.json()["data"]["updateTask"]["errors"] == [], response.text
    return response


async def _until(
    http: httpx.AsyncClient, ok: Any, seconds: float, message: str, step: float = 0.1
) -> dict[str, Any]:
    """Polls /healthz until `ok(health)` holds; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        health: dict[str, Any] = (await http.get("/healthz")).json()
        if ok(health):
            return health
        assert time.monotonic() < deadline, f"{message}: {health}"
        await asyncio.sleep(step)


class TestRouting:
    async def test_queries_read_from_the_standby_on_both_read_paths(
        self, healthy: Pair, task: tuple[uuid.UUID, str]
    ) -> None:
        pair = healthy
        token = await _token(pair)
        task_id, title = task
        async with serving(pair) as (_app, http):
            await pair.pause_replay()
            await _retitle_on_primary(pair, task_id, title + "（主库）")
            replica, compiled = (
                _reads("replica0"),
                _count("govgraph_graphql_reads_total", path="compiled"),
            )
            # Twice: the resolvers' path compiles the plan, the second read runs it alone.
            assert await _title_via(http, token, task_id) == title
            assert await _title_via(http, token, task_id) == title
            assert _count("govgraph_graphql_reads_total", path="compiled") > compiled
            # A GET (a persisted query's cacheable read) as well.
            response = await http.get(
                "/graphql",
                params={"query": UNIT},
                headers={"authorization": f"Bearer {token}"},
            )
            assert response.json()["data"]["orgUnit"]["name"] == "城区"
            assert _reads("replica0") >= replica + 3
            await pair.resume_and_catch_up()
            assert await _title_via(http, token, task_id) == title + "（主库）"

    async def test_mutations_write_to_the_primary_and_carry_an_lsn(
        self, healthy: Pair, task: tuple[uuid.UUID, str]
    ) -> None:
        pair = healthy
        token = await _token(pair)
        task_id, title = task
        async with serving(pair) as (_app, http):
            version = await pair.on_primary("SELECT version FROM task WHERE id = $1", task_id)
            replica = _reads("replica0")
            response = await _retitle_via(http, token, task_id, version, title + "（改）")
            assert _reads("replica0") == replica  # nothing of the mutation on the standby
            lsn = response.headers[LSN_HEADER]
            assert re.fullmatch(r"[0-9A-F]+/[0-9A-F]+", lsn)
            assert response.cookies[LSN_COOKIE].strip('"') == lsn  # quoted: it holds a "/"
            committed = await pair.on_primary("SELECT title FROM task WHERE id = $1", task_id)
            assert committed == title + "（改）"
            # The token is at or past the write's commit on the primary.
            assert await pair.on_primary("SELECT $1::text::pg_lsn <= pg_current_wal_lsn()", lsn)
            # A read answers without a token.
            refused = await http.post(
                "/graphql",
                json={"query": UNIT},
                headers={"authorization": f"Bearer {token}"},
            )
            assert LSN_HEADER not in refused.headers
            # An idempotent mutation (its transaction held until the response is stored) too;
            # its replay writes nothing and carries no token.
            keyed = {"idempotency-key": f"k-{uuid.uuid4()}"}
            again = (http, token, task_id, version + 1, title + "（再改）")
            first = await _retitle_via(*again, headers=keyed)
            later, earlier = parse_lsn(first.headers[LSN_HEADER]), parse_lsn(lsn)
            assert later is not None
            assert earlier is not None
            assert later >= earlier
            replay = await _retitle_via(*again, headers=keyed)
            assert replay.json() == first.json()
            assert LSN_HEADER not in replay.headers


class TestReadYourWrites:
    async def test_a_read_with_the_token_waits_then_reads_the_primary(
        self, healthy: Pair, task: tuple[uuid.UUID, str]
    ) -> None:
        pair = healthy
        token = await _token(pair)
        task_id, title = task
        async with serving(pair, read_wait_ms=200) as (_app, http):
            await pair.pause_replay()
            version = await pair.on_primary("SELECT version FROM task WHERE id = $1", task_id)
            written = await _retitle_via(http, token, task_id, version, title + "（新）")
            lsn = written.headers[LSN_HEADER]
            assert await pair.on_standby("SELECT title FROM task WHERE id = $1", task_id) == title

            # The same client (its cookie): the standby never replays it in 200 ms, so after
            # the wait the primary answers, with the write.
            waited = _fallbacks("lsn_wait")
            started = time.monotonic()
            assert await _title_via(http, token, task_id) == title + "（新）"
            assert time.monotonic() - started >= 0.2
            assert _fallbacks("lsn_wait") == waited + 1

            # Another client sending the token as a header: the same.
            transport = httpx.ASGITransport(app=_app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://testserver"
            ) as other:
                seen = await _title_via(other, token, task_id, headers={LSN_HEADER: lsn})
                assert seen == title + "（新）"
                # Without the token: the standby, which has not replayed the write.
                assert await _title_via(other, token, task_id) == title
                # A malformed token is no token.
                bad = await _title_via(other, token, task_id, headers={LSN_HEADER: "nonsense"})
                assert bad == title

            # Replay resumed: the token's reads go to the standby, which has the write.
            await pair.resume_and_catch_up()
            replica = _reads("replica0")
            assert await _title_via(http, token, task_id) == title + "（新）"
            assert _reads("replica0") == replica + 1

    async def test_the_wait_ends_as_soon_as_the_standby_replays(
        self, healthy: Pair, task: tuple[uuid.UUID, str]
    ) -> None:
        pair = healthy
        token = await _token(pair)
        task_id, title = task
        async with serving(pair, read_wait_ms=5_000) as (_app, http):
            await pair.pause_replay()
            await _retitle_on_primary(pair, task_id, title + "（等）")
            lsn = await pair.on_primary("SELECT pg_current_wal_lsn()::text")

            async def resume_soon() -> None:
                await asyncio.sleep(0.3)
                await pair.on_standby("SELECT pg_wal_replay_resume()")

            replica, resumed = _reads("replica0"), asyncio.create_task(resume_soon())
            started = time.monotonic()
            seen = await _title_via(http, token, task_id, headers={LSN_HEADER: lsn})
            elapsed = time.monotonic() - started
            await resumed
            assert seen == title + "（等）"
            assert _reads("replica0") == replica + 1  # the standby answered, once replayed
            assert 0.25 <= elapsed < 4.0


class TestLagAndFailover:
    async def test_a_standby_too_far_behind_is_skipped(
        self, healthy: Pair, task: tuple[uuid.UUID, str]
    ) -> None:
        pair = healthy
        token = await _token(pair)
        task_id, title = task
        async with serving(pair, read_max_lag_seconds=0.5) as (_app, http):
            await pair.pause_replay()
            await _retitle_on_primary(pair, task_id, title + "（滞后）")
            health = await _until(
                http,
                lambda h: (h["replicas"][0]["lagSeconds"] or 0) > 0.5,
                10,
                "the paused standby never lagged",
            )
            standby = health["replicas"][0]
            assert standby["status"] == "ok"
            assert standby["replayPaused"] is True
            assert standby["lagBytes"] > 0
            metrics = (await http.get("/metrics")).text
            assert re.search(r'govgraph_replica_lag_bytes\{replica="replica0"\} [1-9]', metrics)
            # Too far behind for a read without a token: the primary answers.
            skipped = _fallbacks("no_replica")
            assert await _title_via(http, token, task_id) == title + "（滞后）"
            assert _fallbacks("no_replica") == skipped + 1
            # Caught up: back to the standby.
            await pair.resume_and_catch_up()
            await _until(http, lambda h: h["replicas"][0]["lagSeconds"] == 0, 10, "never caught up")
            replica = _reads("replica0")
            assert await _title_via(http, token, task_id) == title + "（滞后）"
            assert _reads("replica0") == replica + 1

    async def test_a_stopped_standby_is_taken_out_and_comes_back(
        self, healthy: Pair, task: tuple[uuid.UUID, str]
    ) -> None:
        """No health check runs in between (one a minute): the requests' own failures take the
        standby out, on the compiled plan's direct read first, then on the resolvers' path."""
        pair = healthy
        token = await _token(pair)
        task_id, title = task
        auth = {"authorization": f"Bearer {token}"}
        async with serving(pair, replica_check_seconds=60) as (app, http):
            for _ in range(2):  # the plan cached; the standby's pool holds a connection
                response = await http.get("/graphql", params={"query": UNIT}, headers=auth)
                assert response.json()["data"]["orgUnit"]["name"] == "城区"
            await asyncio.to_thread(pair.cluster.standby.stop, "fast")
            # The compiled plan's direct read on the dead connection: retried on the primary.
            primary = _reads("primary")
            response = await http.get("/graphql", params={"query": UNIT}, headers=auth)
            assert response.json()["data"]["orgUnit"]["name"] == "城区"
            health = (await http.get("/healthz")).json()
            assert health["status"] == "ok"  # the primary answers every read
            assert health["replicas"][0]["status"] == "down"
            metrics = (await http.get("/metrics")).text
            assert 'govgraph_replica_up{replica="replica0"} 0.0' in metrics
            # Out of rotation: reads and exports go to the primary.
            for _ in range(3):
                assert await _title_via(http, token, task_id) == title
            assert _reads("primary") >= primary + 3
            csv = await http.get("/export/ledger.csv", headers=auth)
            assert csv.status_code == 200
            assert TASK_TEXT in csv.text

            # Back: the next check after the retry time takes it in again.
            await asyncio.to_thread(pair.cluster.standby.start)
            await asyncio.sleep(0.35)  # replica_retry_seconds
            await app.state.reads.check()
            assert (await http.get("/healthz")).json()["replicas"][0]["status"] == "ok"
            metrics = (await http.get("/metrics")).text
            assert 'govgraph_replica_up{replica="replica0"} 1.0' in metrics
            replica = _reads("replica0")
            assert await _title_via(http, token, task_id) == title
            assert _reads("replica0") == replica + 1

        async with serving(pair, replica_check_seconds=60, compiled=False) as (app, http):
            assert await _title_via(http, token, task_id) == title  # the standby's, pooled
            await asyncio.to_thread(pair.cluster.standby.stop, "fast")
            assert await _title_via(http, token, task_id) == title  # retried on the primary
            assert (await http.get("/healthz")).json()["replicas"][0]["status"] == "down"
            await asyncio.to_thread(pair.cluster.standby.start)
            await asyncio.sleep(0.35)
            await app.state.reads.check()
            replica = _reads("replica0")
            assert await _title_via(http, token, task_id) == title
            assert _reads("replica0") == replica + 1

    async def test_the_watcher_notices_a_stopped_standby_and_its_return(
        self, healthy: Pair
    ) -> None:
        pair = healthy
        async with serving(pair) as (_app, http):  # a check every 0.2 s
            await asyncio.to_thread(pair.cluster.standby.stop, "fast")
            await _until(
                http,
                lambda h: h["replicas"][0]["status"] == "down",
                10,
                "the stopped standby still counted as up",
                step=0.05,
            )
            await asyncio.to_thread(pair.cluster.standby.start)
            await _until(http, lambda h: h["replicas"][0]["status"] == "ok", 20, "not taken back")


class TestExports:
    async def test_exports_and_snapshots_read_from_the_standby(
        self, healthy: Pair, task: tuple[uuid.UUID, str]
    ) -> None:
        pair = healthy
        token = await _token(pair)
        task_id, title = task
        headers = {"authorization": f"Bearer {token}"}
        description = await pair.on_primary("SELECT description FROM task WHERE id = $1", task_id)
        async with serving(pair) as (_app, http):
            await pair.pause_replay()
            await _retitle_on_primary(pair, task_id, title + "（导出）")
            await pair.on_primary(
                "UPDATE task SET description = $2 WHERE id = $1", task_id, "导出标记"
            )
            csv = await http.get("/export/ledger.csv", headers=headers)
            assert csv.status_code == 200
            assert TASK_TEXT in csv.text
            assert "导出标记" not in csv.text
            snapshot = await http.get("/export/snapshot.json", headers=headers)
            assert snapshot.status_code == 200
            titles = {row["title"] for row in orjson.loads(snapshot.content)["tasks"]}
            assert title in titles
            assert title + "（导出）" not in titles
            # With a token past the change: the primary's rows.
            lsn = await pair.on_primary("SELECT pg_current_wal_lsn()::text")
            fresh = await http.get("/export/ledger.csv", headers={**headers, LSN_HEADER: lsn})
            assert "导出标记" in fresh.text
            fresh_snapshot = await http.get(
                "/export/snapshot.json", headers={**headers, LSN_HEADER: lsn}
            )
            titles = {row["title"] for row in orjson.loads(fresh_snapshot.content)["tasks"]}
            assert title + "（导出）" in titles
        await pair.resume_and_catch_up()
        await pair.on_primary(
            "UPDATE task SET description = $2 WHERE id = $1", task_id, description
        )


async def test_sqlite_ignores_read_replicas(tmp_path: Any) -> None:
    engine: AsyncEngine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        url = "postgresql+asyncpg://postgres@127.0.0.1:1/none"
        assert ReadRouter.from_urls(engine, [url]) is None
    finally:
        await engine.dispose()


def test_the_settings_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from api.settings import Settings

    monkeypatch.setenv(
        "GOVGRAPH_READ_DATABASE_URLS",
        "postgresql://a@h1/db, postgresql://a@h2:5433/db,postgresql://a@h1/db",
    )
    monkeypatch.setenv("GOVGRAPH_READ_WAIT_MS", "50")
    monkeypatch.setenv("GOVGRAPH_READ_MAX_LAG_SECONDS", "2.5")
    settings = Settings.from_env()
    assert settings.read_database_urls == (
        "postgresql+asyncpg://a@h1/db",
        "postgresql+asyncpg://a@h2:5433/db",
    )
    assert settings.read_wait_ms == 50
    assert settings.read_max_lag_seconds == 2.5
    monkeypatch.delenv("GOVGRAPH_READ_DATABASE_URLS")
    assert Settings.from_env().read_database_urls == ()


def test_lsn_tokens_parse_and_print() -> None:
    assert parse_lsn("0/3001178") == 0x3001178
    assert parse_lsn("1A/FF") == (0x1A << 32) | 0xFF
    assert format_lsn((0x1A << 32) | 0xFF) == "1A/FF"
    assert parse_lsn('"0/10"') == 0x10  # a cookie's quoted value
    for bad in ("", "3001178", "0/", "x/1", "0/123456789", "1/2/3", None):
        assert parse_lsn(bad) is None


def test_failures_that_send_a_read_to_the_primary() -> None:
    """A replica gone (connection errors, shutdown) or its replay cancelling the statement
    (40001 on a hot standby) send the read to the primary; other refusals stay the caller's."""
    import asyncpg

    from resolvers.database import connection_lost, recovery_conflict

    assert connection_lost(asyncpg.exceptions.AdminShutdownError("terminating connection"))
    assert connection_lost(asyncpg.exceptions.ConnectionDoesNotExistError("closed"))
    assert connection_lost(ConnectionRefusedError(111, "refused"))
    assert recovery_conflict(asyncpg.exceptions.SerializationError("conflict with recovery"))
    for refused in (
        asyncpg.exceptions.QueryCanceledError("statement timeout"),
        asyncpg.exceptions.UndefinedColumnError("no such column"),
    ):
        assert not connection_lost(refused)
        assert not recovery_conflict(refused)
