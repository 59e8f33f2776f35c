"""The delivery worker killed mid-batch (a real `govgraph deliver` process, SIGKILL): nothing is
lost, and a duplicate only ever repeats an event with its own webhook-id and body. Two
workers then finish the work side by side without sending a claimed delivery twice."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

import models
from api import api_keys
from resolvers.delivery import subscriptions
from tests.conftest import TestDatabase
from tests.resolvers.delivery.receiver import Receiver, running

ROOT = Path(__file__).resolve().parents[3]
delivery_t = models.metadata.tables["webhook_delivery"]
outbox_t = models.metadata.tables["outbox_event"]
task_t = models.metadata.tables["task"]
unit_t = models.metadata.tables["org_unit"]
EVENTS = 30
BATCH = 10


def _worker(url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "GOVGRAPH_WEBHOOK_ALLOW_PRIVATE": "1",
        # A lease longer than a send can take (the timeout), so only the kill repeats sends:
        # a shorter one lets a loaded machine's slow send be re-claimed (also at-least-once,
        # but not what this test bounds).
        "GOVGRAPH_DELIVER_LEASE_SECONDS": "12",
        "GOVGRAPH_DELIVER_BATCH": str(BATCH),
        "GOVGRAPH_DELIVER_BACKOFF_SECONDS": "0",
        "GOVGRAPH_WEBHOOK_TIMEOUT_SECONDS": "10",
        "GOVGRAPH_DELIVER_DEADLINES_SECONDS": "0",  # only the events made here
    }
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "deliver", "--interval", "0.1", "--database-url", url],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _wait(condition: object, what: str, rounds: int = 1200) -> None:
    """Poll (every 50 ms, bounded) until `condition()` holds."""
    for _ in range(rounds):
        if await condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.05)
    pytest.fail(f"never: {what}")


@pytest.mark.private_db
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_killed_worker_loses_nothing(seeded_db: TestDatabase) -> None:
    db = seeded_db
    async with db.engine.begin() as conn:
        root = await conn.scalar(
            sa.select(unit_t.c.id).where(unit_t.c.parent_id.is_(None)).limit(1)
        )
        key = await api_keys.create_key(conn, name="crash", unit_id=root, disclosure="SHARED")
        tasks = list(
            (
                await conn.execute(sa.select(task_t.c.id).order_by(task_t.c.id).limit(EVENTS))
            ).scalars()
        )
        now = datetime.now(UTC)
        events = [
            {
                "id": uuid.uuid4(),
                "event_type": "task.changed",
                "object_type": "task",
                "object_id": task,
                "units": [],
                "payload": {},
                "actor": "test",
                "created_at": now,
            }
            for task in tasks
        ]
    receiver = Receiver(delay=1.0)
    with running(receiver):
        async with db.engine.begin() as conn:
            sub = await subscriptions.create_subscription(
                conn, key_prefix=key.prefix, url=receiver.url, event_types=[]
            )
            receiver.secrets = [sub["secret"]]
            await conn.execute(outbox_t.insert(), events)
        first = _worker(db.url)
        try:
            # Past the first batch, into the second: requests are in flight, unanswered.
            # Counted on arrival: each is answered `delay` (1 s) later, so the kill lands
            # before any of them is (counted once answered, the kill could come after the
            # worker had recorded the whole batch, leaving nothing to send again).
            async def in_second_batch() -> bool:
                return receiver.arrived > BATCH + 2

            await _wait(in_second_batch, "the worker reached its second batch")
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        # The receiver records a request after its `delay`: let the ones the killed worker
        # had already sent land before counting (the restarted workers wait for the lease).
        await asyncio.sleep(receiver.delay + 2.0)
        killed_at = len(receiver.received)
        workers = [_worker(db.url), _worker(db.url)]
        try:

            async def all_delivered() -> bool:
                async with db.engine.connect() as conn:
                    statuses = (
                        await conn.execute(
                            sa.select(delivery_t.c.status, sa.func.count()).group_by(
                                delivery_t.c.status
                            )
                        )
                    ).all()
                return dict(statuses) == {"DELIVERED": EVENTS}  # type: ignore[arg-type]

            await _wait(all_delivered, "every event delivered", rounds=2400)
        finally:
            for worker in workers:
                worker.terminate()
                worker.wait()
    received = receiver.received
    ids = {str(e["id"]) for e in events}
    assert {r.webhook_id for r in received} == ids  # nothing lost, nothing else
    bodies: dict[str, set[bytes]] = defaultdict(set)
    for r in received:
        assert r.verified
        bodies[r.webhook_id].add(r.raw)
    assert all(len(b) == 1 for b in bodies.values())  # a duplicate is the same event, byte for byte
    duplicates = len(received) - len(ids)
    assert duplicates > 0  # the kill really was mid-batch: its in-flight requests came again
    assert duplicates <= killed_at - BATCH  # only the killed batch's sends repeat
