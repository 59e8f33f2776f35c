"""签收: signFor (the assigned unit signs for its share of a task or of a rectification item)
and the issuer's lists of shares nobody signed for: unsignedAssignments (task shares) and
unsignedShares (task and rectification shares together, late ones by default).

The rule (sign-by day, calendar days, per-plan `sign_within_days`, INSPECTION_DAYS for
rectification shares) is models/rules/signing.py; who signs: models/rules/scope.py
can_sign_for (the share's unit itself, REPORTER or higher). Signing is one conditional UPDATE
(`WHERE acknowledged_at IS NULL`): signing again, or after a concurrent signer, changes
nothing and answers with the share as signed. It does not bump the share's version (a report
or a move based on it stays valid); it goes through the write pipeline: audit `signFor`
(outbox `assignment.acknowledged`, target type Assignment or RectificationShare), a
change-log entry of the task or the rectification item.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from models import Assignment as AssignmentModel
from models import Document, Inspection, Plan, Rectification, RectificationAssignment, Task
from models.enums import ViewerRole
from models.messages import message
from models.rules import signing
from models.rules.scope import can_sign_for, scope_for, share_visible, visibility
from models.rules.signing import share_assigned_at, unsigned_late
from resolvers.common import Connection, Info, paginate
from resolvers.errors import DomainError, ErrorCode, UserError
from resolvers.events import rectification_changed, task_changed
from resolvers.extension.queries import UnitParty, party_filter
from resolvers.inspection.types import RectificationShare
from resolvers.service_context import ServiceContext
from resolvers.task.mutations import input_id
from resolvers.task.types import Assignment
from resolvers.writes import audit, fetch_checked, require_role, run_mutation

assignment_t: sa.Table = AssignmentModel.__table__  # type: ignore[attr-defined]
task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
plan_t: sa.Table = Plan.__table__  # type: ignore[attr-defined]
document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]
rect_t: sa.Table = Rectification.__table__  # type: ignore[attr-defined]
share_t: sa.Table = RectificationAssignment.__table__  # type: ignore[attr-defined]
inspection_t: sa.Table = Inspection.__table__  # type: ignore[attr-defined]


async def _sign(
    ctx: ServiceContext, conn: AsyncConnection, table: sa.Table, share: dict[str, Any]
) -> dict[str, Any] | None:
    """The conditional UPDATE: the row as signed now, or None when it was signed already."""
    result = await conn.execute(
        table.update()
        .where(table.c.id == share["id"], table.c.acknowledged_at.is_(None))
        .values(acknowledged_at=ctx.now(), acknowledged_by=ctx.viewer.subject)
        .returning(*table.c)
    )
    updated = result.mappings().first()
    return dict(updated) if updated is not None else None


async def _sign_for(
    ctx: ServiceContext,
    conn: AsyncConnection,
    table: sa.Table,
    share: dict[str, Any],
    *,
    target_type: str,
    parent: str,
    changed: Callable[[ServiceContext, uuid.UUID], None],
) -> dict[str, Any]:
    """Sign for `share` (a row of `table`) and record it: audit `signFor` naming the share's
    `parent` (task_id, rectification_id), then `changed` of that parent. Signed already (or by
    a concurrent signer): the share as it is, nothing recorded."""
    updated = await _sign(ctx, conn, table, share)
    if updated is None:
        now = await conn.execute(sa.select(table).where(table.c.id == share["id"]))
        return dict(now.mappings().one())
    await audit(
        ctx,
        conn,
        action="signFor",
        target_type=target_type,
        target_id=share["id"],
        before={"acknowledged_at": None},
        after={"acknowledged_at": updated["acknowledged_at"], parent: share[parent]},
        scope_unit=share["org_unit_id"],
    )
    changed(ctx, share[parent])
    return updated


async def sign_for(
    ctx: ServiceContext, conn: AsyncConnection, *, assignment_id: uuid.UUID
) -> dict[str, Any]:
    """签收 of a task share: the share's unit signs for it (REPORTER or higher); again is a
    no-op."""
    require_role(ctx, ViewerRole.REPORTER)
    share = await fetch_checked(
        conn,
        sa.select(assignment_t).where(assignment_t.c.id == assignment_id),
        visible=share_visible(scope_for(ctx.viewer), assignment_t.c.id),
        writable=can_sign_for(ctx.viewer, assignment_t.c.org_unit_id),
        field="assignment",
        noun="assignment",
        forbidden=message("FORBIDDEN_SIGN_FOR"),
    )
    return await _sign_for(
        ctx,
        conn,
        assignment_t,
        share,
        target_type="Assignment",
        parent="task_id",
        changed=task_changed,
    )


async def sign_for_share(
    ctx: ServiceContext, conn: AsyncConnection, *, share_id: uuid.UUID
) -> dict[str, Any]:
    """签收 of a rectification share: the responsible unit itself signs for its share of the
    item (REPORTER or higher); again is a no-op. NOT_FOUND unless the viewer sees the share
    (the item and the unit: scope.py row_condition), FORBIDDEN for anyone but the unit."""
    require_role(ctx, ViewerRole.REPORTER)
    share = await fetch_checked(
        conn,
        sa.select(share_t).where(share_t.c.id == share_id),
        visible=visibility(scope_for(ctx.viewer), share_t),
        writable=can_sign_for(ctx.viewer, share_t.c.org_unit_id),
        field="share",
        noun="rectification_assignment",
        forbidden=message("FORBIDDEN_SIGN_FOR"),
    )
    return await _sign_for(
        ctx,
        conn,
        share_t,
        share,
        target_type="RectificationShare",
        parent="rectification_id",
        changed=rectification_changed,
    )


@strawberry.type(description="Result of signFor.")
class SignForPayload:
    assignment: Assignment | None = strawberry.field(
        description="The task share, signed for (null when a rectification share was named)."
    )
    share: RectificationShare | None = strawberry.field(
        description="The rectification share (整改责任单位的份额), signed for."
    )
    errors: list[UserError] = strawberry.field(description="Why it was refused, if it was.")


@strawberry.type
class SigningMutation:
    @strawberry.mutation(
        description=(
            "签收: the assigned unit signs for its share of a task (`assignment`) or of a"
            " rectification item (`share`: RectificationShare.id); name exactly one. REPORTER"
            " of that unit itself. Again, or after a concurrent signer, is a no-op."
        )
    )
    async def sign_for(
        self,
        info: Info,
        assignment: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The unit's share of a task (Assignment id)."),
        ] = None,
        share: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The unit's share of a rectification item (RectificationShare id)."
            ),
        ] = None,
    ) -> SignForPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> SignForPayload:
            if (assignment is None) == (share is None):
                raise DomainError(ErrorCode.INVALID_INPUT, message("SIGN_FOR_ONE"), "assignment")
            if share is not None:
                row = await sign_for_share(
                    ctx, conn, share_id=input_id(share, "RectificationShare", "share")
                )
                return SignForPayload(
                    assignment=None, share=RectificationShare.from_row(row), errors=[]
                )
            assert assignment is not None
            row = await sign_for(
                ctx, conn, assignment_id=input_id(assignment, "Assignment", "assignment")
            )
            return SignForPayload(assignment=Assignment.from_row(row), share=None, errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or SignForPayload(assignment=None, share=None, errors=errors)


@strawberry.enum(description="What a unit signs for (签收): a share of a task or of an item.")
class SignableKind(Enum):
    TASK = strawberry.enum_value("TASK", description="A unit's share of a task (Assignment).")
    RECTIFICATION = strawberry.enum_value(
        "RECTIFICATION",
        description="A responsible unit's share of a rectification item (RectificationShare).",
    )


SignableShare = Annotated[
    Assignment | RectificationShare,
    strawberry.union(
        "SignableShare",
        description="A share a unit signs for (签收): of a task, or of a rectification item.",
    ),
]


def _task_days() -> sa.ScalarSelect[Any]:
    return (
        sa.select(plan_t.c.sign_within_days)
        .where(plan_t.c.id == task_t.c.plan_id)
        .scalar_subquery()
    )


def _task_shares(info: Info, late: bool, issued_by: UnitParty | None) -> sa.Select[Any]:
    """Unsigned task shares the viewer sees (late ones only with `late`)."""
    ctx = info.context
    a = assignment_t
    statement = (
        sa.select(a)
        .select_from(a.join(task_t, task_t.c.id == a.c.task_id))
        .where(a.c.acknowledged_at.is_(None), share_visible(ctx.scope, a.c.id))
    )
    if late:
        statement = statement.where(
            unsigned_late(a.c.acknowledged_at, a.c.created_at, _task_days(), ctx.today())
        )
    if issued_by is not None:
        issuer = (
            sa.select(document_t.c.issuer_id)
            .where(document_t.c.id == task_t.c.document_id)
            .scalar_subquery()
        )
        statement = statement.where(party_filter(issuer, issued_by, ctx.viewer.unit_id))
    return statement


def _rectification_shares(info: Info, late: bool, issued_by: UnitParty | None) -> sa.Select[Any]:
    """Unsigned rectification shares the viewer sees (late ones only with `late`)."""
    ctx = info.context
    ra, r = share_t, rect_t
    assigned = share_assigned_at(ra, r)
    statement = (
        sa.select(ra, assigned.label("signing_from"))
        .select_from(ra.join(r, r.c.id == ra.c.rectification_id))
        .where(ra.c.acknowledged_at.is_(None), visibility(ctx.scope, ra))
    )
    if late:
        statement = statement.where(
            unsigned_late(ra.c.acknowledged_at, assigned, signing.INSPECTION_DAYS, ctx.today())
        )
    if issued_by is not None:
        issuer = signing.rectification_issuer(r, document_t, inspection_t)
        statement = statement.where(party_filter(issuer, issued_by, ctx.viewer.unit_id))
    return statement


@strawberry.type
class SigningQuery:
    @strawberry.field(
        description=(
            "Task shares (assignments) nobody has signed for (签收), oldest first: `late: true`"
            " (the default) only those past their sign-by day (assigned day + the plan's"
            " signWithinDays, calendar days) as of today; `issuedBy: ME | MY_SUBTREE` only"
            " tasks the viewer's unit (or its subtree) issued: the issuer's list."
            " unsignedShares lists rectification shares too."
        )
    )
    async def unsigned_assignments(
        self,
        info: Info,
        late: bool = True,
        issued_by: UnitParty | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Assignment]:
        statement = _task_shares(info, late, issued_by)
        a = assignment_t
        return await paginate(
            info, statement, [a.c.created_at, a.c.id], Assignment.from_row, first=first, after=after
        )

    @strawberry.field(
        description=(
            "Shares nobody has signed for (签收) — of tasks (Assignment) and of rectification"
            " items (RectificationShare) together — oldest assignment first. `late: true` (the"
            " default): only those past their sign-by day as of today (a task's: the plan's"
            " signWithinDays; an item's: 3 calendar days); `issuedBy: ME | MY_SUBTREE`: only"
            " work the viewer's unit (or its subtree) issued (a task's document; an item's"
            " 整改方案, else its inspection's document); `kinds`: default both."
        )
    )
    async def unsigned_shares(
        self,
        info: Info,
        late: bool = True,
        issued_by: UnitParty | None = None,
        kinds: Annotated[
            list[SignableKind] | None,
            strawberry.argument(description="Only these kinds of share; default: both."),
        ] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[SignableShare]:
        wanted = set(kinds) if kinds else set(SignableKind)
        parts: list[sa.Select[Any]] = []
        if SignableKind.TASK in wanted:
            tasks = _task_shares(info, late, issued_by).subquery("unsigned_task")
            parts.append(
                sa.select(
                    sa.literal_column("'TASK'", sa.String).label("kind"),
                    tasks.c.id,
                    tasks.c.created_at.label("assigned_at"),
                )
            )
        if SignableKind.RECTIFICATION in wanted:
            items = _rectification_shares(info, late, issued_by).subquery("unsigned_item")
            parts.append(
                sa.select(
                    sa.literal_column("'RECTIFICATION'", sa.String).label("kind"),
                    items.c.id,
                    items.c.signing_from.label("assigned_at"),
                )
            )
        both = (sa.union_all(*parts) if len(parts) > 1 else parts[0]).subquery("unsigned")
        page = await paginate(
            info,
            sa.select(both),
            [both.c.assigned_at, both.c.id],
            lambda row: (row["kind"], row["id"]),
            first=first,
            after=after,
        )
        # The page's rows, one statement per kind (never per row).
        keys = [edge.node for edge in page.edges]
        task_ids = [i for kind, i in keys if kind == SignableKind.TASK.value]
        share_ids = [i for kind, i in keys if kind == SignableKind.RECTIFICATION.value]
        db = info.context.db
        rows: dict[Any, Any] = {}
        if task_ids:
            found = await db.fetch_all(
                sa.select(assignment_t).where(assignment_t.c.id.in_(task_ids))
            )
            rows |= {r["id"]: Assignment.from_row(r) for r in found}
        if share_ids:
            found = await db.fetch_all(sa.select(share_t).where(share_t.c.id.in_(share_ids)))
            rows |= {r["id"]: RectificationShare.from_row(r) for r in found}
        for edge in page.edges:
            edge.node = rows[edge.node[1]]
        return page  # type: ignore[return-value]
