"""The benchmark's rows: what is asked, of which peers, by whom.

Compared rows (govgraph, PostGraphile, floor; bench/queries.py): Q1–Q4 for ADMIN and for
restricted viewers (round-robin over BENCH_VIEWERS units' VIEWER tokens, each about its own
unit), Q3 as of a past date for ADMIN (the province) and for town viewers (their towns).
govgraph-only rows (there is no PostGraphile or floor version of them): the dashboard's own
queries, read from api/static/dashboard/queries/ (screen, unit-tree, overdue-page), and each
query of docs/examples/ (its variables from the .json beside it, with the dataset's units,
names and past date in place of the seed's), for ADMIN and for town viewers.
Rows whose requests need cursors (the unit tree's pages, the overdue list's second page)
are completed by `Row.prepare` once govgraph is up.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg

from bench import load
from bench.queries import GOVGRAPH, POSTGRAPHILE

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = ROOT / "api" / "static" / "dashboard" / "queries"
EXAMPLES = ROOT / "docs" / "examples"


@dataclass
class Row:
    key: str
    name: str
    audience: str
    query: str  # Q1…Q4, Q3past, or the dashboard / docs query's name
    kind: str  # "compare" or "dashboard" (the goal: p50 < 50 ms)
    requests: dict[str, list[bytes]] = field(default_factory=dict)
    prepare: Callable[[int], Awaitable[None]] | None = None


@dataclass
class Dataset:
    today: date
    past: date
    province: str
    districts: list[str]
    cities: list[str]
    restricted: list[str]
    towns: list[str]
    names: dict[str, str]  # unit id -> name, for the units with a name of their own
    target_year: int | None


def gid(type_name: str, value: str) -> str:
    from strawberry import relay

    return str(relay.GlobalID(type_name, value))


def graphql(query: str, variables: dict[str, Any], token: str | None = None) -> bytes:
    body = json.dumps({"query": query, "variables": variables}).encode()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return load.http_post("/graphql", body, headers)


async def dataset(url: str, viewers: int) -> Dataset:
    from models.rules import calendar

    conn = await asyncpg.connect(url)
    try:

        async def ids(sql: str, *args: Any) -> list[str]:
            return [str(r[0]) for r in await conn.fetch(sql, *args)]

        province = (await ids("SELECT id FROM org_unit WHERE depth = 0"))[0]
        districts = await ids(
            "SELECT id FROM org_unit WHERE kind = 'DISTRICT' ORDER BY code LIMIT 8"
        )
        cities = await ids("SELECT id FROM org_unit WHERE kind = 'CITY' ORDER BY code LIMIT 4")
        restricted = await ids(
            """SELECT id FROM org_unit WHERE depth > 0 AND kind <> 'INSPECTION_TEAM'
               ORDER BY md5(id::text) LIMIT $1""",
            viewers,
        )
        towns = await ids(
            "SELECT id FROM org_unit WHERE kind = 'TOWN' ORDER BY md5(id::text) LIMIT $1", viewers
        )
        names = {
            str(r["id"]): r["name"]
            for r in await conn.fetch(
                """SELECT min(id::text) AS id, name FROM org_unit GROUP BY name
                   HAVING count(*) = 1"""
            )
        }
        last = await conn.fetchval("SELECT max(effective_at) FROM assignment_status_event")
        year = await conn.fetchval("SELECT max(year) FROM target")
    finally:
        await conn.close()
    # A past date well inside the generated history (it ends on the generator's as-of day).
    past = calendar.local_date(last) if last else calendar.today()
    past = date.fromordinal(min(past.toordinal(), calendar.today().toordinal() - 1) - 90)
    return Dataset(
        calendar.today(), past, province, districts, cities, restricted, towns, names, year
    )


def _cycle(units: list[str], n: int) -> list[str]:
    return [units[i % len(units)] for i in range(n)] if units else []


async def build_rows(url: str, secret: str, viewers: int) -> tuple[list[Row], str]:
    """Every row of a run, and the past date used (for the report)."""
    from api.auth import mint_token
    from models.enums import ViewerRole

    ds = await dataset(url, viewers)
    admin = mint_token(secret, unit_id=uuid.UUID(ds.province), role=ViewerRole.ADMIN)
    tokens: dict[str, str] = {}

    def viewer(unit: str) -> str:
        if unit not in tokens:
            tokens[unit] = mint_token(secret, unit_id=uuid.UUID(unit), role=ViewerRole.VIEWER)
        return tokens[unit]

    today, past = ds.today.isoformat(), ds.past.isoformat()
    rows: list[Row] = []

    def compared(name: str, audience: str, units: list[str], restricted: bool) -> Row:
        query = "Q3" if name == "Q3past" else name
        gov, pgl, flo = [], [], []
        for unit in units:
            token = viewer(unit) if restricted else admin
            plain: dict[str, Any] = {"unit": unit}
            ours: dict[str, Any] = {"unit": gid("OrgUnit", unit)}
            if name == "Q1":
                plain["today"] = ours["today"] = today
            if name == "Q3":
                plain["today"] = today
            if name == "Q2":  # a restricted viewer reads its own shares' reports only
                plain["viewer"] = unit if restricted else None
            if name == "Q3past":
                plain["today"] = ours["asOf"] = past
            gov.append(graphql(GOVGRAPH[name], ours, token))
            pgl.append(graphql(POSTGRAPHILE[query], plain))
            flo.append(load.http_post(f"/q/{query}", json.dumps({"variables": plain}).encode()))
        key = f"{name}:{audience}"
        requests = {"govgraph": gov, "postgraphile": pgl, "floor": flo}
        return Row(key, name, audience, name, "compare", requests)

    for name, units in (
        ("Q1", ds.districts),
        ("Q2", ds.districts),
        ("Q3", [ds.province]),
        ("Q4", ds.cities),
    ):
        rows.append(compared(name, "ADMIN", units, restricted=False))
        rows.append(compared(name, "restricted", ds.restricted, restricted=True))
    rows.append(compared("Q3past", "ADMIN", [ds.province], restricted=False))
    rows.append(compared("Q3past", "town", ds.towns, restricted=True))
    rows += dashboard_rows(ds, admin, viewer)
    rows += docs_rows(ds, admin, viewer)
    return rows, past


def dashboard_rows(ds: Dataset, admin: str, viewer: Callable[[str], str]) -> list[Row]:
    screen = (DASHBOARD / "screen.graphql").read_text()
    tree = (DASHBOARD / "unit-tree.graphql").read_text()
    overdue = (DASHBOARD / "overdue-page.graphql").read_text()
    today = ds.today.isoformat()
    rows: list[Row] = []

    def screen_row(label: str, audience: str, units: list[str], own: bool, day: str = today) -> Row:
        requests = [
            graphql(screen, {"unit": gid("OrgUnit", u), "asOf": day}, viewer(u) if own else admin)
            for u in units
        ]
        return Row(
            f"screen:{label}", "screen", label, "screen", "dashboard", {"govgraph": requests}
        )

    rows.append(screen_row("ADMIN district", "ADMIN", ds.districts, own=False))
    rows.append(screen_row("ADMIN province", "ADMIN", [ds.province], own=False))
    rows.append(screen_row("town", "town", ds.towns, own=True))
    # The screen as of a past day (the dashboard's date picker): the children's rollups from
    # the bucket history, the overdue list from the overdue spans.
    past = ds.past.isoformat()
    rows.append(screen_row("ADMIN province past", "ADMIN", [ds.province], own=False, day=past))
    rows.append(screen_row("town past", "town", ds.towns, own=True, day=past))
    # The province's own (restricted) viewer: the whole-tree plan (api/compiled.py variants).
    rows.append(screen_row("province viewer", "province viewer", [ds.province], own=True))

    def tree_row(audience: str, tokens: list[str], walk: bool) -> Row:
        row = Row(f"unit-tree:{audience}", "unit-tree", audience, "unit-tree", "dashboard")

        async def prepare(port: int) -> None:
            # Every page's request: the first, then each endCursor's (ADMIN walks the tree).
            requests = []
            for token in tokens:
                after = None
                for _ in range(100):
                    request = graphql(tree, {"first": 100, "after": after}, token)
                    requests.append(request)
                    if not walk:
                        break
                    _status, body = await load.fetch(port, request)
                    info = json.loads(body)["data"]["orgUnits"]["pageInfo"]
                    if not info["hasNextPage"]:
                        break
                    after = info["endCursor"]
            row.requests["govgraph"] = requests

        row.requests["govgraph"] = [graphql(tree, {"first": 100}, tokens[0])]
        row.prepare = prepare
        return row

    rows.append(tree_row("ADMIN", [admin], walk=True))
    rows.append(tree_row("town", [viewer(u) for u in ds.towns], walk=False))
    rows.append(tree_row("province viewer", [viewer(ds.province)], walk=False))

    def overdue_row(audience: str, units: list[str], own: bool) -> Row:
        row = Row(f"overdue-page:{audience}", "overdue-page", audience, "overdue-page", "dashboard")

        def request(unit: str, after: str | None) -> bytes:
            variables = {"unit": gid("OrgUnit", unit), "asOf": today, "after": after}
            return graphql(overdue, variables, viewer(unit) if own else admin)

        async def prepare(port: int) -> None:
            # The second page (after the first page's endCursor) where there is one.
            requests = []
            for unit in units[:50]:
                _status, body = await load.fetch(port, request(unit, None))
                data = json.loads(body).get("data") or {}
                if data.get("unit") is None:  # an error (a timeout on a loaded machine)
                    requests.append(request(unit, None))
                    continue
                info = data["unit"]["overdue"]["pageInfo"]
                requests.append(request(unit, info["endCursor"] if info["hasNextPage"] else None))
            row.requests["govgraph"] = requests

        row.requests["govgraph"] = [request(units[0], None)]
        row.prepare = prepare
        return row

    rows.append(overdue_row("ADMIN", ds.districts, own=False))
    rows.append(overdue_row("town", ds.towns, own=True))
    return rows


def docs_rows(ds: Dataset, admin: str, viewer: Callable[[str], str]) -> list[Row]:
    """One row per docs/examples query (mutations, subscriptions and error examples aside)."""
    rows: list[Row] = []
    named_districts = [u for u in ds.districts if u in ds.names] or [ds.province]
    named_towns = [u for u in ds.towns if u in ds.names]
    for path in sorted(EXAMPLES.glob("*.graphql")):
        text = path.read_text()
        operation = re.search(r"^(query|mutation|subscription)\b", text, re.MULTILINE)
        if not operation or operation.group(1) != "query" or "expect: data" not in text:
            continue
        example = path.with_suffix(".json")
        base = json.loads(example.read_text()) if example.exists() else {}
        name = path.stem
        for audience, units, own in (
            ("ADMIN", named_districts, False),
            ("town", named_towns, True),
            ("province viewer", [ds.province], True),
        ):
            requests = []
            for unit in units:
                variables = dict(base)
                if "name" in variables and unit not in ds.names:
                    continue  # found by a name it shares with another unit
                if "name" in variables:
                    variables["name"] = ds.names[unit]
                if "unit" in variables:
                    variables["unit"] = gid("OrgUnit", unit)
                if "asOf" in variables:
                    variables["asOf"] = ds.past.isoformat()
                if "year" in variables and ds.target_year:
                    variables["year"] = ds.target_year
                    variables["baselineYear"] = ds.target_year - 1
                    variables["asOf"] = f"{ds.target_year}-12-31"
                requests.append(graphql(text, variables, viewer(unit) if own else admin))
            if requests:
                rows.append(Row(f"{name}:{audience}", name, audience, name, "dashboard",
                                {"govgraph": requests}))  # fmt: skip
    return rows
