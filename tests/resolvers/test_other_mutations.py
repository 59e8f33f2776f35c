"""recordMeasurement, createTarget, updateTarget, createDocument, createPlan, auditEvents."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from resolvers.common import decode_global_id
from tests.conftest import GraphQLClient, TestDatabase

RECORD = """
mutation ($input: RecordMeasurementInput!) { recordMeasurement(input: $input) {
  measurement { year month value valueText orgUnit { name } indicator { code } }
  errors { code field } } }
"""
TARGET = """
mutation ($input: CreateTargetInput!) { createTarget(input: $input) {
  target { id year month value kind version attainment(asOf: "2024-02-01") { status actual } }
  errors { code field } } }
"""
UPDATE_TARGET = """
mutation ($input: UpdateTargetInput!) { updateTarget(input: $input) {
  target { value version } errors { code field } } }
"""
DOCUMENT = """
mutation ($input: CreateDocumentInput!) { createDocument(input: $input) {
  document { id docNumber title issuer { name } } errors { code field } } }
"""
PLAN = """
mutation ($input: CreatePlanInput!) { createPlan(input: $input) {
  plan { id title field year document { docNumber } } errors { code field } } }
"""


async def _unit(client: GraphQLClient, name: str) -> str:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    unit_id: str = data["orgUnit"]["id"]
    return unit_id


async def _as(client: GraphQLClient, name: str, role: str = "COORDINATOR") -> GraphQLClient:
    return client.as_viewer(decode_global_id(await _unit(client, name)), role)


async def _count(db: TestDatabase, table: str) -> int:
    async with db.engine.connect() as conn:
        return int((await conn.execute(sa.text(f"SELECT count(*) FROM {table}"))).scalar() or 0)


class TestMeasurementsAndTargets:
    async def test_record_then_correct_a_monthly_value(
        self, client: GraphQLClient, seeded_db: TestDatabase
    ) -> None:
        town = await _as(client, "南村镇", "REPORTER")
        unit = await _unit(client, "南村镇")
        before = await _count(seeded_db, "measurement")
        payload = {
            "indicator": "PM25",
            "unit": unit,
            "year": 2023,
            "month": 6,
            "value": 25,
            "source": "镇空气站",
        }
        first = await town.query(RECORD, {"input": payload})
        assert first["recordMeasurement"]["errors"] == []
        assert first["recordMeasurement"]["measurement"]["orgUnit"] == {"name": "南村镇"}
        corrected = await town.query(RECORD, {"input": {**payload, "value": 27}})
        assert corrected["recordMeasurement"]["measurement"]["value"] == 27
        assert await _count(seeded_db, "measurement") == before + 1

    @pytest.mark.parametrize(
        ("change", "code", "field"),
        [
            ({"month": 13}, "OUT_OF_RANGE", "month"),
            ({"year": 1800}, "OUT_OF_RANGE", "year"),
            ({"value": -3}, "OUT_OF_RANGE", "value"),
            ({"indicator": "NOPE"}, "NOT_FOUND", "indicator"),
            ({"indicator": "WATER_QUALITY_CLASS", "value": 7}, "OUT_OF_RANGE", "value"),
        ],
    )
    async def test_bad_measurements_write_nothing(
        self,
        client: GraphQLClient,
        seeded_db: TestDatabase,
        change: dict[str, Any],
        code: str,
        field: str,
    ) -> None:
        town = await _as(client, "南村镇", "REPORTER")
        before = await _count(seeded_db, "measurement")
        data = await town.query(
            RECORD,
            {
                "input": {
                    "indicator": "PM25",
                    "unit": await _unit(client, "南村镇"),
                    "year": 2023,
                    "month": 5,
                    "value": 20,
                    **change,
                }
            },
        )
        assert [(e["code"], e["field"]) for e in data["recordMeasurement"]["errors"]] == [
            (code, field)
        ]
        assert await _count(seeded_db, "measurement") == before

    async def test_other_branch_is_not_found(self, client: GraphQLClient) -> None:
        town = await _as(client, "南村镇", "REPORTER")
        data = await town.query(
            RECORD,
            {
                "input": {
                    "indicator": "PM25",
                    "unit": await _unit(client, "钟家庄街道"),
                    "year": 2023,
                    "value": 20,
                }
            },
        )
        assert [e["code"] for e in data["recordMeasurement"]["errors"]] == ["NOT_FOUND"]

    async def test_create_target_duplicate_and_versioned_update(
        self, client: GraphQLClient
    ) -> None:
        district = await _as(client, "城区")
        unit = await _unit(client, "南村镇")
        spec = {"indicator": "PM25", "unit": unit, "year": 2023, "kind": "BINDING", "value": 35}
        created = await district.query(TARGET, {"input": spec})
        target = created["createTarget"]["target"]
        assert created["createTarget"]["errors"] == []
        assert target["attainment"]["status"] == "NO_DATA"
        duplicate = await district.query(TARGET, {"input": spec})
        assert [e["code"] for e in duplicate["createTarget"]["errors"]] == ["DUPLICATE"]
        town = await _as(client, "南村镇", "REPORTER")
        forbidden = await town.query(TARGET, {"input": {**spec, "kind": "STRIVING"}})
        assert [e["code"] for e in forbidden["createTarget"]["errors"]] == ["FORBIDDEN"]
        updated = await district.query(
            UPDATE_TARGET, {"input": {"target": target["id"], "expectedVersion": 1, "value": 33}}
        )
        assert updated["updateTarget"]["target"] == {"value": 33, "version": 2}
        stale = await district.query(
            UPDATE_TARGET, {"input": {"target": target["id"], "expectedVersion": 1, "value": 30}}
        )
        assert [e["code"] for e in stale["updateTarget"]["errors"]] == ["VERSION_CONFLICT"]


class TestDocumentsAndPlans:
    async def test_register_a_document_and_a_plan_then_a_task(self, client: GraphQLClient) -> None:
        town = await _as(client, "南村镇")
        doc = await town.query(
            DOCUMENT,
            {
                "input": {
                    "title": "南村镇2024年大气污染防治工作方案",
                    "kind": "NOTICE",
                    "docNumber": "南政发[2024]3号",
                    "issuedOn": "2024-03-01",
                }
            },
        )
        document = doc["createDocument"]["document"]
        assert document["issuer"] == {"name": "南村镇"}
        assert document["docNumber"] == "南政发[2024]3号"
        again = await town.query(
            DOCUMENT, {"input": {"title": "x", "kind": "NOTICE", "docNumber": "南政发〔2024〕3号"}}
        )
        assert [e["code"] for e in again["createDocument"]["errors"]] == ["DUPLICATE"]
        plan = await town.query(
            PLAN,
            {
                "input": {
                    "document": document["id"],
                    "title": "大气",
                    "kind": "ACTION_PLAN",
                    "field": "AIR",
                    "year": 2024,
                    "key": "air",
                }
            },
        )
        assert plan["createPlan"]["plan"]["document"] == {"docNumber": "南政发[2024]3号"}
        other = await _as(client, "钟家庄街道")
        outside = await other.query(
            PLAN,
            {
                "input": {
                    "document": document["id"],
                    "title": "x",
                    "kind": "ACTION_PLAN",
                    "field": "AIR",
                }
            },
        )
        assert [e["code"] for e in outside["createPlan"]["errors"]] == ["NOT_FOUND"]
        found = await client.query('{ documents(docNumber: "南政发（2024）3号") { totalCount } }')
        assert found["documents"]["totalCount"] == 1


class TestAuditEvents:
    async def test_coordinators_read_writes_of_their_scope(self, client: GraphQLClient) -> None:
        town = await _as(client, "南村镇", "REPORTER")
        await town.query(
            RECORD,
            {
                "input": {
                    "indicator": "PM25",
                    "unit": await _unit(client, "南村镇"),
                    "year": 2023,
                    "month": 7,
                    "value": 21,
                }
            },
        )
        district = await _as(client, "城区")
        data = await district.query(
            "{ auditEvents(first: 5) { totalCount"
            " edges { node { action targetType actor after } } } }"
        )
        events = data["auditEvents"]
        assert events["totalCount"] == 1
        node = events["edges"][0]["node"]
        assert (node["action"], node["targetType"]) == ("recordMeasurement", "Measurement")
        assert node["after"]["value"] == 21
        peer = await _as(client, "钟家庄街道")
        none = await peer.query("{ auditEvents { totalCount } }")
        assert none["auditEvents"]["totalCount"] == 0
        body = await town.execute("{ auditEvents { totalCount } }")
        assert "COORDINATOR" in body["errors"][0]["message"]
