"""The compiled read path agrees with the resolvers for a designated supervisor (issue 17,
point 6): the supervision anchors live in models/rules/scope.py, which both paths (and
PostgreSQL's row-level security) build on, so 区环委办 — designated supervisor of the
inspection's rectification list and of a plan, not above their units — gets the same
answers both ways, with the scope in SQL and under row-level security.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

import models
from api.auth import mint_token
from models.enums import ViewerRole
from resolvers.common import global_id
from tests.compiled.test_differential import Case, clients_for, compare, corpus
from tests.conftest import TEST_SECRET, TestDatabase

__all__ = ["clients_for"]  # the fixture, shared with test_differential.py

SUPERVISED = """query ($unit: ID!) {
  orgUnit(id: $unit) { id name rectificationRollup { total notStarted inProgress completed
    verified closed reopened overdue }
    rectifications(includeDescendants: true, first: 50) { totalCount
      edges { node { id seq status responsibleUnits { id name } } } } }
}"""
# The supervised plan's tasks and their reports: a supervisor reviews them, so it reads them
# (models/rules/scope.py report_share; the compiled Task.reports applies the same rule).
PLAN_REPORTS = """query ($plan: ID!) { tasks(first: 50, filter: {plan: $plan}) { totalCount
  edges { node { id reports(first: 5) { totalCount edges { node { id percent } } } } } } }"""
# Not compiled (a root the compiled path does not know): the resolvers answer both.
ALL_ITEMS = """query { rectifications(first: 50) { totalCount
  edges { node { id seq status shares { unit { name } state } } } } }"""


async def _designate(db: TestDatabase) -> uuid.UUID:
    """区环委办 supervises the inspection and the first plan; its id."""
    async with db.engine.begin() as conn:
        office = (
            await conn.execute(
                sa.text(
                    "SELECT id FROM org_unit WHERE name = '城区生态环境保护委员会办公室'"
                ).columns(id=sa.Uuid())
            )
        ).scalar_one()
        inspection = (
            await conn.execute(sa.text("SELECT id FROM inspection").columns(id=sa.Uuid()))
        ).scalar_one()
        plan = (
            await conn.execute(
                sa.text("SELECT id FROM plan ORDER BY title LIMIT 1").columns(id=sa.Uuid())
            )
        ).scalar_one()
        for column, target in (("inspection_id", inspection), ("plan_id", plan)):
            await conn.execute(
                sa.text(
                    f"INSERT INTO supervision (id, {column}, org_unit_id, created_at)"
                    " VALUES (:id, :target, :unit, CURRENT_TIMESTAMP)"
                ).bindparams(
                    sa.bindparam("id", type_=sa.Uuid()),
                    sa.bindparam("target", type_=sa.Uuid()),
                    sa.bindparam("unit", type_=sa.Uuid()),
                ),
                {"id": uuid.uuid4(), "target": target, "unit": office},
            )
        # A report on a share of the supervised plan's first task (the seed has none).
        share = (
            await conn.execute(
                sa.text(
                    "SELECT a.id, a.org_unit_id FROM assignment a JOIN task t ON t.id = a.task_id"
                    " WHERE t.plan_id = :plan ORDER BY t.seq_path, a.id LIMIT 1"
                )
                .bindparams(sa.bindparam("plan", plan, type_=sa.Uuid()))
                .columns(id=sa.Uuid(), org_unit_id=sa.Uuid())
            )
        ).one()
        report_t = models.metadata.tables["progress_report"]
        await conn.execute(
            report_t.insert().values(
                id=uuid.uuid4(),
                assignment_id=share.id,
                reported_by_unit_id=share.org_unit_id,
                reported_by="测试",
                reported_at=datetime(2023, 5, 1, tzinfo=UTC),
                percent=30.0,
                status="IN_PROGRESS",
                narrative="进展",
                evidence=[],
                period=None,
                review_state="NOT_REQUIRED",
                created_at=datetime(2023, 5, 1, tzinfo=UTC),
                version=1,
            )
        )
    return uuid.UUID(str(office))


async def _supervised_plan(db: TestDatabase) -> str:
    async with db.engine.connect() as conn:
        plan = (
            await conn.execute(
                sa.text("SELECT id FROM plan ORDER BY title LIMIT 1").columns(id=sa.Uuid())
            )
        ).scalar_one()
    return str(global_id("Plan", plan))


@pytest.mark.parametrize(
    "rls",
    [
        pytest.param(False, id="scope-in-sql"),
        pytest.param(True, id="row-level-security", marks=pytest.mark.private_db),
    ],
)
async def test_compiled_equals_resolvers_for_a_supervisor(
    seeded_db: TestDatabase, clients_for: Any, rls: bool
) -> None:
    if rls and seeded_db.dialect == "sqlite":
        pytest.skip("row-level security is PostgreSQL's")
    office = await _designate(seeded_db)
    clients = await clients_for(seeded_db, rls)
    corpus_cases, _viewers = await corpus(seeded_db)
    async with seeded_db.engine.connect() as conn:
        towns = (
            await conn.execute(
                sa.text("SELECT id FROM org_unit WHERE name IN ('西上庄街道', '城区')").columns(
                    id=sa.Uuid()
                )
            )
        ).scalars()
        units = [global_id("OrgUnit", u) for u in [*towns, office]]
    # The corpus's queries about 城区 (its rollups hold the supervised items), and ours.
    cases = [
        c for c in corpus_cases if units[0] in str(c.variables) or units[1] in str(c.variables)
    ]
    cases += [Case("supervised", SUPERVISED, {"unit": unit}) for unit in units]
    cases.append(Case("all items", ALL_ITEMS, {}, compiles=False))
    plan = await _supervised_plan(seeded_db)
    cases.append(Case("supervised reports", PLAN_REPORTS, {"plan": plan}))
    token = mint_token(TEST_SECRET, unit_id=office, role=ViewerRole.REPORTER)
    headers = {"authorization": f"Bearer {token}"}
    strict = seeded_db.dialect == "postgresql"
    compiled = await compare(clients, cases, headers, "区环委办 (supervisor)", None, strict)
    assert compiled > 0
    # It sees the supervised items through both paths.
    response = await clients.compiled.post("/graphql", json={"query": ALL_ITEMS}, headers=headers)
    assert response.json()["data"]["rectifications"]["totalCount"] == 17
    # And the supervised plan's reports (it reviews them), through the compiled path too.
    response = await clients.compiled.post(
        "/graphql", json={"query": PLAN_REPORTS, "variables": {"plan": plan}}, headers=headers
    )
    tasks = response.json()["data"]["tasks"]["edges"]
    assert sum(t["node"]["reports"]["totalCount"] for t in tasks) == 1
