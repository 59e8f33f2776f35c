"""SQL statements per request depend on the query's shape, not on the number of rows."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from models.enums import OrgUnitKind
from resolvers.common import global_id
from resolvers.rollups.maintained import refresh_task_rollups
from tests.conftest import GraphQLClient, TestDatabase, graphql_client
from tests.factories import create_plan, create_unit, table

DASHBOARD = """
query ($id: ID!) {
  node(id: $id) { ... on OrgUnit {
    name
    taskRollup { total overdue completionRate }
    rectificationRollup { total }
    children {
      name
      taskRollup { total overdue dueSoon }
      tasks(first: 10, includeDescendants: true, orderBy: [DEADLINE_ASC]) {
        totalCount
        rollup { total }
        edges { node {
          title deadline { kind end }
          plan { title document { docNumber } }
          leadUnits { name parent { name } }
          assignments { role status unit { name } }
        } }
      }
    }
  } }
}
"""


async def _province(db: TestDatabase, tasks: int) -> uuid.UUID:
    """A city with 4 districts × 3 towns and `tasks` tasks spread over the towns."""
    now = datetime.now(UTC)
    async with db.engine.begin() as conn:
        city = await create_unit(conn, "测试市", OrgUnitKind.CITY)
        towns: list[dict[str, Any]] = []
        for d in range(4):
            district = await create_unit(conn, f"{d}区", OrgUnitKind.DISTRICT, city)
            for t in range(3):
                towns.append(await create_unit(conn, f"{d}区{t}镇", OrgUnitKind.TOWN, district))
        plan = await create_plan(conn)
        task_rows, assignment_rows, event_rows = [], [], []
        for i in range(tasks):
            task_id = uuid.uuid4()
            task_rows.append(
                {
                    "id": task_id,
                    "code": f"{plan['key']}/{i:06d}",
                    "plan_id": plan["id"],
                    "document_id": plan["document_id"],
                    "parent_id": None,
                    "seq": i + 1,
                    "seq_path": str(i + 1),
                    "title": f"任务{i}",
                    "deadline_kind": "BY_DATE",
                    "deadline_end": date(2023, 1, 1) + timedelta(days=i % 365),
                    "deadline_text": "",
                    "weight": 1.0,
                    "status": "NOT_STARTED",
                    "progress": 0.0,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
            for role, town in (("LEAD", towns[i % 12]), ("COOPERATING", towns[(i + 5) % 12])):
                assignment_id = uuid.uuid4()
                assignment_rows.append(
                    {
                        "id": assignment_id,
                        "task_id": task_id,
                        "org_unit_id": town["id"],
                        "role": role,
                        "status": "NOT_STARTED",
                        "progress": 0.0,
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                )
                event_rows.append(
                    {
                        "id": uuid.uuid4(),
                        "assignment_id": assignment_id,
                        "effective_at": now - timedelta(days=1),
                        "status": "NOT_STARTED",
                        "progress": 0.0,
                    }
                )
        await conn.execute(table("task").insert(), task_rows)
        await conn.execute(table("assignment").insert(), assignment_rows)
        await conn.execute(table("assignment_status_event").insert(), event_rows)
        await refresh_task_rollups(conn, [row["id"] for row in task_rows])
    city_id: uuid.UUID = city["id"]
    return city_id


async def _statements(client: GraphQLClient, unit: uuid.UUID, as_of: str | None = None) -> int:
    body = await client.execute(DASHBOARD, {"id": global_id("OrgUnit", unit)})
    assert "errors" not in body, body.get("errors")
    city = body["data"]["node"]
    assert len(city["children"]) == 4
    statements: int = body["extensions"]["sql"]["statements"]
    return statements


@pytest.mark.parametrize("sizes", [(10, 1000)])
async def test_same_statement_count_over_10_and_1000_tasks(
    empty_db: TestDatabase, sizes: tuple[int, int], tmp_path: Any
) -> None:
    small, large = sizes
    city = await _province(empty_db, small)
    async with graphql_client(empty_db) as client:
        few = await _statements(client, city)
        data = await client.query(
            "query ($id: ID!) { node(id: $id) { ... on OrgUnit { taskRollup { total } } } }",
            {"id": global_id("OrgUnit", city)},
        )
        assert data["node"]["taskRollup"]["total"] == small
    async with empty_db.engine.begin() as conn:
        for name in ("assignment_status_event", "assignment", "task"):
            await conn.execute(sa.delete(table(name)))
        await conn.execute(sa.delete(table("plan")))
        await conn.execute(sa.delete(table("document")))
        await conn.execute(sa.delete(table("org_unit_closure")))
        await conn.execute(sa.delete(table("org_unit")))
    city = await _province(empty_db, large)
    async with graphql_client(empty_db) as client:
        many = await _statements(client, city)
        data = await client.query(
            "query ($id: ID!) { node(id: $id) { ... on OrgUnit { taskRollup { total } } } }",
            {"id": global_id("OrgUnit", city)},
        )
        assert data["node"]["taskRollup"]["total"] == large
    assert few == many
    # One statement per level and relation: node, rollups, children, pages, counts, loaders.
    assert many <= 16


async def test_seed_rollups_of_chengqu_and_children_agree_with_sql(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    as_of = "2023-06-15"
    body = await client.execute(
        """query ($asOf: Date!) { orgUnit(name: "城区") {
             taskRollup(asOf: $asOf) { total overdue ongoing notStarted dueSoon }
             children { name taskRollup(asOf: $asOf) { total overdue ongoing notStarted dueSoon } }
           } }""",
        {"asOf": as_of},
    )
    assert "errors" not in body
    district = body["data"]["orgUnit"]
    sql = sa.text(
        """
        SELECT count(*) AS total,
               coalesce(sum(CASE WHEN t.deadline_kind <> 'ONGOING' AND t.deadline_end < :as_of
                                 THEN 1 ELSE 0 END), 0) AS overdue,
               coalesce(sum(CASE WHEN t.deadline_kind = 'ONGOING' THEN 1 ELSE 0 END), 0)
                 AS ongoing,
               coalesce(sum(CASE WHEN t.deadline_kind <> 'ONGOING' AND t.deadline_end >= :as_of
                                  AND t.deadline_end <= :soon THEN 1 ELSE 0 END), 0) AS due_soon
        FROM task t
        WHERE EXISTS (SELECT 1 FROM assignment a
                      JOIN org_unit_closure c ON c.descendant_id = a.org_unit_id
                      WHERE a.task_id = t.id AND a.role = 'LEAD' AND c.ancestor_id = :unit)
        """
    ).bindparams(
        sa.bindparam("unit", type_=sa.Uuid()),
        sa.bindparam("as_of", type_=sa.Date()),
        sa.bindparam("soon", type_=sa.Date()),
    )
    as_of_day = date.fromisoformat(as_of)
    async with seeded_db.engine.connect() as conn:
        units = {
            row.name: row.id
            for row in await conn.execute(
                sa.select(table("org_unit").c.name, table("org_unit").c.id)
            )
        }

        async def expected(name: str) -> dict[str, int]:
            row = (
                await conn.execute(
                    sql,
                    {
                        "as_of": as_of_day,
                        "soon": as_of_day + timedelta(days=14),
                        "unit": units[name],
                    },
                )
            ).one()
            # Nothing is reported in the seed documents: every task is NOT_STARTED.
            return {
                "total": row.total,
                "overdue": row.overdue,
                "ongoing": row.ongoing,
                "notStarted": row.total,
                "dueSoon": row.due_soon,
            }

        assert district["taskRollup"] == await expected("城区")
        assert district["taskRollup"]["total"] == 65
        for child in district["children"]:
            assert child["taskRollup"] == await expected(child["name"]), child["name"]
    # The district, its children and their rollups: a handful of statements in all.
    assert body["extensions"]["sql"]["statements"] <= 5
