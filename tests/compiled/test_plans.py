"""Which variables a compiled plan binds as parameters (one plan for every unit), and which
shape the plan and so belong to its cache key."""

from __future__ import annotations

import pytest
from graphql import OperationDefinitionNode, parse

from resolvers.compiled.compiler import bound_variables


def bound(query: str) -> set[str]:
    operation = parse(query).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return set(bound_variables(operation))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("query($u: ID!) { orgUnit(id: $u) { name } }", {"u"}),
        ("query($u: ID) { a: orgUnit(id: $u) { name } b: orgUnit(id: $u) { id } }", {"u"}),
        (
            "query($u: ID!, $k: [OrgUnitKind!]) "
            "{ orgUnits(filter: {ancestor: $u, kind: $k}) { totalCount } }",
            {"u"},
        ),
        ("query($p: ID) { orgUnits(filter: {parent: $p}) { totalCount } }", {"p"}),
        # Used where the compiler decides from the value: part of the plan's key.
        (
            "query($u: ID!) { orgUnit(id: $u) { tasks(filter: {leadUnit: $u}) { totalCount } } }",
            set(),
        ),
        ("query($u: ID!) { node(id: $u) { id } orgUnit(id: $u) { id } }", set()),
        ("query($f: OrgUnitFilter) { orgUnits(filter: $f) { totalCount } }", set()),
        ('query($d: Date!) { orgUnit(id: "x") { taskRollup(asOf: $d) { total } } }', set()),
        # Fragments keep every variable in the key.
        ("query($u: ID!) { ...Q } fragment Q on Query { orgUnit(id: $u) { id } }", set()),
        ("query($u: ID!) { ... on Query { orgUnit(id: $u) { id } } }", {"u"}),
    ],
)
def test_bound_variables(query: str, expected: set[str]) -> None:
    assert bound(query) == expected
