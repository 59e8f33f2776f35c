"""Nothing lost, nothing diverges: snapshot + change feed = a new snapshot, object by object.

A partner loads /export/snapshot.json of 城区, then the world writes: GraphQL mutations of
several kinds (progress, task edits, targets and measurements, a rectification, a document and
a plan), command-line writes (`import-ledger`, the `escalate-overdue` cron), a task of the
city's plan reassigned out of 城区; then a restart (`govgraph seed` again, as `make run`
does, and a new app instance). The partner follows `changes` from the snapshot's cursor,
applies each change to its copy (the change's rows replace the object's rows), and the copy
must equal a new snapshot in every collection, for an ADMIN token, an INTERNAL key and a
SHARED key, on SQLite and PostgreSQL. Before: targets and measurements never reached the
feed, the ADMIN partner received other counties' tasks and never heard that a task left
城区, and the restart brought back a lead the import had removed.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.api_keys import create_key
from api.app import create_app
from api.auth import mint_token
from api.db import create_engine
from api.settings import Settings
from models.enums import ViewerRole
from resolvers.common import decode_global_id, global_id
from tests.conftest import TEST_SECRET, TestDatabase
from tests.ledger_files import Row, csv_bytes
from tests.resolvers.sync.helpers import (
    AIR_016,
    air_row,
    command,
    import_air_ledger,
    lead_names,
    ledger_with_lead,
    unit_id,
)

CITY_DOC = "市政办发〔2024〕77号"
HEAD = {"asOf", "unit", "disclosure", "changesCursor"}

# What a change replaces in a mirror: (collection, the owner field holding the object's id).
# Progress reports go with their assignment (README, "Ledgers and data sharing").
OWNED: dict[str, list[tuple[str, str]]] = {
    "ORG_UNIT": [("orgUnits", "id"), ("orgUnitAliases", "orgUnitId")],
    "INDICATOR": [("indicators", "id")],
    "MONITORING_SECTION": [("monitoringSections", "id")],
    "DOCUMENT": [("documents", "id"), ("plans", "documentId")],
    "TASK": [("tasks", "id"), ("taskDeadlineChanges", "taskId"), ("assignments", "taskId")],
    "INSPECTION": [("inspections", "id"), ("findings", "inspectionId")],
    "RECTIFICATION": [
        ("rectifications", "id"),
        ("rectificationFindings", "rectificationId"),
        ("rectificationAssignments", "rectificationId"),
        ("rectificationEvents", "rectificationId"),
    ],
    "TARGET": [("targets", "id")],
    "MEASUREMENT": [("measurements", "id")],
    "ESCALATION": [("escalations", "id")],
    "PROPOSAL": [("proposals", "id")],
}

CHANGES = """
query ($since: String, $unit: ID) { changes(since: $since, first: 100, unit: $unit) {
  edges { node { type objectId deleted records } } pageInfo { hasNextPage endCursor } } }
"""

PLAN = "mutation ($i: CreatePlanInput!) { createPlan(input: $i) { plan { id } errors { code } } }"

Snapshot = dict[str, Any]


def apply(mirror: Snapshot, change: dict[str, Any]) -> None:
    """Replace the object's rows in the mirror by the change's (none for a tombstone)."""
    object_id = change["objectId"]
    dropped: set[str] = set()
    for collection, owner in OWNED[change["type"]]:
        kept = []
        for row in mirror[collection]:
            if row[owner] == object_id:
                dropped.add(row["id"]) if collection == "assignments" else None
            else:
                kept.append(row)
        mirror[collection] = kept
    if change["type"] == "TASK":
        mirror["progressReports"] = [
            r for r in mirror["progressReports"] if r["assignmentId"] not in dropped
        ]
    assert set(change["records"]) >= {c for c, _ in OWNED[change["type"]]}
    for collection, rows in change["records"].items():
        mirror[collection].extend(rows)


def canonical(snapshot: Snapshot) -> dict[str, dict[str, Any]]:
    """Every collection as {row key: row}: objects compare one by one."""
    out: dict[str, dict[str, Any]] = {}
    for collection, rows in snapshot.items():
        if collection in HEAD:
            continue
        keyed: dict[str, Any] = {}
        for row in rows:
            key = row.get("id") or "|".join(str(v) for v in row.values())
            assert key not in keyed, (collection, key)  # a row applied twice
            keyed[key] = row
        out[collection] = keyed
    return out


def differences(mirror: Snapshot, fresh: Snapshot) -> list[str]:
    """Human-readable differences, object by object."""
    left, right = canonical(mirror), canonical(fresh)
    out = []
    for collection in sorted(set(left) | set(right)):
        a, b = left.get(collection, {}), right.get(collection, {})
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                out.append(f"{collection} {key}: mirror {a.get(key)} != snapshot {b.get(key)}")
    return out


class Partner:
    """A viewer mirroring 城区: its credentials and how it asks for the snapshot."""

    def __init__(self, name: str, headers: dict[str, str], unit: str | None) -> None:
        self.name, self.headers, self.unit = name, headers, unit
        self.snapshot: Snapshot = {}
        self.types: set[str] = set()
        self.tombstones: set[tuple[str, str]] = set()

    async def take_snapshot(self, http: httpx.AsyncClient) -> Snapshot:
        params = {"unit": self.unit} if self.unit else {}
        response = await http.get("/export/snapshot.json", params=params, headers=self.headers)
        assert response.status_code == 200, response.text
        body: Snapshot = response.json()
        return body

    async def follow(self, http: httpx.AsyncClient, mirror: Snapshot) -> None:
        since = mirror["changesCursor"]
        while True:
            response = await http.post(
                "/graphql",
                json={"query": CHANGES, "variables": {"since": since}},
                headers=self.headers,
            )
            body = response.json()
            assert "errors" not in body, body
            page = body["data"]["changes"]
            for edge in page["edges"]:
                change = edge["node"]
                self.types.add(change["type"])
                if change["deleted"]:
                    self.tombstones.add((change["type"], change["objectId"]))
                apply(mirror, change)
            since = page["pageInfo"]["endCursor"]
            if not page["pageInfo"]["hasNextPage"]:
                mirror["changesCursor"] = since
                return


class World:
    """The writers: GraphQL over the app, and the command line on the database's URL."""

    def __init__(
        self, db: TestDatabase, http: httpx.AsyncClient, tmp: Path, admin_unit: uuid.UUID
    ) -> None:
        self.db, self.http, self.tmp = db, http, tmp
        self.admin = {"authorization": "Bearer " + self._token(admin_unit, "ADMIN")}

    @staticmethod
    def _token(unit: uuid.UUID, role: str) -> str:
        return mint_token(TEST_SECRET, unit_id=unit, role=ViewerRole(role))

    async def gql(
        self, query: str, variables: dict[str, Any], headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers or self.admin
        )
        body = response.json()
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        payload = next(iter(data.values()))
        if isinstance(payload, dict) and "errors" in payload:
            assert payload["errors"] == [], payload
        return data

    async def unit(self, name: str) -> str:
        data = await self.gql("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
        unit_id: str = data["orgUnit"]["id"]
        return unit_id

    async def city_plan(self) -> None:
        """A 晋城市 document and plan whose task 1 is led by 城区 and task 2 by 泽州县."""
        doc = await self.gql(
            "mutation ($i: CreateDocumentInput!) { createDocument(input: $i) { document { id } "
            "errors { code } } }",
            {
                "i": {
                    "title": "市级督办事项",
                    "kind": "NOTICE",
                    "docNumber": CITY_DOC,
                    "issuer": await self.unit("晋城市"),
                }
            },
        )
        await self.gql(
            PLAN,
            {
                "i": {
                    "document": doc["createDocument"]["document"]["id"],
                    "title": "市级督办清单",
                    "kind": "ACTION_PLAN",
                    "field": "AIR",
                    "key": "city",
                }
            },
        )
        await self.import_city("城区", "泽州县")

    async def import_city(self, *leads: str) -> None:
        rows = [
            Row("一、市级督办", n, f"市级督办措施{n}。", "2024年6月底前", lead)
            for n, lead in enumerate(leads, start=1)
        ]
        path = self.tmp / f"city-{uuid.uuid4().hex[:6]}.csv"
        path.write_bytes(csv_bytes(rows))
        argv = ["import-ledger", str(path), "--doc-number", CITY_DOC, "--plan-key", "city"]
        assert await command(self.db, argv) == 0

    async def report_progress(self) -> None:
        data = await self.gql(
            '{ tasks(filter: {text: "秸秆禁烧"}) { edges { node { '
            "assignments { id unit { id } } } } } }",
            {},
        )
        share = data["tasks"]["edges"][0]["node"]["assignments"][0]
        reporter = {
            "authorization": "Bearer "
            + self._token(decode_global_id(share["unit"]["id"]), "REPORTER")
        }
        await self.gql(
            "mutation ($i: ReportProgressInput!) { reportProgress(input: $i) { errors { code } } }",
            {"i": {"assignment": share["id"], "percent": 30, "narrative": "已部署"}},
            reporter,
        )

    async def rename_task(self) -> None:
        task = await air_row(self.db, "air/003")
        await self.gql(
            "mutation ($i: UpdateTaskInput!) { updateTask(input: $i) { errors { code } } }",
            {
                "i": {
                    "task": str(global_id("Task", task["id"])),
                    "expectedVersion": task["version"],
                    "title": "改名后的任务",
                }
            },
        )

    async def targets_and_measurements(self) -> None:
        town = await self.unit("南村镇")
        created = await self.gql(
            "mutation ($i: CreateTargetInput!) { createTarget(input: $i) { target { id version } "
            "errors { code } } }",
            {
                "i": {
                    "indicator": "PM25",
                    "unit": town,
                    "year": 2026,
                    "kind": "BINDING",
                    "value": 35,
                }
            },
        )
        target = created["createTarget"]["target"]
        await self.gql(
            "mutation ($i: UpdateTargetInput!) { updateTarget(input: $i) { errors { code } } }",
            {"i": {"target": target["id"], "expectedVersion": target["version"], "value": 33}},
        )
        for month in (1, 2):
            await self.gql(
                "mutation ($i: RecordMeasurementInput!) { recordMeasurement(input: $i) "
                "{ errors { code } } }",
                {
                    "i": {
                        "indicator": "PM25",
                        "unit": town,
                        "year": 2026,
                        "month": month,
                        "value": 40 + month,
                    }
                },
            )

    async def transition_rectification(self) -> None:
        data = await self.gql("{ rectifications(first: 1) { edges { node { id version } } } }", {})
        rect = data["rectifications"]["edges"][0]["node"]
        await self.gql(
            "mutation ($i: TransitionRectificationInput!) { transitionRectification(input: $i) "
            "{ errors { code } } }",
            {
                "i": {
                    "rectification": rect["id"],
                    "to": "IN_PROGRESS",
                    "expectedVersion": rect["version"],
                }
            },
        )

    async def district_document(self) -> None:
        doc = await self.gql(
            "mutation ($i: CreateDocumentInput!) { createDocument(input: $i) { document { id } "
            "errors { code } } }",
            {"i": {"title": "城区补充通知", "kind": "NOTICE", "issuer": await self.unit("城区")}},
        )
        await self.gql(
            PLAN,
            {
                "i": {
                    "document": doc["createDocument"]["document"]["id"],
                    "title": "补充方案",
                    "kind": "OTHER",
                    "field": "OTHER",
                }
            },
        )


async def _keys(db: TestDatabase) -> dict[str, str]:
    district = await unit_id(db, "城区")
    async with db.engine.begin() as conn:
        internal = await create_key(conn, name="内部平台", unit_id=district, disclosure="INTERNAL")
        shared = await create_key(conn, name="共享平台", unit_id=district, disclosure="SHARED")
    return {"INTERNAL": internal.secret, "SHARED": shared.secret}


def _app(db_url: str, engine: Any) -> httpx.AsyncClient:
    settings = Settings(database_url=db_url, secret=TEST_SECRET, anonymous=False)
    transport = httpx.ASGITransport(app=create_app(settings, engine=engine))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.mark.private_db  # the command line and the restarted app open engines of their own
async def test_snapshot_and_feed_converge_after_writes_and_a_restart(
    seeded_db: TestDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = await _keys(seeded_db)
    async with _app(seeded_db.url, seeded_db.engine) as http:
        world = World(seeded_db, http, tmp_path, await unit_id(seeded_db, "晋城市"))
        await world.city_plan()
        partners = [
            Partner("ADMIN token", world.admin, await world.unit("城区")),
            Partner("INTERNAL key", {"x-api-key": keys["INTERNAL"]}, None),
            Partner("SHARED key", {"x-api-key": keys["SHARED"]}, None),
        ]
        for partner in partners:
            partner.snapshot = await partner.take_snapshot(http)
        city_task = next(t for t in partners[0].snapshot["tasks"] if t["title"] == "市级督办措施1")
        assert not any(t["title"] == "市级督办措施2" for t in partners[0].snapshot["tasks"])
        # The world writes: GraphQL mutations of several kinds ...
        await world.report_progress()
        await world.rename_task()
        await world.targets_and_measurements()
        await world.transition_rectification()
        await world.district_document()
    # ... and the command line: a ledger import takes air/016's lead away, the city's plan
    # takes its task 1 from 城区, the daily cron escalates.
    energy_task = await air_row(seeded_db, AIR_016)
    await import_air_ledger(
        seeded_db, ledger_with_lead(energy_task, "区生态环境分局", tmp_path / "air016.csv")
    )
    await world.import_city("泽州县", "泽州县")
    assert await command(seeded_db, ["escalate-overdue", "--as-of", "2024-01-15"]) == 0
    # The restart: `make run` seeds again, and a new app instance serves.
    capsys.readouterr()
    assert await command(seeded_db, ["seed"]) == 0
    assert "nothing written" in capsys.readouterr().out
    assert await lead_names(seeded_db, energy_task["id"]) == ["城区生态环境分局"]
    restarted = create_engine(seeded_db.url)
    try:
        async with _app(seeded_db.url, restarted) as http:
            for partner in partners:
                mirror = dict(partner.snapshot)
                mirror = {k: list(v) if isinstance(v, list) else v for k, v in mirror.items()}
                await partner.follow(http, mirror)
                fresh = await partner.take_snapshot(http)
                changed = differences(partner.snapshot, fresh)
                assert len(changed) > 20, partner.name  # the writes changed the partner's view
                assert differences(mirror, fresh) == [], partner.name
                # The feed carried the snapshot's other objects, and the task that left.
                assert {"TASK", "TARGET", "MEASUREMENT", "ESCALATION", "DOCUMENT"} <= partner.types
                assert ("TASK", city_task["id"]) in partner.tombstones, partner.name
                assert not any(t["title"].startswith("市级督办") for t in fresh["tasks"])
    finally:
        await restarted.dispose()
