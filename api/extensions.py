"""Schema extensions: the request's database lifecycle and SQL statistics in debug mode."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Iterator

from graphql import GraphQLError, GraphQLSyntaxError, NoSchemaIntrospectionCustomRule, validate
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.types.graphql import OperationType

from api.context import RequestContext
from api.events import defer_until_commit
from api.metrics import GRAPHQL_ERRORS, SQL_STATEMENTS
from resolvers.errors import AuthenticationRequired
from resolvers.events import pending_changes

logger = logging.getLogger("govgraph")


class ParseOnce(ParserCache):
    """strawberry's ParserCache, except that a syntax error is left to strawberry's own parse,
    which makes it the operation's error: raised from this hook it would escape the other
    extensions (unmasked over HTTP, a bare `complete` and a traceback over WebSocket)."""

    def on_parse(self) -> Iterator[None]:
        with contextlib.suppress(GraphQLError):
            self.execution_context.graphql_document = self.cached_parse_document(
                self.execution_context.query, **self.execution_context.parse_options
            )
        yield


class DatabaseLifecycle(SchemaExtension):
    """Closes the request's connection after the operation: commit mutations, roll back reads."""

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        if isinstance(context, RequestContext):
            # Mutation fields keep or undo their own writes (savepoints); commit what is kept.
            # No document (a syntax error): nothing ran.
            is_write = (
                self.execution_context.graphql_document is not None
                and self.execution_context.operation_type == OperationType.MUTATION
            )
            commit = is_write and context.db.wrote
            broker = context.broker
            changes = pending_changes(context) if commit and broker is not None else set()
            published = False
            if broker is not None and changes:
                try:
                    # PostgreSQL: NOTIFY in the transaction, delivered at its commit only.
                    connection = await context.db.connection()
                    published = await broker.publish_in_transaction(connection, changes)
                except BaseException:
                    await context.db.close(commit=False)
                    raise
            await context.db.close(commit=commit)
            if broker is not None and changes and not published:
                if context.db.held:  # an idempotent request commits later (api/idempotency.py)
                    defer_until_commit(context.request, broker, changes)
                else:
                    await broker.publish(changes)


class SqlStatistics(SchemaExtension):
    """With GOVGRAPH_DEBUG=1, responses carry extensions.sql.statements and extensions.sql.ms."""

    def get_results(self) -> dict[str, object]:
        context = self.execution_context.context
        if isinstance(context, RequestContext):
            SQL_STATEMENTS.observe(context.db.statements)
            result = self.execution_context.result
            if result is not None and result.errors:
                GRAPHQL_ERRORS.inc()
        if not isinstance(context, RequestContext) or not context.settings.debug:
            return {}
        return {
            "sql": {
                "statements": context.db.statements,
                "ms": round(context.db.elapsed_ms, 3),
                "compiled": context.compiled,
            }
        }


class MaskInternalErrors(SchemaExtension):
    """Bugs reach clients as a reference, never a stack trace or SQL (`mask_errors`, which the
    WebSocket path applies to each message too); `log_errors` logs them in full."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        context = self.execution_context.context
        if not result or not result.errors or not isinstance(context, RequestContext):
            return
        result.errors = mask_errors(result.errors, context)


def is_client_error(error: GraphQLError) -> bool:
    """The client's to see: GraphQL errors (syntax, validation, limits, authentication), a
    service's AuthenticationRequired (an anonymous write) and ValueErrors raised for bad
    arguments. Anything else is a bug."""
    original = error.original_error
    return original is None or isinstance(
        original, GraphQLError | ValueError | AuthenticationRequired
    )


def _client_code(error: GraphQLError) -> str:
    """The stable `extensions.code` of a client error that names none."""
    if isinstance(error, GraphQLSyntaxError):
        return "GRAPHQL_PARSE_FAILED"
    if isinstance(error.original_error, AuthenticationRequired):
        return "UNAUTHENTICATED"
    if error.path is None:  # refused before execution: validation, variables
        return "GRAPHQL_VALIDATION_FAILED"
    return "BAD_USER_INPUT"


def mask_errors(errors: list[GraphQLError], context: RequestContext) -> list[GraphQLError]:
    """Errors as clients get them: each with a stable `extensions.code`; bugs masked as
    INTERNAL_ERROR with the request id; no "Did you mean …" field suggestions for sharing
    partners. Idempotent: masked errors pass unchanged."""
    masked = []
    for error in errors:
        extensions = dict(error.extensions or {})
        message = error.message
        if not is_client_error(error):  # logged by log_errors
            message = f"internal error (request id {context.request_id})"
            extensions = {"code": "INTERNAL_ERROR", "requestId": context.request_id}
        elif context.viewer.partner and "Did you mean" in message:
            message = message.split(" Did you mean")[0]
        if "code" not in extensions:
            extensions["code"] = _client_code(error)
        if message == error.message and extensions == error.extensions:
            masked.append(error)
            continue
        masked.append(
            GraphQLError(
                message,
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                original_error=error.original_error if is_client_error(error) else None,
                extensions=extensions,
            )
        )
    return masked


def log_errors(errors: list[GraphQLError], context: object) -> None:
    """Each error once: a client error as one line without traceback, a bug with its
    traceback. The schema's process_errors hook (api/schema.py) calls it for HTTP and
    WebSocket alike; the WebSocket boundary for errors raised before a result existed."""
    request_id = context.request_id if isinstance(context, RequestContext) else "-"
    for error in errors:
        if not is_client_error(error):
            logger.error("request %s: %s", request_id, error.message, exc_info=error.original_error)
            continue
        code = (error.extensions or {}).get("code") or _client_code(error)
        first_line = error.message.splitlines()[0] if error.message else ""
        logger.info("request %s: client error %s: %s", request_id, code, first_line[:300])


class PartnerIntrospection(SchemaExtension):
    """Introspection is off for sharing partners (and for everyone when configured)."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context.context
        document = self.execution_context.graphql_document
        if isinstance(context, RequestContext) and document is not None:
            if context.viewer.partner or not context.settings.introspection:
                errors = validate(
                    self.execution_context.schema._schema,
                    document,
                    [NoSchemaIntrospectionCustomRule],
                )
                if errors:
                    raise GraphQLError(
                        "introspection is disabled for this client",
                        extensions={"code": "INTROSPECTION_DISABLED"},
                    )
        yield
