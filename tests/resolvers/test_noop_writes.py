"""No-op writes write nothing (resolvers/unit_of_work.py, resolvers/writes.update_versioned).

For every mutation that can be sent twice with the same meaning, a call that changes nothing
(the second of two identical calls, or one restating what is stored) leaves every table's row
count, the object's version and its row as they were: no version bump, audit event, change-log
entry, outbox event, status event or rollup refresh; and it answers the object as it is.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

import models
from resolvers.ids import decode_global_id
from tests.conftest import GraphQLClient, TestDatabase

TASK = """
{ tasks(first: 40, filter: {text: "煤"}) { edges { node {
  id title version leadUnits { id name } } } } }
"""
UPDATE = """
mutation ($input: UpdateTaskInput!) { updateTask(input: $input) {
  task { id title version } errors { code message } } }
"""
ASSIGN = """
mutation ($input: AssignTaskInput!) { assignTask(input: $input) {
  task { id version } added { name } errors { code message } } }
"""
TARGET = """
{ targets(first: 1) { edges { node { id value version } } } }
"""
UPDATE_TARGET = """
mutation ($input: UpdateTargetInput!) { updateTarget(input: $input) {
  target { id value version } errors { code message } } }
"""
MEASURE = """
mutation ($input: RecordMeasurementInput!) { recordMeasurement(input: $input) {
  measurement { value } errors { code message } } }
"""


async def _state(db: TestDatabase, table: str | None, row_id: uuid.UUID | None) -> dict[str, Any]:
    """Every table's row count, and the object's row."""
    async with db.engine.connect() as conn:
        state: dict[str, Any] = {
            t.name: int((await conn.execute(sa.select(sa.func.count()).select_from(t))).scalar())
            for t in models.metadata.sorted_tables
        }
        if table is not None:
            t = models.metadata.tables[table]
            row = (await conn.execute(sa.select(t).where(t.c.id == row_id))).mappings().one()
            state["row"] = dict(row)
    return state


@dataclass
class Case:
    """A mutation: `prepare` returns (variables, table, row id); the call is sent twice."""

    query: str
    field: str
    prepare: Callable[[GraphQLClient], Awaitable[tuple[dict[str, Any], str, uuid.UUID]]]
    version: Callable[[dict[str, Any]], int | None]


async def _task(admin: GraphQLClient) -> dict[str, Any]:
    edges = (await admin.query(TASK))["tasks"]["edges"]
    task: dict[str, Any] = next(e["node"] for e in edges if len(e["node"]["leadUnits"]) >= 1)
    return task


async def _update_task(admin: GraphQLClient) -> tuple[dict[str, Any], str, uuid.UUID]:
    task = await _task(admin)
    first = await admin.query(
        UPDATE,
        {"input": {"task": task["id"], "expectedVersion": task["version"], "title": "新的标题"}},
    )
    version = first["updateTask"]["task"]["version"]
    assert version == task["version"] + 1
    variables = {"input": {"task": task["id"], "expectedVersion": version, "title": "新的标题"}}
    return variables, "task", decode_global_id(task["id"], "Task")


async def _restate_task(admin: GraphQLClient) -> tuple[dict[str, Any], str, uuid.UUID]:
    task = await _task(admin)
    variables = {
        "input": {"task": task["id"], "expectedVersion": task["version"], "title": task["title"]}
    }
    return variables, "task", decode_global_id(task["id"], "Task")


async def _assign_existing(admin: GraphQLClient) -> tuple[dict[str, Any], str, uuid.UUID]:
    task = await _task(admin)
    lead = task["leadUnits"][0]["id"]
    variables = {"input": {"task": task["id"], "role": "LEAD", "units": [lead]}}
    return variables, "task", decode_global_id(task["id"], "Task")


async def _assign_twice(admin: GraphQLClient) -> tuple[dict[str, Any], str, uuid.UUID]:
    task = await _task(admin)
    variables = {"input": {"task": task["id"], "role": "COOPERATING", "names": ["南村镇"]}}
    first = (await admin.query(ASSIGN, variables))["assignTask"]
    assert [u["name"] for u in first["added"]] == ["南村镇"], first
    return variables, "task", decode_global_id(task["id"], "Task")


async def _update_target(admin: GraphQLClient) -> tuple[dict[str, Any], str, uuid.UUID]:
    target = (await admin.query(TARGET))["targets"]["edges"][0]["node"]
    first = await admin.query(
        UPDATE_TARGET,
        {"input": {"target": target["id"], "expectedVersion": target["version"], "value": 12.5}},
    )
    version = first["updateTarget"]["target"]["version"]
    variables = {"input": {"target": target["id"], "expectedVersion": version, "value": 12.5}}
    return variables, "target", decode_global_id(target["id"], "Target")


async def _record_measurement(admin: GraphQLClient) -> tuple[dict[str, Any], str, uuid.UUID]:
    unit = (await admin.query('{ orgUnit(name: "城区") { id } }'))["orgUnit"]["id"]
    variables = {
        "input": {
            "indicator": "PM25",
            "unit": unit,
            "year": 2031,
            "month": 5,
            "value": 31.0,
            "source": "月报",
        }
    }
    first = await admin.query(MEASURE, variables)
    assert first["recordMeasurement"]["errors"] == []
    return variables, "", uuid.UUID(int=0)  # the row counts tell (no version to compare)


SET_REVIEW = """
mutation ($input: SetReportReviewInput!) { setReportReview(input: $input) {
  plan { id reportReview version } errors { code message } } }
"""


async def _restate_review(admin: GraphQLClient) -> tuple[dict[str, Any], str, uuid.UUID]:
    plan = (await admin.query("{ plans(first: 1) { edges { node { id reportReview } } } }"))[
        "plans"
    ]["edges"][0]["node"]
    variables = {"input": {"plan": plan["id"], "policy": plan["reportReview"]}}
    return variables, "plan", decode_global_id(plan["id"], "Plan")


CASES = {
    "setReportReview-restated": Case(
        SET_REVIEW, "setReportReview", _restate_review, lambda p: p["plan"]["version"]
    ),
    "updateTask-again": Case(UPDATE, "updateTask", _update_task, lambda p: p["task"]["version"]),
    "updateTask-restated": Case(
        UPDATE, "updateTask", _restate_task, lambda p: p["task"]["version"]
    ),
    "assignTask-existing-lead": Case(
        ASSIGN, "assignTask", _assign_existing, lambda p: p["task"]["version"]
    ),
    "assignTask-again": Case(ASSIGN, "assignTask", _assign_twice, lambda p: p["task"]["version"]),
    "updateTarget-again": Case(
        UPDATE_TARGET, "updateTarget", _update_target, lambda p: p["target"]["version"]
    ),
    "recordMeasurement-again": Case(
        MEASURE, "recordMeasurement", _record_measurement, lambda p: None
    ),
}


@pytest.mark.parametrize("name", list(CASES))
async def test_a_write_that_changes_nothing_writes_nothing(
    client: GraphQLClient, seeded_db: TestDatabase, name: str
) -> None:
    case = CASES[name]
    city = (await client.query('{ orgUnit(name: "城区") { id } }'))["orgUnit"]["id"]
    admin = client.as_viewer(decode_global_id(city, "OrgUnit"), "ADMIN")
    variables, table, row_id = await case.prepare(admin)
    before = await _state(seeded_db, table or None, row_id)
    for _ in range(2):
        payload = (await admin.query(case.query, variables))[case.field]
        assert payload["errors"] == [], payload
        assert await _state(seeded_db, table or None, row_id) == before
        if table:
            assert case.version(payload) == before["row"]["version"]


# Mutations whose repetition is a new fact, or which refuse a repeat: not no-ops.
NEVER_NOOPS = {
    "reportProgress": "each report is a new report (and status event)",
    "createTask": "creates a task (DUPLICATE for a taken 序号)",
    "decomposeTask": "creates subtasks",
    "escalate": "each escalation is a new 督办",
    "createTarget": "creates a target (DUPLICATE for a taken slot)",
    "createDocument": "creates a document",
    "createPlan": "creates a plan",
    "transitionRectification": "moving to the state it is in is INVALID_TRANSITION",
    "noteRectificationProgress": "each note is a new 整改进展 event",
    "designateSupervisor": "designating it again is DUPLICATE",
    "revokeSupervisor": "revoking it again is NOT_FOUND",
    "importLedger": "a re-import is all UNCHANGED rows (tests/resolvers/ledger)",
    "acknowledgeEscalation": "again is a no-op (tests/resolvers/escalation/test_inbox.py)",
    "replyToEscalation": "each reply is a new answer",
    "closeEscalation": "closing a CLOSED escalation is INVALID_TRANSITION",
    "attachEvidence": "the same bytes again return the file there (tests/resolvers/evidence)",
    "recordOrgUnitEvent": "ends its predecessors: a repeat names ended units (OUT_OF_RANGE)",
    "createWebhookSubscription": "each is a new subscription with a new secret",
    "updateWebhookSubscription": "a restatement records nothing (tests/resolvers/delivery)",
    "rotateWebhookSecret": "each rotation is a new secret",
    "deleteWebhookSubscription": "deleting it again is NOT_FOUND",
    "reviewProgressReport": "the applied decision again is a no-op (tests/resolvers/review)",
    "addComment": "each comment is a new comment",
    "replayDelivery": "replaying a delivery that is not dead is INVALID_TRANSITION",
    "replayDeadLetters": "again, with no dead letter left, re-queues and records nothing",
    "createContact": "each is a new contact",
    "updateContact": "a restatement changes nothing (update_versioned; tests/resolvers/delivery)",
    "deleteContact": "deleting it again is NOT_FOUND",
    "createScoreRubric": "creating it again is DUPLICATE (the name is unique)",
    "updateScoreRubric": "each update is a new version of the lines (expectedVersion moves)",
    "signFor": "again is a no-op (tests/resolvers/task/test_signing.py)",
    "requestExtension": "a second pending request of the task is DUPLICATE",
    "decideExtension": "deciding a decided request is INVALID_TRANSITION",
    "withdrawExtension": "withdrawing a withdrawn request is INVALID_TRANSITION",
}


def test_every_mutation_is_classified() -> None:
    """A new mutation is a no-op case here or says why it cannot be one."""
    from api.schema import schema

    mutation = schema._schema.mutation_type
    assert mutation is not None
    covered = {case.field for case in CASES.values()} | set(NEVER_NOOPS)
    assert set(mutation.fields) == covered
