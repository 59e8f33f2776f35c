"""Contacts of a unit (联系人): one home for the contact mutations' rules (issue 18, point 3).

Who: COORDINATOR or higher whose subtree holds the unit (models/rules/scope.py
`can_write_unit`), ADMIN anywhere. Who reads: viewers whose subtree holds the unit
(`in_subtree`); never a sharing partner's key (addresses are personal data, internal).
A contact named by someone who cannot see it is NOT_FOUND; seen but not writable, FORBIDDEN.
Every write goes through the unit of work (audited) and changes take `expectedVersion`.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

import models
from models.contact import ContactChannel, ContactMode
from models.enums import ViewerRole
from models.messages import message
from models.rules.notify import PERSON_EVENTS, parse_clock
from models.rules.scope import Scope, can_write_unit, in_subtree, scope_for
from resolvers.errors import DomainError, ErrorCode
from resolvers.service_context import ServiceContext
from resolvers.writes import audit, fetch_checked, require_role, update_versioned

contact_t = models.metadata.tables["contact"]
unit_t = models.metadata.tables["org_unit"]

EMAIL = re.compile(r"^[^@\s<>\"(),;:]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z0-9-]{2,63}$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def readable_scope(ctx: ServiceContext) -> Scope | None:
    """The subtree whose contacts the viewer reads; None: none (anonymous, API keys)."""
    viewer = ctx.viewer
    if viewer.anonymous or viewer.key_id is not None:
        return None
    return scope_for(viewer)


def check_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= 100 or CONTROL.search(name):
        raise DomainError(ErrorCode.INVALID_INPUT, message("CONTACT_NAME"), "name")
    return name


def check_address(channel: ContactChannel, address: str) -> str:
    address = address.strip()
    ok = 1 <= len(address) <= 320 and not CONTROL.search(address)
    if channel is ContactChannel.EMAIL:
        ok = ok and EMAIL.match(address) is not None
    if not ok:
        raise DomainError(ErrorCode.INVALID_INPUT, message("CONTACT_ADDRESS"), "address")
    return address


def check_types(event_types: list[str]) -> list[str]:
    for event_type in event_types:
        if event_type not in PERSON_EVENTS:
            raise DomainError(
                ErrorCode.INVALID_INPUT,
                message("CONTACT_EVENT_TYPE", event_type=event_type),
                "eventTypes",
            )
    return sorted(set(event_types))


def check_quiet(start: str | None, end: str | None) -> tuple[str | None, str | None]:
    if start is None and end is None:
        return None, None
    if start is None or end is None or parse_clock(start) is None or parse_clock(end) is None:
        raise DomainError(ErrorCode.INVALID_INPUT, message("CONTACT_QUIET_HOURS"), "quietHours")
    return start, end


async def _writable_unit(ctx: ServiceContext, conn: AsyncConnection, unit: uuid.UUID) -> None:
    await fetch_checked(
        conn,
        sa.select(unit_t.c.id).where(unit_t.c.id == unit),
        visible=in_subtree(scope_for(ctx.viewer), unit_t.c.id),
        writable=can_write_unit(ctx.viewer, ViewerRole.COORDINATOR, unit_t.c.id),
        field="unit",
        noun="unit",
        forbidden=message("CONTACT_FORBIDDEN"),
    )


async def _checked(
    ctx: ServiceContext, conn: AsyncConnection, contact: uuid.UUID
) -> dict[str, Any]:
    """The contact, for a write: NOT_FOUND unless seen, FORBIDDEN unless writable."""
    statement = sa.select(contact_t).where(contact_t.c.id == contact)
    if conn.dialect.name == "postgresql":
        statement = statement.with_for_update(key_share=True)
    try:
        return await fetch_checked(
            conn,
            statement,
            visible=in_subtree(scope_for(ctx.viewer), contact_t.c.org_unit_id),
            writable=can_write_unit(ctx.viewer, ViewerRole.COORDINATOR, contact_t.c.org_unit_id),
            field="contact",
            noun="contact",
            forbidden=message("CONTACT_FORBIDDEN"),
        )
    except DomainError as exc:
        if exc.code is ErrorCode.NOT_FOUND:
            raise DomainError(ErrorCode.NOT_FOUND, message("CONTACT_NOT_FOUND"), "contact") from exc
        raise


def audited(row: dict[str, Any]) -> dict[str, Any]:
    """What an audit event records of a contact."""
    return {
        key: row.get(key)
        for key in (
            "org_unit_id",
            "name",
            "channel",
            "address",
            "event_types",
            "quiet_start",
            "quiet_end",
            "mode",
            "active",
        )
    }


async def create_contact(
    ctx: ServiceContext,
    conn: AsyncConnection,
    *,
    unit: uuid.UUID,
    name: str,
    channel: ContactChannel,
    address: str,
    event_types: list[str],
    quiet_start: str | None,
    quiet_end: str | None,
    mode: ContactMode,
) -> dict[str, Any]:
    """A new contact of `unit`; the row."""
    require_role(ctx, ViewerRole.COORDINATOR)
    await _writable_unit(ctx, conn, unit)
    start, end = check_quiet(quiet_start, quiet_end)
    now = ctx.now()
    contact_id = uuid.uuid4()
    row: dict[str, Any] = {
        "id": contact_id,
        "org_unit_id": unit,
        "name": check_name(name),
        "channel": channel.value,
        "address": check_address(channel, address),
        "event_types": check_types(event_types),
        "quiet_start": start,
        "quiet_end": end,
        "mode": mode.value,
        "active": True,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    await conn.execute(contact_t.insert().values(**row))
    await audit(
        ctx,
        conn,
        action="createContact",
        target_type="Contact",
        target_id=contact_id,
        after=audited(row),
        scope_unit=unit,
    )
    return row


async def update_contact(
    ctx: ServiceContext,
    conn: AsyncConnection,
    contact: uuid.UUID,
    *,
    expected_version: int | None,
    changes: dict[str, Any],
    clear_quiet_hours: bool = False,
) -> dict[str, Any]:
    """Change the given fields (name, channel, address, event_types, quiet_start/end, mode,
    active); the row after."""
    require_role(ctx, ViewerRole.COORDINATOR)
    before = await _checked(ctx, conn, contact)
    values: dict[str, Any] = {}
    if changes.get("name") is not None:
        values["name"] = check_name(changes["name"])
    channel = ContactChannel(changes.get("channel") or before["channel"])
    values["channel"] = channel.value
    values["address"] = check_address(channel, changes.get("address") or before["address"])
    if changes.get("event_types") is not None:
        values["event_types"] = check_types(changes["event_types"])
    if clear_quiet_hours:
        values["quiet_start"], values["quiet_end"] = None, None
    elif changes.get("quiet_start") is not None or changes.get("quiet_end") is not None:
        values["quiet_start"], values["quiet_end"] = check_quiet(
            changes.get("quiet_start"), changes.get("quiet_end")
        )
    if changes.get("mode") is not None:
        values["mode"] = ContactMode(changes["mode"]).value
    if changes.get("active") is not None:
        values["active"] = bool(changes["active"])
    values = {k: v for k, v in values.items() if before[k] != v}  # a restatement: nothing
    if values:
        values["updated_at"] = ctx.now()
    version = await update_versioned(
        conn,
        contact_t,
        contact,
        values,
        expected_version=expected_version,
        changed=bool(values),
    )
    after = {**before, **values, "version": version}
    await audit(
        ctx,
        conn,
        action="updateContact",
        target_type="Contact",
        target_id=contact,
        before=audited(before),
        after=audited(after),
        scope_unit=before["org_unit_id"],
    )
    return after


async def delete_contact(
    ctx: ServiceContext, conn: AsyncConnection, contact: uuid.UUID, *, expected_version: int | None
) -> dict[str, Any]:
    """Delete the contact (and its queued messages); the row as it was."""
    require_role(ctx, ViewerRole.COORDINATOR)
    before = await _checked(ctx, conn, contact)
    if expected_version is not None and before["version"] != expected_version:
        await update_versioned(
            conn, contact_t, contact, {}, expected_version=expected_version, changed=False
        )
    notification_t = models.metadata.tables["notification"]
    await conn.execute(notification_t.delete().where(notification_t.c.contact_id == contact))
    await conn.execute(contact_t.delete().where(contact_t.c.id == contact))
    await audit(
        ctx,
        conn,
        action="deleteContact",
        target_type="Contact",
        target_id=contact,
        before=audited(before),
        after={"deleted": True},
        scope_unit=before["org_unit_id"],
    )
    return before
