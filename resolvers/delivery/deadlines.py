"""Deadline scheduling without a cron (issue 18, point 5): `task.due_soon` and `task.overdue`,
`rectification.due_soon` and `rectification.overdue`.

The delivery worker calls `emit_deadline_events` every GOVGRAPH_DELIVER_DEADLINES_SECONDS:
tasks (as a whole) that are due soon or overdue today by the one rule set
(models/rules/task_state.py: `due_soon`, `overdue`, over `task_states`) and have no notice
for that threshold and deadline end get one (`deadline_notice`, unique; ON CONFLICT DO
NOTHING … RETURNING) and, in the same transaction, an outbox event. A worker that loses the
race inserts nothing and emits nothing, so each event exists once across workers and
restarts; a moved deadline arms the thresholds again.

Rectifications alike, per share (责任单位, rectification_assignment): a share not done whose
item is due soon or overdue (models/rules/rectification_state.py `share_due_soon`,
`share_overdue`) gets a `rectification_deadline_notice` (unique per share, threshold and
deadline end) and an outbox event about the rectification naming the share and its unit.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

import models
from models.rules import calendar, rectification_state
from models.rules.task_state import due_soon, overdue, rated, soon_end, task_states
from resolvers.delivery.transactions import write_transaction

task_t = models.metadata.tables["task"]
notice_t = models.metadata.tables["deadline_notice"]
outbox_t = models.metadata.tables["outbox_event"]
assignment_t = models.metadata.tables["assignment"]
rect_t = models.metadata.tables["rectification"]
share_t = models.metadata.tables["rectification_assignment"]
rect_notice_t = models.metadata.tables["rectification_deadline_notice"]
ACTOR = "govgraph deliver"


def _insert(dialect: str, table: sa.Table = notice_t) -> Any:
    if dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _unnoticed(
    candidates: sa.Subquery,
    subject: sa.ColumnElement[Any],
    notice: sa.Table,
    noticed: sa.ColumnElement[Any],
    limit: int,
) -> sa.Select[Any]:
    """The first `limit` candidates (by deadline end, then `subject`) at a threshold with no
    `notice` row yet (`noticed` = `subject`) for that threshold and deadline end."""
    return (
        sa.select(candidates)
        .where(
            candidates.c.threshold.is_not(None),
            ~sa.exists().where(
                noticed == subject,
                notice.c.threshold == candidates.c.threshold,
                notice.c.deadline_end == candidates.c.deadline_end,
            ),
        )
        .order_by(candidates.c.deadline_end, subject)
        .limit(limit)
    )


def _event(
    object_type: str,
    object_id: uuid.UUID,
    units: list[str],
    notice: Any,
    day: date,
    now: datetime,
    **payload: str,
) -> dict[str, Any]:
    """The outbox row of a notice just inserted (`<object type>.<threshold>`); `payload` adds
    to the threshold, deadline end and day."""
    return {
        "id": uuid.uuid4(),
        "event_type": f"{object_type}.{notice.threshold}",
        "object_type": object_type,
        "object_id": object_id,
        "units": units,
        "payload": {
            "threshold": notice.threshold,
            "deadlineEnd": notice.deadline_end.isoformat(),
            "asOf": day.isoformat(),
            **payload,
        },
        "actor": ACTOR,
        "request_id": None,
        "created_at": now,
        "delivered_at": None,
    }


async def emit_deadline_events(
    engine: AsyncEngine, now: datetime, *, as_of: date | None = None, limit: int = 1000
) -> int:
    """Emit up to `limit` new due-soon/overdue events of tasks, then of rectification shares,
    as of `as_of` (today); how many."""
    day = as_of or calendar.today(now)
    emitted = await _task_events(engine, now, day, limit)
    return emitted + await _rectification_events(engine, now, day, limit)


async def _task_events(engine: AsyncEngine, now: datetime, day: date, limit: int) -> int:
    """The tasks' events (see the module's docstring)."""
    scoped = sa.select(
        sa.literal(None, sa.Uuid()).label("root_id"), task_t.c.id.label("task_id")
    ).where(
        task_t.c.deadline_end.is_not(None),
        task_t.c.deadline_end <= soon_end(day),
        rated(task_t.c.deadline_kind),
    )
    states = task_states(scoped, cutoff=None)
    completed, kind, end = states.c.completed, task_t.c.deadline_kind, task_t.c.deadline_end
    threshold = sa.case(
        (overdue(completed, kind, end, day), sa.literal("overdue")),
        (due_soon(completed, kind, end, day), sa.literal("due_soon")),
        else_=sa.null(),
    ).label("threshold")
    candidates = (
        sa.select(task_t.c.id, end.label("deadline_end"), threshold)
        .join(states, states.c.task_id == task_t.c.id)
        .subquery()
    )
    statement = _unnoticed(candidates, candidates.c.id, notice_t, notice_t.c.task_id, limit)
    async with write_transaction(engine) as conn:
        found = (await conn.execute(statement)).mappings().all()
        if not found:
            return 0
        rows = [
            {
                "id": uuid.uuid4(),
                "task_id": row["id"],
                "threshold": row["threshold"],
                "deadline_end": row["deadline_end"],
                "emitted_at": now,
            }
            for row in found
        ]
        inserted = (
            await conn.execute(
                _insert(conn.dialect.name)
                .values(rows)
                .on_conflict_do_nothing()
                .returning(notice_t.c.task_id, notice_t.c.threshold, notice_t.c.deadline_end)
            )
        ).all()
        if not inserted:
            return 0
        task_ids = sorted({row.task_id for row in inserted})
        units: dict[uuid.UUID, list[str]] = {}
        for task_id, unit_id in await conn.execute(
            sa.select(assignment_t.c.task_id, assignment_t.c.org_unit_id).where(
                assignment_t.c.task_id.in_(task_ids)
            )
        ):
            units.setdefault(task_id, []).append(str(unit_id))
        await conn.execute(
            outbox_t.insert(),
            [
                _event("task", row.task_id, sorted(units.get(row.task_id, [])), row, day, now)
                for row in inserted
            ],
        )
        return len(inserted)


async def _rectification_events(engine: AsyncEngine, now: datetime, day: date, limit: int) -> int:
    """The rectification shares' events (see the module's docstring)."""
    threshold = sa.case(
        (rectification_state.share_overdue(share_t, rect_t, day, None), sa.literal("overdue")),
        (rectification_state.share_due_soon(share_t, rect_t, day, None), sa.literal("due_soon")),
        else_=sa.null(),
    ).label("threshold")
    candidates = (
        sa.select(
            share_t.c.id.label("share_id"),
            share_t.c.rectification_id,
            share_t.c.org_unit_id,
            rect_t.c.deadline_end,
            threshold,
        )
        .join(rect_t, rect_t.c.id == share_t.c.rectification_id)
        .where(
            rect_t.c.deadline_end.is_not(None),
            rect_t.c.deadline_end <= soon_end(day),
            rated(rect_t.c.deadline_kind),
        )
        .subquery()
    )
    statement = _unnoticed(
        candidates, candidates.c.share_id, rect_notice_t, rect_notice_t.c.share_id, limit
    )
    async with write_transaction(engine) as conn:
        found = (await conn.execute(statement)).mappings().all()
        if not found:
            return 0
        units = {row["share_id"]: row["org_unit_id"] for row in found}
        rows = [
            {
                "id": uuid.uuid4(),
                "share_id": row["share_id"],
                "rectification_id": row["rectification_id"],
                "threshold": row["threshold"],
                "deadline_end": row["deadline_end"],
                "emitted_at": now,
            }
            for row in found
        ]
        inserted = (
            await conn.execute(
                _insert(conn.dialect.name, rect_notice_t)
                .values(rows)
                .on_conflict_do_nothing()
                .returning(
                    rect_notice_t.c.share_id,
                    rect_notice_t.c.rectification_id,
                    rect_notice_t.c.threshold,
                    rect_notice_t.c.deadline_end,
                )
            )
        ).all()
        if not inserted:
            return 0
        await conn.execute(
            outbox_t.insert(),
            [
                _event(
                    "rectification",
                    row.rectification_id,
                    [str(units[row.share_id])],
                    row,
                    day,
                    now,
                    share=str(row.share_id),
                    unit=str(units[row.share_id]),
                )
                for row in sorted(inserted, key=lambda r: (r.deadline_end, str(r.share_id)))
            ],
        )
        return len(inserted)
