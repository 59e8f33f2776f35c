"""Webhook subscriptions and their delivery log in GraphQL (issue 18, point 2).

ADMIN manages subscriptions (createWebhookSubscription …); a partner (its API key) lists its
own subscriptions and deliveries, ADMIN all of them; anyone else sees none. The rules and
writes live in resolvers/delivery/subscriptions.py (shared with `govgraph webhook`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

import models
from models.enums import ViewerRole
from models.messages import message
from resolvers.common import Info, global_id
from resolvers.delivery import subscriptions as service
from resolvers.delivery.worker import DeliveryConfig
from resolvers.errors import DomainError, ErrorCode, UserError
from resolvers.ids import decode_global_id
from resolvers.pagination import page_size
from resolvers.task.mutations import input_id
from resolvers.unit_of_work import current_work
from resolvers.writes import require_role, run_mutation

sub_t = models.metadata.tables["webhook_subscription"]
delivery_t = models.metadata.tables["webhook_delivery"]
api_key_t = models.metadata.tables["api_key"]


@strawberry.enum(description="Where a webhook delivery stands.")
class WebhookDeliveryStatus(Enum):
    PENDING = strawberry.enum_value("PENDING", description="Not yet delivered; retried.")
    DELIVERED = strawberry.enum_value("DELIVERED", description="The receiver answered 2xx.")
    DEAD = strawberry.enum_value(
        "DEAD", description="Every attempt failed (dead letter); replay re-queues it."
    )


@strawberry.type(description="A sharing partner's webhook: which events go where, signed how.")
class WebhookSubscription:
    id: strawberry.ID = strawberry.field(description="Global id.")
    api_key_prefix: str = strawberry.field(description="The partner's API key (its prefix).")
    disclosure: str = strawberry.field(description="The key's tier: SHARED or INTERNAL.")
    url: str = strawberry.field(description="Where the CloudEvents are POSTed.")
    event_types: list[str] = strawberry.field(
        description="Event types sent (task.changed …); empty: every deliverable type."
    )
    unit: strawberry.ID = strawberry.field(
        description="The OrgUnit whose subtree the events concern (in the key's subtree)."
    )
    active: bool = strawberry.field(description="False once disabled (by ADMIN or failure).")
    disabled_at: datetime | None = strawberry.field(description="When it was disabled.")
    disabled_reason: str | None = strawberry.field(
        description="Why: ADMIN, or the sustained failure that disabled it automatically."
    )
    consecutive_dead_letters: int = strawberry.field(
        description="Deliveries in a row that ended dead."
    )
    failing_since: datetime | None = strawberry.field(
        description="Since when no attempt has succeeded (None: the last one did)."
    )
    previous_secret_valid_until: datetime | None = strawberry.field(
        description="After a rotation, until when the old secret signs too."
    )
    created_at: datetime = strawberry.field(description="When it was created.")

    @classmethod
    def from_row(cls, row: Any) -> WebhookSubscription:
        return cls(
            id=global_id("WebhookSubscription", row["id"]),
            api_key_prefix=row["prefix"],
            disclosure=row["disclosure"],
            url=row["url"],
            event_types=list(row["event_types"] or []),
            unit=global_id("OrgUnit", row["org_unit_id"]),
            active=row["active"],
            disabled_at=row["disabled_at"],
            disabled_reason=row["disabled_reason"],
            consecutive_dead_letters=row["consecutive_dead"],
            failing_since=row["failing_since"],
            previous_secret_valid_until=row["previous_secret_expires_at"],
            created_at=row["created_at"],
        )


@strawberry.type(description="One event for one subscription: its attempts and outcome.")
class WebhookDelivery:
    id: strawberry.ID = strawberry.field(description="Global id (replay takes it).")
    event_id: str = strawberry.field(description="The event's id: the `webhook-id` header.")
    event_type: str = strawberry.field(description="task.changed …")
    subscription: strawberry.ID = strawberry.field(description="The WebhookSubscription.")
    status: WebhookDeliveryStatus = strawberry.field(description="PENDING, DELIVERED or DEAD.")
    attempts: int = strawberry.field(description="Attempts made.")
    next_attempt_at: datetime = strawberry.field(description="When a PENDING one is tried.")
    last_attempt_at: datetime | None = strawberry.field(description="The last attempt.")
    last_status_code: int | None = strawberry.field(description="Its HTTP status, if any.")
    last_error: str | None = strawberry.field(description="Why it failed, if it did.")
    created_at: datetime = strawberry.field(description="When the event was fanned out.")
    delivered_at: datetime | None = strawberry.field(description="When it was delivered.")

    @classmethod
    def from_row(cls, row: Any) -> WebhookDelivery:
        return cls(
            id=global_id("WebhookDelivery", row["id"]),
            event_id=str(row["event_id"]),
            event_type=row["event_type"],
            subscription=global_id("WebhookSubscription", row["subscription_id"]),
            status=WebhookDeliveryStatus(row["status"]),
            attempts=row["attempts"],
            next_attempt_at=row["next_attempt_at"],
            last_attempt_at=row["last_attempt_at"],
            last_status_code=row["last_status_code"],
            last_error=row["last_error"],
            created_at=row["created_at"],
            delivered_at=row["delivered_at"],
        )


def _owned(info: Info) -> sa.ColumnElement[bool]:
    """Whose subscriptions the viewer sees: ADMIN all, a partner its key's, others none."""
    viewer = info.context.viewer
    if viewer.is_admin:
        return sa.true()
    if viewer.key_id is not None:
        return sub_t.c.api_key_id == viewer.key_id
    return sa.false()


def _after(after: strawberry.ID | None, type_name: str) -> uuid.UUID | None:
    return decode_global_id(after, type_name) if after else None


SUBSCRIPTION_COLUMNS = (sub_t, api_key_t.c.prefix, api_key_t.c.disclosure)


@strawberry.type
class WebhookQuery:
    @strawberry.field(
        description=(
            "Webhook subscriptions: a partner's own (its API key's), or every one for ADMIN;"
            " ordered by id, `after` the last id of the previous page; `first` 20 by default,"
            " at most 100."
        )
    )
    async def webhook_subscriptions(
        self, info: Info, first: int | None = None, after: strawberry.ID | None = None
    ) -> list[WebhookSubscription]:
        statement = (
            sa.select(*SUBSCRIPTION_COLUMNS)
            .join(api_key_t, api_key_t.c.id == sub_t.c.api_key_id)
            .where(_owned(info))
        )
        if (start := _after(after, "WebhookSubscription")) is not None:
            statement = statement.where(sub_t.c.id > start)
        rows = await info.context.db.fetch_all(
            statement.order_by(sub_t.c.id).limit(page_size(first))
        )
        return [WebhookSubscription.from_row(row) for row in rows]

    @strawberry.field(
        description=(
            "The delivery log of the subscriptions the viewer sees (webhookSubscriptions),"
            " optionally of one subscription and one status; ordered by id, paged like"
            " webhookSubscriptions."
        )
    )
    async def webhook_deliveries(
        self,
        info: Info,
        subscription: strawberry.ID | None = None,
        status: WebhookDeliveryStatus | None = None,
        first: int | None = None,
        after: strawberry.ID | None = None,
    ) -> list[WebhookDelivery]:
        statement = (
            sa.select(delivery_t)
            .join(sub_t, sub_t.c.id == delivery_t.c.subscription_id)
            .where(_owned(info))
        )
        if subscription is not None:
            sub_id = decode_global_id(subscription, "WebhookSubscription")
            statement = statement.where(delivery_t.c.subscription_id == sub_id)
        if status is not None:
            statement = statement.where(delivery_t.c.status == status.value)
        if (start := _after(after, "WebhookDelivery")) is not None:
            statement = statement.where(delivery_t.c.id > start)
        statement = statement.order_by(delivery_t.c.id).limit(page_size(first))
        rows = await info.context.db.fetch_all(statement)
        return [WebhookDelivery.from_row(row) for row in rows]


@strawberry.input(description="A new webhook subscription for a sharing partner's API key.")
class CreateWebhookSubscriptionInput:
    api_key: str = strawberry.field(description="The partner's API key prefix (key list).")
    url: str = strawberry.field(description="An http(s) URL receiving the CloudEvents.")
    event_types: list[str] = strawberry.field(
        default_factory=list,
        description="Event types (task.changed, rectification.changed, escalation.issued …);"
        " empty: every deliverable type.",
    )
    unit: strawberry.ID | None = strawberry.field(
        default=None, description="A unit in the key's subtree (default: the key's unit)."
    )


@strawberry.input(description="Changes to a webhook subscription (what is given).")
class UpdateWebhookSubscriptionInput:
    subscription: strawberry.ID = strawberry.field(description="The WebhookSubscription.")
    url: str | None = strawberry.field(default=None, description="A new http(s) URL.")
    event_types: list[str] | None = strawberry.field(default=None, description="New types.")
    unit: strawberry.ID | None = strawberry.field(
        default=None, description="A new unit in the key's subtree."
    )
    active: bool | None = strawberry.field(
        default=None, description="true re-enables (clearing the failure streak); false stops."
    )


@strawberry.input(description="Which subscription.")
class WebhookSubscriptionInput:
    subscription: strawberry.ID = strawberry.field(description="The WebhookSubscription.")


@strawberry.type(description="Result of createWebhookSubscription and rotateWebhookSecret.")
class WebhookSecretPayload:
    subscription: WebhookSubscription | None = strawberry.field(description="The subscription.")
    secret: str | None = strawberry.field(
        description="The signing secret (whsec_…), shown only here, once."
    )
    errors: list[UserError] = strawberry.field(description="Why it was refused, if it was.")


@strawberry.type(description="Result of updateWebhookSubscription.")
class UpdateWebhookSubscriptionPayload:
    subscription: WebhookSubscription | None = strawberry.field(description="As it is now.")
    errors: list[UserError] = strawberry.field(description="Why it was refused, if it was.")


@strawberry.type(description="Result of deleteWebhookSubscription.")
class DeleteWebhookSubscriptionPayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="The deleted subscription.")
    errors: list[UserError] = strawberry.field(description="Why it was refused, if it was.")


def _admin(info: Info) -> None:
    require_role(info.context, ViewerRole.ADMIN)
    if not info.context.viewer.is_admin:  # pragma: no cover (require_role said so)
        raise DomainError(ErrorCode.FORBIDDEN, message("WEBHOOK_ADMIN_ONLY"))


async def _read(conn: AsyncConnection, subscription: uuid.UUID) -> WebhookSubscription:
    row = (
        (
            await conn.execute(
                sa.select(*SUBSCRIPTION_COLUMNS)
                .join(api_key_t, api_key_t.c.id == sub_t.c.api_key_id)
                .where(sub_t.c.id == subscription)
            )
        )
        .mappings()
        .one()
    )
    return WebhookSubscription.from_row(row)


def _audit(info: Info, action: str, row_id: uuid.UUID, before: Any, after: Any) -> None:
    current_work(info.context).audit(
        action=action,
        target_type="WebhookSubscription",
        target_id=row_id,
        before=service.audited(before) if before is not None else None,
        after=service.audited(after) if after is not None else {"deleted": True},
    )


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(
        description=(
            "Subscribe a sharing partner's API key to events (ADMIN): signed CloudEvents POSTed"
            " to `url`, read at the key's disclosure tier within its subtree. The secret is"
            " returned once."
        )
    )
    async def create_webhook_subscription(
        self, info: Info, input: CreateWebhookSubscriptionInput
    ) -> WebhookSecretPayload:
        async def body(conn: AsyncConnection) -> WebhookSecretPayload:
            _admin(info)
            unit = input_id(input.unit, "OrgUnit", "unit") if input.unit else None
            row = await service.create_subscription(
                conn,
                key_prefix=input.api_key,
                url=input.url,
                event_types=list(input.event_types),
                unit_id=unit,
            )
            _audit(info, "createWebhookSubscription", row["id"], None, row)
            return WebhookSecretPayload(
                subscription=await _read(conn, row["id"]), secret=row["secret"], errors=[]
            )

        result, errors = await run_mutation(info.context, body)
        return result or WebhookSecretPayload(subscription=None, secret=None, errors=errors)

    @strawberry.mutation(
        description="Change a webhook subscription's URL, event types, unit or state (ADMIN)."
    )
    async def update_webhook_subscription(
        self, info: Info, input: UpdateWebhookSubscriptionInput
    ) -> UpdateWebhookSubscriptionPayload:
        async def body(conn: AsyncConnection) -> UpdateWebhookSubscriptionPayload:
            _admin(info)
            sub_id = input_id(input.subscription, "WebhookSubscription", "subscription")
            unit = input_id(input.unit, "OrgUnit", "unit") if input.unit else None
            before, after = await service.update_subscription(
                conn,
                sub_id,
                url=input.url,
                event_types=list(input.event_types) if input.event_types is not None else None,
                unit_id=unit,
                active=input.active,
            )
            _audit(info, "updateWebhookSubscription", sub_id, before, after)
            return UpdateWebhookSubscriptionPayload(
                subscription=await _read(conn, sub_id), errors=[]
            )

        result, errors = await run_mutation(info.context, body)
        return result or UpdateWebhookSubscriptionPayload(subscription=None, errors=errors)

    @strawberry.mutation(
        description=(
            "A new signing secret for a subscription (ADMIN), returned once; the old one keeps"
            " signing beside it for GOVGRAPH_WEBHOOK_ROTATION_GRACE_HOURS (24 h)."
        )
    )
    async def rotate_webhook_secret(
        self, info: Info, input: WebhookSubscriptionInput
    ) -> WebhookSecretPayload:
        async def body(conn: AsyncConnection) -> WebhookSecretPayload:
            _admin(info)
            sub_id = input_id(input.subscription, "WebhookSubscription", "subscription")
            before = await service.fetch(conn, sub_id)
            secret = await service.rotate_secret(conn, sub_id, DeliveryConfig.from_env())
            current_work(info.context).audit(
                action="rotateWebhookSecret",
                target_type="WebhookSubscription",
                target_id=sub_id,
                after={**service.audited(before), "secretRotated": True},
            )
            return WebhookSecretPayload(
                subscription=await _read(conn, sub_id), secret=secret, errors=[]
            )

        result, errors = await run_mutation(info.context, body)
        return result or WebhookSecretPayload(subscription=None, secret=None, errors=errors)

    @strawberry.mutation(description="Delete a webhook subscription and its delivery log (ADMIN).")
    async def delete_webhook_subscription(
        self, info: Info, input: WebhookSubscriptionInput
    ) -> DeleteWebhookSubscriptionPayload:
        async def body(conn: AsyncConnection) -> DeleteWebhookSubscriptionPayload:
            _admin(info)
            sub_id = input_id(input.subscription, "WebhookSubscription", "subscription")
            before = await service.delete_subscription(conn, sub_id)
            _audit(info, "deleteWebhookSubscription", sub_id, before, None)
            return DeleteWebhookSubscriptionPayload(
                deleted_id=global_id("WebhookSubscription", sub_id), errors=[]
            )

        result, errors = await run_mutation(info.context, body)
        return result or DeleteWebhookSubscriptionPayload(deleted_id=None, errors=errors)
