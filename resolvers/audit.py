"""AuditEvent queries for coordinators: who wrote what, when, in their scope."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
import strawberry
from graphql import GraphQLError
from sqlalchemy.engine import RowMapping
from strawberry.scalars import JSON

from models import AuditEvent as AuditEventModel
from models import OrgUnitClosure
from models.enums import ViewerRole
from resolvers.common import Connection, Info, decode_global_id
from resolvers.errors import RequestErrorCode
from resolvers.pagination import OrderKey, list_digest, paginate
from resolvers.scope import visibility

audit_t: sa.Table = AuditEventModel.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]


@strawberry.type(description="One write: actor, scope, action, target, before/after, time.")
class AuditEvent:
    actor: str = strawberry.field(description="Who (token subject).")
    action: str = strawberry.field(description="The mutation, e.g. reportProgress.")
    target_type: str = strawberry.field(description="Kind of row written.")
    target_id: str | None = strawberry.field(description="Global id of the row written.")
    before: JSON | None = strawberry.field(description="Changed fields before.")
    after: JSON | None = strawberry.field(description="Changed fields after.")
    occurred_at: datetime = strawberry.field(description="When.")
    request_id: str | None = strawberry.field(description="Request id (X-Request-Id).")

    @classmethod
    def from_row(cls, row: RowMapping) -> AuditEvent:
        """From an `audit_event` row."""
        target = row["target_id"]
        return cls(
            actor=row["actor"],
            action=row["action"],
            target_type=row["target_type"],
            target_id=str(strawberry.relay.GlobalID(row["target_type"], str(target)))
            if target
            else None,
            before=_json(row["before"]),
            after=_json(row["after"]),
            occurred_at=row["occurred_at"],
            request_id=row["request_id"],
        )


def _json(value: Any) -> Any:
    if isinstance(value, str | bytes):
        return orjson.loads(value)
    return value


@strawberry.input(description="Filter for audit events.")
class AuditEventFilter:
    unit: strawberry.ID | None = strawberry.field(
        default=None, description="Writes in this unit's subtree."
    )
    action: str | None = strawberry.field(default=None, description="Mutation name.")
    target: strawberry.ID | None = strawberry.field(default=None, description="A row's id.")
    since: datetime | None = strawberry.field(default=None, description="At or after.")
    until: datetime | None = strawberry.field(default=None, description="Before.")


@strawberry.type
class AuditQuery:
    @strawberry.field(description="Writes in the viewer's scope, newest first (coordinators).")
    async def audit_events(
        self,
        info: Info,
        filter: AuditEventFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AuditEvent]:
        viewer = info.context.viewer
        if viewer.anonymous or viewer.unit_id is None:
            raise GraphQLError(
                "authentication required",
                extensions={"code": RequestErrorCode.UNAUTHENTICATED.value},
            )
        if not viewer.at_least(ViewerRole.COORDINATOR):
            raise GraphQLError(
                "auditEvents needs the COORDINATOR role",
                extensions={"code": RequestErrorCode.FORBIDDEN.value},
            )
        a = audit_t
        # Writes scoped to a unit in the subtree (models/rules/scope.py; ADMIN: all).
        stmt = sa.select(a).where(visibility(info.context.scope, a))
        if filter is not None:
            if filter.unit is not None:
                stmt = stmt.where(
                    _in_subtree(a.c.scope_unit_id, decode_global_id(filter.unit, "OrgUnit"))
                )
            if filter.action:
                stmt = stmt.where(a.c.action == filter.action)
            if filter.target is not None:
                stmt = stmt.where(a.c.target_id == decode_global_id(filter.target))
            if filter.since is not None:
                stmt = stmt.where(a.c.occurred_at >= filter.since)
            if filter.until is not None:
                stmt = stmt.where(a.c.occurred_at < filter.until)
        order = [OrderKey(a.c.occurred_at, True), OrderKey(a.c.id, True)]
        return await paginate(
            info.context.db,
            stmt,
            order,
            AuditEvent.from_row,
            first=first,
            after=after,
            digest=list_digest(info),
        )


def _in_subtree(column: sa.ColumnElement[Any], unit: uuid.UUID) -> sa.ColumnElement[bool]:
    return column.in_(sa.select(closure_t.c.descendant_id).where(closure_t.c.ancestor_id == unit))
