"""Downloads: /export/ledger.xlsx, /export/ledger.csv, /export/snapshot.json and the 通报
for meetings, /export/briefing.xlsx and /export/briefing.html (api/briefing.py).

Authenticated like /graphql (bearer token or API key; the anonymous demo viewer where the
settings allow it) and scoped by the viewer. Query parameters:

- `unit`: a global id or a unit name/alias (default: the viewer's unit);
- ledger only: `plan` (global id), `docNumber` (文号), `role` (ANY, the default, or LEAD);
- ledger and briefing: `asOf` (YYYY-MM-DD, default today).

A parameter holding a character text may not hold (models/rules/text.py: NUL, control
characters, lone surrogates) is 400 naming the parameter, before anything is looked up.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import orjson
import sqlalchemy as sa
from cross_web import HTTPException
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from api import briefing, errors
from api.context import RequestContext
from api.replicas import read_token
from models import OrgUnit
from models.enums import RoleScope
from models.messages import Text, message
from models.rules import calendar
from models.rules.text import describe_invalid
from resolvers.changes.snapshot import snapshot_chunks
from resolvers.common import decode_global_id
from resolvers.database import apply_rls_scope
from resolvers.errors import RequestErrorCode as Code
from resolvers.ids import encode_global_id
from resolvers.ledger.export import ExportQuery, csv_chunks, ledger_rows, write_xlsx
from resolvers.org_unit.queries import name_match_statement
from resolvers.scope import Scope, in_subtree, unit_visible

if TYPE_CHECKING:
    from api.app import GovGraphQL

unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPOOL_BYTES = 8 * 1024 * 1024
READ_BYTES = 64 * 1024


logger = logging.getLogger("govgraph")

_CODES = {
    400: Code.BAD_USER_INPUT,
    401: Code.UNAUTHENTICATED,
    403: Code.FORBIDDEN,
    404: Code.NOT_FOUND,
    500: Code.INTERNAL_ERROR,
}


def refused(request: Request, status: int, text: Text) -> Response:
    """An export refused: the error boundary's JSON body (api/errors.py), code and request
    id, like every other refusal, the message in the request's language."""
    code = _CODES.get(status, Code.BAD_REQUEST)
    body = errors.error_body(text, code, errors.request_id(request), errors.language(request))
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


class ExportError(Exception):
    """A bad request: status and message."""

    def __init__(self, status: int, text: Text) -> None:
        super().__init__(str(text))
        self.status, self.message = status, text


async def find_unit(ctx: RequestContext, text: str | None, *, subtree_only: bool) -> dict[str, Any]:
    """The unit a parameter names (global id or name), as the viewer may see it; 404 else."""

    scope = ctx.scope
    visible = in_subtree(scope, unit_t.c.id) if subtree_only else unit_visible(scope, unit_t.c.id)
    if not text:
        if ctx.viewer.unit_id is None:
            raise ExportError(400, message("EXPORT_NAME_UNIT"))
        statement = sa.select(unit_t).where(unit_t.c.id == ctx.viewer.unit_id)
    else:
        try:
            statement = sa.select(unit_t).where(unit_t.c.id == decode_global_id(text, "OrgUnit"))
        except ValueError:
            statement = name_match_statement(text)
    row = await ctx.db.fetch_one(statement.where(visible).limit(1))
    if row is None:
        raise ExportError(404, message("EXPORT_NO_UNIT"))
    return dict(row)


def check_parameters(request: Request) -> None:
    """ExportError (400) naming the first query parameter with a character text may not
    hold: PostgreSQL would refuse it mid-query, SQLite would look it up as it is."""
    for name, value in request.query_params.multi_items():
        for text, what in ((name, "PARAMETER_NAME"), (value, "PARAMETER_VALUE")):
            reason = describe_invalid(text)
            if reason is not None:
                raise ExportError(
                    400,
                    message(
                        "EXPORT_PARAMETER", name=ascii(name), what=message(what), reason=reason
                    ),
                )


def _attachment(name: str) -> str:
    return (
        f"attachment; filename=\"export{name[name.rfind('.') :]}\"; filename*=UTF-8''{quote(name)}"
    )


def _spooled_xlsx(spool: tempfile.SpooledTemporaryFile[bytes], name: str) -> StreamingResponse:
    """The workbook written to `spool`, streamed from its start as attachment `name`; the
    stream closes the spool when it ends."""
    spool.seek(0)

    def read() -> Iterator[bytes]:
        try:
            while chunk := spool.read(READ_BYTES):
                yield chunk
        finally:
            spool.close()

    return StreamingResponse(
        read(), media_type=XLSX, headers={"content-disposition": _attachment(name)}
    )


def routes(graphql: GovGraphQL) -> list[Route]:
    """The download routes, sharing /graphql's authentication and engine."""

    async def context(request: Request) -> RequestContext:
        ctx = await graphql.get_context(request, None)
        return ctx

    async def read_engine(request: Request) -> AsyncEngine:
        """The engine an export reads from: a read replica's when configured and fit
        (api/replicas.py, honouring the request's read-your-writes token), else the primary's."""
        assert graphql.engine is not None
        if graphql.reads is None:
            return graphql.engine
        return await graphql.reads.read_engine(read_token(request))

    async def ledger_query(ctx: RequestContext, request: Request) -> tuple[ExportQuery, str]:
        params = request.query_params
        unit = await find_unit(ctx, params.get("unit"), subtree_only=False)
        plan_id = None
        if params.get("plan"):
            try:
                plan_id = decode_global_id(params["plan"], "Plan")
            except ValueError as exc:
                raise ExportError(404, message("EXPORT_NO_PLAN")) from exc
        role_text = params.get("role", RoleScope.ANY.value).upper()
        if role_text not in (RoleScope.ANY.value, RoleScope.LEAD.value):
            raise ExportError(400, message("EXPORT_ROLE"))
        as_of = ctx.today()
        if params.get("asOf"):
            try:
                as_of = calendar.parse_date(params["asOf"])
            except calendar.DateOutOfRange as exc:
                raise ExportError(400, message("EXPORT_AS_OF", detail=exc.text)) from exc
        query = ExportQuery(
            unit_id=unit["id"],
            as_of=as_of,
            plan_id=plan_id,
            doc_number=params.get("docNumber"),
            role=RoleScope(role_text),
        )
        return query, f"{unit['name']}台账"

    async def guarded(request: Request, handler: Any) -> Response:
        try:
            check_parameters(request)
        except ExportError as exc:
            return refused(request, exc.status, exc.message)
        try:
            ctx = await context(request)
        except HTTPException as exc:
            return refused(request, exc.status_code, getattr(exc, "text", exc.reason))
        try:
            await ctx.db.read_from(graphql.reads, read_token(request))  # exports only read
            response: Response = await handler(ctx, request)
            return response
        except ExportError as exc:
            return refused(request, exc.status, exc.message)
        except Exception:  # a bug: logged in full, the client gets the request id only
            rid = errors.request_id(request)
            logger.exception("request %s: export failed", rid)
            return refused(request, 500, message("INTERNAL_ERROR", request_id=rid))
        finally:
            await ctx.db.close()

    async def ledger_csv(request: Request) -> Response:
        async def handle(ctx: RequestContext, request: Request) -> Response:
            query, name = await ledger_query(ctx, request)
            scope, rls = ctx.scope, ctx.db.rls_scope
            engine = await read_engine(request)

            async def body() -> AsyncIterator[bytes]:
                async with engine.connect() as conn, conn.begin():
                    await apply_rls_scope(conn, rls)  # GOVGRAPH_RLS=1: the database's wall too
                    async for chunk in csv_chunks(ledger_rows(conn, scope, query)):
                        yield chunk

            return StreamingResponse(
                body(),
                media_type="text/csv; charset=utf-8",
                headers={"content-disposition": _attachment(f"{name}.csv")},
            )

        return await guarded(request, handle)

    async def ledger_xlsx(request: Request) -> Response:
        async def handle(ctx: RequestContext, request: Request) -> Response:
            query, name = await ledger_query(ctx, request)
            engine = await read_engine(request)
            # The workbook is complete only at its end (a zip): spool it, then stream it.
            spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
            try:
                async with engine.connect() as conn, conn.begin():
                    await apply_rls_scope(conn, ctx.db.rls_scope)
                    await write_xlsx(ledger_rows(conn, ctx.scope, query), spool)
            except BaseException:
                spool.close()
                raise
            return _spooled_xlsx(spool, f"{name}.xlsx")

        return await guarded(request, handle)

    async def snapshot(request: Request) -> Response:
        async def handle(ctx: RequestContext, request: Request) -> Response:
            unit = await find_unit(ctx, request.query_params.get("unit"), subtree_only=True)
            scope = Scope(root=unit["id"], disclosure=ctx.scope.disclosure)
            engine = await read_engine(request)
            return StreamingResponse(
                snapshot_chunks(engine, scope, unit, rls_scope=ctx.db.rls_scope),
                media_type="application/json",
                headers={"content-disposition": _attachment(f"{unit['name']}.json")},
            )

        return await guarded(request, handle)

    async def gather_briefing(ctx: RequestContext, request: Request) -> briefing.Briefing:
        """The 通报's data, from GraphQL operations run with the caller's context."""
        from api.schema import schema  # the schema imports this module's app: late

        unit = await find_unit(ctx, request.query_params.get("unit"), subtree_only=False)
        as_of = ctx.today()
        if request.query_params.get("asOf"):
            try:
                as_of = calendar.parse_date(request.query_params["asOf"])
            except ValueError as exc:
                raise ExportError(400, f"asOf: {exc}") from exc
        await ctx.db.close()  # one connection at a time: each operation opens its own

        async def execute(query: str, variables: dict[str, Any]) -> dict[str, Any]:
            # A context per operation, as each request gets: its database handle closes
            # with the operation (api/extensions.py DatabaseLifecycle).
            own = await context(request)
            own.persisted = None  # the server's own operations, not a client's: never refused
            try:
                result = await schema.execute(query, variable_values=variables, context_value=own)
            finally:
                await own.db.close()
            if result.errors:
                code = (result.errors[0].extensions or {}).get("code")
                status = {"NOT_FOUND": 404, "FORBIDDEN": 403, "BAD_USER_INPUT": 400}.get(
                    str(code), 500
                )
                raise ExportError(status, result.errors[0].message)
            assert result.data is not None
            # The compiled path answers an HTTP request's operation with its JSON text
            # (orjson.Fragment, api/compiled.py), written into a response as is: read it.
            data: dict[str, Any] = orjson.loads(orjson.dumps(result.data))
            return data

        try:
            return await briefing.gather(execute, encode_global_id("OrgUnit", unit["id"]), as_of)
        except briefing.BriefingError as exc:
            raise ExportError(exc.status, exc.message) from exc

    async def briefing_xlsx(request: Request) -> Response:
        async def handle(ctx: RequestContext, request: Request) -> Response:
            data = await gather_briefing(ctx, request)
            spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
            briefing.write_xlsx(data, spool)
            return _spooled_xlsx(spool, f"{data.unit['name']}通报{data.as_of.isoformat()}.xlsx")

        return await guarded(request, handle)

    async def briefing_html(request: Request) -> Response:
        async def handle(ctx: RequestContext, request: Request) -> Response:
            data = await gather_briefing(ctx, request)
            return Response(briefing.render_html(data), media_type="text/html; charset=utf-8")

        return await guarded(request, handle)

    return [
        Route("/export/briefing.xlsx", briefing_xlsx, methods=["GET"]),
        Route("/export/briefing.html", briefing_html, methods=["GET"]),
        Route("/export/ledger.csv", ledger_csv, methods=["GET"]),
        Route("/export/ledger.xlsx", ledger_xlsx, methods=["GET"]),
        Route("/export/snapshot.json", snapshot, methods=["GET"]),
    ]
