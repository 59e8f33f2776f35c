"""People are told (issue 18, point 3): contacts managed through GraphQL by the unit's
coordinators; immediate messages by email (a real aiosmtpd server on loopback) and through a
generic HTTP gateway (a real receiver on loopback), scoped to the contact's unit's subtree and
never carrying internal fields; quiet hours defer them; failures retry and end DEAD."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

import models
from api import api_keys
from models.rules import calendar
from models.rules.notify import in_quiet_hours, parse_clock, quiet_until
from resolvers.common import decode_global_id
from resolvers.delivery import people
from resolvers.delivery.channels import EmailChannel, HttpGatewayChannel
from resolvers.delivery.targets import TargetPolicy, parse_networks
from resolvers.delivery.worker import fan_out, run_once
from tests.conftest import GraphQLClient, TestDatabase
from tests.resolvers.delivery.receiver import Receiver, running
from tests.resolvers.delivery.smtp import smtp_server
from tests.resolvers.delivery.test_webhooks import CONFIG, _report, _unit

pytestmark = pytest.mark.private_db

contact_t = models.metadata.tables["contact"]
notification_t = models.metadata.tables["notification"]
audit_t = models.metadata.tables["audit_event"]
rect_t = models.metadata.tables["rectification"]
outbox_t = models.metadata.tables["outbox_event"]

CREATE = """
mutation ($input: CreateContactInput!) { createContact(input: $input) {
  contact { id unit name channel address eventTypes quietStart quietEnd mode active version }
  errors { code field } } }
"""
UPDATE = """
mutation ($input: UpdateContactInput!) { updateContact(input: $input) {
  contact { id name mode version quietStart } errors { code field } } }
"""
DELETE = """
mutation ($input: DeleteContactInput!) { deleteContact(input: $input) {
  deletedId errors { code field } } }
"""
LIST = """
query ($unit: ID!) { contacts(unit: $unit) { id name address }
  contactNotifications(unit: $unit) { eventType subject status } }
"""


async def _as(client: GraphQLClient, name: str, role: str) -> GraphQLClient:
    return client.as_viewer(decode_global_id(await _unit(client, name)), role)


async def _count(db: TestDatabase, table: sa.Table) -> int:
    async with db.engine.connect() as conn:
        return int(await conn.scalar(sa.select(sa.func.count()).select_from(table)) or 0)


async def _contact(client: GraphQLClient, unit: str, **fields: Any) -> dict[str, Any]:
    coordinator = await _as(client, unit, "COORDINATOR")
    variables = {"input": {"unit": await _unit(client, unit), "name": "值班室"} | fields}
    data = (await coordinator.query(CREATE, variables))["createContact"]
    assert data["errors"] == [], data
    contact: dict[str, Any] = data["contact"]
    return contact


async def _notifications(db: TestDatabase) -> list[dict[str, Any]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(sa.select(notification_t).order_by(notification_t.c.created_at))
        return [dict(r) for r in rows.mappings()]


class TestContactMutations:
    async def test_coordinators_manage_their_units_contacts(
        self, seeded_db: TestDatabase, client: GraphQLClient
    ) -> None:
        town = await _unit(client, "南村镇")
        base = {"unit": town, "name": "王科长", "channel": "EMAIL", "address": "wang@example.org"}
        audits = await _count(seeded_db, audit_t)
        # Refused, writing nothing.
        refusals = [
            (await _as(client, "南村镇", "REPORTER"), base, "FORBIDDEN", None),
            (await _as(client, "阳城县", "COORDINATOR"), base, "NOT_FOUND", "unit"),
            (await _as(client, "南村镇", "COORDINATOR"), {**base, "address": "nope"}, None, None),
            (
                await _as(client, "南村镇", "COORDINATOR"),
                {**base, "eventTypes": ["api_key.created"]},
                "INVALID_INPUT",
                "eventTypes",
            ),
            (
                await _as(client, "南村镇", "COORDINATOR"),
                {**base, "quietStart": "25:00", "quietEnd": "07:00"},
                "INVALID_INPUT",
                "quietHours",
            ),
            (
                await _as(client, "南村镇", "COORDINATOR"),
                {**base, "quietStart": "22:00"},
                "INVALID_INPUT",
                "quietHours",
            ),
            (await _as(client, "南村镇", "COORDINATOR"), {**base, "name": " "}, None, "name"),
        ]
        for viewer, fields, code, field in refusals:
            (error,) = (await viewer.query(CREATE, {"input": fields}))["createContact"]["errors"]
            assert error["code"] == (code or "INVALID_INPUT")
            assert field is None or error["field"] == field
        assert await _count(seeded_db, contact_t) == 0
        assert await _count(seeded_db, audit_t) == audits
        # The town's coordinator, and the district's above it, may.
        made = await _contact(
            client,
            "南村镇",
            **{k: v for k, v in base.items() if k != "unit"},
            quietStart="22:00",
            quietEnd="07:00",
            eventTypes=["task.overdue", "task.due_soon"],
        )
        assert made["eventTypes"] == ["task.due_soon", "task.overdue"]
        assert (made["mode"], made["version"], made["quietStart"]) == ("IMMEDIATE", 1, "22:00")
        district = await _as(client, "城区", "COORDINATOR")
        changed = await district.query(
            UPDATE,
            {
                "input": {
                    "contact": made["id"],
                    "expectedVersion": 1,
                    "mode": "DAILY_DIGEST",
                    "clearQuietHours": True,
                }
            },
        )
        assert changed["updateContact"]["errors"] == []
        assert changed["updateContact"]["contact"]["mode"] == "DAILY_DIGEST"
        assert changed["updateContact"]["contact"]["quietStart"] is None
        restated = await district.query(
            UPDATE, {"input": {"contact": made["id"], "mode": "DAILY_DIGEST", "name": "王科长"}}
        )
        assert restated["updateContact"]["contact"]["version"] == 2  # nothing changed
        stale = await district.query(
            UPDATE, {"input": {"contact": made["id"], "expectedVersion": 1, "name": "李"}}
        )
        assert stale["updateContact"]["errors"][0]["code"] == "VERSION_CONFLICT"
        other = await _as(client, "阳城县", "COORDINATOR")
        hidden = await other.query(UPDATE, {"input": {"contact": made["id"], "name": "x"}})
        assert hidden["updateContact"]["errors"] == [{"code": "NOT_FOUND", "field": "contact"}]
        # Readers: the unit's subtree's viewers; not another branch, not a partner's key.
        listed = await (await _as(client, "南村镇", "VIEWER")).query(LIST, {"unit": town})
        assert [c["name"] for c in listed["contacts"]] == ["王科长"]
        assert (await other.query(LIST, {"unit": town}))["contacts"] == []
        async with seeded_db.engine.begin() as conn:
            key = await api_keys.create_key(
                conn, name="p", unit_id=decode_global_id(town), disclosure="INTERNAL"
            )
        response = await client.http.post(
            "/graphql",
            json={"query": LIST, "variables": {"unit": town}},
            headers={"x-api-key": key.secret},
        )
        assert response.json()["data"]["contacts"] == []
        gone = await district.query(DELETE, {"input": {"contact": made["id"]}})
        assert gone["deleteContact"]["errors"] == []
        assert await _count(seeded_db, contact_t) == 0
        assert await _count(seeded_db, audit_t) == audits + 3


def test_quiet_hours_rule() -> None:
    """Windows within a day and across midnight; a message inside waits until the end."""
    clock = parse_clock
    assert in_quiet_hours(clock("23:30"), clock("22:00"), clock("07:00"))  # type: ignore[arg-type]
    assert in_quiet_hours(clock("06:59"), clock("22:00"), clock("07:00"))  # type: ignore[arg-type]
    assert not in_quiet_hours(clock("07:00"), clock("22:00"), clock("07:00"))  # type: ignore[arg-type]
    assert in_quiet_hours(clock("12:10"), clock("12:00"), clock("13:00"))  # type: ignore[arg-type]
    assert parse_clock("7:00") is None
    zone = calendar.zone()
    late = datetime(2026, 12, 7, 23, 30, tzinfo=zone)
    assert quiet_until(late, "22:00", "07:00") == datetime(2026, 12, 8, 7, 0, tzinfo=zone)
    noon = datetime(2026, 12, 7, 12, 0, tzinfo=zone)
    assert quiet_until(noon, "22:00", "07:00") == noon
    assert quiet_until(noon, None, None) == noon


async def test_email_immediate_scoped_and_deferred_in_quiet_hours(
    seeded_db: TestDatabase, client: GraphQLClient
) -> None:
    """A progress report on 秸秆禁烧: 南村镇's contact is mailed through a real SMTP server;
    阳城县's (another branch) is told nothing; a contact in quiet hours waits."""
    now_local = datetime.now(UTC).astimezone(calendar.zone())
    quiet = {
        "quietStart": (now_local - timedelta(hours=1)).strftime("%H:%M"),
        "quietEnd": (now_local + timedelta(hours=2)).strftime("%H:%M"),
    }
    await _contact(
        client,
        "南村镇",
        channel="EMAIL",
        address="duty@nancun.example",
        eventTypes=["task.changed"],
    )
    sleeping = await _contact(
        client, "南村镇", channel="EMAIL", address="night@nancun.example", **quiet
    )
    await _contact(client, "阳城县", channel="EMAIL", address="duty@yangcheng.example")
    with smtp_server() as box:
        email = EmailChannel(host=box.host, port=box.port, sender="notify@govgraph.example")
        await _report(client, "巡查过半，已处置火点 3 处")
        await run_once(seeded_db.engine, CONFIG, channels={"EMAIL": email})
        mails = box.mails()
    assert len(mails) == 1
    (recipients, mail) = mails[0]
    assert recipients == ["duty@nancun.example"]
    assert mail["Subject"].startswith("【任务更新】")
    assert "秸秆" in mail["Subject"]
    assert "南村镇" in mail.get_content()
    rows = await _notifications(seeded_db)
    by_address = {r["address"]: r for r in rows}
    assert set(by_address) == {"duty@nancun.example", "night@nancun.example"}
    assert by_address["duty@nancun.example"]["status"] == "SENT"
    assert mail["X-Govgraph-Notification"] == str(by_address["duty@nancun.example"]["id"])
    deferred = by_address["night@nancun.example"]
    assert deferred["status"] == "PENDING"
    assert deferred["attempts"] == 0
    release = deferred["next_attempt_at"]
    release = release if release.tzinfo else release.replace(tzinfo=UTC)
    assert timedelta(hours=1) < release - datetime.now(UTC) <= timedelta(hours=2)
    assert sleeping["quietEnd"] == quiet["quietEnd"]
    assert {r["event_id"] for r in rows} == {by_address["duty@nancun.example"]["event_id"]}


async def test_gateway_escalation_and_dead_letter(
    seeded_db: TestDatabase, client: GraphQLClient
) -> None:
    """An escalation to 南村镇 reaches its SMS gateway contact through the HTTP-gateway
    channel's template; a gateway that always fails leaves the message DEAD after the last
    try."""
    await _contact(
        client,
        "南村镇",
        channel="HTTP_GATEWAY",
        address="13800000000",
        eventTypes=["escalation.issued"],
    )
    receiver = Receiver()
    with running(receiver):
        gateway = HttpGatewayChannel(
            url=receiver.url + "?to={address}",
            body='{"mobile": "{address}", "content": "{text}", "msgid": "{id}", "sign": "督办"}',
            headers={"authorization": "Bearer gateway-token"},
            policy=TargetPolicy(allowed=parse_networks("127.0.0.0/8")),
        )
        district = await _as(client, "城区", "COORDINATOR")
        data = await client.query(
            '{ tasks(filter: {text: "秸秆禁烧"}) { edges { node {'
            " assignments { id unit { name } } } } } }"
        )
        share = next(
            a
            for a in data["tasks"]["edges"][0]["node"]["assignments"]
            if a["unit"]["name"] == "南村镇"
        )
        escalated = await district.query(
            "mutation ($input: EscalateInput!) { escalate(input: $input) { errors { code } } }",
            {
                "input": {
                    "level": "WARNING_LETTER",
                    "addressedTo": await _unit(client, "南村镇"),
                    "assignment": share["id"],
                    "reason": "秸秆禁烧巡查滞后",
                }
            },
        )
        assert escalated["escalate"]["errors"] == []
        await run_once(seeded_db.engine, CONFIG, channels={"HTTP_GATEWAY": gateway})
        (got,) = receiver.received
        assert got.headers["authorization"] == "Bearer gateway-token"
        assert got.body["mobile"] == "13800000000"
        assert got.body["sign"] == "督办"
        assert got.body["content"].startswith("【督办】预警函：")
        assert "事由：秸秆禁烧巡查滞后" in got.body["content"]
        (sent,) = await _notifications(seeded_db)
        assert sent["status"] == "SENT"
        assert got.body["msgid"] == str(sent["id"])
        # A gateway that keeps failing: retried, then dead.
        receiver.default = 503
        await escalated_again(client, district, share["id"])
        config = replace(CONFIG, max_attempts=2)
        for _ in range(3):
            await run_once(seeded_db.engine, config, channels={"HTTP_GATEWAY": gateway})
    dead = [n for n in await _notifications(seeded_db) if n["status"] != "SENT"]
    assert [(n["status"], n["attempts"]) for n in dead] == [("DEAD", 2)]
    assert dead[0]["last_error"] == "gateway: HTTP 503"


async def escalated_again(client: GraphQLClient, district: GraphQLClient, share: str) -> None:
    result = await district.query(
        "mutation ($input: EscalateInput!) { escalate(input: $input) { errors { code } } }",
        {
            "input": {
                "level": "URGE",
                "addressedTo": await _unit(client, "南村镇"),
                "assignment": share,
                "reason": "再次催办",
            }
        },
    )
    assert result["escalate"]["errors"] == []


async def test_messages_carry_no_internal_fields(seeded_db: TestDatabase) -> None:
    """Every rectification, told to the top unit's contact: no responsible persons; four
    workers sending at once send each message once."""
    unit_t = models.metadata.tables["org_unit"]
    now = datetime.now(UTC)
    async with seeded_db.engine.begin() as conn:
        root = await conn.scalar(sa.select(unit_t.c.id).where(unit_t.c.parent_id.is_(None)))
        rects = (await conn.execute(sa.select(rect_t.c.id, rect_t.c.responsible_persons))).all()
        await conn.execute(
            contact_t.insert().values(
                id=models.base.stable_id("contact", "root"),
                org_unit_id=root,
                name="督查室",
                channel="EMAIL",
                address="duty@city.example",
                event_types=[],
                mode="IMMEDIATE",
                active=True,
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        await conn.execute(
            outbox_t.insert(),
            [
                {
                    "id": models.base.stable_id("rect-event", r.id),
                    "event_type": "rectification.changed",
                    "object_type": "rectification",
                    "object_id": r.id,
                    "units": [],
                    "payload": {},
                    "actor": "test",
                    "created_at": now,
                }
                for r in rects
            ],
        )
    persons = {p for _, p in rects if p}
    assert persons  # the seed names responsible persons
    config = replace(CONFIG, batch=500)
    while await fan_out(seeded_db.engine, config, now):
        pass
    with smtp_server() as box:
        email = EmailChannel(host=box.host, port=box.port)

        async def drain() -> None:  # one worker: small batches until nothing is due
            while await people.send_due(
                seeded_db.engine,
                {"EMAIL": email},
                batch=3,
                lease=60,
                max_attempts=3,
                backoff=lambda attempts: 0.0,
            ):
                pass

        await asyncio.gather(*(drain() for _ in range(4)))  # four workers side by side
        mails = box.mails()
    # Each message once: the workers never claimed the same one (SKIP LOCKED / one writer).
    assert len(mails) == len(rects)
    assert len({mail["X-Govgraph-Notification"] for _, mail in mails}) == len(rects)
    for _, mail in mails:
        text = mail["Subject"] + mail.get_content()
        assert not any(person in text for person in persons)
