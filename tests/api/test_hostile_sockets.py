"""Hostile sockets and stale credentials (issue 14, item 6), over a real uvicorn server.

- An open graphql-transport-ws connection keeps its credentials checked: a token's expiry and
  a key's revocation (by `govgraph key revoke`, another process) close it with 4403.
- A signed token must name a unit that exists: HTTP 401 (the compiled fast path too),
  WebSocket 4403.
- rollupChanged sends nothing for a write the viewer cannot see.
- Every refused operation gets an `error` message with a stable code, the socket stays open,
  and the server logs one line per client error, no traceback.

Every wait is bounded (tests/api/test_subscriptions.py's helpers).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from api import websocket
from api.api_keys import create_key
from api.app import GovGraphQL, create_app
from api.auth import KnownUnits, mint_token
from api.settings import Settings
from models import OrgUnit
from models.enums import OrgUnitKind, ViewerRole
from resolvers.common import decode_global_id, global_id
from tests.api.test_subscriptions import (
    PROTOCOL,
    ROLLUP_CHANGED,
    TASK_CHANGED,
    WAIT,
    Subscriptions,
    _assignment,
    _report,
    _rollup,
    _unit,
    _unit_id,
    _viewer,
    broker_of,
    http_client,
    serve,
    subscriptions,
    until,
    wait_for_subscribers,
)
from tests.conftest import TEST_SECRET, GraphQLClient, TestDatabase

ROOT = Path(__file__).resolve().parents[2]
unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]

CREATE_TASK = """
mutation ($input: CreateTaskInput!) { createTask(input: $input) {
  task { id assignments { id role unit { name } } } errors { code field message } } }
"""
PLANS = "{ plans(field: AIR) { edges { node { id document { docNumber } } } } }"


def _settings(db: TestDatabase, *, anonymous: bool = True) -> Settings:
    return Settings(database_url=db.url, secret=TEST_SECRET, anonymous=anonymous)


def _graphql_view(app: Any) -> GovGraphQL:
    for route in app.routes:
        view = getattr(route, "endpoint", None)
        if isinstance(view, GovGraphQL):
            return view
    raise AssertionError("no GraphQL view")


async def _closed(ws: ClientConnection) -> int:
    """The close code the server sends (bounded wait); fails if a message arrives first."""
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(WAIT):
            await ws.recv()
    assert closed.value.rcvd is not None, "the client closed, not the server"
    return closed.value.rcvd.code


async def _connect(host: str, payload: dict[str, str]) -> ClientConnection:
    """An acknowledged connection (the caller closes it)."""
    ws = await connect(
        f"ws://{host}/graphql", subprotocols=[PROTOCOL], proxy=None, open_timeout=WAIT
    )
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    async with asyncio.timeout(WAIT):
        ack = json.loads(await ws.recv())
    assert ack["type"] == "connection_ack", ack
    return ws


async def _subscribe(ws: ClientConnection, op_id: str, query: str, variables: Any) -> None:
    payload = {"query": query, "variables": variables}
    await ws.send(json.dumps({"id": op_id, "type": "subscribe", "payload": payload}))


async def _post(host: str, headers: dict[str, str], query: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=f"http://{host}", trust_env=False, timeout=WAIT) as http:
        return await http.post("/graphql", json={"query": query}, headers=headers)


async def _partner_key(db: TestDatabase, unit: str) -> tuple[str, str]:
    """(key, prefix) of a new SHARED key for `unit`."""
    async with db.engine.begin() as conn:
        issued = await create_key(conn, name="省平台", unit_id=await _unit_id(db, unit))
    return issued.secret, issued.prefix


async def _cli(db: TestDatabase, *args: str) -> str:
    """`govgraph …` in a process of its own on the test's database."""
    env = {**os.environ, "GOVGRAPH_DATABASE_URL": db.url, "GOVGRAPH_SECRET": TEST_SECRET}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api.cli",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    async with asyncio.timeout(60):
        out, _ = await process.communicate()
    assert process.returncode == 0, out.decode(errors="replace")
    return out.decode()


@pytest.mark.private_db  # a server with its broker (LISTEN), a command in another process
class TestCredentialsForTheConnectionsLife:
    async def test_an_expiring_token_closes_the_socket(self, seeded_db: TestDatabase) -> None:
        app = create_app(_settings(seeded_db, anonymous=False), seeded_db.engine)
        async with serve(app) as host:
            district = await _unit_id(seeded_db, "城区")
            token = mint_token(
                TEST_SECRET, unit_id=district, role=ViewerRole.VIEWER, ttl=timedelta(seconds=3)
            )
            town = await _unit_id(seeded_db, "南村镇")
            town_gid = _global_unit_id(town)
            ws = await _connect(host, {"Authorization": f"Bearer {token}"})
            try:
                await _subscribe(ws, "tasks", TASK_CHANGED, {"unit": town_gid})
                await wait_for_subscribers(broker_of(app), 1)
                # 2–3 s later the token expires: the socket closes, its subscription with it.
                assert await _closed(ws) == 4403
            finally:
                await ws.close()
            await wait_for_subscribers_gone(app)
            refused = await _post(host, {"authorization": f"Bearer {token}"}, "{ me { role } }")
            assert refused.status_code == 401

    async def test_a_key_revoked_by_the_command_closes_the_socket(
        self, seeded_db: TestDatabase
    ) -> None:
        """PostgreSQL: the command's NOTIFY reaches the server at once. SQLite (no channel
        between processes): the next event is checked first and never sent."""
        app = create_app(_settings(seeded_db), seeded_db.engine)
        async with serve(app) as host, http_client(host) as client:
            key, prefix = await _partner_key(seeded_db, "城区")
            town_gid = await _unit(client, "南村镇")
            share = await _assignment(client, 3, "南村镇")
            town = _viewer(client, town_gid)
            broker = broker_of(app)
            async with subscriptions_with_key(host, key) as ws:
                await ws.subscribe("tasks", TASK_CHANGED, {"unit": town_gid})
                # The subscription and the connection's revocation listener.
                await wait_for_subscribers(broker, 2)
                # Before: the key's socket gets the town's write.
                await _report(town, share["id"], 31)
                event = await ws.next("tasks")
                assert event["taskChanged"]["id"] == share["task_id"]

                assert f"revoked {prefix}" in await _cli(seeded_db, "key", "revoke", prefix)
                if seeded_db.dialect == "postgresql":
                    assert await _server_closed(ws) == 4403  # no write needed
                else:
                    await _report(town, share["id"], 32)
                    assert await _server_closed(ws) == 4403
                assert ws.events["tasks"].qsize() == 0  # the later write was never sent
            refused = await _post(host, {"x-api-key": key}, "{ me { role } }")
            assert refused.status_code == 401

    @pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)
    async def test_a_revoked_key_is_noticed_without_events(
        self, seeded_db: TestDatabase, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without a write to check before, the periodic recheck notices the revocation."""
        monkeypatch.setattr(websocket.GraphQLTransportWSHandler, "recheck_seconds", 0.3)
        app = create_app(_settings(seeded_db), seeded_db.engine)
        async with serve(app) as host:
            key, prefix = await _partner_key(seeded_db, "城区")
            ws = await _connect(host, {"X-API-Key": key})
            try:
                district = _global_unit_id(await _unit_id(seeded_db, "城区"))
                await _subscribe(ws, "rollup", ROLLUP_CHANGED, {"unit": district})
                await wait_for_subscribers(broker_of(app), 2)
                await _cli(seeded_db, "key", "revoke", prefix)
                assert await _closed(ws) == 4403
            finally:
                await ws.close()

    @pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)
    async def test_a_socket_whose_unit_is_deleted_closes(
        self, seeded_db: TestDatabase, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(websocket.GraphQLTransportWSHandler, "recheck_seconds", 0.3)
        app = create_app(_settings(seeded_db), seeded_db.engine)
        now = [0.0]
        _graphql_view(app).known_units = KnownUnits(ttl=60, clock=lambda: now[0])
        unit_id = await _insert_unit(seeded_db, "将撤并的镇")
        async with serve(app) as host:
            token = mint_token(TEST_SECRET, unit_id=unit_id, role=ViewerRole.VIEWER)
            ws = await _connect(host, {"Authorization": f"Bearer {token}"})
            try:
                await _subscribe(ws, "q", "{ me { role } }", {})
                async with asyncio.timeout(WAIT):
                    assert json.loads(await ws.recv())["type"] == "next"
                    assert json.loads(await ws.recv())["type"] == "complete"
                async with seeded_db.engine.begin() as conn:
                    await conn.execute(unit_t.delete().where(unit_t.c.id == unit_id))
                now[0] += 61  # what the server remembered has lapsed
                assert await _closed(ws) == 4403
            finally:
                await ws.close()


async def _insert_unit(db: TestDatabase, name: str) -> uuid.UUID:
    """A unit of its own (no task, no key), to delete again."""
    unit_id, stamp = uuid.uuid4(), datetime.now(UTC)
    async with db.engine.begin() as conn:
        await conn.execute(
            unit_t.insert().values(
                id=unit_id,
                code=f"gone-{unit_id.hex[:8]}",
                name=name,
                kind=OrgUnitKind.TOWN,
                path=f"/{unit_id}/",
                depth=0,
                sort_order=0,
                created_at=stamp,
                updated_at=stamp,
                version=1,
            )
        )
    return unit_id


class subscriptions_with_key:
    """`subscriptions(host)` authenticated by an API key in the connection_init payload."""

    def __init__(self, host: str, key: str) -> None:
        self.host, self.key = host, key

    async def __aenter__(self) -> Subscriptions:
        self.ws = await _connect(self.host, {"X-API-Key": self.key})
        self.client = Subscriptions(self.ws)
        return self.client

    async def __aexit__(self, *exc: object) -> None:
        await self.client.close()
        await self.ws.close()


async def _server_closed(ws: Subscriptions) -> int:
    """The close code of a Subscriptions client's connection (its reader stops at the close)."""
    async with asyncio.timeout(WAIT):
        await ws.ws.wait_closed()
    received = ws.ws.protocol.close_rcvd
    assert received is not None, "the client closed, not the server"
    return int(received.code)


async def wait_for_subscribers_gone(app: Any) -> None:
    broker = broker_of(app)
    await until(lambda: broker.subscriber_count == 0)


def _global_unit_id(unit_id: uuid.UUID) -> str:
    return str(global_id("OrgUnit", unit_id))


class TestTokensNameExistingUnits:
    async def test_a_token_for_a_unit_that_never_existed_is_refused(
        self, seeded_db: TestDatabase
    ) -> None:
        """An ADMIN token reads everything; one for no unit at all reads nothing (HTTP 401,
        the compiled fast path too)."""
        app = create_app(_settings(seeded_db), seeded_db.engine)
        transport = httpx.ASGITransport(app=app)
        query = "{ orgUnits(first: 3) { edges { node { name } } } }"
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            real = GraphQLClient(http).as_viewer(await _unit_id(seeded_db, "山西省"), "ADMIN")
            for _ in range(2):  # the second is answered from the compiled plan (PostgreSQL)
                assert "errors" not in await real.execute(query)
            ghost = GraphQLClient(http).as_viewer(uuid.uuid4(), "ADMIN")
            for _ in range(2):
                response = await http.post(
                    "/graphql",
                    json={"query": query},
                    headers={"authorization": f"Bearer {ghost.token}"},
                )
                assert response.status_code == 401, response.text
                assert "不存在" in response.text  # zh-CN by default
            export = await http.get(
                "/export/ledger.csv",
                params={"unit": "城区"},
                headers={"authorization": f"Bearer {ghost.token}"},
            )
            assert export.status_code == 401

    async def test_a_token_for_a_deleted_unit_is_refused(self, seeded_db: TestDatabase) -> None:
        app = create_app(_settings(seeded_db), seeded_db.engine)
        now = [0.0]
        _graphql_view(app).known_units = KnownUnits(ttl=60, clock=lambda: now[0])
        unit_id = await _insert_unit(seeded_db, "将撤并的街道")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            viewer = GraphQLClient(http).as_viewer(unit_id, "ADMIN")
            assert (await viewer.execute("{ me { role } }"))["data"] == {"me": {"role": "ADMIN"}}
            async with seeded_db.engine.begin() as conn:
                await conn.execute(unit_t.delete().where(unit_t.c.id == unit_id))
            now[0] += 61  # what the server remembered has lapsed
            response = await http.post(
                "/graphql",
                json={"query": "{ me { role } }"},
                headers={"authorization": f"Bearer {viewer.token}"},
            )
            assert response.status_code == 401
            assert "不存在" in response.text  # zh-CN by default

    @pytest.mark.private_db
    async def test_a_socket_for_a_unit_that_does_not_exist_is_refused(
        self, seeded_db: TestDatabase
    ) -> None:
        app = create_app(_settings(seeded_db), seeded_db.engine)
        async with serve(app) as host:
            token = mint_token(TEST_SECRET, unit_id=uuid.uuid4(), role=ViewerRole.ADMIN)
            async with connect(
                f"ws://{host}/graphql", subprotocols=[PROTOCOL], proxy=None, open_timeout=WAIT
            ) as ws:
                payload = {"Authorization": f"Bearer {token}"}
                await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
                assert await _closed(ws) == 4403


@pytest.mark.private_db
class TestRollupScope:
    async def test_a_write_in_another_district_sends_nothing(self, seeded_db: TestDatabase) -> None:
        """城区 sees a task 南村镇 (its town) and 泽州县 both lead, and 泽州县's share state;
        泽州县's progress report changes nothing 城区's rollup counts: no event, not even its
        timing."""
        app = create_app(_settings(seeded_db), seeded_db.engine)
        async with serve(app) as host, http_client(host) as client:
            broker = broker_of(app)
            district_gid, town_gid = await _unit(client, "城区"), await _unit(client, "南村镇")
            county_gid = await _unit(client, "泽州县")
            admin = client.as_viewer(await _unit_id(seeded_db, "山西省"), "ADMIN")
            plans = await client.query(PLANS)
            plan = plans["plans"]["edges"][0]["node"]["id"]
            created = (
                await admin.query(
                    CREATE_TASK,
                    {"input": {"plan": plan, "title": "跨区联防", "leads": [town_gid, county_gid]}},
                )
            )["createTask"]
            assert created["errors"] == [], created
            shares = {a["unit"]["name"]: a["id"] for a in created["task"]["assignments"]}
            county = _viewer(client, county_gid)
            town = _viewer(client, town_gid)
            district = client.as_viewer(decode_global_id(district_gid), "VIEWER")
            token = district.token
            assert token is not None
            async with subscriptions(host, token) as ws:
                await ws.subscribe("rollup", ROLLUP_CHANGED, {"unit": district_gid})
                await wait_for_subscribers(broker, 1)
                before = await _rollup(district, district_gid)
                assert (await _report(county, shares["泽州县"], 30))["errors"] == []
                await asyncio.sleep(0.5)  # past any coalescing window of that write
                assert ws.events["rollup"].qsize() == 0
                assert await _rollup(district, district_gid) == before
                # A write in its own subtree: one event, the rollup as it stands now.
                assert (await _report(town, shares["南村镇"], 40))["errors"] == []
                event = (await ws.next("rollup"))["rollupChanged"]
                assert event != before
                assert event == await _rollup(district, district_gid)


@pytest.mark.private_db
class TestRefusedOperations:
    async def test_every_refused_operation_gets_an_error(
        self, seeded_db: TestDatabase, caplog: pytest.LogCaptureFixture
    ) -> None:
        settings = Settings(
            database_url=seeded_db.url, secret=TEST_SECRET, anonymous=True, max_depth=4
        )
        app = create_app(settings, seeded_db.engine)
        refused = {
            "syntax": ("subscription { taskChanged(", "GRAPHQL_PARSE_FAILED"),
            "validation": ("subscription { nope }", "GRAPHQL_VALIDATION_FAILED"),
            "variables": (TASK_CHANGED, "BAD_USER_INPUT"),
            "limit": (
                "{ orgUnits { edges { node { children { children { name } } } } } }",
                "QUERY_LIMIT",
            ),
        }
        caplog.set_level(logging.INFO)
        async with serve(app) as host:
            key, _prefix = await _partner_key(seeded_db, "城区")
            async with subscriptions(host) as ws:
                for op_id, (query, code) in refused.items():
                    await ws.subscribe(op_id, query, {})
                    message = await ws.message(op_id)
                    assert message["type"] == "error", message
                    [error] = message["payload"]
                    assert error["extensions"]["code"] == code, error
                    assert error["extensions"]["requestId"].endswith(f":{op_id}")
                    # The same refusal over HTTP: the same message and code.
                    body = (await _post(host, {}, query)).json()
                    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
                        (error["message"], code)
                    ]
                # The socket is still open: the next operation runs.
                await ws.subscribe("ok", "{ __typename }", {})
                assert await ws.next("ok") == {"__typename": "Query"}
            # An authentication refusal: introspection is off for sharing partners.
            async with subscriptions_with_key(host, key) as ws:
                await ws.subscribe("schema", "{ __schema { types { name } } }", {})
                message = await ws.message("schema")
                assert message["type"] == "error", message
                assert message["payload"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"
        # One line per refusal, no traceback, and no internals in what the server logged.
        logged = [r for r in caplog.records if r.name.startswith(("govgraph", "strawberry"))]
        assert logged
        for record in logged:
            assert record.exc_info is None, record.getMessage()
            assert record.levelno < logging.ERROR, record.getMessage()
            assert "\n" not in record.getMessage(), record.getMessage()
