"""Query limits: depth, aliases, tokens and cost, read from the request's settings.

Cost: every field costs 1; a field with a `first` argument (a connection or a ranking)
multiplies the cost of what it selects by `first` (20 when omitted), and any other list of
objects (children, assignments …) by LIST_WEIGHT, so `children { tasks(first: 100) { … } }`
weighs what it could return. Each breach is a top-level error naming the limit, before
anything runs.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from graphql.language import Lexer, Source, TokenKind
from strawberry.extensions import SchemaExtension

from api.context import RequestContext
from models.messages import DEFAULT, Message, message
from resolvers.pagination import DEFAULT_PAGE_SIZE

LIST_WEIGHT = 10


@functools.lru_cache(maxsize=512)
def count_tokens(query: str, limit: int) -> int:
    """Lexical tokens of a query, counting stops just past `limit` (remembered per query:
    clients send the same few queries all day)."""
    lexer = Lexer(Source(query))
    count = 0
    while lexer.advance().kind is not TokenKind.EOF:
        count += 1
        if count > limit:
            break
    return count


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
    ) -> None:
        self.schema, self.fragments, self.variables = schema, fragments, variables
        self.aliases = 0

    def _returns_list(self, parent: Any, name: str) -> tuple[bool, Any]:
        """Whether a field of `parent` returns a list, and its named type."""
        fields = getattr(parent, "fields", None) or {}
        definition = fields.get(name)
        if definition is None:
            return False, None
        field_type = definition.type
        if isinstance(field_type, GraphQLNonNull):
            field_type = field_type.of_type
        return isinstance(field_type, GraphQLList), get_named_type(field_type)

    def _fields(
        self, selection_set: SelectionSetNode | None, seen: frozenset[str]
    ) -> Iterator[FieldNode]:
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                yield from self._fields(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    yield from self._fields(fragment.selection_set, seen | {name})

    def _first(self, field: FieldNode) -> int:
        for argument in field.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(int(value.value), 1)
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                return max(int(given), 1) if isinstance(given, int) else DEFAULT_PAGE_SIZE
            return DEFAULT_PAGE_SIZE
        return (
            1
            if not any(a.name.value == "after" for a in field.arguments or ())
            else DEFAULT_PAGE_SIZE
        )

    def measure(
        self, selection_set: SelectionSetNode | None, parent: Any, depth: int = 1
    ) -> tuple[int, int]:
        """(depth, cost) of a selection set of `parent` (an object or interface type)."""
        deepest, cost = depth - 1, 0
        for field in self._fields(selection_set, frozenset()):
            if field.alias is not None:
                self.aliases += 1
            if field.name.value.startswith("__"):
                continue
            is_list, child_type = self._returns_list(parent, field.name.value)
            child_depth, child_cost = self.measure(field.selection_set, child_type, depth + 1)
            deepest = max(deepest, child_depth if field.selection_set else depth)
            weight = self._first(field)
            # A connection's `edges` are already weighed by its `first`.
            if weight == 1 and is_list and field.selection_set and field.name.value != "edges":
                weight = LIST_WEIGHT
            cost += 1 + weight * child_cost
        return deepest, cost


class QueryLimits(SchemaExtension):
    """Rejects operations over the depth, alias, token or cost limit of the settings."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context.context
        document = self.execution_context.graphql_document
        if isinstance(context, RequestContext) and document is not None:
            settings = context.settings
            query = self.execution_context.query or ""
            if count_tokens(query, settings.max_tokens) > settings.max_tokens:
                self._fail(message("QUERY_TOKENS", most=settings.max_tokens))
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            schema = self.execution_context.schema._schema
            walker = _Walker(schema, fragments, self.execution_context.variables or {})
            for definition in document.definitions:
                if not isinstance(definition, OperationDefinitionNode):
                    continue
                root = schema.get_root_type(definition.operation)
                depth, cost = walker.measure(definition.selection_set, root)
                if depth > settings.max_depth:
                    self._fail(message("QUERY_DEPTH", depth=depth, most=settings.max_depth))
                if cost > settings.max_cost:
                    self._fail(message("QUERY_COST", cost=cost, most=settings.max_cost))
            if walker.aliases > settings.max_aliases:
                self._fail(
                    message("QUERY_ALIASES", aliases=walker.aliases, most=settings.max_aliases)
                )
        yield

    def _fail(self, detail: Message) -> None:
        language = getattr(self.execution_context.context, "language", DEFAULT)
        text = message("QUERY_LIMIT", detail=detail).render(language)
        raise GraphQLError(text, extensions={"code": "QUERY_LIMIT"})
