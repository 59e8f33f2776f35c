"""Dead letters and their replay (issue 18, point 1): a receiver on loopback that fails every
attempt leaves the delivery DEAD; replayDelivery / replayDeadLetters (ADMIN or the owning
partner; others refused, nothing written) and `govgraph deliver --replay-subscription` send it
again, and the receiver gets the same event (same webhook-id and CloudEvent id)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import models
from api import api_keys
from resolvers.common import decode_global_id, global_id
from tests.conftest import GraphQLClient, TestDatabase
from tests.resolvers.delivery.receiver import Receiver, running
from tests.resolvers.delivery.test_webhooks import (
    CONFIG,
    _deliveries,
    _report,
    _rounds,
    _subscribe,
    _unit,
)

pytestmark = pytest.mark.private_db

ROOT = Path(__file__).resolve().parents[3]
delivery_t = models.metadata.tables["webhook_delivery"]
audit_t = models.metadata.tables["audit_event"]
sub_t = models.metadata.tables["webhook_subscription"]
DEAD_FAST = replace(CONFIG, max_attempts=2, disable_after_dead=100)

REPLAY = """
mutation ($input: ReplayDeliveryInput!) { replayDelivery(input: $input) {
  deliveries { id eventId status attempts } errors { code field } } }
"""
REPLAY_ALL = """
mutation ($input: ReplayDeadLettersInput!) { replayDeadLetters(input: $input) {
  deliveries { id eventId status } errors { code field } } }
"""


async def _as_key(client: GraphQLClient, key: str, query: str, variables: Any) -> dict[str, Any]:
    response = await client.http.post(
        "/graphql", json={"query": query, "variables": variables}, headers={"x-api-key": key}
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def _statuses(db: TestDatabase) -> list[tuple[str, int]]:
    return [(d["status"], d["attempts"]) for d in await _deliveries(db)]


async def _audits(db: TestDatabase) -> int:
    async with db.engine.connect() as conn:
        return int(await conn.scalar(sa.select(sa.func.count()).select_from(audit_t)) or 0)


async def test_dead_letter_replayed_by_its_partner(
    seeded_db: TestDatabase, client: GraphQLClient
) -> None:
    receiver = Receiver(default=500)
    with running(receiver):
        sub = await _subscribe(seeded_db, client, receiver.url)
        receiver.secrets = [sub["secret"]]
        await _report(client, "死信")
        await _rounds(seeded_db, DEAD_FAST)
        assert await _statuses(seeded_db) == [("DEAD", 2)]
        (dead,) = await _deliveries(seeded_db)
        delivery_id = global_id("WebhookDelivery", dead["id"])
        unit = decode_global_id(await _unit(client, "南村镇"))
        async with seeded_db.engine.begin() as conn:
            # The subscription's partner: a key whose secret this test holds.
            mine = await api_keys.create_key(conn, name="mine", unit_id=unit)
            other = await api_keys.create_key(conn, name="other", unit_id=unit)
            await conn.execute(sub_t.update().values(api_key_id=mine.id))
        before = await _audits(seeded_db)
        # Refused, writing nothing: a coordinator (no key), another partner, a bad id.
        coordinator = client.as_viewer(unit, "COORDINATOR")
        refused = await coordinator.query(REPLAY, {"input": {"delivery": delivery_id}})
        assert refused["replayDelivery"]["errors"][0]["code"] == "FORBIDDEN"
        foreign = await _as_key(client, other.secret, REPLAY, {"input": {"delivery": delivery_id}})
        assert foreign["replayDelivery"]["errors"] == [{"code": "NOT_FOUND", "field": "delivery"}]
        bad = await _as_key(client, mine.secret, REPLAY, {"input": {"delivery": "nope"}})
        assert bad["replayDelivery"]["errors"][0]["code"] == "NOT_FOUND"
        assert await _statuses(seeded_db) == [("DEAD", 2)]
        assert await _audits(seeded_db) == before
        # The partner replays it; a second replay finds it pending.
        done = await _as_key(client, mine.secret, REPLAY, {"input": {"delivery": delivery_id}})
        assert done["replayDelivery"]["errors"] == []
        (requeued,) = done["replayDelivery"]["deliveries"]
        assert (requeued["status"], requeued["attempts"]) == ("PENDING", 0)
        again = await _as_key(client, mine.secret, REPLAY, {"input": {"delivery": delivery_id}})
        assert again["replayDelivery"]["errors"][0]["code"] == "INVALID_TRANSITION"
        assert await _audits(seeded_db) == before + 1
        receiver.default = 200
        await _rounds(seeded_db, DEAD_FAST)
    assert await _statuses(seeded_db) == [("DELIVERED", 1)]
    ids = {r.webhook_id for r in receiver.received}
    assert ids == {str(dead["event_id"])} == {requeued["eventId"]}
    assert {r.body["id"] for r in receiver.received} == ids
    assert [r.answered for r in receiver.received] == [500, 500, 200]
    assert all(r.verified for r in receiver.received)


async def test_replay_dead_letters_since_and_by_admin(
    seeded_db: TestDatabase, client: GraphQLClient
) -> None:
    receiver = Receiver(default=500)
    unit = decode_global_id(await _unit(client, "南村镇"))
    admin = client.as_viewer(unit, "ADMIN")
    with running(receiver):
        sub = await _subscribe(seeded_db, client, receiver.url)
        receiver.secrets = [sub["secret"]]
        await _report(client, "一", 30)
        await _rounds(seeded_db, DEAD_FAST)
        await _report(client, "二", 50)
        await _rounds(seeded_db, DEAD_FAST)
        old, new = await _deliveries(seeded_db)
        assert old["status"] == new["status"] == "DEAD"
        # The older dead letter died "yesterday".
        async with seeded_db.engine.begin() as conn:
            await conn.execute(
                delivery_t.update()
                .where(delivery_t.c.id == old["id"])
                .values(last_attempt_at=datetime.now(UTC) - timedelta(days=1))
            )
        sub_id = global_id("WebhookSubscription", sub["id"])
        since = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
        reporter = client.as_viewer(unit, "REPORTER")
        refused = await reporter.query(REPLAY_ALL, {"input": {"subscription": sub_id}})
        assert refused["replayDeadLetters"]["errors"][0]["code"] == "FORBIDDEN"
        data = await admin.query(REPLAY_ALL, {"input": {"subscription": sub_id, "since": since}})
        assert data["replayDeadLetters"]["errors"] == []
        assert [d["eventId"] for d in data["replayDeadLetters"]["deliveries"]] == [
            str(new["event_id"])
        ]
        receiver.default = 200
        await _rounds(seeded_db, DEAD_FAST)
        assert [d["status"] for d in await _deliveries(seeded_db)] == ["DEAD", "DELIVERED"]
        data = await admin.query(REPLAY_ALL, {"input": {"subscription": sub_id}})
        assert len(data["replayDeadLetters"]["deliveries"]) == 1
        empty = await admin.query(REPLAY_ALL, {"input": {"subscription": sub_id}})
        assert empty["replayDeadLetters"] == {"deliveries": [], "errors": []}
        await _rounds(seeded_db, DEAD_FAST)
    assert [d["status"] for d in await _deliveries(seeded_db)] == ["DELIVERED", "DELIVERED"]
    delivered = [r.webhook_id for r in receiver.delivered()]
    assert sorted(delivered) == sorted(str(d["event_id"]) for d in (old, new))


async def test_cli_replays_a_subscriptions_dead_letters(
    seeded_db: TestDatabase, client: GraphQLClient
) -> None:
    receiver = Receiver(default=500)
    with running(receiver):
        sub = await _subscribe(seeded_db, client, receiver.url)
        receiver.secrets = [sub["secret"]]
        await _report(client, "命令行")
        await _rounds(seeded_db, DEAD_FAST)
        assert await _statuses(seeded_db) == [("DEAD", 2)]
        command = [sys.executable, "-m", "api.cli", "deliver", "--database-url", seeded_db.url]
        replayed = await asyncio.to_thread(
            subprocess.run,
            [*command, "--replay-subscription", str(sub["id"]), "--since", "2000-01-01"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert replayed.returncode == 0, replayed.stderr
        assert "re-queued 1" in replayed.stdout
        receiver.default = 200
        env = {
            **os.environ,
            "GOVGRAPH_WEBHOOK_ALLOW_PRIVATE": "1",
            "GOVGRAPH_DELIVER_DEADLINES_SECONDS": "0",
        }
        once = await asyncio.to_thread(
            subprocess.run,
            [*command, "--once"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert once.returncode == 0, once.stderr
    assert await _statuses(seeded_db) == [("DELIVERED", 1)]
    assert {r.webhook_id for r in receiver.received} == {
        str((await _deliveries(seeded_db))[0]["event_id"])
    }
