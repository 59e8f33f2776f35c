"""Managing webhook subscriptions: one home for the GraphQL mutations and `govgraph webhook`.

A subscription belongs to a live API key; its unit lies in the key's subtree (default: the
key's unit); its event types are the deliverable ones (resolvers/delivery/worker.py); its URL
is http(s). The secret is returned once, at creation and rotation, and never audited.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

import models
from models.messages import message
from models.rules.scope import Scope, in_subtree
from resolvers.delivery.worker import DELIVERABLE_EVENTS, DeliveryConfig, new_secret
from resolvers.errors import DomainError, ErrorCode

sub_t = models.metadata.tables["webhook_subscription"]
api_key_t = models.metadata.tables["api_key"]
delivery_t = models.metadata.tables["webhook_delivery"]


def check_url(url: str) -> str:
    """An http(s) URL with a host (where it may point is checked at each send)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise DomainError(ErrorCode.INVALID_INPUT, message("WEBHOOK_URL"), "url")
    return url


def check_types(event_types: list[str]) -> list[str]:
    """Known deliverable event types, sorted and unique (empty: all)."""
    for event_type in event_types:
        if event_type not in DELIVERABLE_EVENTS:
            raise DomainError(
                ErrorCode.INVALID_INPUT,
                message("WEBHOOK_EVENT_TYPE", event_type=event_type),
                "eventTypes",
            )
    return sorted(set(event_types))


async def _unit_in_key(conn: AsyncConnection, key_unit: uuid.UUID, unit: uuid.UUID) -> None:
    inside = await conn.scalar(
        sa.select(in_subtree(Scope(root=key_unit), sa.literal(unit, sa.Uuid())))
    )
    if not inside:
        raise DomainError(ErrorCode.INVALID_INPUT, message("WEBHOOK_UNIT_OUTSIDE_KEY"), "unit")


async def create_subscription(
    conn: AsyncConnection,
    *,
    key_prefix: str,
    url: str,
    event_types: list[str],
    unit_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """A new subscription of the live key with this prefix. Returns the row, with the secret
    (shown once)."""
    check_url(url)
    types = check_types(event_types)
    key = (
        (
            await conn.execute(
                sa.select(api_key_t).where(
                    api_key_t.c.prefix == key_prefix, api_key_t.c.revoked_at.is_(None)
                )
            )
        )
        .mappings()
        .first()
    )
    if key is None:
        raise DomainError(
            ErrorCode.NOT_FOUND, message("WEBHOOK_KEY_UNKNOWN", prefix=key_prefix), "apiKey"
        )
    unit = unit_id or key["org_unit_id"]
    await _unit_in_key(conn, key["org_unit_id"], unit)
    now = datetime.now(UTC)
    row = {
        "id": uuid.uuid4(),
        "api_key_id": key["id"],
        "url": url,
        "event_types": types,
        "org_unit_id": unit,
        "secret": new_secret(),
        "active": True,
        "consecutive_dead": 0,
        "created_at": now,
        "updated_at": now,
    }
    await conn.execute(sub_t.insert().values(**row))
    return row


async def fetch(conn: AsyncConnection, subscription: uuid.UUID) -> dict[str, Any]:
    """The subscription, locked for the write (NOT_FOUND when there is none)."""
    statement = sa.select(sub_t).where(sub_t.c.id == subscription)
    if conn.dialect.name == "postgresql":
        statement = statement.with_for_update()
    row = (await conn.execute(statement)).mappings().first()
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND, message("WEBHOOK_NOT_FOUND"), "subscription")
    return dict(row)


async def update_subscription(
    conn: AsyncConnection,
    subscription: uuid.UUID,
    *,
    url: str | None = None,
    event_types: list[str] | None = None,
    unit_id: uuid.UUID | None = None,
    active: bool | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Change what is given; (before, after). Enabling clears the failure streak."""
    before = await fetch(conn, subscription)
    values: dict[str, Any] = {}
    if url is not None:
        values["url"] = check_url(url)
    if event_types is not None:
        values["event_types"] = check_types(event_types)
    if unit_id is not None:
        key_unit: Any = await conn.scalar(
            sa.select(api_key_t.c.org_unit_id).where(api_key_t.c.id == before["api_key_id"])
        )
        await _unit_in_key(conn, key_unit, unit_id)
        values["org_unit_id"] = unit_id
    now = datetime.now(UTC)
    if active is True and not before["active"]:
        values |= {
            "active": True,
            "disabled_at": None,
            "disabled_reason": None,
            "consecutive_dead": 0,
            "failing_since": None,
        }
    elif active is False and before["active"]:
        values |= {"active": False, "disabled_at": now, "disabled_reason": "disabled by ADMIN"}
    changed = {k: v for k, v in values.items() if before.get(k) != v}
    if changed:
        await conn.execute(
            sub_t.update().where(sub_t.c.id == subscription).values(**changed, updated_at=now)
        )
    return before, {**before, **changed}


async def set_active(conn: AsyncConnection, subscription: uuid.UUID, active: bool) -> None:
    """Enable (clearing the failure streak) or disable a subscription."""
    await update_subscription(conn, subscription, active=active)


async def rotate_secret(
    conn: AsyncConnection, subscription: uuid.UUID, config: DeliveryConfig
) -> str:
    """A new secret; the old one keeps signing (beside it) for the grace period."""
    await fetch(conn, subscription)
    now = datetime.now(UTC)
    secret = new_secret()
    await conn.execute(
        sub_t.update()
        .where(sub_t.c.id == subscription)
        .values(
            previous_secret=sub_t.c.secret,
            previous_secret_expires_at=now + config.rotation_grace,
            secret=secret,
            updated_at=now,
        )
    )
    return secret


async def delete_subscription(conn: AsyncConnection, subscription: uuid.UUID) -> dict[str, Any]:
    """Delete the subscription and its delivery log; the row as it was."""
    before = await fetch(conn, subscription)
    await conn.execute(delivery_t.delete().where(delivery_t.c.subscription_id == subscription))
    await conn.execute(sub_t.delete().where(sub_t.c.id == subscription))
    return before


def audited(row: dict[str, Any]) -> dict[str, Any]:
    """What an audit event records of a subscription (never a secret)."""
    return {
        "url": row["url"],
        "eventTypes": list(row["event_types"] or []),
        "unit": row["org_unit_id"],
        "apiKey": row["api_key_id"],
        "active": row["active"],
    }
