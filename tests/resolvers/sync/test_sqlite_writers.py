"""The embedded SQLite default serialises writers: concurrent mutations wait, none fails.

SQLite has one writer at a time. Before, a request whose deferred transaction had read
before writing could not upgrade once another writer had committed, and half of 28 concurrent
mutations failed with "database is locked" (INTERNAL_ERROR).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from api.app import create_app
from api.db import create_engine
from api.settings import Settings
from resolvers.common import decode_global_id
from tests.conftest import TEST_SECRET, GraphQLClient, TestDatabase, graphql_client

pytestmark = pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)

LEADS = """
{ tasks(first: 100) { edges { node { id assignments { id role unit { id } } } } } }
"""
REPORT = """
mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
  assignment { progress } errors { code } } }
"""


async def _shares(client: GraphQLClient, count: int) -> list[dict[str, Any]]:
    data = await client.query(LEADS)
    shares = [
        a
        for edge in data["tasks"]["edges"]
        for a in edge["node"]["assignments"]
        if a["role"] == "LEAD"
    ]
    assert len(shares) >= count
    return shares[:count]


async def _report(client: GraphQLClient, share: dict[str, Any], percent: int) -> dict[str, Any]:
    viewer = client.as_viewer(decode_global_id(share["unit"]["id"]), "REPORTER")
    return await viewer.execute(REPORT, {"input": {"assignment": share["id"], "percent": percent}})


async def test_thirty_concurrent_mutations_all_succeed(seeded_db: TestDatabase) -> None:
    async with graphql_client(seeded_db) as client:
        shares = await _shares(client, 30)
        bodies = await asyncio.gather(*(_report(client, s, 40) for s in shares))
    assert [b.get("errors") for b in bodies] == [None] * 30
    assert all(b["data"]["reportProgress"]["errors"] == [] for b in bodies)
    assert {b["data"]["reportProgress"]["assignment"]["progress"] for b in bodies} == {40.0}


async def test_two_app_instances_on_one_file_take_turns(seeded_db: TestDatabase) -> None:
    """Two engines (as two workers) on one file: the busy timeout and BEGIN IMMEDIATE."""
    second_engine = create_engine(seeded_db.url)
    settings = Settings(database_url=seeded_db.url, secret=TEST_SECRET, anonymous=True)
    import httpx

    try:
        app = create_app(settings, engine=second_engine)
        transport = httpx.ASGITransport(app=app)
        async with (
            graphql_client(seeded_db) as first,
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as http,
        ):
            second = GraphQLClient(http)
            shares = await _shares(first, 28)
            bodies = await asyncio.gather(
                *(_report(first if i % 2 else second, s, 60) for i, s in enumerate(shares))
            )
    finally:
        await second_engine.dispose()
    assert [b.get("errors") for b in bodies] == [None] * 28
    assert all(b["data"]["reportProgress"]["errors"] == [] for b in bodies)
