"""Cursors are signed and bound to the list that made them (resolvers/cursors.py).

A cursor passed to another connection, parent, ordering or filter, a garbled one and a forged
one are BAD_USER_INPUT ("cursor does not belong to this list"), on SQLite and PostgreSQL, on the
resolvers and the compiled read path alike; paging with a list's own cursors is unchanged, and
cursors outlive a restart when the server has a secret.
"""

from __future__ import annotations

import base64
from typing import Any

import httpx
import orjson
import pytest

from api.app import create_app
from api.settings import Settings
from tests.conftest import TEST_SECRET, GraphQLClient, TestDatabase, graphql_client

TASKS = """
query ($after: String, $order: [TaskOrder!], $filter: TaskFilter) {
  tasks(first: 5, after: $after, orderBy: $order, filter: $filter) {
    edges { cursor node { id } } pageInfo { endCursor hasNextPage } } }
"""
UNIT_TASKS = """
query ($id: ID!, $after: String, $order: [TaskOrder!]) {
  orgUnit(id: $id) { tasks(first: 3, after: $after, includeDescendants: true, orderBy: $order) {
    edges { cursor node { id } } pageInfo { endCursor hasNextPage } } } }
"""
UNITS = """
query ($after: String) { orgUnits(first: 5, after: $after) {
  edges { node { id } } pageInfo { endCursor } } }
"""
UNITS_UNDER = """
query ($a: ID!, $after: String) { orgUnits(first: 2, after: $after, filter: {ancestor: $a}) {
  edges { cursor node { id } } pageInfo { endCursor } } }
"""
FOREIGN = "游标不属于此列表"  # messages are zh-CN by default


def _code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    assert errors, body
    code: str | None = (errors[0].get("extensions") or {}).get("code")
    return code


def _refused(body: dict[str, Any], message: str = FOREIGN) -> None:
    assert _code(body) == "BAD_USER_INPUT", body
    assert message in body["errors"][0]["message"], body


async def _units(client: GraphQLClient) -> tuple[str, str]:
    data = await client.query(
        '{ a: orgUnit(name: "城区") { id } b: orgUnit(name: "泽州县") { id } }'
    )
    return data["a"]["id"], data["b"]["id"]


async def _end(client: GraphQLClient, query: str, variables: dict[str, Any], *path: str) -> str:
    data: Any = await client.query(query, variables)
    for key in path:
        data = data[key]
    cursor: str = data["pageInfo"]["endCursor"]
    assert cursor
    return cursor


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "resolvers"])
async def test_paging_with_own_cursors_is_unchanged(
    seeded_db: TestDatabase, compiled: bool
) -> None:
    async with graphql_client(seeded_db, compiled=compiled) as client:
        all_ids = [
            e["node"]["id"]
            for e in (await client.query("{ tasks(first: 100) { edges { node { id } } } }"))[
                "tasks"
            ]["edges"]
        ]
        seen: list[str] = []
        after = None
        for _ in range(100):
            page = (await client.query(TASKS, {"after": after}))["tasks"]
            seen += [e["node"]["id"] for e in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert seen == all_ids[: len(seen)]
        assert len(seen) == min(len(all_ids), 100)
        city, _ = await _units(client)
        first = (await client.query(UNIT_TASKS, {"id": city}))["orgUnit"]["tasks"]
        second = await client.query(
            UNIT_TASKS, {"id": city, "after": first["pageInfo"]["endCursor"]}
        )
        ids = [e["node"]["id"] for e in second["orgUnit"]["tasks"]["edges"]]
        assert ids
        assert not set(ids) & {e["node"]["id"] for e in first["edges"]}


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "resolvers"])
async def test_foreign_cursors_are_refused(seeded_db: TestDatabase, compiled: bool) -> None:
    async with graphql_client(seeded_db, compiled=compiled) as client:
        city, county = await _units(client)
        plain = await _end(client, TASKS, {}, "tasks")
        by_deadline = await _end(client, TASKS, {"order": ["DEADLINE_ASC"]}, "tasks")
        filtered = await _end(client, TASKS, {"filter": {"category": None, "text": "煤"}}, "tasks")
        of_city = await _end(client, UNIT_TASKS, {"id": city}, "orgUnit", "tasks")
        units = await _end(client, UNITS, {}, "orgUnits")

        # another ordering, another filter, the same ordering's cursor under another ordering
        _refused(await client.execute(TASKS, {"after": by_deadline}))
        _refused(await client.execute(TASKS, {"after": plain, "order": ["SEQ_DESC"]}))
        _refused(await client.execute(TASKS, {"after": filtered}))
        _refused(await client.execute(TASKS, {"after": plain, "filter": {"text": "煤"}}))
        # another parent, another connection
        _refused(await client.execute(UNIT_TASKS, {"id": county, "after": of_city}))
        _refused(await client.execute(UNIT_TASKS, {"id": city, "after": plain}))
        _refused(await client.execute(TASKS, {"after": of_city}))
        _refused(await client.execute(UNITS, {"after": plain}))
        _refused(await client.execute(TASKS, {"after": units}))
        # orgUnits below another unit (its bound filter ids are the list's parent)
        under_city = await _end(client, UNITS_UNDER, {"a": city}, "orgUnits")
        _refused(await client.execute(UNITS_UNDER, {"a": county, "after": under_city}))
        _refused(await client.execute(UNITS, {"after": under_city}))
        assert (await client.execute(UNITS_UNDER, {"a": city, "after": under_city}))["data"]
        # each list still takes its own
        assert (await client.execute(TASKS, {"after": by_deadline, "order": ["DEADLINE_ASC"]}))[
            "data"
        ]["tasks"]["edges"]
        assert (await client.execute(UNIT_TASKS, {"id": city, "after": of_city}))["data"]


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "resolvers"])
async def test_garbled_and_forged_cursors_are_refused(
    seeded_db: TestDatabase, compiled: bool
) -> None:
    async with graphql_client(seeded_db, compiled=compiled) as client:
        city, _ = await _units(client)
        real = await _end(client, TASKS, {}, "tasks")
        payload, _, tag = real.partition(".")
        key = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        forged_key = base64.urlsafe_b64encode(orjson.dumps([*key[:-1], "0" * 8])).decode()
        forged = forged_key.rstrip("=") + "." + tag
        unsigned = payload  # the old, unsigned form
        flipped = payload + "." + ("A" if tag[0] != "A" else "B") + tag[1:]
        for bad in ("x", "!!!", "e30", "e30.x", unsigned, forged, flipped, real + "x", "." * 3):
            for query, variables in (
                (TASKS, {"after": bad}),
                (UNIT_TASKS, {"id": city, "after": bad}),
                (UNITS, {"after": bad}),
            ):
                body = await client.execute(query, variables)
                assert _code(body) == "BAD_USER_INPUT", (bad, body)
                assert "游标" in body["errors"][0]["message"], body


async def test_a_cursor_of_one_parent_pages_only_that_parent(seeded_db: TestDatabase) -> None:
    """children { tasks(after:) }: the child whose cursor it is pages, its siblings refuse it."""
    query = """
    query ($after: String) { orgUnit(name: "城区") { children {
      name tasks(first: 1, after: $after, includeDescendants: true) {
        edges { node { id } } pageInfo { endCursor } } } } }
    """
    async with graphql_client(seeded_db) as client:
        children = (await client.query(query))["orgUnit"]["children"]
        owner = next(c for c in children if c["tasks"]["pageInfo"]["endCursor"])
        cursor = owner["tasks"]["pageInfo"]["endCursor"]
        body = await client.execute(query, {"after": cursor})
        # TaskConnection! is not nullable: the refusals null the list (GraphQL's rule).
        assert body["data"] == {"orgUnit": None}, body
        assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}
        assert all(FOREIGN in e["message"] for e in body["errors"]), body
        refused = {tuple(e["path"][:3]) for e in body["errors"]}
        owner_index = children.index(owner)
        assert ("orgUnit", "children", owner_index) not in refused
        # The owner's list pages with it.
        alone = """
        query ($name: String!, $after: String) { orgUnit(name: $name) {
          tasks(first: 1, after: $after, includeDescendants: true) { edges { node { id } } } } }
        """
        page = await client.query(alone, {"name": owner["name"], "after": cursor})
        assert page["orgUnit"]["tasks"]["edges"] != owner["tasks"]["edges"]


@pytest.mark.private_db
async def test_cursors_survive_a_restart_with_the_same_secret(seeded_db: TestDatabase) -> None:
    async def cursor_and_check(secret: str, after: str | None) -> tuple[str, dict[str, Any]]:
        app = create_app(Settings(database_url=seeded_db.url, secret=secret, anonymous=True))
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as http,
        ):
            client = GraphQLClient(http)
            own = await _end(client, TASKS, {}, "tasks")
            body = await client.execute(TASKS, {"after": after}) if after else {}
        return own, body

    cursor, _ = await cursor_and_check(TEST_SECRET, None)
    _, again = await cursor_and_check(TEST_SECRET, cursor)
    assert "errors" not in again, again
    assert again["data"]["tasks"]["edges"], again
    _, other = await cursor_and_check(TEST_SECRET + "-rotated", cursor)
    _refused(other)
