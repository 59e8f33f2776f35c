"""GraphQL over WebSocket (`graphql-transport-ws` only): authentication and per-operation contexts.

strawberry builds one context per WebSocket connection and hands it to every operation on
it. Our Context holds a database handle, loaders (with their caches) and the write's change
notes, none of which may be shared by concurrent operations, so each operation runs with its
own copy: same viewer, request and broker, fresh database handle, loaders and notes.

Authentication, as over HTTP: a bearer token or a partner's API key, from the
`connection_init` payload (`{"Authorization": "Bearer …"}`, `{"Authorization": "ApiKey …"}`
or `{"X-API-Key": …}`), else from the handshake's headers. Without credentials the viewer is
the anonymous read-only demo viewer where the server allows it (GOVGRAPH_ANONYMOUS). A bad or
missing credential closes the socket with 4403.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage

from api.api_keys import viewer_for_key
from api.auth import AuthenticationError, viewer_from_header
from api.context import RequestContext
from api.database import rls_scope
from api.settings import Settings
from models.viewer import Viewer
from resolvers.database import Database
from resolvers.loaders import Loaders
from resolvers.scope import scope_for

# The context of the operation whose task is running (unset in the connection's own task).
_operation_context: ContextVar[RequestContext | None] = ContextVar(
    "govgraph_operation_context", default=None
)


def operation_context(connection: RequestContext, operation_id: str) -> RequestContext:
    """A copy of the connection's context for one operation."""
    scope = scope_for(connection.viewer)
    db = Database(connection.db.engine, rls_scope=rls_scope(connection.settings, scope.root))
    return dataclasses.replace(
        connection,
        db=db,
        loaders=Loaders(db, scope),
        request_id=f"{connection.request_id[:40]}:{operation_id}"[:64],
        changes=set(),
        unlogged={},
        clock=None,
        compiled=False,
    )


class TextWebSocketAdapter(ASGIWebSocketAdapter):
    """Sends every message as a text frame. graphql-transport-ws messages are JSON text, and
    browser clients (graphql-ws, Apollo) reject the binary frames that strawberry sends when
    the view's encode_json returns bytes (ours does: orjson)."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        """The message as one text frame."""
        encoded = self.view.encode_json(message)
        try:
            await self.ws.send_text(encoded.decode() if isinstance(encoded, bytes) else encoded)
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class GraphQLTransportWSHandler(BaseGraphQLTransportWSHandler[RequestContext, None]):
    """strawberry's handler, giving each operation a context of its own."""

    @property
    def context(self) -> RequestContext:
        """The running operation's context, or the connection's outside operations."""
        return _operation_context.get() or self._connection_context

    @context.setter
    def context(self, value: RequestContext) -> None:
        self._connection_context = value

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        """Keep the payload for `authenticate` (strawberry keeps it only on dict contexts)."""
        payload = message.get("payload")
        if isinstance(payload, dict):
            self._connection_context.connection_params = payload
        await super().handle_connection_init(message)

    async def run_operation(self, operation: Operation[RequestContext, None]) -> None:
        """Run the operation (in its own task) with its own context."""
        context = operation_context(self._connection_context, operation.id)
        _operation_context.set(context)  # this task's copy of the context variables only
        try:
            await super().run_operation(operation)
        finally:
            await context.db.close()


def _credentials(source: Any) -> tuple[str | None, str | None]:
    """(Authorization, X-API-Key) of a connection_init payload or headers, any letter case."""
    found: dict[str, str] = {}
    for key, value in source.items() if source is not None else ():
        if isinstance(key, str) and isinstance(value, str):
            found[key.lower()] = value
    return found.get("authorization"), found.get("x-api-key")


async def _viewer(settings: Settings, context: RequestContext) -> Viewer:
    authorization, api_key = _credentials(context.connection_params or {})
    if authorization is None and api_key is None and context.request is not None:
        authorization, api_key = _credentials(context.request.headers)
    if authorization and authorization.lower().startswith("apikey "):
        api_key, authorization = authorization[7:].strip(), None
    if api_key:
        return await viewer_for_key(context.db.engine, api_key)
    return viewer_from_header(settings.secret, authorization)


async def authenticate(settings: Settings, context: RequestContext) -> None:
    """Set the connection's viewer; bad or missing credentials reject the connection."""
    try:
        viewer = await _viewer(settings, context)
    except AuthenticationError as exc:
        raise ConnectionRejectionError({"message": str(exc)}) from exc
    if viewer.anonymous and not settings.anonymous:
        raise ConnectionRejectionError(
            {"message": "authentication required: send a bearer token or an API key"}
        )
    context.viewer = viewer
    context.loaders = Loaders(context.db, scope_for(viewer))
