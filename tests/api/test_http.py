"""The HTTP surface: /healthz, GraphiQL on browser GET, GraphQL over GET and POST."""

from __future__ import annotations

import httpx

from api.app import create_app
from api.settings import Settings
from tests.conftest import GraphQLClient, TestDatabase


def _client(db: TestDatabase) -> httpx.AsyncClient:
    app = create_app(Settings(database_url=db.url, anonymous=True), engine=db.engine)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_healthz_reports_the_database(seeded_db: TestDatabase) -> None:
    async with _client(seeded_db) as http:
        response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": seeded_db.dialect}


async def test_browser_get_serves_graphiql(seeded_db: TestDatabase) -> None:
    async with _client(seeded_db) as http:
        response = await http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_query_over_get(seeded_db: TestDatabase) -> None:
    async with _client(seeded_db) as http:
        response = await http.get(
            "/graphql",
            params={"query": '{ orgUnit(name: "城区") { name kind } }'},
            headers={"accept": "application/json"},
        )
    assert response.status_code == 200
    assert response.json()["data"]["orgUnit"] == {"name": "城区", "kind": "DISTRICT"}


async def test_debug_off_hides_sql_statistics(seeded_db: TestDatabase) -> None:
    async with _client(seeded_db) as http:
        response = await http.post("/graphql", json={"query": "{ indicators { code } }"})
    assert "sql" not in (response.json().get("extensions") or {})


async def test_metrics_count_requests(seeded_db: TestDatabase) -> None:
    async with _client(seeded_db) as http:
        await http.post("/graphql", json={"query": "{ indicators { code } }"})
        response = await http.get("/metrics")
    assert response.status_code == 200
    text = response.text
    assert 'govgraph_http_requests_total{method="POST",path="/graphql",status="200"}' in text
    assert "govgraph_sql_statements_per_operation_count" in text


async def test_me_describes_the_viewer(client: GraphQLClient, seeded_db: TestDatabase) -> None:
    anonymous = await client.query("{ me { subject role partner unrestricted unit { name } } }")
    assert anonymous["me"] == {
        "subject": "anonymous",
        "role": None,
        "partner": False,
        "unrestricted": True,
        "unit": None,
    }
    data = await client.query('{ orgUnit(name: "南村镇") { id } }')
    from resolvers.common import decode_global_id

    town = client.as_viewer(decode_global_id(data["orgUnit"]["id"]), "REPORTER")
    me = await town.query("{ me { role unrestricted unit { name } } }")
    assert me["me"] == {"role": "REPORTER", "unrestricted": False, "unit": {"name": "南村镇"}}


def test_token_lifetimes_parse() -> None:
    import argparse
    from datetime import timedelta

    import pytest

    from api.cli_ops import parse_ttl

    assert parse_ttl("30m") == timedelta(minutes=30)
    assert parse_ttl("7d") == timedelta(days=7)
    assert parse_ttl("2") == timedelta(hours=2)
    with pytest.raises(argparse.ArgumentTypeError):
        parse_ttl("soon")
    with pytest.raises(argparse.ArgumentTypeError):
        parse_ttl("-1h")


def test_a_remembered_token_still_expires() -> None:
    """verify_token remembers verified tokens, but never past their expiry."""
    import time
    import uuid
    from datetime import UTC, datetime, timedelta

    import pytest

    from api import auth
    from models.enums import ViewerRole

    secret = "s" * 32
    token = auth.mint_token(
        secret,
        unit_id=uuid.uuid4(),
        role=ViewerRole.VIEWER,
        ttl=timedelta(seconds=60),
        now=datetime.now(UTC) - timedelta(seconds=59),  # one second left
    )
    assert auth.verify_token(secret, token).role is ViewerRole.VIEWER
    assert (secret, token) in auth._VERIFIED
    with pytest.raises(auth.AuthenticationError):
        auth.verify_token("t" * 32, token)  # another secret never reuses the memory
    time.sleep(2)
    with pytest.raises(auth.AuthenticationError):
        auth.verify_token(secret, token)  # remembered, expired: checked in full, refused


def test_served_connections_get_tcp_nodelay() -> None:
    """`govgraph serve --workers N` binds like this socket (protocol 0), whose accepted
    connections asyncio leaves with Nagle on; api/server.py turns it off on each."""
    import socket

    from api.server import set_nodelay

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # as uvicorn binds it
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()

    class Transport:
        def get_extra_info(self, name: str) -> object:
            return accepted if name == "socket" else None

    try:
        assert accepted.proto == 0  # why asyncio's own TCP_NODELAY skips it
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        set_nodelay(Transport())
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        for s in (client, accepted, listener):
            s.close()
