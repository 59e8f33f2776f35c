"""Every example of docs/ runs on the seeded database, as a client sends it: none goes stale.

docs/examples/NAME.graphql (+ NAME.json with its variables) starts with comment lines:
`# viewer: anonymous` or `# viewer: UNIT ROLE` (a token minted for that unit and role), and
`# expect: data` (no errors, every payload `errors` empty, every list and count non-empty),
`# expect: payload-errors CODE …` or `# expect: top-level-errors`. Queries and mutations go
over HTTP; subscriptions over graphql-transport-ws to a real server, with a write to trigger
them. Every ```graphql block of docs/*.md must be valid against the schema.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from graphql import OperationType, parse, validate
from graphql.language import OperationDefinitionNode
from starlette.applications import Starlette
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from api.app import create_app
from api.schema import schema
from api.settings import Settings
from resolvers.common import decode_global_id
from tests.conftest import TEST_SECRET, GraphQLClient, TestDatabase

DOCS = Path(__file__).resolve().parents[1] / "docs"
EXAMPLES = sorted((DOCS / "examples").glob("*.graphql"))
WAIT = 5.0  # seconds: the bound of every single wait


@dataclass(frozen=True)
class Example:
    """One example file, its variables and what it is expected to return."""

    path: Path
    text: str
    variables: dict[str, Any]
    viewer: tuple[str, str] | None  # (unit name, role); None: the anonymous demo viewer
    expect: str
    codes: frozenset[str]

    @property
    def definition(self) -> OperationDefinitionNode:
        definition = parse(self.text).definitions[0]
        assert isinstance(definition, OperationDefinitionNode)
        return definition

    @property
    def operation(self) -> OperationType:
        return self.definition.operation


def load(path: Path) -> Example:
    headers = dict(
        re.findall(r"^#\s*(viewer|expect):\s*(.+?)\s*$", path.read_text(encoding="utf-8"), re.M)
    )
    assert {"viewer", "expect"} <= headers.keys(), f"{path.name}: `# viewer:` and `# expect:`"
    variables_file = path.with_suffix(".json")
    variables = (
        json.loads(variables_file.read_text(encoding="utf-8")) if variables_file.exists() else {}
    )
    viewer = None if headers["viewer"] == "anonymous" else tuple(headers["viewer"].split())
    expect, *codes = headers["expect"].split()
    assert expect in {"data", "payload-errors", "top-level-errors"}, f"{path.name}: {expect}"
    assert viewer is None or len(viewer) == 2, f"{path.name}: viewer is `UNIT ROLE`"
    return Example(
        path,
        path.read_text(encoding="utf-8"),
        variables,
        viewer,  # type: ignore[arg-type]
        expect,
        frozenset(codes),
    )


def test_there_are_examples_and_each_has_its_variables() -> None:
    assert len(EXAMPLES) >= 8
    for path in EXAMPLES:
        example = load(path)
        definitions = example.definition.variable_definitions or ()
        names = {v.variable.name.value for v in definitions}
        assert set(example.variables) <= names, f"{path.name}: unknown variables"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_is_valid_against_the_schema(path: Path) -> None:
    errors = validate(schema._schema, parse(path.read_text(encoding="utf-8")))
    # A misspelt field is the point of the top-level error example.
    if load(path).expect == "top-level-errors":
        assert errors
    else:
        assert errors == [], errors


def _graphql_blocks() -> list[tuple[str, str]]:
    blocks = []
    for doc in sorted(DOCS.glob("*.md")):
        for i, block in enumerate(
            re.findall(r"```graphql\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
        ):
            blocks.append((f"{doc.stem}-{i + 1}", block))
    return blocks


@pytest.mark.parametrize(("name", "block"), _graphql_blocks(), ids=lambda v: str(v)[:30])
def test_every_graphql_block_of_the_guides_is_valid(name: str, block: str) -> None:
    errors = validate(schema._schema, parse(block))
    assert errors == [], (name, errors)


async def _viewer_client(client: GraphQLClient, viewer: tuple[str, str] | None) -> GraphQLClient:
    if viewer is None:
        return client
    unit, role = viewer
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": unit})
    return client.as_viewer(decode_global_id(data["orgUnit"]["id"], "OrgUnit"), role)


def _walk(value: Any, key: str) -> list[Any]:
    """Every value stored under `key` anywhere in a JSON tree."""
    found: list[Any] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k == key:
                found.append(v)
            found += _walk(v, key)
    elif isinstance(value, list):
        for item in value:
            found += _walk(item, key)
    return found


def assert_expected(example: Example, body: dict[str, Any]) -> None:
    """The response is what the example's `# expect:` line says."""
    if example.expect == "top-level-errors":
        assert body.get("errors"), body
        assert body.get("data") is None, body
        return
    assert "errors" not in body, body["errors"]
    data = body["data"]
    payload_errors = [error for errors in _walk(data, "errors") for error in errors]
    if example.expect == "payload-errors":
        assert {error["code"] for error in payload_errors} == example.codes, payload_errors
        assert all(error["message"] for error in payload_errors)
        return
    assert payload_errors == [], payload_errors
    # Not stale: the seed data still fills what the example shows.
    assert all(count > 0 for count in _walk(data, "totalCount")), data
    assert all(edges for edges in _walk(data, "edges")), data


QUERIES = [p for p in EXAMPLES if load(p).operation is not OperationType.SUBSCRIPTION]
SUBSCRIPTIONS = [p for p in EXAMPLES if load(p).operation is OperationType.SUBSCRIPTION]


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
async def test_every_query_and_mutation_example_runs_over_http(
    client: GraphQLClient, path: Path
) -> None:
    example = load(path)
    viewer = await _viewer_client(client, example.viewer)
    body = await viewer.execute(example.text, example.variables)
    assert_expected(example, body)


@contextlib.asynccontextmanager
async def serve(app: Starlette) -> AsyncIterator[str]:
    """uvicorn serving `app` (lifespan on) in this event loop on a free loopback port."""
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


TRIGGER = """
query ($unit: ID!) { node(id: $unit) { ... on OrgUnit { tasks(first: 100) { edges { node {
  assignments { id role unit { id } } } } } } } }
"""
REPORT = """
mutation ($input: ReportProgressInput!) { reportProgress(input: $input) { errors { code } } }
"""


@pytest.mark.private_db  # the PostgreSQL broker LISTENs on a connection of its own
@pytest.mark.parametrize("path", SUBSCRIPTIONS, ids=[p.stem for p in SUBSCRIPTIONS])
async def test_every_subscription_example_runs_over_a_websocket(
    seeded_db: TestDatabase, path: Path
) -> None:
    """Subscribe as the example says, then report progress as the unit's REPORTER (retrying
    while the subscription starts: a subscribe message is not acknowledged)."""
    example = load(path)
    assert example.viewer is None, "subscription examples run as the demo viewer"
    unit = example.variables["unit"]
    settings = Settings(database_url=seeded_db.url, secret=TEST_SECRET, anonymous=True)
    app = create_app(settings, engine=seeded_db.engine)
    async with (
        serve(app) as host,
        httpx.AsyncClient(base_url=f"http://{host}", trust_env=False, timeout=WAIT) as http,
        connect(f"ws://{host}/graphql", subprotocols=[Subprotocol("graphql-transport-ws")]) as ws,
    ):
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        async with asyncio.timeout(WAIT):
            ack = await ws.recv()
        # Text frames: browser clients (graphql-ws, Apollo) reject binary ones.
        assert isinstance(ack, str), ack
        assert json.loads(ack)["type"] == "connection_ack"
        payload = {"query": example.text, "variables": example.variables}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        reporter = GraphQLClient(http).as_viewer(decode_global_id(unit, "OrgUnit"), "REPORTER")
        tasks = (await GraphQLClient(http).query(TRIGGER, {"unit": unit}))["node"]["tasks"]
        share = next(
            a["id"]
            for edge in tasks["edges"]
            for a in edge["node"]["assignments"]
            if a["role"] == "LEAD" and a["unit"]["id"] == unit
        )
        message: dict[str, Any] | None = None
        for attempt in range(10):
            result = await reporter.query(
                REPORT, {"input": {"assignment": share, "percent": 10 + attempt}}
            )
            assert result["reportProgress"]["errors"] == []
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.5):
                    message = json.loads(await ws.recv())
                    break
        assert message is not None, "no event within 10 writes"
        assert message["type"] == "next", message
        assert_expected(example, message["payload"])
