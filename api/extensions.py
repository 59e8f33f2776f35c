"""Schema extensions: the request's database lifecycle and SQL statistics in debug mode."""

from __future__ import annotations

from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from api.context import Context


class DatabaseLifecycle(SchemaExtension):
    """Closes the request's connection after the operation: commit mutations, roll back reads."""

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        if isinstance(context, Context):
            # Mutation fields keep or undo their own writes (savepoints); commit what is kept.
            is_write = self.execution_context.operation_type == OperationType.MUTATION
            await context.db.close(commit=is_write and context.db.wrote)


class SqlStatistics(SchemaExtension):
    """With GOVGRAPH_DEBUG=1, responses carry extensions.sql.statements and extensions.sql.ms."""

    def get_results(self) -> dict[str, object]:
        context = self.execution_context.context
        if not isinstance(context, Context) or not context.settings.debug:
            return {}
        return {
            "sql": {
                "statements": context.db.statements,
                "ms": round(context.db.elapsed_ms, 3),
            }
        }
