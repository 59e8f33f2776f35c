"""Which variables a compiled plan binds as parameters (one plan for every unit), and which
shape the plan and so belong to its cache key."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse

from resolvers.common import decode_global_id
from resolvers.compiled.compiler import bound_variables
from tests.conftest import TestDatabase, graphql_client


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


@pytest.mark.postgres
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_a_repeated_query_is_answered_from_its_plan(
    seeded_db: TestDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second time a query comes (same scope, shaping variables), the HTTP layer answers
    from the cached plan, before GraphQL; another viewer's scope never reuses it."""
    from api.app import GovGraphQL

    answers: list[bool] = []
    original = GovGraphQL._answer_from_plan

    async def spy(self: GovGraphQL, request: Any) -> Any:
        answer = await original(self, request)
        answers.append(answer is not None)
        return answer

    monkeypatch.setattr(GovGraphQL, "_answer_from_plan", spy)
    query = "query P($u: ID!) { orgUnit(id: $u) { name taskRollup { total } } }"
    async with graphql_client(seeded_db) as client:
        units = await client.query("{ orgUnits(first: 3) { edges { node { id name } } } }")
        ids = [e["node"]["id"] for e in units["orgUnits"]["edges"]]
        first = await client.execute(query, {"u": ids[0]})
        second = await client.execute(query, {"u": ids[1]})  # same plan, another unit
        town = client.as_viewer(decode_global_id(ids[2]), "REPORTER")
        scoped = await town.execute(query, {"u": ids[1]})
    assert answers[-3:] == [False, True, False]
    assert first["data"]["orgUnit"]["name"] == units["orgUnits"]["edges"][0]["node"]["name"]
    assert second["data"]["orgUnit"]["name"] == units["orgUnits"]["edges"][1]["node"]["name"]
    assert second["extensions"]["sql"] == second["extensions"]["sql"] | {"compiled": True}
    assert "errors" not in scoped
