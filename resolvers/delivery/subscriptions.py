"""Managing webhook subscriptions (the command line's `govgraph webhook …`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

import models
from models.rules.scope import Scope, in_subtree
from resolvers.delivery.worker import DeliveryConfig, new_secret

sub_t = models.metadata.tables["webhook_subscription"]
api_key_t = models.metadata.tables["api_key"]


class SubscriptionError(ValueError):
    """A subscription that cannot be made as asked."""


async def create_subscription(
    conn: AsyncConnection,
    *,
    key_prefix: str,
    url: str,
    event_types: list[str],
    unit_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """A new subscription of the live key with this prefix; its unit must lie in the key's
    subtree (default: the key's unit). Returns the row, with the secret (shown once)."""
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise SubscriptionError("the URL must be http or https")
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
        raise SubscriptionError(f"no live API key {key_prefix}")
    unit = unit_id or key["org_unit_id"]
    inside = await conn.scalar(
        sa.select(in_subtree(Scope(root=key["org_unit_id"]), sa.literal(unit, sa.Uuid())))
    )
    if not inside:
        raise SubscriptionError("the unit is not in the key's subtree")
    now = datetime.now(UTC)
    row = {
        "id": uuid.uuid4(),
        "api_key_id": key["id"],
        "url": url,
        "event_types": sorted(set(event_types)),
        "org_unit_id": unit,
        "secret": new_secret(),
        "active": True,
        "consecutive_dead": 0,
        "created_at": now,
        "updated_at": now,
    }
    await conn.execute(sub_t.insert().values(**row))
    return row


async def rotate_secret(
    conn: AsyncConnection, subscription: uuid.UUID, config: DeliveryConfig
) -> str:
    """A new secret; the old one keeps signing (beside it) for the grace period."""
    now = datetime.now(UTC)
    secret = new_secret()
    result = await conn.execute(
        sub_t.update()
        .where(sub_t.c.id == subscription)
        .values(
            previous_secret=sub_t.c.secret,
            previous_secret_expires_at=now + config.rotation_grace,
            secret=secret,
            updated_at=now,
        )
    )
    if not result.rowcount:
        raise SubscriptionError(f"no subscription {subscription}")
    return secret


async def set_active(conn: AsyncConnection, subscription: uuid.UUID, active: bool) -> None:
    """Enable (clearing the failure streak) or disable a subscription."""
    now = datetime.now(UTC)
    values: dict[str, Any] = {"active": active, "updated_at": now}
    if active:
        values |= {
            "disabled_at": None,
            "disabled_reason": None,
            "consecutive_dead": 0,
            "failing_since": None,
        }
    else:
        values |= {"disabled_at": now, "disabled_reason": "disabled by an administrator"}
    result = await conn.execute(sub_t.update().where(sub_t.c.id == subscription).values(**values))
    if not result.rowcount:
        raise SubscriptionError(f"no subscription {subscription}")
