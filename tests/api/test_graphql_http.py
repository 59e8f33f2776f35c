"""GraphQL over HTTP: media types, status codes, GET for queries only, POST content types.

The graphql-http audit (tests/conformance) checks the same against a real server; these pin
the behaviour in fast in-process tests (SQLite only: nothing here depends on the dialect).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from api.app import create_app
from api.graphql_http import GRAPHQL_RESPONSE_JSON, JSON, response_media_type
from api.settings import Settings
from tests.api.test_idempotency import Town, _report, _town_share
from tests.conftest import TEST_SECRET, TestDatabase, graphql_client

SQLITE = pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)

GQL = {"accept": GRAPHQL_RESPONSE_JSON}
PLAIN = {"accept": JSON}


@pytest.fixture
async def http(seeded_db: TestDatabase) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(database_url=seeded_db.url, secret=TEST_SECRET, anonymous=True)
    app = create_app(settings, engine=seeded_db.engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        yield client


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        ("text/html", JSON),  # nothing we serve: the Accept header is disregarded
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8", GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON}, application/json;q=0.9", GRAPHQL_RESPONSE_JSON),
        (f"application/json, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON),
        (f"application/json, {GRAPHQL_RESPONSE_JSON};q=0.5", JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=0, */*", JSON),
        (f"*/*;q=0.8, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON),
    ],
)
def test_accept_negotiation(accept: str | None, expected: str) -> None:
    assert response_media_type(accept) == expected


@SQLITE
class TestStatusCodes:
    async def test_success_in_either_media_type(self, http: httpx.AsyncClient) -> None:
        for headers, media_type in ((GQL, GRAPHQL_RESPONSE_JSON), (PLAIN, JSON), ({}, JSON)):
            response = await http.post(
                "/graphql", json={"query": "{ __typename }"}, headers=headers
            )
            assert response.status_code == 200
            assert response.headers["content-type"] == media_type
            assert response.json() == {"data": {"__typename": "Query"}}

    @pytest.mark.parametrize(
        "query",
        [
            "{",  # does not parse
            "{ noSuchField }",  # does not validate
            "query ($id: ID!) { node(id: $id) { id } }",  # $id is missing: coercion fails
            "{ a: __typename b: __typename c: __typename d: __typename }",  # over max_aliases
        ],
    )
    async def test_request_errors(self, seeded_db: TestDatabase, query: str) -> None:
        settings = Settings(database_url=seeded_db.url, anonymous=True, max_aliases=3)
        app = create_app(settings, engine=seeded_db.engine)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as http:
            strict = await http.post("/graphql", json={"query": query}, headers=GQL)
            legacy = await http.post("/graphql", json={"query": query}, headers=PLAIN)
        # Nothing executed: 400 for graphql-response+json, 200 for application/json; no data.
        assert strict.status_code == 400
        assert strict.headers["content-type"] == GRAPHQL_RESPONSE_JSON
        assert legacy.status_code == 200
        assert legacy.headers["content-type"] == JSON
        for response in (strict, legacy):
            body = response.json()
            assert "data" not in body
            assert body["errors"]

    async def test_field_errors_are_200(self, http: httpx.AsyncClient) -> None:
        response = await http.post(
            "/graphql",
            json={"query": '{ orgUnit(id: "not-an-id") { id } indicators { code } }'},
            headers=GQL,
        )
        body = response.json()
        assert response.status_code == 200, body
        assert body["errors"][0]["path"] == ["orgUnit"]
        assert body["data"]["indicators"]

    async def test_mutation_over_get_is_405(self, http: httpx.AsyncClient) -> None:
        response = await http.get(
            "/graphql",
            params={
                "query": 'mutation { createTask(input: {plan: "x", title: "y"}) { task { id } } }'
            },
            headers=GQL,
        )
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"
        query = await http.get("/graphql", params={"query": "{ __typename }"}, headers=GQL)
        assert query.status_code == 200
        assert query.headers["content-type"] == GRAPHQL_RESPONSE_JSON

    @pytest.mark.parametrize(
        "content_type", [None, "text/plain", "application/x-www-form-urlencoded"]
    )
    async def test_post_needs_json(self, http: httpx.AsyncClient, content_type: str | None) -> None:
        headers = {"content-type": content_type} if content_type else {}
        response = await http.post(
            "/graphql", content=b'{"query": "{ __typename }"}', headers=headers
        )
        assert response.status_code == 415
        charset = await http.post(
            "/graphql",
            content=b'{"query": "{ __typename }"}',
            headers={"content-type": "application/json; charset=utf-8"},
        )
        assert charset.status_code == 200

    async def test_malformed_requests_are_400(self, http: httpx.AsyncClient) -> None:
        for body in (b"{", b'{"query": 1}', b'{"query": "{ __typename }", "variables": []}'):
            response = await http.post(
                "/graphql", content=body, headers={"content-type": "application/json", **GQL}
            )
            assert response.status_code == 400, body

    async def test_401_names_the_scheme(self, http: httpx.AsyncClient) -> None:
        response = await http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"authorization": "Bearer x"}
        )
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.fixture
async def town(seeded_db: TestDatabase) -> AsyncIterator[Town]:
    async with graphql_client(seeded_db) as client:
        unit, assignment = await _town_share(client)
        yield Town(client.as_viewer(unit, "REPORTER"), unit, assignment)


@SQLITE
async def test_idempotent_mutation_in_graphql_response_json(town: Town) -> None:
    # The stored (committed) response is replayed in the media type the replay accepts.
    client = town.client
    headers = {"authorization": f"Bearer {client.token}", "idempotency-key": "k-gql", **GQL}
    first = await client.http.post("/graphql", json=_report(town.assignment), headers=headers)
    assert first.status_code == 200
    assert first.headers["content-type"] == GRAPHQL_RESPONSE_JSON
    assert first.json()["data"]["reportProgress"]["errors"] == []
    replay = await client.http.post(
        "/graphql", json=_report(town.assignment), headers={**headers, **PLAIN}
    )
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.headers["content-type"] == JSON
    assert replay.content == first.content
