"""Schema extensions: the request's database lifecycle and SQL statistics in debug mode."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator

from graphql import GraphQLError, NoSchemaIntrospectionCustomRule, validate
from starlette.requests import Request
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.types.graphql import OperationType

from api import errors
from api.context import RequestContext
from api.events import defer_until_commit
from api.metrics import GRAPHQL_ERRORS, SQL_STATEMENTS
from api.replicas import read_token
from models.messages import message
from resolvers.events import pending_changes


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
    """Closes the request's connection after the operation: commit mutations, roll back reads.

    An HTTP query reads from a read replica when GOVGRAPH_READ_DATABASE_URLS names some
    (api/replicas.py), honouring the request's read-your-writes token; mutations, and every
    operation over a WebSocket, stay on the primary.
    """

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        if (
            isinstance(context, RequestContext)
            and context.reads is not None
            and isinstance(context.request, Request)
            and self.execution_context.operation_type == OperationType.QUERY
        ):
            await context.db.read_from(context.reads, read_token(context.request))
        yield

    async def on_operation(self) -> AsyncIterator[None]:
        try:
            yield
        except BaseException:
            # The operation failed outside the resolvers (an extension raised): nothing kept.
            context = self.execution_context.context
            if isinstance(context, RequestContext):
                await context.db.close(commit=False)
            raise
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
    """The error boundary of an operation (api/errors.py): each error gets a stable
    `extensions.code` and the request id; bugs reach clients as a reference, never a stack
    trace or SQL (they are logged in full by the schema's process_errors); sharing partners
    get no "Did you mean …" field suggestions.
    """

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        context = self.execution_context.context
        if not result or not result.errors or not isinstance(context, RequestContext):
            return
        result.errors = errors.shield(
            result.errors,
            context.request_id,
            partner=context.viewer.partner,
            language=context.language,
        )


class PartnerIntrospection(SchemaExtension):
    """Introspection is off for sharing partners (and for everyone when configured)."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context.context
        document = self.execution_context.graphql_document
        if isinstance(context, RequestContext) and document is not None:
            if context.viewer.partner or not context.settings.introspection:
                refused = validate(
                    self.execution_context.schema._schema,
                    document,
                    [NoSchemaIntrospectionCustomRule],
                )
                if refused:
                    raise GraphQLError(
                        message("INTROSPECTION_DISABLED").render(context.language),
                        extensions={"code": "INTROSPECTION_DISABLED"},
                    )
        yield
