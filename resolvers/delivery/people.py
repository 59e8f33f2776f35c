"""Telling people (issue 18, point 3): contacts' immediate messages, queued and sent.

Fan-out runs inside the worker's fan-out transaction (resolvers/delivery/worker.py fan_out),
so each outbox event becomes its contacts' notifications exactly when it becomes its webhook
deliveries: per active IMMEDIATE contact that wants the event type, when the event's object
is visible in the contact's unit's subtree (models/rules/scope.py `visibility`: the one scope
rule; a unit's contacts hear only of its subtree). The message says what the object is
(title, deadline, an escalation's level and reason) and never an INTERNAL field (responsible
persons, actors): it leaves the system over SMTP or a gateway. Inside the contact's quiet
hours it is due when they end (models/rules/notify.py).

Sending mirrors the webhook deliveries: due PENDING notifications are leased (`FOR UPDATE
SKIP LOCKED` on PostgreSQL), sent through their channel (resolvers/delivery/channels.py),
and recorded if the lease is still ours: SENT, or PENDING with backoff, or DEAD after
`max_attempts`. A worker killed mid-send leaves the lease to expire; the message goes again
with the same id (its Message-ID / gateway `id`).
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import models
from models.contact import ContactMode
from models.enums import AssignmentRole, CommentKind
from models.messages import Message, message
from models.rules.notify import PERSON_EVENTS, RECIPIENTS, quiet_until
from models.rules.scope import Scope, visibility
from resolvers.delivery.channels import Channel, ChannelError, Outgoing
from resolvers.delivery.items import item_id
from resolvers.delivery.transactions import write_transaction

contact_t = models.metadata.tables["contact"]
notification_t = models.metadata.tables["notification"]
task_t = models.metadata.tables["task"]
rect_t = models.metadata.tables["rectification"]
escalation_t = models.metadata.tables["escalation"]
unit_t = models.metadata.tables["org_unit"]

PENDING, SENT, DEAD = "PENDING", "SENT", "DEAD"
SUBJECTS = {
    "task.due_soon": "NOTIFY_TASK_DUE_SOON",
    "task.overdue": "NOTIFY_TASK_OVERDUE",
    "task.changed": "NOTIFY_TASK_CHANGED",
    "rectification.changed": "NOTIFY_RECTIFICATION_CHANGED",
    "rectification.due_soon": "NOTIFY_RECTIFICATION_DUE_SOON",
    "rectification.overdue": "NOTIFY_RECTIFICATION_OVERDUE",
    "escalation.issued": "NOTIFY_ESCALATION_ISSUED",
    "escalation.acknowledged": "NOTIFY_ESCALATION_ACKNOWLEDGED",
    "escalation.replied": "NOTIFY_ESCALATION_REPLIED",
    "escalation.closed": "NOTIFY_ESCALATION_CLOSED",
}
LEVELS = {
    "REMINDER": "LEVEL_REMINDER",
    "URGE": "LEVEL_URGE",
    "WARNING_LETTER": "LEVEL_WARNING_LETTER",
    "INTERVIEW": "LEVEL_INTERVIEW",
    "PUBLIC_NOTICE": "LEVEL_PUBLIC_NOTICE",
}


def level_word(level: Any) -> Message:
    """The escalation level's word (提醒, 催办 …)."""
    return message(LEVELS[str(getattr(level, "value", level))])


def _types(value: Any) -> set[str]:
    return set(value or []) or set(PERSON_EVENTS)


async def _details(
    conn: AsyncConnection, scope: Scope, object_type: str, ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    """What a message says of each object visible in `scope` (absent: not visible)."""
    if object_type == "task":
        statement = sa.select(
            task_t.c.id, task_t.c.title, task_t.c.deadline_end.label("deadline")
        ).where(task_t.c.id.in_(ids), visibility(scope, task_t))
    elif object_type == "rectification":
        statement = sa.select(
            rect_t.c.id, rect_t.c.problem.label("title"), rect_t.c.deadline_end.label("deadline")
        ).where(rect_t.c.id.in_(ids), visibility(scope, rect_t))
    else:
        statement = (
            sa.select(
                escalation_t.c.id,
                sa.func.coalesce(task_t.c.title, rect_t.c.problem).label("title"),
                escalation_t.c.level,
                escalation_t.c.reason,
            )
            .select_from(
                escalation_t.outerjoin(task_t, task_t.c.id == escalation_t.c.task_id).outerjoin(
                    rect_t, rect_t.c.id == escalation_t.c.rectification_id
                )
            )
            .where(escalation_t.c.id.in_(ids), visibility(scope, escalation_t))
        )
    rows = (await conn.execute(statement)).mappings().all()
    return {row["id"]: dict(row) for row in rows}


def compose(event_type: str, details: dict[str, Any], unit: str, event_id: Any) -> tuple[str, str]:
    """(subject, text) of an immediate message, in Chinese."""
    params: dict[str, Any] = {"title": details.get("title") or ""}
    if event_type.startswith("escalation."):
        params["level"] = level_word(details["level"])
    subject = message(SUBJECTS[event_type], **params).render()
    lines = [subject]
    if details.get("deadline") is not None:
        lines.append(message("NOTIFY_DEADLINE_LINE", deadline=details["deadline"]).render())
    if details.get("reason"):
        lines.append(message("NOTIFY_REASON_LINE", reason=details["reason"]).render())
    lines += ["", message("NOTIFY_FOOTER", unit=unit, event=str(event_id)).render()]
    return subject[:300], "\n".join(lines)


# -- workflow events told to the units they are for (models/rules/notify.py RECIPIENTS) -----

report_t = models.metadata.tables["progress_report"]
share_t = models.metadata.tables["assignment"]
request_t = models.metadata.tables["extension_request"]
comment_t = models.metadata.tables["comment"]
rect_share_t = models.metadata.tables["rectification_assignment"]


async def _recipients(
    conn: AsyncConnection, events: list[Any]
) -> list[tuple[Any, uuid.UUID, str, list[str]]]:
    """(event, unit, subject, lines) per unit a workflow event is for; set-based: one query
    per event type."""
    out: list[tuple[Any, uuid.UUID, str, list[str]]] = []
    by_type: dict[str, dict[uuid.UUID, Any]] = defaultdict(dict)
    for event in events:
        if event["event_type"] == "comment.added":
            comment_id = item_id(event)
            if comment_id is not None:
                by_type["comment.added"][comment_id] = event
        elif event["object_id"] is not None:
            by_type[event["event_type"]][event["object_id"]] = event
    if chosen := by_type.get("report.returned"):
        returned = await conn.execute(
            sa.select(
                report_t.c.id, share_t.c.org_unit_id, task_t.c.title, report_t.c.review_reason
            )
            .join(share_t, share_t.c.id == report_t.c.assignment_id)
            .join(task_t, task_t.c.id == share_t.c.task_id)
            .where(report_t.c.id.in_(list(chosen)))
        )
        for row in returned.mappings():
            reason = row["review_reason"]
            lines = [message("NOTIFY_REASON_LINE", reason=reason).render()] if reason else []
            subject = message("NOTIFY_REPORT_RETURNED", title=row["title"]).render()
            out.append((chosen[row["id"]], row["org_unit_id"], subject, lines))
    if chosen := by_type.get("extension.decided"):
        decided = await conn.execute(
            sa.select(
                request_t.c.id,
                request_t.c.requested_by_unit_id,
                task_t.c.title,
                request_t.c.status,
                request_t.c.requested_end,
                request_t.c.decision_reason,
            )
            .join(task_t, task_t.c.id == request_t.c.task_id)
            .where(request_t.c.id.in_(list(chosen)))
        )
        for row in decided.mappings():
            status, end = row["status"], row["requested_end"]
            approved = str(getattr(status, "value", status)) == "APPROVED"
            key = "NOTIFY_EXTENSION_APPROVED" if approved else "NOTIFY_EXTENSION_REJECTED"
            lines = [message("NOTIFY_DEADLINE_LINE", deadline=end).render()] if approved else []
            if row["decision_reason"]:
                reason_line = message("NOTIFY_REASON_LINE", reason=row["decision_reason"])
                lines.append(reason_line.render())
            subject = message(key, title=row["title"]).render()
            out.append((chosen[row["id"]], row["requested_by_unit_id"], subject, lines))
    if chosen := by_type.get("comment.added"):
        lead = AssignmentRole.LEAD.value
        report_share = share_t.alias("report_share")
        rows = await conn.execute(
            sa.select(
                comment_t.c.id,
                comment_t.c.body,
                sa.func.coalesce(
                    share_t.c.org_unit_id,
                    rect_share_t.c.org_unit_id,
                    report_share.c.org_unit_id,
                ).label("unit"),
                sa.func.coalesce(task_t.c.title, rect_t.c.problem).label("title"),
            )
            .select_from(
                comment_t.outerjoin(
                    share_t,
                    sa.and_(share_t.c.task_id == comment_t.c.task_id, share_t.c.role == lead),
                )
                .outerjoin(
                    rect_share_t,
                    sa.and_(
                        rect_share_t.c.rectification_id == comment_t.c.rectification_id,
                        rect_share_t.c.role == lead,
                    ),
                )
                .outerjoin(report_share, report_share.c.id == comment_t.c.assignment_id)
                .outerjoin(
                    task_t,
                    task_t.c.id == sa.func.coalesce(comment_t.c.task_id, report_share.c.task_id),
                )
                .outerjoin(rect_t, rect_t.c.id == comment_t.c.rectification_id)
            )
            .where(
                comment_t.c.id.in_(list(chosen)),
                comment_t.c.kind == CommentKind.INSTRUCTION.value,
            )
        )
        for found, body, unit, title in rows:
            if unit is None:
                continue
            lines = [message("NOTIFY_INSTRUCTION_LINE", body=body).render()]
            subject = message("NOTIFY_INSTRUCTION", title=title or "").render()
            out.append((chosen[found], unit, subject, lines))
    return out


async def _immediate_contacts(
    conn: AsyncConnection, units: list[uuid.UUID] | None = None
) -> dict[uuid.UUID, list[Any]]:
    """Active IMMEDIATE contacts (with their unit's name as unit_name) by unit: of `units`, or
    of every unit."""
    of_units = () if units is None else (contact_t.c.org_unit_id.in_(units),)
    contacts = (
        (
            await conn.execute(
                sa.select(contact_t, unit_t.c.name.label("unit_name"))
                .join(unit_t, unit_t.c.id == contact_t.c.org_unit_id)
                .where(
                    *of_units,
                    contact_t.c.active.is_(True),
                    contact_t.c.mode == ContactMode.IMMEDIATE.value,
                )
            )
        )
        .mappings()
        .all()
    )
    by_unit: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for contact in contacts:
        by_unit[contact["org_unit_id"]].append(contact)
    return by_unit


def _notification(
    contact: Any, event: Any, subject: str, text: str, now: datetime
) -> dict[str, Any]:
    """The PENDING notification row of `event` for `contact` (deduplicated by the event's id),
    due now or when the contact's quiet hours end."""
    return {
        "id": uuid.uuid4(),
        "contact_id": contact["id"],
        "dedup_key": str(event["id"]),
        "event_id": event["id"],
        "event_type": event["event_type"],
        "channel": contact["channel"],
        "address": contact["address"],
        "subject": subject,
        "body": text,
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": quiet_until(now, contact["quiet_start"], contact["quiet_end"]),
        "created_at": now,
    }


async def fan_out_recipients(conn: AsyncConnection, events: Any, now: datetime) -> int:
    """The immediate notifications of workflow events to the units they are for."""
    wanted = [e for e in events if e["event_type"] in RECIPIENTS]
    if not wanted:
        return 0
    targets = await _recipients(conn, wanted)
    units = sorted({unit for _, unit, _, _ in targets})
    if not units:
        return 0
    by_unit = await _immediate_contacts(conn, units)
    rows: list[dict[str, Any]] = []
    for event, unit, subject, lines in targets:
        for contact in by_unit.get(unit, []):
            if event["event_type"] not in _types(contact["event_types"]):
                continue
            footer = message("NOTIFY_FOOTER", unit=contact["unit_name"], event=str(event["id"]))
            text = "\n".join([subject, *lines, "", footer.render()])
            rows.append(_notification(contact, event, subject[:300], text, now))
    for start in range(0, len(rows), 500):
        await conn.execute(insert_ignoring_duplicates(conn, rows[start : start + 500]))
    return len(rows)


def insert_ignoring_duplicates(conn: AsyncConnection, rows: list[dict[str, Any]]) -> Any:
    """INSERT … ON CONFLICT DO NOTHING into notification (unique per contact and key)."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    return insert(notification_t).values(rows).on_conflict_do_nothing()


async def fan_out_contacts(conn: AsyncConnection, events: Any, now: datetime) -> int:
    """The immediate notifications of these outbox events (in the fan-out's transaction)."""
    told = await fan_out_recipients(conn, events, now)
    wanted = [
        e
        for e in events
        if e["event_type"] in SUBJECTS
        and e["object_id"] is not None
        and str(e["object_type"]).lower() in ("task", "rectification", "escalation")
    ]
    if not wanted:
        return told
    by_unit = await _immediate_contacts(conn)
    by_type: dict[str, list[Any]] = defaultdict(list)
    for event in wanted:
        by_type[str(event["object_type"]).lower()].append(event)
    rows: list[dict[str, Any]] = []
    for unit, unit_contacts in by_unit.items():
        scope = Scope(root=unit)  # the unit's subtree (messages carry no INTERNAL field)
        for object_type, chosen in by_type.items():
            seen = await _details(conn, scope, object_type, [e["object_id"] for e in chosen])
            for event in chosen:
                details = seen.get(event["object_id"])
                if details is None:
                    continue
                for contact in unit_contacts:
                    if event["event_type"] not in _types(contact["event_types"]):
                        continue
                    subject, text = compose(
                        event["event_type"], details, contact["unit_name"], event["id"]
                    )
                    rows.append(_notification(contact, event, subject, text, now))
    for start in range(0, len(rows), 500):
        await conn.execute(insert_ignoring_duplicates(conn, rows[start : start + 500]))
    return told + len(rows)


# -- sending -----------------------------------------------------------------------------------


@dataclass
class Leased:
    """A leased notification and what sending it needs."""

    id: uuid.UUID
    attempts: int
    channel: str
    outgoing: Outgoing
    quiet_start: str | None
    quiet_end: str | None


async def claim(engine: AsyncEngine, *, batch: int, lease: float, now: datetime) -> list[Leased]:
    """Lease up to `batch` due notifications."""
    async with write_transaction(engine) as conn:
        statement = (
            sa.select(notification_t.c.id)
            .where(notification_t.c.status == PENDING, notification_t.c.next_attempt_at <= now)
            .order_by(notification_t.c.next_attempt_at, notification_t.c.id)
            .limit(batch)
        )
        if conn.dialect.name == "postgresql":
            statement = statement.with_for_update(skip_locked=True)
        ids = list((await conn.execute(statement)).scalars())
        if not ids:
            return []
        await conn.execute(
            notification_t.update()
            .where(notification_t.c.id.in_(ids))
            .values(
                attempts=notification_t.c.attempts + 1,
                last_attempt_at=now,
                next_attempt_at=now + timedelta(seconds=lease),
            )
        )
        rows = (
            (
                await conn.execute(
                    sa.select(notification_t, contact_t.c.quiet_start, contact_t.c.quiet_end)
                    .join(contact_t, contact_t.c.id == notification_t.c.contact_id)
                    .where(notification_t.c.id.in_(ids))
                )
            )
            .mappings()
            .all()
        )
    return [
        Leased(
            row["id"],
            row["attempts"],
            row["channel"],
            Outgoing(str(row["id"]), row["address"], row["subject"], row["body"]),
            row["quiet_start"],
            row["quiet_end"],
        )
        for row in rows
    ]


async def record(
    engine: AsyncEngine, item: Leased, error: str | None, *, max_attempts: int, delay: float
) -> str | None:
    """Write the outcome if the lease is still ours; the new status (None: lease lost)."""
    now = datetime.now(UTC)
    values: dict[str, Any] = {"last_error": error}
    if error is None:
        status, values = SENT, values | {"status": SENT, "sent_at": now}
    elif item.attempts >= max_attempts:
        status, values = DEAD, values | {"status": DEAD}
    else:
        retry = quiet_until(now + timedelta(seconds=delay), item.quiet_start, item.quiet_end)
        status, values = PENDING, values | {"next_attempt_at": retry}
    async with write_transaction(engine) as conn:
        result = await conn.execute(
            notification_t.update()
            .where(
                notification_t.c.id == item.id,
                notification_t.c.attempts == item.attempts,
                notification_t.c.status == PENDING,
            )
            .values(**values)
        )
    return status if result.rowcount else None


async def send_due(
    engine: AsyncEngine,
    channels: dict[str, Channel],
    *,
    batch: int,
    lease: float,
    max_attempts: int,
    backoff: Any,
    concurrency: int = 8,
) -> dict[str, int]:
    """Claim and send the due notifications once; outcomes by status."""
    items = await claim(engine, batch=batch, lease=lease, now=datetime.now(UTC))
    outcomes: dict[str, int] = defaultdict(int)
    gate = asyncio.Semaphore(concurrency)

    async def one(item: Leased) -> None:
        channel = channels.get(item.channel)
        error = None
        async with gate:
            try:
                if channel is None:
                    raise ChannelError(f"channel {item.channel} is not configured")
                await channel.send(item.outgoing)
            except ChannelError as exc:
                error = str(exc)[:500]
        status = await record(
            engine, item, error, max_attempts=max_attempts, delay=backoff(item.attempts)
        )
        outcomes[status or "LOST_LEASE"] += 1

    await asyncio.gather(*(one(item) for item in items))
    return dict(outcomes)
