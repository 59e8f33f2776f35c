"""Every writer leaves the traces of the one write pipeline (resolvers/unit_of_work.py).

The writers are enumerated from the schema (every Mutation field) and from the command line's
parser (every sub-command): each must have a case below, or be named as not writing domain
data. Each case runs once through the real app (HTTP, with an X-Request-Id) or the real CLI
on a seeded database, and the test checks the traces the unit of work's table promises:
an audit event, change-log entries, the maintained rollups of the changed tasks (their
rollup_member rows equal a fresh computation), and outbox events, all carrying the request id
and actor. A rejected write (a DomainError) leaves none of them.
"""

from __future__ import annotations

import argparse
import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa

import models
from api.cli import build_parser, main
from api.schema import schema
from resolvers.common import decode_global_id, global_id
from resolvers.rollups.maintained import member_select
from tests.conftest import GraphQLClient, TestDatabase
from tests.resolvers.rollups.check import mismatches

audit_t = models.metadata.tables["audit_event"]
log_t = models.metadata.tables["change_log"]
outbox_t = models.metadata.tables["outbox_event"]
member_t = models.metadata.tables["rollup_member"]
api_key_t = models.metadata.tables["api_key"]


@dataclass(frozen=True)
class Expect:
    """The traces a writer leaves besides its audit events (resolvers/unit_of_work.py)."""

    change_log: bool
    rollups: bool
    outbox: bool


TASKS = Expect(change_log=True, rollups=True, outbox=True)
RECTIFICATIONS = Expect(change_log=True, rollups=False, outbox=True)
# Writes to other objects the snapshot carries (documents, plans, targets, measurements).
OBJECTS = Expect(change_log=True, rollups=False, outbox=True)
OTHER = Expect(change_log=False, rollups=False, outbox=True)
REBUILD = Expect(change_log=False, rollups=True, outbox=False)

EXPECT: dict[str, Expect] = {
    "createDocument": OBJECTS,
    "createPlan": OBJECTS,
    "createTask": TASKS,
    "updateTask": TASKS,
    "assignTask": TASKS,
    "decomposeTask": TASKS,
    "reportProgress": TASKS,
    "attachEvidence": TASKS,
    "escalate": TASKS,
    "acknowledgeEscalation": OBJECTS,
    "replyToEscalation": OBJECTS,
    "closeEscalation": OBJECTS,
    "signFor": TASKS,
    "requestExtension": TASKS,
    "decideExtension": TASKS,
    "withdrawExtension": TASKS,
    "transitionRectification": RECTIFICATIONS,
    "noteRectificationProgress": RECTIFICATIONS,
    # The inspection's items change readers: noted, so the feed attaches them to the office.
    "designateSupervisor": RECTIFICATIONS,
    "revokeSupervisor": RECTIFICATIONS,
    "recordMeasurement": OBJECTS,
    "createTarget": OBJECTS,
    "updateTarget": OBJECTS,
    "importLedger": TASKS,
    "import-ledger": TASKS,
    "document create": OBJECTS,
    "plan create": OBJECTS,
    "escalate-overdue": TASKS,
    "key create": OTHER,
    "key revoke": OTHER,
    "createWebhookSubscription": OTHER,
    "updateWebhookSubscription": OTHER,
    "rotateWebhookSecret": OTHER,
    "deleteWebhookSubscription": OTHER,
    "replayDelivery": OTHER,
    "replayDeadLetters": OTHER,
    "createContact": OTHER,
    "updateContact": OTHER,
    "deleteContact": OTHER,
    "recordOrgUnitEvent": TASKS,
    "setReportReview": OBJECTS,
    "reviewProgressReport": TASKS,
    "addComment": TASKS,
    "createScoreRubric": OTHER,
    "updateScoreRubric": OTHER,
    "rebuild-rollups": REBUILD,
}

# Sub-commands that write no domain data through the pipeline, and why.
NOT_WRITES = {
    "serve": "serves the app (its writes are the mutations)",
    "db": "schema migrations",
    "seed": "loads a fresh database in bulk (rebuilds the rollups; nothing to tell anyone)",
    "generate": "generates a synthetic database in bulk, like seed",
    "token": "mints a bearer token; writes nothing",
    "key list": "reads",
    "export-ledger": "reads",
    "idempotency": "purges stored responses of expired Idempotency-Keys (no domain data)",
    "operations register": "registers trusted GraphQL operations (configuration, not domain data)",
    "operations list": "reads",
    "deliver": "delivers committed outbox events (delivery state, no domain data)",
    "digest": "builds and sends the daily digests (delivery state, no domain data)",
    "partitions": "creates, lists and drops history partitions (catalogue work, retention)",
    "webhook create": "configures a partner's webhook subscription (not domain data)",
    "webhook rotate-secret": "configures a subscription's signing secret",
    "webhook enable": "configures a subscription",
    "webhook disable": "configures a subscription",
}


def mutation_fields() -> set[str]:
    """Every field of the schema's Mutation type."""
    mutation = schema._schema.mutation_type
    assert mutation is not None
    return set(mutation.fields)


def commands() -> set[str]:
    """Every sub-command of `govgraph` ("key create" for nested ones)."""

    def walk(parser: argparse.ArgumentParser, prefix: str) -> set[str]:
        found: set[str] = set()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    nested = walk(sub, f"{prefix}{name} ")
                    found |= nested or {f"{prefix}{name}"}
        return found

    return walk(build_parser(), "")


def test_every_mutation_and_command_has_a_case() -> None:
    writers = mutation_fields() | commands()
    assert writers - set(EXPECT) - set(NOT_WRITES) == set(), "writers without a trace case"
    assert set(EXPECT) - writers == set(), "cases of writers that no longer exist"
    assert set(EXPECT) == set(CASES)


# -- running the writers ---------------------------------------------------------------------


@dataclass
class Env:
    """The seeded database, the app's client and what earlier cases created."""

    db: TestDatabase
    client: GraphQLClient
    tmp_path: Path
    ids: dict[str, Any] = field(default_factory=dict)

    async def unit(self, name: str) -> str:
        data = await self.client.query(
            "query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name}
        )
        unit_id: str = data["orgUnit"]["id"]
        return unit_id

    async def token(self, name: str, role: str = "COORDINATOR") -> str | None:
        return self.client.as_viewer(decode_global_id(await self.unit(name)), role).token

    async def post(
        self, request_id: str, query: str, variables: dict[str, Any], *, as_: str, role: str
    ) -> dict[str, Any]:
        """The mutation's payload (its single field), sent with X-Request-Id."""
        headers = {
            "authorization": f"Bearer {await self.token(as_, role)}",
            "x-request-id": request_id,
        }
        response = await self.client.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        body = response.json()
        assert "errors" not in body, body
        (payload,) = body["data"].values()
        result: dict[str, Any] = payload
        return result

    async def mutate(
        self, name: str, query: str, variables: dict[str, Any], *, as_: str, role: str
    ) -> Mark:
        payload = await self.post(f"trace-{name}", query, variables, as_=as_, role=role)
        assert payload["errors"] == [], (name, payload["errors"])
        self.ids[name] = payload
        return Mark(request_id=f"trace-{name}")

    async def command(self, argv: list[str]) -> None:
        """Run `govgraph argv` as the shell would (its own event loop, in a thread)."""
        await self.db.engine.dispose()
        status = await asyncio.to_thread(main, [*argv, "--database-url", self.db.url])
        assert status == 0, argv

    async def nancun_share(self) -> tuple[str, str]:
        """(task id, 南村镇's assignment id) of the seed's 秸秆禁烧 task."""
        data = await self.client.query(
            '{ tasks(filter: {text: "秸秆禁烧"}) { edges { node { id '
            "assignments { id unit { name } } } } } }"
        )
        task = data["tasks"]["edges"][0]["node"]
        share = next(a for a in task["assignments"] if a["unit"]["name"] == "南村镇")
        return task["id"], share["id"]


@dataclass(frozen=True)
class Mark:
    """How to find a write's traces: its request id, or the actor of a command."""

    request_id: str | None = None
    actor: str | None = None


Case = Callable[[Env], Awaitable[Mark]]


def _payload(fields: str, name: str, input_type: str) -> str:
    return (
        f"mutation ($input: {input_type}!) {{ {name}(input: $input) {{ {fields} "
        "errors { code field message } } }"
    )


async def create_document(env: Env) -> Mark:
    query = _payload("document { id }", "createDocument", "CreateDocumentInput")
    variables = {
        "input": {
            "title": "写入痕迹测试",
            "kind": "NOTICE",
            "docNumber": "南政发〔2024〕77号",
            "issuedOn": "2024-03-01",
        }
    }
    return await env.mutate("createDocument", query, variables, as_="南村镇", role="COORDINATOR")


async def create_plan(env: Env) -> Mark:
    query = _payload("plan { id }", "createPlan", "CreatePlanInput")
    document = env.ids["createDocument"]["document"]["id"]
    variables = {
        "input": {
            "document": document,
            "title": "大气",
            "kind": "ACTION_PLAN",
            "field": "AIR",
            "year": 2024,
            "key": "air",
        }
    }
    return await env.mutate("createPlan", query, variables, as_="南村镇", role="COORDINATOR")


async def create_task(env: Env) -> Mark:
    plans = await env.client.query("{ plans(field: AIR) { edges { node { id } } } }")
    seeded = [edge["node"]["id"] for edge in plans["plans"]["edges"]]  # not createPlan's
    query = _payload("task { id version }", "createTask", "CreateTaskInput")
    variables = {
        "input": {
            "plan": next(p for p in seeded if p != env.ids["createPlan"]["plan"]["id"]),
            "title": "写入痕迹任务",
            "deadline": {"text": "2023年11月底前"},
            "leadNames": ["区住建局"],
        }
    }
    return await env.mutate("createTask", query, variables, as_="城区", role="COORDINATOR")


async def update_task(env: Env) -> Mark:
    task = env.ids["createTask"]["task"]
    query = _payload("task { id version }", "updateTask", "UpdateTaskInput")
    variables = {
        "input": {"task": task["id"], "expectedVersion": task["version"], "title": "写入痕迹（改）"}
    }
    return await env.mutate("updateTask", query, variables, as_="城区", role="COORDINATOR")


async def assign_task(env: Env) -> Mark:
    task = env.ids["updateTask"]["task"]
    query = _payload("task { id version }", "assignTask", "AssignTaskInput")
    variables = {
        "input": {
            "task": task["id"],
            "role": "LEAD",
            "names": ["南村镇"],
            "expectedVersion": task["version"],
        }
    }
    return await env.mutate("assignTask", query, variables, as_="城区", role="COORDINATOR")


async def decompose_task(env: Env) -> Mark:
    from tests.factories import create_unit

    units = models.metadata.tables["org_unit"]
    async with env.db.engine.begin() as conn:
        town = (
            await conn.execute(
                sa.select(units.c.id, units.c.path, units.c.depth).where(units.c.name == "南村镇")
            )
        ).one()
        village = await create_unit(
            conn, "南村镇丙村", parent={"id": town.id, "path": town.path, "depth": town.depth}
        )
    task_id, _share = await env.nancun_share()
    query = _payload("subtasks { id }", "decomposeTask", "DecomposeTaskInput")
    variables = {
        "input": {
            "task": task_id,
            "subtasks": [{"title": "丙村巡查", "leads": [global_id("OrgUnit", village["id"])]}],
        }
    }
    return await env.mutate("decomposeTask", query, variables, as_="南村镇", role="COORDINATOR")


async def report_progress(env: Env) -> Mark:
    _task, share = await env.nancun_share()
    query = _payload(
        "report { id } assignment { version }", "reportProgress", "ReportProgressInput"
    )
    variables = {"input": {"assignment": share, "percent": 40, "narrative": "巡查已过半"}}
    return await env.mutate("reportProgress", query, variables, as_="南村镇", role="REPORTER")


ATTACH = """
mutation ($input: AttachEvidenceInput!) { attachEvidence(input: $input) {
  file { id sha256 } errors { code field message } } }
"""
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


async def attach_evidence(env: Env) -> Mark:
    report = env.ids["reportProgress"]["report"]["id"]
    operations = {"query": ATTACH, "variables": {"input": {"report": report, "file": None}}}
    headers = {
        "authorization": f"Bearer {await env.token('南村镇', 'REPORTER')}",
        "x-request-id": "trace-attachEvidence",
    }
    response = await env.client.http.post(
        "/graphql",
        data={
            "operations": orjson.dumps(operations).decode(),
            "map": orjson.dumps({"0": ["variables.input.file"]}).decode(),
        },
        files={"0": ("现场.png", PNG, "image/png")},
        headers=headers,
    )
    payload = response.json()["data"]["attachEvidence"]
    assert payload["errors"] == [], payload
    return Mark(request_id="trace-attachEvidence")


async def escalate(env: Env) -> Mark:
    _task, share = await env.nancun_share()
    query = _payload("escalation { id level }", "escalate", "EscalateInput")
    variables = {
        "input": {
            "level": "URGE",
            "addressedTo": await env.unit("南村镇"),
            "assignment": share,
            "reason": "巡查滞后",
        }
    }
    return await env.mutate("escalate", query, variables, as_="城区", role="COORDINATOR")


async def acknowledge_escalation(env: Env) -> Mark:
    escalation = env.ids["escalate"]["escalation"]["id"]
    query = _payload("escalation { status }", "acknowledgeEscalation", "AcknowledgeEscalationInput")
    variables = {"input": {"escalation": escalation}}
    return await env.mutate(
        "acknowledgeEscalation", query, variables, as_="南村镇", role="REPORTER"
    )


async def reply_to_escalation(env: Env) -> Mark:
    escalation = env.ids["escalate"]["escalation"]["id"]
    query = _payload("escalation { status }", "replyToEscalation", "ReplyToEscalationInput")
    variables = {"input": {"escalation": escalation, "kind": "EXPLANATION", "text": "已加派人手"}}
    return await env.mutate("replyToEscalation", query, variables, as_="南村镇", role="REPORTER")


async def close_escalation(env: Env) -> Mark:
    escalation = env.ids["escalate"]["escalation"]["id"]
    query = _payload("escalation { status }", "closeEscalation", "CloseEscalationInput")
    variables = {"input": {"escalation": escalation, "note": "办结"}}
    return await env.mutate("closeEscalation", query, variables, as_="城区", role="COORDINATOR")


async def sign_for(env: Env) -> Mark:
    _task, share = await env.nancun_share()
    query = (
        "mutation ($a: ID!) { signFor(assignment: $a) { assignment { acknowledgedAt }"
        " errors { code field message } } }"
    )
    return await env.mutate("signFor", query, {"a": share}, as_="南村镇", role="REPORTER")


EXTENSION_TASKS = {  # BY_DATE tasks 城区人民政府办公室 issues, and a lead unit of each
    "a": ("南村铸造工业园区空气站", "南村镇"),
    "b": ("泽州县金秋铸造", "城区生态环境分局"),
}


async def _extension_share(env: Env, text: str, unit: str) -> str:
    data = await env.client.query(
        "query ($t: String!) { tasks(filter: {text: $t}) { edges { node {"
        " assignments { id unit { name } } } } } }",
        {"t": text},
    )
    node = data["tasks"]["edges"][0]["node"]
    share: str = next(a["id"] for a in node["assignments"] if a["unit"]["name"] == unit)
    return share


async def request_extension(env: Env) -> Mark:
    """Two requests in one operation (one request id): `a` is decided, `b` withdrawn."""
    fields = '(input: {assignment: $%s, newDeadline: "2027-06-30", reason: "设备采购延迟"})'
    query = (
        "mutation ($a: ID!, $b: ID!) {"
        f" a: requestExtension{fields % 'a'} {{ request {{ id }} errors {{ code }} }}"
        f" b: requestExtension{fields % 'b'} {{ request {{ id }} errors {{ code }} }} }}"
    )
    variables = {
        key: await _extension_share(env, text, unit)
        for key, (text, unit) in EXTENSION_TASKS.items()
    }
    # Both leads ask: an ADMIN token names any share (REPORTER or higher of the lead unit).
    headers = {
        "authorization": f"Bearer {await env.token('山西省', 'ADMIN')}",
        "x-request-id": "trace-requestExtension",
    }
    response = await env.client.http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body = response.json()
    assert "errors" not in body, body
    for key in EXTENSION_TASKS:
        assert body["data"][key]["errors"] == [], body
    env.ids["requestExtension"] = {k: body["data"][k]["request"]["id"] for k in EXTENSION_TASKS}
    return Mark(request_id="trace-requestExtension")


async def decide_extension(env: Env) -> Mark:
    request = env.ids["requestExtension"]["a"]
    query = _payload("request { status }", "decideExtension", "DecideExtensionInput")
    variables = {"input": {"request": request, "decision": "APPROVE", "reason": "同意"}}
    return await env.mutate(
        "decideExtension", query, variables, as_="城区人民政府办公室", role="COORDINATOR"
    )


async def withdraw_extension(env: Env) -> Mark:
    request = env.ids["requestExtension"]["b"]
    query = _payload("request { status }", "withdrawExtension", "WithdrawExtensionInput")
    variables = {"input": {"request": request}}
    return await env.mutate(
        "withdrawExtension", query, variables, as_="城区生态环境分局", role="REPORTER"
    )


async def transition_rectification(env: Env) -> Mark:
    data = await env.client.query(
        "{ rectifications(first: 20) { edges { node { id seq version status } } } }"
    )
    item = next(e["node"] for e in data["rectifications"]["edges"] if e["node"]["seq"] == 3)
    assert item["status"] == "NOT_STARTED"
    query = _payload(
        "rectification { status }", "transitionRectification", "TransitionRectificationInput"
    )
    variables = {
        "input": {
            "rectification": item["id"],
            "to": "IN_PROGRESS",
            "expectedVersion": item["version"],
        }
    }
    return await env.mutate(
        "transitionRectification", query, variables, as_="区生态环境分局", role="COORDINATOR"
    )


async def note_rectification_progress(env: Env) -> Mark:
    data = await env.client.query(
        "{ rectifications(first: 20) { edges { node { id seq status } } } }"
    )
    item = next(e["node"] for e in data["rectifications"]["edges"] if e["node"]["seq"] == 3)
    query = _payload(
        "event { fromStatus toStatus }",
        "noteRectificationProgress",
        "NoteRectificationProgressInput",
    )
    variables = {"input": {"rectification": item["id"], "comment": "完成排查 12 处"}}
    return await env.mutate(
        "noteRectificationProgress", query, variables, as_="区生态环境分局", role="REPORTER"
    )


async def _supervisor(env: Env, name: str) -> Mark:
    data = await env.client.query("{ inspections(first: 1) { edges { node { id } } } }")
    inspection = data["inspections"]["edges"][0]["node"]["id"]
    query = _payload("supervision { unit { name } }", name, "SupervisorInput")
    variables = {"input": {"target": inspection, "unit": await env.unit("区环委办")}}
    return await env.mutate(name, query, variables, as_="城区", role="COORDINATOR")


async def designate_supervisor(env: Env) -> Mark:
    return await _supervisor(env, "designateSupervisor")


async def revoke_supervisor(env: Env) -> Mark:
    return await _supervisor(env, "revokeSupervisor")


async def record_measurement(env: Env) -> Mark:
    query = _payload("measurement { value }", "recordMeasurement", "RecordMeasurementInput")
    variables = {
        "input": {
            "indicator": "PM25",
            "unit": await env.unit("南村镇"),
            "year": 2023,
            "month": 6,
            "value": 25,
        }
    }
    return await env.mutate("recordMeasurement", query, variables, as_="南村镇", role="REPORTER")


async def create_target(env: Env) -> Mark:
    query = _payload("target { id version }", "createTarget", "CreateTargetInput")
    variables = {
        "input": {
            "indicator": "PM25",
            "unit": await env.unit("南村镇"),
            "year": 2023,
            "kind": "BINDING",
            "value": 35,
        }
    }
    return await env.mutate("createTarget", query, variables, as_="城区", role="COORDINATOR")


async def update_target(env: Env) -> Mark:
    target = env.ids["createTarget"]["target"]
    query = _payload("target { version }", "updateTarget", "UpdateTargetInput")
    variables = {
        "input": {"target": target["id"], "expectedVersion": target["version"], "value": 33}
    }
    return await env.mutate("updateTarget", query, variables, as_="城区", role="COORDINATOR")


LEDGER_HEADER = "任务类别,序号,具体措施,完成时限,牵头单位,备注\r\n"
LEDGER_ROW_1 = "一、扬尘治理,1,镇级扬尘巡查,2024年6月底前,南村镇,\r\n"
LEDGER_ROW_2 = "一、扬尘治理,2,镇级道路洒水,2024年8月底前,南村镇,\r\n"

IMPORT = """
mutation ($input: ImportLedgerInput!) { importLedger(input: $input) {
  report { written created updated rowErrors { code message } warnings { code message } }
  errors { code field message } } }
"""


async def import_ledger(env: Env) -> Mark:
    plan = env.ids["createPlan"]["plan"]["id"]
    operations = {"query": IMPORT, "variables": {"input": {"plan": plan, "file": None}}}
    headers = {
        "authorization": f"Bearer {await env.token('南村镇')}",
        "x-request-id": "trace-importLedger",
    }
    response = await env.client.http.post(
        "/graphql",
        data={
            "operations": orjson.dumps(operations).decode(),
            "map": orjson.dumps({"0": ["variables.input.file"]}).decode(),
        },
        files={"0": ("台账.csv", (LEDGER_HEADER + LEDGER_ROW_1).encode(), "text/csv")},
        headers=headers,
    )
    payload = response.json()["data"]["importLedger"]
    assert payload["errors"] == [], payload
    report = payload["report"]
    assert report["written"], report
    assert (report["created"], report["updated"]) == (1, 0), report
    return Mark(request_id="trace-importLedger")


async def import_ledger_command(env: Env) -> Mark:
    source = env.tmp_path / "台账.csv"
    source.write_bytes((LEDGER_HEADER + LEDGER_ROW_1 + LEDGER_ROW_2).encode())
    plan = env.ids["createPlan"]["plan"]["id"]
    await env.command(["import-ledger", str(source), "--plan", plan])
    return Mark(actor="govgraph import-ledger")


async def document_create_command(env: Env) -> Mark:
    document = ["document", "create", "--title", "痕迹文件", "--issuer", "晋城市城区人民政府"]
    await env.command(
        [*document, "--doc-number", "城政办发〔2024〕99号", "--issued-on", "2024-05-01"]
    )
    return Mark(actor="govgraph document create")


async def plan_create_command(env: Env) -> Mark:
    plan = ["plan", "create", "--doc-number", "城政办发〔2024〕99号", "--title", "痕迹计划"]
    await env.command([*plan, "--field", "WATER", "--year", "2024", "--key", "water"])
    return Mark(actor="govgraph plan create")


async def escalate_overdue_command(env: Env) -> Mark:
    await env.command(["escalate-overdue", "--as-of", "2023-07-15"])
    return Mark(actor="govgraph escalate-overdue")


async def key_create(env: Env) -> Mark:
    await env.command(["key", "create", "--name", "痕迹伙伴", "--unit", "南村镇"])
    return Mark(actor="govgraph key create")


async def create_webhook_subscription(env: Env) -> Mark:
    async with env.db.engine.connect() as conn:
        prefix = (
            await conn.execute(sa.select(api_key_t.c.prefix).where(api_key_t.c.name == "痕迹伙伴"))
        ).scalar_one()
    query = _payload(
        "subscription { id } secret",
        "createWebhookSubscription",
        "CreateWebhookSubscriptionInput",
    )
    variables = {
        "input": {"apiKey": prefix, "url": "https://partner.example/hook", "eventTypes": []}
    }
    return await env.mutate(
        "createWebhookSubscription", query, variables, as_="山西省", role="ADMIN"
    )


def _subscription(env: Env) -> str:
    subscription: str = env.ids["createWebhookSubscription"]["subscription"]["id"]
    return subscription


async def update_webhook_subscription(env: Env) -> Mark:
    query = _payload(
        "subscription { eventTypes }",
        "updateWebhookSubscription",
        "UpdateWebhookSubscriptionInput",
    )
    variables = {"input": {"subscription": _subscription(env), "eventTypes": ["task.changed"]}}
    return await env.mutate(
        "updateWebhookSubscription", query, variables, as_="山西省", role="ADMIN"
    )


async def rotate_webhook_secret(env: Env) -> Mark:
    query = _payload("secret", "rotateWebhookSecret", "WebhookSubscriptionInput")
    variables = {"input": {"subscription": _subscription(env)}}
    return await env.mutate("rotateWebhookSecret", query, variables, as_="山西省", role="ADMIN")


async def _dead_letter(env: Env) -> str:
    """A dead delivery of the trace case's subscription (made here: the worker's state)."""
    delivery_t = models.metadata.tables["webhook_delivery"]
    now = datetime.now(UTC)
    event, delivery = uuid.uuid4(), uuid.uuid4()
    async with env.db.engine.begin() as conn:
        seq = await conn.scalar(
            outbox_t.insert()
            .values(
                id=event,
                event_type="task.changed",
                object_type="task",
                units=[],
                payload={},
                actor="test",
                created_at=now,
                delivered_at=now,
            )
            .returning(outbox_t.c.seq)
        )
        await conn.execute(
            delivery_t.insert().values(
                id=delivery,
                event_id=event,
                event_seq=seq,
                subscription_id=decode_global_id(_subscription(env)),
                object_key=f"TASK:{event}",
                event_type="task.changed",
                body="{}",
                status="DEAD",
                attempts=8,
                next_attempt_at=now,
                last_attempt_at=now,
                created_at=now,
            )
        )
    return global_id("WebhookDelivery", delivery)


async def replay_delivery(env: Env) -> Mark:
    query = _payload("deliveries { status }", "replayDelivery", "ReplayDeliveryInput")
    variables = {"input": {"delivery": await _dead_letter(env)}}
    return await env.mutate("replayDelivery", query, variables, as_="山西省", role="ADMIN")


async def replay_dead_letters(env: Env) -> Mark:
    query = _payload("deliveries { status }", "replayDeadLetters", "ReplayDeadLettersInput")
    await _dead_letter(env)
    variables = {"input": {"subscription": _subscription(env)}}
    return await env.mutate("replayDeadLetters", query, variables, as_="山西省", role="ADMIN")


async def create_contact(env: Env) -> Mark:
    query = _payload("contact { id }", "createContact", "CreateContactInput")
    variables = {
        "input": {
            "unit": await env.unit("南村镇"),
            "name": "痕迹联系人",
            "channel": "EMAIL",
            "address": "trace@nancun.example",
        }
    }
    return await env.mutate("createContact", query, variables, as_="城区", role="COORDINATOR")


def _contact(env: Env) -> str:
    contact: str = env.ids["createContact"]["contact"]["id"]
    return contact


async def update_contact(env: Env) -> Mark:
    query = _payload("contact { mode }", "updateContact", "UpdateContactInput")
    variables = {"input": {"contact": _contact(env), "mode": "DAILY_DIGEST"}}
    return await env.mutate("updateContact", query, variables, as_="南村镇", role="COORDINATOR")


async def delete_contact(env: Env) -> Mark:
    query = _payload("deletedId", "deleteContact", "DeleteContactInput")
    variables = {"input": {"contact": _contact(env)}}
    return await env.mutate("deleteContact", query, variables, as_="南村镇", role="COORDINATOR")


async def delete_webhook_subscription(env: Env) -> Mark:
    query = _payload("deletedId", "deleteWebhookSubscription", "WebhookSubscriptionInput")
    variables = {"input": {"subscription": _subscription(env)}}
    return await env.mutate(
        "deleteWebhookSubscription", query, variables, as_="山西省", role="ADMIN"
    )


async def key_revoke(env: Env) -> Mark:
    async with env.db.engine.connect() as conn:
        prefix = (
            await conn.execute(sa.select(api_key_t.c.prefix).where(api_key_t.c.name == "痕迹伙伴"))
        ).scalar_one()
    await env.command(["key", "revoke", prefix])
    return Mark(actor="govgraph key revoke")


async def record_org_unit_event(env: Env) -> Mark:
    query = _payload("event { kind }", "recordOrgUnitEvent", "RecordOrgUnitEventInput")
    variables = {
        "input": {
            "kind": "MERGE",
            "occurredOn": "2025-01-01",
            "predecessors": [await env.unit("钟家庄街道")],
            "successors": [await env.unit("西上庄街道")],
        }
    }
    return await env.mutate("recordOrgUnitEvent", query, variables, as_="山西省", role="ADMIN")


async def set_report_review(env: Env) -> Mark:
    data = await env.client.query(
        '{ tasks(filter: {text: "秸秆禁烧"}) { edges { node { plan { id } } } } }'
    )
    plan = data["tasks"]["edges"][0]["node"]["plan"]["id"]
    query = _payload("plan { reportReview }", "setReportReview", "SetReportReviewInput")
    variables = {"input": {"plan": plan, "policy": "ALL"}}
    return await env.mutate("setReportReview", query, variables, as_="城区", role="COORDINATOR")


async def review_progress_report(env: Env) -> Mark:
    """Accepts a SUBMITTED report, written here without traces of its own (the policy the
    setReportReview case set would make reportProgress submit it: tests/resolvers/review)."""
    _task, share = await env.nancun_share()
    report_id = uuid.uuid4()
    now = datetime.now(UTC)
    async with env.db.engine.begin() as conn:
        await conn.execute(
            models.metadata.tables["progress_report"]
            .insert()
            .values(
                id=report_id,
                assignment_id=decode_global_id(share, "Assignment"),
                reported_at=now,
                percent=100.0,
                status="COMPLETED",
                narrative="全部完成",
                evidence=[],
                review_state="SUBMITTED",
                version=1,
                created_at=now,
            )
        )
    query = _payload(
        "report { reviewState } assignment { status }",
        "reviewProgressReport",
        "ReviewProgressReportInput",
    )
    variables = {"input": {"report": global_id("ProgressReport", report_id), "decision": "ACCEPT"}}
    return await env.mutate(
        "reviewProgressReport", query, variables, as_="城区", role="COORDINATOR"
    )


async def add_comment(env: Env) -> Mark:
    task, _share = await env.nancun_share()
    query = _payload("comment { id kind }", "addComment", "AddCommentInput")
    variables = {"input": {"target": task, "body": "请于月底前完成", "kind": "INSTRUCTION"}}
    return await env.mutate("addComment", query, variables, as_="城区", role="COORDINATOR")


SCORE_RULES = [{"kind": "COMPLETED_ON_TIME", "points": 2, "description": "按时完成一项加2分"}]


async def create_score_rubric(env: Env) -> Mark:
    query = _payload("rubric { id }", "createScoreRubric", "CreateScoreRubricInput")
    variables = {
        "input": {"name": "痕迹考核", "owner": await env.unit("城区"), "rules": SCORE_RULES}
    }
    return await env.mutate("createScoreRubric", query, variables, as_="城区", role="COORDINATOR")


async def update_score_rubric(env: Env) -> Mark:
    query = _payload("rubric { version }", "updateScoreRubric", "UpdateScoreRubricInput")
    rubric = env.ids["createScoreRubric"]["rubric"]["id"]
    variables = {
        "input": {
            "rubric": rubric,
            "expectedVersion": 1,
            "name": "痕迹考核（修订）",
            "rules": [*SCORE_RULES, {"kind": "OVERDUE_DAY", "points": -0.1, "description": "逾期"}],
        }
    }
    return await env.mutate("updateScoreRubric", query, variables, as_="城区", role="COORDINATOR")


async def rebuild_rollups(env: Env) -> Mark:
    await env.command(["rebuild-rollups"])
    return Mark(actor="govgraph rebuild-rollups")


# In the order they run: later cases use what earlier ones created.
CASES: dict[str, Case] = {
    "createDocument": create_document,
    "createPlan": create_plan,
    "createTask": create_task,
    "updateTask": update_task,
    "assignTask": assign_task,
    "decomposeTask": decompose_task,
    "reportProgress": report_progress,
    "attachEvidence": attach_evidence,
    "escalate": escalate,
    "acknowledgeEscalation": acknowledge_escalation,
    "replyToEscalation": reply_to_escalation,
    "closeEscalation": close_escalation,
    "signFor": sign_for,
    "requestExtension": request_extension,
    "decideExtension": decide_extension,
    "withdrawExtension": withdraw_extension,
    "transitionRectification": transition_rectification,
    "noteRectificationProgress": note_rectification_progress,
    "designateSupervisor": designate_supervisor,
    "revokeSupervisor": revoke_supervisor,
    "recordMeasurement": record_measurement,
    "createTarget": create_target,
    "updateTarget": update_target,
    "importLedger": import_ledger,
    "import-ledger": import_ledger_command,
    "document create": document_create_command,
    "plan create": plan_create_command,
    "escalate-overdue": escalate_overdue_command,
    "key create": key_create,
    "createWebhookSubscription": create_webhook_subscription,
    "updateWebhookSubscription": update_webhook_subscription,
    "rotateWebhookSecret": rotate_webhook_secret,
    "replayDelivery": replay_delivery,
    "replayDeadLetters": replay_dead_letters,
    "deleteWebhookSubscription": delete_webhook_subscription,
    "createContact": create_contact,
    "updateContact": update_contact,
    "deleteContact": delete_contact,
    "key revoke": key_revoke,
    "recordOrgUnitEvent": record_org_unit_event,
    "setReportReview": set_report_review,
    "reviewProgressReport": review_progress_report,
    "addComment": add_comment,
    "createScoreRubric": create_score_rubric,
    "updateScoreRubric": update_score_rubric,
    "rebuild-rollups": rebuild_rollups,
}


# -- reading the traces ----------------------------------------------------------------------


async def _last_seq(conn: Any) -> int:
    return int(
        (await conn.execute(sa.select(sa.func.coalesce(sa.func.max(log_t.c.seq), 0)))).scalar()
    )


def _members(rows: Any) -> set[tuple[Any, ...]]:
    return {
        (
            r.root_id,
            r.task_id,
            r.deadline_end,
            bool(r.rated),
            bool(r.completed),
            bool(r.started),
            round(float(r.progress), 6),
            round(float(r.weight), 6),
        )
        for r in rows
    }


async def check_traces(env: Env, name: str, mark: Mark, since: int) -> None:
    expect = EXPECT[name]
    async with env.db.engine.connect() as conn:
        condition = (
            audit_t.c.request_id == mark.request_id
            if mark.request_id
            else audit_t.c.actor == mark.actor
        )
        audits = (await conn.execute(sa.select(audit_t).where(condition))).mappings().all()
        assert audits, f"{name}: no audit event"
        request_ids = {a["request_id"] for a in audits}
        assert len(request_ids) == 1, (name, request_ids)
        assert None not in request_ids, name
        (request_id,) = request_ids
        actors = {a["actor"] for a in audits}
        if mark.actor:
            assert actors == {mark.actor}, (name, actors)
        entries = (await conn.execute(sa.select(log_t).where(log_t.c.seq > since))).mappings().all()
        events = (
            (await conn.execute(sa.select(outbox_t).where(outbox_t.c.request_id == request_id)))
            .mappings()
            .all()
        )
        if expect.change_log:
            assert entries, f"{name}: no change-log entry"
            changed = {
                (e["event_type"].split(".")[0], e["object_id"])
                for e in events
                if e["event_type"].endswith(".changed")
            }
            # `*.changed` outbox events: the tasks and rectifications the log carries.
            logged = {
                (str(e["object_type"]).lower(), e["object_id"])
                for e in entries
                if str(e["object_type"]).upper() in ("TASK", "RECTIFICATION")
            }
            assert changed == logged, f"{name}: outbox events differ from the change log"
            seqs = {
                orjson.loads(e["payload"])["changeLogSeq"]
                if isinstance(e["payload"], str)
                else e["payload"]["changeLogSeq"]
                for e in events
                if e["event_type"].endswith(".changed")
            }
            assert seqs == {
                e["seq"]
                for e in entries
                if str(e["object_type"]).upper() in ("TASK", "RECTIFICATION")
            }, name
        else:
            assert entries == [], f"{name}: change-log entries for a write that changes no object"
        if expect.outbox:
            assert events, f"{name}: no outbox event"
            assert {e["actor"] for e in events} == actors, name
            assert all(e["delivered_at"] is None for e in events), name
        else:
            assert events == [], name
        if expect.rollups:
            tasks = sorted(
                {e["object_id"] for e in entries if str(e["object_type"]).upper() == "TASK"}
            )
            if name == "rebuild-rollups":
                tasks = sorted(set((await conn.execute(sa.select(member_t.c.task_id))).scalars()))
            assert tasks, f"{name}: no task to refresh"
            stored = await conn.execute(sa.select(member_t).where(member_t.c.task_id.in_(tasks)))
            fresh = await conn.execute(member_select(tasks))
            assert _members(stored) == _members(fresh), f"{name}: rollups not refreshed"


@pytest.mark.private_db
async def test_every_writer_leaves_audit_change_log_rollups_and_outbox(
    client: GraphQLClient, seeded_db: TestDatabase, tmp_path: Path
) -> None:
    env = Env(db=seeded_db, client=client, tmp_path=tmp_path)
    for name, case in CASES.items():
        async with seeded_db.engine.connect() as conn:
            since = await _last_seq(conn)
        mark = await case(env)
        await check_traces(env, name, mark, since)
    async with seeded_db.engine.connect() as conn:
        assert await mismatches(conn, [date.today()]) == []


async def test_a_rejected_write_leaves_no_trace(
    client: GraphQLClient, seeded_db: TestDatabase, tmp_path: Path
) -> None:
    env = Env(db=seeded_db, client=client, tmp_path=tmp_path)
    _task, share = await env.nancun_share()

    async def state() -> tuple[int, int, int, set[tuple[Any, ...]]]:
        async with seeded_db.engine.connect() as conn:
            audits = (await conn.execute(sa.select(sa.func.count()).select_from(audit_t))).scalar()
            events = (await conn.execute(sa.select(sa.func.count()).select_from(outbox_t))).scalar()
            members = _members(await conn.execute(sa.select(member_t)))
            return await _last_seq(conn), int(audits or 0), int(events or 0), members

    before = await state()
    # A stale expectedVersion: reportProgress fails after its service began writing.
    stale = """
    mutation ($share: ID!) {
      a: reportProgress(input: {assignment: $share, percent: 100, expectedVersion: 999}) {
        errors { code } }
    }
    """
    payload = await env.post(
        "trace-rejected", stale, {"share": share}, as_="南村镇", role="REPORTER"
    )
    assert [e["code"] for e in payload["errors"]] == ["VERSION_CONFLICT"]
    peer = _payload("escalation { level }", "escalate", "EscalateInput")
    refused = await env.post(
        "trace-rejected",
        peer,
        {
            "input": {
                "level": "URGE",
                "addressedTo": await env.unit("南村镇"),
                "assignment": share,
            }
        },
        as_="钟家庄街道",
        role="COORDINATOR",
    )
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    assert await state() == before
    async with seeded_db.engine.connect() as conn:
        left = await conn.execute(
            sa.select(outbox_t.c.id).where(outbox_t.c.request_id == "trace-rejected")
        )
        assert left.first() is None


@pytest.mark.private_db
@pytest.mark.postgres
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_audit_before_values_are_read_under_the_row_lock(
    client: GraphQLClient, seeded_db: TestDatabase, tmp_path: Path
) -> None:
    """Twenty unconditional reports on one share at once: each audit event's "before" is the
    state its write replaced, so the versions before form one chain (none read twice)."""
    env = Env(db=seeded_db, client=client, tmp_path=tmp_path)
    _task, share = await env.nancun_share()
    query = _payload(
        "report { id } assignment { version }", "reportProgress", "ReportProgressInput"
    )

    async def write(i: int) -> None:
        variables = {"input": {"assignment": share, "percent": i}}
        payload = await env.post(f"lock-{i}", query, variables, as_="南村镇", role="REPORTER")
        assert payload["errors"] == []

    await asyncio.gather(*(write(i) for i in range(20)))
    async with seeded_db.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(audit_t.c.before, audit_t.c.after).where(
                audit_t.c.action == "reportProgress",
                audit_t.c.target_id == decode_global_id(share),
            )
        )
        befores = [row.before["version"] for row in rows]
    assert len(befores) == 20
    assert sorted(befores) == list(range(min(befores), min(befores) + 20))
