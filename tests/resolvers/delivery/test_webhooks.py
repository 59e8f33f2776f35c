"""Webhook delivery of the outbox (issue 18): a real receiver on loopback, signatures checked
with the standardwebhooks package, retries, dead letters, replay, rotation, disable, scope."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

import models
from api import api_keys
from resolvers.common import decode_global_id
from resolvers.delivery import subscriptions
from resolvers.delivery.worker import DeliveryConfig, Round, new_secret, replay, run_once
from resolvers.errors import DomainError
from tests.conftest import GraphQLClient, TestDatabase
from tests.resolvers.delivery.receiver import Receiver, running

pytestmark = pytest.mark.private_db  # the worker commits on its own connections

delivery_t = models.metadata.tables["webhook_delivery"]
sub_t = models.metadata.tables["webhook_subscription"]
outbox_t = models.metadata.tables["outbox_event"]

CONFIG = DeliveryConfig(
    max_attempts=3, backoff_base=0.0, lease=30.0, timeout=1.0, allow_private=True
)
REPORT = """
mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
  report { id } errors { code message } } }
"""


async def _unit(client: GraphQLClient, name: str) -> str:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    unit: str = data["orgUnit"]["id"]
    return unit


async def _share(client: GraphQLClient) -> str:
    data = await client.query(
        '{ tasks(filter: {text: "秸秆禁烧"}) { edges { node { id '
        "assignments { id unit { name } } } } } }"
    )
    task = data["tasks"]["edges"][0]["node"]
    share: str = next(a["id"] for a in task["assignments"] if a["unit"]["name"] == "南村镇")
    return share


async def _report(client: GraphQLClient, narrative: str, percent: int = 40) -> None:
    reporter = client.as_viewer(decode_global_id(await _unit(client, "南村镇")), "REPORTER")
    variables = {
        "input": {"assignment": await _share(client), "percent": percent, "narrative": narrative}
    }
    data = await reporter.query(REPORT, variables)
    assert data["reportProgress"]["errors"] == []


async def _subscribe(
    db: TestDatabase,
    client: GraphQLClient,
    url: str,
    *,
    disclosure: str = "SHARED",
    events: list[str] | None = None,
) -> dict[str, Any]:
    unit = decode_global_id(await _unit(client, "南村镇"))
    async with db.engine.begin() as conn:
        key = await api_keys.create_key(
            conn, name=f"partner-{disclosure}", unit_id=unit, disclosure=disclosure
        )
        return await subscriptions.create_subscription(
            conn, key_prefix=key.prefix, url=url, event_types=events or ["task.changed"]
        )


async def _rounds(db: TestDatabase, config: DeliveryConfig, limit: int = 10) -> list[Round]:
    """Worker rounds until one does nothing (bounded)."""
    done = []
    for _ in range(limit):
        one = await run_once(db.engine, config)
        done.append(one)
        if not one.fanned_out and not one.outcomes:
            break
    return done


async def _deliveries(db: TestDatabase) -> list[dict[str, Any]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(sa.select(delivery_t).order_by(delivery_t.c.event_seq))
        return [dict(r) for r in rows.mappings()]


async def test_signed_cloud_event_scoped_per_tier(
    seeded_db: TestDatabase, client: GraphQLClient
) -> None:
    """A SHARED partner's payload carries no reporter; an INTERNAL one's does. Both verify."""
    with running(Receiver()) as shared, running(Receiver()) as internal:
        s = await _subscribe(seeded_db, client, shared.url)
        i = await _subscribe(seeded_db, client, internal.url, disclosure="INTERNAL")
        shared.secrets, internal.secrets = [s["secret"]], [i["secret"]]
        await _report(client, "巡查已过半")
        await _rounds(seeded_db, CONFIG)
        for receiver, has_reporter in ((shared, False), (internal, True)):
            (got,) = receiver.delivered()
            assert got.verified
            event = got.body
            assert event["specversion"] == "1.0"
            assert event["type"] == "govgraph.task.changed"
            assert event["datacontenttype"] == "application/json"
            assert got.webhook_id == event["id"]
            assert event["subject"] == f"TASK/{event['data']['objectId']}"
            reports = event["data"]["records"]["progressReports"]
            assert any(r["narrative"] == "巡查已过半" for r in reports)
            assert all(("reportedBy" in r) is has_reporter for r in reports)
    async with seeded_db.engine.connect() as conn:
        left = await conn.scalar(
            sa.select(sa.func.count())
            .select_from(outbox_t)
            .where(outbox_t.c.delivered_at.is_(None))
        )
    assert left == 0
    assert {d["status"] for d in await _deliveries(seeded_db)} == {"DELIVERED"}


async def test_fails_times_out_and_recovers(seeded_db: TestDatabase, client: GraphQLClient) -> None:
    """500, then a timeout, then 200: delivered on the third attempt, one webhook-id."""
    receiver = Receiver(script=[500, "timeout"], sleep=2.0)
    with running(receiver):
        sub = await _subscribe(seeded_db, client, receiver.url)
        receiver.secrets = [sub["secret"]]
        await _report(client, "第一次")
        await _rounds(seeded_db, CONFIG)
    (delivery,) = await _deliveries(seeded_db)
    assert delivery["status"] == "DELIVERED"
    assert delivery["attempts"] == 3
    assert [r.answered for r in receiver.received] == [500, -1, 200]
    assert len({r.webhook_id for r in receiver.received}) == 1
    assert all(r.verified for r in receiver.received)


async def test_dead_letter_disables_then_replay(
    seeded_db: TestDatabase, client: GraphQLClient
) -> None:
    """Always 500: dead after max attempts, the subscription disabled (sustained failure);
    re-enabled and replayed once the receiver recovers, it is delivered."""
    config = replace(CONFIG, max_attempts=2, disable_after_dead=1)
    receiver = Receiver(default=500)
    with running(receiver):
        sub = await _subscribe(seeded_db, client, receiver.url)
        receiver.secrets = [sub["secret"]]
        await _report(client, "失败")
        await _rounds(seeded_db, config)
        (delivery,) = await _deliveries(seeded_db)
        assert (delivery["status"], delivery["attempts"]) == ("DEAD", 2)
        assert delivery["last_status_code"] == 500
        async with seeded_db.engine.connect() as conn:
            row = (await conn.execute(sa.select(sub_t))).mappings().one()
        assert row["active"] is False
        assert "dead" in row["disabled_reason"]
        receiver.default = 200
        assert await replay(seeded_db.engine, delivery["event_id"]) == 1
        await _rounds(seeded_db, config)
        assert (await _deliveries(seeded_db))[0]["status"] == "PENDING"  # disabled: waits
        async with seeded_db.engine.begin() as conn:
            await subscriptions.set_active(conn, sub["id"], True)
        await _rounds(seeded_db, config)
    (delivery,) = await _deliveries(seeded_db)
    assert delivery["status"] == "DELIVERED"
    assert {r.webhook_id for r in receiver.received} == {str(delivery["event_id"])}


async def test_order_per_object_and_rotation(
    seeded_db: TestDatabase, client: GraphQLClient
) -> None:
    """Event k+1 of a task waits for event k; after a rotation both secrets sign."""
    receiver = Receiver(script=[500])
    with running(receiver):
        sub = await _subscribe(seeded_db, client, receiver.url)
        await _report(client, "一", 30)
        await _report(client, "二", 50)
        async with seeded_db.engine.begin() as conn:
            new = await subscriptions.rotate_secret(conn, sub["id"], CONFIG)
        await _rounds(seeded_db, CONFIG)
    for secret in (sub["secret"], new):  # during the grace period each alone verifies
        assert all(Receiver(secrets=[secret]).verify(r.raw, r.headers) for r in receiver.received)
    assert not Receiver(secrets=[new_secret()]).verify(
        receiver.received[0].raw, receiver.received[0].headers
    )
    ids = [r.webhook_id for r in receiver.received]
    first, second = (d["event_id"] for d in await _deliveries(seeded_db))
    assert ids == [str(first), str(first), str(second)]
    assert {d["status"] for d in await _deliveries(seeded_db)} == {"DELIVERED"}


async def test_refuses_private_targets_and_other_schemes(
    seeded_db: TestDatabase, client: GraphQLClient
) -> None:
    """Loopback is refused unless allowed; a non-http URL is refused at subscription."""
    with pytest.raises(DomainError):
        await _subscribe(seeded_db, client, "file:///etc/passwd")
    receiver = Receiver()
    with running(receiver):
        await _subscribe(seeded_db, client, receiver.url)
        await _report(client, "内网")
        await run_once(seeded_db.engine, replace(CONFIG, allow_private=False))
    assert receiver.received == []
    (delivery,) = await _deliveries(seeded_db)
    assert delivery["last_error"].startswith("refused")


CREATE = """
mutation ($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) {
  subscription { id apiKeyPrefix disclosure url eventTypes active } secret
  errors { code field } } }
"""
UPDATE = """
mutation ($input: UpdateWebhookSubscriptionInput!) { updateWebhookSubscription(input: $input) {
  subscription { eventTypes active disabledReason } errors { code field } } }
"""
LIST = """
{ webhookSubscriptions { id url }
  webhookDeliveries(status: DELIVERED) { eventId status attempts lastStatusCode subscription } }
"""


async def _as_key(client: GraphQLClient, key: str, query: str) -> dict[str, Any]:
    response = await client.http.post("/graphql", json={"query": query}, headers={"x-api-key": key})
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def _count(db: TestDatabase, table: sa.Table) -> int:
    async with db.engine.connect() as conn:
        return int(await conn.scalar(sa.select(sa.func.count()).select_from(table)) or 0)


async def test_graphql_admin_manages_partners_see_their_own(
    seeded_db: TestDatabase, client: GraphQLClient
) -> None:
    """ADMIN subscribes a key; a coordinator may not (nothing written); a partner lists its
    own subscriptions and delivery log, another partner none; a restatement records nothing."""
    unit = decode_global_id(await _unit(client, "南村镇"))
    async with seeded_db.engine.begin() as conn:
        mine = await api_keys.create_key(conn, name="mine", unit_id=unit)
        other = await api_keys.create_key(conn, name="other", unit_id=unit)
    admin = client.as_viewer(unit, "ADMIN")
    coordinator = client.as_viewer(unit, "COORDINATOR")
    audit_t = models.metadata.tables["audit_event"]
    receiver = Receiver()
    with running(receiver):
        variables = {
            "input": {"apiKey": mine.prefix, "url": receiver.url, "eventTypes": ["task.changed"]}
        }
        refused = await coordinator.query(CREATE, variables)
        assert refused["createWebhookSubscription"]["errors"][0]["code"] == "FORBIDDEN"
        assert await _count(seeded_db, sub_t) == 0
        bad = await admin.query(CREATE, {"input": {**variables["input"], "url": "ftp://x"}})
        assert bad["createWebhookSubscription"]["errors"] == [
            {"code": "INVALID_INPUT", "field": "url"}
        ]
        unknown = await admin.query(
            CREATE, {"input": {**variables["input"], "eventTypes": ["api_key.created"]}}
        )
        assert unknown["createWebhookSubscription"]["errors"][0]["field"] == "eventTypes"
        assert await _count(seeded_db, sub_t) == 0
        made = (await admin.query(CREATE, variables))["createWebhookSubscription"]
        assert made["errors"] == []
        assert made["secret"].startswith("whsec_")
        assert made["subscription"]["disclosure"] == "SHARED"
        receiver.secrets = [made["secret"]]
        audits = await _count(seeded_db, audit_t)
        same = await admin.query(
            UPDATE,
            {"input": {"subscription": made["subscription"]["id"], "eventTypes": ["task.changed"]}},
        )
        assert same["updateWebhookSubscription"]["errors"] == []
        assert await _count(seeded_db, audit_t) == audits  # a restatement writes nothing
        await _report(client, "接口")
        await _rounds(seeded_db, CONFIG)
    assert receiver.delivered()
    assert receiver.delivered()[0].verified
    own = await _as_key(client, mine.secret, LIST)
    assert [s["id"] for s in own["webhookSubscriptions"]] == [made["subscription"]["id"]]
    (delivery,) = own["webhookDeliveries"]
    assert (delivery["status"], delivery["attempts"], delivery["lastStatusCode"]) == (
        "DELIVERED",
        1,
        200,
    )
    assert await _as_key(client, other.secret, LIST) == {
        "webhookSubscriptions": [],
        "webhookDeliveries": [],
    }
    assert len((await admin.query(LIST))["webhookSubscriptions"]) == 1
    assert (await coordinator.query(LIST))["webhookSubscriptions"] == []


async def test_shared_partner_never_receives_persons(seeded_db: TestDatabase) -> None:
    """Every rectification, as a SHARED partner of the top unit receives it: no responsible
    persons, no actors (an INTERNAL partner's payloads carry them)."""
    rect_t = models.metadata.tables["rectification"]
    unit_t = models.metadata.tables["org_unit"]
    async with seeded_db.engine.begin() as conn:
        root = await conn.scalar(sa.select(unit_t.c.id).where(unit_t.c.parent_id.is_(None)))
        rects = list((await conn.execute(sa.select(rect_t.c.id))).scalars())
        keys = {
            tier: await api_keys.create_key(conn, name=tier, unit_id=root, disclosure=tier)
            for tier in ("SHARED", "INTERNAL")
        }
        await conn.execute(
            outbox_t.insert(),
            [
                {
                    "id": uuid.uuid4(),
                    "event_type": "rectification.changed",
                    "object_type": "rectification",
                    "object_id": rect,
                    "units": [],
                    "payload": {},
                    "actor": "test",
                    "created_at": datetime.now(UTC),
                }
                for rect in rects
            ],
        )
    with running(Receiver()) as shared, running(Receiver()) as internal:
        async with seeded_db.engine.begin() as conn:
            for tier, receiver in (("SHARED", shared), ("INTERNAL", internal)):
                await subscriptions.create_subscription(
                    conn, key_prefix=keys[tier].prefix, url=receiver.url, event_types=[]
                )
        await _rounds(seeded_db, replace(CONFIG, batch=500))
    assert rects
    assert len(shared.delivered()) == len(internal.delivered()) == len(rects)
    for receiver, internal_fields in ((shared, False), (internal, True)):
        for got in receiver.delivered():
            records = got.body["data"]["records"]
            for row in records["rectifications"]:
                assert ("responsiblePersons" in row) is internal_fields
            for row in records["rectificationEvents"]:
                assert ("actor" in row) is internal_fields


async def test_sustained_failure_disables_after_24_hours(
    seeded_db: TestDatabase, client: GraphQLClient
) -> None:
    """A receiver that always fails, on the worker's clock: still active after 23 h of
    failures, disabled once 24 h have passed (an audit event and an outbox event record it);
    nothing is tried while disabled; ADMIN re-enables it through GraphQL and it delivers."""
    from datetime import timedelta

    audit_t = models.metadata.tables["audit_event"]
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    moment = [start]
    config = replace(
        CONFIG,
        max_attempts=1000,
        disable_after_dead=1000,
        disable_after=timedelta(hours=24),
        clock=lambda: moment[0],
    )
    receiver = Receiver(default=500)
    with running(receiver):
        sub = await _subscribe(seeded_db, client, receiver.url)
        receiver.secrets = [sub["secret"]]
        await _report(client, "一直失败")

        async def at(hours: float) -> dict[str, Any]:
            moment[0] = start + timedelta(hours=hours)
            await run_once(seeded_db.engine, config)
            async with seeded_db.engine.connect() as conn:
                row = (await conn.execute(sa.select(sub_t))).mappings().one()
            return dict(row)

        first = await at(0)
        assert first["active"] is True
        assert first["failing_since"].replace(tzinfo=UTC) == start
        assert (await at(23))["active"] is True
        assert len(receiver.received) == 2
        disabled = await at(24)
        assert disabled["active"] is False
        assert disabled["disabled_at"].replace(tzinfo=UTC) == start + timedelta(hours=24)
        assert disabled["disabled_reason"].startswith("every attempt failed since")
        assert len(receiver.received) == 3
        await at(30)  # disabled: nothing is tried
        assert len(receiver.received) == 3
        async with seeded_db.engine.connect() as conn:
            (audit,) = (
                (
                    await conn.execute(
                        sa.select(audit_t).where(audit_t.c.action == "disableWebhookSubscription")
                    )
                )
                .mappings()
                .all()
            )
            events = (
                await conn.execute(
                    sa.select(outbox_t.c.event_type, outbox_t.c.object_id).where(
                        outbox_t.c.event_type == "webhook_subscription.disabled"
                    )
                )
            ).all()
        assert audit["target_id"] == sub["id"]
        assert audit["actor"] == "govgraph deliver"
        assert audit["after"]["active"] is False
        assert events == [("webhook_subscription.disabled", sub["id"])]
        # ADMIN re-enables it (the one write pipeline: audited); the receiver has recovered.
        receiver.default = 200
        admin = client.as_viewer(decode_global_id(await _unit(client, "南村镇")), "ADMIN")
        from resolvers.ids import encode_global_id

        enabled = await admin.query(
            UPDATE,
            {
                "input": {
                    "subscription": encode_global_id("WebhookSubscription", sub["id"]),
                    "active": True,
                }
            },
        )
        assert enabled["updateWebhookSubscription"]["errors"] == []
        assert enabled["updateWebhookSubscription"]["subscription"]["active"] is True
        again = await at(31)
    assert again["active"] is True
    assert again["failing_since"] is None
    assert again["disabled_reason"] is None
    assert receiver.delivered()
    assert {d["status"] for d in await _deliveries(seeded_db)} == {"DELIVERED"}
