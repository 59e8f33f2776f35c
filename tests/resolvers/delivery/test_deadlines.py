"""Due-soon and overdue events (issue 18, point 5): once per task, threshold and deadline end,
across repeated passes and concurrent workers; they agree with the one rule set's lists."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

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
    assert len(events) == len(set(events)) == sum(counts) - await _share_notices(seeded_db) > 0
    # The same tasks the task filters list (the one rule set).
    for threshold, filter_ in (("overdue", "overdueAsOf"), ("due_soon", "dueSoonAsOf")):
        data = await client.query(
            f'{{ tasks(first: 100, filter: {{{filter_}: "{AS_OF}"}}) '
            "{ totalCount edges { node { id } } } }"
        )
        listed = {str(decode_global_id(e["node"]["id"])) for e in data["tasks"]["edges"]}
        assert data["tasks"]["totalCount"] == len(listed)
        assert {t for kind, t in events if kind == f"task.{threshold}"} == listed


rect_notice_t = models.metadata.tables["rectification_deadline_notice"]


async def _share_notices(db: TestDatabase) -> int:
    async with db.engine.connect() as conn:
        count = await conn.scalar(sa.select(sa.func.count()).select_from(rect_notice_t))
        return int(count or 0)


async def test_once_per_rectification_share_and_threshold(seeded_db: TestDatabase) -> None:
    """Rectification shares: due-soon/overdue once per share and threshold across four
    concurrent schedulers and a restart; exactly the shares the Python twins of the rules
    judge so; a moved deadline arms them again."""
    from models.rules.rectification_state import is_done
    from models.rules.task_state import is_due_soon, is_overdue, is_pending

    rect_t = models.metadata.tables["rectification"]
    share_t = models.metadata.tables["rectification_assignment"]
    async with seeded_db.engine.connect() as conn:
        shares = (
            await conn.execute(
                sa.select(
                    share_t.c.id,
                    share_t.c.org_unit_id,
                    share_t.c.status,
                    rect_t.c.id.label("rect"),
                    rect_t.c.deadline_kind,
                    rect_t.c.deadline_end,
                ).join(rect_t, rect_t.c.id == share_t.c.rectification_id)
            )
        ).all()
    # The day after the earliest open rated deadline: some shares overdue, some maybe due soon.
    open_ends = [
        s.deadline_end
        for s in shares
        if is_pending(False, s.deadline_kind, s.deadline_end) and not is_done(s.status)
    ]
    as_of = min(open_ends) + timedelta(days=1)
    expected = {}
    for share in shares:
        done = is_done(share.status)
        if is_overdue(done, share.deadline_kind, share.deadline_end, as_of):
            expected[share.id] = "overdue"
        elif is_due_soon(done, share.deadline_kind, share.deadline_end, as_of):
            expected[share.id] = "due_soon"
    assert "overdue" in expected.values()
    now = datetime.now(UTC)
    counts = await asyncio.gather(
        *(emit_deadline_events(seeded_db.engine, now, as_of=as_of) for _ in range(4))
    )
    assert await emit_deadline_events(seeded_db.engine, now, as_of=as_of) == 0
    async with seeded_db.engine.connect() as conn:
        events = (
            await conn.execute(
                sa.select(outbox_t.c.event_type, outbox_t.c.object_id, outbox_t.c.payload).where(
                    outbox_t.c.event_type.like("rectification.%")
                )
            )
        ).all()
    by_share = [(e.payload["share"], e.event_type) for e in events]
    assert len(by_share) == len(set(by_share)) == await _share_notices(seeded_db)
    assert sum(counts) == len(by_share) + len(await _events(seeded_db))
    assert {(str(k), f"rectification.{v}") for k, v in expected.items()} == set(by_share)
    units = {str(s.id): str(s.org_unit_id) for s in shares}
    for event in events:
        assert event.payload["unit"] == units[event.payload["share"]]
    # A moved deadline: the share's thresholds are armed again (one new event per share).
    moved = next(iter(k for k, v in expected.items() if v == "overdue"))
    rect = next(s.rect for s in shares if s.id == moved)
    async with seeded_db.engine.begin() as conn:
        await conn.execute(
            rect_t.update()
            .where(rect_t.c.id == rect)
            .values(deadline_end=as_of - timedelta(days=2))
        )
    again = await emit_deadline_events(seeded_db.engine, now, as_of=as_of)
    same_item = [s for s in shares if s.rect == rect and s.id in expected]
    assert again == len(same_item) > 0
