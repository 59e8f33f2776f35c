"""`govgraph document create` and `govgraph plan create`: a new document from the command line.

The path for a document the database does not hold yet: create the document, add its plan,
then `govgraph import-ledger --doc-number … --plan-key …`. Both commands run the
createDocument / createPlan services through run_mutation (the write pipeline: the same
checks, audit, change log and outbox as the mutations), acting as the system (ADMIN of the
tree holding the issuer) or, with `--as-unit NAME`, as a COORDINATOR of that unit. Names
match canonical names, aliases and full official forms (晋城市城区人民政府). Exit status: 0
created, 2 refused (nothing written).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from api.cli_ledger import CommandError, _day, _notify, _root_of, _unit, _url
from api.db import create_engine
from models import Document, Plan
from models.enums import DocumentKind, PlanField, PlanKind, ViewerRole
from models.messages import message
from models.rules.labels import task_label
from models.rules.names import normalize_doc_number
from models.viewer import Viewer
from resolvers.database import Database
from resolvers.document import service
from resolvers.errors import DomainError, ErrorCode
from resolvers.ids import encode_global_id
from resolvers.service_context import ServiceContext
from resolvers.writes import run_mutation

document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]
plan_t: sa.Table = Plan.__table__  # type: ignore[attr-defined]

T = TypeVar("T")


async def _viewer(conn: AsyncConnection, args: argparse.Namespace, issuer: uuid.UUID) -> Viewer:
    """COORDINATOR of `--as-unit`, else the system: ADMIN of the issuer's tree."""
    command = f"govgraph {args.command} create"
    if args.as_unit:
        unit = await _unit(conn, args.as_unit)
        return Viewer(
            subject=f"{command} as {unit['name']}",
            unit_id=unit["id"],
            role=ViewerRole.COORDINATOR,
        )
    return Viewer(subject=command, unit_id=await _root_of(conn, issuer), role=ViewerRole.ADMIN)


async def _write(
    args: argparse.Namespace,
    issuer_of: Callable[[AsyncConnection], Awaitable[uuid.UUID]],
    write: Callable[[ServiceContext, AsyncConnection], Awaitable[T]],
) -> T:
    """Run one service call in the write pipeline; CommandError when it is refused."""
    engine = create_engine(_url(args))
    try:
        db = Database(engine)
        conn = await db.connection()
        try:
            viewer = await _viewer(conn, args, await issuer_of(conn))
        except CommandError:
            await db.close(commit=False)
            raise
        ctx = ServiceContext(db=db, request_id=f"cli-{uuid.uuid4().hex[:12]}", viewer=viewer)

        async def body(connection: AsyncConnection) -> T:
            return await write(ctx, connection)

        result, errors = await run_mutation(ctx, body)
        if result is not None:
            await _notify(engine, conn, ctx)  # live subscribers elsewhere, as the server does
        await db.close(commit=result is not None)
        if result is None:
            raise CommandError(
                "; ".join(f"{e.field or 'input'}: {e.code.value}: {e.message}" for e in errors)
            )
        return result
    finally:
        await engine.dispose()


async def _create_document(args: argparse.Namespace) -> dict[str, Any]:
    issuer: dict[str, Any] = {}

    async def issuer_of(conn: AsyncConnection) -> uuid.UUID:
        issuer.update(await _unit(conn, args.issuer))
        found: uuid.UUID = issuer["id"]
        return found

    async def write(ctx: ServiceContext, conn: AsyncConnection) -> dict[str, Any]:
        return await service.create_document(
            ctx,
            conn,
            title=args.title,
            kind=DocumentKind(args.kind),
            doc_number=args.doc_number,
            issuer=issuer["id"],
            issued_on=args.issued_on,
            based_on=args.based_on,
            summary=args.summary,
        )

    row = await _write(args, issuer_of, write)
    return row | {"issuer_name": issuer["name"]}


async def _document_of(conn: AsyncConnection, args: argparse.Namespace) -> dict[str, Any]:
    """The document `--doc-number` (and `--issuer`, when several share the 文号) names."""
    stmt = sa.select(document_t).where(
        document_t.c.doc_number_normalized == normalize_doc_number(args.doc_number)
    )
    if args.issuer:
        stmt = stmt.where(document_t.c.issuer_id == (await _unit(conn, args.issuer))["id"])
    rows = (await conn.execute(stmt.limit(2))).mappings().all()
    if not rows:
        raise CommandError(f"no document {args.doc_number}: create it with `document create`")
    if len(rows) > 1:
        raise CommandError(f"several documents are {args.doc_number}: give --issuer")
    return dict(rows[0])


async def _create_plan(args: argparse.Namespace) -> dict[str, Any]:
    document: dict[str, Any] = {}

    async def issuer_of(conn: AsyncConnection) -> uuid.UUID:
        document.update(await _document_of(conn, args))
        if document["issuer_id"] is None:
            raise CommandError(f"{args.doc_number} has no issuer: give --as-unit")
        found: uuid.UUID = document["issuer_id"]
        return found

    async def write(ctx: ServiceContext, conn: AsyncConnection) -> dict[str, Any]:
        parent = None
        if args.parent_key:
            parent = (
                await conn.execute(
                    sa.select(plan_t.c.id).where(
                        plan_t.c.document_id == document["id"], plan_t.c.key == args.parent_key
                    )
                )
            ).scalar()
            if parent is None:
                raise DomainError(
                    ErrorCode.NOT_FOUND,
                    message("PLAN_NOT_IN_DOCUMENT", key=args.parent_key),
                    "parentKey",
                )
        return await service.create_plan(
            ctx,
            conn,
            document_id=document["id"],
            title=args.title,
            kind=PlanKind(args.kind),
            field=PlanField(args.field),
            year=args.year,
            key=args.key,
            objectives=args.objectives,
            parent=parent,
        )

    row = await _write(args, issuer_of, write)
    return row | {"doc_number": document["doc_number"]}


def cmd_document(args: argparse.Namespace) -> int:
    """Register a document."""
    try:
        row = asyncio.run(_create_document(args))
    except CommandError as exc:
        print(f"govgraph document create: {exc}", file=sys.stderr)
        return 2
    print(
        f"document {encode_global_id('Document', row['id'])} "
        f"{row['doc_number'] or '(no 文号)'} issued by {row['issuer_name']}"
        f"{' on ' + row['issued_on'].isoformat() if row['issued_on'] else ''}: {row['title']}"
    )
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    """Add a plan to a document."""
    try:
        row = asyncio.run(_create_plan(args))
    except CommandError as exc:
        print(f"govgraph plan create: {exc}", file=sys.stderr)
        return 2
    first = task_label(row["label_stem"], PlanKind(row["kind"]), "1")
    print(
        f"plan {encode_global_id('Plan', row['id'])} {row['doc_number']} {row['key']}: "
        f"{row['title']} (its tasks' labels: {first} …)"
    )
    return 0


def add_document_commands(sub: Any) -> None:
    """Register `document create` and `plan create`."""
    document = sub.add_parser("document", help="source documents (文件)")
    actions = document.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="register a document (then `plan create`)")
    create.add_argument("--title", required=True)
    create.add_argument("--issuer", required=True, help="issuing unit (name, alias, full form)")
    create.add_argument("--issued-on", type=_day, default=None, help="date of issue, YYYY-MM-DD")
    create.add_argument("--doc-number", default=None, help="文号, e.g. 城政办发〔2024〕8号")
    create.add_argument("--kind", choices=[k.value for k in DocumentKind], default="NOTICE")
    create.add_argument("--based-on", default=None, help="the superior document it implements")
    create.add_argument("--summary", default=None)
    create.add_argument("--as-unit", help="act as a COORDINATOR of this unit (default: system)")
    create.add_argument("--database-url", default=None)
    create.set_defaults(func=cmd_document)

    plan = sub.add_parser("plan", help="plans inside a document (行动计划, 重点工程)")
    plan_actions = plan.add_subparsers(dest="action", required=True)
    new = plan_actions.add_parser("create", help="add a plan to a document (then import-ledger)")
    new.add_argument("--doc-number", required=True, help="文号 of the document")
    new.add_argument("--issuer", help="issuing unit, when several documents share the 文号")
    new.add_argument("--title", required=True)
    new.add_argument("--field", choices=[f.value for f in PlanField], required=True)
    new.add_argument("--kind", choices=[k.value for k in PlanKind], default="ACTION_PLAN")
    new.add_argument("--year", type=int, default=None, help="year the plan covers")
    new.add_argument("--key", default=None, help="short key for task codes and --plan-key")
    new.add_argument("--objectives", default=None, help="主要目标")
    new.add_argument("--parent-key", default=None, help="the plan this one is an annex of")
    new.add_argument("--as-unit", help="act as a COORDINATOR of this unit (default: system)")
    new.add_argument("--database-url", default=None)
    new.set_defaults(func=cmd_plan)
