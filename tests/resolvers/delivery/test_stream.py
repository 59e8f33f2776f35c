"""The outbox on NATS JetStream (issue 18, point 4), against the real server on 127.0.0.1:4222
(GOVGRAPH_TEST_NATS_URL): every event once, in outbox order, as a CloudEvent on
`govgraph.<type>.<unit>`, with Nats-Msg-Id = the event id, so a republished event (a worker
killed between publishing and marking) is dropped by the server. Each test makes its own
stream and deletes it. Without GOVGRAPH_NATS_URL the worker publishes nothing."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import nats
import orjson
import pytest
import sqlalchemy as sa
from nats.js import JetStreamContext

import models
from resolvers.delivery.stream import Publisher
from resolvers.delivery.worker import DeliveryConfig, run_once
from tests.conftest import IN_CI, GraphQLClient, TestDatabase
from tests.resolvers.delivery.test_webhooks import CONFIG, _report

pytestmark = pytest.mark.private_db

ROOT = Path(__file__).resolve().parents[3]
NATS_URL = os.environ.get("GOVGRAPH_TEST_NATS_URL", "nats://127.0.0.1:4222")
outbox_t = models.metadata.tables["outbox_event"]


@pytest.fixture
async def stream() -> AsyncIterator[tuple[str, JetStreamContext]]:
    """A uniquely named stream on the real server, deleted after (its subjects have their own
    prefix too: JetStream refuses two streams whose subjects overlap)."""
    try:
        client = await nats.connect(servers=[NATS_URL], connect_timeout=3, max_reconnect_attempts=0)
    except Exception as exc:  # no server: a failure in CI, a skip on a laptop
        if IN_CI:
            pytest.fail(f"NATS is required under CI=true but unreachable: {exc!r}")
        pytest.skip(f"no NATS server at {NATS_URL}")
    js = client.jetstream()
    name = f"GOVGRAPH_TEST_{uuid.uuid4().hex[:12].upper()}"
    try:
        yield name, js
    finally:
        try:
            await js.delete_stream(name)
        finally:
            await client.close()


async def _messages(js: JetStreamContext, name: str) -> list[tuple[str, dict[str, str], bytes]]:
    info = await js.stream_info(name)
    out = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        msg = await js.get_msg(name, seq)
        out.append((msg.subject, dict(msg.headers or {}), msg.data or b""))
    return out


async def _events(db: TestDatabase) -> list[dict[str, object]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(sa.select(outbox_t).order_by(outbox_t.c.seq))
        return [dict(r) for r in rows.mappings()]


async def test_every_event_once_in_order_deduplicated(
    seeded_db: TestDatabase,
    client: GraphQLClient,
    stream: tuple[str, JetStreamContext],
) -> None:
    name, js = stream
    prefix = name.lower()
    await _report(client, "第一次", 30)
    await _report(client, "第二次", 60)
    publisher = Publisher(NATS_URL, name, prefix=prefix)
    try:
        config = replace(CONFIG, nats_url=NATS_URL, nats_stream=name, nats_prefix=prefix)
        done = await run_once(seeded_db.engine, config, channels={}, publisher=publisher)
        events = await _events(seeded_db)
        assert done.streamed == len(events) > 0
        assert all(e["streamed_at"] is not None for e in events)
        got = await _messages(js, name)
        assert [h["Nats-Msg-Id"] for _, h, _ in got] == [str(e["id"]) for e in events]
        for (subject, _, data), event in zip(got, events, strict=True):
            units = list(event["units"] or [])  # type: ignore[call-overload]
            assert subject == f"{prefix}.{event['event_type']}.{units[0] if units else '_'}"
            cloud = orjson.loads(data)
            assert cloud["specversion"] == "1.0"
            assert cloud["id"] == str(event["id"])
            assert cloud["type"] == f"govgraph.{event['event_type']}"
            assert cloud["govgraphseq"] == event["seq"]
        # A worker killed after publishing, before marking: the same events go again, and
        # JetStream drops them by Nats-Msg-Id.
        async with seeded_db.engine.begin() as conn:
            await conn.execute(outbox_t.update().values(streamed_at=None))
        assert await publisher.publish_pending(seeded_db.engine) == len(events)
        assert len(await _messages(js, name)) == len(events)
        # Nothing new: nothing published.
        assert await publisher.publish_pending(seeded_db.engine) == 0
        await _report(client, "第三次", 90)
        assert await publisher.publish_pending(seeded_db.engine) > 0
        assert len(await _messages(js, name)) == len(await _events(seeded_db))
    finally:
        await publisher.close()


async def test_deliver_command_publishes_when_configured(
    seeded_db: TestDatabase,
    client: GraphQLClient,
    stream: tuple[str, JetStreamContext],
) -> None:
    """`govgraph deliver --once` with GOVGRAPH_NATS_URL: the events are on the stream."""
    name, js = stream
    await _report(client, "命令行发布", 40)
    env = {
        **os.environ,
        "GOVGRAPH_NATS_URL": NATS_URL,
        "GOVGRAPH_NATS_STREAM": name,
        "GOVGRAPH_NATS_SUBJECT_PREFIX": name.lower(),
        "GOVGRAPH_DELIVER_DEADLINES_SECONDS": "0",
        "GOVGRAPH_DIGEST_HOUR": "off",
    }
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "api.cli", "deliver", "--once", "--database-url", seeded_db.url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    events = await _events(seeded_db)
    assert f"streamed {len(events)}" in result.stdout
    got = await _messages(js, name)
    assert [h["Nats-Msg-Id"] for _, h, _ in got] == [str(e["id"]) for e in events]


async def test_a_nats_outage_holds_back_only_the_stream(
    seeded_db: TestDatabase, client: GraphQLClient
) -> None:
    """No server where the stream should be: the round still fans out (webhooks, messages);
    nothing is marked streamed, so it is published once the server is back."""
    await _report(client, "无消息服务", 30)
    publisher = Publisher("nats://127.0.0.1:9", "GOVGRAPH_DOWN")  # nothing listens on port 9
    try:
        done = await run_once(seeded_db.engine, CONFIG, channels={}, publisher=publisher)
    finally:
        await publisher.close()
    assert done.fanned_out > 0
    assert done.streamed == 0
    events = await _events(seeded_db)
    assert all(e["delivered_at"] is not None and e["streamed_at"] is None for e in events)


async def test_no_stream_without_configuration(
    seeded_db: TestDatabase, client: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOVGRAPH_NATS_URL", raising=False)
    assert DeliveryConfig.from_env().nats_url is None
    await _report(client, "内置默认", 30)
    await run_once(seeded_db.engine, CONFIG, channels={})
    events = await _events(seeded_db)
    assert events
    assert all(e["streamed_at"] is None for e in events)
    assert all(e["delivered_at"] is not None for e in events)  # delivered all the same


async def test_first_start_bounded_by_the_horizon(
    seeded_db: TestDatabase, client: GraphQLClient, stream: tuple[str, JetStreamContext]
) -> None:
    """Turned on over an old outbox: only the events younger than the horizon are published
    (the older ones are marked and counted); after that, an outage's backlog goes whole."""
    from datetime import UTC, datetime, timedelta

    name, js = stream
    prefix = name.lower()
    old = datetime.now(UTC) - timedelta(days=3)

    def row(created: datetime) -> dict[str, object]:
        return {
            "id": uuid.uuid4(),
            "event_type": "task.changed",
            "object_type": "task",
            "object_id": uuid.uuid4(),
            "units": [],
            "payload": {},
            "actor": "test",
            "created_at": created,
        }

    async with seeded_db.engine.begin() as conn:
        await conn.execute(outbox_t.insert(), [row(old), row(old)])
    await _report(client, "新事件", 30)
    fresh = [e for e in await _events(seeded_db) if e["created_at"] and e["actor"] != "test"]
    publisher = Publisher(NATS_URL, name, prefix=prefix, horizon=timedelta(hours=24))
    try:
        published = await publisher.publish_pending(seeded_db.engine)
        before = [e for e in await _events(seeded_db) if e["actor"] == "test"]
        assert publisher.skipped == len(await _events(seeded_db)) - len(fresh) >= 2
        assert published == len(fresh)
        assert all(e["streamed_at"] is not None for e in await _events(seeded_db))
        ids = [h["Nats-Msg-Id"] for _, h, _ in await _messages(js, name)]
        assert ids == [str(e["id"]) for e in fresh]
        # An outage after the first publication: its backlog, old or not, is published whole.
        async with seeded_db.engine.begin() as conn:
            await conn.execute(
                outbox_t.update().where(outbox_t.c.id == before[0]["id"]).values(streamed_at=None)
            )
        assert await publisher.publish_pending(seeded_db.engine) == 1
        assert publisher.skipped == len(await _events(seeded_db)) - len(fresh)
        ids = [h["Nats-Msg-Id"] for _, h, _ in await _messages(js, name)]
        assert ids[-1] == str(before[0]["id"])
    finally:
        await publisher.close()
