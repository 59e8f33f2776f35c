"""The change feed: initial load, resume, tombstones, scope, and a partner's mirror in sync."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

import models
from models.enums import ChangeType
from resolvers.changes.log import ConnectionReader, append, present, read_entries
from resolvers.common import decode_global_id, global_id
from resolvers.scope import EVERYTHING
from tests.conftest import GraphQLClient
from tests.ledger_files import Row, csv_bytes
from tests.resolvers.ledger.conftest import Ledger

CHANGES = """
query ($since: String, $first: Int, $types: [ChangeType!]) {
  changes(since: $since, first: $first, types: $types) {
    edges { cursor node { type objectId deleted changedAt object {
      id
      ... on Task { version status progress title category deadline { end text }
                    assignments { role status progress unit { name } } }
      ... on Rectification { version rectificationStatus: status responsibleUnits { name } } } } }
    pageInfo { hasNextPage endCursor } } }
"""
Mirror = dict[tuple[str, str], dict[str, Any]]


# The objects these tests mirror (the feed carries every snapshot type: tests/resolvers/sync).
MIRRORED = ["TASK", "RECTIFICATION"]


async def sync(
    client: GraphQLClient, mirror: Mirror, since: str | None = None, first: int = 50
) -> tuple[str, list[dict[str, Any]]]:
    """Apply every change after `since` to `mirror`; returns the new cursor and the changes."""
    seen: list[dict[str, Any]] = []
    while True:
        data = await client.query(CHANGES, {"since": since, "first": first, "types": MIRRORED})
        page = data["changes"]
        for edge in page["edges"]:
            change = edge["node"]
            seen.append(change)
            key = (change["type"], change["objectId"])
            if change["deleted"]:
                assert change["object"] is None
                mirror.pop(key, None)
            else:
                mirror[key] = _normal(change["object"])
        since = page["pageInfo"]["endCursor"]
        assert since is not None
        if not page["pageInfo"]["hasNextPage"]:
            return since, seen


def _normal(node: dict[str, Any]) -> dict[str, Any]:
    """Lists in a stable order, so two reads of one object compare equal."""
    out = dict(node)
    for key in ("assignments", "responsibleUnits"):
        if key in out:
            out[key] = sorted(out[key], key=repr)
    return out


async def fresh(client: GraphQLClient) -> Mirror:
    mirror: Mirror = {}
    await sync(client, mirror)
    return mirror


def _rows(leads: list[str]) -> list[Row]:
    return [
        Row("一、共享测试", n, f"共享测试措施{n}。", "2024年6月底前", lead)
        for n, lead in enumerate(leads, start=1)
    ]


class TestChanges:
    async def test_initial_load_lists_what_the_viewer_sees(self, ledger: Ledger) -> None:
        await ledger.upload(csv_bytes(_rows(["南村镇", "北石店镇", "区水务局"])), "台账.csv")
        town = await fresh(ledger.as_unit("南村镇", "VIEWER"))
        district = await fresh(ledger.as_unit("城区", "VIEWER"))
        titles = {v.get("title") for v in town.values()}
        assert "共享测试措施1" in titles
        assert not {"共享测试措施2", "共享测试措施3"} & titles
        assert set(town) < set(district)
        # Exactly the tasks the scoped `tasks` connection gives the town.
        task_ids = {k[1] for k in town if k[0] == "TASK"}
        assert task_ids == await _task_ids(ledger.as_unit("南村镇", "VIEWER"))

    async def test_resuming_returns_only_later_changes(self, ledger: Ledger) -> None:
        viewer = ledger.as_unit("城区", "VIEWER")
        mirror: Mirror = {}
        cursor, _ = await sync(viewer, mirror)
        again, nothing = await sync(viewer, mirror, cursor)
        assert nothing == []
        await ledger.upload(csv_bytes(_rows(["南村镇"])), "台账.csv")
        _, changes = await sync(viewer, mirror, again)
        assert [(c["type"], c["deleted"], c["object"]["title"]) for c in changes] == [
            ("TASK", False, "共享测试措施1")
        ]
        assert changes[0]["changedAt"] is not None

    async def test_a_task_leaving_the_scope_comes_as_a_tombstone(self, ledger: Ledger) -> None:
        await ledger.upload(csv_bytes(_rows(["南村镇", "区水务局"])), "台账.csv")
        town, other = ledger.as_unit("南村镇", "VIEWER"), ledger.as_unit("北石店镇", "VIEWER")
        town_mirror: Mirror = {}
        town_cursor, _ = await sync(town, town_mirror)
        other_cursor, _ = await sync(other, {})
        # The ledger now gives task 1 to 北石店镇: 南村镇 loses it.
        payload = await ledger.upload(csv_bytes(_rows(["北石店镇", "区水务局"])), "台账.csv")
        assert payload["report"]["updated"] == 1
        _, changes = await sync(town, town_mirror, town_cursor)
        assert [(c["type"], c["deleted"]) for c in changes] == [("TASK", True)]
        assert town_mirror == await fresh(town)
        _, gained = await sync(other, {}, other_cursor)
        assert [(c["deleted"], c["object"]["title"]) for c in gained] == [(False, "共享测试措施1")]

    async def test_other_branches_changes_never_reach_a_viewer(self, ledger: Ledger) -> None:
        town = ledger.as_unit("南村镇", "VIEWER")
        cursor, _ = await sync(town, {})
        await ledger.upload(csv_bytes(_rows(["北石店镇", "区水务局"])), "台账.csv")
        await ledger.upload(csv_bytes(_rows(["区水务局", "北石店镇"])), "台账.csv")
        end, changes = await sync(town, {}, cursor)
        assert changes == []
        assert end != cursor  # the cursor moves past entries of other branches

    async def test_types_filter_and_bad_arguments(self, ledger: Ledger) -> None:
        viewer = ledger.as_unit("城区", "VIEWER")
        data = await viewer.query(CHANGES, {"first": 100, "types": ["RECTIFICATION"]})
        assert {e["node"]["type"] for e in data["changes"]["edges"]} == {"RECTIFICATION"}
        body = await viewer.execute(CHANGES, {"since": "not-a-cursor"})
        assert body["errors"]
        body = await viewer.execute(CHANGES, {"first": 101})
        assert body["errors"]

    async def test_a_deleted_object_comes_as_a_tombstone(self, ledger: Ledger) -> None:
        await ledger.upload(csv_bytes(_rows(["南村镇"])), "台账.csv")
        town = ledger.as_unit("南村镇", "VIEWER")
        mirror: Mirror = {}
        cursor, _ = await sync(town, mirror)
        task_id = (await ledger.tasks())[1]["id"]
        tables = models.metadata.tables
        async with ledger.db.engine.begin() as conn:
            # What a delete service would do: delete, and log the units the task hung on.
            await conn.execute(
                tables["assignment"].delete().where(tables["assignment"].c.task_id == task_id)
            )
            await conn.execute(tables["task"].delete().where(tables["task"].c.id == task_id))
            await append(conn, {("task", task_id): {ledger.units["南村镇"]}}, changed_at=_now())
        _, changes = await sync(town, mirror, cursor)
        assert [(c["objectId"], c["deleted"]) for c in changes] == [
            (str(global_id("Task", task_id)), True)
        ]
        assert ("TASK", str(global_id("Task", task_id))) not in mirror


class TestMirror:
    async def test_a_partner_mirror_stays_equal_to_a_fresh_read(self, ledger: Ledger) -> None:
        """Mirror from cursor zero, apply random writes, resync: the mirror is a fresh read."""
        rng = random.Random(20240301)
        places = ["南村镇", "北石店镇", "区水务局", "区生态环境分局"]
        leads = [rng.choice(places) for _ in range(8)]
        await ledger.upload(csv_bytes(_rows(leads)), "台账.csv")
        partners = {name: ledger.as_unit(name, "VIEWER") for name in ("城区", "南村镇", "北石店镇")}
        mirrors: dict[str, Mirror] = {name: {} for name in partners}
        cursors: dict[str, str | None] = dict.fromkeys(partners)
        writer = Writer(ledger, rng, leads)
        tombstones = 0
        for round_number in range(4):
            for _ in range(6):
                await writer.random_write()
            for name, client in partners.items():
                if round_number % 2 == 0 or name == "城区":  # some partners sync less often
                    cursors[name], seen = await sync(client, mirrors[name], cursors[name], first=7)
                    tombstones += sum(change["deleted"] for change in seen)
        for name, client in partners.items():
            cursors[name], seen = await sync(client, mirrors[name], cursors[name], first=7)
            tombstones += sum(change["deleted"] for change in seen)
            assert mirrors[name] == await fresh(client), name
        assert writer.done >= {"report", "reassign", "rename", "transition"}
        assert tombstones > 0  # tasks moved between the towns' scopes


class Writer:
    """Random writes through the API, as users make them."""

    def __init__(self, ledger: Ledger, rng: random.Random, leads: list[str]) -> None:
        self.ledger, self.rng, self.leads = ledger, rng, leads
        self.reported: set[int] = set()
        self.done: set[str] = set()
        self.admin = ledger.client.as_viewer(ledger.units["城区"], "ADMIN")  # sees everything

    async def random_write(self) -> None:
        action = self.rng.choice(["report", "reassign", "rename", "transition"])
        if await getattr(self, action)():
            self.done.add(action)

    async def report(self) -> bool:
        tasks = await self.ledger.tasks()
        seq = self.rng.choice(sorted(tasks))
        data = await self.admin.query(
            "query ($id: ID!) { node(id: $id) { ... on Task { assignments { id unit { id } } } } }",
            {"id": str(global_id("Task", tasks[seq]["id"]))},
        )
        share = self.rng.choice(data["node"]["assignments"])
        reporter = self.ledger.client.as_viewer(decode_global_id(share["unit"]["id"]), "REPORTER")
        result = await reporter.query(
            "mutation ($i: ReportProgressInput!) { reportProgress(input: $i) { errors { code } } }",
            {"i": {"assignment": share["id"], "percent": self.rng.choice([10, 50, 100])}},
        )
        self.reported.add(seq)
        return result["reportProgress"]["errors"] == []

    async def reassign(self) -> bool:
        places = ["南村镇", "北石店镇", "区水务局", "区生态环境分局"]
        for seq in range(1, len(self.leads) + 1):
            if seq not in self.reported and self.rng.random() < 0.5:
                self.leads[seq - 1] = self.rng.choice(places)
        payload = await self.ledger.upload(csv_bytes(_rows(self.leads)), "台账.csv")
        return payload["errors"] == []

    async def rename(self) -> bool:
        tasks = await self.ledger.tasks()
        task = tasks[self.rng.choice(sorted(tasks))]
        result = await self.ledger.as_unit("城区").query(
            "mutation ($i: UpdateTaskInput!) { updateTask(input: $i) { errors { code } } }",
            {
                "i": {
                    "task": str(global_id("Task", task["id"])),
                    "expectedVersion": task["version"],
                    "title": f"改名{self.rng.randint(1, 10**6)}",
                }
            },
        )
        return result["updateTask"]["errors"] == []

    async def transition(self) -> bool:
        data = await self.admin.query(
            "{ rectifications(first: 50) { edges { node { id status version "
            "responsibleUnits { id } } } } }"
        )
        candidates = [
            e["node"]
            for e in data["rectifications"]["edges"]
            if e["node"]["status"] in ("NOT_STARTED", "IN_PROGRESS")
            and e["node"]["responsibleUnits"]
        ]
        rect = self.rng.choice(candidates)
        unit = decode_global_id(self.rng.choice(rect["responsibleUnits"])["id"])
        to = "IN_PROGRESS" if rect["status"] == "NOT_STARTED" else "COMPLETED"
        result = await self.ledger.client.as_viewer(unit, "REPORTER").query(
            "mutation ($i: TransitionRectificationInput!) { transitionRectification(input: $i) "
            "{ errors { code } } }",
            {"i": {"rectification": rect["id"], "to": to, "expectedVersion": rect["version"]}},
        )
        return result["transitionRectification"]["errors"] == []


@pytest.mark.postgres
@pytest.mark.private_db
async def test_log_entries_commit_in_seq_order(ledger: Ledger) -> None:
    """A writer appending while another's entries are uncommitted waits for that commit, so
    no reader can serve a higher seq and later find a lower one committed behind it.
    """
    if ledger.db.dialect != "postgresql":
        pytest.skip("SQLite serialises writers itself")
    engine = ledger.db.engine
    first, second = [t["id"] for t in (await _seed_tasks(ledger)).values()][:2]
    async with engine.connect() as reader_conn:
        reader = ConnectionReader(reader_conn)
        start = await present(reader)
        await reader_conn.rollback()
        slow, fast = await engine.connect(), await engine.connect()
        try:
            await slow.begin()
            await append(slow, {("task", first): set()}, changed_at=_now())

            async def later() -> None:
                await fast.begin()
                await append(fast, {("task", second): set()}, changed_at=_now())
                await fast.commit()

            waiting = asyncio.create_task(later())
            await asyncio.sleep(0.3)
            assert not waiting.done()  # the tail is held until `slow` ends
            page = await read_entries(reader, EVERYTHING, start, [ChangeType.TASK], 10, {})
            await reader_conn.rollback()
            assert (page.entries, page.end) == ([], start)
            await slow.commit()
            await asyncio.wait_for(waiting, 10)
            after = await read_entries(reader, EVERYTHING, page.end, [ChangeType.TASK], 10, {})
            await reader_conn.rollback()
        finally:
            await slow.close()
            await fast.close()
    assert [e.object_id for e in after.entries] == [first, second]
    assert [e.seq for e in after.entries] == sorted(e.seq for e in after.entries)


async def _seed_tasks(ledger: Ledger) -> dict[int, dict[str, Any]]:
    await ledger.upload(csv_bytes(_rows(["南村镇", "北石店镇"])), "台账.csv")
    return await ledger.tasks()


async def _task_ids(client: GraphQLClient) -> set[str]:
    ids: set[str] = set()
    after = None
    while True:
        data = await client.query(
            "query ($a: String) { tasks(first: 100, after: $a) { edges { node { id } } "
            "pageInfo { hasNextPage endCursor } } }",
            {"a": after},
        )
        ids |= {e["node"]["id"] for e in data["tasks"]["edges"]}
        if not data["tasks"]["pageInfo"]["hasNextPage"]:
            return ids
        after = data["tasks"]["pageInfo"]["endCursor"]


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)
