"""Factories for hand-built fixtures: each inserts rows with SQLAlchemy core and returns them.

They write through a connection the test passes (`save`), so a test decides when to commit.
Units keep the closure table and materialised path the seed loader would write; assignments
refresh their task's maintained rollups as every write does (resolvers/rollups/maintained.py).
"""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

import models
from models.enums import DeadlineKind, OrgUnitKind, TaskStatus
from models.rules.labels import seq_path
from resolvers.document.label_stems import insert_plans

_counter = itertools.count(1)


def table(name: str) -> sa.Table:
    """A table of the metadata by name."""
    return models.metadata.tables[name]


async def insert(conn: AsyncConnection, table_name: str, **values: Any) -> dict[str, Any]:
    """Insert one row and return it as a dict."""
    await conn.execute(table(table_name).insert().values(**values))
    return values


async def create_unit(
    conn: AsyncConnection,
    name: str,
    kind: OrgUnitKind = OrgUnitKind.DEPARTMENT,
    parent: dict[str, Any] | None = None,
    aliases: tuple[str, ...] = (),
) -> dict[str, Any]:
    """An org unit with its closure rows."""
    unit_id = uuid.uuid4()
    row = await insert(
        conn,
        "org_unit",
        id=unit_id,
        code=f"T{next(_counter):06d}",
        name=name,
        kind=kind.value,
        parent_id=parent["id"] if parent else None,
        line_parent_id=None,
        path=(parent["path"] if parent else "/") + unit_id.hex + "/",
        depth=parent["depth"] + 1 if parent else 0,
        sort_order=next(_counter),
        created_at=datetime.now(UTC),
        updated_at=datetime.now(UTC),
        version=1,
    )
    closure = table("org_unit_closure")
    ancestors = await conn.execute(
        sa.select(closure.c.ancestor_id, closure.c.depth).where(
            closure.c.descendant_id == (parent["id"] if parent else None)
        )
    )
    rows = [{"ancestor_id": unit_id, "descendant_id": unit_id, "depth": 0}]
    rows += [
        {"ancestor_id": a.ancestor_id, "descendant_id": unit_id, "depth": a.depth + 1}
        for a in ancestors
    ]
    await conn.execute(closure.insert(), rows)
    for alias in aliases:
        from models.rules.names import normalize_name

        await insert(
            conn,
            "org_unit_alias",
            id=uuid.uuid4(),
            org_unit_id=unit_id,
            alias=alias,
            normalized=normalize_name(alias),
        )
    return row


async def create_plan(
    conn: AsyncConnection,
    title: str = "计划",
    year: int = 2023,
    issuer: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A document with one plan; returns the plan (with `document_id`)."""
    doc_id = uuid.uuid4()
    now = datetime.now(UTC)
    await insert(
        conn,
        "document",
        id=doc_id,
        doc_number=None,
        doc_number_normalized=None,
        title=f"{title}文件",
        kind="NOTICE",
        issuer_id=issuer["id"] if issuer else None,
        issued_on=date(year, 1, 1),
        attributes={},
        created_at=now,
        updated_at=now,
        version=1,
    )
    plan = {
        "id": uuid.uuid4(),
        "document_id": doc_id,
        "parent_id": None,
        "key": f"p{next(_counter)}",
        "title": title,
        "kind": "ACTION_PLAN",
        "field": "AIR",
        "year": year,
        "seq": next(_counter),
        "narrative": [],
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    # Through the one plan writer: the plan gets its label stem as every plan does.
    (written,) = await insert_plans(conn, [plan])
    return written


async def create_task(
    conn: AsyncConnection,
    plan: dict[str, Any],
    *,
    seq: int | None = None,
    title: str = "任务",
    kind: DeadlineKind = DeadlineKind.BY_DATE,
    end: date | None = date(2023, 12, 31),
    start: date | None = None,
    weight: float = 1.0,
    status: TaskStatus = TaskStatus.NOT_STARTED,
    progress: float = 0.0,
    category: str | None = None,
    parent: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A task of a plan."""
    seq = seq if seq is not None else next(_counter)
    now = datetime.now(UTC)
    return await insert(
        conn,
        "task",
        id=uuid.uuid4(),
        code=f"{plan['key']}/{seq:06d}" + (f"/{uuid.uuid4().hex[:6]}" if parent else ""),
        plan_id=plan["id"],
        document_id=plan["document_id"],
        parent_id=parent["id"] if parent else None,
        seq=seq,
        seq_path=seq_path(parent["seq_path"] if parent else None, seq),
        category=category,
        title=title,
        description=f"{title}的具体措施",
        deadline_kind=kind.value,
        deadline_start=start,
        deadline_end=None if kind is DeadlineKind.ONGOING else end,
        deadline_text="长期坚持" if kind is DeadlineKind.ONGOING else str(end),
        weight=weight,
        status=status.value,
        progress=progress,
        created_at=now,
        updated_at=now,
        version=1,
    )


async def assign(
    conn: AsyncConnection,
    task: dict[str, Any],
    unit: dict[str, Any],
    role: str = "LEAD",
    *,
    status: TaskStatus = TaskStatus.NOT_STARTED,
    progress: float = 0.0,
    since: datetime = datetime(2023, 1, 1, tzinfo=UTC),
) -> dict[str, Any]:
    """An assignment with its initial status event at `since` (and current state `status`)."""
    from resolvers.rollups.maintained import refresh_task_rollups

    now = datetime.now(UTC)
    row = await insert(
        conn,
        "assignment",
        id=uuid.uuid4(),
        task_id=task["id"],
        org_unit_id=unit["id"],
        role=role,
        via_group=None,
        status=status.value,
        progress=progress,
        last_reported_at=None,
        created_at=now,
        updated_at=now,
        version=1,
    )
    await add_event(conn, row, TaskStatus.NOT_STARTED, 0.0, since)
    if status is not TaskStatus.NOT_STARTED:
        # A moment later: events at one instant would have no defined order.
        await add_event(conn, row, status, progress, since + timedelta(seconds=1))
    await refresh_task_rollups(conn, [task["id"]])
    return row


async def add_event(
    conn: AsyncConnection,
    assignment: dict[str, Any],
    status: TaskStatus,
    progress: float,
    at: datetime,
) -> dict[str, Any]:
    """A status-history event of an assignment (as a progress report would write), with the
    task's maintained rollups refreshed as every writer's unit of work does."""
    from resolvers.rollups.maintained import refresh_task_rollups

    row = await insert(
        conn,
        "assignment_status_event",
        id=uuid.uuid4(),
        assignment_id=assignment["id"],
        report_id=None,
        effective_at=at,
        status=status.value,
        progress=progress,
    )
    await refresh_task_rollups(conn, [assignment["task_id"]])
    return row


async def create_indicator(
    conn: AsyncConnection,
    code: str,
    direction: str = "LOWER_IS_BETTER",
    kind: str = "NUMERIC",
    unit: str = "µg/m³",
) -> dict[str, Any]:
    """An indicator."""
    return await insert(
        conn,
        "indicator",
        id=uuid.uuid4(),
        code=code,
        name=code,
        unit=unit,
        direction=direction,
        kind=kind,
        description=None,
    )
