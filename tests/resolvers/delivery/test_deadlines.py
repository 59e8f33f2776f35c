"""Due-soon and overdue events (issue 18, point 5): once per task, threshold and deadline end,
across repeated passes and concurrent workers; they agree with the one rule set's lists."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

import models
from resolvers.common import decode_global_id
from resolvers.delivery.deadlines import emit_deadline_events
from tests.conftest import GraphQLClient, TestDatabase

pytestmark = pytest.mark.private_db

outbox_t = models.metadata.tables["outbox_event"]
AS_OF = date(2023, 7, 15)


async def _events(db: TestDatabase) -> list[tuple[str, str]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(outbox_t.c.event_type, outbox_t.c.object_id).where(
                outbox_t.c.event_type.in_(["task.due_soon", "task.overdue"])
            )
        )
        return sorted((r.event_type, str(r.object_id)) for r in rows)


async def test_once_per_task_and_threshold(seeded_db: TestDatabase, client: GraphQLClient) -> None:
    now = datetime.now(UTC)
    # Two workers at once, then a restart: the notices' unique key lets one emit each.
    counts = await asyncio.gather(
        emit_deadline_events(seeded_db.engine, now, as_of=AS_OF),
        emit_deadline_events(seeded_db.engine, now, as_of=AS_OF),
    )
    assert await emit_deadline_events(seeded_db.engine, now, as_of=AS_OF) == 0
    events = await _events(seeded_db)
    assert len(events) == len(set(events)) == sum(counts) > 0
    # The same tasks the task filters list (the one rule set).
    for threshold, filter_ in (("overdue", "overdueAsOf"), ("due_soon", "dueSoonAsOf")):
        data = await client.query(
            f'{{ tasks(first: 100, filter: {{{filter_}: "{AS_OF}"}}) '
            "{ totalCount edges { node { id } } } }"
        )
        listed = {str(decode_global_id(e["node"]["id"])) for e in data["tasks"]["edges"]}
        assert data["tasks"]["totalCount"] == len(listed)
        assert {t for kind, t in events if kind == f"task.{threshold}"} == listed
