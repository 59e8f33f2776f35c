"""Statements and time per request of the dashboard's and docs/' queries (issue 15).

In-process ASGI (httpx), the app in debug mode (extensions.sql: statements and milliseconds
the request spent in the database), on the seed in a PostgreSQL database this creates:

    .venv/bin/python -m tests.compiled.measure [--runs 21] [--compiled 0|1]

For each query and viewer (ADMIN, and a town's REPORTER): the p50 of the wall time of
`--runs` requests after one warm-up (which compiles and caches the plan), statements per
request, and whether the compiled path answered. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import sqlalchemy as sa

from api.app import create_app
from api.auth import mint_token
from api.cli_seed import seed_database
from api.db import create_engine
from api.migrate import upgrade
from api.settings import Settings, normalize_database_url
from models.enums import ViewerRole
from resolvers.common import global_id

ROOT = Path(__file__).parents[2]
DASHBOARD = ROOT / "api" / "static" / "dashboard" / "queries"
DOCS = ROOT / "docs" / "examples"
SECRET = "measure-" + "x" * 32
SERVER = "postgresql://postgres@127.0.0.1:5432"


def queries(unit: str, today: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, query, variables): the dashboard's queries for `unit` and the docs' examples."""
    out = [
        ("screen", (DASHBOARD / "screen.graphql").read_text(), {"unit": unit, "asOf": today}),
        (
            "screen, past",
            (DASHBOARD / "screen.graphql").read_text(),
            {"unit": unit, "asOf": "2023-10-20"},
        ),
        ("unit-tree", (DASHBOARD / "unit-tree.graphql").read_text(), {}),
        (
            "overdue-page",
            (DASHBOARD / "overdue-page.graphql").read_text(),
            {"unit": unit, "asOf": today},
        ),
    ]
    for path in sorted(DOCS.glob("0[1-6]-*.graphql")):
        variables = json.loads(path.with_suffix(".json").read_text())
        out.append((f"docs {path.stem[:2]}", path.read_text(), variables))
    return out


async def main(runs: int, compiled: bool) -> None:
    name = f"measure_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(f"{SERVER}/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = normalize_database_url(f"{SERVER}/{name}")
    try:
        await asyncio.to_thread(upgrade, url)
        await seed_database(url)
        engine = create_engine(url)
        async with engine.connect() as conn:
            district, town = (
                await conn.execute(
                    sa.text(
                        "SELECT (SELECT id FROM org_unit WHERE name = '城区'),"
                        " (SELECT id FROM org_unit WHERE name = '南村镇')"
                    )
                )
            ).one()
            today = (
                await conn.execute(sa.text("SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date"))
            ).scalar()
        settings = Settings(
            database_url=url, debug=True, secret=SECRET, anonymous=False, compiled=compiled
        )
        app = create_app(settings, engine=engine)
        viewers = [
            ("ADMIN", district, mint_token(SECRET, unit_id=district, role=ViewerRole.ADMIN)),
            ("town", town, mint_token(SECRET, unit_id=town, role=ViewerRole.REPORTER)),
        ]
        out = sys.stdout
        out.write(
            "| query | viewer | compiled | statements | p50 ms | db ms |\n"
            "|---|---|---|---|---|---|\n"
        )
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://m"
        ) as http:
            for who, unit, token in viewers:
                unit_id = str(global_id("OrgUnit", unit))
                for label, query, variables in queries(unit_id, str(today)):
                    body = {"query": query, "variables": variables}
                    headers = {"authorization": f"Bearer {token}"}
                    times, stats = [], []
                    for i in range(runs + 1):
                        start = time.perf_counter()
                        response = await http.post("/graphql", json=body, headers=headers)
                        elapsed = (time.perf_counter() - start) * 1000
                        payload = response.json()
                        assert "errors" not in payload, (label, who, payload["errors"])
                        if i:  # the first request compiles and caches the plan
                            times.append(elapsed)
                            stats.append(payload["extensions"]["sql"])
                    sql = stats[-1]
                    db_ms = statistics.median(s["ms"] for s in stats)
                    out.write(
                        f"| {label} | {who} | {'yes' if sql.get('compiled') else 'no'} "
                        f"| {sql['statements']} | {statistics.median(times):.1f} | {db_ms:.1f} |\n"
                    )
        await engine.dispose()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--compiled", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(main(args.runs, bool(args.compiled)))
