"""Schema extensions: the request's database lifecycle and SQL statistics in debug mode."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

from graphql import GraphQLError, NoSchemaIntrospectionCustomRule, validate
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from api.context import RequestContext
from api.events import defer_until_commit
from api.metrics import GRAPHQL_ERRORS, SQL_STATEMENTS
from resolvers.errors import AuthenticationRequired
from resolvers.events import pending_changes

logger = logging.getLogger("govgraph")


class DatabaseLifecycle(SchemaExtension):
    """Closes the request's connection after the operation: commit mutations, roll back reads."""

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
            is_write = self.execution_context.operation_type == OperationType.MUTATION
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
    """Bugs reach clients as a reference, never a stack trace or SQL; they are logged in full.

    GraphQL errors (validation, limits, authentication), a service's AuthenticationRequired
    (an anonymous write) and ValueErrors raised for bad arguments are the client's to see;
    anything else is masked. Sharing partners also get no "Did you mean …" field suggestions.
    """

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        context = self.execution_context.context
        if not result or not result.errors or not isinstance(context, RequestContext):
            return
        masked = []
        for error in result.errors:
            original = error.original_error
            if original is not None and not isinstance(
                original, GraphQLError | ValueError | AuthenticationRequired
            ):
                logger.error("request %s: %s", context.request_id, error.message, exc_info=original)
                error = GraphQLError(
                    f"internal error (request id {context.request_id})",
                    nodes=error.nodes,
                    path=error.path,
                    extensions={"code": "INTERNAL_ERROR", "requestId": context.request_id},
                )
            elif context.viewer.partner and "Did you mean" in error.message:
                error = GraphQLError(
                    error.message.split(" Did you mean")[0],
                    nodes=error.nodes,
                    path=error.path,
                    extensions=error.extensions,
                )
            masked.append(error)
        result.errors = masked


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
