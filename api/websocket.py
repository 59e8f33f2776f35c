"""GraphQL over WebSocket (`graphql-transport-ws` only): authentication for the connection's
life, per-operation contexts, and the error boundary of every message.

strawberry builds one context per WebSocket connection and hands it to every operation on
it. Our Context holds a database handle, loaders (with their caches) and the write's change
notes, none of which may be shared by concurrent operations, so each operation runs with its
own copy: same viewer, request and broker, fresh database handle, loaders and notes.

Authentication, as over HTTP: a bearer token or a partner's API key, from the
`connection_init` payload (`{"Authorization": "Bearer …"}`, `{"Authorization": "ApiKey …"}`
or `{"X-API-Key": …}`), else from the handshake's headers. Without credentials the viewer is
the anonymous read-only demo viewer where the server allows it (GOVGRAPH_ANONYMOUS). A bad or
missing credential closes the socket with 4403.

The credentials are checked for as long as the socket is open, since HTTP would refuse them
from one request to the next: the socket closes with 4403 when the token or key expires (a
timer), when its unit no longer exists or its key is revoked (checked before every `next`
message and every RECHECK_SECONDS), and at once when the broker announces the key's revocation
(`govgraph key revoke`; across processes on PostgreSQL).

Every refused operation (syntax, validation, a query limit, an authentication refusal) gets an
`error` message and the socket stays open; every error a client gets is masked as over HTTP
(api/errors.py's shield: a stable `extensions.code`, no internals) and carries the
operation's request id.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncGenerator, Mapping
from contextvars import ContextVar
from typing import Any

from graphql import GraphQLError
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
)
from strawberry.types.execution import ExecutionResult
from strawberry.utils.aio import aclosing

from api import errors
from api.api_keys import verify_key
from api.auth import AuthenticationError, KnownUnits, credentials_from_header
from api.context import Credentials, RequestContext
from api.database import rls_scope
from api.settings import Settings
from models.messages import message, render
from models.viewer import Viewer
from resolvers.database import Database
from resolvers.events import API_KEY, ChangeQueue
from resolvers.loaders import Loaders
from resolvers.scope import scope_for

logger = logging.getLogger("govgraph")

# Seconds between checks of an open connection's credentials when nothing else prompts one.
RECHECK_SECONDS = 30.0
FORBIDDEN = 4403

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
    """strawberry's handler, giving each operation a context of its own, keeping the
    connection's credentials checked, and answering every refused operation with `error`."""

    recheck_seconds = RECHECK_SECONDS
    _guard: asyncio.Task[None] | None = None
    _refused = False  # the credentials lapsed: the socket is closing, nothing more is sent

    @property
    def context(self) -> RequestContext:
        """The running operation's context, or the connection's outside operations."""
        return _operation_context.get() or self._connection_context

    @context.setter
    def context(self, value: RequestContext) -> None:
        self._connection_context = value

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        """Keep the payload for `authenticate` (strawberry keeps it only on dict contexts);
        once acknowledged, guard the credentials for the connection's life."""
        payload = message.get("payload")
        if isinstance(payload, dict):
            self._connection_context.connection_params = payload
        await super().handle_connection_init(message)
        if self.connection_acknowledged and self._guard is None:
            self._guard = asyncio.create_task(self._guard_credentials())
            self._guard.add_done_callback(self._task_done)

    async def shutdown(self) -> None:
        """Stop guarding, then end the operations."""
        if self._guard is not None:
            self._guard.cancel()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._guard
        await super().shutdown()

    async def send_message(self, message: Message) -> None:
        """Nothing once the credentials lapsed; a `next` only while they still hold."""
        if self._refused:
            return
        if message["type"] == "next" and not await self._credentials_hold():
            return
        await super().send_message(message)

    async def _credentials_hold(self) -> bool:
        """Whether the connection's credentials still hold; closes the socket when not."""
        if self._refused:
            return False
        credentials = self._connection_context.credentials
        if credentials is None:
            return True
        try:
            await credentials.check()
        except AuthenticationError as exc:
            await self._refuse(render(exc.text, self._connection_context.language))
            return False
        return True

    async def _refuse(self, reason: str) -> None:
        """Close the socket with 4403 (its operations end with it)."""
        if self._refused:
            return
        self._refused = True
        logger.info(
            "websocket %s closed (%d): %s", self._connection_context.request_id, FORBIDDEN, reason
        )
        with contextlib.suppress(Exception):  # the client may be gone already
            await self.websocket.close(
                code=FORBIDDEN, reason=errors.close_reason(f"Forbidden: {reason}")
            )

    async def _guard_credentials(self) -> None:
        """Check the credentials at their expiry, every recheck_seconds, and when the broker
        announces the revocation of the connection's key; close the socket when they lapse."""
        credentials = self._connection_context.credentials
        if credentials is None:
            return  # the anonymous demo viewer: nothing lapses
        broker = self._connection_context.broker if credentials.key_id is not None else None
        listening = broker.subscribe() if broker is not None else contextlib.nullcontext()
        with listening as changes:
            while await self._credentials_hold():
                await self._until_next_check(credentials, changes)

    async def _until_next_check(
        self, credentials: Credentials, changes: ChangeQueue | None
    ) -> None:
        """Wait for the next check: the expiry, the recheck period, or a revocation notice."""
        delay = self.recheck_seconds
        if credentials.expires_at is not None:
            delay = max(0.0, min(delay, credentials.expires_at - time.time()))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(delay):
                if changes is None:
                    await asyncio.get_running_loop().create_future()  # the timeout ends it
                else:
                    while (API_KEY, credentials.key_id) not in await changes.next_batch():
                        pass

    async def run_operation(self, operation: Operation[RequestContext, None]) -> None:
        """Run the operation (in its own task) with its own context; every error it sends is
        masked, and one raised before any result (a parse or limit refusal from an extension,
        which strawberry would log and end with a bare `complete`) is an `error` message."""
        context = operation_context(self._connection_context, operation.id)
        _operation_context.set(context)  # this task's copy of the context variables only
        try:
            try:
                source = await self.schema.stream(
                    operation.query,
                    variable_values=operation.variables,
                    context_value=context,
                    root_value=self.root_value,
                    operation_name=operation.operation_name,
                )
                async with aclosing(_masked(source, context)) as results:
                    await self._send_result_stream(operation, results)
            except Exception as exc:  # the boundary: whatever escaped becomes an `error`
                # Not a GraphQLError: a bug (or a ValueError), judged by its original error.
                error = (
                    exc
                    if isinstance(exc, GraphQLError)
                    else GraphQLError(str(exc), original_error=exc)
                )
                errors.report([error], context.request_id)
                masked = _shield([error], context)
                await operation.send_initial_errors(masked)
                return
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
        finally:
            await context.db.close()

    @staticmethod
    def _get_pre_execution_close_reason(error: GraphQLError) -> str | None:
        """Never close the socket for one refused operation (strawberry closes it with 4400
        for a syntax error): the operation gets its `error` message, the others go on."""
        return None


async def _masked(
    source: AsyncGenerator[Any, None], context: RequestContext
) -> AsyncGenerator[Any, None]:
    """The operation's results with their errors masked as over HTTP, each error carrying
    the request id (a socket has no per-message headers to carry it)."""
    async with aclosing(source) as results:
        async for result in results:
            if isinstance(result, ExecutionResult) and result.errors:
                result.errors = _shield(result.errors, context)
            yield result


def _shield(errors_: list[GraphQLError], context: RequestContext) -> list[GraphQLError]:
    """The error boundary of HTTP (api/errors.py), each error carrying the request id (a
    socket has no per-message headers to carry it)."""
    return errors.shield(
        errors_, context.request_id, partner=context.viewer.partner, language=context.language
    )


def _credentials(source: Any) -> tuple[str | None, str | None]:
    """(Authorization, X-API-Key) of a connection_init payload or headers, any letter case."""
    found: dict[str, str] = {}
    for key, value in source.items() if source is not None else ():
        if isinstance(key, str) and isinstance(value, str):
            found[key.lower()] = value
    return found.get("authorization"), found.get("x-api-key")


async def _authenticate(
    settings: Settings, context: RequestContext, units: KnownUnits
) -> tuple[Viewer, Credentials | None]:
    """The connection's viewer and the credentials to keep checking (None: anonymous)."""
    authorization, api_key = _credentials(context.connection_params or {})
    if authorization is None and api_key is None and context.request is not None:
        authorization, api_key = _credentials(context.request.headers)
    if authorization and authorization.lower().startswith("apikey "):
        api_key, authorization = authorization[7:].strip(), None
    engine = context.db.engine
    if api_key:
        key, verified = api_key, await verify_key(engine, api_key)

        async def recheck_key() -> None:
            await verify_key(engine, key)  # revoked or expired since: AuthenticationError

        expires = verified.expires_at.timestamp() if verified.expires_at is not None else None
        credentials = Credentials(expires_at=expires, key_id=verified.id, recheck=recheck_key)
        return verified.viewer, credentials
    viewer, expires_at = credentials_from_header(settings.secret, authorization)

    async def recheck_unit() -> None:
        db = Database(engine)  # briefly: a socket holds no connection while it waits
        try:
            await units.require(db, viewer)
        finally:
            await db.close()

    await recheck_unit()
    if viewer.anonymous:
        return viewer, None
    return viewer, Credentials(expires_at=expires_at, recheck=recheck_unit)


async def authenticate(settings: Settings, context: RequestContext, units: KnownUnits) -> None:
    """Set the connection's viewer; bad or missing credentials reject the connection."""
    try:
        viewer, credentials = await _authenticate(settings, context, units)
    except AuthenticationError as exc:
        logger.info("websocket %s refused: %s", context.request_id, exc)
        raise ConnectionRejectionError({"message": render(exc.text, context.language)}) from exc
    if viewer.anonymous and not settings.anonymous:
        text = message("AUTH_REQUIRED").render(context.language)
        raise ConnectionRejectionError({"message": text})
    context.viewer = viewer
    context.credentials = credentials
    context.loaders = Loaders(context.db, scope_for(viewer))
