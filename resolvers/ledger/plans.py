"""Which plan a ledger goes into: by id, by 文号 (and plan key), or per row (文号, 方案).

A plan is importable by a viewer when it may edit the plan's tasks (models/rules/scope.py
can_edit_plan, the rule of createTask: the issuer or a unit above it; ADMIN anywhere); a plan
the viewer cannot see is NOT_FOUND, like one that does not exist.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models import Document, Plan
from models.messages import message
from models.rules.names import normalize_doc_number
from models.rules.scope import can_edit_plan, plan_visible, scope_for
from models.viewer import Viewer
from resolvers.errors import DomainError, ErrorCode
from resolvers.writes import fetch_checked

plan_t: sa.Table = Plan.__table__  # type: ignore[attr-defined]
document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class PlanRef:
    """The plan named by the caller; all None: each row names its own (文号, 方案)."""

    plan_id: uuid.UUID | None = None
    doc_number: str | None = None
    plan_key: str | None = None
    issuer_id: uuid.UUID | None = None  # picks the document when several share a 文号

    @property
    def given(self) -> bool:
        """Whether the caller named a plan."""
        return self.plan_id is not None or bool(self.doc_number)


@dataclass(frozen=True)
class PlanInfo:
    """A plan with what an import needs of its document."""

    id: uuid.UUID
    key: str
    title: str
    year: int | None
    document_id: uuid.UUID
    doc_number: str | None
    label: str  # prefix of task codes: the 文号, else the document id
    issuer_id: uuid.UUID  # names and group references are read from its government
    # The document's date: new tasks' history starts then (resolvers/task/history.py), and
    # group references and names resolve as of it (models/org_unit_tree.py).
    issued_on: date | None = None

    @property
    def ref(self) -> tuple[str, str] | None:
        """(normalised 文号, key), as rows name their plan."""
        if not self.doc_number:
            return None
        return normalize_doc_number(self.doc_number), self.key

    def named_by(self, plan_ref: tuple[str, str]) -> bool:
        """Whether a row's (normalised 文号, 方案) names this plan (方案: key or title)."""
        doc_number, plan = plan_ref
        return (
            self.doc_number is not None
            and doc_number == normalize_doc_number(self.doc_number)
            and plan in (self.key, self.title)
        )


def _info(plan: Any, document: Any) -> PlanInfo:
    return PlanInfo(
        id=plan["id"],
        key=plan["key"],
        title=plan["title"],
        year=plan["year"],
        document_id=document["id"],
        doc_number=document["doc_number"],
        label=document["doc_number"] or str(document["id"]),
        issuer_id=document["issuer_id"],
        issued_on=document["issued_on"],
    )


async def _documents(
    conn: AsyncConnection, doc_number: str, issuer_id: uuid.UUID | None, viewer: Viewer
) -> list[Any]:
    """Documents with this 文号 whose plans the viewer may import into (can_edit_plan)."""
    statement = sa.select(document_t).where(
        document_t.c.doc_number_normalized == normalize_doc_number(doc_number),
        can_edit_plan(viewer, document_t.c.issuer_id),
    )
    if issuer_id is not None:
        statement = statement.where(document_t.c.issuer_id == issuer_id)
    return list((await conn.execute(statement.order_by(document_t.c.id))).mappings().all())


async def find_plan(conn: AsyncConnection, ref: PlanRef, viewer: Viewer) -> PlanInfo:
    """The plan the caller named, importable by the viewer (models/rules/scope.py
    can_edit_plan); NOT_FOUND when invisible, FORBIDDEN when visible only, INVALID_INPUT."""
    if ref.plan_id is not None:
        plan = await fetch_checked(
            conn,
            sa.select(plan_t)
            .join(document_t, document_t.c.id == plan_t.c.document_id)
            .where(plan_t.c.id == ref.plan_id),
            visible=plan_visible(scope_for(viewer), plan_t.c.id),
            writable=can_edit_plan(viewer, document_t.c.issuer_id),
            field="plan",
            noun="plan",
            forbidden=message("FORBIDDEN_IMPORT_LEDGER"),
        )
        document = (
            (
                await conn.execute(
                    sa.select(document_t).where(document_t.c.id == plan["document_id"])
                )
            )
            .mappings()
            .one()
        )
        return _info(plan, document)
    assert ref.doc_number
    documents = await _documents(conn, ref.doc_number, ref.issuer_id, viewer)
    if not documents:
        raise DomainError(
            ErrorCode.NOT_FOUND,
            message("DOCUMENT_NOT_IN_SCOPE", doc_number=ref.doc_number),
            "docNumber",
        )
    if len(documents) > 1:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            message("DOCUMENT_NUMBER_SHARED", count=len(documents), doc_number=ref.doc_number),
            "issuer",
        )
    (document,) = documents
    plans = (
        (
            await conn.execute(
                sa.select(plan_t)
                .where(plan_t.c.document_id == document["id"])
                .order_by(plan_t.c.seq, plan_t.c.id)
            )
        )
        .mappings()
        .all()
    )
    if ref.plan_key:
        # 方案 names the plan by its key or, as exports write it, its title.
        plans = [plan for plan in plans if ref.plan_key in (plan["key"], plan["title"])]
        if not plans:
            raise DomainError(
                ErrorCode.NOT_FOUND,
                message("DOCUMENT_HAS_NO_PLAN", doc_number=ref.doc_number, key=ref.plan_key),
                "planKey",
            )
    if len(plans) != 1:
        keys = ", ".join(plan["key"] for plan in plans) or "none"
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            message("DOCUMENT_SEVERAL_PLANS", doc_number=ref.doc_number, keys=keys),
            "planKey",
        )
    return _info(plans[0], document)


class PlanFinder:
    """Plans named per row by (文号, 方案), looked up once each; None when not importable."""

    def __init__(self, conn: AsyncConnection, viewer: Viewer, issuer_id: uuid.UUID | None):
        self.conn, self.viewer, self.issuer_id = conn, viewer, issuer_id
        self._found: dict[tuple[str, str], PlanInfo | None] = {}

    async def get(self, doc_number: str, key: str) -> PlanInfo | None:
        """The plan of a row, or None (unknown, ambiguous or outside the viewer's scope)."""
        ref = (normalize_doc_number(doc_number), key)
        if ref not in self._found:
            try:
                found: PlanInfo | None = await find_plan(
                    self.conn,
                    PlanRef(doc_number=doc_number, plan_key=key, issuer_id=self.issuer_id),
                    self.viewer,
                )
            except DomainError:
                found = None
            self._found[ref] = found
        return self._found[ref]
