"""Messages in Chinese (issue 19): the catalogue is complete in both languages, and real
requests read zh-CN by default and English with `Accept-Language: en`, codes unchanged, on
both dialects: a payload (mutation) error, a top-level error, an authentication refusal, an
HTTP refusal (body limit) and the query limits. Import problems: tests/resolvers/ledger/
test_import_messages.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from models.messages import CATALOGUE, EN, ZH, message, negotiate, parameters
from tests.conftest import TEST_SECRET, GraphQLClient, TestDatabase

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")

REPORT = """
mutation ($input: ReportProgressInput!) {
  reportProgress(input: $input) { errors { code field message } }
}
"""
NOT_AN_ID = "Assignment:nope"  # a well-formed id of no row


class TestCatalogue:
    def test_every_message_has_both_languages_with_the_same_parameters(self) -> None:
        for key, (zh, en) in CATALOGUE.items():
            assert zh.strip(), key
            assert en.strip(), key
            assert parameters(zh) == parameters(en), key
            # Render both with every parameter: no stray braces, no missing name.
            values = {name: f"<{name}>" for name in parameters(zh)}
            assert message(key, **values).render(ZH)
            assert message(key, **values).render(EN)

    def test_chinese_is_chinese(self) -> None:
        """Every zh template holds Chinese text, but those that only join their parameters."""
        joins = {"COUNT_EXACT", "SCALAR_INVALID", "EXPORT_AS_OF"}
        for key, (zh, _en) in CATALOGUE.items():
            assert bool(CJK.search(zh)) is (key not in joins), key

    def test_every_message_is_used(self) -> None:
        source = "\n".join(
            path.read_text(encoding="utf-8")
            for package in ("api", "models", "resolvers", "seeds")
            for path in (ROOT / package).rglob("*.py")
            if path.name not in ("messages.py", "catalogue.py")
        )
        noun_keys = {key for key in CATALOGUE if key.startswith("NOUN_")}
        catalogue_text = (ROOT / "models" / "catalogue.py").read_text(encoding="utf-8")
        unused = [
            key
            for key in CATALOGUE
            if f'"{key}"' not in source
            and not (key in noun_keys and catalogue_text.count(f'"{key}"') > 1)
        ]
        assert unused == []

    def test_unknown_keys_and_parameters_fail_loudly(self) -> None:
        with pytest.raises(KeyError):
            message("NO_SUCH_MESSAGE")
        with pytest.raises(KeyError):
            message("TEXT_TOO_LONG", field="title")  # limit missing
        assert str(message("TEXT_TOO_LONG", field="title", limit=3)) == "title超过 3 个字符"


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, ZH),
        ("", ZH),
        ("en", EN),
        ("EN-gb", EN),
        ("en-US,en;q=0.9", EN),
        ("zh-CN,zh;q=0.9,en;q=0.8", ZH),
        ("en;q=0.5, zh;q=0.6", ZH),
        ("zh;q=0.5, en;q=0.8", EN),
        ("fr, en;q=0.1", EN),
        ("fr, de", ZH),
        ("*", ZH),
        ("en;q=0, *", ZH),
        ("zh;q=0, *;q=0.5", EN),
        ("zh;q=0.5, en;q=0.5", ZH),
        ("en;q=abc", ZH),
        ("en;q=2", ZH),
        (";;,garbage", ZH),
    ],
)
def test_accept_language_is_negotiated_by_q_values(header: str | None, language: str) -> None:
    assert negotiate(header) == language


async def _admin(client: GraphQLClient) -> GraphQLClient:
    data = await client.query("{ orgUnits(first: 1) { edges { node { id } } } }")
    from resolvers.common import decode_global_id

    unit = decode_global_id(data["orgUnits"]["edges"][0]["node"]["id"], "OrgUnit")
    return client.as_viewer(unit, "ADMIN")


async def _post(
    client: GraphQLClient,
    query: str,
    variables: dict[str, Any] | None = None,
    language: str | None = None,
    **headers: str,
) -> httpx.Response:
    sent = {"authorization": f"Bearer {client.token}"} if client.token else {}
    if language is not None:
        sent["accept-language"] = language
    return await client.http.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=sent | headers
    )


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


class TestRequests:
    async def test_a_payload_error_is_chinese_unless_english_is_asked(
        self, client: GraphQLClient
    ) -> None:
        admin = await _admin(client)
        variables = {"input": {"assignment": _b64(NOT_AN_ID), "percent": 5}}
        zh = (await _post(admin, REPORT, variables)).json()
        en = (await _post(admin, REPORT, variables, "en-US,en;q=0.9")).json()
        (zh_error,) = zh["data"]["reportProgress"]["errors"]
        (en_error,) = en["data"]["reportProgress"]["errors"]
        assert zh_error["code"] == en_error["code"] == "NOT_FOUND"
        assert zh_error["field"] == en_error["field"]
        assert zh_error["message"] == "找不到该责任分工"
        assert en_error["message"] == "no such assignment"

    async def test_a_top_level_error_is_chinese_unless_english_is_asked(
        self, client: GraphQLClient
    ) -> None:
        query = "query ($id: ID!) { orgUnit(id: $id) { name } }"
        zh = (await _post(client, query, {"id": "!!!"})).json()["errors"][0]
        en = (await _post(client, query, {"id": "!!!"}, "en")).json()["errors"][0]
        assert zh["extensions"]["code"] == en["extensions"]["code"] == "BAD_USER_INPUT"
        assert zh["message"] == "不是有效的 OrgUnit 编号"
        assert en["message"] == "not a valid OrgUnit id"

    async def test_a_scalar_refusal_is_chinese_unless_english_is_asked(
        self, client: GraphQLClient
    ) -> None:
        query = "query ($d: Date!) { tasks(filter: {dueSoonAsOf: $d}) { totalCount } }"
        zh = (await _post(client, query, {"d": "0001-01-01"})).json()["errors"][0]
        en = (await _post(client, query, {"d": "0001-01-01"}, "en")).json()["errors"][0]
        assert zh["extensions"]["code"] == en["extensions"]["code"] == "BAD_USER_INPUT"
        assert zh["message"] == (
            "变量 '$d' 的值无效：Date：0001-01-01 不在可接受的日期范围 1900-01-01..2199-12-31 内"
        )
        assert en["message"] == (
            "Variable '$d' has invalid value: Date: 0001-01-01 is outside the accepted dates"
            " 1900-01-01..2199-12-31"
        )

    async def test_an_authentication_refusal_is_chinese_unless_english_is_asked(
        self, client: GraphQLClient
    ) -> None:
        query = "{ me { role } }"
        bad = {"authorization": "Bearer not-a-token"}
        zh = await client.http.post("/graphql", json={"query": query}, headers=bad)
        en = await client.http.post(
            "/graphql", json={"query": query}, headers=bad | {"accept-language": "en"}
        )
        assert zh.status_code == en.status_code == 401
        zh_error, en_error = zh.json()["errors"][0], en.json()["errors"][0]
        assert zh_error["extensions"]["code"] == en_error["extensions"]["code"] == "UNAUTHENTICATED"
        assert zh_error["message"].startswith("令牌无效")
        assert en_error["message"].startswith("invalid token")

    async def test_an_anonymous_write_is_chinese_unless_english_is_asked(
        self, client: GraphQLClient
    ) -> None:
        tasks = await client.query("{ tasks(first: 1) { edges { node { assignments { id } } } } }")
        share = tasks["tasks"]["edges"][0]["node"]["assignments"][0]["id"]
        variables = {"input": {"assignment": share, "percent": 5}}
        zh = (await _post(client, REPORT, variables)).json()["errors"][0]
        en = (await _post(client, REPORT, variables, "en")).json()["errors"][0]
        assert zh["extensions"]["code"] == en["extensions"]["code"] == "UNAUTHENTICATED"
        assert zh["message"] == "写操作需要登录：请发送 Bearer 令牌或 API 密钥"
        assert en["message"] == "writes need authentication: send a bearer token or an API key"

    async def test_a_query_limit_is_chinese_unless_english_is_asked(
        self, client: GraphQLClient
    ) -> None:
        aliases = " ".join(f"a{i}: __typename" for i in range(300))
        zh = (await _post(client, f"{{ {aliases} }}")).json()["errors"][0]
        en = (await _post(client, f"{{ {aliases} }}", language="en")).json()["errors"][0]
        assert zh["extensions"]["code"] == en["extensions"]["code"] == "QUERY_LIMIT"
        assert zh["message"].startswith("查询超出限制")
        assert en["message"].startswith("query limit")


async def test_an_http_refusal_is_chinese_unless_english_is_asked(
    seeded_db: TestDatabase,
) -> None:
    settings = Settings(
        database_url=seeded_db.url, secret=TEST_SECRET, anonymous=True, max_body_bytes=1000
    )
    app = create_app(settings, engine=seeded_db.engine)
    body = {"query": "{ __typename }", "padding": "x" * 5000}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        zh = await http.post("/graphql", json=body)
        en = await http.post("/graphql", json=body, headers={"accept-language": "en"})
    assert zh.status_code == en.status_code == 413
    zh_error, en_error = zh.json()["errors"][0], en.json()["errors"][0]
    assert zh_error["extensions"]["code"] == en_error["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert zh_error["message"] == "请求体超过 1000 字节的上限"
    assert en_error["message"] == "the request body is over the 1000-byte limit"
