"""Starlette application: /graphql (GraphiQL on browser GET) and /healthz."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import orjson
import sqlalchemy as sa
from cross_web import HTTPException
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from api import idempotency
from api.auth import AuthenticationError, viewer_from_header
from api.context import Context
from api.database import Database
from api.db import create_engine
from api.schema import schema
from api.settings import Settings
from resolvers.loaders import Loaders


class GovGraphQL(GraphQL[Context, None]):
    """strawberry's ASGI view with our typed context and orjson encoding."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(schema, graphql_ide="graphiql")
        self.settings = settings
        self.engine: AsyncEngine | None = None

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        assert self.engine is not None, "engine is created by the app's lifespan"
        try:
            viewer = viewer_from_header(self.settings.secret, request.headers.get("authorization"))
        except AuthenticationError as exc:
            raise HTTPException(401, str(exc)) from exc
        db = idempotency.held_database(request) or Database(self.engine)
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        return Context(
            db=db,
            loaders=Loaders(db),
            settings=self.settings,
            request_id=request_id[:64],
            viewer=viewer,
            request=request,
            response=response,
        )

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and idempotency.HEADER in Headers(scope=scope):
            assert self.engine is not None, "engine is created by the app's lifespan"
            response = await idempotency.respond(
                Request(scope, receive),
                secret=self.settings.secret,
                engine=self.engine,
                run=self._respond,
            )
            await response(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        """strawberry's HTTP handling (GraphQL.__call__), for a request already read from."""
        try:
            return await self.run(request)
        except HTTPException as exc:
            return PlainTextResponse(exc.reason, status_code=exc.status_code)


def create_app(settings: Settings | None = None, engine: AsyncEngine | None = None) -> Starlette:
    """The ASGI app. Tests pass an engine; otherwise the lifespan creates one from settings."""
    settings = settings or Settings.from_env()
    graphql = GovGraphQL(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        own = engine is None
        graphql.engine = engine or create_engine(settings.database_url)
        try:
            yield
        finally:
            if own:
                await graphql.engine.dispose()

    async def healthz(_request: Request) -> Response:
        assert graphql.engine is not None
        try:
            async with graphql.engine.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
        except Exception as exc:  # any database failure means "not healthy"
            return JSONResponse({"status": "error", "error": type(exc).__name__}, status_code=503)
        return JSONResponse({"status": "ok", "database": graphql.engine.dialect.name})

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    if engine is not None:
        # Usable without running the lifespan (httpx's ASGI transport does not run it).
        graphql.engine = engine
    return app
