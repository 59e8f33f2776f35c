"""A fresh plan to import into, and importLedger over HTTP (GraphQL multipart request spec)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import orjson
import pytest
import sqlalchemy as sa

import models
from resolvers.common import decode_global_id, global_id
from resolvers.document.label_stems import insert_plans
from tests.conftest import GraphQLClient, TestDatabase

DOC_NUMBER = "城政办发〔2024〕9号"

IMPORT = """
mutation ($input: ImportLedgerInput!) { importLedger(input: $input) {
  report { dryRun written created updated unchanged notInFile
    rows { row seq outcome changedFields task { id code seq } }
    rowErrors { row column code message } warnings { row column code message } }
  errors { code field message } } }
"""

COUNTED = (
    "task",
    "assignment",
    "assignment_status_event",
    "progress_report",
    "audit_event",
    "change_log",
)


@dataclass
class Ledger:
    """The plan a test imports into and clients for its roles."""

    db: TestDatabase
    client: GraphQLClient
    plan_id: uuid.UUID
    units: dict[str, uuid.UUID]

    @property
    def plan(self) -> str:
        return str(global_id("Plan", self.plan_id))

    def as_unit(self, name: str, role: str = "COORDINATOR") -> GraphQLClient:
        return self.client.as_viewer(self.units[name], role)

    async def upload(
        self,
        data: bytes,
        filename: str = "台账.xlsx",
        *,
        viewer: GraphQLClient | None = None,
        extra_headers: dict[str, str] | None = None,
        **variables: Any,
    ) -> dict[str, Any]:
        """importLedger as a multipart request; returns the payload (or the whole body)."""
        client = viewer or self.as_unit("城区")
        variables.setdefault("plan", self.plan)
        operations = {"query": IMPORT, "variables": {"input": {**variables, "file": None}}}
        headers = {"authorization": f"Bearer {client.token}"} if client.token else {}
        headers |= extra_headers or {}
        response = await client.http.post(
            "/graphql",
            data={
                "operations": orjson.dumps(operations).decode(),
                "map": orjson.dumps({"0": ["variables.input.file"]}).decode(),
            },
            files={"0": (filename, data, "application/octet-stream")},
            headers=headers,
        )
        body: dict[str, Any] = response.json()
        if "errors" in body:
            return body
        payload: dict[str, Any] = body["data"]["importLedger"]
        return payload

    async def counts(self) -> dict[str, int]:
        async with self.db.engine.connect() as conn:
            return {
                name: int((await conn.execute(sa.text(f"SELECT count(*) FROM {name}"))).scalar())
                for name in COUNTED
            }

    async def tasks(self) -> dict[int, dict[str, Any]]:
        """The plan's top-level tasks by 序号, with their assignments' (unit name, role, group)."""
        task_t = models.metadata.tables["task"]
        assignment_t = models.metadata.tables["assignment"]
        unit_t = models.metadata.tables["org_unit"]
        async with self.db.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(task_t).where(
                    task_t.c.plan_id == self.plan_id, task_t.c.parent_id.is_(None)
                )
            )
            tasks = {row["seq"]: dict(row) for row in rows.mappings()}
            units = await conn.execute(
                sa.select(assignment_t.c.task_id, unit_t.c.name, assignment_t.c.role)
                .add_columns(assignment_t.c.via_group)
                .join(unit_t, unit_t.c.id == assignment_t.c.org_unit_id)
                .where(assignment_t.c.task_id.in_([t["id"] for t in tasks.values()]))
            )
            by_task: dict[uuid.UUID, set[tuple[str, str, str | None]]] = {}
            for task_id, name, role, via in units:
                by_task.setdefault(task_id, set()).add((name, role, via))
        for task in tasks.values():
            task["units"] = by_task.get(task["id"], set())
        return tasks


async def _unit_ids(client: GraphQLClient, names: list[str]) -> dict[str, uuid.UUID]:
    out = {}
    for name in names:
        data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
        out[name] = decode_global_id(data["orgUnit"]["id"])
    return out


ISSUED_ON = date(2024, 3, 1)


async def create_plan(
    db: TestDatabase,
    issuer: uuid.UUID,
    *,
    issued_on: date | None = ISSUED_ON,
    doc_number: str = DOC_NUMBER,
) -> uuid.UUID:
    """An empty air plan (year 2024) of a new 城区 document, 城政办发〔2024〕9号."""
    document_id, plan_id = uuid.uuid4(), uuid.uuid4()
    now = datetime.now(UTC)
    stamps = {"created_at": now, "updated_at": now, "version": 1}
    async with db.engine.begin() as conn:
        await conn.execute(
            models.metadata.tables["document"].insert(),
            [
                {
                    "id": document_id,
                    "doc_number": doc_number,
                    "doc_number_normalized": doc_number,
                    "title": "2024年行动计划",
                    "kind": "NOTICE",
                    "issuer_id": issuer,
                    "issued_on": issued_on,
                    "attributes": {},
                    **stamps,
                }
            ],
        )
        await insert_plans(  # the one plan writer: its label stem (2024大气)
            conn,
            [
                {
                    "id": plan_id,
                    "document_id": document_id,
                    "parent_id": None,
                    "key": "air",
                    "title": "2024年空气质量行动计划",
                    "kind": "ACTION_PLAN",
                    "field": "AIR",
                    "year": 2024,
                    "seq": 1,
                    "narrative": [],
                    **stamps,
                }
            ],
        )
    return plan_id


UNITS = ["城区", "城区人民政府办公室", "南村镇", "城区生态环境分局", "城区水务局", "北石店镇"]


async def open_ledger(db: TestDatabase, client: GraphQLClient) -> Ledger:
    """The plan of `create_plan` in `db`, with the units tests act as."""
    units = await _unit_ids(client, UNITS)  # the demo viewer reads everything
    plan_id = await create_plan(db, units["城区人民政府办公室"])
    return Ledger(db=db, client=client, plan_id=plan_id, units=units)


@pytest.fixture
async def ledger(client: GraphQLClient, seeded_db: TestDatabase) -> Ledger:
    """An empty air plan (year 2024, issued 2024-03-01) of a new 城区 document."""
    return await open_ledger(seeded_db, client)
