"""One write pipeline: the unit of work every writer goes through.

Every write runs its body inside `unit_of_work(ctx)`: each GraphQL mutation (run_mutation in
resolvers/writes.py), `govgraph import-ledger` and the importLedger mutation, `govgraph
escalate-overdue`, `govgraph key create/revoke` and `govgraph rebuild-rollups`. The block is a
SAVEPOINT on the context's connection; when the body returns, the unit of work writes, in that
same savepoint, the traces of what the body did:

1. audit: the AuditEvents the body recorded (`uow.audit(...)`, or resolvers/writes.py's
   `audit(ctx, conn, ...)`, which records into the running unit of work). A body reads the
   "before" values of a row it changes with `lock_row` (`SELECT … FOR NO KEY UPDATE` on
   PostgreSQL, the lock its UPDATE would take anyway), so they are the values it replaces.
2. change log: one entry per object the body noted (resolvers/events.py: tasks and
   rectifications) or audited (documents, plans, targets, measurements, escalations:
   LOGGED_TARGETS), with the units it hung on before and after, and the objects whose
   visibility a task or rectification carries (resolvers/changes/log.py).
3. rollups: the maintained rollups of the noted tasks, refreshed after the log took its tail
   lock (resolvers/rollups/maintained.py).
4. outbox: an `outbox_event` row (models/outbox.py) per change-log entry (`task.changed`,
   `rectification.changed`) and per audited write to anything the log does not carry
   (`document.created`, `escalation.issued`, `api_key.created` …: OUTBOX_EVENTS). `govgraph
   deliver` delivers them (resolvers/delivery/worker.py); subscriptions keep hearing of
   changes through the broker after commit.

A DomainError (or anything else) raised in the block rolls the savepoint back and discards the
recorded traces: a rejected write leaves none of the four.

A write that changes nothing writes nothing. Its audit says so (an event whose "before" equals
its "after" is not recorded; update_versioned in resolvers/writes.py leaves an unchanged row and
its version alone), and a block that records no audit and no outbox event is rolled back like a
rejected one, minus the error: no version bump, audit, change log, rollup refresh or outbox, and
subscriptions hear nothing. Every writer audits what it changes, so "no audit" is "no change".

Which traces apply to which writer:

| writer                                              | audit | change log | rollups | outbox |
|-----------------------------------------------------|-------|------------|---------|--------|
| task and rectification mutations, importLedger      | yes   | yes        | tasks   | yes    |
| escalate, `govgraph escalate-overdue`               | yes   | yes        | tasks   | yes    |
| reviewProgressReport, addComment                    | yes   | yes        | tasks   | yes    |
| createDocument, createPlan, recordMeasurement,      | yes   | yes        | —       | yes    |
| createTarget, updateTarget                          |       |            |         |        |
| `govgraph key create` / `key revoke`                | yes   | —          | —       | yes    |
| create/updateWebhookSubscription, rotateWebhook…,   | yes   | —          | —       | yes    |
| deleteWebhookSubscription, replayDelivery,          |       |            |         |        |
| replayDeadLetters, create/update/deleteContact      |       |            |         |        |
| `govgraph rebuild-rollups`                          | yes   | —          | all     | —      |

"—": the write changes no object the snapshot carries (api keys, rollups), so there is no
change-log entry, or no task rollup to refresh; rebuilding the rollups changes no object
anyone is told about.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models import AuditEvent, OutboxEvent
from models.messages import message, noun
from resolvers.changes.log import append
from resolvers.errors import DomainError, ErrorCode
from resolvers.events import noted_tasks, pending_changes, take_unlogged
from resolvers.pacing import Pacer
from resolvers.rollups.maintained import refresh_task_rollups
from resolvers.service_context import ServiceContext

audit_t: sa.Table = AuditEvent.__table__  # type: ignore[attr-defined]
outbox_t: sa.Table = OutboxEvent.__table__  # type: ignore[attr-defined]

CHUNK = 1000

# Audited target types whose objects the snapshot carries and the change log does not hear of
# through the change notes: the note kind each logs (resolvers/changes/log.py's KINDS).
LOGGED_TARGETS: dict[str, str] = {
    "Document": "document",
    "Plan": "plan",
    "Target": "target",
    "Measurement": "measurement",
    "Escalation": "escalation",
}
# Change-log kinds that give a `<kind>.changed` outbox event (the others have their own).
CHANGED_EVENTS = frozenset({"task", "rectification"})

# Audited actions whose object the change log does not carry: the outbox event each gives.
# (Writes to tasks and rectifications give `task.changed` / `rectification.changed`.)
OUTBOX_EVENTS: dict[str, str] = {
    "createDocument": "document.created",
    "createPlan": "plan.created",
    "recordMeasurement": "measurement.recorded",
    "createTarget": "target.created",
    "updateTarget": "target.updated",
    "escalate": "escalation.issued",
    "attachEvidence": "evidence.attached",
    "acknowledgeEscalation": "escalation.acknowledged",
    "replyToEscalation": "escalation.replied",
    "closeEscalation": "escalation.closed",
    "setReportReview": "plan.updated",
    "acceptProgressReport": "report.accepted",
    "returnProgressReport": "report.returned",
    "addComment": "comment.added",
    "signFor": "assignment.acknowledged",
    "requestExtension": "extension.requested",
    "decideExtension": "extension.decided",
    "withdrawExtension": "extension.withdrawn",
    "createKey": "api_key.created",
    "revokeKey": "api_key.revoked",
    "recordOrgUnitEvent": "org_unit_event.recorded",
    "createWebhookSubscription": "webhook_subscription.created",
    "updateWebhookSubscription": "webhook_subscription.updated",
    "rotateWebhookSecret": "webhook_subscription.secret_rotated",
    "deleteWebhookSubscription": "webhook_subscription.deleted",
    "replayDelivery": "webhook_delivery.replayed",
    "replayDeadLetters": "webhook_delivery.replayed",
    "createContact": "contact.created",
    "updateContact": "contact.updated",
    "deleteContact": "contact.deleted",
    "createScoreRubric": "score_rubric.created",
    "updateScoreRubric": "score_rubric.updated",
}


def jsonable(value: Any) -> Any:
    """A value as JSON holds it (ids and dates as strings, enums by value)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def audit_row(
    ctx: ServiceContext,
    *,
    action: str,
    target_type: str,
    target_id: uuid.UUID | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    scope_unit: uuid.UUID | None = None,
) -> dict[str, Any]:
    """The values of one AuditEvent."""
    return {
        "id": uuid.uuid4(),
        "actor": ctx.viewer.subject,
        "actor_unit_id": ctx.viewer.unit_id,
        "scope_unit_id": scope_unit,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "before": jsonable(dict(before)) if before is not None else None,
        "after": jsonable(dict(after)) if after is not None else None,
        "occurred_at": ctx.now(),
        "request_id": ctx.request_id,
    }


async def lock_row(
    conn: AsyncConnection, table: sa.Table, row_id: uuid.UUID, *, field: str | None = None
) -> dict[str, Any]:
    """A row that must exist, locked until the transaction ends (PostgreSQL; SQLite has one
    writer at a time): the "before" of an audit event, read as the write will replace it.

    NOT_FOUND naming the input field when it does not exist.
    """
    statement = sa.select(table).where(table.c.id == row_id)
    if conn.dialect.name == "postgresql":
        statement = statement.with_for_update(key_share=True)
    row = (await conn.execute(statement)).mappings().first()
    if row is None:
        raise DomainError(
            ErrorCode.NOT_FOUND, message("NOT_FOUND_ID", noun=noun(table.name)), field
        )
    return dict(row)


class UnitOfWork:
    """What one write records until its traces are written (`unit_of_work`)."""

    def __init__(self, ctx: ServiceContext, conn: AsyncConnection) -> None:
        self.ctx = ctx
        self.conn = conn
        self.audits: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    async def lock_row(
        self, table: sa.Table, row_id: uuid.UUID, *, field: str | None = None
    ) -> dict[str, Any]:
        """The row, locked for this write (module function `lock_row`)."""
        return await lock_row(self.conn, table, row_id, field=field)

    def audit(
        self,
        *,
        action: str,
        target_type: str,
        target_id: uuid.UUID | None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        scope_unit: uuid.UUID | None = None,
    ) -> None:
        """Record an AuditEvent (and its outbox event when OUTBOX_EVENTS names one); an event
        whose `before` equals its `after` changed nothing and is not recorded."""
        if before is not None and jsonable(dict(before)) == jsonable(dict(after or {})):
            return
        row = audit_row(
            self.ctx,
            action=action,
            target_type=target_type,
            target_id=target_id,
            before=before,
            after=after,
            scope_unit=scope_unit,
        )
        self.audits.append(row)
        kind = LOGGED_TARGETS.get(target_type)
        if kind is not None and target_id is not None:
            self.ctx.unlogged.setdefault((kind, target_id), set())
        event_type = OUTBOX_EVENTS.get(action)
        if event_type is not None:
            self.emit(
                event_type,
                object_type=target_type,
                object_id=target_id,
                units=[scope_unit] if scope_unit is not None else [],
                payload={"action": action, "auditEventId": row["id"], "after": row["after"]},
            )

    def changed(self) -> bool:
        """Whether the block recorded anything to keep (an audit or an outbox event)."""
        return bool(self.audits or self.events)

    def emit(
        self,
        event_type: str,
        *,
        object_type: str,
        object_id: uuid.UUID | None,
        units: Iterable[uuid.UUID] = (),
        payload: Mapping[str, Any] | None = None,
    ) -> None:
        """Record an outbox event."""
        self.events.append(
            {
                "id": uuid.uuid4(),
                "event_type": event_type,
                "object_type": object_type,
                "object_id": object_id,
                "units": sorted(str(u) for u in units),
                "payload": jsonable(dict(payload or {})),
                "actor": self.ctx.viewer.subject,
                "request_id": self.ctx.request_id,
                "created_at": self.ctx.now(),
                "delivered_at": None,
            }
        )

    async def flush(self) -> None:
        """Write the recorded traces: audit, change log, rollups, outbox (in that order)."""
        ctx, conn = self.ctx, self.conn
        audits, self.audits = self.audits, []
        for start in range(0, len(audits), CHUNK):
            await conn.execute(audit_t.insert(), audits[start : start + CHUNK])
        touched = noted_tasks(ctx)
        notes = take_unlogged(ctx)
        logged: dict[tuple[str, uuid.UUID], tuple[int, set[uuid.UUID]]] = {}
        if notes:
            await append(conn, notes, changed_at=ctx.now(), logged=logged)
        await refresh_task_rollups(conn, touched)
        actions = sorted({row["action"] for row in audits})
        pacer = Pacer()  # an import notes 100,000 tasks: the loop must not wait for them all
        for (kind, object_id), (seq, units) in sorted(logged.items(), key=lambda i: i[1][0]):
            await pacer.tick()
            if kind not in CHANGED_EVENTS:
                continue
            self.emit(
                f"{kind}.changed",
                object_type=kind,
                object_id=object_id,
                units=units,
                payload={"changeLogSeq": seq, "actions": actions},
            )
        events, self.events = self.events, []
        for start in range(0, len(events), CHUNK):
            await conn.execute(outbox_t.insert(), events[start : start + CHUNK])


def current_work(ctx: ServiceContext) -> UnitOfWork:
    """The unit of work running on `ctx`; a write outside one is a bug."""
    work = ctx.work
    if not isinstance(work, UnitOfWork):
        raise RuntimeError("a write outside a unit of work (resolvers/unit_of_work.py)")
    return work


@contextlib.asynccontextmanager
async def unit_of_work(ctx: ServiceContext) -> AsyncIterator[UnitOfWork]:
    """Run the block's writes in a savepoint and write their traces in it (module docstring).

    The caller commits the transaction (the request's end, or the command's). An exception
    rolls the savepoint back, with the block's change notes and recorded traces.
    """
    if ctx.work is not None:
        raise RuntimeError("units of work do not nest")
    await ctx.db.begin_write()  # SQLite: one writer at a time, waiting instead of failing
    conn = await ctx.db.connection()
    savepoint = await conn.begin_nested()
    # GOVGRAPH_RLS=1: the service sees whole tables (its rollback restores the viewer's scope).
    await ctx.db.lift_rls_scope()
    # Subscriptions must not hear of a write that is undone: keep the notes from before it.
    notes = set(pending_changes(ctx))
    unlogged = dict(ctx.unlogged)
    work = UnitOfWork(ctx, conn)
    ctx.work = work
    try:
        yield work
        changed = work.changed()
        if changed:
            await work.flush()
    except BaseException:
        ctx.changes, ctx.unlogged = notes, unlogged
        await savepoint.rollback()
        raise
    finally:
        ctx.work = None
    if not changed:  # nothing changed: whatever the block touched goes, with its notes
        ctx.changes, ctx.unlogged = notes, unlogged
        await savepoint.rollback()
        return
    await savepoint.commit()
    await ctx.db.restore_rls_scope()
    ctx.db.wrote = True
