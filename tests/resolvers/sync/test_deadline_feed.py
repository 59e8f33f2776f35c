"""Deadline history in the sync surfaces (issue 16): snapshot + change feed carry every
deadline change exactly once, with the task's scope and disclosure tier.

Before, `task_deadline_change` was in neither /export/snapshot.json nor `changes`: a
partner's mirror knew a task's current deadline but not that (or why, or when) it moved.
On the seed, both backends: air task 3 is moved once before the partners load their
snapshots and twice after, a task its lead department does not hold once after (and
renamed, so its changes travel again); each partner follows the feed from its snapshot
and its mirror must hold exactly the changes of the tasks it sees, once each, as a new
snapshot does: an ADMIN token of 城区, the lead department's VIEWER, a SHARED key of 城区
(no `changedBy`, as Task.deadlineHistory), and a SHARED key of a county outside the
tasks' scope (none at all). A client starting with `changes(since: null)` ends the same.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from api.api_keys import create_key
from models import Assignment, Task, TaskDeadlineChange
from resolvers.common import global_id
from tests.conftest import GraphQLClient, TestDatabase
from tests.resolvers.sync.test_converge import (
    CHANGES,
    OWNED,
    Partner,
    Snapshot,
    apply,
    canonical,
    differences,
)

change_t: sa.Table = TaskDeadlineChange.__table__  # type: ignore[attr-defined]
task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]

MOVED = "城政办发〔2023〕20号/air/003"
UPDATE = """
mutation ($i: UpdateTaskInput!) { updateTask(input: $i) {
  task { version } errors { code } } }
"""


class World:
    """The seeded database, and the district's ADMIN who moves deadlines over GraphQL."""

    def __init__(self, db: TestDatabase, client: GraphQLClient, district: uuid.UUID) -> None:
        self.db, self.client = db, client
        self.admin = client.as_viewer(district, "ADMIN")

    async def row(self, **where: Any) -> dict[str, Any]:
        async with self.db.engine.connect() as conn:
            statement = sa.select(task_t).where(*(task_t.c[k] == v for k, v in where.items()))
            return dict((await conn.execute(statement)).mappings().one())

    async def edit(self, task_id: uuid.UUID, **fields: Any) -> None:
        version = (await self.row(id=task_id))["version"]
        data = await self.admin.query(
            UPDATE,
            {"i": {"task": global_id("Task", task_id), "expectedVersion": version} | fields},
        )
        assert data["updateTask"]["errors"] == []
        assert data["updateTask"]["task"]["version"] == version + 1

    async def move(self, task_id: uuid.UUID, text: str, reason: str | None = None) -> None:
        await self.edit(task_id, deadline={"text": text}, deadlineChangeReason=reason)

    async def change_ids(self, task_ids: list[uuid.UUID]) -> dict[str, str]:
        """The recorded changes of these tasks: id → the task's global id."""
        async with self.db.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(change_t.c.id, change_t.c.task_id).where(change_t.c.task_id.in_(task_ids))
            )
            return {str(r.id): global_id("Task", r.task_id) for r in rows}


async def _unit(db: TestDatabase, name: str) -> uuid.UUID:
    unit = sa.table("org_unit", sa.column("id"), sa.column("name"))
    async with db.engine.connect() as conn:
        found: uuid.UUID = (
            await conn.execute(sa.select(unit.c.id).where(unit.c.name == name))
        ).scalar_one()
    return uuid.UUID(str(found))


async def _lead_and_foreign_task(db: TestDatabase, task_id: uuid.UUID) -> tuple[Any, Any]:
    """The moved task's first lead unit, and an air task that unit holds no share of."""
    async with db.engine.connect() as conn:
        lead = (
            await conn.execute(
                sa.select(assignment_t.c.org_unit_id)
                .where(assignment_t.c.task_id == task_id, assignment_t.c.role == "LEAD")
                .order_by(assignment_t.c.id)
                .limit(1)
            )
        ).scalar_one()
        held = sa.select(assignment_t.c.task_id).where(assignment_t.c.org_unit_id == lead)
        other = (
            await conn.execute(
                sa.select(task_t.c.id)
                .where(
                    task_t.c.code.like("城政办发〔2023〕20号/air/%"),
                    task_t.c.parent_id.is_(None),
                    task_t.c.id.not_in(held),
                    task_t.c.deadline_kind == "BY_DATE",
                )
                .order_by(task_t.c.code)
                .limit(1)
            )
        ).scalar_one()
    return lead, other


def _held(mirror: Snapshot) -> list[str]:
    return [row["id"] for row in mirror["taskDeadlineChanges"]]


async def _from_null(partner: Partner, http: Any) -> Snapshot:
    """A mirror built from `changes(since: null)` alone: the initial load, then the log."""
    mirror: Snapshot = {c: [] for owned in OWNED.values() for c, _ in owned}
    mirror["progressReports"] = []
    since, unit = None, partner.snapshot["unit"]["id"]  # the snapshot's view
    while True:
        response = await http.post(
            "/graphql",
            json={"query": CHANGES, "variables": {"since": since, "unit": unit}},
            headers=partner.headers,
        )
        body = response.json()
        assert "errors" not in body, body
        page = body["data"]["changes"]
        for edge in page["edges"]:
            apply(mirror, edge["node"])
        since = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            return mirror


# The snapshot streams on a connection of its own while the test's stays open.
@pytest.mark.private_db
class TestDeadlineChangesInTheSyncSurfaces:
    async def test_snapshot_then_feed_holds_every_change_once_in_the_tasks_scope(
        self, seeded_db: TestDatabase, client: GraphQLClient
    ) -> None:
        district = await _unit(seeded_db, "城区")
        world = World(seeded_db, client, district)
        moved = (await world.row(code=MOVED))["id"]
        lead, foreign = await _lead_and_foreign_task(seeded_db, moved)
        await world.move(moved, "2023年6月底前", "设备采购延误")
        async with seeded_db.engine.begin() as conn:
            shared = await create_key(conn, name="共享平台", unit_id=district)
            outside = await create_key(
                conn, name="邻县平台", unit_id=await _unit(seeded_db, "泽州县")
            )
        partners = {
            "ADMIN": Partner("ADMIN", {"authorization": f"Bearer {world.admin.token}"}, "城区"),
            "lead VIEWER": Partner(
                "lead VIEWER",
                {"authorization": f"Bearer {client.as_viewer(lead, 'VIEWER').token}"},
                None,
            ),
            "SHARED": Partner("SHARED", {"x-api-key": shared.secret}, None),
            "outside": Partner("outside", {"x-api-key": outside.secret}, None),
        }
        for partner in partners.values():
            partner.snapshot = await partner.take_snapshot(client.http)
        admin_snapshot = partners["ADMIN"].snapshot
        assert _held(admin_snapshot) == list(await world.change_ids([moved]))
        # After the snapshots: air task 3 moves twice more, another task once and is renamed
        # (a task write that is no deadline change: its changes travel again, not twice).
        await world.move(moved, "2023年9月底前", "第二次延期")
        await world.move(moved, "2023年10月底前")
        await world.move(foreign, "2023年11月底前", "统筹调整")
        await world.edit(foreign, title="改名后的任务")
        expected = await world.change_ids([moved, foreign])
        assert len(expected) == 4
        own = {k for k, task in expected.items() if task == global_id("Task", moved)}

        for name, partner in partners.items():
            mirror = {k: list(v) if isinstance(v, list) else v for k, v in partner.snapshot.items()}
            await partner.follow(client.http, mirror)
            fresh = await partner.take_snapshot(client.http)
            assert differences(mirror, fresh) == [], name
            held = _held(mirror)
            assert len(held) == len(set(held)), name  # none twice
            wanted = {"ADMIN": set(expected), "SHARED": set(expected), "outside": set()}
            assert set(held) == wanted.get(name, own), name
            for row in mirror["taskDeadlineChanges"]:
                assert row["taskId"] in {expected[k] for k in held}
                if name == "SHARED":
                    assert "changedBy" not in row  # internal, as Task.deadlineHistory
                else:
                    assert row["changedBy"] is not None
            if name == "outside":
                assert not set(expected.values()) & {t["id"] for t in mirror["tasks"]}
        # The moves carry who, when, why and from what to what.
        fresh = await partners["ADMIN"].take_snapshot(client.http)
        rows = fresh["taskDeadlineChanges"]
        assert sorted(r["reason"] or "" for r in rows) == [
            "",
            "第二次延期",
            "统筹调整",
            "设备采购延误",
        ]
        assert ("2023年6月底前", "2023年9月底前") in {
            (r["previousText"], r["newText"]) for r in rows
        }
        assert all(r["changedByUnitId"] == global_id("OrgUnit", district) for r in rows)

        # A client that starts from `changes(since: null)` ends with the same rows, once each.
        for name in ("ADMIN", "lead VIEWER", "SHARED", "outside"):
            partner = partners[name]
            mirror = await _from_null(partner, client.http)
            fresh = await partner.take_snapshot(client.http)
            held = _held(mirror)
            assert len(held) == len(set(held)), name
            assert sorted(held) == sorted(_held(fresh)), name
            assert (
                canonical(mirror)["taskDeadlineChanges"] == canonical(fresh)["taskDeadlineChanges"]
            ), name
