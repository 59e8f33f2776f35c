"""The compiled read path answers exactly as the resolvers do (issue 8).

Every query of the corpus runs twice per viewer over the same database (SQLite and PostgreSQL):
once with the compiled path (one SQL statement building the JSON) and once through the
resolvers (GOVGRAPH_COMPILED=0). The responses must be equal, key order included, and the queries
meant to compile must actually have compiled (extensions.sql.compiled), in one statement.
Datasets: the seed (the Jincheng documents) and a generated province.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from api.api_keys import create_key
from api.app import create_app
from api.auth import mint_token
from api.db import create_engine
from api.settings import Settings, normalize_database_url
from models.enums import ViewerRole
from models.rules import calendar
from resolvers.common import global_id
from tests.conftest import TEST_SECRET, Goldens, TestDatabase, _pg_database_url

# The reference dashboard's queries as it sends them (api/static/dashboard/app.js).
DASHBOARD_QUERIES = Path(__file__).parents[2] / "api" / "static" / "dashboard" / "queries"


def dashboard_query(name: str) -> str:
    return (DASHBOARD_QUERIES / name).read_text(encoding="utf-8")


# The docs/ examples that read (the others mutate, fail on purpose or subscribe).
DOCS = Path(__file__).parents[2] / "docs" / "examples"
DOCS_QUERIES = (
    "01-unit-overview",
    "02-rollup-scopes",
    "03-overdue-tasks",
    "04-pagination",
    "05-targets-and-measurements",
    "06-rectifications",
)


def docs_example(name: str) -> tuple[str, dict[str, Any]]:
    """A docs/ example's query and its variables."""
    import json

    query = (DOCS / f"{name}.graphql").read_text(encoding="utf-8")
    return query, json.loads((DOCS / f"{name}.json").read_text(encoding="utf-8"))


OVERDUE_PAGE = dashboard_query("overdue-page.graphql")
UNIT_TREE = dashboard_query("unit-tree.graphql")

ROLLUP = (
    "asOf total completed inProgress notStarted overdue dueSoon ongoing completionRate "
    "weightedProgress __typename"
)

# (name, query, variables(units) -> dict, compiles)
DASHBOARD = f"""query Q1($unit: ID!, $today: Date!) {{ orgUnit(id: $unit) {{
  id name taskRollup {{ {ROLLUP} }}
  children {{ id name kind taskRollup {{ {ROLLUP} }} }}
  tasks(includeDescendants: true, filter: {{overdueAsOf: $today}}, orderBy: [DEADLINE_ASC],
        first: 20) {{
    totalCount
    edges {{ cursor node {{ id code label title status progress deadline {{ end text }}
      leadUnits {{ id name }} }} }}
  }} }} }}"""

PAGE_INFO_ALONE = """query($text: String) {
  tasks(first: 3, filter: {text: $text}) { pageInfo { hasPreviousPage __typename } }
  orgUnits(first: 2) { pageInfo { __typename } } }"""

TASK_PAGE = """query Q2($unit: ID!, $first: Int, $after: String, $order: [TaskOrder!]) {
  orgUnit(id: $unit) {
  tasks(includeDescendants: true, orderBy: $order, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }
    edges { __typename cursor node { __typename id code seq label category title description
      remarks responsibilityText responsibilityUnresolved status progress weight version
      deadline { kind start end text }
      leadUnits { id name code } cooperatingUnits { id name }
      reports(first: 2) { totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { id reportedAt period percent status narrative reportedBy
          unit { id name } } } } } }
  } } }"""

ROLLUPS = f"""query R($unit: ID!, $past: Date!, $future: Date!) {{ orgUnit(id: $unit) {{
  now: taskRollup {{ {ROLLUP} }}
  past: taskRollup(asOf: $past) {{ {ROLLUP} }}
  future: taskRollup(asOf: $future) {{ total overdue dueSoon }}
  own: taskRollup(includeDescendants: false) {{ total completed weightedProgress }}
  any: taskRollup(role: ANY) {{ total inProgress completionRate }}
  cooperating: taskRollup(role: COOPERATING, asOf: $past) {{ total notStarted }}
}} }}"""

# Lights (亮灯: models/rules/health.py) in the one statement: from the members (LEAD over the
# subtree) or live (other shapes, filters, plans); TaskFilter.health (as of today); role ANY
# rollups from the LEAD buckets plus the cooperating-only tasks, today and a past day.
LIGHTS = f"""query H($unit: ID!, $past: Date!, $future: Date!) {{ orgUnit(id: $unit) {{
  now: taskRollup {{ green yellow red total }}
  past: taskRollup(asOf: $past) {{ green yellow red }}
  future: taskRollup(asOf: $future) {{ red yellow }}
  any: taskRollup(role: ANY) {{ {ROLLUP} green red }}
  anyPast: taskRollup(role: ANY, asOf: $past) {{ {ROLLUP} yellow }}
  own: taskRollup(includeDescendants: false, asOf: $past) {{ green yellow red }}
  red: taskRollup(filter: {{health: [RED]}}) {{ total overdue green red }}
  filtered: taskRollup(asOf: $past, filter: {{deadlineKind: [BY_DATE]}}) {{ green yellow red }}
  lit: tasks(includeDescendants: true, filter: {{health: [YELLOW, RED]}}, first: 5) {{
    totalCount edges {{ node {{ id }} }} }}
}}
  plans(first: 3) {{ edges {{ node {{ taskRollup(asOf: $past) {{ green yellow red }} }} }} }}
  tasks(filter: {{health: [GREEN]}}, first: 4, orderBy: [DEADLINE_ASC]) {{
    totalCount edges {{ node {{ id }} }} }}
}}"""

NESTED = """query Q4($unit: ID!) {
  orgUnits(first: 50, filter: {ancestor: $unit}) { totalCount pageInfo { endCursor hasNextPage }
    edges { cursor node { id name depth
      tasks(first: 5, role: ANY, orderBy: [STATUS_DESC, UPDATED_ASC]) { totalCount
        edges { cursor node { id code label status progress deadline { end } } } } } } } }"""

FRAGMENTS = """query F($unit: ID!) {
  a: orgUnit(id: $unit) { ...Unit kids: children { ...Unit } towns: children(kind: TOWN) { id } }
  b: orgUnit(id: $unit) { ... on OrgUnit { name } ... on Node { id } __typename }
  __typename
}
fragment Unit on OrgUnit { __typename id code name kind depth remarks aliases
  parent { id name parent { id } } lineParent { id name } ancestors { id name kind } }"""

TASK_LIST = """query T($filter: TaskFilter, $order: [TaskOrder!], $after: String) {
  tasks(filter: $filter, orderBy: $order, first: 7, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id code label status deadline { kind end } leadUnits { name }
      plan { id title kind field year objectives source document { id docNumber } }
      document { __typename id docNumber title kind issuedOn basedOn summary remarks
        issuer { id name } } } } } }"""

SAME_ID_TWICE = """query L($unit: ID!) { orgUnit(id: $unit) { name
  tasks(role: ANY, filter: {leadUnit: $unit}, first: 4) { totalCount
    edges { node { code leadUnits { name } } } } } }"""

CHILDREN_OF = """query C($parent: ID, $kinds: [OrgUnitKind!]) {
  orgUnits(filter: {parent: $parent, kind: $kinds}, first: 6) { totalCount
    edges { cursor node { id name kind parent { name } } } pageInfo { endCursor } } }"""

# The tree of a day (models/org_unit_tree.py): units in force then, under their parent then.
DATED_TREE = """query D($unit: ID!, $asOf: Date) {
  orgUnit(id: $unit) { id name parent(asOf: $asOf) { id name }
    children(asOf: $asOf) { id name validFrom validTo parent(asOf: $asOf) { id }
      children(asOf: $asOf) { id name } }
    towns: children(kind: TOWN, asOf: $asOf) { id } now: children { id } }
  orgUnits(first: 40, asOf: $asOf) { totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id name parent(asOf: $asOf) { id } then: parent { id } } } }
  under: orgUnits(first: 40, asOf: $asOf, filter: {parent: $unit}) { totalCount
    edges { node { id name } } } }"""

FALLBACK = """query N($unit: ID!) { orgUnit(id: $unit) { id name rectificationRollup { total }
  tasks(first: 3) { edges { node { id escalations { id level } } } } } }"""

# Documents and plans, their tasks and rollups.
PLANS = f"""query P($asOf: Date, $docNumber: String, $field: PlanField, $order: [TaskOrder!]) {{
  documents(first: 5, docNumber: $docNumber) {{ totalCount pageInfo {{ hasNextPage endCursor }}
    edges {{ cursor node {{ id docNumber title kind issuedOn issuer {{ name }}
      plans {{ id title field year parent {{ id title }}
        taskRollup(asOf: $asOf) {{ {ROLLUP} }}
        late: taskRollup(filter: {{overdueAsOf: $asOf}}) {{ total overdue }}
        tasks(first: 3, orderBy: $order) {{ totalCount pageInfo {{ endCursor hasNextPage }}
          edges {{ cursor node {{ id code label status leadUnits {{ name }} }} }} }}
        open: tasks(first: 2, filter: {{status: [NOT_STARTED, IN_PROGRESS]}}) {{ totalCount }}
      }} }} }} }}
  plans(first: 8, field: $field) {{ totalCount pageInfo {{ endCursor }}
    edges {{ cursor node {{ id title kind field year objectives source
      document {{ docNumber }} taskRollup {{ total completed }} }} }} }}
}}"""

# Every field of the rectification, target and measurement rules, and `me`.
SUBJECTS = f"""query S($unit: ID!, $asOf: Date, $year: Int, $status: [RectificationStatus!]) {{
  me {{ subject role partner unrestricted unit {{ id name kind }} __typename }}
  orgUnit(id: $unit) {{ name
    now: rectificationRollup {{ asOf total notStarted inProgress completed verified closed
      reopened overdue dueSoon ongoing completionRate green yellow red __typename }}
    own: rectificationRollup(asOf: $asOf, includeDescendants: false) {{ total overdue
      green yellow red }}
    mine: rectifications(first: 3) {{ totalCount edges {{ cursor node {{ id seq }} }} }}
    rectifications(includeDescendants: true, first: 4,
                   filter: {{status: $status, overdueAsOf: $asOf}}) {{
      totalCount pageInfo {{ hasNextPage endCursor }}
      edges {{ cursor node {{ __typename id seq category problem goal measures
        responsibilityText responsibilityUnresolved responsiblePersons status version
        findingNumbers deadline {{ kind start end text }} health then: health(asOf: $asOf)
        responsibleUnits {{ id name }} }} }} }}
    targets(year: $year) {{ id year month kind value valueText baseline baselineYear source
      remarks version indicator {{ code name unit direction kind description }}
      orgUnit {{ id name }}
      section {{ id name river assessmentLevel targetText orgUnit {{ name }} }}
      attainment(asOf: $asOf) {{ asOf status basis actual target monthsMeasured gap }}
      today: attainment {{ status actual }} }}
    filtered: taskRollup(asOf: $asOf, filter: {{deadlineKind: [BY_DATE, PERIOD]}}) {{ {ROLLUP} }}
    overdueNow: taskRollup(role: ANY, filter: {{overdueAsOf: $asOf, text: "整治"}}) {{ {ROLLUP} }}
  }}
  targets(first: 30, filter: {{year: $year}}) {{ totalCount pageInfo {{ endCursor }}
    edges {{ cursor node {{ id month value orgUnit {{ name }} attainment(asOf: $asOf) {{
      status basis actual target monthsMeasured gap }} }} }} }}
  measurements(first: 30, filter: {{year: $year}}) {{ totalCount
    edges {{ cursor node {{ year month value valueText source remarks
      indicator {{ code }} orgUnit {{ name }} section {{ name }} }} }} }}
}}"""


# Unit lists with state tests over the subtree: read from the rollup members (today: the
# pending index, ordered by deadline or through the task rows; past days: their history),
# negated and combined tests, filters beside them; filtered rollups from the members.
MEMBER_LISTS = """query M($unit: ID!, $today: Date!, $past: Date!) { orgUnit(id: $unit) {
  late: tasks(includeDescendants: true, filter: {overdueAsOf: $today},
              orderBy: [DEADLINE_DESC], first: 5) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id code } } }
  lateThen: tasks(includeDescendants: true, filter: {overdueAsOf: $past}, first: 5) {
    totalCount edges { cursor node { id code status } } }
  soon: tasks(includeDescendants: true, orderBy: [STATUS_ASC], first: 5,
              filter: {dueSoonAsOf: $today, status: [NOT_STARTED, IN_PROGRESS]}) {
    totalCount edges { cursor node { id status } } }
  notSoon: tasks(includeDescendants: true, filter: {dueSoon: false}, orderBy: [DEADLINE_ASC],
                 first: 5) { totalCount edges { cursor node { id deadline { end } } } }
  within: tasks(includeDescendants: true, filter: {dueWithin: 400, overdueAsOf: $past},
                first: 3) { totalCount edges { node { id } } }
  own: tasks(filter: {overdueAsOf: $today}, first: 3) { totalCount edges { node { id } } }
  byKind: taskRollup(asOf: $past, filter: {deadlineKind: [BY_DATE]}) { ROLLUP_FIELDS }
  byStatus: taskRollup(filter: {status: [IN_PROGRESS], text: "整治"}) { ROLLUP_FIELDS }
} }""".replace("ROLLUP_FIELDS", ROLLUP)


@dataclass
class Case:
    name: str
    query: str
    variables: dict[str, Any]
    compiles: bool = True


def unit_ids(rows: list[Any]) -> list[str]:
    return [str(global_id("OrgUnit", r.id)) for r in rows]


async def corpus(db: TestDatabase) -> tuple[list[Case], list[uuid.UUID]]:
    """Queries over this database's units, and the units to view it as."""
    async with db.engine.connect() as conn:
        units = (
            await conn.execute(
                sa.text(
                    "SELECT u.id, u.name, u.kind, u.depth, (SELECT count(*) FROM assignment a "
                    "WHERE a.org_unit_id = u.id) AS n, EXISTS (SELECT 1 FROM assignment a "
                    "JOIN task t ON t.id = a.task_id WHERE a.org_unit_id = u.id "
                    "AND t.parent_id IS NOT NULL AND a.role = 'LEAD') AS leads_subtask "
                    "FROM org_unit u ORDER BY u.depth, u.code"
                ).columns(id=sa.Uuid())
            )
        ).all()
    today = calendar.today()  # the configured zone's (Asia/Shanghai)
    root = units[0]
    district = next((u for u in units if u.kind == "DISTRICT"), units[0])
    busy = max(units, key=lambda u: u.n)
    town = next((u for u in units if u.kind == "TOWN" and u.n > 0), busy)
    picks = [root, district, busy, town]
    # A unit leading a subtask (its label 3.1 walks up to the parent), deepest first: a
    # department of a district sees the subtask but maybe not the parent task.
    picks += [u for u in reversed(units) if u.leads_subtask][:1]
    ids = unit_ids(picks)
    cases: list[Case] = []
    for gid in ids:
        cases += [
            Case("dashboard", DASHBOARD, {"unit": gid, "today": str(today)}),
            Case("rollups", ROLLUPS, {"unit": gid, "past": "2023-06-30", "future": "2030-01-01"}),
            Case("fragments", FRAGMENTS, {"unit": gid}),
            Case("lights", LIGHTS, {"unit": gid, "past": "2023-10-20", "future": "2030-01-01"}),
            Case(
                "lights, recent",
                LIGHTS,
                {"unit": gid, "past": str(today - timedelta(days=150)), "future": str(today)},
            ),
            Case(
                "member lists",
                MEMBER_LISTS,
                {"unit": gid, "today": str(today), "past": "2023-10-20"},
            ),
            Case("fallback", FALLBACK, {"unit": gid}, compiles=False),
            Case("same id twice", SAME_ID_TWICE, {"unit": gid}),
            Case("children of", CHILDREN_OF, {"parent": gid, "kinds": None}),
            Case("dated tree", DATED_TREE, {"unit": gid, "asOf": "2023-10-20"}),
            Case("dated tree, today's", DATED_TREE, {"unit": gid, "asOf": None}),
            Case("towns of", CHILDREN_OF, {"parent": gid, "kinds": ["TOWN", "DEPARTMENT"]}),
            # The dashboard's own documents, as app.js sends them: all compile (issue 15).
            Case("dashboard overdue page", OVERDUE_PAGE, {"unit": gid, "asOf": str(today)}),
            Case(
                "dashboard screen",
                dashboard_query("screen.graphql"),
                {"unit": gid, "asOf": str(today)},
            ),
            Case(
                "dashboard screen, past",
                dashboard_query("screen.graphql"),
                {"unit": gid, "asOf": "2023-10-20", "rectificationsFirst": 3},
            ),
            # The badges as of the day (statusAsOf / progressAsOf in the list's unit).
            Case("dashboard overdue page, past", OVERDUE_PAGE, {"unit": gid, "asOf": "2023-10-20"}),
            Case(
                "dashboard unit tasks page, past",
                dashboard_query("unit-tasks-page.graphql"),
                {"unit": gid, "asOf": "2023-10-20", "first": 100},
            ),
            Case(
                "dashboard rectifications page, past",
                dashboard_query("rectifications-page.graphql"),
                {"unit": gid, "asOf": "2023-06-30"},
            ),
        ]
        for as_of in (None, "2023-06-30"):
            variables = {"unit": gid, "asOf": as_of, "year": 2023, "status": None}
            cases.append(Case("subjects", SUBJECTS, variables))
    for gid in ids[:3]:
        variables = {"unit": gid, "asOf": str(today), "year": 2023, "status": None}
        cases.append(Case("subjects", SUBJECTS, variables))
        cases.append(
            Case(
                "subjects, open",
                SUBJECTS,
                {"unit": gid, "asOf": "2024-01-31", "year": None, "status": ["NOT_STARTED"]},
            )
        )
    for as_of, number, field, order in (
        (None, None, None, None),
        (str(today), "城政办发〔2023〕20号", "AIR", ["DEADLINE_ASC"]),
        ("2023-06-30", None, "WATER", ["STATUS_DESC", "SEQ_ASC"]),
        ("2023-10-20", "no such number", None, None),
    ):
        variables = {"asOf": as_of, "docNumber": number, "field": field, "order": order}
        cases.append(Case("documents and plans", PLANS, variables))
    names = ["城区", "区生态环境分局", "no such unit", picks[1].name, picks[3].name]
    for example in DOCS_QUERIES:
        query, variables = docs_example(example)
        cases.append(Case(f"docs {example}", query, variables))
        if "name" in variables:
            for name in names:
                # asOf is required in 02: today instead of the default.
                now = str(today) if example == "02-rollup-scopes" else None
                for as_of in (now, "2023-06-30"):
                    more = variables | {"name": name, "asOf": as_of}
                    cases.append(Case(f"docs {example}", query, more))
        elif "asOf" in variables:
            for as_of in (str(today), "2023-06-30", None):
                if as_of is not None or example == "05-targets-and-measurements":
                    cases.append(Case(f"docs {example}", query, variables | {"asOf": as_of}))
    for gid in ids[:3]:
        cases += [
            Case("task page", TASK_PAGE, {"unit": gid, "first": 25, "order": ["DEADLINE_ASC"]}),
            Case(
                "task page by status",
                TASK_PAGE,
                {"unit": gid, "first": 3, "order": ["STATUS_ASC", "SEQ_DESC"]},
            ),
            Case("nested", NESTED, {"unit": gid}),
        ]
    filters: list[dict[str, Any]] = [
        {},
        {"status": ["IN_PROGRESS", "COMPLETED"]},
        {"deadlineKind": ["BY_DATE"], "dueBefore": "2024-06-30"},
        {"overdueAsOf": str(today)},
        {"text": "整治"},
        {"leadUnit": ids[2]},
    ]
    orders = (["SEQ_ASC"], ["DEADLINE_DESC"], ["UPDATED_DESC", "STATUS_ASC"])
    for i, flt in enumerate(filters):
        cases.append(Case("task list", TASK_LIST, {"filter": flt, "order": orders[i % 3]}))
    for order in orders:
        cases.append(Case("task list", TASK_LIST, {"filter": {}, "order": order}))
    # Overdue as of a past day by deadline: the root's overdue spans walked, the count from
    # the bucket history; today: the root's pending members; the others judge live; pages
    # after them too (next_pages).
    for day in ("2023-06-30", "2023-10-20", str(today - timedelta(days=150)), str(today)):
        for order in (["DEADLINE_ASC"], ["DEADLINE_DESC"], ["SEQ_ASC"]):
            variables = {"filter": {"overdueAsOf": day}, "order": order}
            cases.append(Case("task list, overdue then", TASK_LIST, variables))
    for text in ("整治", "no task says this"):  # a page info aggregating nothing, empty too
        cases.append(Case("page info alone", PAGE_INFO_ALONE, {"text": text}))
    cases += [
        Case("dashboard unit tree", UNIT_TREE, {}),
        Case("dashboard unit tree", UNIT_TREE, {"first": 7}),
        Case("dashboard unit tree, past", UNIT_TREE, {"first": 7, "asOf": "2023-10-20"}),
        Case("every unit", CHILDREN_OF, {"parent": None, "kinds": None}),
        Case(
            "bad lead unit",
            SAME_ID_TWICE.replace("leadUnit: $unit", 'leadUnit: "x"'),
            {"unit": ids[0]},
            compiles=False,
        ),
        Case(
            "missing unit",
            DASHBOARD,
            {"unit": str(global_id("OrgUnit", uuid.uuid4())), "today": str(today)},
        ),
        Case("bad id", FRAGMENTS, {"unit": "not-an-id"}, compiles=False),
        Case(
            "page too large",
            TASK_LIST,
            {"filter": {}, "order": []} | {"after": "bad"},
            compiles=False,
        ),
    ]
    return cases, [u.id for u in picks]


async def next_pages(clients: Clients, cases: list[Case]) -> list[Case]:
    """Second pages: the same queries `after` the first page's endCursor (as the resolvers
    wrote it), so cursors made by one path are read by the other."""
    out = []
    for case in cases:
        paged = (TASK_LIST, TASK_PAGE, OVERDUE_PAGE, UNIT_TREE, docs_example("04-pagination")[0])
        if case.query not in paged or not case.compiles:
            continue
        body = {"query": case.query, "variables": case.variables}
        data = (await clients.resolvers.post("/graphql", json=body)).json().get("data") or {}
        connection = (
            data.get("tasks")
            or data.get("orgUnits")
            or (data.get("orgUnit") or {}).get("tasks")
            or (data.get("unit") or {}).get("overdue")
        )
        if connection and connection["pageInfo"]["hasNextPage"]:
            after = connection["pageInfo"]["endCursor"]
            out.append(
                Case(f"{case.name}, next page", case.query, case.variables | {"after": after})
            )
    assert len(out) >= 3  # the corpus pages through several lists
    return out


def shape(value: Any) -> Any:
    """A response with key order kept and every number a float (100 and 100.0 are one).

    Floats are compared to 12 significant digits: sums of floats in a different order (two
    query plans) may differ in the last bit.
    """
    if isinstance(value, dict):
        return [(k, shape(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [shape(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    return float(f"{float(value):.12g}")


def difference(a: Any, b: Any, path: str = "") -> str | None:
    """Where two shapes first differ, for the failure message."""
    if type(a) is not type(b):
        return f"{path}: {a!r} != {b!r}"
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}: {a!r:.300} / {b!r:.300}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    if isinstance(a, tuple):
        if a[0] != b[0]:
            return f"{path}: key {a[0]} != {b[0]}"
        return difference(a[1], b[1], f"{path}.{a[0]}")
    return None if a == b else f"{path}: {a!r} != {b!r}"


@dataclass
class Clients:
    compiled: httpx.AsyncClient
    resolvers: httpx.AsyncClient


@pytest.fixture
async def clients_for(goldens: Goldens) -> AsyncIterator[Any]:
    opened: list[httpx.AsyncClient] = []
    engines: list[Any] = []

    async def make(db: TestDatabase, rls: bool = False) -> Clients:
        out = []
        for compiled in (True, False):
            settings = Settings(
                database_url=db.url,
                debug=True,
                secret=TEST_SECRET,
                anonymous=True,
                compiled=compiled,
                rls=rls,
            )
            engine = db.engine
            if rls:  # the database's policies filter too, the app connecting as govgraph_app
                engine = create_engine(db.url, rls_role=settings.rls_role)
                engines.append(engine)
            app = create_app(settings, engine=engine)
            http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
            opened.append(http)
            out.append(http)
        return Clients(*out)

    yield make
    for http in opened:
        await http.aclose()
    for engine in engines:
        await engine.dispose()


def task_labels(value: Any) -> set[str]:
    """Every Task.label in a response."""
    if isinstance(value, dict):
        own = {value["label"]} if isinstance(value.get("label"), str) else set()
        return own.union(*(task_labels(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(task_labels(v) for v in value))
    return set()


# The cases that compile on SQLite too, for every viewer (compare's `strict`).
SQLITE_COMPILES = ("dashboard screen", "dashboard overdue page")


async def compare(
    clients: Clients,
    cases: list[Case],
    headers: dict[str, str],
    who: str,
    labels: set[str] | None = None,
    strict: bool = True,
) -> int:
    """Runs the cases on both paths; `labels` collects the compiled answers' task labels.

    Not `strict` (SQLite): a case meant to compile may be answered by the resolvers when its
    statement nests deeper than SQLite's parser allows (api/compiled.py); never the reverse;
    but the dashboard's screen and overdue page (the embedded default's own, issue 15.4)
    compile there too, for every viewer.
    """
    compiled_count = 0
    for number, case in enumerate(cases):
        body = {"query": case.query, "variables": case.variables}
        # One request id for both: errors carry it (extensions.requestId).
        sent = headers | {"x-request-id": f"differential-{number}"}
        fast_response = await clients.compiled.post("/graphql", json=body, headers=sent)
        slow_response = await clients.resolvers.post("/graphql", json=body, headers=sent)
        assert fast_response.status_code == slow_response.status_code, case.name
        try:
            fast, slow = fast_response.json(), slow_response.json()
        except ValueError as exc:
            raise AssertionError(
                f"{case.name}: {fast_response.text[:300]!r} / {slow_response.text[:300]!r}"
            ) from exc
        fast_ext, slow_ext = fast.pop("extensions", {}), slow.pop("extensions", {})
        assert slow_ext.get("sql", {}).get("compiled") is False
        label = f"{case.name} {case.variables} as {who}"
        assert shape(fast) == shape(slow), f"{label}: {difference(shape(fast), shape(slow))}"
        did_compile = fast_ext.get("sql", {}).get("compiled")
        if strict or not case.compiles or case.name.startswith(SQLITE_COMPILES):
            assert did_compile is case.compiles, label
        if did_compile:
            compiled_count += 1
            if labels is not None:
                labels |= task_labels(fast)
            assert "errors" not in fast, label
            if fast_ext["sql"]["statements"] == 2 and binds_names(case.query):
                # A restricted viewer's first lookup of a name outside its branch: the covered
                # plan's guard fails and the general plan answers (api/compiled.py variants);
                # from then on the general plan at once.
                again = await clients.compiled.post("/graphql", json=body, headers=sent)
                repeated = again.json()
                assert repeated.pop("extensions")["sql"]["statements"] == 1, label
                assert shape(repeated) == shape(slow), label
            else:
                assert fast_ext["sql"]["statements"] == 1, label
    return compiled_count


def binds_names(query: str) -> bool:
    """Whether the query's plan binds a unit's name (orgUnit(name: $n))."""
    from graphql import OperationDefinitionNode, parse

    from resolvers.compiled.compiler import bound_variables

    (operation, *_) = (
        d for d in parse(query).definitions if isinstance(d, OperationDefinitionNode)
    )
    return bool(bound_variables(operation).names)


async def run_corpus(db: TestDatabase, clients_for: Any, rls: bool = False) -> set[str]:
    """Compares every case for every audience; the task labels compiled answers held."""
    clients = await clients_for(db, rls)
    cases, viewers = await corpus(db)
    cases += await next_pages(clients, cases)
    async with db.engine.begin() as conn:
        partner = await create_key(conn, name="partner", unit_id=viewers[1])
    admin = mint_token(TEST_SECRET, unit_id=viewers[1], role=ViewerRole.ADMIN)
    audiences: list[tuple[str, dict[str, str]]] = [
        ("demo viewer (everything)", {}),
        ("partner", {"x-api-key": partner.secret}),
        ("ADMIN of a district (everything)", {"authorization": f"Bearer {admin}"}),
    ]
    # Each its subtree and its ancestors; the tree's root (last) through the whole-tree plan
    # on PostgreSQL (api/compiled.py variants), from its second request on.
    for unit in [*viewers[1:], viewers[0]]:
        token = mint_token(TEST_SECRET, unit_id=unit, role=ViewerRole.REPORTER)
        audiences.append((f"REPORTER of {unit}", {"authorization": f"Bearer {token}"}))
    if rls:  # the database's policies on top: the restricted viewers are what matters
        audiences = audiences[1:2] + audiences[3:4] + audiences[-2:]
    compiled = 0
    labels: set[str] = set()
    strict = db.dialect == "postgresql"
    for who, headers in audiences:
        compiled += await compare(clients, cases, headers, who, labels, strict)
    # Most of the corpus took the compiled path (on SQLite: for the unrestricted viewers, and
    # the dashboard's screen and overdue page for every viewer: SQLITE_COMPILES).
    assert compiled >= len(audiences) * 20 if strict else compiled >= 2 * 20
    assert labels  # Task.label compiled
    if strict:  # the root's questions went through whole-tree plans (key[-2])
        from api import compiled as compiled_module

        whole = [k for k, v in compiled_module.PLANS._plans.items() if k[-2] and k[0] == db.dialect]
        assert len(whole) >= 20, len(whole)
    return labels


@pytest.mark.parametrize(
    "rls",
    [
        pytest.param(False, id="scope-in-sql"),
        pytest.param(True, id="row-level-security", marks=pytest.mark.private_db),
    ],
)
async def test_compiled_equals_resolvers_on_the_seed(
    seeded_db: TestDatabase, clients_for: Any, rls: bool
) -> None:
    if rls and seeded_db.dialect == "sqlite":
        pytest.skip("row-level security is PostgreSQL's")
    await run_corpus(seeded_db, clients_for, rls)


@pytest.mark.parametrize(
    "dialect", [pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)]
)
async def test_compiled_equals_resolvers_on_a_generated_province(
    goldens: Goldens, clients_for: Any, dialect: str
) -> None:
    import shutil

    from api.cli_seed import generate_database
    from seeds.synthetic import Sizes
    from tests.conftest import sqlite_url

    if dialect == "sqlite":
        path = goldens.tmp_path / f"province-{uuid.uuid4().hex[:8]}.db"
        shutil.copy(goldens.sqlite["empty"], path)
        url = sqlite_url(path)
    else:
        if goldens.pg is None:
            pytest.skip("PostgreSQL unreachable (outside CI)")
        name = await goldens.pg_databases.create(
            uuid.uuid4().hex[:10], template=goldens.pg["empty"]
        )
        url = normalize_database_url(_pg_database_url(name))
    await generate_database(url, Sizes(units=60, tasks=400, reports=1200), seed=11)
    db = TestDatabase(dialect=dialect, url=url, engine=create_engine(url))
    try:
        labels = await run_corpus(db, clients_for)
        assert any("." in label for label in labels)  # subtasks' labels (3.1) compiled too
        # Stems with a government's name (2023安平大气-1): plans that came second compiled too.
        assert any(not re.match(r"\d{4}(大气|水|土壤|生态|其他)-", label) for label in labels)
    finally:
        await db.engine.dispose()


async def test_the_dated_tree_compiles_as_the_resolvers_answer(
    seeded_db: TestDatabase, clients_for: Any
) -> None:
    """children(asOf), parent(asOf) and orgUnits(asOf) on both paths over a tree that
    changed: a town established after the past day, 城区 renamed (its children move to the
    successor), so each day shows the units and parents of that day."""
    from datetime import timedelta

    clients = await clients_for(seeded_db)
    today = calendar.today()
    renamed, established = today - timedelta(days=30), today - timedelta(days=60)
    async with seeded_db.engine.connect() as conn:
        rows = (
            await conn.execute(
                sa.text(
                    "SELECT id, name FROM org_unit WHERE name IN ('山西省', '城区', '晋城市',"
                    " '南村镇')"
                ).columns(id=sa.Uuid())
            )
        ).all()
    ids = {r.name: str(global_id("OrgUnit", r.id)) for r in rows}
    admin = {
        "authorization": "Bearer "
        + mint_token(
            TEST_SECRET, unit_id=uuid.UUID(str(decode(ids["山西省"]))), role=ViewerRole.ADMIN
        )
    }
    record = """mutation ($input: RecordOrgUnitEventInput!) { recordOrgUnitEvent(input: $input) {
      event { id } errors { code message } } }"""
    for event in (
        {
            "kind": "ESTABLISH",
            "occurredOn": established.isoformat(),
            "newUnits": [
                {
                    "name": "城区新设街道（测试）",
                    "code": "140502-T98",
                    "kind": "TOWN",
                    "parent": ids["城区"],
                }
            ],
        },
        {
            "kind": "RENAME",
            "occurredOn": renamed.isoformat(),
            "predecessors": [ids["城区"]],
            "newUnits": [{"name": "晋城市城区（改名）", "code": "140502-R9"}],
        },
    ):
        response = await clients.resolvers.post(
            "/graphql", json={"query": record, "variables": {"input": event}}, headers=admin
        )
        assert response.json()["data"]["recordOrgUnitEvent"]["errors"] == [], response.text
    town = {
        "authorization": "Bearer "
        + mint_token(
            TEST_SECRET, unit_id=uuid.UUID(str(decode(ids["南村镇"]))), role=ViewerRole.VIEWER
        )
    }
    days = [
        None,
        "2023-10-20",
        (established - timedelta(days=1)).isoformat(),
        established.isoformat(),
        (renamed - timedelta(days=1)).isoformat(),
        renamed.isoformat(),
        today.isoformat(),
    ]
    cases = [
        Case(f"dated tree of {name}", DATED_TREE, {"unit": ids[name], "asOf": day})
        for name in ("城区", "晋城市")
        for day in days
    ]
    cases += [Case("dashboard unit tree", UNIT_TREE, {"first": 100, "asOf": d}) for d in days]
    cases += [
        Case(
            "dashboard screen",
            dashboard_query("screen.graphql"),
            {"unit": ids["城区"], "asOf": d or today.isoformat()},
        )
        for d in days
    ]
    strict = seeded_db.dialect == "postgresql"
    for who, headers in (("ADMIN", admin), ("town VIEWER", town), ("demo", {})):
        await compare(clients, cases, headers, who, strict=strict)
    # What the day's tree holds, by the compiled path.

    async def children(day: str | None, unit: str = "城区") -> set[str]:
        body = {"query": DATED_TREE, "variables": {"unit": ids[unit], "asOf": day}}
        data = (await clients.compiled.post("/graphql", json=body, headers=admin)).json()
        return {c["name"] for c in data["data"]["orgUnit"]["children"]}

    before = await children((established - timedelta(days=1)).isoformat())
    assert "城区新设街道（测试）" not in before
    assert "南村镇" in before
    assert "城区新设街道（测试）" in await children(established.isoformat())
    assert await children(renamed.isoformat()) == set()  # ended: its children moved
    city = await children((renamed - timedelta(days=1)).isoformat(), "晋城市")
    assert "城区" in city
    assert "晋城市城区（改名）" not in city
    assert "晋城市城区（改名）" in await children(renamed.isoformat(), "晋城市")


def decode(gid: str) -> uuid.UUID:
    from resolvers.common import decode_global_id

    return decode_global_id(gid)


WHOLE_TREE = """query Whole($root: ID!, $today: Date!) {
  tasks(first: 100, orderBy: [DEADLINE_ASC]) { totalCount edges { node { id code } } }
  overdue: tasks(filter: {overdueAsOf: $today}, orderBy: [DEADLINE_ASC], first: 5) {
    totalCount edges { node { id leadUnits { name } } } }
  documents(first: 100) { totalCount edges { node { id title } } }
  plans(first: 100) { totalCount edges { node { id title } } }
  orgUnits(first: 100) { totalCount edges { node { id taskRollup { total overdue } } } }
  orgUnit(id: $root) { name taskRollup { total }
    tasks(includeDescendants: true, first: 3) { totalCount } }
}"""


async def test_the_whole_tree_plan_answers_as_the_general_predicates(
    seeded_db: TestDatabase, clients_for: Any
) -> None:
    """A restricted viewer whose unit is the tree's only root (the seed's province) runs the
    whole-tree plan on PostgreSQL (api/compiled.py variants; models/rules/scope.py
    Scope.whole): ADMIN's reads, each object probed for an anchor. It answers as the
    resolvers do, so it still hides what has no anchor at all (a task nobody leads, of a
    document nobody issued), which ADMIN sees. With a second root the guard fails and the
    general plan answers, from then on at once."""
    from api import compiled as compiled_module
    from models import Document, OrgUnit, Task
    from resolvers.common import decode_global_id

    dialect = seeded_db.dialect

    clients = await clients_for(seeded_db)
    async with seeded_db.engine.connect() as conn:
        root = (
            await conn.execute(
                sa.text("SELECT id FROM org_unit WHERE parent_id IS NULL").columns(id=sa.Uuid())
            )
        ).scalar_one()
    admin = {
        "authorization": f"Bearer {mint_token(TEST_SECRET, unit_id=root, role=ViewerRole.ADMIN)}"
    }
    token = mint_token(TEST_SECRET, unit_id=root, role=ViewerRole.REPORTER)
    viewer = {"authorization": f"Bearer {token}"}

    async def admin_call(query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = await clients.resolvers.post(
            "/graphql", json={"query": query, "variables": variables}, headers=admin
        )
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    # A task of no unit: a plan of a document nobody issued, a task without leads.
    document = await admin_call(
        "mutation($i: CreateDocumentInput!) {"
        " createDocument(input: $i) { document { id } errors { code } } }",
        {"i": {"title": "无发文单位的文件", "kind": "NOTICE"}},
    )
    document_id = document["createDocument"]["document"]["id"]
    plan = await admin_call(
        "mutation($i: CreatePlanInput!) { createPlan(input: $i) { plan { id } errors { code } } }",
        {
            "i": {
                "document": document_id,
                "title": "待分解的计划",
                "kind": "OTHER",
                "field": "OTHER",
                "reportReview": "NONE",
            }
        },
    )
    plan_id = plan["createPlan"]["plan"]["id"]
    # The API refuses a task without a lead; a ledger or another system's sync may write one
    # (its responsibility unresolved): a copy of a task, in that plan, without assignments.
    task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
    async with seeded_db.engine.begin() as conn:
        row = (
            (await conn.execute(sa.select(task_t).where(task_t.c.parent_id.is_(None)).limit(1)))
            .mappings()
            .one()
        )
        document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]
        await conn.execute(  # nobody issued it (createDocument names the writer's unit)
            sa.update(document_t)
            .where(document_t.c.id == decode_global_id(document_id, "Document"))
            .values(issuer_id=None)
        )
        orphan_id = uuid.uuid4()
        await conn.execute(
            sa.insert(task_t).values(
                **dict(row)
                | {
                    "id": orphan_id,
                    "code": "orphan-task",
                    "plan_id": decode_global_id(plan_id, "Plan"),
                    "document_id": decode_global_id(document_id, "Document"),
                    "seq": 1,
                    "seq_path": "1",
                    "origin_assignment_id": None,
                }
            )
        )
    orphan = global_id("Task", orphan_id)

    variables = {"root": global_id("OrgUnit", root), "today": str(calendar.today())}
    body = {"query": WHOLE_TREE, "variables": variables}

    async def both(headers: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
        fast = (await clients.compiled.post("/graphql", json=body, headers=headers)).json()
        slow = (await clients.resolvers.post("/graphql", json=body, headers=headers)).json()
        slow.pop("extensions", None)
        ext = fast.pop("extensions")["sql"]
        assert shape(fast) == shape(slow), difference(shape(fast), shape(slow))
        assert "errors" not in fast, fast
        return fast["data"], ext

    def whole_plans() -> int:
        return sum(
            1
            for k, v in compiled_module.PLANS._plans.items()
            if isinstance(v, compiled_module.Plan) and k[1] == WHOLE_TREE and k[-2]
        )

    seen_by_admin = (await both(admin))[0]
    assert orphan in {e["node"]["id"] for e in seen_by_admin["tasks"]["edges"]}
    assert document_id in {e["node"]["id"] for e in seen_by_admin["documents"]["edges"]}
    for _ in range(2):
        data, ext = await both(viewer)
        assert orphan not in {e["node"]["id"] for e in data["tasks"]["edges"]}
        assert data["tasks"]["totalCount"] == seen_by_admin["tasks"]["totalCount"] - 1
        assert document_id not in {e["node"]["id"] for e in data["documents"]["edges"]}
        assert plan_id not in {e["node"]["id"] for e in data["plans"]["edges"]}
        assert data["orgUnits"] == seen_by_admin["orgUnits"]  # every unit, as ADMIN's
        assert data["overdue"] == seen_by_admin["overdue"]
        assert ext["compiled"] is True
        assert ext["statements"] == 1
    # Only PostgreSQL has covered and whole-tree plans (SQLite: the general one).
    assert whole_plans() == (1 if dialect == "postgresql" else 0)

    # A second root: the guard fails once (the general plan answers), then the general plan
    # at once.
    unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]
    async with seeded_db.engine.begin() as conn:
        row = (await conn.execute(sa.select(unit_t).where(unit_t.c.id == root))).mappings().one()
        second = dict(row) | {"id": uuid.uuid4(), "code": "second-root", "name": "另一省"}
        await conn.execute(sa.insert(unit_t).values(**second))
    statements = []
    for _ in range(2):
        data, ext = await both(viewer)
        statements.append(ext["statements"])
        assert orphan not in {e["node"]["id"] for e in data["tasks"]["edges"]}
    assert statements[0] in (1, 2)
    assert statements[1] == 1
    # Noted: this root is not the only one (the whole-tree plan is not tried again).
    hint = compiled_module.INSIDE.get(("whole", dialect, root))
    assert hint is (False if dialect == "postgresql" else None)
