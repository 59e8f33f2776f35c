"""Shared machinery of every write: roles, scope checks, versions, audit, mutations.

Services take the request's Context, check role, scope, workflow and `expectedVersion`, write,
and record an AuditEvent. Each mutation field runs in a unit of work (resolvers/unit_of_work.py:
a SAVEPOINT that writes the audit events, change log, rollups and outbox events): a DomainError
rolls back everything that field wrote and becomes a payload error; the request transaction
commits at the end of the operation.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from models import OrgUnit, OrgUnitClosure
from models.enums import ViewerRole
from models.messages import Text, message
from models.messages import noun as noun_of
from models.rules.scope import can_name_unit
from models.rules.search import folded_values
from models.viewer import Viewer
from resolvers.errors import AuthenticationRequired, DomainError, ErrorCode, UserError
from resolvers.service_context import ServiceContext as Context  # services take no GraphQL context
from resolvers.unit_of_work import audit_row, audit_t, current_work, lock_row, unit_of_work

__all__ = ["audit_row", "audit_t", "lock_row"]

unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]

R = TypeVar("R")


def require_role(ctx: Context, role: ViewerRole) -> uuid.UUID:
    """The viewer's unit; anonymous is a top-level error, a lower role a FORBIDDEN payload."""
    viewer = ctx.viewer
    if viewer.anonymous or viewer.unit_id is None:
        raise AuthenticationRequired(message("WRITE_NEEDS_AUTH"))
    if not viewer.at_least(role):
        raise DomainError(ErrorCode.FORBIDDEN, message("ROLE_TOO_LOW", role=role.value))
    return viewer.unit_id


async def is_within(conn: AsyncConnection, unit: Any, ancestor: Any) -> bool:
    """Whether `unit` is `ancestor` or in its subtree (a tree fact, not a scope check)."""
    found = await conn.execute(
        sa.select(sa.literal(1)).where(
            closure_t.c.ancestor_id == ancestor, closure_t.c.descendant_id == unit
        )
    )
    return found.first() is not None


async def in_write_scope(ctx: Context, conn: AsyncConnection, unit: Any) -> bool:
    """Whether a write of this viewer may name `unit` (models/rules/scope.py can_name_unit)."""
    return await may_name_unit(conn, ctx.viewer, unit)


async def may_name_unit(conn: AsyncConnection, viewer: Viewer, unit: Any) -> bool:
    """`unit` exists and `viewer`'s writes may name it (can_name_unit), in one statement."""
    found = await conn.execute(
        sa.select(unit_t.c.id).where(unit_t.c.id == unit, can_name_unit(viewer, unit_t.c.id))
    )
    return found.first() is not None


async def fetch_checked(
    conn: AsyncConnection,
    statement: sa.Select[Any],
    *,
    visible: sa.ColumnElement[bool],
    writable: sa.ColumnElement[bool],
    field: str,
    noun: str,
    forbidden: Text,
) -> dict[str, Any]:
    """The row `statement` selects, checked by scope predicates in the same statement.

    NOT_FOUND when there is no row or the viewer cannot see it (existence never leaks),
    FORBIDDEN when it sees the row but `writable` is false.
    """
    checked = statement.add_columns(
        sa.case((visible, 1), else_=0).label("scope_visible_"),
        sa.case((writable, 1), else_=0).label("scope_writable_"),
    )
    row = (await conn.execute(checked)).mappings().first()
    if row is None or not row["scope_visible_"]:
        raise DomainError(ErrorCode.NOT_FOUND, message("NOT_FOUND", noun=noun_of(noun)), field)
    if not row["scope_writable_"]:
        raise DomainError(ErrorCode.FORBIDDEN, forbidden, field)
    return {k: v for k, v in row.items() if k not in ("scope_visible_", "scope_writable_")}


async def fetch_row(
    conn: AsyncConnection,
    table: sa.Table,
    row_id: uuid.UUID,
    *,
    field: str,
    for_update: bool = False,
) -> dict[str, Any]:
    """A row that must exist; NOT_FOUND naming the input field otherwise.

    `for_update`: read it under the row lock its update takes (see `lock_row`), so what the
    caller reads (an audit's "before", derived state's inputs) is what it then changes.
    """
    query = sa.select(table).where(table.c.id == row_id)
    if for_update:
        query = query.with_for_update(key_share=True)
    row = (await conn.execute(query)).mappings().first()
    if row is None:
        raise DomainError(
            ErrorCode.NOT_FOUND, message("NOT_FOUND_ID", noun=noun_of(table.name)), field
        )
    return dict(row)


async def insert_unique(conn: AsyncConnection, table: sa.Table, row: Mapping[str, Any]) -> bool:
    """`INSERT … ON CONFLICT DO NOTHING`: whether the row went in.

    False when a unique index already holds its slot (migration 0008), committed or being
    written by a concurrent transaction (PostgreSQL waits for it to end). The caller turns
    that into DUPLICATE, or into an update of the row that holds the slot.
    """
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).values(**row).on_conflict_do_nothing().returning(table.c.id)
    return (await conn.execute(statement)).first() is not None


def _unique_violation(error: IntegrityError) -> bool:
    orig = error.orig
    return getattr(orig, "sqlstate", None) == "23505" or (
        getattr(orig, "sqlite_errorname", None)
        in {"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}
    )


@asynccontextmanager
async def unique_or(conn: AsyncConnection, error: DomainError) -> AsyncIterator[None]:
    """Writes that a unique index may refuse (an UPDATE has no ON CONFLICT): in a SAVEPOINT,
    so a unique violation undoes just them and becomes `error`; other writes are untouched.
    """
    try:
        async with conn.begin_nested():
            yield
    except IntegrityError as exc:
        if not _unique_violation(exc):
            raise
        raise error from exc


# Columns every update sets whatever it changes: they alone make no change (update_versioned).
BOOKKEEPING = frozenset({"updated_at"})


async def update_versioned(
    conn: AsyncConnection,
    table: sa.Table,
    row_id: uuid.UUID,
    values: Mapping[str, Any],
    *,
    expected_version: int | None,
    changed: bool | None = None,
) -> int:
    """Compare-and-set: bump `version` if it still equals `expected_version` (None: any).

    The check and the write are one UPDATE, so concurrent writers cannot both pass it.
    Returns the new version. A write that changes nothing writes nothing: unless `changed`
    says otherwise, the UPDATE applies only when a value other than BOOKKEEPING differs from
    the row's (`IS DISTINCT FROM`, so NULLs compare), and otherwise returns the current version
    unbumped (still VERSION_CONFLICT when `expected_version` is stale). `changed=True` bumps
    whatever the values (the caller changed rows the version stands for), `False` only checks.
    """
    values = folded_values(table.name, values)  # searchable forms of the text it sets
    condition = table.c.id == row_id
    if expected_version is not None:
        condition = sa.and_(condition, table.c.version == expected_version)
    differs = _differs(table, values) if changed is None else sa.true() if changed else None
    new_version = None
    if differs is not None:
        result = await conn.execute(
            table.update()
            .where(condition, differs)
            .values(**values, version=table.c.version + 1)
            .returning(table.c.version)
        )
        new_version = result.scalar()
    if new_version is None:
        exists = await conn.execute(sa.select(table.c.version).where(table.c.id == row_id))
        current = exists.scalar()
        if current is None:
            raise DomainError(
                ErrorCode.NOT_FOUND, message("NOT_FOUND_ID", noun=noun_of(table.name))
            )
        if expected_version is not None and current != expected_version:
            raise DomainError(
                ErrorCode.VERSION_CONFLICT,
                message(
                    "VERSION_CONFLICT",
                    noun=noun_of(table.name),
                    current=current,
                    expected=expected_version,
                ),
                "expectedVersion",
            )
        return int(current)  # nothing to change
    return int(new_version)


def _differs(table: sa.Table, values: Mapping[str, Any]) -> sa.ColumnElement[bool] | None:
    """Whether the row differs from `values` (bookkeeping aside); None: nothing to compare.

    JSON columns have no equality in PostgreSQL: a value for one always counts as a change.
    """
    terms = []
    for name, value in values.items():
        if name in BOOKKEEPING:
            continue
        column = table.c[name]
        if isinstance(column.type, sa.JSON):
            return sa.true()
        terms.append(column.is_distinct_from(sa.literal(value, column.type)))
    return sa.or_(*terms) if terms else None


async def audit(
    ctx: Context,
    conn: AsyncConnection,
    *,
    action: str,
    target_type: str,
    target_id: uuid.UUID | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    scope_unit: uuid.UUID | None = None,
) -> None:
    """Record an AuditEvent in the running unit of work (written with the write's traces)."""
    current_work(ctx).audit(
        action=action,
        target_type=target_type,
        target_id=target_id,
        before=before,
        after=after,
        scope_unit=scope_unit,
    )


async def run_mutation(
    ctx: Context, body: Callable[[AsyncConnection], Awaitable[R]]
) -> tuple[R | None, list[UserError]]:
    """Run a mutation's body in a unit of work; a DomainError undoes it and becomes errors.

    The unit of work (resolvers/unit_of_work.py) writes the body's audit events, change-log
    entries, maintained rollups and outbox events in the body's savepoint; a DomainError rolls
    all of it back and leaves no trace.
    """
    try:
        async with unit_of_work(ctx) as work:
            result = await body(work.conn)
    except DomainError as error:
        return None, [UserError.from_error(error, ctx.language)]
    return result, []
