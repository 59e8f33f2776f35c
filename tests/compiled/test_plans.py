"""Which variables a compiled plan binds as parameters (one plan for every unit), and which
shape the plan and so belong to its cache key."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from models.rules import calendar
from resolvers.common import decode_global_id
from resolvers.compiled.compiler import bound_variables
from tests.conftest import TEST_SECRET, GraphQLClient, TestDatabase, graphql_client


def bound(query: str) -> set[str]:
    document = parse(query)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    found = bound_variables(operation, fragments)
    return set(found - found.names) | {f"name:{n}" for n in found.names}


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
        # Fragments are walked where they are spread; an unknown one binds nothing.
        ("query($u: ID!) { ...Q } fragment Q on Query { orgUnit(id: $u) { id } }", {"u"}),
        ("query($u: ID!) { ...Q }", set()),
        ("query($u: ID!) { ... on Query { orgUnit(id: $u) { id } } }", {"u"}),
        # A task's state in the asked unit's share (the dashboard's lists), through a fragment.
        (
            "query($u: ID!, $d: Date!) { orgUnit(id: $u) { tasks(first: 5) { edges { node {"
            " ...Row } } } } } fragment Row on Task { statusAsOf(asOf: $d, unit: $u) }",
            {"u"},
        ),
        # ...but not a fragment's other uses of the id.
        (
            "query($u: ID!) { orgUnit(id: $u) { ...U } }"
            " fragment U on OrgUnit { tasks(filter: {leadUnit: $u}) { totalCount } }",
            set(),
        ),
        # A unit's name: bound by its shape.
        ("query($n: String!) { orgUnit(name: $n) { id } }", {"name:n"}),
        ("query($n: String!) { orgUnit(name: $n) { id aliases name } }", {"name:n"}),
        # Used elsewhere too: a constant of the plan.
        (
            "query($n: String!) { orgUnit(name: $n) { id } orgUnits(filter: {name: $n}) {"
            " totalCount } }",
            set(),
        ),
        # An operation passing a cursor binds nothing (the cursor is checked while compiling).
        (
            "query($u: ID!, $a: String) { orgUnit(id: $u) { tasks(after: $a) { totalCount } } }",
            set(),
        ),
    ],
)
def test_bound_variables(query: str, expected: set[str]) -> None:
    assert bound(query) == expected


@pytest.fixture(autouse=True)
def empty_plan_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test counts the plans it makes: a fresh cache, not the worker's (shared by every
    test the process ran, and full at its 512 plans in a whole-suite run)."""
    from api import compiled

    monkeypatch.setattr(compiled, "PLANS", compiled.LruCache())


@pytest.mark.postgres
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_a_repeated_query_is_answered_from_its_plan(
    seeded_db: TestDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second time a query comes (same kind of scope, shaping variables), the HTTP layer
    answers from the cached plan, before GraphQL; a restricted viewer never runs the plan of
    an unrestricted one, but the next restricted viewer runs the first one's (of the same
    variant: asking about its own unit, the covered plan)."""
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
        other = client.as_viewer(decode_global_id(ids[1]), "VIEWER")
        # Its own unit: the covered plan (api/compiled.py variants), compiled now...
        own = await other.execute(query, {"u": ids[1]})
        # ...and run for the next viewer asking about its own unit.
        third = client.as_viewer(decode_global_id(ids[0]), "VIEWER")
        mine = await third.execute(query, {"u": ids[0]})
    assert answers[-5:] == [False, True, False, False, True]
    assert mine["data"]["orgUnit"]["name"] == units["orgUnits"]["edges"][0]["node"]["name"]
    assert own["data"]["orgUnit"]["name"] == units["orgUnits"]["edges"][1]["node"]["name"]
    assert first["data"]["orgUnit"]["name"] == units["orgUnits"]["edges"][0]["node"]["name"]
    assert second["data"]["orgUnit"]["name"] == units["orgUnits"]["edges"][1]["node"]["name"]
    assert second["extensions"]["sql"] == second["extensions"]["sql"] | {"compiled": True}
    assert "errors" not in scoped


VIEWER_SHAPE = """query V($u: ID!) { orgUnit(id: $u) { id name
  taskRollup { asOf total overdue }
  tasks(includeDescendants: true, first: 30, orderBy: [DEADLINE_ASC]) { totalCount
    edges { node { id code leadUnits { id name } cooperatingUnits { name }
      reports(first: 3) { edges { node { percent reportedBy unit { name } } } } } } } } }"""


async def _ids(db: TestDatabase, sql: str) -> list[Any]:
    async with db.engine.connect() as conn:
        return list((await conn.execute(sa.text(sql))).scalars())


async def _district_and_town(db: TestDatabase) -> tuple[Any, Any]:
    """The first town with assignments (by code) and its parent district."""
    ((district, town),) = await _ids(
        db,
        "SELECT ARRAY[u.parent_id, u.id] FROM org_unit u WHERE u.kind = 'TOWN' AND EXISTS "
        "(SELECT 1 FROM assignment a WHERE a.org_unit_id = u.id) ORDER BY u.code LIMIT 1",
    )
    return district, town


async def _both(
    fast: GraphQLClient, slow: GraphQLClient, headers: dict[str, str], query: str, unit: Any
) -> Any:
    """The compiled answer, checked equal to the resolvers' answer for the same viewer."""
    from resolvers.common import global_id

    body = {"query": query, "variables": {"u": str(global_id("OrgUnit", unit))}}
    got = (await fast.http.post("/graphql", json=body, headers=headers)).json()
    want = (await slow.http.post("/graphql", json=body, headers=headers)).json()
    assert got.pop("extensions")["sql"]["compiled"] is True
    want.pop("extensions")
    assert got == want
    return got["data"]


async def _report(db: TestDatabase, gql: GraphQLClient, unit: Any, percent: float = 40) -> None:
    """A progress report now on a few of the unit's shares, by its REPORTER."""
    from resolvers.common import global_id

    shares = await _ids(
        db, f"SELECT id FROM assignment WHERE org_unit_id = '{unit}' AND role = 'LEAD' LIMIT 3"
    )
    reporter = gql.as_viewer(unit, "REPORTER")
    for share in shares:
        done = await reporter.query(
            "mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {"
            " errors { code } } }",
            {"input": {"assignment": str(global_id("Assignment", share)), "percent": percent}},
        )
        assert done["reportProgress"]["errors"] == []


def _bearer(unit: Any, role: str = "VIEWER") -> dict[str, str]:
    from api.auth import mint_token
    from models.enums import ViewerRole

    return {
        "authorization": f"Bearer {mint_token(TEST_SECRET, unit_id=unit, role=ViewerRole(role))}"
    }


@pytest.mark.postgres
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_one_plan_serves_every_viewer_of_a_query_shape(seeded_db: TestDatabase) -> None:
    """Town viewers, a district viewer and a partner key ask the same query: one restricted
    plan serves them all (scope root and disclosure are bind parameters), and each gets what
    the resolvers give it: its own branch, never the rows of the viewer who compiled it."""
    from api.api_keys import create_key
    from api.compiled import plan_cache_size

    towns = await _ids(
        seeded_db,
        "SELECT u.id FROM org_unit u WHERE u.kind = 'TOWN' AND EXISTS "
        "(SELECT 1 FROM assignment a WHERE a.org_unit_id = u.id) ORDER BY u.code LIMIT 4",
    )
    (district,) = await _ids(seeded_db, f"SELECT parent_id FROM org_unit WHERE id = '{towns[0]}'")
    async with seeded_db.engine.begin() as conn:
        partner = await create_key(conn, name="partner", unit_id=district)
    assert len(towns) == 4
    async with (
        graphql_client(seeded_db) as fast,
        graphql_client(seeded_db, compiled=False) as slow,
    ):
        # A report on each town's shares: who reported is internal (hidden from partners).
        for town in towns:
            await _report(seeded_db, fast, town)
        before = plan_cache_size()
        own = [await _both(fast, slow, _bearer(t), VIEWER_SHAPE, t) for t in towns]
        whole = await _both(fast, slow, _bearer(district), VIEWER_SHAPE, district)
        other = await _both(fast, slow, _bearer(towns[0]), VIEWER_SHAPE, towns[1])
        shared = await _both(fast, slow, {"x-api-key": partner.secret}, VIEWER_SHAPE, district)
        after = plan_cache_size()
    # One covered plan for every restricted viewer asking about its own unit, one general
    # plan for another's (api/compiled.py variants).
    assert after - before == 2
    totals = [o["orgUnit"]["tasks"]["totalCount"] for o in own]
    assert all(totals)
    assert len(set(totals)) > 1  # each its own branch, not the first one's
    assert whole["orgUnit"]["tasks"]["totalCount"] > max(totals)
    # Another town is visible only as a co-assigned unit: its list holds the shared tasks only.
    if other["orgUnit"] is not None:
        mine = {e["node"]["id"] for e in own[0]["orgUnit"]["tasks"]["edges"]}
        theirs = {e["node"]["id"] for e in other["orgUnit"]["tasks"]["edges"]}
        assert theirs <= mine
    reports = [
        r["node"] for e in whole["orgUnit"]["tasks"]["edges"] for r in e["node"]["reports"]["edges"]
    ]
    shared_reports = [
        r["node"]
        for e in shared["orgUnit"]["tasks"]["edges"]
        for r in e["node"]["reports"]["edges"]
    ]
    assert any(r["reportedBy"] for r in reports)  # internal viewers see who reported
    assert shared_reports
    assert not any(r["reportedBy"] for r in shared_reports)


DAYS_SHAPE = """query D($u: ID!) { orgUnit(id: $u) {
  now: taskRollup { asOf total overdue dueSoon completed weightedProgress }
  fixed: taskRollup(asOf: "2024-06-30") {
    asOf total overdue dueSoon completed inProgress notStarted weightedProgress } } }"""


@pytest.mark.postgres
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_today_is_a_parameter_of_the_plan(
    seeded_db: TestDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default asOf (today) is bound per request: a plan made yesterday answers today.
    A plan that compared an explicit asOf with today is made again once today passes it
    (the present state before, the history after)."""
    from datetime import date

    from api.compiled import plan_cache_size
    from api.context import Context

    (district,) = await _ids(
        seeded_db,
        "SELECT u.parent_id FROM org_unit u WHERE u.kind = 'TOWN' AND EXISTS "
        "(SELECT 1 FROM assignment a WHERE a.org_unit_id = u.id) ORDER BY u.code LIMIT 1",
    )
    answers = []
    async with (
        graphql_client(seeded_db) as fast,
        graphql_client(seeded_db, compiled=False) as slow,
    ):
        # Reports made now: the present state differs from the state as of 2024-06-30.
        towns = await _ids(
            seeded_db,
            f"SELECT c.descendant_id FROM org_unit_closure c JOIN org_unit u "
            f"ON u.id = c.descendant_id WHERE c.ancestor_id = '{district}' AND u.kind = 'TOWN' "
            "AND EXISTS (SELECT 1 FROM assignment a "
            "WHERE a.org_unit_id = u.id AND a.role = 'LEAD')",
        )
        for town in towns[:3]:
            await _report(seeded_db, fast, town, percent=100)
        before = plan_cache_size()
        for today in (date(2024, 6, 1), date(2024, 6, 20), date(2024, 7, 10)):
            monkeypatch.setattr(Context, "today", lambda self, today=today: today)
            for headers in ({}, _bearer(district)):
                answers.append(await _both(fast, slow, headers, DAYS_SHAPE, district))
        after = plan_cache_size()
    assert after - before == 2  # one plan per kind of scope, over three days
    assert [a["orgUnit"]["now"]["asOf"] for a in answers[::2]] == [
        "2024-06-01",
        "2024-06-20",
        "2024-07-10",
    ]
    assert {a["orgUnit"]["fixed"]["asOf"] for a in answers} == {"2024-06-30"}
    # Before 2024-06-30 "fixed" is the present state, after it the history.
    assert answers[0]["orgUnit"]["fixed"] != answers[-2]["orgUnit"]["fixed"]


@pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)
async def test_metrics_report_the_plan_cache_size(seeded_db: TestDatabase) -> None:
    """/metrics shows this worker's plan cache size (govgraph_compiled_plans)."""
    import re

    from api.compiled import plan_cache_size

    async with graphql_client(seeded_db) as client:
        text = (await client.http.get("/metrics")).text
    found = re.search(r"^govgraph_compiled_plans (\S+)$", text, re.MULTILINE)
    assert found is not None
    assert float(found.group(1)) == plan_cache_size()


COVERED_SHAPE = """query C($u: ID!) { orgUnit(id: $u) { id name
  parent { id name tasks(first: 3) { totalCount } }
  ancestors { id name taskRollup { total } targets { id } }
  children { id name taskRollup { total overdue } tasks(first: 2) { totalCount } }
  taskRollup { asOf total overdue completed weightedProgress }
  any: taskRollup(role: ANY, includeDescendants: false) { total }
  filtered: taskRollup(filter: {deadlineKind: [BY_DATE]}) { total }
  rectificationRollup { total overdue }
  rectifications(includeDescendants: true, first: 5) { totalCount
    edges { node { id responsibleUnits { id name } } } }
  targets { id orgUnit { id } }
  overdue: tasks(includeDescendants: true, filter: {overdueAsOf: "2026-01-01"}, first: 5) {
    totalCount edges { node { id leadUnits { id } } } }
  tasks(includeDescendants: true, role: ANY, first: 20, orderBy: [DEADLINE_ASC]) { totalCount
    edges { node { id code plan { id } document { id issuer { id } }
      leadUnits { id name } cooperatingUnits { id name }
      reports(first: 3) { edges { node { percent reportedBy unit { name } } } } } } } }
  orgUnits(first: 10, filter: {ancestor: $u}) { totalCount
    edges { node { id name aliases lineParent { id } taskRollup { total } } } } }"""


@pytest.mark.postgres
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
@pytest.mark.parametrize("rls", [False, pytest.param(True, marks=pytest.mark.private_db)])
async def test_covered_plans_answer_as_the_general_ones(seeded_db: TestDatabase, rls: bool) -> None:
    """A restricted viewer asking about a unit in its subtree runs the covered plan (read
    below the unit as ADMIN reads: models/rules/scope.py `covered`), about any other unit the
    general one, which says whether the unit lies in the subtree: a unit below the viewer's
    is covered from the second request on. Every answer equals the resolvers', in one
    statement; a stale hint (a unit said to be inside that is not) costs a second statement,
    never a wrong answer. Under row-level security too."""
    from api import compiled

    (district, town) = await _district_and_town(seeded_db)
    (elsewhere,) = await _ids(
        seeded_db,
        "SELECT u.id FROM org_unit u WHERE NOT EXISTS (SELECT 1 FROM org_unit_closure c "
        f"WHERE (c.ancestor_id = u.id AND c.descendant_id = '{district}') "
        f"OR (c.ancestor_id = '{district}' AND c.descendant_id = u.id)) "
        "ORDER BY u.code LIMIT 1",
    )
    (above,) = await _ids(seeded_db, f"SELECT parent_id FROM org_unit WHERE id = '{district}'")
    viewer = _bearer(district)
    statements: list[int] = []

    async def ask(unit: Any) -> Any:
        from resolvers.common import global_id

        body = {"query": COVERED_SHAPE, "variables": {"u": str(global_id("OrgUnit", unit))}}
        got = (await fast.http.post("/graphql", json=body, headers=viewer)).json()
        want = (await slow.http.post("/graphql", json=body, headers=viewer)).json()
        extensions = got.pop("extensions")["sql"]
        want.pop("extensions")
        assert extensions["compiled"] is True
        assert got == want, unit
        assert "errors" not in got
        statements.append(extensions["statements"])
        return got["data"]

    def hints(unit: Any) -> list[Any]:
        """INSIDE's keys of the district viewer asking about `unit`."""
        from resolvers.common import global_id

        asked = str(global_id("OrgUnit", unit))
        return [k for k in compiled.INSIDE._plans if k[1] == district and asked in str(k)]

    def inside(unit: Any) -> Any:
        """What INSIDE says of the district viewer asking about `unit`."""
        found = hints(unit)
        return compiled.INSIDE.get(found[0]) if found else None

    def covered_plans() -> int:
        return sum(
            1
            for k, v in compiled.PLANS._plans.items()
            if isinstance(v, compiled.Plan) and k[1] == COVERED_SHAPE and k[-1]
        )

    compiled.INSIDE._plans.clear()
    async with (
        graphql_client(seeded_db, rls=rls) as fast,
        graphql_client(seeded_db, compiled=False) as slow,
    ):
        own = await ask(district)  # its own unit: the covered plan at once
        assert own["orgUnit"]["tasks"]["totalCount"] > 0
        assert own["orgUnit"]["ancestors"]
        assert covered_plans() == 1
        assert inside(district) is None
        first = await ask(town)  # below it: the general plan says so
        assert inside(town) is True
        again = await ask(town)  # then the covered plan answers
        assert first == again
        await ask(elsewhere)  # outside: the general plan
        assert inside(elsewhere) is False
        above_answer = await ask(above)  # an ancestor: visible, not covered
        assert above_answer["orgUnit"] is not None
        assert inside(above) is False
        # A stale hint: the unit above said to be inside. The covered plan's guard fails
        # (NULL), the general plan answers: two statements, the same answer.
        (hint,) = hints(above)
        compiled.INSIDE.put(hint, True)
        assert await ask(above) == above_answer
        assert inside(above) is False
    assert statements == [1, 1, 1, 1, 1, 2]


NAME_SHAPE = """query N($n: String!) { orgUnit(name: $n) { id name kind
  taskRollup { total overdue } children(kind: TOWN) { name taskRollup { total } } } }"""


@pytest.mark.parametrize("seeded_db", ["sqlite", "postgresql"], indirect=True)
async def test_one_plan_serves_every_name_of_a_shape(seeded_db: TestDatabase) -> None:
    """orgUnit(name: $n) binds the name's strings (resolvers/org_unit/queries.py
    name_parameters): one plan per name_shape, not per name, and every answer equals the
    resolvers' (names, aliases, official forms, unknown names), for ADMIN and for a town
    viewer asking about its own town (covered) and about the district above it."""
    from collections import Counter

    from api import compiled
    from resolvers.org_unit.queries import name_shape

    rows = await _ids(
        seeded_db,
        "SELECT u.name FROM org_unit u WHERE u.kind = 'TOWN' AND EXISTS "
        "(SELECT 1 FROM assignment a WHERE a.org_unit_id = u.id) ORDER BY u.code",
    )
    ((common, _count),) = Counter(name_shape(n) for n in rows).most_common(1)
    towns = [n for n in rows if name_shape(n) == common][:4]
    assert len(towns) >= 3
    (town,) = await _ids(seeded_db, f"SELECT id FROM org_unit WHERE name = '{towns[0]}'")
    (district,) = await _ids(
        seeded_db,
        f"SELECT p.name FROM org_unit u JOIN org_unit p ON p.id = u.parent_id "
        f"WHERE u.id = '{town}'",
    )
    others = [
        district,
        f" {district} ",
        "晋城市城区人民政府",
        "城区人民政府",
        "没有这个单位",
        "   ",
    ]

    async def ask(gql: GraphQLClient, headers: dict[str, str], name: str) -> Any:
        body = {"query": NAME_SHAPE, "variables": {"n": name}}
        return (await gql.http.post("/graphql", json=body, headers=headers)).json()

    async with (
        graphql_client(seeded_db) as fast,
        graphql_client(seeded_db, compiled=False) as slow,
    ):
        before = plan_keys()
        for headers in ({}, _bearer(town)):
            for name in [*towns, *others]:
                got, want = await ask(fast, headers, name), await ask(slow, headers, name)
                assert got.pop("extensions")["sql"]["compiled"] is True, name
                want.pop("extensions")
                assert got == want, name
                assert "errors" not in got
                if name in towns:
                    assert got["data"]["orgUnit"]["name"] == name
        made = plan_keys() - before
    shapes = {name_shape(n) for n in [*towns, *others] if n.strip()} | {None}
    # ADMIN: one plan per shape; the town viewer: a general plan per shape, and a covered
    # one for the names it looked up in its branch (its own town; the others' guards fail).
    admin = [k for k in made if k[3]]
    assert len(admin) == len(shapes)
    assert len(made) <= 3 * len(shapes)
    assert compiled.plan_cache_size() >= len(made)


def plan_keys() -> set[Any]:
    """The keys of the compiled plans this worker holds."""
    from api import compiled

    return {k for k, v in compiled.PLANS._plans.items() if isinstance(v, compiled.Plan)}


@pytest.mark.parametrize("seeded_db", ["sqlite", "postgresql"], indirect=True)
async def test_the_dashboard_screen_has_one_plan_for_every_unit(seeded_db: TestDatabase) -> None:
    """The screen's $unit (orgUnit(id:), and statusAsOf(unit:) / progressAsOf(unit:) in its
    TaskRow fragment) is a bind parameter: one plan answers every unit's screen, each answer
    the resolvers'."""
    import uuid
    from pathlib import Path

    from resolvers.common import global_id

    query = (Path(__file__).parents[2] / "api/static/dashboard/queries/screen.graphql").read_text()
    units = await _ids(
        seeded_db,
        "SELECT u.id FROM org_unit u WHERE EXISTS "
        "(SELECT 1 FROM assignment a WHERE a.org_unit_id = u.id) ORDER BY u.depth, u.code LIMIT 4",
    )
    assert len(units) == 4
    async with (
        graphql_client(seeded_db) as fast,
        graphql_client(seeded_db, compiled=False) as slow,
    ):
        before = plan_keys()
        for unit in units:
            body = {
                "query": query,
                "variables": {
                    "unit": str(global_id("OrgUnit", uuid.UUID(str(unit)))),
                    "asOf": "2023-10-20",
                },
            }
            got = (await fast.http.post("/graphql", json=body)).json()
            want = (await slow.http.post("/graphql", json=body)).json()
            assert got.pop("extensions")["sql"]["compiled"] is True
            want.pop("extensions")
            assert got == want
            assert got["data"]["unit"]["id"] == body["variables"]["unit"]
        assert len(plan_keys() - before) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_the_plan_statement_checks_a_new_tokens_unit(
    seeded_db: TestDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A token whose unit is not yet known to exist (api/auth.py KnownUnits) costs no
    statement of its own on the cached-plan path: the plan's statement checks it
    (api/compiled.py run_plan). A token naming a unit that is not there is still refused
    (401), with the plan cached, and its unit is not remembered."""
    import uuid

    from api.auth import KnownUnits

    required: list[Any] = []
    found: list[Any] = []
    original_require, original_found = KnownUnits.require, KnownUnits.found

    async def require(self: KnownUnits, db: Any, viewer: Any) -> None:
        required.append(viewer.unit_id)
        await original_require(self, db, viewer)

    def remember(self: KnownUnits, unit: Any, tree_root: bool = False) -> None:
        found.append(unit)
        original_found(self, unit, tree_root)

    monkeypatch.setattr(KnownUnits, "require", require)
    monkeypatch.setattr(KnownUnits, "found", remember)
    towns = await _ids(
        seeded_db,
        "SELECT u.id FROM org_unit u WHERE u.kind = 'TOWN' AND EXISTS "
        "(SELECT 1 FROM assignment a WHERE a.org_unit_id = u.id) ORDER BY u.code LIMIT 3",
    )
    query = "query P($u: ID!) { orgUnit(id: $u) { name taskRollup { total } } }"
    from resolvers.common import global_id

    def ask(unit: Any) -> dict[str, Any]:
        return {"query": query, "variables": {"u": str(global_id("OrgUnit", unit))}}

    async with graphql_client(seeded_db) as fast:
        # The first town compiles the covered plan (the full path: its unit checked apart).
        first = await fast.http.post("/graphql", json=ask(towns[0]), headers=_bearer(towns[0]))
        assert first.json()["data"]["orgUnit"] is not None
        assert required == [towns[0]]
        # The next towns' tokens: the plan's one statement checks their units.
        for town in towns[1:]:
            response = await fast.http.post("/graphql", json=ask(town), headers=_bearer(town))
            body = response.json()
            assert body["extensions"]["sql"] == body["extensions"]["sql"] | {
                "compiled": True,
                "statements": 1,
            }
            assert body["data"]["orgUnit"]["name"]
        assert required == [towns[0]]
        assert found[-2:] == towns[1:]
        # A unit that does not exist: refused as on the full path, never remembered.
        ghost = uuid.uuid4()
        refused = await fast.http.post("/graphql", json=ask(ghost), headers=_bearer(ghost))
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert ghost not in found
        assert required[-1] == ghost


DASHBOARD = Path(__file__).parents[2] / "api" / "static" / "dashboard" / "queries"
GENERIC_SHAPE = "query G($u: ID!) { orgUnit(id: $u) { id name taskRollup { total overdue } } }"
LIST_SHAPE = """query L($u: ID!) { orgUnit(id: $u) {
  tasks(first: 3, includeDescendants: true) { totalCount } } }"""
SAFE_LISTS = (
    """query C($u: ID!) { orgUnit(id: $u) { children { id name taskRollup { total } }
      tasks(first: 5, orderBy: [DEADLINE_ASC]) { totalCount edges { node { id code title
        status progress deadline { end text } leadUnits { id name } } } } } }""",
    """query O($u: ID!) { orgUnit(id: $u) { tasks(includeDescendants: true, first: 5,
      filter: {overdueAsOf: "2100-01-01"}, orderBy: [DEADLINE_ASC]) { totalCount
      pageInfo { hasNextPage endCursor } edges { node { id } } } } }""",
    """query T($u: ID!) { orgUnits(first: 5, filter: {kind: [TOWN], ancestor: $u}) {
      edges { node { id name tasks(first: 5) { totalCount edges { node { id } } } } } } }""",
)


@pytest.mark.postgres
@pytest.mark.private_db
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_key_reads_run_where_postgresql_keeps_a_generic_plan(
    seeded_db: TestDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan that reads by keys only (compiler.py GENERIC_SAFE: a unit, its columns, its
    rollup from the maintained buckets) runs on the second pool, whose connections let
    PostgreSQL keep a generic plan (plan_cache_mode force_generic_plan); lists, live
    aggregations and a restricted viewer's general plan stay on the connections that plan
    every execution. The dashboard's screen is a key read, today and as of a past day; with
    a filtered rectification list it is not. The answers are the resolvers',
    on every run."""
    from api.app import create_app
    from api.settings import Settings
    from resolvers.common import global_id
    from resolvers.database import Database

    used: list[Any] = []
    original = Database._fetchval_direct

    async def spy(self: Database, engine: Any, sql: str, args: Any) -> Any:
        used.append(engine is self.generic_engine)
        return await original(self, engine, sql, args)

    monkeypatch.setattr(Database, "_fetchval_direct", spy)
    (district, town) = await _district_and_town(seeded_db)
    settings = Settings(
        database_url=seeded_db.url,
        secret=TEST_SECRET,
        anonymous=True,
        debug=True,
        statement_timeout_ms=10_000,
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)

    async def ask(gql: GraphQLClient, query: str, unit: Any, headers: dict[str, str]) -> Any:
        body = {"query": query, "variables": {"u": str(global_id("OrgUnit", unit))}}
        return (await gql.http.post("/graphql", json=body, headers=headers)).json()

    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://t") as http,
        graphql_client(seeded_db, compiled=False) as slow,
    ):
        fast = GraphQLClient(http)
        for unit in [district, town] * 4:  # past PostgreSQL's five custom plans
            used.clear()
            got, want = (
                await ask(fast, GENERIC_SHAPE, unit, {}),
                await ask(slow, GENERIC_SHAPE, unit, {}),
            )
            assert got.pop("extensions")["sql"]["compiled"] is True
            want.pop("extensions")
            assert got == want
            assert used in ([], [True])  # the first run compiles on the request's handle
        assert used == [True]
        # Lists: a unit's children and own tasks, its overdue members in deadline order, the
        # towns under it (a page each) are key reads too; a subtree's task list is not.
        for query, generic in (*((q, True) for q in SAFE_LISTS), (LIST_SHAPE, False)):
            for _ in range(2):
                used.clear()
                got = await ask(fast, query, district, {})
                want = await ask(slow, query, district, {})
                assert got.pop("extensions")["sql"]["compiled"] is True
                want.pop("extensions")
                assert got == want
            assert used == [generic], query
        # The dashboard's screen is a key read, today and as of a past day (the tree's and
        # the buckets' history by key); with a filtered rectification list it is not.
        screen = (DASHBOARD / "screen.graphql").read_text()
        filtered = screen.replace(
            "rectifications(includeDescendants: true,",
            "rectifications(includeDescendants: true, filter: {status: [NOT_STARTED]},",
        )
        assert filtered != screen
        today = calendar.today()
        for query, day, generic in (
            (screen, today, True),
            (screen, today - timedelta(days=40), True),
            (filtered, today, False),
        ):
            for unit in (district, town):
                used.clear()
                variables = {"unit": str(global_id("OrgUnit", unit)), "asOf": str(day)}
                body = {"query": query, "variables": variables}
                got = (await fast.http.post("/graphql", json=body)).json()
                want = (await slow.http.post("/graphql", json=body)).json()
                assert got.pop("extensions")["sql"]["compiled"] is True
                want.pop("extensions")
                assert got == want
                assert "errors" not in got
            assert used == [generic], (day, query is filtered)
        # A town viewer: its own unit (the covered plan) is a key read, an ancestor is not.
        for unit, generic in ((town, True), (district, False)):
            for _ in range(3):
                used.clear()
                got = await ask(fast, GENERIC_SHAPE, unit, _bearer(town))
                want = await ask(slow, GENERIC_SHAPE, unit, _bearer(town))
                got.pop("extensions"), want.pop("extensions")
                assert got == want
            assert used == [generic]
        # The two pools' connections: PostgreSQL's choice on one, planning each run on the other.
        gql_app = next(r.endpoint for r in app.routes if getattr(r, "path", "") == "/graphql")
        modes = []
        for engine in (gql_app.generic_engine, gql_app.engine):
            async with engine.connect() as conn:
                modes.append((await conn.execute(sa.text("SHOW plan_cache_mode"))).scalar())
        assert modes == ["force_generic_plan", "force_custom_plan"]
