"""The hostile-input corpus at the HTTP edge, on SQLite and PostgreSQL.

Bodies that are not one JSON object, bytes that are not UTF-8, variables nested thousands of
levels deep, NUL characters and unpaired surrogates in the query text, the operation name,
variables and string literals: each is a request error (400, `extensions.code`, the request
id, a message naming the problem), never a 500, never stored; and the server answers
normally afterwards. Client errors are logged as one line, without a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest
import sqlalchemy as sa

from api.app import create_app
from api.auth import mint_token
from api.hygiene import MAX_DEPTH
from api.settings import Settings
from models.enums import ViewerRole
from resolvers.common import decode_global_id
from tests.conftest import TEST_SECRET, TestDatabase

GRAPHQL_RESPONSE = "application/graphql-response+json"
TEXT_QUERY = "query($t: String) { tasks(filter: {text: $t}) { totalCount } }"
CREATE = """mutation ($input: CreateDocumentInput!) {
  createDocument(input: $input) { document { id } errors { code } } }"""


@pytest.fixture
async def http(seeded_db: TestDatabase) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(database_url=seeded_db.url, anonymous=True, secret=TEST_SECRET)
    app = create_app(settings, engine=seeded_db.engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        yield client


def _refused(response: httpx.Response, *codes: str) -> dict[str, Any]:
    """A 400 with one coded error carrying the request id, and nothing internal."""
    assert response.status_code == 400, (response.status_code, response.text)
    body: dict[str, Any] = response.json()
    assert "data" not in body, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] in codes, body
    assert error["extensions"]["requestId"], body
    for leak in ("Traceback", "Error:", "SELECT", "sqlalchemy", "asyncpg"):
        assert leak not in response.text, response.text
    return error


async def _healthy(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": "{ indicators { code } }"})
    assert response.status_code == 200
    assert response.json()["data"]["indicators"], response.json()
    assert (await http.get("/healthz")).status_code == 200


def _json(content: bytes) -> dict[str, Any]:
    return {"content": content, "headers": {"content-type": "application/json"}}


@pytest.mark.parametrize(
    "raw", [b'"hello"', b"null", b"42", b"true", b"[]", b'[{"query": "{ indicators { code } }"}]']
)
async def test_a_body_that_is_not_one_object_is_a_bad_request(
    http: httpx.AsyncClient, raw: bytes
) -> None:
    error = _refused(await http.post("/graphql", **_json(raw)), "BAD_REQUEST")
    assert "object" in error["message"]
    await _healthy(http)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"query": "{ indicators { code } }\xff"}',  # not UTF-8
        b'{"query": "{ indicators { code } }\xc3"}',  # a truncated sequence
        b'{"query": "{ indicators { code } }", "variables": {"t": "\\ud800"}}',  # a lone surrogate
        b'{"query": "{ indicators',  # cut off
    ],
)
async def test_bytes_that_are_not_json_text_are_a_bad_request(
    http: httpx.AsyncClient, raw: bytes
) -> None:
    error = _refused(await http.post("/graphql", **_json(raw)), "BAD_REQUEST")
    assert "not valid JSON" in error["message"]
    await _healthy(http)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 5_000])
@pytest.mark.parametrize("entry", ["variables", "extensions"])
async def test_deeply_nested_variables_are_a_bad_request(
    http: httpx.AsyncClient, depth: int, entry: str
) -> None:
    nested = "[" * depth + "]" * depth
    raw = f'{{"query": "{{ indicators {{ code }} }}", "{entry}": {{"v": {nested}}}}}'.encode()
    error = _refused(await http.post("/graphql", **_json(raw)), "BAD_REQUEST")
    assert "nested" in error["message"] or "recursion" in error["message"]
    await _healthy(http)


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"query": "{ indicators { code } }\x00"}, "`query` contains a NUL character"),
        ({"query": "{ indicators { code } }\ud800"}, "`query` contains an unpaired surrogate"),
        (
            {"query": "query Q { indicators { code } }", "operationName": "Q\x00"},
            "`operationName` contains a NUL",
        ),
        ({"query": TEXT_QUERY, "variables": {"t": "a\x00b"}}, "variables.t contains a NUL"),
        ({"query": TEXT_QUERY, "variables": {"t": "a\udfffb"}}, "variables.t contains an unpaired"),
        ({"query": TEXT_QUERY, "variables": {"t\x00": "x"}}, "a key in variables contains a NUL"),
        (
            {"query": TEXT_QUERY, "variables": {"t": None}, "extensions": {"e": ["\x00"]}},
            "extensions.e[0] contains a NUL",
        ),
    ],
)
async def test_nul_and_unpaired_surrogates_anywhere_are_refused(
    http: httpx.AsyncClient, body: dict[str, Any], names: str
) -> None:
    # Python's json writes lone surrogates as \\ud800 escapes (orjson refuses to): the body
    # is what a client with a broken string sends; NUL goes as \\u0000.
    raw = __import__("json").dumps(body).encode()
    error = _refused(await http.post("/graphql", **_json(raw)), "BAD_USER_INPUT", "BAD_REQUEST")
    if "unpaired" in names and "JSON" in error["message"]:
        return  # the JSON decoder refused the escape itself: still a clean 400
    assert names in error["message"], error
    await _healthy(http)


async def test_a_nul_in_a_variable_is_refused_on_the_cached_plan_too(
    http: httpx.AsyncClient,
) -> None:
    """PostgreSQL: the first clean request compiles and caches a plan, so the second goes
    the HTTP fast path; it refuses the same input with the same error."""
    clean = await http.post("/graphql", json={"query": TEXT_QUERY, "variables": {"t": "a"}})
    assert clean.status_code == 200
    assert "errors" not in clean.json(), clean.json()
    for _ in range(2):
        response = await http.post(
            "/graphql", json={"query": TEXT_QUERY, "variables": {"t": "a\x00b"}}
        )
        error = _refused(response, "BAD_USER_INPUT")
        assert "NUL" in error["message"]
    await _healthy(http)


@pytest.mark.parametrize("literal", ['"a\\u0000b"', '"\\u{0}"', '"\\u{00000}x"'])
async def test_a_nul_in_a_string_literal_is_refused(http: httpx.AsyncClient, literal: str) -> None:
    query = f"{{ tasks(filter: {{text: {literal}}}) {{ totalCount }} }}"
    response = await http.post(
        "/graphql", json={"query": query}, headers={"accept": GRAPHQL_RESPONSE}
    )
    _refused(response, "BAD_USER_INPUT", "GRAPHQL_PARSE_FAILED")
    legacy = await http.post("/graphql", json={"query": query})  # application/json: 200
    assert legacy.status_code == 200
    (error,) = legacy.json()["errors"]
    assert error["extensions"]["code"] in {"BAD_USER_INPUT", "GRAPHQL_PARSE_FAILED"}
    await _healthy(http)


async def test_a_nul_in_a_get_parameter_is_refused(http: httpx.AsyncClient) -> None:
    for params in (
        {"query": "{ indicators { code } }\x00"},
        {"query": TEXT_QUERY, "variables": '{"t": "\\u0000"}'},
        {"query": TEXT_QUERY, "variables": '{"t": '},
        {"query": TEXT_QUERY, "variables": '"hello"'},
    ):
        response = await http.get("/graphql", params=params, headers={"accept": "application/json"})
        _refused(response, "BAD_USER_INPUT", "BAD_REQUEST")
    await _healthy(http)


async def test_a_bad_multipart_operations_field_is_refused(
    http: httpx.AsyncClient, seeded_db: TestDatabase
) -> None:
    headers = await _admin(http)
    for operations in (
        '"hello"',
        "[]",
        orjson.dumps({"query": TEXT_QUERY, "variables": {"t": "a\x00"}}).decode(),
        '{"query": "{ indicators',
    ):
        response = await http.post(
            "/graphql",
            data={"operations": operations, "map": "{}"},
            files={"unused": ("x.csv", b"a,b\n")},
            headers=headers,
        )
        _refused(response, "BAD_USER_INPUT", "BAD_REQUEST")
    await _healthy(http)


async def _admin(http: httpx.AsyncClient) -> dict[str, str]:
    """Headers of an ADMIN of 山西省 (writes are refused to the demo viewer)."""
    response = await http.post("/graphql", json={"query": '{ orgUnit(name: "山西省") { id } }'})
    unit = decode_global_id(response.json()["data"]["orgUnit"]["id"])
    return {
        "authorization": f"Bearer {mint_token(TEST_SECRET, unit_id=unit, role=ViewerRole.ADMIN)}"
    }


async def _documents(db: TestDatabase) -> int:
    async with db.engine.connect() as conn:
        return int((await conn.execute(sa.text("SELECT count(*) FROM document"))).scalar_one())


async def test_a_nul_in_a_write_is_refused_and_nothing_is_stored(
    http: httpx.AsyncClient, seeded_db: TestDatabase
) -> None:
    headers = await _admin(http)
    before = await _documents(seeded_db)
    variables = {"input": {"title": "通知\x00", "kind": "NOTICE"}}
    response = await http.post(
        "/graphql", json={"query": CREATE, "variables": variables}, headers=headers
    )
    _refused(response, "BAD_USER_INPUT")
    literal = CREATE.replace("$input", "$unused").replace(
        "input: $unused", 'input: {title: "通知\\u0000", kind: NOTICE}'
    )
    response = await http.post(
        "/graphql",
        json={"query": literal.replace("($unused: CreateDocumentInput!)", "")},
        headers=headers | {"accept": GRAPHQL_RESPONSE},
    )
    _refused(response, "BAD_USER_INPUT")
    assert await _documents(seeded_db) == before
    await _healthy(http)


async def test_variables_of_the_wrong_type_are_bad_user_input_logged_in_one_line(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    query = "query($n: Int, $d: Date) { tasks(first: $n, filter: {dueBefore: $d}) { totalCount } }"
    for variables in ({"n": "x"}, {"n": 1.5}, {"d": "not a date"}, {"n": {"a": 1}}):
        response = await http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"accept": GRAPHQL_RESPONSE},
        )
        error = _refused(response, "BAD_USER_INPUT")
        # graphql-core's own coercion messages stay English; the Date scalar's read zh-CN.
        assert error["message"].startswith(("Variable '$", "变量 '$")), error
    _no_tracebacks(caplog)


async def test_client_errors_are_logged_in_one_line_without_a_traceback(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    for query in (
        '{ orgUnit(name: "城区") { tasks(after: "x") { totalCount } } }',  # a bad cursor
        "{ tasks(first: -1) { totalCount } }",  # out of range
        "{ nope }",  # validation
        "{ indicators { code }",  # syntax
        '{ orgUnit(id: "bm90IGFuIGlk") { name } }',  # a malformed id
        "{ auditEvents { totalCount } }",  # authentication
    ):
        response = await http.post("/graphql", json={"query": query})
        assert response.status_code == 200
        for error in response.json()["errors"]:
            assert error["extensions"]["code"] not in {"INTERNAL_ERROR", None}, error
            assert error["extensions"]["requestId"]
    _no_tracebacks(caplog)
    logged = " ".join(r.getMessage() for r in caplog.records)
    for code in ("GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "UNAUTHENTICATED"):
        assert code in logged


def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    logged = [r for r in caplog.records if r.name in {"govgraph", "strawberry.execution"}]
    assert logged, "client errors are logged"
    for record in logged:
        assert record.exc_info is None, record.getMessage()
        assert record.levelno < logging.ERROR, record.getMessage()
        assert "\n" not in record.getMessage(), record.getMessage()


async def test_http_level_refusals_carry_a_code_and_the_request_id(
    http: httpx.AsyncClient,
) -> None:
    cases = [
        (http.post("/graphql", content=b"{}", headers={"content-type": "text/plain"}), 415),
        (http.get("/graphql", params={"query": "mutation { __typename }"}), 405),
        (http.post("/graphql", json={"variables": {}}), 400),
        (
            http.post(
                "/graphql",
                json={"query": "{ indicators { code } }"},
                headers={"authorization": "Bearer nope"},
            ),
            401,
        ),
        (http.post("/graphql", **_json(b'{"query": "' + b" " * 1_100_000 + b'"}')), 413),
    ]
    for call, status in cases:
        response = await call
        assert response.status_code == status, response.text
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"], error
        assert error["extensions"]["requestId"], error
    rid = await http.post(
        "/graphql",
        content=b"null",
        headers={"content-type": "application/json", "x-request-id": "r-1"},
    )
    assert rid.json()["errors"][0]["extensions"]["requestId"] == "r-1"
