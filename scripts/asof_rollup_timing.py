"""Time a province rollup as of past days, and a progress report, through the real app.

    GOVGRAPH_DATABASE_URL=postgresql+asyncpg://… .venv/bin/python scripts/asof_rollup_timing.py \
        [--runs 20] [--live] [--reports 20]

Runs `OrgUnit.taskRollup(asOf:)` on the root unit (depth 0) as ADMIN over HTTP (in-process
ASGI, one request at a time) for past days spread over the history, and prints p50/max per
day in ms. --live times the live aggregation (`rollup_statement` over the status history,
what a past asOf ran before the bucket history) on the same days. --reports N times N
`reportProgress` writes on distinct shares (real writes: use a scratch database).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from api.app import create_app
from api.auth import mint_token
from api.settings import Settings
from models.enums import RoleScope, ViewerRole
from models.rules import calendar
from resolvers.common import global_id
from resolvers.rollups.task import rollup_statement, tasks_of_units, unit_scope

QUERY = """query ($id: ID!, $asOf: Date) { node(id: $id) { ... on OrgUnit { taskRollup(asOf: $asOf)
{ total completed inProgress notStarted overdue dueSoon ongoing completionRate
  weightedProgress } } } }"""
REPORT = """mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
  errors { code } } }"""


def _ms(samples: list[float]) -> str:
    return f"p50 {statistics.median(samples) * 1000:8.1f} ms  max {max(samples) * 1000:8.1f} ms"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--live", action="store_true")
    parser.add_argument("--reports", type=int, default=0)
    parser.add_argument("--no-rollups", action="store_true", help="only the reports")
    args = parser.parse_args()
    os.environ.setdefault("GOVGRAPH_SECRET", "timing-secret-" + "x" * 32)
    settings = Settings.from_env()
    secret = settings.secret
    assert secret
    app = create_app(settings)
    engine = create_async_engine(settings.database_url)
    async with engine.connect() as conn:
        root = uuid.UUID(
            str(
                (
                    await conn.execute(sa.text("SELECT id FROM org_unit WHERE depth = 0 LIMIT 1"))
                ).scalar_one()
            )
        )
        last = (
            await conn.execute(sa.text("SELECT max(effective_at) FROM assignment_status_event"))
        ).scalar_one()
    if isinstance(last, str):  # SQLite hands back text for a text statement
        last = datetime.fromisoformat(last)
    end = min(calendar.local_date(last), calendar.today() - timedelta(days=1))
    days = [end - timedelta(days=k) for k in (0, 45, 200, 400, 650)]
    admin = mint_token(secret, unit_id=root, role=ViewerRole.ADMIN)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://t") as client,
    ):

        async def post(query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
            response = await client.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )
            body: dict[str, Any] = response.json()
            assert "errors" not in body, body
            return body

        for day in [] if args.no_rollups else [None, *days]:
            variables = {"id": global_id("OrgUnit", root), "asOf": day and day.isoformat()}
            body = await post(QUERY, variables, admin)  # warm up
            samples = []
            for _ in range(args.runs):
                started = time.perf_counter()
                await post(QUERY, variables, admin)
                samples.append(time.perf_counter() - started)
            total = body["data"]["node"]["taskRollup"]["total"]
            print(f"taskRollup asOf {day or 'today'!s:<10}  {_ms(samples)}  total {total}")
        if args.live:
            await _live(engine, root, days, args.runs)
        if args.reports:
            async with engine.connect() as conn:
                shares = (
                    await conn.execute(
                        sa.text(
                            "SELECT id, org_unit_id FROM assignment WHERE role = 'LEAD'"
                            " AND status != 'COMPLETED' ORDER BY id LIMIT :n"
                        ),
                        {"n": args.reports},
                    )
                ).all()
            samples = []
            for i, share in enumerate(shares):
                token = mint_token(secret, unit_id=share.org_unit_id, role=ViewerRole.REPORTER)
                payload = {"assignment": global_id("Assignment", share.id), "percent": 50 + i % 40}
                started = time.perf_counter()
                body = await post(REPORT, {"input": payload}, token)
                samples.append(time.perf_counter() - started)
                assert body["data"]["reportProgress"]["errors"] == [], body
            print(f"reportProgress x{len(samples)}  {_ms(samples)}")
    await engine.dispose()


async def _live(engine: Any, root: Any, days: list[date], runs: int) -> None:
    for day in days:
        scope = unit_scope([root], True).cte("unit_scope")
        stmt = rollup_statement(
            tasks_of_units(scope, RoleScope.LEAD, calendar.end_of_day(day)),
            as_of=day,
            current=False,
            units=scope,
        )
        samples = []
        for _ in range(min(runs, 5)):
            async with engine.connect() as conn:
                started = time.perf_counter()
                await conn.execute(stmt)
                samples.append(time.perf_counter() - started)
        print(f"live statement asOf {day}  {_ms(samples)}")


if __name__ == "__main__":
    asyncio.run(main())
