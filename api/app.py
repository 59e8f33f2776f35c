"""Starlette application: /graphql (GraphiQL on browser GET) and /healthz."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import orjson
import sqlalchemy as sa
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from api import (
    compiled,
    errors,
    events,
    graphiql,
    graphql_http,
    hygiene,
    idempotency,
    persisted,
    uploads,
    websocket,
)
from api.api_keys import KeyBudget, key_budget, viewer_for_key
from api.auth import AuthenticationError, KnownUnits, viewer_from_header
from api.body_limit import BodySizeLimit
from api.context import RequestContext
from api.cors import cors_middleware
from api.dashboard import routes as dashboard_routes
from api.database import rls_scope
from api.db import create_engine
from api.exports import routes as export_routes
from api.files import routes as file_routes
from api.graphql_http import JSON, RequestError
from api.metrics import MetricsMiddleware, metrics
from api.rate_limit import RateLimit, RateLimiter
from api.replicas import ReadRouter, read_token
from api.schema import schema
from api.settings import Settings
from models.messages import message
from models.rules import calendar
from resolvers import cursors
from resolvers.database import Database
from resolvers.delivery import worker as delivery_worker
from resolvers.errors import RequestErrorCode as Code
from resolvers.loaders import Loaders
from resolvers.scope import scope_for
from resolvers.storage import storage_from_url

logger = logging.getLogger("govgraph")


class GovGraphQL(GraphQL[RequestContext, None]):
    """strawberry's ASGI view with our typed context and orjson encoding."""

    graphql_transport_ws_handler_class = websocket.GraphQLTransportWSHandler
    websocket_adapter_class = websocket.TextWebSocketAdapter

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql",
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            # importLedger's file (GraphQL multipart request spec). No CSRF exposure: writes
            # need an Authorization / API-key header, which no cross-site form can send.
            multipart_uploads_enabled=True,
        )
        self.settings = settings
        self.engine: AsyncEngine | None = None
        # GOVGRAPH_READ_DATABASE_URLS: reads' standbys (api/replicas.py), set by the lifespan.
        self.reads: ReadRouter | None = None
        self.broker: events.Broker | None = None  # created by the app's lifespan
        self.known_units = KnownUnits()  # the units tokens name exist (api/auth.py)
        # The compiled path's key reads' connections (generic_engine; None: the engine's).
        self.generic_engine: AsyncEngine | None = None
        self.storage = storage_from_url(settings.storage_url)  # evidence files
        self.persisted = persisted.PersistedOperations(
            mode=settings.persisted_queries, apq_cache_size=settings.apq_cache_size
        )

    async def get_context(
        self, request: Request | WebSocket, response: Any, *, defer_unit_check: bool = False
    ) -> RequestContext:
        """The operation's context. `defer_unit_check`: a token's unit not known to exist is
        left for the caller to check (RequestContext.unit_check), in the statement it runs."""
        assert self.engine is not None, "engine is created by the app's lifespan"
        try:
            # A WebSocket authenticates at connection_init (on_ws_connect).
            authorization = (
                None if isinstance(request, WebSocket) else request.headers.get("authorization")
            )
            api_key = None if isinstance(request, WebSocket) else request.headers.get("x-api-key")
            if authorization and authorization.lower().startswith("apikey "):
                api_key, authorization = authorization[7:].strip(), None
            if api_key:
                viewer = await viewer_for_key(self.engine, api_key)
            else:
                viewer = viewer_from_header(self.settings.secret, authorization)
        except AuthenticationError as exc:
            raise RequestError(401, exc.text, Code.UNAUTHENTICATED) from exc
        if viewer.anonymous and not self.settings.anonymous and not isinstance(request, WebSocket):
            raise RequestError(401, message("AUTH_REQUIRED"), Code.UNAUTHENTICATED)
        db = idempotency.held_database(request) or Database(
            self.engine, generic_engine=self.generic_engine
        )
        if not isinstance(request, WebSocket):
            _request_databases(request).append(db)  # closed at the request's end at the latest
        unit_check = None
        if not api_key and defer_unit_check and not self.known_units.known(viewer):
            unit_check = viewer.unit_id
        elif not api_key:
            try:
                await self.known_units.require(db, viewer)  # a token names an existing unit
            except AuthenticationError as exc:
                await db.close()  # a held transaction stays its owner's to end
                raise RequestError(401, exc.text, Code.UNAUTHENTICATED) from exc
        scope = scope_for(viewer)
        await db.use_rls_scope(rls_scope(self.settings, scope.root))  # GOVGRAPH_RLS=1
        request.state.govgraph_partner = viewer.partner  # for the boundary's last net
        return RequestContext(
            db=db,
            loaders=Loaders(db, scope),
            settings=self.settings,
            max_upload_bytes=self.settings.max_upload_bytes,
            ledger_limits=self.settings.ledger_limits,
            storage=self.storage,
            evidence_max_bytes=self.settings.evidence_max_bytes,
            request_id=errors.request_id(request),
            language=errors.language(request),
            viewer=viewer,
            request=request,
            response=response,
            broker=self.broker,
            persisted=self.persisted,
            reads=self.reads,
            unit_check=unit_check,
            tree_root=self.known_units.tree_root(viewer.unit_id) and not scope.unrestricted,
        )

    async def on_ws_connect(self, context: RequestContext) -> UnsetType | dict[str, object] | None:
        await websocket.authenticate(self.settings, context, self.known_units)
        return await super().on_ws_connect(context)

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql.page()  # the package's own assets, no CDN (api/graphiql.py)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def parse_json(self, data: str | bytes) -> Any:
        """JSON of a request (body, GET `variables`/`extensions`, multipart `operations` and
        `map`): invalid JSON or UTF-8, or nesting past orjson's limit, is a 400 naming it."""
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            message = f"the request body is not valid JSON: {exc}"
            if "depth limit" in str(exc):  # orjson stops at 1024 levels
                message = "the request body is nested too deeply (over 1024 levels of JSON)"
            raise graphql_http.RequestError(400, message, Code.BAD_REQUEST) from exc

    async def parse_multipart(self, request: Any) -> dict[str, str]:
        """Multipart uploads (importLedger), with every file read and closed right away."""
        try:
            parsed: dict[str, str] = await uploads.materialize(
                await super().parse_multipart(request)
            )
        finally:
            # Files the map does not name, or all of them when `operations` or `map` is
            # refused, are closed too (the request's form is cached: this is the same one).
            form = (await request.get_form_data()).files
            if hasattr(form, "close"):
                await form.close()
        return parsed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            try:  # a persisted operation's text filled in (api/persisted.py)
                request = await self.persisted.resolve(request)
            except persisted.Refused as refused:
                response = persisted.refusal_response(request, refused)
            else:
                response = persisted.cache_headers(
                    request,
                    await self._answer(request),
                    public=self._public(request),
                    max_age=self.settings.public_max_age,
                )
                if self.reads is not None and any(
                    db.committed for db in _request_databases(request)
                ):
                    await self.reads.remember_write(response)  # read-your-writes token
        finally:
            # Whatever ended the request (an error outside the operation, a cancelled client),
            # its handles end here: a no-op for those the operation closed already.
            for db in _request_databases(request):
                await db.close()
        await response(scope, receive, send)

    def _public(self, request: Request) -> bool:
        """The anonymous demo viewer's read: the same answer for every caller without
        credentials, so shared caches may keep it."""
        headers = request.headers
        return self.settings.anonymous and not (
            headers.get("authorization") or headers.get("x-api-key")
        )

    async def _answer(self, request: Request) -> Response:
        if idempotency.HEADER in request.headers:
            assert self.engine is not None, "engine is created by the app's lifespan"
            response = await idempotency.respond(
                request,
                secret=self.settings.secret,
                engine=self.engine,
                run=self._respond,
            )
            if graphql_http.is_graphql_result(response.headers.get("content-type", "")):
                # The held transaction committed (respond raises when it fails): its
                # change events can go out now (in-process broker; PostgreSQL notified).
                await events.publish_deferred(request)
            response = graphql_http.conform(request, response)  # a replay: the Accept'ed type
        else:
            response = await self._answer_from_plan(request) or await self._respond(request)
        return response

    async def _answer_from_plan(self, request: Request) -> Response | None:
        """A query (POSTed, or sent by GET: a persisted query's cacheable read) with a cached
        compiled plan (api/compiled.py), answered without GraphQL parsing, validation or
        execution; None for everything else. Only queries have plans, so a mutation sent by
        GET still gets the full path's 405."""
        if not self.settings.compiled or self.settings.rls:
            return None
        try:
            if request.method == "GET":
                body = _get_body(request)
            elif request.method == "POST" and (
                request.headers.get("content-type", "").split(";")[0].strip().lower() == JSON
            ):
                body = orjson.loads(await request.body())
            else:
                return None
            hygiene.check_request(body)  # refused here: the full path answers the refusal
        except (orjson.JSONDecodeError, HTTPException):
            return None
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return None
        variables, operation_name = body.get("variables") or {}, body.get("operationName")
        if not isinstance(variables, dict) or not isinstance(operation_name, str | None):
            return None
        if body.get("extensions") or not compiled.answerable(body["query"], operation_name):
            return None
        try:
            # A token's unit is checked in the plan's statement, not in one of its own.
            context = await self.get_context(request, None, defer_unit_check=True)
        except HTTPException:
            return None  # the full path answers with the refusal
        if context.db.dialect != "postgresql":
            await context.db.close()  # the token's unit check may have opened it
            return None
        await context.db.read_from(self.reads, read_token(request))  # only queries have plans
        answer = await compiled.answer_from_plan(
            context, body["query"], operation_name, variables, self.known_units.found
        )
        if answer is None:
            await context.db.close()
            return None
        media_type = graphql_http.response_media_type(request.headers.get("accept"))
        return Response(answer, media_type=media_type)

    async def _respond(self, request: Request) -> Response:
        """strawberry's HTTP handling with GraphQL over HTTP's media types and status codes."""
        try:
            response = await self.run(request)
        except HTTPException as exc:
            return graphql_http.error_response(request, exc)
        return graphql_http.conform(request, response)

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            refused = graphql_http.post_content_type_error(
                request.content_type, multipart=self.multipart_uploads_enabled
            )
            if refused is not None:
                raise refused
        if request.method == "GET":
            data: Any = self.parse_query_params(request.query_params)
        elif request.content_type and request.content_type.lower().startswith(JSON):
            data = self.parse_json(await request.get_body())
        else:
            data = await self.parse_multipart(request)
        hygiene.check_request(data)  # one object, clean strings, bounded depth
        return GraphQLRequestData(
            query=data.get("query"),
            variables=data.get("variables"),
            operation_name=data.get("operationName"),
            extensions=data.get("extensions"),
            protocol="http",
        )

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: RequestContext,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except HTTPException as exc:
            if request_adapter.method == "GET" and isinstance(
                exc.__cause__, InvalidOperationTypeError
            ):
                raise graphql_http.MethodNotAllowed(f"{exc.reason}: use POST") from exc.__cause__
            raise

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            # The boundary's last net: errors raised outside the operation's resolvers (an
            # extension, a query limit) get their code and the request id here.
            partner = bool(getattr(request.state, "govgraph_partner", False))
            result.errors = errors.shield(
                result.errors, errors.request_id(request), partner=partner
            )
        response = await super().process_result(request, result)
        if graphql_http.is_request_error(result):
            # Nothing executed: no `data` entry (GraphQL spec, "Response"), 400 for
            # graphql-response+json (graphql_http.conform).
            graphql_http.mark_request_error(request, result.errors or [])
            response.pop("data", None)
        return response


def _get_body(request: Request) -> Any:
    """A GET request's query parameters as the body a POST would carry (`variables` and
    `extensions` JSON-decoded); raises orjson.JSONDecodeError for bad JSON."""
    params = request.query_params
    body: dict[str, Any] = {"query": params.get("query")}
    if "operationName" in params:
        body["operationName"] = params["operationName"]
    for name in ("variables", "extensions"):
        if name in params:
            body[name] = orjson.loads(params[name])
    return body


def _request_databases(request: Request) -> list[Database]:
    """The database handles the request's contexts opened (request.state)."""
    state = errors.request_state(request)
    databases: list[Database] | None = state.get("govgraph_databases")
    if databases is None:
        databases = state["govgraph_databases"] = []
    return databases


class _Delivery:
    """The delivery worker running beside the server (its own engine: never row-level
    secured, since it reads every subscription's scope itself)."""

    def __init__(self, settings: Settings) -> None:
        self.engine = create_engine(settings.database_url)
        self.task = asyncio.create_task(
            delivery_worker.run_forever(self.engine, delivery_worker.DeliveryConfig.from_env())
        )

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        await self.engine.dispose()


def _start_delivery(settings: Settings) -> _Delivery | None:
    return _Delivery(settings) if settings.deliver else None


def generic_engine(settings: Settings) -> AsyncEngine | None:
    """The connections of the compiled path's key reads (api/compiled.py Plan.generic), on
    which PostgreSQL keeps a generic plan (api/db.py `generic_plans`); None on SQLite."""
    if not settings.database_url.startswith("postgresql"):
        return None
    return create_engine(
        settings.database_url,
        statement_timeout_ms=settings.statement_timeout_ms,
        generic_plans=True,
        # As many as the engine keeps (api/db.py): a connection beyond the pool is closed on
        # return, and with it the plans PostgreSQL kept.
        pool_size=10,
        max_overflow=10,
    )


def create_app(settings: Settings | None = None, engine: AsyncEngine | None = None) -> Starlette:
    """The ASGI app. Tests pass an engine; otherwise the lifespan creates one from settings."""
    settings = settings or Settings.from_env()
    calendar.configure(settings.timezone)  # one day boundary for the whole process
    cursors.configure(settings.secret)  # the cursors' signing key (resolvers/cursors.py)
    graphql = GovGraphQL(settings)
    limiter = RateLimiter(settings)  # per viewer, key or address (api/rate_limit.py)

    async def find_key(key: str) -> KeyBudget | None:
        assert graphql.engine is not None
        return await key_budget(graphql.engine, key)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        own = engine is None
        graphql.engine = engine or create_engine(
            settings.database_url,
            statement_timeout_ms=settings.statement_timeout_ms,
            rls_role=settings.rls_role if settings.rls else None,
        )
        graphql.persisted.engine = graphql.engine  # the trusted list's table
        if own and settings.generic_plans and settings.compiled and not settings.rls:
            # The compiled path's key reads (api/compiled.py Plan.generic): connections
            # where PostgreSQL keeps a generic plan, a pool of their own.
            graphql.generic_engine = generic_engine(settings)
        graphql.broker = events.create_broker(graphql.engine)
        graphql.reads = ReadRouter.from_urls(
            graphql.engine,
            settings.read_database_urls,
            statement_timeout_ms=settings.statement_timeout_ms,
            rls_role=settings.rls_role if settings.rls else None,
            wait_ms=settings.read_wait_ms,
            max_lag_seconds=settings.read_max_lag_seconds,
            retry_seconds=settings.replica_retry_seconds,
            check_seconds=settings.replica_check_seconds,
        )
        _app.state.reads = graphql.reads  # the read router, for tests and tools
        delivery = _start_delivery(settings)  # GOVGRAPH_DELIVER=1: the outbox's worker
        try:
            if graphql.reads is not None:
                await graphql.reads.start()
            await graphql.broker.start()
            yield
        finally:
            if graphql.reads is not None:
                await graphql.reads.close()
                graphql.reads = None
            if delivery is not None:
                await delivery.stop()
            await graphql.broker.close()
            graphql.broker = None
            await limiter.close()
            if graphql.generic_engine is not None:
                await graphql.generic_engine.dispose()
                graphql.generic_engine = None
            if own:
                await graphql.engine.dispose()

    async def healthz(_request: Request) -> Response:
        assert graphql.engine is not None
        try:
            async with graphql.engine.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
        except Exception:  # any database failure means "not healthy" (logged, not shown)
            logger.warning("healthz: the database does not answer", exc_info=True)
            return JSONResponse({"status": "error", "error": "database unavailable"}, 503)
        body: dict[str, Any] = {"status": "ok", "database": graphql.engine.dialect.name}
        if graphql.reads is not None:  # reads fall back to the primary: still "ok"
            body["replicas"] = graphql.reads.health()
        return JSONResponse(body)

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),  # subscriptions: graphql-transport-ws only
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
            *graphiql.routes(),  # /static/graphiql: GraphiQL's page assets
            *dashboard_routes(),  # /dashboard: the reference dashboard (static files)
            *export_routes(graphql),  # /export/ledger.xlsx|csv, /export/snapshot.json
            *file_routes(graphql),  # /files/{id}: evidence files, scoped like their objects
        ],
        lifespan=lifespan,
        middleware=[
            Middleware(MetricsMiddleware),
            *cors_middleware(settings),  # GOVGRAPH_CORS_ORIGINS (api/cors.py)
            Middleware(RateLimit, limiter=limiter, settings=settings, find_key=find_key),
            Middleware(
                BodySizeLimit,
                limit=settings.max_body_bytes,
                upload_limit=settings.max_upload_bytes,
            ),
        ],
    )
    app.state.rate_limiter = limiter
    if engine is not None:
        # Usable without running the lifespan (httpx's ASGI transport does not run it).
        graphql.engine = engine
        graphql.persisted.engine = engine
    return app
