"""Past-asOf rollups from the maintained history (resolvers/rollups/history.py) equal the live
as-of aggregation, for random histories: back-dated status events in the middle of a share's
history, back-dated shares, deadline changes at any moment, weight changes."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncConnection

import models
from api.settings import Settings
from models.rules import calendar
from resolvers.common import global_id
from resolvers.rollups.history import periods_up_to
from resolvers.rollups.maintained import (
    maintained_rollup_statement,
    rebuild_task_rollups,
    refresh_task_rollups,
)
from tests.conftest import DIALECTS, Goldens, GraphQLClient, TestDatabase, open_database
from tests.resolvers.rollups.check import history_dates, mismatches, snapshot

TODAY = Settings().today()

unit_t = models.metadata.tables["org_unit"]
task_t = models.metadata.tables["task"]
assignment_t = models.metadata.tables["assignment"]
event_t = models.metadata.tables["assignment_status_event"]
change_t = models.metadata.tables["task_deadline_change"]
changes_t = models.metadata.tables["rollup_bucket_history"]

STATUSES = ["NOT_STARTED", "IN_PROGRESS", "COMPLETED"]
KINDS = ["BY_DATE", "ONGOING", "PERIOD", "UNSPECIFIED"]


def _pick(data: st.DataObject, items: list[Any], label: str) -> Any:
    return items[data.draw(st.integers(0, 10**6), label=label) % len(items)]


def _moment(data: st.DataObject, label: str) -> datetime:
    """A moment in the last ~400 days, at any hour (both sides of a local day's edges)."""
    day = TODAY - timedelta(days=data.draw(st.integers(0, 400), label=f"{label} days ago"))
    hour = data.draw(st.sampled_from([0, 7, 15, 16, 23]), label=f"{label} hour")
    local = datetime.combine(day, time(hour, data.draw(st.integers(0, 59))), calendar.zone())
    return local.astimezone(UTC)


def _deadline_end(data: st.DataObject, label: str) -> Any:
    if data.draw(st.booleans(), label=f"{label} open"):
        return None
    return TODAY + timedelta(days=data.draw(st.integers(-420, 60), label=label))


async def _random_change(conn: AsyncConnection, data: st.DataObject) -> uuid.UUID:
    """One random change of the history, as a writer (or an import) would leave it; returns
    the task to refresh."""
    draw = data.draw
    tasks = [r.id for r in await conn.execute(sa.select(task_t.c.id).order_by(task_t.c.code))]
    op = draw(st.sampled_from(["event", "event", "share", "deadline", "weight"]), label="op")
    if op == "event":
        shares = (
            await conn.execute(
                sa.select(assignment_t.c.id, assignment_t.c.task_id).order_by(assignment_t.c.id)
            )
        ).all()
        share = _pick(data, shares, "share")
        status = draw(st.sampled_from(STATUSES), label="status")
        progress = 100.0 if status == "COMPLETED" else float(draw(st.integers(0, 99)))
        await conn.execute(
            event_t.insert().values(
                id=uuid.uuid4(),
                assignment_id=share.id,
                effective_at=_moment(data, "event"),
                status=status,
                progress=progress,
            )
        )
        return uuid.UUID(str(share.task_id))
    task = _pick(data, tasks, "task")
    if op == "share":
        units = [r.id for r in await conn.execute(sa.select(unit_t.c.id).order_by(unit_t.c.code))]
        unit = _pick(data, units, "unit")
        taken = await conn.scalar(
            sa.select(sa.func.count())
            .select_from(assignment_t)
            .where(assignment_t.c.task_id == task, assignment_t.c.org_unit_id == unit)
        )
        if not taken:
            share_id = uuid.uuid4()
            at = _moment(data, "share")
            await conn.execute(
                assignment_t.insert().values(
                    id=share_id,
                    task_id=task,
                    org_unit_id=unit,
                    role="LEAD",
                    status="NOT_STARTED",
                    progress=0.0,
                    created_at=at,
                    updated_at=at,
                    version=1,
                )
            )
            await conn.execute(
                event_t.insert().values(
                    id=uuid.uuid4(),
                    assignment_id=share_id,
                    effective_at=at,
                    status="NOT_STARTED",
                    progress=0.0,
                )
            )
    elif op == "deadline":
        kind = draw(st.sampled_from(KINDS), label="previous kind")
        end = None if kind == "ONGOING" else _deadline_end(data, "previous end")
        new_kind = draw(st.sampled_from(KINDS), label="new kind")
        new_end = None if new_kind == "ONGOING" else _deadline_end(data, "new end")
        await conn.execute(
            change_t.insert().values(
                id=uuid.uuid4(),
                task_id=task,
                changed_at=_moment(data, "change"),
                previous_kind=kind,
                previous_end=end,
                new_kind=new_kind,
                new_end=new_end,
            )
        )
        if draw(st.booleans(), label="moves the present deadline"):
            await conn.execute(
                task_t.update()
                .where(task_t.c.id == task)
                .values(deadline_kind=new_kind, deadline_end=new_end)
            )
    else:
        weight = draw(st.sampled_from([0.0, 0.5, 2.0, 3.5]), label="weight")
        await conn.execute(task_t.update().where(task_t.c.id == task).values(weight=weight))
    return uuid.UUID(str(task))


async def _history_then_check(dialect: str, goldens: Goldens, data: st.DataObject) -> None:
    async with open_database(dialect, goldens, "seeded") as db:
        async with db.engine.begin() as conn:
            for _ in range(data.draw(st.integers(1, 4), label="refreshes")):
                touched = [
                    await _random_change(conn, data)
                    for _ in range(data.draw(st.integers(1, 3), label="changes"))
                ]
                await refresh_task_rollups(conn, touched)
            days = [
                TODAY - timedelta(days=data.draw(st.integers(1, 420), label="asOf"))
                for _ in range(3)
            ]
            days += await history_dates(conn, TODAY, most=4)
            assert await mismatches(conn, sorted(set(days)), current=False) == []
            # Incremental equals rebuilt.
            kept = await snapshot(conn)
            await rebuild_task_rollups(conn)
            assert await snapshot(conn) == kept


@pytest.mark.parametrize("dialect", DIALECTS)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_histories_keep_past_rollups_equal_to_live(
    dialect: str, goldens: Goldens, data: st.DataObject
) -> None:
    if dialect == "postgresql" and goldens.pg is None:
        pytest.skip("PostgreSQL unreachable (outside CI)")
    asyncio.run(_history_then_check(dialect, goldens, data))


class TestHistory:
    async def test_the_comparison_catches_a_corrupted_change(self, seeded_db: TestDatabase) -> None:
        async with seeded_db.engine.begin() as conn:
            days = await history_dates(conn, TODAY)
            assert await mismatches(conn, days, current=False) == []
            # A row that the last date reads (today's, or the last date's month's rows).
            read = periods_up_to(changes_t, days[-1], sa.true())
            row = (await conn.execute(sa.select(changes_t).where(read).limit(1))).mappings().one()
            await conn.execute(
                changes_t.update()
                .where(*(changes_t.c[k] == row[k] for k in ("root_id", "grain", "period")))
                .values(tasks=changes_t.c.tasks + 1)
            )
            # Every period counts: a day, month or year row moves the dates that read it
            # (after it; a day's row not at its month's end, whose month row covers it).
            key = [changes_t.c[k] == row[k] for k in ("grain", "period")]
            later = [
                d
                for d in days
                if d >= row["period"]
                and (
                    await conn.execute(
                        sa.select(sa.func.count())
                        .select_from(changes_t)
                        .where(
                            *key, periods_up_to(changes_t, d, changes_t.c.root_id == row["root_id"])
                        )
                    )
                ).scalar_one()
            ]
            assert later
            assert await mismatches(conn, later, current=False) != []

    async def test_a_back_dated_event_changes_only_the_days_from_it(
        self, seeded_db: TestDatabase
    ) -> None:
        async with seeded_db.engine.begin() as conn:
            share = (
                await conn.execute(
                    sa.select(assignment_t.c.id, assignment_t.c.task_id).where(
                        assignment_t.c.role == "LEAD"
                    )
                )
            ).first()
            assert share is not None
            first = await conn.scalar(
                sa.select(sa.func.min(event_t.c.effective_at)).where(
                    event_t.c.assignment_id == share.id
                )
            )
            day = calendar.local_date(first) + timedelta(days=3)
            units = [r.id for r in await conn.execute(sa.select(unit_t.c.id))]

            async def totals(as_of: Any) -> dict[Any, Any]:
                stmt = maintained_rollup_statement(units, as_of, current=False)
                return {r.root_id: r.completed for r in await conn.execute(stmt)}

            before = {d: await totals(d) for d in (day - timedelta(days=1), day)}
            await conn.execute(
                event_t.insert().values(
                    id=uuid.uuid4(),
                    assignment_id=share.id,
                    effective_at=calendar.start_of_day(day) + timedelta(hours=9),
                    status="COMPLETED",
                    progress=100.0,
                )
            )
            await refresh_task_rollups(conn, [share.task_id])
            assert await totals(day - timedelta(days=1)) == before[day - timedelta(days=1)]
            assert await totals(day) != before[day]
            assert await mismatches(conn, [day - timedelta(days=1), day], current=False) == []


REPORT = """
mutation ($input: ReportProgressInput!) { reportProgress(input: $input) { errors { code } } }
"""


@pytest.mark.postgres
@pytest.mark.private_db  # many concurrent writers: connections of their own
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_concurrent_reports_keep_the_history_exact(
    seeded_db: TestDatabase, client: GraphQLClient
) -> None:
    """Twenty reports at once on shares of many tasks (and the same share twice): the
    history's upserts lose no increment; it equals the live history and its own rebuild."""
    async with seeded_db.engine.connect() as conn:
        shares = (
            await conn.execute(
                sa.select(assignment_t.c.id, assignment_t.c.org_unit_id)
                .where(assignment_t.c.role == "LEAD")
                .order_by(assignment_t.c.id)
                .limit(10)
            )
        ).all()
    assert len(shares) == 10
    calls = [
        client.as_viewer(share.org_unit_id, "REPORTER").execute(
            REPORT,
            {
                "input": {
                    "assignment": global_id("Assignment", share.id),
                    "percent": 100 if (i + k) % 3 == 0 else 30 + i,
                }
            },
        )
        for k in range(2)
        for i, share in enumerate(shares)
    ]
    bodies = await asyncio.gather(*calls)
    assert all("errors" not in b for b in bodies), bodies
    assert any(b["data"]["reportProgress"]["errors"] == [] for b in bodies)
    async with seeded_db.engine.begin() as conn:
        days = await history_dates(conn, TODAY)
        assert TODAY in days
        assert await mismatches(conn, days, current=False) == []
        kept = await snapshot(conn)
        await rebuild_task_rollups(conn)
        assert await snapshot(conn) == kept
