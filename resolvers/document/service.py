"""Document and plan services: registering a 文件 and the plans it contains."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models import Document, Plan
from models.enums import DocumentKind, PlanField, PlanKind, ReportReviewPolicy, ViewerRole
from models.messages import message
from models.rules.names import normalize_doc_number
from models.rules.scope import can_edit_plan, document_visible, scope_for
from resolvers.document.label_stems import insert_plans
from resolvers.errors import DomainError, ErrorCode
from resolvers.service_context import ServiceContext as Context  # services take no GraphQL context
from resolvers.task.service import MAX_TEXT, check_date, check_text
from resolvers.writes import (
    audit,
    fetch_checked,
    fetch_row,
    in_write_scope,
    insert_unique,
    require_role,
)

document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]
plan_t: sa.Table = Plan.__table__  # type: ignore[attr-defined]


async def create_document(
    ctx: Context,
    conn: AsyncConnection,
    *,
    title: str,
    kind: DocumentKind,
    doc_number: str | None,
    issuer: uuid.UUID | None,
    issued_on: date | None,
    based_on: str | None,
    summary: str | None,
) -> dict[str, Any]:
    """A document issued by the viewer's unit or a unit under it."""
    viewer_unit = require_role(ctx, ViewerRole.COORDINATOR)
    check_text(title, "title", required=True, limit=500)
    check_text(doc_number, "docNumber", limit=100)
    check_text(based_on, "basedOn", limit=MAX_TEXT)
    check_text(summary, "summary", limit=MAX_TEXT)
    check_date(issued_on, "issuedOn")
    issuer = issuer or viewer_unit
    if not await in_write_scope(ctx, conn, issuer):
        raise DomainError(ErrorCode.NOT_FOUND, message("UNIT_NOT_IN_SCOPE"), "issuer")
    normalized = normalize_doc_number(doc_number) if doc_number else None
    document_id = uuid.uuid4()
    row: dict[str, Any] = {
        "id": document_id,
        "doc_number": doc_number.strip() if doc_number else None,
        "doc_number_normalized": normalized,
        "title": title.strip(),
        "kind": kind.value,
        "issuer_id": issuer,
        "issued_on": issued_on,
        "based_on": based_on,
        "summary": summary,
        "body": None,
        "attributes": {},
        "remarks": None,
        "created_at": ctx.now(),
        "updated_at": ctx.now(),
        "version": 1,
    }
    # One document per issuer and normalised 文号 (migration 0008): the index decides.
    if not await insert_unique(conn, document_t, row):
        raise DomainError(
            ErrorCode.DUPLICATE, message("DOC_NUMBER_TAKEN", doc_number=doc_number), "docNumber"
        )
    await audit(
        ctx,
        conn,
        action="createDocument",
        target_type="Document",
        target_id=document_id,
        after=row,
        scope_unit=issuer,
    )
    return row


async def create_plan(
    ctx: Context,
    conn: AsyncConnection,
    *,
    document_id: uuid.UUID,
    title: str,
    kind: PlanKind,
    field: PlanField,
    year: int | None,
    key: str | None,
    objectives: str | None,
    parent: uuid.UUID | None,
    report_review: ReportReviewPolicy = ReportReviewPolicy.NONE,
) -> dict[str, Any]:
    """A plan in a document the viewer's subtree issued (`report_review`: which reports of
    its tasks wait for review, models/rules/report_review.py)."""
    require_role(ctx, ViewerRole.COORDINATOR)
    document = await fetch_checked(
        conn,
        sa.select(document_t).where(document_t.c.id == document_id),
        visible=document_visible(scope_for(ctx.viewer), document_t.c.id),
        writable=can_edit_plan(ctx.viewer, document_t.c.issuer_id),
        field="document",
        noun="document",
        forbidden=message("FORBIDDEN_ADD_PLAN"),
    )
    check_text(title, "title", required=True, limit=500)
    check_text(objectives, "objectives", limit=MAX_TEXT)
    if year is not None and not 1990 <= year <= 2100:
        raise DomainError(ErrorCode.OUT_OF_RANGE, message("YEAR_1990_2100"), "year")
    if key is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", key):
        raise DomainError(ErrorCode.INVALID_INPUT, message("PLAN_KEY_FORMAT"), "key")
    if parent is not None:
        parent_row = await fetch_row(conn, plan_t, parent, field="parent")
        if parent_row["document_id"] != document_id:
            raise DomainError(ErrorCode.INVALID_INPUT, message("PARENT_OTHER_DOCUMENT"), "parent")
    seq = (
        int(
            (
                await conn.execute(
                    sa.select(sa.func.coalesce(sa.func.max(plan_t.c.seq), 0)).where(
                        plan_t.c.document_id == document_id
                    )
                )
            ).scalar()
            or 0
        )
        + 1
    )
    key = key or f"plan-{seq}"
    taken = await conn.execute(
        sa.select(plan_t.c.id).where(plan_t.c.document_id == document_id, plan_t.c.key == key)
    )
    if taken.first() is not None:
        raise DomainError(ErrorCode.DUPLICATE, message("PLAN_KEY_TAKEN", key=key), "key")
    plan_id = uuid.uuid4()
    row: dict[str, Any] = {
        "id": plan_id,
        "document_id": document_id,
        "parent_id": parent,
        "key": key,
        "title": title.strip(),
        "kind": kind.value,
        "field": field.value,
        "year": year,
        "seq": seq,
        "objectives": objectives,
        "source": None,
        "narrative": [],
        "report_review": report_review.value,
        "created_at": ctx.now(),
        "updated_at": ctx.now(),
        "version": 1,
    }
    # Its label stem (2023大气, or 2023城区大气 when another plan of the year, field and kind
    # holds that): allocated against the unique index, with the insert.
    (row,) = await insert_plans(conn, [row])
    await audit(
        ctx,
        conn,
        action="createPlan",
        target_type="Plan",
        target_id=plan_id,
        after=row,
        scope_unit=document["issuer_id"],
    )
    return row
