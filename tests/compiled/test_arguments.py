"""The compiler declines any argument or filter field it has no rule for (issue 15): a new
argument (orgUnit(asOf:), children(asOf:) …) must send the query to the resolvers until
someone writes its rule, never be ignored silently."""

from __future__ import annotations

from datetime import date

import pytest
from graphql import OperationDefinitionNode, parse
from graphql.execution.values import get_variable_values

from api.compiled import ROLLUPS
from api.schema import schema
from models.rules.scope import EVERYTHING
from models.viewer import ANONYMOUS
from resolvers.compiled import compiler
from resolvers.compiled.compiler import Env, NotCompilable, compile_operation

QUERY = """query ($unit: ID!) { orgUnit(id: $unit) { name children(kind: TOWN) { name }
  rectifications(filter: {status: [NOT_STARTED]}, first: 2) { totalCount } } }"""
UNIT = "T3JnVW5pdDowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDE="


def compile_query(query: str) -> None:
    document = parse(query)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    variables = get_variable_values(
        schema._schema, operation.variable_definitions or (), {"unit": UNIT}
    )
    assert not isinstance(variables, list)
    env = Env(schema._schema, {}, variables, EVERYTHING, date(2024, 1, 1), ROLLUPS, ANONYMOUS)
    compile_operation(env, operation)


def test_known_arguments_compile() -> None:
    compile_query(QUERY)


def test_an_argument_without_a_rule_declines(monkeypatch: pytest.MonkeyPatch) -> None:
    arguments = dict(compiler.ARGUMENTS)
    arguments[("OrgUnit", "children")] = frozenset()  # as if `kind` were new
    monkeypatch.setattr(compiler, "ARGUMENTS", arguments)
    with pytest.raises(NotCompilable, match=r"children\(kind\)"):
        compile_query(QUERY)


def test_a_filter_field_without_a_rule_declines(monkeypatch: pytest.MonkeyPatch) -> None:
    fields = dict(compiler.INPUT_FIELDS)
    fields["RectificationFilter"] = frozenset({"text"})  # as if `status` were new
    monkeypatch.setattr(compiler, "INPUT_FIELDS", fields)
    with pytest.raises(NotCompilable, match="status"):
        compile_query(QUERY)


def test_every_argument_of_a_compiled_field_is_known_or_declined() -> None:
    """Each rule's arguments exist in the schema (a renamed one would decline forever)."""
    for (type_name, field_name), names in compiler.ARGUMENTS.items():
        type_ = schema._schema.get_type(type_name)
        field = type_.fields[field_name]  # type: ignore[union-attr]
        assert names <= set(field.args), (type_name, field_name, names - set(field.args))


def test_every_filter_field_named_exists() -> None:
    for type_name, names in compiler.INPUT_FIELDS.items():
        type_ = schema._schema.get_type(type_name)
        assert names <= set(type_.fields), (type_name, names - set(type_.fields))  # type: ignore[union-attr]
