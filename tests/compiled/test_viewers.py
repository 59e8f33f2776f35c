"""One compiled plan per query shape answers every viewer as the resolvers do (issue 13).

On a generated province, random viewers of every role and level (province, city, district,
town, department, enterprise) and partner keys ask one query that selects every field the
compiler has a rule for, about their own unit or another, as of random dates (none, today,
past, future), in a random order from a fixed seed. Viewers of the same kind of scope share
one plan (the scope root, disclosure and today are bind parameters), so most requests run a
plan another viewer compiled: each answer must equal the resolvers' for that viewer, and no
unit or task outside the viewer's scope (computed here from the closure table, not from the
scope predicates) may appear in it.
"""

from __future__ import annotations

import base64
import os
import random
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from graphql import TypeInfo, Visitor, parse, visit
from graphql.utilities import TypeInfoVisitor

from api.api_keys import DISCLOSURES, create_key
from api.app import create_app
from api.auth import mint_token
from api.compiled import plan_cache_size
from api.db import create_engine
from api.schema import schema
from api.settings import Settings, normalize_database_url
from models.enums import ViewerRole
from resolvers.common import global_id
from resolvers.compiled.compiler import HANDLERS, QUERY_FIELDS
from tests.compiled.test_differential import difference, shape
from tests.conftest import TEST_SECRET, Goldens, _pg_database_url

pytestmark = pytest.mark.postgres

SEED = int(os.environ.get("GOVGRAPH_DIFFERENTIAL_SEED", "1313"))
LEVELS = ("PROVINCE", "CITY", "DISTRICT", "TOWN", "DEPARTMENT", "ENTERPRISE")

ROLLUP = (
    "asOf total completed inProgress notStarted overdue dueSoon ongoing completionRate "
    "weightedProgress green yellow red"
)
TASK = """id code seq label category title description remarks responsibilityText
  responsibilityUnresolved status progress
  weight version deadline { kind start end text }
  statusAsOf(asOf: "2023-10-20") progressAsOf(asOf: "2023-10-20")
  plan { id title kind field year objectives source reportReview healthTolerance signWithinDays
    version document { id docNumber } }
  document { id docNumber title kind issuedOn basedOn summary remarks issuer { id name } }
  leadUnits { id name kind } cooperatingUnits { id name }
  reports(first: 2) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id reportedAt period percent status narrative reportedBy
      reviewState reviewReason reviewedAt version unit { id name } task { id code } } } }"""
PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
RECTIFICATION = """id seq category problem goal measures responsibilityText
  responsibilityUnresolved responsiblePersons status statusAsOf(asOf: "2023-10-20") version
  findingNumbers health lightThen: health(asOf: "2023-10-20")
  deadline { kind start end text } responsibleUnits { id name }"""
TARGET = """id year month kind value valueText baseline baselineYear source remarks version
  indicator { code name unit direction kind description } orgUnit { id name }
  section { id name river assessmentLevel targetText remarks orgUnit { id name } }
  attainment(asOf: $asOf) { asOf status basis actual target monthsMeasured gap }"""

# Every compiled field at least once (test_the_query_selects_every_compiled_field).
EVERY_FIELD = f"""query Everything($unit: ID!, $asOf: Date) {{
  orgUnit(id: $unit) {{ id code name kind depth remarks validFrom validTo aliases
    parent {{ id name kind parent {{ id name }}
      tasks(includeDescendants: true, first: 3) {{ totalCount edges {{ node {{ id }} }} }} }}
    lineParent {{ id name }}
    children {{ id name kind }}
    datedKids: children(asOf: $asOf) {{ id name then: parent(asOf: $asOf) {{ id }} }}
    ancestors {{ id name now: taskRollup {{ {ROLLUP} }} }}
    now: taskRollup {{ {ROLLUP} }}
    dated: taskRollup(asOf: $asOf) {{ {ROLLUP} }}
    own: taskRollup(asOf: $asOf, includeDescendants: false, role: ANY) {{ {ROLLUP} }}
    tasks(includeDescendants: true, role: ANY, first: 6, orderBy: [DEADLINE_ASC]) {{
      totalCount {PAGE_INFO} edges {{ cursor node {{ {TASK} }} }} }}
    overdue: tasks(includeDescendants: true, filter: {{overdueAsOf: $asOf}}, first: 5) {{
      totalCount edges {{ node {{ id code leadUnits {{ id }} }} }} }}
  }}
  orgUnits(first: 8, filter: {{ancestor: $unit}}) {{ totalCount {PAGE_INFO}
    edges {{ cursor node {{ id name kind lineParent {{ id }} }} }} }}
  datedUnits: orgUnits(first: 8, asOf: $asOf) {{ totalCount {PAGE_INFO}
    edges {{ cursor node {{ id name parent(asOf: $asOf) {{ id }} }} }} }}
  tasks(first: 5, orderBy: [UPDATED_DESC]) {{ totalCount
    edges {{ cursor node {{ id code cooperatingUnits {{ id }} }} }} }}
  me {{ subject role partner unrestricted unit {{ id name }} }}
  documents(first: 3) {{ totalCount {PAGE_INFO} edges {{ cursor node {{ id docNumber
    plans {{ id title parent {{ id }} taskRollup(asOf: $asOf) {{ {ROLLUP} }}
      tasks(first: 2, filter: {{overdueAsOf: $asOf}}) {{ totalCount {PAGE_INFO}
        edges {{ cursor node {{ id code }} }} }} }} }} }} }}
  plans(first: 3) {{ totalCount {PAGE_INFO} edges {{ cursor node {{ id title labelStem }} }} }}
  unit: orgUnit(id: $unit) {{
    rectificationRollup(asOf: $asOf) {{ asOf total notStarted inProgress completed verified
      closed reopened overdue dueSoon ongoing completionRate green yellow red }}
    rectifications(includeDescendants: true, first: 5, filter: {{overdueAsOf: $asOf}}) {{
      totalCount {PAGE_INFO} edges {{ cursor node {{ {RECTIFICATION} }} }} }}
    targets {{ {TARGET} }}
    filtered: taskRollup(asOf: $asOf, filter: {{deadlineKind: [BY_DATE]}}) {{ {ROLLUP} }}
  }}
  targets(first: 5) {{ totalCount {PAGE_INFO} edges {{ cursor node {{ {TARGET} }} }} }}
  measurements(first: 5) {{ totalCount {PAGE_INFO} edges {{ cursor node {{ year month value
    valueText source remarks indicator {{ code }} orgUnit {{ id name }} section {{ id name }}
  }} }} }}
}}"""


def selected_fields(query: str) -> set[tuple[str, str]]:
    """(type name, field name) of every field a query selects."""
    info = TypeInfo(schema._schema)
    found: set[tuple[str, str]] = set()

    class Fields(Visitor):
        def enter_field(self, node: Any, *_: Any) -> None:
            parent = info.get_parent_type()
            if parent is not None:
                found.add((parent.name, node.name.value))

    visit(parse(query), TypeInfoVisitor(info, Fields()))
    return found


def compiled_fields() -> set[tuple[str, str]]:
    """Every field with a compile rule: HANDLERS, the root fields, and the connections the
    compiler pages (api/compiled connection(): totalCount, edges, pageInfo)."""
    out = {(t, f) for t, rules in HANDLERS.items() for f in rules}
    out |= {("Query", f) for f in QUERY_FIELDS}
    nodes = ("OrgUnit", "Task", "ProgressReport", "Rectification", "Target", "Measurement")
    for node in (*nodes, "Document", "Plan"):
        out |= {(f"{node}Connection", f) for f in ("totalCount", "edges", "pageInfo")}
        out |= {(f"{node}Edge", "cursor"), (f"{node}Edge", "node")}
    out |= {("PageInfo", f) for f in ("hasNextPage", "hasPreviousPage", "startCursor", "endCursor")}
    out |= {("TaskRollup", f) for f in ROLLUP.split()}
    out |= {("RectificationRollup", f) for f in ROLLUP.split() if f != "weightedProgress"}
    return out


def test_the_query_selects_every_compiled_field() -> None:
    """A field given a compile rule must join the differential query below."""
    missing = compiled_fields() - selected_fields(EVERY_FIELD)
    assert not missing, f"add to EVERY_FIELD: {sorted(missing)}"


def decoded_ids(value: Any) -> Iterator[tuple[str, uuid.UUID]]:
    """(type, id) of every Relay id in a response."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id" and isinstance(item, str):
                type_name, _, raw = base64.b64decode(item).decode().partition(":")
                yield type_name, uuid.UUID(raw)
            else:
                yield from decoded_ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from decoded_ids(item)


async def in_scope(conn: Any, root: uuid.UUID) -> tuple[set[uuid.UUID], set[uuid.UUID]]:
    """Units (subtree, ancestors, units co-assigned on its tasks and their 条 superiors) and
    tasks (assigned into the subtree or issued in it) a viewer rooted at `root` may see, from
    the closure and assignment tables (DESIGN.md, "Access"), not from the predicates."""
    units = set(
        (
            await conn.execute(
                sa.text(
                    "SELECT descendant_id FROM org_unit_closure WHERE ancestor_id = :r "
                    "UNION SELECT ancestor_id FROM org_unit_closure WHERE descendant_id = :r"
                ),
                {"r": root},
            )
        ).scalars()
    )
    tasks = set(
        (
            await conn.execute(
                sa.text(
                    "SELECT a.task_id FROM assignment a JOIN org_unit_closure c "
                    "ON c.descendant_id = a.org_unit_id WHERE c.ancestor_id = :r "
                    "UNION SELECT t.id FROM task t JOIN document d ON d.id = t.document_id "
                    "JOIN org_unit_closure c ON c.descendant_id = d.issuer_id "
                    "WHERE c.ancestor_id = :r"
                ),
                {"r": root},
            )
        ).scalars()
    )
    # Units assigned to a visible task are visible as units (its co-assigned units), and so
    # is the 条 superior (line_parent) of every visible unit (README, Access).
    if tasks:
        co_assigned = await conn.execute(
            sa.text("SELECT org_unit_id FROM assignment WHERE task_id = ANY(:t)"),
            {"t": list(tasks)},
        )
        units |= set(co_assigned.scalars())
    line_parents = await conn.execute(
        sa.text("SELECT line_parent_id FROM org_unit WHERE id = ANY(:u)"), {"u": list(units)}
    )
    units |= {u for u in line_parents.scalars() if u is not None}
    return units, tasks


async def viewers(
    conn: Any, rng: random.Random
) -> list[tuple[str, dict[str, str], uuid.UUID, bool]]:
    """(label, headers, unit, restricted): every level × random roles, and partner keys."""
    out = []
    for level in LEVELS:
        units = list(
            (
                await conn.execute(
                    sa.text("SELECT id FROM org_unit WHERE kind = :k ORDER BY code"), {"k": level}
                )
            ).scalars()
        )
        assert units, f"the generated province has no {level}"
        for unit in rng.sample(units, min(2, len(units))):
            role = rng.choice(list(ViewerRole))
            token = mint_token(TEST_SECRET, unit_id=unit, role=role)
            restricted = role is not ViewerRole.ADMIN
            out.append(
                (
                    f"{role} of {level} {unit}",
                    {"authorization": f"Bearer {token}"},
                    unit,
                    restricted,
                )
            )
    everyone = [u for *_, u, _ in out]
    for i in range(3):
        unit = rng.choice(everyone)
        key = await create_key(
            conn, name=f"partner {i}", unit_id=unit, disclosure=rng.choice(sorted(DISCLOSURES))
        )
        out.append((f"partner key of {unit}", {"x-api-key": key.secret}, unit, True))
    rng.shuffle(out)
    return out


async def test_random_viewers_share_plans_and_see_only_their_scope(
    goldens: Goldens,
) -> None:
    from seeds.synthetic import Sizes
    from seeds.synthetic_load import generate

    if goldens.pg is None:
        pytest.skip("PostgreSQL unreachable (outside CI)")
    name = await goldens.pg_databases.create(uuid.uuid4().hex[:10], template=goldens.pg["empty"])
    url = normalize_database_url(_pg_database_url(name))
    engine = create_engine(url)
    await generate(engine, Sizes(units=160, tasks=500, reports=1500), seed=13)
    rng = random.Random(SEED)
    try:
        async with engine.begin() as conn:
            audience = await viewers(conn, rng)
            all_units = list((await conn.execute(sa.text("SELECT id FROM org_unit"))).scalars())
            today = (
                await conn.execute(sa.text("SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date"))
            ).scalar_one()
        # A few dates, so shapes repeat: none (today by default), today, past, future.
        days: list[date | None] = [
            None,
            today,
            today - timedelta(days=rng.randint(30, 900)),
            today + timedelta(days=rng.randint(1, 400)),
        ]
        apps = []
        for compiled in (True, False):
            settings = Settings(
                database_url=url, debug=True, secret=TEST_SECRET, anonymous=True, compiled=compiled
            )
            apps.append(create_app(settings, engine=engine))
        import httpx

        async with (
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=apps[0]), base_url="http://t"
            ) as fast,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=apps[1]), base_url="http://t"
            ) as slow,
        ):
            before = plan_cache_size()
            asked = 0
            for label, headers, own, restricted in audience:
                for _ in range(2):
                    unit = own if rng.random() < 0.7 else rng.choice(all_units)
                    day = rng.choice(days)
                    variables = {
                        "unit": str(global_id("OrgUnit", unit)),
                        "asOf": None if day is None else day.isoformat(),
                    }
                    body = {"query": EVERY_FIELD, "variables": variables}
                    got = (await fast.post("/graphql", json=body, headers=headers)).json()
                    want = (await slow.post("/graphql", json=body, headers=headers)).json()
                    where = f"{label} asking {variables} (seed {SEED})"
                    assert got.pop("extensions")["sql"]["compiled"] is True, where
                    want.pop("extensions")
                    assert shape(got) == shape(want), (
                        f"{where}: {difference(shape(got), shape(want))}"
                    )
                    assert "errors" not in got, where
                    asked += 1
                    if restricted:
                        async with engine.connect() as conn:
                            units, tasks = await in_scope(conn, own)
                        for type_name, row_id in decoded_ids(got["data"]):
                            if type_name == "OrgUnit":
                                assert row_id in units, f"{where}: unit {row_id} out of scope"
                            elif type_name == "Task":
                                assert row_id in tasks, f"{where}: task {row_id} out of scope"
            made = plan_cache_size() - before
        # One plan per (asOf value, restricted or not, and for restricted viewers covered or
        # not: api/compiled.py variants): the rest ran plans made for others.
        assert made <= 3 * len(days)
        assert asked >= 2 * made
    finally:
        await engine.dispose()
