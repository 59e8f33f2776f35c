"""Subscriptions over a real server: graphql-transport-ws, events after committed writes only.

In-process: uvicorn serves the app in the test's event loop (lifespan included, so the app
creates its broker) on a free loopback port. Multi-process: two `uvicorn api.main:app`
workers on one PostgreSQL database; an event written on one reaches a subscriber of the other.
Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sys
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from api.app import GovGraphQL, create_app
from api.auth import mint_token
from api.events import LISTENER_NAME, Broker, InProcessBroker, PostgresBroker, decode, encode
from api.settings import Settings
from models.enums import ViewerRole
from resolvers.common import decode_global_id
from tests.conftest import TEST_SECRET, GraphQLClient, TestDatabase

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL = Subprotocol("graphql-transport-ws")
WAIT = 5.0  # seconds: the bound of every single wait

REPORT = """
mutation ($input: ReportProgressInput!) {
  reportProgress(input: $input) {
    assignment { progress version }
    task { id status progress version }
    errors { code field }
  }
}
"""
TASK_ASSIGNMENTS = """
query ($doc: String!) { tasks(filter: {docNumber: $doc}, first: 100) { edges { node {
  id seq plan { field } assignments { id role unit { id name } } } } } }
"""
ROLLUP = """
query ($unit: ID!) { node(id: $unit) { ... on OrgUnit { taskRollup {
  asOf total completed inProgress notStarted weightedProgress } } } }
"""
TASK_CHANGED = """
subscription ($unit: ID!) { taskChanged(unit: $unit) {
  id status progress version assignments { progress unit { name } } } }
"""
ROLLUP_CHANGED = """
subscription ($unit: ID!) { rollupChanged(unit: $unit) {
  asOf total completed inProgress notStarted weightedProgress } }
"""


def _settings(db: TestDatabase, *, anonymous: bool = True) -> Settings:
    """The demo viewer on: the tests look rows up without credentials."""
    return Settings(database_url=db.url, secret=TEST_SECRET, anonymous=anonymous)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.asynccontextmanager
async def serve(app: Starlette) -> AsyncIterator[str]:
    """uvicorn serving `app` (lifespan on) in this event loop; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(WAIT):
            while not server.started:
                assert not task.done(), "the server stopped while starting"
                await asyncio.sleep(0.01)
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
        sock.close()


def broker_of(app: Starlette) -> Broker:
    """The broker the app's lifespan created."""
    for route in app.routes:
        view = getattr(route, "endpoint", None)
        if isinstance(view, GovGraphQL) and view.broker is not None:
            return view.broker
    raise AssertionError("no broker: the lifespan has not run")


async def until(condition: Callable[[], bool]) -> None:
    """Poll until `condition` holds (bounded)."""
    async with asyncio.timeout(WAIT):
        while True:
            if condition():
                return
            await asyncio.sleep(0.01)


async def wait_for_subscribers(broker: Broker, count: int) -> None:
    """Until `count` subscriptions listen (a subscribe message is not acknowledged)."""
    await until(lambda: broker.subscriber_count >= count)


class Subscriptions:
    """A graphql-transport-ws client: connection_init, subscribe, and each operation's events."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.events: dict[str, asyncio.Queue[dict[str, Any]]] = defaultdict(asyncio.Queue)
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for raw in self.ws:
                message = json.loads(raw)
                if message["type"] == "ping":
                    await self.ws.send(json.dumps({"type": "pong"}))
                elif "id" in message:
                    self.events[message["id"]].put_nowait(message)

    async def subscribe(self, op_id: str, query: str, variables: dict[str, Any]) -> None:
        payload = {"query": query, "variables": variables}
        await self.ws.send(json.dumps({"id": op_id, "type": "subscribe", "payload": payload}))

    async def next(self, op_id: str) -> dict[str, Any]:
        """The data of the operation's next event; fails on errors or completion."""
        async with asyncio.timeout(WAIT):
            message = await self.events[op_id].get()
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message["payload"]
        data: dict[str, Any] = message["payload"]["data"]
        return data

    async def message(self, op_id: str) -> dict[str, Any]:
        """The operation's next message, whatever its type."""
        async with asyncio.timeout(WAIT):
            return await self.events[op_id].get()

    async def close(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader


@contextlib.asynccontextmanager
async def subscriptions(host: str, token: str | None = None) -> AsyncIterator[Subscriptions]:
    """An acknowledged graphql-transport-ws connection (token in the connection_init payload)."""
    async with connect(
        f"ws://{host}/graphql", subprotocols=[PROTOCOL], proxy=None, open_timeout=WAIT
    ) as ws:
        assert ws.subprotocol == PROTOCOL
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        async with asyncio.timeout(WAIT):
            ack = json.loads(await ws.recv())
        assert ack["type"] == "connection_ack", ack
        client = Subscriptions(ws)
        try:
            yield client
        finally:
            await client.close()


@contextlib.asynccontextmanager
async def http_client(host: str) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(base_url=f"http://{host}", trust_env=False, timeout=WAIT) as http:
        yield GraphQLClient(http)


async def _unit(client: GraphQLClient, name: str) -> str:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    unit_id: str = data["orgUnit"]["id"]
    return unit_id


async def _assignment(client: GraphQLClient, seq: int, unit: str) -> dict[str, Any]:
    """The LEAD assignment of `unit` on air-plan row `seq` of the 2023 document."""
    data = await client.query(TASK_ASSIGNMENTS, {"doc": "城政办发〔2023〕20号"})
    for edge in data["tasks"]["edges"]:
        task = edge["node"]
        if task["plan"]["field"] == "AIR" and task["seq"] == seq:
            for share in task["assignments"]:
                if share["unit"]["name"] == unit and share["role"] == "LEAD":
                    names = {a["unit"]["name"] for a in task["assignments"]}
                    return {**share, "task_id": task["id"], "units": names}
    raise AssertionError(f"no LEAD assignment of {unit} on air row {seq}")


async def _report(client: GraphQLClient, assignment: str, percent: float) -> dict[str, Any]:
    data = await client.query(REPORT, {"input": {"assignment": assignment, "percent": percent}})
    result: dict[str, Any] = data["reportProgress"]
    return result


async def _rollup(client: GraphQLClient, unit: str) -> dict[str, Any]:
    data = await client.query(ROLLUP, {"unit": unit})
    rollup: dict[str, Any] = data["node"]["taskRollup"]
    return rollup


async def _unit_id(db: TestDatabase, name: str) -> uuid.UUID:
    """A unit's row id, read from the database (for apps without the demo viewer)."""
    async with db.engine.connect() as conn:
        found = await conn.scalar(sa.text("SELECT id FROM org_unit WHERE name = :n"), {"n": name})
    return found if isinstance(found, uuid.UUID) else uuid.UUID(str(found))


def _viewer(client: GraphQLClient, unit: str) -> GraphQLClient:
    return client.as_viewer(decode_global_id(unit, "OrgUnit"), "REPORTER")


@pytest.mark.private_db  # on PostgreSQL the broker LISTENs on a connection of its own
class TestSubscriptionsInProcess:
    async def test_committed_writes_reach_task_and_rollup_subscribers(
        self, seeded_db: TestDatabase
    ) -> None:
        app = create_app(_settings(seeded_db), seeded_db.engine)
        async with serve(app) as host, http_client(host) as client:
            broker = broker_of(app)
            town_id, district_id = await _unit(client, "南村镇"), await _unit(client, "城区")
            town, bureau = (
                _viewer(client, town_id),
                _viewer(client, await _unit(client, "城区生态环境分局")),
            )
            # Air row 3: 南村镇 and 城区生态环境分局 lead together; row 1: the bureau alone.
            share = await _assignment(client, 3, "南村镇")
            other = await _assignment(client, 1, "城区生态环境分局")
            assert "南村镇" not in other["units"]
            before = await _rollup(client, district_id)
            # A district viewer, authenticated by the connection_init payload.
            token = mint_token(
                TEST_SECRET, unit_id=decode_global_id(district_id), role=ViewerRole.VIEWER
            )
            async with subscriptions(host, token) as ws:
                await ws.subscribe("tasks", TASK_CHANGED, {"unit": town_id})
                await ws.subscribe("rollup", ROLLUP_CHANGED, {"unit": district_id})
                await wait_for_subscribers(broker, 2)
                with broker.subscribe() as probe:
                    rejected = await _report(town, share["id"], 101)
                    assert rejected["errors"] == [{"code": "OUT_OF_RANGE", "field": "percent"}]
                    await _report(bureau, other["id"], 30)
                    # The rejected write published nothing: the bureau's task comes first.
                    async with asyncio.timeout(WAIT):
                        assert await probe.get() == ("task", decode_global_id(other["task_id"]))
                    written = await _report(town, share["id"], 40)

                # 1. taskChanged: the bureau's task is on another branch than 南村镇, so
                #    the first event is 南村镇's write, in its committed state.
                event = (await ws.next("tasks"))["taskChanged"]
                assert event["id"] == share["task_id"]
                assert {k: event[k] for k in ("id", "status", "progress", "version")} == (
                    written["task"]
                )
                assert {"progress": 40.0, "unit": {"name": "南村镇"}} in event["assignments"]

                # 2. rollupChanged: both writes are in 城区's subtree; bursts coalesce, and
                #    the last event is the rollup as it stands now.
                after = await _rollup(client, district_id)
                assert after != before
                rollups = [(await ws.next("rollup"))["rollupChanged"]]
                assert rollups[0] != before  # the rejected write fired nothing
                while rollups[-1] != after:
                    rollups.append((await ws.next("rollup"))["rollupChanged"])
                assert len(rollups) <= 2
                assert after["inProgress"] == before["inProgress"] + 2

                # Completing an operation unsubscribes it.
                await ws.ws.send(json.dumps({"id": "tasks", "type": "complete"}))
                await until(lambda: broker.subscriber_count == 1)
            await until(lambda: broker.subscriber_count == 0)  # closing ends the rest

    async def test_an_idempotent_write_publishes_once_after_its_commit(
        self, seeded_db: TestDatabase
    ) -> None:
        app = create_app(_settings(seeded_db), seeded_db.engine)
        async with serve(app) as host, http_client(host) as client:
            broker = broker_of(app)
            share = await _assignment(client, 3, "南村镇")
            town = _viewer(client, await _unit(client, "南村镇"))
            body = {
                "query": REPORT,
                "variables": {"input": {"assignment": share["id"], "percent": 60}},
            }
            headers = {"authorization": f"Bearer {town.token}", "idempotency-key": "sub-1"}
            with broker.subscribe() as probe:
                for _ in range(2):  # the second is a replay: applied and published once
                    response = await client.http.post("/graphql", json=body, headers=headers)
                    assert response.json()["data"]["reportProgress"]["errors"] == []
                # A later write bounds the wait: nothing but these two may be queued.
                await _report(town, share["id"], 61)
                async with asyncio.timeout(WAIT):
                    changes = [await probe.get(), await probe.get()]
                assert changes == [("task", decode_global_id(share["task_id"]))] * 2
                assert probe.drain() == set()

    async def test_a_rollup_subscriber_wakes_only_for_tasks_it_sees(
        self, seeded_db: TestDatabase
    ) -> None:
        """The wake-up check uses the viewer's scope (models/rules/scope.py): a write to a task
        the viewer cannot see sends it nothing, not even an unchanged rollup."""
        app = create_app(_settings(seeded_db), seeded_db.engine)
        async with serve(app) as host, http_client(host) as client:
            broker = broker_of(app)
            town_id, district_id = await _unit(client, "南村镇"), await _unit(client, "城区")
            bureau = _viewer(client, await _unit(client, "城区生态环境分局"))
            town = _viewer(client, town_id)
            share = await _assignment(client, 3, "南村镇")
            hidden = await _assignment(client, 1, "城区生态环境分局")  # not 南村镇's to see
            assert "南村镇" not in hidden["units"]
            token = mint_token(
                TEST_SECRET, unit_id=decode_global_id(town_id), role=ViewerRole.VIEWER
            )
            async with subscriptions(host, token) as ws:
                await ws.subscribe("rollup", ROLLUP_CHANGED, {"unit": district_id})
                await wait_for_subscribers(broker, 1)
                before = await _rollup(town, district_id)
                assert (await _report(bureau, hidden["id"], 30))["errors"] == []
                await asyncio.sleep(0.5)  # past any coalescing window of that write
                assert ws.events["rollup"].qsize() == 0
                assert (await _report(town, share["id"], 40))["errors"] == []
                first = (await ws.next("rollup"))["rollupChanged"]
                assert first != before
                assert first == await _rollup(town, district_id)

    @pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)
    async def test_rollup_bursts_coalesce(self, seeded_db: TestDatabase) -> None:
        app = create_app(_settings(seeded_db), seeded_db.engine)
        async with serve(app) as host, http_client(host) as client:
            broker = broker_of(app)
            district_id = await _unit(client, "城区")
            share = await _assignment(client, 3, "南村镇")
            town = _viewer(client, await _unit(client, "南村镇"))
            task_id = decode_global_id(share["task_id"])
            async with subscriptions(host) as ws:
                await ws.subscribe("rollup", ROLLUP_CHANGED, {"unit": district_id})
                await wait_for_subscribers(broker, 1)
                # A write that changes the rollup, then nine more notices of changes within
                # ~100 ms: far fewer events than changes.
                assert (await _report(town, share["id"], 55))["errors"] == []
                for _ in range(9):
                    await broker.publish({("task", task_id)})
                    await asyncio.sleep(0.01)
                first = await ws.next("rollup")
                await asyncio.sleep(0.6)  # longer than any coalescing window still open
                later = ws.events["rollup"].qsize()
                assert later <= 2, f"{1 + later} events for a burst of 10 changes"
                assert first["rollupChanged"] == await _rollup(client, district_id)

    @pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)
    async def test_connection_rules(self, seeded_db: TestDatabase) -> None:
        app = create_app(_settings(seeded_db), seeded_db.engine)
        async with serve(app) as host, http_client(host) as client:
            town_id = await _unit(client, "南村镇")
            # The legacy graphql-ws protocol is not served.
            async with connect(
                f"ws://{host}/graphql", subprotocols=[Subprotocol("graphql-ws")], proxy=None
            ) as ws:
                with pytest.raises(ConnectionClosed) as closed:
                    async with asyncio.timeout(WAIT):
                        await ws.recv()
                assert closed.value.rcvd is not None
                assert closed.value.rcvd.code == 4406
            # A bad token is refused at connection_init.
            async with connect(f"ws://{host}/graphql", subprotocols=[PROTOCOL], proxy=None) as ws:
                bad = {"Authorization": "Bearer not-a-token"}
                await ws.send(json.dumps({"type": "connection_init", "payload": bad}))
                with pytest.raises(ConnectionClosed) as closed:
                    async with asyncio.timeout(WAIT):
                        await ws.recv()
                assert closed.value.rcvd is not None
                assert closed.value.rcvd.code == 4403
            # Anonymous subscribers may read; an unknown unit is an error message.
            async with subscriptions(host) as ws:
                await ws.subscribe("bad", TASK_CHANGED, {"unit": "T3JnVW5pdDpub3BlCg=="})
                message = await ws.message("bad")
                assert message["type"] == "error"
                assert message["payload"][0]["extensions"]["code"] == "NOT_FOUND"
                await ws.subscribe("ok", TASK_CHANGED, {"unit": town_id})
                await wait_for_subscribers(broker_of(app), 1)
                # Queries run over the socket too (each operation has its own context).
                await ws.subscribe("q", '{ orgUnit(name: "南村镇") { id } }', {})
                assert await ws.next("q") == {"orgUnit": {"id": town_id}}
                assert (await ws.message("q"))["type"] == "complete"

    @pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)
    async def test_credentials_without_the_demo_viewer(self, seeded_db: TestDatabase) -> None:
        app = create_app(_settings(seeded_db, anonymous=False), seeded_db.engine)
        async with serve(app) as host:
            # No credentials: refused, like an anonymous HTTP request.
            async with connect(f"ws://{host}/graphql", subprotocols=[PROTOCOL], proxy=None) as ws:
                await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
                with pytest.raises(ConnectionClosed) as closed:
                    async with asyncio.timeout(WAIT):
                        await ws.recv()
                assert closed.value.rcvd is not None
                assert closed.value.rcvd.code == 4403
            async with http_client(host) as client:
                assert (
                    await client.http.post("/graphql", json={"query": "{ me { role } }"})
                ).status_code == 401
            unit_id = await _unit_id(seeded_db, "南村镇")
            token = mint_token(TEST_SECRET, unit_id=unit_id, role=ViewerRole.VIEWER)
            # The token in the handshake's Authorization header also works.
            async with connect(
                f"ws://{host}/graphql",
                subprotocols=[PROTOCOL],
                proxy=None,
                additional_headers={"Authorization": f"Bearer {token}"},
            ) as ws:
                await ws.send(json.dumps({"type": "connection_init"}))
                async with asyncio.timeout(WAIT):
                    assert json.loads(await ws.recv())["type"] == "connection_ack"
            # And in the connection_init payload.
            async with subscriptions(host, token) as ws:
                await ws.subscribe("q", "{ __typename }", {})
                assert await ws.next("q") == {"__typename": "Query"}


@pytest.mark.postgres
@pytest.mark.private_db
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_an_event_crosses_worker_processes(seeded_db: TestDatabase, tmp_path: Path) -> None:
    """Two uvicorn workers on one PostgreSQL: written on A, delivered to B's subscriber."""
    env = {
        **os.environ,
        "GOVGRAPH_DATABASE_URL": seeded_db.url,
        "GOVGRAPH_SECRET": TEST_SECRET,
        "GOVGRAPH_ANONYMOUS": "demo",
    }
    hosts = [f"127.0.0.1:{_free_port()}" for _ in range(2)]
    logs = [tmp_path / f"worker-{i}.log" for i in range(2)]
    processes: list[asyncio.subprocess.Process] = []
    try:
        for host, log in zip(hosts, logs, strict=True):
            with log.open("wb") as out:
                processes.append(
                    await asyncio.create_subprocess_exec(
                        sys.executable,
                        "-m",
                        "uvicorn",
                        "api.main:app",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        host.rsplit(":", 1)[1],
                        "--log-level",
                        "warning",
                        cwd=ROOT,
                        env=env,
                        stdout=out,
                        stderr=out,
                    )
                )
        await asyncio.gather(
            *(_wait_healthy(host, p) for host, p in zip(hosts, processes, strict=True))
        )
        server_a, server_b = hosts
        async with http_client(server_a) as client:
            town_id = await _unit(client, "南村镇")
            share = await _assignment(client, 3, "南村镇")
            town = _viewer(client, town_id)
            async with subscriptions(server_b) as ws:
                await ws.subscribe("tasks", TASK_CHANGED, {"unit": town_id})
                # B acknowledges no subscription, so a write may precede it: write until one
                # write's own state arrives (each try bounded; the first normally succeeds).
                for percent in (21, 22, 23, 24, 25):
                    written = (await _report(town, share["id"], percent))["task"]
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(2):
                            while True:
                                event = (await ws.next("tasks"))["taskChanged"]
                                if event["version"] == written["version"]:
                                    break
                        break
                else:
                    pytest.fail("no event reached worker B: " + _tail(logs))
                assert {k: event[k] for k in ("id", "status", "progress", "version")} == written
                assert {"progress": float(percent), "unit": {"name": "南村镇"}} in event[
                    "assignments"
                ]
    finally:
        for process in processes:
            if process.returncode is None:
                process.terminate()
        for process in processes:
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()


async def _wait_healthy(host: str, process: asyncio.subprocess.Process) -> None:
    async with httpx.AsyncClient(base_url=f"http://{host}", trust_env=False, timeout=1) as http:
        async with asyncio.timeout(20):
            while True:
                assert process.returncode is None, "the worker exited while starting"
                with contextlib.suppress(httpx.TransportError):
                    if (await http.get("/healthz")).status_code == 200:
                        return
                await asyncio.sleep(0.1)


def _tail(logs: list[Path]) -> str:
    return "\n".join(log.read_text(errors="replace")[-2000:] for log in logs)


@pytest.mark.private_db
class TestBroker:
    def test_payloads_carry_ids_only_under_the_notify_limit(self) -> None:
        changes = {("task", uuid.uuid4()) for _ in range(500)} | {("rectification", uuid.uuid4())}
        payloads = encode(changes)
        assert len(payloads) > 1
        assert all(len(p.encode()) < 8000 for p in payloads)
        assert set().union(*(decode(p) for p in payloads)) == changes
        assert decode("task:nothex rectification:" + uuid.UUID(int=1).hex) == {
            ("rectification", uuid.UUID(int=1))
        }

    async def test_a_slow_subscriber_loses_its_oldest_changes(self) -> None:
        broker = InProcessBroker(queue_size=3)
        ids = [uuid.uuid4() for _ in range(5)]
        with broker.subscribe() as slow:
            for row_id in ids:
                await broker.publish({("task", row_id)})  # never waits
            assert slow.dropped == 2
            assert [await slow.get() for _ in range(3)] == [("task", i) for i in ids[2:]]
        assert broker.subscriber_count == 0

    @pytest.mark.postgres
    @pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
    async def test_the_listener_reconnects_after_its_connection_drops(
        self, seeded_db: TestDatabase
    ) -> None:
        broker = PostgresBroker(seeded_db.engine)
        await broker.start()
        try:
            assert broker.connects == 1
            async with seeded_db.engine.connect() as conn:
                killed = await conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE application_name = :name AND datname = current_database()"
                    ),
                    {"name": LISTENER_NAME},
                )
                assert killed.scalars().all() == [True]
            await until(lambda: broker.connects == 2 and broker.listening.is_set())
            row_id = uuid.uuid4()
            with broker.subscribe() as subscriber:
                await broker.publish({("task", row_id)})
                async with asyncio.timeout(WAIT):
                    assert await subscriber.get() == ("task", row_id)
        finally:
            await broker.close()
