"""replayDelivery and replayDeadLetters: dead letters sent again (issue 18, point 1).

ADMIN replays any subscription's dead letters; a sharing partner (its API key) its own
subscriptions'; anyone else is FORBIDDEN, and a partner naming another partner's delivery or
subscription gets NOT_FOUND (existence never leaks, as in webhookDeliveries). The re-queue is
one conditional UPDATE (resolvers/delivery/replay.py, shared with `govgraph deliver
--replay`); the worker then sends the same CloudEvent with the same `webhook-id`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

import models
from models.enums import ViewerRole
from models.messages import message
from resolvers.common import Info
from resolvers.delivery.replay import requeue
from resolvers.errors import DomainError, ErrorCode, UserError
from resolvers.service_context import ServiceContext
from resolvers.task.mutations import input_id
from resolvers.unit_of_work import current_work
from resolvers.webhook import WebhookDelivery
from resolvers.writes import require_role, run_mutation

sub_t = models.metadata.tables["webhook_subscription"]
delivery_t = models.metadata.tables["webhook_delivery"]


@strawberry.input(description="One dead webhook delivery to send again.")
class ReplayDeliveryInput:
    delivery: strawberry.ID = strawberry.field(description="The WebhookDelivery (status DEAD).")


@strawberry.input(description="A subscription's dead letters to send again.")
class ReplayDeadLettersInput:
    subscription: strawberry.ID = strawberry.field(description="The WebhookSubscription.")
    since: datetime | None = strawberry.field(
        default=None, description="Only those whose last attempt was at or after this instant."
    )


@strawberry.type(description="Result of replayDelivery and replayDeadLetters.")
class ReplayDeliveriesPayload:
    deliveries: list[WebhookDelivery] = strawberry.field(
        description="The deliveries re-queued (PENDING, due now; same event id)."
    )
    errors: list[UserError] = strawberry.field(description="Why it was refused, if it was.")


def _may_replay(ctx: ServiceContext) -> None:
    """ADMIN or a partner's key; anyone else FORBIDDEN (anonymous: authentication error)."""
    require_role(ctx, ViewerRole.VIEWER)
    if not ctx.viewer.is_admin and ctx.viewer.key_id is None:
        raise DomainError(ErrorCode.FORBIDDEN, message("WEBHOOK_REPLAY_FORBIDDEN"))


async def _owned_subscription(
    ctx: ServiceContext, conn: AsyncConnection, subscription: uuid.UUID, field: str
) -> None:
    """The subscription exists and is the viewer's (ADMIN: any); NOT_FOUND otherwise."""
    statement = sa.select(sub_t.c.api_key_id).where(sub_t.c.id == subscription)
    key = (await conn.execute(statement)).scalar_one_or_none()
    if key is None or not (ctx.viewer.is_admin or key == ctx.viewer.key_id):
        raise DomainError(ErrorCode.NOT_FOUND, message("WEBHOOK_NOT_FOUND"), field)


async def _read(conn: AsyncConnection, ids: list[uuid.UUID]) -> list[WebhookDelivery]:
    if not ids:
        return []
    rows = (
        (
            await conn.execute(
                sa.select(delivery_t)
                .where(delivery_t.c.id.in_(ids))
                .order_by(delivery_t.c.event_seq, delivery_t.c.id)
            )
        )
        .mappings()
        .all()
    )
    return [WebhookDelivery.from_row(row) for row in rows]


def _audit(
    ctx: ServiceContext, action: str, target_type: str, target: uuid.UUID, rows: list[Any]
) -> None:
    current_work(ctx).audit(
        action=action,
        target_type=target_type,
        target_id=target,
        before={"deadLetters": [str(r["id"]) for r in rows], "status": "DEAD"},
        after={"replayed": [str(r["id"]) for r in rows], "status": "PENDING"},
    )


@strawberry.type
class WebhookReplayMutation:
    @strawberry.mutation(
        description=(
            "Send a dead webhook delivery again (ADMIN, or the partner whose subscription it"
            " is): PENDING with a fresh attempt budget, the same CloudEvent and webhook-id."
            " INVALID_TRANSITION when it is not dead."
        )
    )
    async def replay_delivery(
        self, info: Info, input: ReplayDeliveryInput
    ) -> ReplayDeliveriesPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> ReplayDeliveriesPayload:
            _may_replay(ctx)
            delivery = input_id(input.delivery, "WebhookDelivery", "delivery")
            row = (
                (
                    await conn.execute(
                        sa.select(delivery_t.c.subscription_id, delivery_t.c.status).where(
                            delivery_t.c.id == delivery
                        )
                    )
                )
                .mappings()
                .first()
            )
            if row is None:
                raise DomainError(
                    ErrorCode.NOT_FOUND, message("WEBHOOK_DELIVERY_NOT_FOUND"), "delivery"
                )
            try:
                await _owned_subscription(ctx, conn, row["subscription_id"], "delivery")
            except DomainError as exc:
                raise DomainError(
                    ErrorCode.NOT_FOUND, message("WEBHOOK_DELIVERY_NOT_FOUND"), "delivery"
                ) from exc
            rows = await requeue(conn, datetime.now(UTC), deliveries=[delivery])
            if not rows:
                raise DomainError(
                    ErrorCode.INVALID_TRANSITION,
                    message("WEBHOOK_DELIVERY_NOT_DEAD", status=row["status"]),
                    "delivery",
                )
            _audit(ctx, "replayDelivery", "WebhookDelivery", delivery, rows)
            return ReplayDeliveriesPayload(deliveries=await _read(conn, [delivery]), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or ReplayDeliveriesPayload(deliveries=[], errors=errors)

    @strawberry.mutation(
        description=(
            "Send a subscription's dead letters again (ADMIN, or the partner whose subscription"
            " it is), optionally only those that died since an instant; each keeps its event id."
            " None dead: an empty list."
        )
    )
    async def replay_dead_letters(
        self, info: Info, input: ReplayDeadLettersInput
    ) -> ReplayDeliveriesPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> ReplayDeliveriesPayload:
            _may_replay(ctx)
            subscription = input_id(input.subscription, "WebhookSubscription", "subscription")
            await _owned_subscription(ctx, conn, subscription, "subscription")
            since = None
            if input.since is not None:
                since = input.since if input.since.tzinfo else input.since.replace(tzinfo=UTC)
            rows = await requeue(conn, datetime.now(UTC), subscription=subscription, since=since)
            if rows:
                _audit(ctx, "replayDeadLetters", "WebhookSubscription", subscription, rows)
            return ReplayDeliveriesPayload(
                deliveries=await _read(conn, [r["id"] for r in rows]), errors=[]
            )

        result, errors = await run_mutation(ctx, body)
        return result or ReplayDeliveriesPayload(deliveries=[], errors=errors)
