"""`Idempotency-Key` over HTTP: a mutation is applied once per viewer and key, then replayed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from api import idempotency
from api.cli import main as cli_main
from tests.conftest import GraphQLClient, TestDatabase, graphql_client

REPORT = """
mutation ($input: ReportProgressInput!) {
  reportProgress(input: $input) {
    report { percent status }
    assignment { status progress version }
    errors { code field message }
  }
}
"""

SHARES = """
{ orgUnit(name: "南村镇") { id tasks(first: 5) { edges { node {
  assignments { id unit { name } } } } } } }
"""


async def _town_share(client: GraphQLClient) -> tuple[Any, str]:
    """南村镇's unit (row id) and one of its LEAD assignments (global id)."""
    from resolvers.common import decode_global_id

    data = await client.query(SHARES)
    unit = data["orgUnit"]
    for edge in unit["tasks"]["edges"]:
        for assignment in edge["node"]["assignments"]:
            if assignment["unit"]["name"] == "南村镇":
                return decode_global_id(unit["id"]), assignment["id"]
    raise AssertionError("南村镇 leads no task")


def _report(assignment: str, percent: int = 40) -> dict[str, Any]:
    return {"query": REPORT, "variables": {"input": {"assignment": assignment, "percent": percent}}}


async def _post(
    client: GraphQLClient, body: dict[str, Any], key: str | bytes | None
) -> httpx.Response:
    headers: dict[str, str | bytes] = {"authorization": f"Bearer {client.token}"}
    if key is not None:
        headers["idempotency-key"] = key
    return await client.http.post("/graphql", json=body, headers=headers)


async def _counts(db: TestDatabase) -> dict[str, int]:
    async with db.engine.connect() as conn:
        return {
            name: int((await conn.execute(sa.text(f"SELECT count(*) FROM {name}"))).scalar_one())
            for name in ("progress_report", "audit_event", "idempotency_key")
        }


def _code(response: httpx.Response) -> str:
    """The refusal's code; like every refusal it carries the request id too."""
    extensions = response.json()["errors"][0]["extensions"]
    assert extensions["requestId"], extensions
    code: str = extensions["code"]
    return code


@dataclass
class Town:
    """南村镇's REPORTER: its client, unit (row id) and one of its assignments (global id)."""

    client: GraphQLClient
    unit: Any
    assignment: str


@pytest.fixture
async def town(seeded_db: TestDatabase) -> AsyncIterator[Town]:
    async with graphql_client(seeded_db) as client:
        unit, assignment = await _town_share(client)
        yield Town(client.as_viewer(unit, "REPORTER"), unit, assignment)


class TestIdempotencyKey:
    async def test_replay_returns_the_stored_response_and_writes_nothing(
        self, town: Town, seeded_db: TestDatabase
    ) -> None:
        client, assignment = town.client, town.assignment
        before = await _counts(seeded_db)
        first = await _post(client, _report(assignment), "report-2023-04")
        assert first.status_code == 200
        assert "idempotent-replayed" not in first.headers
        assert first.json()["data"]["reportProgress"]["errors"] == []
        after_first = await _counts(seeded_db)
        assert after_first["progress_report"] == before["progress_report"] + 1
        assert after_first["idempotency_key"] == before["idempotency_key"] + 1

        replay = await _post(client, _report(assignment), "report-2023-04")
        assert replay.status_code == first.status_code
        assert replay.content == first.content
        assert replay.headers["idempotent-replayed"] == "true"
        assert await _counts(seeded_db) == after_first

    async def test_same_key_with_another_body_is_rejected(
        self, town: Town, seeded_db: TestDatabase
    ) -> None:
        client, assignment = town.client, town.assignment
        await _post(client, _report(assignment, 40), "k1")
        after_first = await _counts(seeded_db)
        other = await _post(client, _report(assignment, 50), "k1")
        assert other.status_code == 422
        assert _code(other) == "IDEMPOTENCY_KEY_REUSED"
        assert await _counts(seeded_db) == after_first

    async def test_keys_are_per_viewer(self, town: Town, seeded_db: TestDatabase) -> None:
        client, unit, assignment = town.client, town.unit, town.assignment
        before = await _counts(seeded_db)
        coordinator = client.as_viewer(unit, "COORDINATOR")
        first = await _post(client, _report(assignment), "shared-key")
        second = await _post(coordinator, _report(assignment), "shared-key")
        assert "idempotent-replayed" not in first.headers
        assert "idempotent-replayed" not in second.headers
        assert second.json()["data"]["reportProgress"]["errors"] == []
        assert (await _counts(seeded_db))["progress_report"] == before["progress_report"] + 2

    async def test_queries_and_anonymous_requests_ignore_the_header(
        self, town: Town, seeded_db: TestDatabase
    ) -> None:
        client, assignment = town.client, town.assignment
        query = {"query": '{ orgUnit(name: "南村镇") { name } }'}
        for _ in range(2):
            response = await _post(client, query, "q")
            assert response.json()["data"] == {"orgUnit": {"name": "南村镇"}}
            assert "idempotent-replayed" not in response.headers
        anonymous = await client.http.post(
            "/graphql", json=_report(assignment), headers={"idempotency-key": "a"}
        )
        assert anonymous.json()["errors"]
        assert (await _counts(seeded_db))["idempotency_key"] == 0

    @pytest.mark.parametrize(
        "key", ["x" * 201, "", b"caf\xc3\xa9", "tab\tkey"], ids=["long", "empty", "utf8", "tab"]
    )
    async def test_a_malformed_key_is_400(
        self, town: Town, seeded_db: TestDatabase, key: str | bytes
    ) -> None:
        client, assignment = town.client, town.assignment
        before = await _counts(seeded_db)
        response = await _post(client, _report(assignment), key)
        assert response.status_code == 400
        assert _code(response) == "IDEMPOTENCY_KEY_INVALID"
        assert await _counts(seeded_db) == before

    async def test_a_200_character_key_is_accepted(self, town: Town) -> None:
        client, assignment = town.client, town.assignment
        key = "".join(chr(32 + i % 95) for i in range(200))
        await _post(client, _report(assignment), key)
        replay = await _post(client, _report(assignment), key)
        assert replay.headers["idempotent-replayed"] == "true"

    async def test_a_top_level_error_is_stored_too(self, town: Town) -> None:
        client = town.client
        body = {"query": "mutation { reportProgress(input: {percent: 1}) { errors { code } } }"}
        first = await _post(client, body, "bad")
        assert first.json()["errors"]
        replay = await _post(client, body, "bad")
        assert replay.headers["idempotent-replayed"] == "true"
        assert replay.content == first.content

    @pytest.mark.private_db
    async def test_concurrent_duplicates_are_applied_once(
        self, town: Town, seeded_db: TestDatabase
    ) -> None:
        client, assignment = town.client, town.assignment
        before = await _counts(seeded_db)
        responses = await asyncio.gather(
            *(_post(client, _report(assignment), "burst") for _ in range(20))
        )
        assert {r.status_code for r in responses} <= {200, 409}
        done = [r for r in responses if r.status_code == 200]
        assert [r.headers.get("idempotent-replayed") for r in done].count(None) == 1
        assert len({r.content for r in done}) == 1
        assert all(
            _code(r) == "IDEMPOTENCY_KEY_IN_PROGRESS" for r in responses if r.status_code == 409
        )
        after = await _counts(seeded_db)
        assert after["progress_report"] == before["progress_report"] + 1
        assert after["idempotency_key"] == before["idempotency_key"] + 1

    @pytest.mark.private_db
    async def test_a_duplicate_waiting_past_the_bound_gets_409(
        self, town: Town, seeded_db: TestDatabase, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        client, unit, assignment = town.client, town.unit, town.assignment
        monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.2)
        before = await _counts(seeded_db)
        now = datetime.now(UTC)
        async with seeded_db.engine.connect() as holder:
            # Another request holds the key in its (uncommitted) transaction.
            await holder.execute(
                idempotency.key_t.insert().values(
                    key=idempotency.storage_key(f"reporter@{unit}", "held"),
                    request_hash="0" * 64,
                    created_at=now,
                    expires_at=now + idempotency.TTL,
                )
            )
            response = await _post(client, _report(assignment), "held")
            assert response.status_code == 409
            assert _code(response) == "IDEMPOTENCY_KEY_IN_PROGRESS"
            await holder.rollback()
        assert await _counts(seeded_db) == before
        # The holder gave up: the key is free and the request now runs.
        retry = await _post(client, _report(assignment), "held")
        assert retry.json()["data"]["reportProgress"]["errors"] == []
        assert (await _counts(seeded_db))["progress_report"] == before["progress_report"] + 1

    async def test_an_expired_key_is_new(self, town: Town, seeded_db: TestDatabase) -> None:
        client, assignment = town.client, town.assignment
        before = await _counts(seeded_db)
        await _post(client, _report(assignment), "old")
        await _expire_all(seeded_db)
        again = await _post(client, _report(assignment), "old")
        assert "idempotent-replayed" not in again.headers
        after = await _counts(seeded_db)
        assert after["progress_report"] == before["progress_report"] + 2
        assert after["idempotency_key"] == before["idempotency_key"] + 1
        replay = await _post(client, _report(assignment), "old")
        assert replay.content == again.content

    @pytest.mark.private_db  # the command line opens its own engine
    async def test_purge_deletes_expired_keys(
        self, town: Town, seeded_db: TestDatabase, capsys: pytest.CaptureFixture[str]
    ) -> None:
        client, assignment = town.client, town.assignment
        await _post(client, _report(assignment, 10), "expired")
        await _expire_all(seeded_db)
        await _post(client, _report(assignment, 20), "live")
        code = await asyncio.to_thread(
            cli_main, ["idempotency", "purge", "--database-url", seeded_db.url]
        )
        assert code == 0
        assert "deleted 1 expired" in capsys.readouterr().out
        async with seeded_db.engine.connect() as conn:
            keys = (await conn.execute(sa.select(idempotency.key_t.c.key))).scalars().all()
        assert [key.rsplit("\n", 1)[1] for key in keys] == ["live"]


async def _expire_all(db: TestDatabase) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(
            idempotency.key_t.update().values(expires_at=datetime.now(UTC) - timedelta(hours=1))
        )
