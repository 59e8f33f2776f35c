"""Hostile arguments: dates out of range and malformed ids are typed input errors.

Every case runs on SQLite and PostgreSQL, through the resolvers and (PostgreSQL) the compiled
read path: the answer is a top-level error with `extensions.code` BAD_USER_INPUT and a message
that says what is accepted, a payload error for mutations, or a Relay null for `node(id:)`;
never INTERNAL_ERROR.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from models.rules import calendar
from tests.conftest import GraphQLClient, TestDatabase, graphql_client


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


RANDOM_UUID = "5a0c4c8e-2f5b-4a55-9f5e-0b8f3c1d2e7a"  # fixed: xdist workers collect alike
RANGE = "1900-01-01..2199-12-31"
BAD_DATES = ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01"]

# Every place a Date argument or input field is read, as (query, variables) with $d the date.
DATE_QUERIES: list[tuple[str, dict[str, Any]]] = [
    ('query ($d: Date) { orgUnit(name: "城区") { taskRollup(asOf: $d) { total } } }', {}),
    ('query ($d: Date) { orgUnit(name: "城区") { rectificationRollup(asOf: $d) { total } } }', {}),
    ("query ($d: Date) { tasks(filter: {overdueAsOf: $d}) { totalCount } }", {}),
    ("query ($d: Date) { tasks(filter: {dueSoonAsOf: $d}) { totalCount } }", {}),
    ("query ($d: Date) { tasks(filter: {dueBefore: $d}) { totalCount } }", {}),
    ("query ($d: Date) { tasks(first: 1) { edges { node { overdue(asOf: $d) } } } }", {}),
    ("query ($d: Date) { tasks(first: 1) { rollup(asOf: $d) { total } } }", {}),
    (
        'query ($d: Date) { orgUnit(name: "城区") { tasks(filter: {overdueAsOf: $d}) '
        "{ totalCount } } }",
        {},
    ),
]


def _code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    assert errors, body
    code: str | None = (errors[0].get("extensions") or {}).get("code")
    return code


@pytest.mark.parametrize("day", BAD_DATES)
@pytest.mark.parametrize(("query", "extra"), DATE_QUERIES)
async def test_dates_out_of_range_are_input_errors(
    client: GraphQLClient, query: str, extra: dict[str, Any], day: str
) -> None:
    body = await client.execute(query, {"d": day, **extra})
    assert _code(body) == "BAD_USER_INPUT", body
    assert RANGE in body["errors"][0]["message"], body


@pytest.mark.parametrize("day", BAD_DATES)
async def test_date_literals_out_of_range_are_input_errors(client: GraphQLClient, day: str) -> None:
    body = await client.execute(f'{{ tasks(filter: {{overdueAsOf: "{day}"}}) {{ totalCount }} }}')
    assert _code(body) == "BAD_USER_INPUT", body
    assert RANGE in body["errors"][0]["message"], body


async def test_dates_at_the_bounds_are_answered(client: GraphQLClient) -> None:
    for day in (calendar.MIN_DATE, calendar.MAX_DATE):
        data = await client.query(
            'query ($d: Date) { orgUnit(name: "城区") { taskRollup(asOf: $d) { total } '
            "tasks(filter: {overdueAsOf: $d}) { totalCount } } }",
            {"d": day.isoformat()},
        )
        assert data["orgUnit"]["taskRollup"]["total"] >= 0


async def test_calendar_bounds_hold_in_every_time_zone() -> None:
    """The cutoffs of the bounds exist (no OverflowError) whatever the zone."""
    for name in ("Pacific/Kiritimati", "Etc/GMT+12", "Asia/Shanghai"):
        calendar.configure(name)
        try:
            assert calendar.end_of_day(calendar.MAX_DATE) > calendar.start_of_day(calendar.MIN_DATE)
        finally:
            calendar.configure(calendar.DEFAULT_TIMEZONE)
    with pytest.raises(ValueError, match=RANGE):
        calendar.parse_date("9999-12-31")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        calendar.parse_date("yesterday")


async def test_mutation_dates_out_of_range_are_input_errors(client: GraphQLClient) -> None:
    """A deadline or issue date in a mutation's input: refused before anything runs."""
    body = await client.execute(
        'mutation ($d: Date) { createDocument(input: {title: "t", kind: NOTICE, '
        "issuedOn: $d}) { errors { code } } }",
        {"d": "9999-12-31"},
    )
    assert _code(body) == "BAD_USER_INPUT", body


async def test_export_as_of_out_of_range_is_400(seeded_db: TestDatabase) -> None:
    async with graphql_client(seeded_db) as gql:
        response = await gql.http.get(
            "/export/ledger.csv", params={"unit": "城区", "asOf": "9999-12-31"}
        )
    assert response.status_code == 400, response.text
    assert RANGE in response.text


# -- ids ------------------------------------------------------------------------------------

GARBAGE_IDS = [
    b64("Task:not-a-uuid"),
    b64("OrgUnit:not-a-uuid"),
    b64("NoSuchType:" + RANDOM_UUID),
    b64("no colon at all"),
    "!!! not base64 !!!",
    "",
    RANDOM_UUID,
    b64("Task:"),
    base64.b64encode(b"\xff\xfe:\x00").decode(),
]


@pytest.mark.parametrize("bad", GARBAGE_IDS)
async def test_node_with_a_garbage_id_is_null(client: GraphQLClient, bad: str) -> None:
    body = await client.execute("query ($id: ID!) { node(id: $id) { id } }", {"id": bad})
    assert body.get("data") == {"node": None}, body
    assert "errors" not in body, body


ID_QUERIES = [
    "query ($id: ID!) { orgUnit(id: $id) { name } }",
    "query ($id: ID!) { orgUnit(id: $id) { name tasks(first: 2) { totalCount } } }",
    "query ($id: ID!) { tasks(filter: {plan: $id}) { totalCount } }",
    "query ($id: ID!) { tasks(filter: {document: $id}) { totalCount } }",
    "query ($id: ID!) { tasks(filter: {leadUnit: $id}) { totalCount } }",
    "query ($id: ID!) { orgUnits(filter: {ancestor: $id}) { totalCount } }",
    "query ($id: ID!) { orgUnits(filter: {parent: $id}) { totalCount } }",
    "query ($id: ID!) { rectifications(filter: {inspection: $id}) { totalCount } }",
    "query ($id: ID!) { rectifications(filter: {responsibleUnit: $id}) { totalCount } }",
    "query ($id: ID!) { plans(document: $id) { totalCount } }",
    "query ($id: ID!) { targets(filter: {unit: $id}) { totalCount } }",
    "query ($id: ID!) { measurements(filter: {unit: $id}) { totalCount } }",
    "query ($id: ID!) { auditEvents(filter: {unit: $id}) { totalCount } }",
    "query ($id: ID!) { auditEvents(filter: {target: $id}) { totalCount } }",
]


@pytest.mark.parametrize("bad", [b64("OrgUnit:not-a-uuid"), "!!!", RANDOM_UUID, ""])
@pytest.mark.parametrize("query", ID_QUERIES)
async def test_garbage_ids_in_query_arguments_are_input_errors(
    client: GraphQLClient, query: str, bad: str
) -> None:
    admin = await _admin(client)
    body = await admin.execute(query, {"id": bad})
    assert _code(body) == "BAD_USER_INPUT", body
    assert "不是有效的" in body["errors"][0]["message"], body  # zh-CN by default


async def test_an_id_of_another_type_is_an_input_error(client: GraphQLClient) -> None:
    admin = await _admin(client)
    task = (await admin.query("{ tasks(first: 1) { edges { node { id } } } }"))["tasks"]
    task_id = task["edges"][0]["node"]["id"]
    body = await admin.execute("query ($id: ID!) { orgUnit(id: $id) { name } }", {"id": task_id})
    assert _code(body) == "BAD_USER_INPUT", body
    assert "OrgUnit" in body["errors"][0]["message"]
    assert "Task" in body["errors"][0]["message"]
    # node(id:) takes any type: the task itself.
    node = await admin.query("query ($id: ID!) { node(id: $id) { id } }", {"id": task_id})
    assert node["node"] == {"id": task_id}


MUTATIONS = [
    ("assignTask", "{task: $id, units: [$id], role: LEAD}", "task"),
    ("updateTask", '{task: $id, title: "x", expectedVersion: 1}', "task"),
    ("reportProgress", "{assignment: $id, percent: 10}", "assignment"),
    (
        "transitionRectification",
        "{rectification: $id, to: IN_PROGRESS, expectedVersion: 1}",
        "rectification",
    ),
    ("updateTarget", "{target: $id, value: 1, expectedVersion: 1}", "target"),
    ("createPlan", '{document: $id, title: "p", kind: ACTION_PLAN, field: AIR}', "document"),
]


@pytest.mark.parametrize("bad", [b64("Task:not-a-uuid"), "!!!", RANDOM_UUID])
@pytest.mark.parametrize(("name", "input_", "field"), MUTATIONS)
async def test_garbage_ids_in_mutations_are_payload_errors(
    client: GraphQLClient, name: str, input_: str, field: str, bad: str
) -> None:
    admin = await _admin(client)
    body = await admin.execute(
        f"mutation ($id: ID!) {{ {name}(input: {input_}) {{ errors {{ code field }} }} }}",
        {"id": bad},
    )
    assert "errors" not in body, body
    assert body["data"][name]["errors"] == [{"code": "NOT_FOUND", "field": field}], body


async def _admin(client: GraphQLClient) -> GraphQLClient:
    unit = (await client.query('{ orgUnit(name: "城区") { id } }'))["orgUnit"]["id"]
    from resolvers.ids import decode_global_id

    return client.as_viewer(decode_global_id(unit, "OrgUnit"), "ADMIN")
