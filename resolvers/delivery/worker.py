"""Delivery of the transactional outbox to webhook subscriptions (issue 18, points 1 and 2).

Two steps, each its own short transaction, so a worker killed at any moment loses nothing:

1. fan-out: the outbox events not yet fanned out (`delivered_at` NULL), in `seq` order, become
   one `webhook_delivery` row per matching active subscription (unique per event and
   subscription: inserting twice is a no-op), with the CloudEvent body signed on every try;
   then the event is marked. On PostgreSQL one worker fans out at a time
   (`pg_try_advisory_xact_lock`), so per-object order is the outbox's; SQLite has one writer.
2. send: due PENDING deliveries are claimed (`FOR UPDATE SKIP LOCKED` on PostgreSQL: workers
   never claim the same row) by leasing them (next_attempt_at = now + lease, attempts + 1);
   only an object's earliest pending delivery per subscription is claimable, so event k+1 of
   an object never goes before event k succeeded or died. After the HTTP call the outcome is
   written if the lease is still ours (same attempt count): DELIVERED on 2xx; else PENDING
   with exponential backoff and jitter, or DEAD after `max_attempts`. A worker killed during
   the call leaves the lease to expire and the delivery is sent again with the same
   `webhook-id` (the event id): at least once, idempotent by event id.

Beside the webhooks, each round (`run_once`) also: fans the same events out to the units'
contacts in the fan-out transaction and sends their due messages (resolvers/delivery/
people.py, channels.py); builds the day's digests once the digest hour has come (digest.py);
publishes the outbox to NATS JetStream when configured (stream.py). Dead letters are replayed
by resolvers/delivery/replay.py.

Payloads are read with the change feed's own rules (resolvers/changes/records.py) for the
subscription's scope (its unit's subtree at the key's disclosure tier): a SHARED partner's
payload carries no responsible persons or actors, and an event about an object outside the
scope is not delivered.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import random
import secrets
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from standardwebhooks.webhooks import Webhook

import models
from models.enums import ChangeType
from models.rules import calendar
from models.rules.scope import Disclosure, Scope
from resolvers import partitions
from resolvers.changes.log import ConnectionReader
from resolvers.changes.records import is_tombstone, object_key, read_records
from resolvers.delivery import people
from resolvers.delivery.channels import Channel, channels_from_env
from resolvers.delivery.deadlines import emit_deadline_events
from resolvers.delivery.digest import build_digests
from resolvers.delivery.items import ITEM_EVENTS, item_id, owners, visible_items
from resolvers.delivery.replay import requeue
from resolvers.delivery.stream import Publisher
from resolvers.delivery.targets import Network, Refused, TargetPolicy, parse_networks, resolve
from resolvers.delivery.transactions import write_transaction

logger = logging.getLogger("govgraph.delivery")

outbox_t = models.metadata.tables["outbox_event"]
sub_t = models.metadata.tables["webhook_subscription"]
delivery_t = models.metadata.tables["webhook_delivery"]
api_key_t = models.metadata.tables["api_key"]
audit_t = models.metadata.tables["audit_event"]
WORKER_ACTOR = "govgraph deliver"  # the actor of the worker's own writes

PENDING, DELIVERED, DEAD = "PENDING", "DELIVERED", "DEAD"
FANOUT_LOCK = 0x676F7667_00000018  # pg advisory lock key of the fan-out step
# Outbox object types a partner may hear of: the change-feed type whose records carry them.
DELIVERABLE: dict[str, ChangeType] = {
    "task": ChangeType.TASK,
    "rectification": ChangeType.RECTIFICATION,
    "document": ChangeType.DOCUMENT,
    "target": ChangeType.TARGET,
    "measurement": ChangeType.MEASUREMENT,
    "escalation": ChangeType.ESCALATION,
}
# The event types a subscription may name (unit_of_work's OUTBOX_EVENTS on these objects).
DELIVERABLE_EVENTS = frozenset(
    {
        "task.changed",
        "rectification.changed",
        "document.created",
        "target.created",
        "target.updated",
        "measurement.recorded",
        "escalation.issued",
        "escalation.acknowledged",
        "escalation.replied",
        "escalation.closed",
        "task.due_soon",  # the scheduler's (resolvers/delivery/deadlines.py)
        "task.overdue",
        "rectification.due_soon",
        "rectification.overdue",
    }
    | ITEM_EVENTS.keys()  # workflow events about an item (resolvers/delivery/items.py)
)
# Not for partners: api_key.*, webhook_subscription.*, webhook_delivery.replayed, contact.*,
# score_rubric.* (the deployment's own administration) and org_unit_event.recorded (the unit
# tree reaches partners through the change feed's ORG_UNIT records).


def wall_clock() -> datetime:
    """The present (the worker's default clock)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class DeliveryConfig:
    """How the worker retries, leases and refuses (README "Webhooks" documents each)."""

    max_attempts: int = 8
    backoff_base: float = 5.0  # seconds: attempt n waits base * 2**(n-1), jittered ±20 %
    backoff_max: float = 3600.0
    lease: float = 60.0  # a claimed delivery is retried by others after this many seconds
    timeout: float = 10.0
    batch: int = 100
    concurrency: int = 16
    allow_private: bool = False  # private/loopback targets (tests, closed networks)
    allowed_networks: tuple[Network, ...] = ()  # or only these (resolvers/delivery/targets.py)
    disable_after_dead: int = 20  # consecutive dead letters that disable a subscription
    disable_after: timedelta = timedelta(hours=24)  # failing with no success that long
    rotation_grace: timedelta = timedelta(hours=24)
    # What "now" is for leases, backoff, failure streaks and disabling (tests drive it; the
    # signatures' webhook-timestamp is always the wall clock: receivers check it).
    clock: Callable[[], datetime] = field(default=wall_clock, compare=False, repr=False)
    source: str = "urn:govgraph"  # the CloudEvents `source`
    # Seconds between the scheduler's due-soon/overdue passes (resolvers/delivery/deadlines.py);
    # None: no scheduling (the dataclass default: tests and callers turn it on).
    deadlines_every: float | None = None
    # The local hour (the configured zone) from which the day's digests are built
    # (resolvers/delivery/digest.py); None: never by the worker (`govgraph digest` still does).
    digest_hour: int | None = None
    # NATS JetStream (resolvers/delivery/stream.py): None: no stream (the embedded default).
    nats_url: str | None = None
    nats_stream: str = "GOVGRAPH"
    nats_prefix: str = "govgraph"  # subjects <prefix>.<event type>.<unit>
    # The first start publishes only the events younger than this (None: the whole backlog).
    nats_backlog: timedelta | None = timedelta(hours=24)

    @classmethod
    def from_env(cls) -> DeliveryConfig:
        """The settings from the environment (README "Webhooks")."""
        env = os.environ.get
        return cls(
            max_attempts=int(env("GOVGRAPH_DELIVER_MAX_ATTEMPTS", "8")),
            backoff_base=float(env("GOVGRAPH_DELIVER_BACKOFF_SECONDS", "5")),
            backoff_max=float(env("GOVGRAPH_DELIVER_BACKOFF_MAX_SECONDS", "3600")),
            lease=float(env("GOVGRAPH_DELIVER_LEASE_SECONDS", "60")),
            timeout=float(env("GOVGRAPH_WEBHOOK_TIMEOUT_SECONDS", "10")),
            batch=int(env("GOVGRAPH_DELIVER_BATCH", "100")),
            allow_private=_flag("GOVGRAPH_WEBHOOK_ALLOW_PRIVATE"),
            allowed_networks=parse_networks(env("GOVGRAPH_WEBHOOK_ALLOWED_CIDRS", "")),
            disable_after_dead=int(env("GOVGRAPH_WEBHOOK_DISABLE_AFTER_DEAD", "20")),
            disable_after=timedelta(hours=float(env("GOVGRAPH_WEBHOOK_DISABLE_AFTER_HOURS", "24"))),
            rotation_grace=timedelta(
                hours=float(env("GOVGRAPH_WEBHOOK_ROTATION_GRACE_HOURS", "24"))
            ),
            source=env("GOVGRAPH_WEBHOOK_SOURCE", "urn:govgraph"),
            deadlines_every=(
                None
                if env("GOVGRAPH_DELIVER_DEADLINES_SECONDS", "60") in ("0", "off", "")
                else float(env("GOVGRAPH_DELIVER_DEADLINES_SECONDS", "60"))
            ),
            digest_hour=(
                None
                if env("GOVGRAPH_DIGEST_HOUR", "8") in ("off", "")
                else int(env("GOVGRAPH_DIGEST_HOUR", "8"))
            ),
            nats_url=env("GOVGRAPH_NATS_URL") or None,
            nats_stream=env("GOVGRAPH_NATS_STREAM", "GOVGRAPH"),
            nats_prefix=env("GOVGRAPH_NATS_SUBJECT_PREFIX", "govgraph"),
            nats_backlog=(
                None
                if env("GOVGRAPH_NATS_BACKLOG_HOURS", "24").strip().lower() in ("all", "")
                else timedelta(hours=float(env("GOVGRAPH_NATS_BACKLOG_HOURS", "24")))
            ),
        )

    @property
    def policy(self) -> TargetPolicy:
        """Where webhooks may be sent (resolvers/delivery/targets.py)."""
        return TargetPolicy(self.allow_private, self.allowed_networks)


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def new_secret() -> str:
    """A Standard Webhooks secret: "whsec_" + base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secrets_: list[str], msg_id: str, timestamp: datetime, body: str) -> str:
    """The `webhook-signature` header: one `v1,…` per secret, space-separated."""
    return " ".join(Webhook(s).sign(msg_id, timestamp, body) for s in secrets_)


def _utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)  # SQLite keeps no zone
    return value


def _types(value: Any) -> list[str]:
    if isinstance(value, str):  # SQLite's JSON comes back parsed; be lenient anyway
        value = orjson.loads(value)
    return list(value or [])


# -- fan-out -----------------------------------------------------------------------------------


async def _begin_fanout(conn: AsyncConnection) -> bool:
    if conn.dialect.name != "postgresql":
        return True
    got = await conn.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(FANOUT_LOCK)))
    return bool(got)


async def fan_out(engine: AsyncEngine, config: DeliveryConfig, now: datetime) -> int:
    """Turn up to `config.batch` unfanned outbox events into deliveries; how many events."""
    async with write_transaction(engine) as conn:
        if not await _begin_fanout(conn):
            return 0
        statement = (
            sa.select(outbox_t)
            .where(outbox_t.c.delivered_at.is_(None))
            .order_by(outbox_t.c.seq)
            .limit(config.batch)
        )
        if conn.dialect.name == "postgresql":
            statement = statement.with_for_update(skip_locked=True)
        events = (await conn.execute(statement)).mappings().all()
        if not events:
            return 0
        subs = (
            (
                await conn.execute(
                    sa.select(
                        sub_t, api_key_t.c.disclosure, api_key_t.c.org_unit_id.label("key_unit")
                    )
                    .join(api_key_t, api_key_t.c.id == sub_t.c.api_key_id)
                    .where(
                        sub_t.c.active.is_(True),
                        api_key_t.c.revoked_at.is_(None),
                        sa.or_(api_key_t.c.expires_at.is_(None), api_key_t.c.expires_at > now),
                    )
                )
            )
            .mappings()
            .all()
        )
        rows = await _deliveries(conn, config, events, subs, now)
        if rows:
            insert = _insert_ignoring_duplicates(conn, rows)
            await conn.execute(insert)
        await people.fan_out_contacts(conn, events, now)
        await conn.execute(
            outbox_t.update()
            .where(outbox_t.c.seq.in_([e["seq"] for e in events]))
            .values(delivered_at=now)
        )
        return len(events)


def _insert_ignoring_duplicates(conn: AsyncConnection, rows: list[dict[str, Any]]) -> Any:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(delivery_t).values(rows).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(delivery_t).values(rows).on_conflict_do_nothing()


async def _deliveries(
    conn: AsyncConnection,
    config: DeliveryConfig,
    events: Any,
    subs: Any,
    now: datetime,
) -> list[dict[str, Any]]:
    """The delivery rows of these events: per subscription, the events it wants about objects
    its scope sees, each with its CloudEvent read in that scope (one batched read per
    subscription and change type)."""
    reader = ConnectionReader(conn)
    rows: list[dict[str, Any]] = []
    item_owners = await owners(conn, events)
    for sub in subs:
        wanted = _types(sub["event_types"])
        scope = Scope(root=sub["org_unit_id"], disclosure=Disclosure(sub["disclosure"]))
        # (event, owner id, item row) per change type; the item row only for workflow events
        by_type: dict[ChangeType, list[tuple[Any, uuid.UUID, Any]]] = defaultdict(list)
        item_events = []
        for event in events:
            if wanted and event["event_type"] not in wanted:
                continue
            if event["event_type"] in ITEM_EVENTS:
                item_events.append(event)
                continue
            change_type = DELIVERABLE.get(str(event["object_type"]).lower())
            if change_type is None or event["object_id"] is None:
                continue
            by_type[change_type].append((event, event["object_id"], None))
        seen = await visible_items(conn, scope, item_events) if item_events else {}
        for event in item_events:
            found = item_id(event)
            if found is None or found not in seen or found not in item_owners:
                continue  # the item is not (or no longer) in this partner's scope
            change_type, owner = item_owners[found]
            item = ITEM_EVENTS[event["event_type"]]
            by_type[change_type].append((event, owner, {"type": item.node, "row": seen[found]}))
        for change_type, chosen in by_type.items():
            records = await read_records(
                reader, scope, change_type, sorted({owner for _, owner, _ in chosen})
            )
            for event, owner, item_row in chosen:
                data = records[owner]
                if is_tombstone(change_type, data):
                    continue  # not (or no longer) in this partner's scope: nothing to say
                key = object_key(change_type, owner)
                body = cloud_event(config, event, change_type, key, data, item_row)
                rows.append(
                    {
                        "id": uuid.uuid4(),
                        "event_id": event["id"],
                        "event_seq": event["seq"],
                        "subscription_id": sub["id"],
                        "object_key": f"{change_type.value}:{key}",
                        "event_type": event["event_type"],
                        "body": body,
                        "status": PENDING,
                        "attempts": 0,
                        "next_attempt_at": now,
                        "created_at": now,
                    }
                )
    return rows


def cloud_event(
    config: DeliveryConfig,
    event: Any,
    change_type: ChangeType,
    key: str,
    records: dict[str, list[dict[str, Any]]],
    item: dict[str, Any] | None = None,
) -> str:
    """The event as a CloudEvent (structured JSON mode); `data` holds the object's rows as the
    change feed carries them for this scope (snapshot collections), and a workflow event's
    `item` (its type and row, resolvers/delivery/items.py)."""
    created = _utc(event["created_at"])
    assert created is not None
    data: dict[str, Any] = {"objectType": change_type.value, "objectId": key, "records": records}
    if item is not None:
        data["item"] = item
    document = {
        "specversion": "1.0",
        "id": str(event["id"]),
        "source": config.source,
        "type": f"govgraph.{event['event_type']}",
        "subject": f"{change_type.value}/{key}",
        "time": created.isoformat(),
        "datacontenttype": "application/json",
        "data": data,
    }
    return orjson.dumps(document).decode()


# -- claiming and sending ----------------------------------------------------------------------


@dataclass
class Claimed:
    """A leased delivery and what sending it needs."""

    id: uuid.UUID
    event_id: uuid.UUID
    subscription_id: uuid.UUID
    attempts: int
    body: str
    url: str
    secrets: list[str] = field(default_factory=list)


async def claim(engine: AsyncEngine, config: DeliveryConfig, now: datetime) -> list[Claimed]:
    """Lease up to `config.batch` due deliveries (each object's earliest pending one)."""
    earlier = delivery_t.alias("earlier")
    async with write_transaction(engine) as conn:
        statement = (
            sa.select(delivery_t.c.id)
            .join(sub_t, sub_t.c.id == delivery_t.c.subscription_id)
            .where(
                delivery_t.c.status == PENDING,
                delivery_t.c.next_attempt_at <= now,
                sub_t.c.active.is_(True),
                ~sa.exists().where(
                    earlier.c.subscription_id == delivery_t.c.subscription_id,
                    earlier.c.object_key == delivery_t.c.object_key,
                    earlier.c.event_seq < delivery_t.c.event_seq,
                    earlier.c.status == PENDING,
                ),
            )
            .order_by(delivery_t.c.event_seq)
            .limit(config.batch)
        )
        if conn.dialect.name == "postgresql":
            statement = statement.with_for_update(of=delivery_t, skip_locked=True)
        ids = list((await conn.execute(statement)).scalars())
        if not ids:
            return []
        await conn.execute(
            delivery_t.update()
            .where(delivery_t.c.id.in_(ids))
            .values(
                attempts=delivery_t.c.attempts + 1,
                last_attempt_at=now,
                next_attempt_at=now + timedelta(seconds=config.lease),
            )
        )
        rows = (
            (
                await conn.execute(
                    sa.select(
                        delivery_t.c.id,
                        delivery_t.c.event_id,
                        delivery_t.c.subscription_id,
                        delivery_t.c.attempts,
                        delivery_t.c.body,
                        delivery_t.c.event_seq,
                        sub_t.c.url,
                        sub_t.c.secret,
                        sub_t.c.previous_secret,
                        sub_t.c.previous_secret_expires_at,
                    )
                    .join(sub_t, sub_t.c.id == delivery_t.c.subscription_id)
                    .where(delivery_t.c.id.in_(ids))
                    .order_by(delivery_t.c.event_seq)
                )
            )
            .mappings()
            .all()
        )
    out = []
    for row in rows:
        keys = [row["secret"]]
        expires = _utc(row["previous_secret_expires_at"])
        if row["previous_secret"] and expires is not None and expires > now:
            keys.append(row["previous_secret"])
        out.append(
            Claimed(
                row["id"],
                row["event_id"],
                row["subscription_id"],
                row["attempts"],
                row["body"],
                row["url"],
                keys,
            )
        )
    return out


def backoff(config: DeliveryConfig, attempts: int) -> float:
    """Seconds before attempt `attempts + 1`: exponential, capped, ±20 % jitter."""
    delay = min(config.backoff_max, config.backoff_base * 2.0 ** max(0, attempts - 1))
    return delay * random.uniform(0.8, 1.2)


async def send(
    client: httpx.AsyncClient, config: DeliveryConfig, item: Claimed
) -> tuple[int | None, str | None]:
    """POST the signed CloudEvent; (status code, error) — error None on 2xx."""
    try:
        # resolved once, connected to by address (resolvers/delivery/targets.py)
        target = await resolve(item.url, config.policy)
        now = datetime.now(UTC)
        msg_id = str(item.event_id)
        headers = {
            **target.headers,
            "content-type": "application/cloudevents+json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": sign(item.secrets, msg_id, now, item.body),
        }
        response = await client.post(
            target.url, content=item.body.encode(), headers=headers, extensions=target.extensions
        )
    except Refused as exc:
        return None, f"refused {exc}"[:500]
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"HTTP {response.status_code}"


async def record(
    engine: AsyncEngine,
    config: DeliveryConfig,
    item: Claimed,
    status_code: int | None,
    error: str | None,
) -> str | None:
    """Write the outcome if the lease is still ours; the new status (None: lease lost)."""
    now = config.clock()
    values: dict[str, Any] = {"last_status_code": status_code, "last_error": error}
    if error is None:
        status = DELIVERED
        values |= {"status": DELIVERED, "delivered_at": now}
    elif item.attempts >= config.max_attempts:
        status = DEAD
        values |= {"status": DEAD}
    else:
        status = PENDING
        values |= {"next_attempt_at": now + timedelta(seconds=backoff(config, item.attempts))}
    async with write_transaction(engine) as conn:
        result = await conn.execute(
            delivery_t.update()
            .where(
                delivery_t.c.id == item.id,
                delivery_t.c.attempts == item.attempts,
                delivery_t.c.status == PENDING,
            )
            .values(**values)
        )
        if not result.rowcount:
            return None
        await _health(conn, config, item.subscription_id, status, now)
    return status


async def _health(
    conn: AsyncConnection,
    config: DeliveryConfig,
    subscription: uuid.UUID,
    status: str,
    now: datetime,
) -> None:
    """A subscription's failure streak; disabled after sustained failure."""
    if status == DELIVERED:
        await conn.execute(
            sub_t.update()
            .where(sub_t.c.id == subscription)
            .where(sa.or_(sub_t.c.consecutive_dead != 0, sub_t.c.failing_since.is_not(None)))
            .values(consecutive_dead=0, failing_since=None)
        )
        return
    values: dict[str, Any] = {"failing_since": sa.func.coalesce(sub_t.c.failing_since, now)}
    if status == DEAD:
        values["consecutive_dead"] = sub_t.c.consecutive_dead + 1
    await conn.execute(sub_t.update().where(sub_t.c.id == subscription).values(**values))
    row = (
        await conn.execute(
            sa.select(sub_t.c.consecutive_dead, sub_t.c.failing_since, sub_t.c.active).where(
                sub_t.c.id == subscription
            )
        )
    ).one()
    since = _utc(row.failing_since)
    reason = None
    if row.consecutive_dead >= config.disable_after_dead:
        reason = f"{row.consecutive_dead} deliveries in a row ended dead"
    elif since is not None and now - since >= config.disable_after:
        reason = f"every attempt failed since {since.isoformat()}"
    if reason and row.active:
        await conn.execute(
            sub_t.update()
            .where(sub_t.c.id == subscription)
            .values(active=False, disabled_at=now, disabled_reason=reason, updated_at=now)
        )
        await _record_disable(conn, subscription, reason, now)
        logger.warning("webhook subscription %s disabled: %s", subscription, reason)


async def _record_disable(
    conn: AsyncConnection, subscription: uuid.UUID, reason: str, now: datetime
) -> None:
    """The automatic disable's traces, in its transaction: an audit event (action
    `disableWebhookSubscription`, actor `govgraph deliver`) and the outbox event
    `webhook_subscription.disabled` (for the deployment's own bus; not for partners)."""
    unit = await conn.scalar(sa.select(sub_t.c.org_unit_id).where(sub_t.c.id == subscription))
    audit_id = uuid.uuid4()
    after = {"active": False, "disabledReason": reason, "disabledAt": now.isoformat()}
    await conn.execute(
        audit_t.insert().values(
            id=audit_id,
            actor=WORKER_ACTOR,
            actor_unit_id=None,
            scope_unit_id=unit,
            action="disableWebhookSubscription",
            target_type="WebhookSubscription",
            target_id=subscription,
            before={"active": True},
            after=after,
            occurred_at=now,
            request_id=None,
        )
    )
    await conn.execute(
        outbox_t.insert().values(
            id=uuid.uuid4(),
            event_type="webhook_subscription.disabled",
            object_type="WebhookSubscription",
            object_id=subscription,
            units=[str(unit)] if unit else [],
            payload={
                "action": "disableWebhookSubscription",
                "auditEventId": str(audit_id),
                "after": after,
            },
            actor=WORKER_ACTOR,
            request_id=None,
            created_at=now,
            delivered_at=None,
        )
    )


@dataclass
class Round:
    """What one round of the worker did."""

    fanned_out: int = 0
    deadline_events: int = 0
    digests: int = 0
    streamed: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    messages: dict[str, int] = field(default_factory=dict)  # notifications to people

    def busy(self) -> bool:
        """Whether the round did anything (an idle one pauses the worker)."""
        return bool(
            self.fanned_out
            or self.outcomes
            or self.deadline_events
            or self.digests
            or self.streamed
            or self.messages
        )


async def run_once(
    engine: AsyncEngine,
    config: DeliveryConfig,
    client: httpx.AsyncClient | None = None,
    *,
    deadlines: bool = False,
    digests: bool = False,
    channels: dict[str, Channel] | None = None,
    publisher: Publisher | None = None,
) -> Round:
    """Fan out what is new, then claim and send what is due (once): webhooks, messages to
    people (through `channels`, default the configured ones), and the stream (`publisher`).
    With `deadlines`, emit the due-soon/overdue events first; with `digests`, build today's
    digests when the digest hour has come."""
    done = Round()
    now = config.clock()
    if deadlines:
        done.deadline_events = await emit_deadline_events(engine, now)
    if digests and digest_due(config, now):
        done.digests = await build_digests(engine, calendar.today(now), now)
    while (count := await fan_out(engine, config, now)) > 0:
        done.fanned_out += count
    if publisher is not None:
        try:
            done.streamed = await publisher.publish_pending(engine, batch=config.batch)
        except Exception:  # a NATS outage holds the stream back, not webhooks or messages
            logger.exception("publishing to NATS JetStream failed")
            await publisher.close()
    done.messages = await people.send_due(
        engine,
        channels if channels is not None else channels_from_env(),
        batch=config.batch,
        lease=config.lease,
        max_attempts=config.max_attempts,
        backoff=lambda attempts: backoff(config, attempts),
    )
    items = await claim(engine, config, config.clock())
    if not items:
        return done
    own = client is None
    client = client or make_client(config)
    gate = asyncio.Semaphore(config.concurrency)

    async def one(item: Claimed) -> None:
        async with gate:
            status_code, error = await send(client, config, item)
        status = await record(engine, config, item, status_code, error)
        done.outcomes[status or "LOST_LEASE"] += 1

    try:
        await asyncio.gather(*(one(item) for item in items))
    finally:
        if own:
            await client.aclose()
    return done


def digest_due(config: DeliveryConfig, now: datetime) -> bool:
    """Whether the worker builds today's digests now: the configured local hour has come."""
    if config.digest_hour is None:
        return False
    return now.astimezone(calendar.zone()).hour >= config.digest_hour


def make_client(config: DeliveryConfig) -> httpx.AsyncClient:
    """Outbound HTTP: timeouts, no redirects, no environment proxies."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(config.timeout),
        follow_redirects=False,
        trust_env=False,
    )


async def run_forever(
    engine: AsyncEngine, config: DeliveryConfig, *, interval: float = 1.0
) -> None:
    """The worker: rounds until cancelled, pausing `interval` seconds when idle. The deadline
    scheduler and the digests run every `deadlines_every` seconds (digests: once the hour
    has come; building one twice is a no-op, digest_run is unique)."""
    last_pass = last_partitions = float("-inf")
    loop = asyncio.get_running_loop()
    channels = channels_from_env()
    publisher = (
        Publisher(
            config.nats_url,
            config.nats_stream,
            source=config.source,
            prefix=config.nats_prefix,
            horizon=config.nats_backlog,
        )
        if config.nats_url
        else None
    )
    try:
        async with make_client(config) as client:
            while True:
                if loop.time() - last_partitions >= PARTITIONS_EVERY:
                    last_partitions = loop.time()
                    await _partitions_ahead(engine)
                every = config.deadlines_every or 60.0
                due = loop.time() - last_pass >= every
                try:
                    done = await run_once(
                        engine,
                        config,
                        client,
                        deadlines=due and config.deadlines_every is not None,
                        digests=due,
                        channels=channels,
                        publisher=publisher,
                    )
                    if due:
                        last_pass = loop.time()
                except Exception:  # a database or stream hiccup must not end the worker
                    logger.exception("delivery round failed")
                    done = Round()
                if not done.busy():
                    await asyncio.sleep(interval)
    finally:
        if publisher is not None:
            await publisher.close()


# The history tables' month partitions are created ahead once a day (catalogue work only;
# resolvers/partitions.py): rows never wait on a missing month (a DEFAULT partition catches
# them) and `govgraph partitions ensure` splits what it caught.
PARTITIONS_EVERY = 24 * 3600.0


async def _partitions_ahead(engine: AsyncEngine) -> None:
    if engine.dialect.name != "postgresql":
        return
    try:
        async with write_transaction(engine) as conn:
            await partitions.daily(conn)
    except Exception:  # a missing right or a lock must not end the worker
        logger.exception("creating the history tables' partitions ahead failed")


async def replay(
    engine: AsyncEngine,
    target: uuid.UUID | None = None,
    *,
    subscription: uuid.UUID | None = None,
    since: datetime | None = None,
) -> int:
    """Re-queue dead deliveries by delivery id or event id (`target`), or a subscription's
    (dead since `since`); how many (resolvers/delivery/replay.py)."""
    now = datetime.now(UTC)
    async with write_transaction(engine) as conn:
        if target is not None:
            by_id = await requeue(conn, now, deliveries=[target])
            by_event = await requeue(conn, now, event=target, subscription=subscription)
            return len(by_id) + len(by_event)
        return len(await requeue(conn, now, subscription=subscription, since=since))
