"""One truth: every surface that shows a count agrees, on a generated province.

For random units, viewers (every level, restricted and ADMIN) and dates (past, today,
future), on SQLite and PostgreSQL (with and without the compiled read path): unit rollups
(maintained and live), a unit's own and subtree counts, the matching list filters'
totalCount and their connection rollups, plan rollups against plan lists, rectification
rollups against their filter, the ledger export's 是否逾期 rows, escalation candidates, and
the dashboard's card against its list. Deterministic: a fixed random seed.
"""

from __future__ import annotations

import csv
import io
import random
import uuid
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

import models
from models.rules import calendar
from models.rules import task_state as rules
from resolvers.common import global_id
from resolvers.escalation.service import overdue_items
from resolvers.rollups.maintained import refresh_task_rollups
from seeds.synthetic import Sizes
from seeds.synthetic_load import generate
from tests.conftest import GraphQLClient, TestDatabase, graphql_client
from tests.resolvers.rollups.check import as_of_dates, mismatches

SIZES = Sizes(units=70, tasks=700, reports=2800)
SAMPLES = 10
unit_t = models.metadata.tables["org_unit"]
closure_t = models.metadata.tables["org_unit_closure"]
plan_t = models.metadata.tables["plan"]
task_t = models.metadata.tables["task"]
change_t = models.metadata.tables["task_deadline_change"]

UNIT_COUNTS = """
query Counts($u: ID!, $d: Date!) {
  orgUnit(id: $u) {
    name
    taskRollup(asOf: $d) { total overdue dueSoon }
    own: taskRollup(asOf: $d, includeDescendants: false) { overdue dueSoon }
    overdue: tasks(includeDescendants: true, filter: { overdueAsOf: $d }) {
      totalCount
      rollup(asOf: $d) { total overdue }
    }
    dueSoon: tasks(includeDescendants: true, filter: { dueSoonAsOf: $d }) {
      totalCount
      rollup(asOf: $d) { total dueSoon }
    }
    ownOverdue: tasks(filter: { overdueAsOf: $d }) { totalCount }
    ownDueSoon: tasks(filter: { dueSoonAsOf: $d }) { totalCount }
    filtered: taskRollup(asOf: $d, filter: { overdueAsOf: $d }) { total overdue }
    rectificationRollup(asOf: $d) { overdue dueSoon }
    ownRectifications: rectificationRollup(asOf: $d, includeDescendants: false) { overdue }
    rectifications(includeDescendants: true, filter: { overdueAsOf: $d }) { totalCount }
    rectificationsDueSoon: rectifications(
      includeDescendants: true, filter: { dueSoonAsOf: $d }
    ) { totalCount }
  }
}
"""

PLAN_COUNTS = """
query Plan($p: ID!, $d: Date!) {
  node(id: $p) {
    ... on Plan {
      taskRollup(asOf: $d) { overdue dueSoon }
      overdue: tasks(filter: { overdueAsOf: $d }) { totalCount }
      dueSoon: tasks(filter: { dueSoonAsOf: $d }) { totalCount }
    }
  }
}
"""


def _unit_agrees(unit: dict[str, Any]) -> list[str]:
    """The disagreements inside one unit's answer (empty when every surface agrees)."""
    out = []
    rollup, overdue, due = unit["taskRollup"], unit["overdue"], unit["dueSoon"]
    pairs = {
        "list overdue": (rollup["overdue"], overdue["totalCount"]),
        "list rollup overdue": (rollup["overdue"], overdue["rollup"]["overdue"]),
        "list rollup total": (rollup["overdue"], overdue["rollup"]["total"]),
        "filtered rollup": (rollup["overdue"], unit["filtered"]["total"]),
        "filtered rollup overdue": (rollup["overdue"], unit["filtered"]["overdue"]),
        "list due soon": (rollup["dueSoon"], due["totalCount"]),
        "list rollup due soon": (rollup["dueSoon"], due["rollup"]["dueSoon"]),
        "own overdue": (unit["own"]["overdue"], unit["ownOverdue"]["totalCount"]),
        "own due soon": (unit["own"]["dueSoon"], unit["ownDueSoon"]["totalCount"]),
        "rectifications overdue": (
            unit["rectificationRollup"]["overdue"],
            unit["rectifications"]["totalCount"],
        ),
        "rectifications due soon": (
            unit["rectificationRollup"]["dueSoon"],
            unit["rectificationsDueSoon"]["totalCount"],
        ),
    }
    for name, (a, b) in pairs.items():
        if a != b:
            out.append(f"{name}: {a} != {b}")
    return out


async def _export_overdue(client: GraphQLClient, unit: str, day: date) -> int:
    """Rows the ledger export marks 是否逾期 = 是 for the unit's LEAD shares as of `day`."""
    headers = {"authorization": f"Bearer {client.token}"} if client.token else {}
    response = await client.http.get(
        "/export/ledger.csv",
        params={"unit": unit, "role": "LEAD", "asOf": day.isoformat()},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    column = rows[0].index("是否逾期")
    return sum(row[column] == "是" for row in rows[1:])


async def _facts(db: TestDatabase) -> dict[str, Any]:
    async with db.engine.connect() as conn:
        units = [
            (row.id, row.parent_id)
            for row in await conn.execute(sa.select(unit_t.c.id, unit_t.c.parent_id))
        ]
        subtree: dict[uuid.UUID, set[uuid.UUID]] = {}
        for anc, desc in await conn.execute(
            sa.select(closure_t.c.ancestor_id, closure_t.c.descendant_id)
        ):
            subtree.setdefault(anc, set()).add(desc)
        plans = [row.id for row in await conn.execute(sa.select(plan_t.c.id))]
    return {"units": units, "subtree": subtree, "plans": plans}


async def _move_deadlines(db: TestDatabase, rng: random.Random, today: date) -> int:
    """Give a quarter of the tasks a deadline history: one or two changes at past moments,
    each replacing a deadline months apart (sometimes 长期坚持 or none). Every as-of surface
    must then judge a past day by the deadline in force at its end (task_state.deadline_at)."""
    async with db.engine.begin() as conn:
        tasks = (await conn.execute(sa.select(task_t).order_by(task_t.c.id))).mappings().all()
        rows = []
        for task in rng.sample(list(tasks), len(tasks) // 4):
            moments = sorted(
                datetime.combine(today - timedelta(days=rng.randint(1, 3 * 365)), time(), UTC)
                + timedelta(hours=rng.randint(0, 23))
                for _ in range(rng.choice([1, 2]))
            )
            new = (task["deadline_kind"], task["deadline_end"])
            for moment in reversed(moments):
                kind = rng.choice(["BY_DATE"] * 6 + ["ONGOING", "UNSPECIFIED"])
                end = (
                    (moment.date() + timedelta(days=rng.randint(-200, 200)))
                    if kind == "BY_DATE"
                    else None
                )
                rows.append(
                    {
                        "id": uuid.uuid4(),
                        "task_id": task["id"],
                        "changed_at": moment,
                        "previous_kind": kind,
                        "previous_end": end,
                        "previous_text": "",
                        "new_kind": new[0],
                        "new_end": new[1],
                        "new_text": "",
                    }
                )
                new = (kind, end)
        await conn.execute(change_t.insert(), rows)
        # As the writers' unit of work does: the tasks' maintained rollups and history.
        await refresh_task_rollups(conn, sorted({row["task_id"] for row in rows}, key=str))
    return len(rows)


def _dates(rng: random.Random, today: date) -> list[date]:
    past = [today - timedelta(days=rng.randint(1, 3 * 365)) for _ in range(2)]
    return [today, today + timedelta(days=rng.choice([1, 13, 14, 40])), *past]


async def _check_sample(
    clients: dict[str, GraphQLClient],
    unit: uuid.UUID,
    day: date,
    label: str,
    seen: Counter[str],
) -> list[str]:
    problems: list[str] = []
    variables = {"u": global_id("OrgUnit", unit), "d": day.isoformat()}
    answers = {}
    for path, client in clients.items():
        body = await client.execute(UNIT_COUNTS, variables)
        assert "errors" not in body, (label, body["errors"])
        answers[path] = body["data"]["orgUnit"]
        if answers[path] is None:
            return []  # not visible to this viewer
        problems += [f"{label} [{path}] {p}" for p in _unit_agrees(answers[path])]
    first, *others = answers.values()
    # What the sample exercised: overdue work, and shares judged apart from whole tasks.
    seen["overdue"] += first["taskRollup"]["overdue"] > 0
    seen["due soon"] += first["taskRollup"]["dueSoon"] > 0
    seen["past overdue"] += day < calendar.today() and first["taskRollup"]["overdue"] > 0
    problems += [f"{label}: read paths differ" for other in others if other != first]
    client = next(iter(clients.values()))
    exported = await _export_overdue(client, variables["u"], day)
    if exported != first["taskRollup"]["overdue"]:
        problems.append(f"{label} export 是否逾期 {exported} != {first['taskRollup']['overdue']}")
    return problems


@pytest.mark.private_db
@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "resolvers"])
async def test_every_surface_agrees_on_a_generated_province(
    empty_db: TestDatabase, compiled: bool
) -> None:
    await generate(empty_db.engine, SIZES, seed=13)
    facts = await _facts(empty_db)
    rng = random.Random(13)
    today = calendar.today()
    assert await _move_deadlines(empty_db, rng, today) > 0
    problems: list[str] = []
    seen: Counter[str] = Counter()
    units = facts["units"]
    root = next(u for u, parent in units if parent is None)
    async with graphql_client(empty_db, compiled=compiled) as anonymous:
        for n in range(SAMPLES):
            viewer_unit, _ = rng.choice(units)
            role = rng.choice(["VIEWER", "REPORTER", "COORDINATOR", "ADMIN"])
            client = anonymous.as_viewer(viewer_unit, role)
            inside = sorted(facts["subtree"][viewer_unit])
            # Every other sample a unit with a subtree, where own and subtree counts differ.
            interior = [u for u in inside if len(facts["subtree"][u]) > 1]
            if n % 2 == 0 and interior:
                unit = rng.choice(interior)
            else:
                unit = rng.choice(inside) if rng.random() < 0.8 else rng.choice(units)[0]
            for day in _dates(rng, today):
                label = f"#{n} viewer {role}@{viewer_unit} unit {unit} asOf {day}"
                problems += await _check_sample({"viewer": client}, unit, day, label, seen)
        admin = anonymous.as_viewer(root, "ADMIN")
        # Plans: the task as a whole, in the plan's rollup and in its lists.
        for plan in rng.sample(facts["plans"], min(6, len(facts["plans"]))):
            for day in _dates(rng, today):
                data = await admin.query(
                    PLAN_COUNTS, {"p": global_id("Plan", plan), "d": day.isoformat()}
                )
                node = data["node"]
                for key, field in (("overdue", "overdue"), ("dueSoon", "dueSoon")):
                    if node["taskRollup"][field] != node[key]["totalCount"]:
                        problems.append(f"plan {plan} {day} {key}: {node}")
        # Escalation candidates: a unit's own overdue shares and rectifications.
        for day in _dates(rng, today)[:3]:
            async with empty_db.engine.connect() as conn:
                items = await overdue_items(conn, day)
            shares = Counter(i.addressed_to for i in items if i.task_id is not None)
            rects = Counter(i.addressed_to for i in items if i.rectification_id is not None)
            for unit, parent in rng.sample(units, 12):
                if parent is None:
                    continue
                data = await admin.query(
                    UNIT_COUNTS, {"u": global_id("OrgUnit", unit), "d": day.isoformat()}
                )
                counts = data["orgUnit"]
                if shares[unit] != counts["own"]["overdue"]:
                    problems.append(f"escalation {unit} {day}: {shares[unit]} != {counts['own']}")
                if rects[unit] != counts["ownRectifications"]["overdue"]:
                    problems.append(f"escalation rect {unit} {day}: {rects[unit]}")
    async with empty_db.engine.connect() as conn:
        assert await mismatches(conn, as_of_dates(today)[:3]) == []
    assert problems == []
    assert min(seen["overdue"], seen["due soon"], seen["past overdue"]) > 0, seen


async def test_the_check_catches_a_list_that_judges_the_task_as_a_whole() -> None:
    """The comparison can fail: the old list (task as a whole) against the shares' count."""
    unit = {
        "taskRollup": {"total": 5, "overdue": 2, "dueSoon": 1},
        "own": {"overdue": 1, "dueSoon": 0},
        "overdue": {"totalCount": 3, "rollup": {"total": 3, "overdue": 2}},
        "dueSoon": {"totalCount": 1, "rollup": {"total": 1, "dueSoon": 1}},
        "ownOverdue": {"totalCount": 1},
        "ownDueSoon": {"totalCount": 0},
        "filtered": {"total": 2, "overdue": 2},
        "rectificationRollup": {"overdue": 0, "dueSoon": 0},
        "rectifications": {"totalCount": 0},
        "rectificationsDueSoon": {"totalCount": 0},
    }
    assert _unit_agrees(unit) == ["list overdue: 2 != 3", "list rollup total: 2 != 3"]


SHARES = """
query Shares($u: ID!, $d: Date!) {
  orgUnit(id: $u) {
    taskRollup(asOf: $d) { overdue }
    overdue: tasks(includeDescendants: true, filter: { overdueAsOf: $d }, first: 100) {
      totalCount
      edges { node { id leadUnits { id } assignments { id role version unit { id } } } }
    }
  }
}
"""


class TestSharesAgainstTheWholeTask:
    async def test_a_town_that_finished_its_share_leaves_its_list_and_its_count(
        self, client: GraphQLClient
    ) -> None:
        """Before: the list kept a task another lead had not finished (18 on the card, 21 in
        the list); now list and count judge the town's own share alike."""
        admin = client.as_viewer(uuid.UUID(_raw(await _unit(client, "城区"))), "ADMIN")
        town = await _unit(client, "南村镇")
        day = calendar.today().isoformat()
        before = (await admin.query(SHARES, {"u": town, "d": day}))["orgUnit"]
        assert before["taskRollup"]["overdue"] == before["overdue"]["totalCount"] > 0
        shared = next(
            e["node"] for e in before["overdue"]["edges"] if len(e["node"]["leadUnits"]) > 1
        )
        share = next(
            a for a in shared["assignments"] if a["unit"]["id"] == town and a["role"] == "LEAD"
        )
        reporter = client.as_viewer(uuid.UUID(_raw(town)), "REPORTER")
        result = await reporter.query(
            """mutation ($input: ReportProgressInput!) {
              reportProgress(input: $input) { errors { code } } }""",
            {
                "input": {
                    "assignment": share["id"],
                    "percent": 100,
                    "expectedVersion": share["version"],
                }
            },
        )
        assert result["reportProgress"]["errors"] == []
        after = (await admin.query(SHARES, {"u": town, "d": day}))["orgUnit"]
        assert after["taskRollup"]["overdue"] == before["taskRollup"]["overdue"] - 1
        assert after["overdue"]["totalCount"] == after["taskRollup"]["overdue"]
        assert shared["id"] not in {e["node"]["id"] for e in after["overdue"]["edges"]}
        # The task as a whole is still overdue: another lead has not finished.
        whole = await admin.query(
            "query ($d: Date!) { tasks(filter: { overdueAsOf: $d }, first: 100) {"
            " edges { node { id } } } }",
            {"d": day},
        )
        assert shared["id"] in {e["node"]["id"] for e in whole["tasks"]["edges"]}
        # Both meanings, named apart in the schema: the task overdue, the town's share not.
        yesterday = (calendar.today() - timedelta(days=1)).isoformat()
        node = (
            await admin.query(
                """query ($id: ID!, $d: Date!) { node(id: $id) { ... on Task {
                  overdue past: overdue(asOf: $d)
                  assignments { id overdue past: overdue(asOf: $d) } } } }""",
                {"id": shared["id"], "d": yesterday},
            )
        )["node"]
        assert node["overdue"] is True
        mine = next(a for a in node["assignments"] if a["id"] == share["id"])
        assert mine["overdue"] is False
        assert mine["past"] is True  # as of yesterday the share was still open
        others = [a for a in node["assignments"] if a["id"] != share["id"]]
        assert any(a["overdue"] for a in others)


async def _unit(client: GraphQLClient, name: str) -> str:
    data = await client.query("query ($n: String) { orgUnit(name: $n) { id } }", {"n": name})
    unit_id: str = data["orgUnit"]["id"]
    return unit_id


def _raw(node_id: str) -> str:
    import base64

    return base64.b64decode(node_id).decode().split(":", 1)[1]


FEED = """
query ($since: String) {
  changes(since: $since, first: 100, types: [TASK]) {
    edges { node { objectId deleted object { ... on Task { status deadline { kind end } } } } }
    pageInfo { hasNextPage endCursor } } }
"""


class TestMirrorFromSnapshotAndFeed:
    async def test_a_mirror_replayed_through_the_feed_counts_what_the_list_counts(
        self, client: GraphQLClient
    ) -> None:
        """A partner's mirror (snapshot, then the change feed) judged with the rules' Python
        twin gives Query.tasks(overdueAsOf)'s count, before and after writes."""
        district = uuid.UUID(_raw(await _unit(client, "城区")))
        viewer = client.as_viewer(district, "VIEWER")
        headers = {"authorization": f"Bearer {viewer.token}"}
        body = (
            await client.http.get("/export/snapshot.json", params={"unit": "城区"}, headers=headers)
        ).json()
        mirror = {
            global_id("Task", _raw(t["id"])) if ":" not in t["id"] else t["id"]: (
                t["status"],
                t["deadlineKind"],
                date.fromisoformat(t["deadlineEnd"]) if t["deadlineEnd"] else None,
            )
            for t in body["tasks"]
        }
        cursor = body["changesCursor"]
        today = calendar.today()
        count = "query ($d: Date!) { tasks(filter: { overdueAsOf: $d }) { totalCount } }"

        async def listed() -> int:
            data = await viewer.query(count, {"d": today.isoformat()})
            total: int = data["tasks"]["totalCount"]
            return total

        def mirrored() -> int:
            return sum(
                rules.is_overdue(status == "COMPLETED", kind, end, today)
                for status, kind, end in mirror.values()
            )

        before = await listed()
        assert mirrored() == before > 0
        # Finish every share of two overdue single-lead tasks, as their units report.
        overdue = await client.as_viewer(district, "ADMIN").query(
            """query ($d: Date!) { tasks(filter: { overdueAsOf: $d }, first: 50) { edges {
                node { leadUnits { id } assignments { id role version unit { id } } } } } }""",
            {"d": today.isoformat()},
        )
        finished = 0
        for edge in overdue["tasks"]["edges"]:
            node = edge["node"]
            if len(node["leadUnits"]) != 1 or finished == 2:
                continue
            share = next(a for a in node["assignments"] if a["role"] == "LEAD")
            reporter = client.as_viewer(uuid.UUID(_raw(share["unit"]["id"])), "REPORTER")
            result = await reporter.query(
                """mutation ($input: ReportProgressInput!) {
                  reportProgress(input: $input) { errors { code } } }""",
                {
                    "input": {
                        "assignment": share["id"],
                        "percent": 100,
                        "expectedVersion": share["version"],
                    }
                },
            )
            assert result["reportProgress"]["errors"] == []
            finished += 1
        assert finished == 2
        while True:
            page = (await viewer.query(FEED, {"since": cursor}))["changes"]
            for edge in page["edges"]:
                change = edge["node"]
                if change["deleted"]:
                    mirror.pop(change["objectId"], None)
                else:
                    task = change["object"]
                    end = task["deadline"]["end"]
                    mirror[change["objectId"]] = (
                        task["status"],
                        task["deadline"]["kind"],
                        date.fromisoformat(end) if end else None,
                    )
            cursor = page["pageInfo"]["endCursor"]
            if not page["pageInfo"]["hasNextPage"]:
                break
        assert mirrored() == await listed() == before - 2


EDGE_DATES = """
query ($d: Date!) {
  orgUnit(name: "城区") {
    taskRollup(asOf: $d) { overdue dueSoon }
    rectificationRollup(asOf: $d) { overdue dueSoon }
    tasks(includeDescendants: true, filter: { overdueAsOf: $d, dueSoonAsOf: $d }) { totalCount }
  }
  plans(first: 1) { edges { node { taskRollup(asOf: $d) { dueSoon } } } }
  tasks(first: 1, filter: { dueSoonAsOf: $d }) { totalCount edges { node { overdue(asOf: $d) } } }
}
"""


class TestDatesAtTheCalendarsEnds:
    """The accepted range's ends (models/rules/calendar.py) are answered everywhere; dates
    beyond them are input errors (tests/api/test_hostile_inputs.py), never internal ones."""

    @pytest.mark.parametrize("day", [calendar.MIN_DATE.isoformat(), calendar.MAX_DATE.isoformat()])
    async def test_every_surface_answers_without_an_internal_error(
        self, client: GraphQLClient, day: str
    ) -> None:
        body = await client.execute(EDGE_DATES, {"d": day})
        assert "errors" not in body, body["errors"]
        assert body["data"]["orgUnit"]["taskRollup"]["dueSoon"] == 0
        response = await client.http.get("/export/ledger.csv", params={"unit": "城区", "asOf": day})
        assert response.status_code == 200

    @pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
    async def test_beyond_them_every_surface_refuses_the_date(
        self, client: GraphQLClient, day: str
    ) -> None:
        body = await client.execute(EDGE_DATES, {"d": day})
        assert body.get("data") is None, body
        assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}
        response = await client.http.get("/export/ledger.csv", params={"unit": "城区", "asOf": day})
        assert response.status_code == 400
