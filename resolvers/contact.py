"""Contacts (联系人) and their messages in GraphQL (issue 18, point 3).

COORDINATOR or higher of a unit (or a unit above it) manages its contacts: createContact,
updateContact, deleteContact; viewers whose subtree holds the unit list them (`contacts`) and
the messages sent to them (`contactNotifications`); sharing partners' keys see none. The
rules live in resolvers/delivery/contacts.py.
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
from models.contact import ContactChannel, ContactMode
from models.rules.scope import in_subtree
from resolvers.common import Info, global_id
from resolvers.delivery import contacts as service
from resolvers.errors import UserError
from resolvers.ids import decode_global_id
from resolvers.pagination import page_size
from resolvers.task.mutations import input_id
from resolvers.writes import run_mutation

contact_t = models.metadata.tables["contact"]
notification_t = models.metadata.tables["notification"]

ContactChannelType = strawberry.enum(
    ContactChannel, description="How a contact is reached: EMAIL (SMTP) or HTTP_GATEWAY."
)
ContactModeType = strawberry.enum(
    ContactMode, description="IMMEDIATE (each event, outside quiet hours) or DAILY_DIGEST."
)


@strawberry.enum(description="Where a message to a contact stands.")
class NotificationStatus(Enum):
    PENDING = strawberry.enum_value("PENDING", description="Not yet sent; retried.")
    SENT = strawberry.enum_value("SENT", description="Handed to the SMTP server or gateway.")
    DEAD = strawberry.enum_value("DEAD", description="Every attempt failed.")


@strawberry.type(description="A unit's contact: who is told of its events, how and when.")
class Contact:
    id: strawberry.ID = strawberry.field(description="Global id.")
    unit: strawberry.ID = strawberry.field(description="The OrgUnit whose events it hears of.")
    name: str = strawberry.field(description="Who (a person, a duty desk, a mailbox).")
    channel: ContactChannel = strawberry.field(description="EMAIL or HTTP_GATEWAY.")
    address: str = strawberry.field(
        description="An email address, or the gateway's recipient (phone number, account id)."
    )
    event_types: list[str] = strawberry.field(
        description="Event types it hears of (task.due_soon …); empty: every type."
    )
    quiet_start: str | None = strawberry.field(description="Quiet hours from (HH:MM, local).")
    quiet_end: str | None = strawberry.field(description="Quiet hours until (HH:MM, local).")
    mode: ContactMode = strawberry.field(description="IMMEDIATE or DAILY_DIGEST.")
    active: bool = strawberry.field(description="False: told nothing.")
    version: int = strawberry.field(description="For expectedVersion.")
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def from_row(cls, row: Any) -> Contact:
        return cls(
            id=global_id("Contact", row["id"]),
            unit=global_id("OrgUnit", row["org_unit_id"]),
            name=row["name"],
            channel=ContactChannel(row["channel"]),
            address=row["address"],
            event_types=list(row["event_types"] or []),
            quiet_start=row["quiet_start"],
            quiet_end=row["quiet_end"],
            mode=ContactMode(row["mode"]),
            active=row["active"],
            version=row["version"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )


@strawberry.type(description="One message to one contact: an event, or a daily digest.")
class ContactNotification:
    id: strawberry.ID = strawberry.field(description="Global id (the mail's Message-ID part).")
    contact: strawberry.ID = strawberry.field(description="The Contact.")
    event_id: str | None = strawberry.field(description="The outbox event's id (digest: null).")
    event_type: str = strawberry.field(description="task.due_soon …, or digest.")
    subject: str = strawberry.field(description="The subject line.")
    body: str = strawberry.field(description="The text sent.")
    status: NotificationStatus = strawberry.field(description="PENDING, SENT or DEAD.")
    attempts: int = strawberry.field(description="Attempts made.")
    next_attempt_at: datetime = strawberry.field(
        description="When a PENDING one goes (after quiet hours)."
    )
    last_error: str | None = strawberry.field(description="Why the last attempt failed.")
    sent_at: datetime | None = strawberry.field(description="When it was sent.")

    @classmethod
    def from_row(cls, row: Any) -> ContactNotification:
        return cls(
            id=global_id("ContactNotification", row["id"]),
            contact=global_id("Contact", row["contact_id"]),
            event_id=str(row["event_id"]) if row["event_id"] else None,
            event_type=row["event_type"],
            subject=row["subject"],
            body=row["body"],
            status=NotificationStatus(row["status"]),
            attempts=row["attempts"],
            next_attempt_at=row["next_attempt_at"],
            last_error=row["last_error"],
            sent_at=row["sent_at"],
        )


def _readable(info: Info) -> sa.ColumnElement[bool]:
    scope = service.readable_scope(info.context)
    if scope is None:
        return sa.false()
    return in_subtree(scope, contact_t.c.org_unit_id)


@strawberry.type
class ContactQuery:
    @strawberry.field(
        description=(
            "A unit's contacts (the viewer's subtree; sharing partners none); ordered by id,"
            " `after` the last id of the previous page; `first` 20 by default, at most 100."
        )
    )
    async def contacts(
        self,
        info: Info,
        unit: strawberry.ID,
        first: int | None = None,
        after: strawberry.ID | None = None,
    ) -> list[Contact]:
        unit_id = decode_global_id(unit, "OrgUnit")
        statement = sa.select(contact_t).where(contact_t.c.org_unit_id == unit_id, _readable(info))
        if after:
            statement = statement.where(contact_t.c.id > decode_global_id(after, "Contact"))
        rows = await info.context.db.fetch_all(
            statement.order_by(contact_t.c.id).limit(page_size(first))
        )
        return [Contact.from_row(row) for row in rows]

    @strawberry.field(
        description=(
            "Messages to the contacts of a unit (as `contacts`), optionally of one status;"
            " ordered by id, paged like `contacts`."
        )
    )
    async def contact_notifications(
        self,
        info: Info,
        unit: strawberry.ID,
        status: NotificationStatus | None = None,
        first: int | None = None,
        after: strawberry.ID | None = None,
    ) -> list[ContactNotification]:
        unit_id = decode_global_id(unit, "OrgUnit")
        statement = (
            sa.select(notification_t)
            .join(contact_t, contact_t.c.id == notification_t.c.contact_id)
            .where(contact_t.c.org_unit_id == unit_id, _readable(info))
        )
        if status is not None:
            statement = statement.where(notification_t.c.status == status.value)
        if after:
            start = decode_global_id(after, "ContactNotification")
            statement = statement.where(notification_t.c.id > start)
        rows = await info.context.db.fetch_all(
            statement.order_by(notification_t.c.id).limit(page_size(first))
        )
        return [ContactNotification.from_row(row) for row in rows]


@strawberry.input(description="A new contact of a unit.")
class CreateContactInput:
    unit: strawberry.ID = strawberry.field(description="The OrgUnit (COORDINATOR+ over it).")
    name: str = strawberry.field(description="Who (1 to 100 characters).")
    channel: ContactChannel = strawberry.field(description="EMAIL or HTTP_GATEWAY.")
    address: str = strawberry.field(description="Email address, or the gateway's recipient.")
    event_types: list[str] = strawberry.field(
        default_factory=list,
        description="task.due_soon, task.overdue, task.changed, rectification.changed,"
        " escalation.issued/acknowledged/replied/closed; empty: all of them.",
    )
    quiet_start: str | None = strawberry.field(
        default=None, description="Quiet hours from (HH:MM, local; with quietEnd)."
    )
    quiet_end: str | None = strawberry.field(
        default=None, description="Quiet hours until (HH:MM, local; before quietStart: overnight)."
    )
    mode: ContactMode = strawberry.field(
        default=ContactMode.IMMEDIATE, description="IMMEDIATE (default) or DAILY_DIGEST."
    )


@strawberry.input(description="Changes to a contact (what is given).")
class UpdateContactInput:
    contact: strawberry.ID = strawberry.field(description="The Contact.")
    expected_version: int | None = strawberry.field(
        default=None, description="The contact's version the write is based on."
    )
    name: str | None = strawberry.field(default=None, description="A new name.")
    channel: ContactChannel | None = strawberry.field(default=None, description="A new channel.")
    address: str | None = strawberry.field(default=None, description="A new address.")
    event_types: list[str] | None = strawberry.field(default=None, description="New types.")
    quiet_start: str | None = strawberry.field(default=None, description="New quiet hours from.")
    quiet_end: str | None = strawberry.field(default=None, description="New quiet hours until.")
    clear_quiet_hours: bool = strawberry.field(default=False, description="No quiet hours.")
    mode: ContactMode | None = strawberry.field(default=None, description="A new mode.")
    active: bool | None = strawberry.field(default=None, description="false: tell it nothing.")


@strawberry.input(description="Which contact to delete.")
class DeleteContactInput:
    contact: strawberry.ID = strawberry.field(description="The Contact.")
    expected_version: int | None = strawberry.field(
        default=None, description="The contact's version the write is based on."
    )


@strawberry.type(description="Result of createContact and updateContact.")
class ContactPayload:
    contact: Contact | None = strawberry.field(description="The contact after the write.")
    errors: list[UserError] = strawberry.field(description="Why it was refused, if it was.")


@strawberry.type(description="Result of deleteContact.")
class DeleteContactPayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="The deleted contact.")
    errors: list[UserError] = strawberry.field(description="Why it was refused, if it was.")


def _unit(value: strawberry.ID) -> uuid.UUID:
    return input_id(value, "OrgUnit", "unit")


@strawberry.type
class ContactMutation:
    @strawberry.mutation(
        description="A new contact of a unit (COORDINATOR or higher of it or a unit above it)."
    )
    async def create_contact(self, info: Info, input: CreateContactInput) -> ContactPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> ContactPayload:
            row = await service.create_contact(
                ctx,
                conn,
                unit=_unit(input.unit),
                name=input.name,
                channel=input.channel,
                address=input.address,
                event_types=list(input.event_types),
                quiet_start=input.quiet_start,
                quiet_end=input.quiet_end,
                mode=input.mode,
            )
            return ContactPayload(contact=Contact.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or ContactPayload(contact=None, errors=errors)

    @strawberry.mutation(description="Change a contact (COORDINATOR or higher over its unit).")
    async def update_contact(self, info: Info, input: UpdateContactInput) -> ContactPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> ContactPayload:
            row = await service.update_contact(
                ctx,
                conn,
                input_id(input.contact, "Contact", "contact"),
                expected_version=input.expected_version,
                changes={
                    "name": input.name,
                    "channel": input.channel.value if input.channel else None,
                    "address": input.address,
                    "event_types": list(input.event_types)
                    if input.event_types is not None
                    else None,
                    "quiet_start": input.quiet_start,
                    "quiet_end": input.quiet_end,
                    "mode": input.mode.value if input.mode else None,
                    "active": input.active,
                },
                clear_quiet_hours=input.clear_quiet_hours,
            )
            return ContactPayload(contact=Contact.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or ContactPayload(contact=None, errors=errors)

    @strawberry.mutation(
        description="Delete a contact and its queued messages (COORDINATOR+ over its unit)."
    )
    async def delete_contact(self, info: Info, input: DeleteContactInput) -> DeleteContactPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> DeleteContactPayload:
            contact = input_id(input.contact, "Contact", "contact")
            await service.delete_contact(
                ctx, conn, contact, expected_version=input.expected_version
            )
            return DeleteContactPayload(deleted_id=global_id("Contact", contact), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or DeleteContactPayload(deleted_id=None, errors=errors)
