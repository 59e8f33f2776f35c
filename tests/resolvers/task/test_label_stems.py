"""Task labels unique across documents (issue 16, point 5): the plans' stored label stems.

Two governments' plans of one year, field and kind (the city's and 城区's 2023 air plans;
every district of a generated province) gave the same labels, so a view above both showed two
2023大气-1. Each plan now stores a stem (plan.label_stem) the database holds unique per kind:
the first plan keeps the plain 2023大气, a later one gets its government's name (2023晋城大气),
then a counter; a stem never changes when another plan arrives.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from models.enums import PlanField
from models.rules.labels import label_stem_candidates
from models.rules.names import short_name
from resolvers.common import decode_global_id
from tests.conftest import GraphQLClient, TestDatabase, graphql_client
from tests.factories import table

DOCUMENT = """
mutation ($i: CreateDocumentInput!) { createDocument(input: $i) {
  document { id } errors { code field } } }
"""
PLAN = """
mutation ($i: CreatePlanInput!) { createPlan(input: $i) {
  plan { id labelStem } errors { code field } } }
"""
TASK = """
mutation ($i: CreateTaskInput!) { createTask(input: $i) {
  task { id label } errors { code field } } }
"""
PAGE = """
query ($after: String) { tasks(first: 100, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id label } } } }
"""
SEED = """
{ plans(first: 20) { edges { node { labelStem kind field } } }
  air: tasks(filter: {docNumber: "城政办发〔2023〕20号", text: "秸秆禁烧"}) {
    edges { node { seq label } } } }
"""


async def _unit(client: GraphQLClient, name: str) -> str:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    unit_id: str = data["orgUnit"]["id"]
    return unit_id


async def _admin(client: GraphQLClient, name: str) -> tuple[GraphQLClient, str]:
    unit = await _unit(client, name)
    return client.as_viewer(decode_global_id(unit), "ADMIN"), unit


async def _document(admin: GraphQLClient, issuer: str, number: str, issued_on: str) -> str:
    made = await admin.query(
        DOCUMENT,
        {
            "i": {
                "title": f"大气污染防治行动计划（{number}）",
                "kind": "NOTICE",
                "docNumber": number,
                "issuer": issuer,
                "issuedOn": issued_on,
            }
        },
    )
    assert made["createDocument"]["errors"] == []
    document: str = made["createDocument"]["document"]["id"]
    return document


async def _plan(
    admin: GraphQLClient, document: str, kind: str = "ACTION_PLAN", year: int | None = 2023
) -> dict[str, Any]:
    made = await admin.query(
        PLAN,
        {"i": {"document": document, "title": "计划", "kind": kind, "field": "AIR", "year": year}},
    )
    assert made["createPlan"]["errors"] == []
    plan: dict[str, Any] = made["createPlan"]["plan"]
    return plan


async def _every_task(client: GraphQLClient) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await client.query(PAGE, {"after": after}))["tasks"]
        out += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            assert len(out) == page["totalCount"]
            return out
        after = page["pageInfo"]["endCursor"]


async def _stems(db: TestDatabase) -> dict[Any, str]:
    plan = table("plan")
    async with db.engine.connect() as conn:
        return dict((await conn.execute(sa.select(plan.c.id, plan.c.label_stem))).all())


class TestAllocation:
    def test_candidates_plain_then_the_government_then_a_counter(self) -> None:
        stems = label_stem_candidates(2023, PlanField.AIR, "城区")
        assert [next(stems) for _ in range(4)] == [
            "2023大气",
            "2023城区大气",
            "2023城区大气(2)",
            "2023城区大气(3)",
        ]
        sibling = label_stem_candidates(2023, PlanField.WATER, "城区", ["2023城区水"])
        assert [next(sibling) for _ in range(3)] == ["2023城区水", "2023水", "2023城区水(2)"]
        undated = label_stem_candidates(None, PlanField.SOIL, None)
        assert [next(undated) for _ in range(2)] == ["土壤", "土壤(2)"]

    def test_short_names_of_governments(self) -> None:
        assert [short_name(n) for n in ("晋城市", "城区", "城区人民政府", "阳城县", "山西省")] == [
            "晋城",
            "城区",
            "城区",
            "阳城",
            "山西",
        ]


async def test_the_seeds_labels_are_unchanged(client: GraphQLClient) -> None:
    data = await client.query(SEED)
    stems = sorted(
        (e["node"]["field"], e["node"]["kind"], e["node"]["labelStem"])
        for e in data["plans"]["edges"]
    )
    assert stems == [
        ("AIR", "ACTION_PLAN", "2023大气"),
        ("SOIL", "ACTION_PLAN", "2023土壤"),
        ("WATER", "ACTION_PLAN", "2023水"),
        ("WATER", "PROJECT_LIST", "2023水"),
    ]
    task = data["air"]["edges"][0]["node"]
    assert task["label"] == f"2023大气-{task['seq']}"
    labels = {t["label"] for t in await _every_task(client)}
    assert {"2023大气-1", "2023水-1", "2023水-重点1", "2023土壤-1"} <= labels


async def test_a_city_plan_after_a_district_plan_of_the_same_year_and_field(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    """The seed's 城区 2023 air plan came first: it keeps 2023大气; the city's reads
    2023晋城大气, its 重点工程 annex shares that stem, and above both every label is once."""
    before = {t["id"]: t["label"] for t in await _every_task(client)}
    city_admin, city = await _admin(client, "晋城市")
    document = await _document(city_admin, city, "晋市政办发〔2023〕7号", "2023-06-10")
    plan = await _plan(city_admin, document)
    annex = await _plan(city_admin, document, kind="PROJECT_LIST")
    assert (plan["labelStem"], annex["labelStem"]) == ("2023晋城大气", "2023晋城大气")
    lead = await _unit(client, "晋城市生态环境局")
    made = []
    for target, seq in ((plan, 1), (plan, 2), (annex, 1)):
        task = await city_admin.query(
            TASK, {"i": {"plan": target["id"], "title": "扬尘治理", "seq": seq, "leads": [lead]}}
        )
        assert task["createTask"]["errors"] == []
        made.append(task["createTask"]["task"]["label"])
    assert made == ["2023晋城大气-1", "2023晋城大气-2", "2023晋城大气-重点1"]
    # 城区's next 2023 air plan: its government's name, then a counter.
    district_admin, district = await _admin(client, "城区")
    again = [
        await _plan(district_admin, await _document(district_admin, district, n, "2023-09-01"))
        for n in ("城政办发〔2023〕41号", "城政办发〔2023〕42号")
    ]
    assert [p["labelStem"] for p in again] == ["2023城区大气", "2023城区大气(2)"]
    # The first plan's labels did not move; above both (ADMIN of the city), on both read
    # paths, every label once.
    for compiled in (True, False):
        async with graphql_client(seeded_db, compiled=compiled) as gql:
            above = await _every_task(gql.as_viewer(decode_global_id(city), "ADMIN"))
        labels = [t["label"] for t in above]
        assert len(labels) == len(set(labels)), compiled
        assert set(made) <= set(labels)
        seen = {t["id"]: t["label"] for t in above}
        assert {i: seen[i] for i in before if i in seen} == {
            i: before[i] for i in before if i in seen
        }
        assert len([i for i in before if i in seen]) == len(before)


async def test_the_index_refuses_a_second_plan_with_a_stem_of_its_kind(
    seeded_db: TestDatabase,
) -> None:
    """The invariant lives in the database: a writer that bypassed the allocation fails."""
    plan = table("plan")
    async with seeded_db.engine.begin() as conn:
        row = dict(
            (await conn.execute(sa.select(plan).where(plan.c.key == "air"))).mappings().one()
        )
        copy = {**row, "id": uuid.uuid4(), "key": "air-copy"}
        savepoint = await conn.begin_nested()
        with pytest.raises(IntegrityError):
            await conn.execute(plan.insert().values(**copy))
        await savepoint.rollback()
        # Another kind may share the stem (the annex pairs with its action plan).
        await conn.execute(plan.insert().values(**copy | {"kind": "OTHER"}))


async def test_a_rejected_plan_write_leaves_the_database_unchanged(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    admin, district = await _admin(client, "城区")
    document = await _document(admin, district, "城政办发〔2023〕43号", "2023-09-01")
    seeded_air = (await client.query("{ plans(first: 1) { edges { node { id } } } }"))["plans"]
    other_document = seeded_air["edges"][0]["node"]["id"]
    stems = await _stems(seeded_db)
    base = {"document": document, "title": "计划", "kind": "ACTION_PLAN", "field": "AIR"}
    for bad, code in (
        ({"year": 1800}, "OUT_OF_RANGE"),
        ({"key": "Bad Key"}, "INVALID_INPUT"),
        ({"parent": other_document}, "INVALID_INPUT"),
    ):
        refused = (await admin.query(PLAN, {"i": base | {"year": 2023} | bad}))["createPlan"]
        assert refused["plan"] is None
        assert [e["code"] for e in refused["errors"]] == [code]
        assert await _stems(seeded_db) == stems
    # The refused writes took no stem: the next plan gets the first free one.
    accepted = await _plan(admin, document)
    assert accepted["labelStem"] == "2023城区大气"
    after = await _stems(seeded_db)
    assert sorted(set(after.values()) - set(stems.values())) == ["2023城区大气"]
    duplicate = await admin.query(PLAN, {"i": base | {"year": 2023, "key": "plan-1"}})
    assert [e["code"] for e in duplicate["createPlan"]["errors"]] == ["DUPLICATE"]
    assert await _stems(seeded_db) == after


@pytest.mark.private_db  # SQLite: a file of its own; the generator writes in one transaction
async def test_a_generated_province_has_every_label_once(empty_db: TestDatabase) -> None:
    """Every district and city writes plans of the same years and fields: the whole tree,
    read by GraphQL, shows as many distinct labels as tasks."""
    from seeds.synthetic import Sizes
    from seeds.synthetic_load import generate

    await generate(empty_db.engine, Sizes(units=60, tasks=400, reports=600), seed=11)
    async with empty_db.engine.connect() as conn:
        tasks = (await conn.execute(sa.text("SELECT count(*) FROM task"))).scalar()
    stems = set((await _stems(empty_db)).values())
    # Plans that collided took their government's name (and a counter): the case at stake.
    assert any(not re.fullmatch(r"\d{4}(大气|水|土壤|生态|其他)", s) for s in stems)
    for compiled in (True, False):
        async with graphql_client(empty_db, compiled=compiled) as gql:
            labels = [t["label"] for t in await _every_task(gql)]
        assert len(labels) == tasks
        assert len(set(labels)) == len(labels), compiled


CONCURRENT = 20


@pytest.mark.postgres
@pytest.mark.private_db  # concurrent writers: connections and commits of their own
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_concurrent_creators_of_same_year_plans_get_distinct_stems(
    seeded_db: TestDatabase,
) -> None:
    async with graphql_client(seeded_db) as client:
        admin, district = await _admin(client, "城区")
        documents = [
            await _document(admin, district, f"城政办发〔2023〕{50 + n}号", "2023-10-01")
            for n in range(CONCURRENT)
        ]
        made = await asyncio.gather(*(_plan(admin, d) for d in documents))
    stems = sorted(p["labelStem"] for p in made)
    assert len(set(stems)) == CONCURRENT
    # 2023大气 is the seed's: 2023城区大气, then (2) … (20), each once, whoever came first.
    assert set(stems) == {"2023城区大气"} | {f"2023城区大气({n})" for n in range(2, CONCURRENT + 1)}


async def test_a_batch_into_a_database_holding_its_stems_keeps_annexes_with_their_plans(
    seeded_db: TestDatabase,
) -> None:
    """insert_plans of several plans at once (the seed's and generator's path) where the
    index refuses some candidates: the refused ones move on, and a document's annex still
    takes its action plan's final stem."""
    from datetime import UTC, date, datetime

    from resolvers.document.label_stems import insert_plans
    from tests.factories import insert

    units, now = table("org_unit"), datetime.now(UTC)
    stamps = {"created_at": now, "updated_at": now, "version": 1}
    async with seeded_db.engine.begin() as conn:
        district = (await conn.execute(sa.select(units.c.id).where(units.c.name == "城区"))).one()
        doc = await insert(
            conn,
            "document",
            id=uuid.uuid4(),
            title="批量",
            kind="NOTICE",
            issuer_id=district.id,
            issued_on=date(2023, 7, 1),
            attributes={},
            **stamps,
        )
        rows = [
            {
                "id": uuid.uuid4(),
                "document_id": doc["id"],
                "parent_id": None,
                "key": key,
                "title": key,
                "kind": kind,
                "field": field,
                "year": 2023,
                "seq": seq,
                "narrative": [],
                **stamps,
            }
            for seq, (key, kind, field) in enumerate(
                [
                    ("air", "ACTION_PLAN", "AIR"),
                    ("air-projects", "PROJECT_LIST", "AIR"),
                    ("ecology", "ACTION_PLAN", "ECOLOGY"),
                ],
                start=1,
            )
        ]
        written = await insert_plans(conn, rows)
    # 2023大气 (ACTION_PLAN) is the seed's: refused, then 2023城区大气, which the annex shares
    # although 2023大气 is free for a PROJECT_LIST; 2023生态 was free.
    assert [(p["key"], p["label_stem"]) for p in written] == [
        ("air", "2023城区大气"),
        ("air-projects", "2023城区大气"),
        ("ecology", "2023生态"),
    ]
    assert set((await _stems(seeded_db)).values()) >= {"2023城区大气", "2023生态", "2023大气"}
