"""EXPLAIN (ANALYZE, BUFFERS) of the compiled statement a benchmark query runs, for ADMIN or a
unit's own VIEWER, through the app in-process (its plan cache gives the SQL and arguments):

    .venv/bin/python -m bench.explain postgresql://…/db Q1 [--unit <uuid>] [--viewer] [--runs 5]
        [--sql] [--plan] [--as-of today|<date>]

Queries: Q1–Q4, the dashboard's (screen, unit-tree, overdue-page: api/static/dashboard/queries)
and the docs/ examples that read (02-rollup-scopes, 03-overdue-tasks, …) with the variables
bench/rows.py gives them (a past date where the example has asOf; the unit's name in 02).
Without --unit: the first district (Q1, Q2, docs: the first with a name of its own), the
province (Q3, screen, overdue-page) or the first city (Q4); with --viewer, the first town
(with a name of its own for the docs). Prints
the execution times of `--runs` EXPLAIN ANALYZE runs (the median too), and with --plan the
last plan, with --sql the statement. Read-only: a shared database is safe.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from api import compiled
from api.app import create_app
from api.auth import mint_token
from api.db import create_engine
from api.settings import Settings, normalize_database_url
from bench.queries import GOVGRAPH
from models.enums import ViewerRole
from models.rules import calendar
from resolvers.common import global_id

SECRET = "explain-" + "x" * 32
DEFAULT_UNIT = {
    "Q1": "SELECT id FROM org_unit WHERE kind = 'DISTRICT' ORDER BY code LIMIT 1",
    "Q2": "SELECT id FROM org_unit WHERE kind = 'DISTRICT' ORDER BY code LIMIT 1",
    "Q3": "SELECT id FROM org_unit WHERE depth = 0",
    "Q4": "SELECT id FROM org_unit WHERE kind = 'CITY' ORDER BY code LIMIT 1",
    # The dashboard's unit tree (first page), as the first town's viewer sees it.
    "unit-tree": "SELECT id FROM org_unit WHERE kind = 'TOWN' ORDER BY code LIMIT 1",
    "screen": "SELECT id FROM org_unit WHERE depth = 0",
    "overdue-page": "SELECT id FROM org_unit WHERE depth = 0",
}
TOWN = "SELECT id FROM org_unit WHERE kind = 'TOWN' ORDER BY code LIMIT 1"
# A unit whose name is its own (the docs' examples find their unit by name).
NAMED = """SELECT u.id FROM org_unit u WHERE u.kind = $1
           AND (SELECT count(*) FROM org_unit o WHERE o.name = u.name) = 1
           ORDER BY u.code LIMIT 1"""
DASHBOARD = Path(__file__).parents[1] / "api" / "static" / "dashboard" / "queries"
EXAMPLES = Path(__file__).parents[1] / "docs" / "examples"
READING_EXAMPLES = sorted(
    p.stem for p in EXAMPLES.glob("*.graphql") if "expect: data" in p.read_text()
)


async def query_of(
    url: str, conn: asyncpg.Connection, name: str, unit: uuid.UUID, today: str
) -> tuple[str, dict[str, Any]]:
    """The query text and variables the benchmark sends for `name` about `unit`."""
    variables: dict[str, Any] = {"unit": str(global_id("OrgUnit", unit))}
    if name == "Q1":
        variables["today"] = today
    if name in GOVGRAPH:
        return GOVGRAPH[name], variables
    if name in ("screen", "overdue-page"):
        return (DASHBOARD / f"{name}.graphql").read_text(), variables | {"asOf": today}
    if name in DASHBOARD_ONLY:
        return (DASHBOARD / f"{name}.graphql").read_text(), {}
    from bench.rows import dataset

    ds = await dataset(url, 1)
    text = (EXAMPLES / f"{name}.graphql").read_text()
    example = EXAMPLES / f"{name}.json"
    base: dict[str, Any] = json.loads(example.read_text()) if example.exists() else {}
    if "name" in base:
        base["name"] = await conn.fetchval("SELECT name FROM org_unit WHERE id = $1", unit)
    if "unit" in base:
        base["unit"] = variables["unit"]
    if "asOf" in base:
        base["asOf"] = ds.past.isoformat()
    if "year" in base and ds.target_year:
        base |= {"year": ds.target_year, "baselineYear": ds.target_year - 1}
        base["asOf"] = f"{ds.target_year}-12-31"
    return text, base


DASHBOARD_ONLY = ("unit-tree",)


async def plan_of(
    url: str, query: str, variables: dict[str, Any], unit: uuid.UUID, viewer: bool
) -> tuple[str, list[Any], bool]:
    """The SQL and arguments of the compiled plan that answers `query` about `unit`, and
    whether the server runs it on a generic plan (api/compiled.py Plan.generic)."""
    settings = Settings(database_url=url, debug=True, secret=SECRET, compiled=True)
    engine = create_engine(url)
    app = create_app(settings, engine=engine)
    role = ViewerRole.VIEWER if viewer else ViewerRole.ADMIN
    token = mint_token(SECRET, unit_id=unit, role=role)
    compiled.PLANS._plans.clear()
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as client:
            # Twice: a restricted viewer's first question about a unit found by name runs
            # the general plan, which says whether the unit lies in its subtree; the second
            # then runs the covered plan (api/compiled.py variants), the one measured.
            for _ in range(2 if viewer else 1):
                response = await client.post(
                    "/graphql",
                    json={"query": query, "variables": variables},
                    headers={"Authorization": f"Bearer {token}"},
                )
                body = response.json()
                assert "errors" not in body, body
                assert body.get("extensions", {}).get("sql", {}).get("compiled"), body
    finally:
        await engine.dispose()
    plans = [(k, p) for k, p in compiled.PLANS._plans.items() if isinstance(p, compiled.Plan)]
    # The plan the request ran: the whole-tree one (key[-2]), else the covered (key[-1]).
    ran = [p for k, p in plans if k[-2]] or [p for k, p in plans if k[-1]]
    plan = ran[0] if ran else plans[-1][1]
    if plan.reports:  # the general plan's text starts with the guards' outcome
        print("(the general plan: the unit is not in the viewer's subtree)")
    bound = compiled.BOUND.get((query, None))  # what the request bound (ids, names)
    params = compiled.bound_params(variables, bound) | compiled.request_params(
        _scope(unit, viewer), calendar.today(), _viewer(unit, role)
    )
    return plan.sql, plan.arguments(params), plan.generic


def _literal(value: Any) -> str:
    """An argument as an SQL literal of unknown type (EXECUTE's parameters take no binds):
    PostgreSQL reads it as the prepared statement's parameter type."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, bytes):
        return "'\\x" + value.hex() + "'"
    if isinstance(value, list | tuple):
        items = ",".join('"' + str(v).replace('"', '\\"') + '"' for v in value)
        return "'{" + items.replace("'", "''") + "}'"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text.replace("'", "''") + "'"


def _viewer(unit: uuid.UUID, role: ViewerRole) -> Any:
    from models.viewer import Viewer

    return Viewer(subject="explain", unit_id=unit, role=role)


def _scope(unit: uuid.UUID, viewer: bool) -> Any:
    from models.rules.scope import EVERYTHING, Scope

    return Scope(root=unit) if viewer else EVERYTHING


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("query", choices=sorted(DEFAULT_UNIT) + READING_EXAMPLES)
    parser.add_argument("--unit")
    parser.add_argument("--viewer", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sql", action="store_true")
    parser.add_argument("--plan", action="store_true")
    # The docs' asOf instead of the benchmark's past day: a date, or "today".
    parser.add_argument("--as-of")
    args = parser.parse_args()
    raw = args.database.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(raw)
    try:
        docs = args.query in READING_EXAMPLES
        if args.unit:
            unit = uuid.UUID(args.unit)
        elif docs:
            unit = await conn.fetchval(NAMED, "TOWN" if args.viewer else "DISTRICT")
        elif args.viewer and args.query != "unit-tree":
            unit = await conn.fetchval(TOWN)
        else:
            unit = await conn.fetchval(DEFAULT_UNIT[args.query])
        today = calendar.today().isoformat()
        query, variables = await query_of(raw, conn, args.query, unit, today)
        if args.as_of and "asOf" in variables:
            variables["asOf"] = today if args.as_of == "today" else args.as_of
        sql, arguments, generic = await plan_of(
            normalize_database_url(raw), query, variables, unit, args.viewer
        )
        if args.sql:
            print(sql, arguments)
        # As the server runs it: a generic plan on the second pool (api/db.py), else planned
        # for these arguments. A generic plan's planning is once per connection (EXPLAIN
        # EXECUTE reports none after the first run).
        mode = "force_generic_plan" if generic else "force_custom_plan"
        await conn.execute(f"SET plan_cache_mode = {mode}; SET jit = off")
        explained = f"EXPLAIN (ANALYZE, BUFFERS) {sql}"
        if generic:
            await conn.execute(f"PREPARE explained AS {sql}")
            values = ", ".join(_literal(a) for a in arguments)
            explained = "EXPLAIN (ANALYZE, BUFFERS) EXECUTE explained"
            explained += f"({values})" if values else ""
            arguments = []
        times, plan = [], ""
        for _ in range(args.runs):
            rows = await conn.fetch(explained, *arguments)
            plan = "\n".join(r[0] for r in rows)
            found = re.search(r"Execution Time: ([\d.]+) ms", plan)
            planning = re.search(r"Planning Time: ([\d.]+) ms", plan)
            assert found
            times.append((float(planning.group(1)) if planning else 0.0, float(found.group(1))))
        if args.plan:
            print(plan)
        executions = [t[1] for t in times]
        print(
            f"{args.query} {'viewer' if args.viewer else 'ADMIN'} {unit}"
            f"{' (generic plan)' if generic else ''}: execution ms "
            f"{', '.join(f'{t:.1f}' for t in executions)}; median "
            f"{statistics.median(executions):.1f}; planning median "
            f"{statistics.median(t[0] for t in times):.1f}"
        )
    finally:
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
