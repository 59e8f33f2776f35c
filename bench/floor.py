"""The raw-SQL floor: each benchmark operation is one hand-written SQL statement that builds
the whole JSON response in PostgreSQL, returned as is by a minimal Starlette endpoint.

`python -m bench.floor --port P --workers N` (uvicorn, TCP_NODELAY on every connection like
`govgraph serve`) with BENCH_DATABASE_URL (a plain postgresql:// URL).
POST /q/<name> with {"variables": {...}}; the names are those of bench/queries.py.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from models.rules import calendar

ZERO = (
    "json_build_object('total', 0, 'completed', 0, 'inProgress', 0, 'notStarted', 0, "
    "'overdue', 0, 'dueSoon', 0, 'ongoing', 0, 'completionRate', NULL, "
    "'weightedProgress', NULL)"
)


def bucket_rollup_ctes(roots: str, today: str) -> str:
    """CTE `rollup(root, r)`: each root's TaskRollup as JSON (present state), summed from the
    rollup buckets govgraph maintains on write (migration 0007), as a hand-written statement
    over today's tables reads it best. (Aggregating live over the closure and assignments
    instead takes ~0.5 s for the province root.)"""
    return f"""
rollup AS (
  SELECT b.root_id AS root, json_build_object(
    'total', sum(b.tasks),
    'completed', coalesce(sum(b.tasks) FILTER (WHERE b.completed), 0),
    'inProgress', coalesce(sum(b.tasks) FILTER (WHERE NOT b.completed AND b.started), 0),
    'notStarted', coalesce(sum(b.tasks) FILTER (WHERE NOT b.completed AND NOT b.started), 0),
    'overdue', coalesce(sum(b.tasks) FILTER (WHERE b.dated AND b.due_on < {today}), 0),
    'dueSoon', coalesce(sum(b.tasks) FILTER (WHERE b.dated AND b.due_on >= {today}
                                             AND b.due_on <= {today} + 14), 0),
    'ongoing', coalesce(sum(b.tasks) FILTER (WHERE NOT b.rated), 0),
    -- coalesce: a unit with rated tasks and none completed has rate 0, not null (`sum()
    -- FILTER` over no rows is null).
    'completionRate', coalesce(sum(b.tasks) FILTER (WHERE b.completed AND b.rated), 0)::float8
                      / nullif(sum(b.tasks) FILTER (WHERE b.rated), 0),
    'weightedProgress', sum(b.weighted_progress_sum) FILTER (WHERE b.rated)
                        / nullif(sum(b.weight_sum) FILTER (WHERE b.rated), 0)
  ) AS r
  FROM ({roots}) roots CROSS JOIN LATERAL (
    -- OFFSET 0 keeps the lateral: each root one range of the primary key (root_id, ...)
    SELECT * FROM rollup_bucket x WHERE x.root_id = roots.id OFFSET 0) b
  GROUP BY b.root_id
)"""


HISTORY_ROLLUP = """
share AS (  -- the root's in-scope lead shares, each in its latest state before the cutoff
  SELECT a.task_id, e.status, e.progress
  FROM org_unit_closure c
  JOIN assignment a ON a.org_unit_id = c.descendant_id AND a.role = 'LEAD'
  CROSS JOIN LATERAL (
    SELECT ev.status, ev.progress FROM assignment_status_event ev
    WHERE ev.assignment_id = a.id AND ev.effective_at < $3
    ORDER BY ev.effective_at DESC, ev.id DESC LIMIT 1) e
  WHERE c.ancestor_id = $1
), per_task AS (
  SELECT s.task_id, count(*) = count(*) FILTER (WHERE s.status = 'COMPLETED') AS completed,
         count(*) FILTER (WHERE s.status <> 'NOT_STARTED') > 0 AS started,
         avg(CASE WHEN s.status = 'COMPLETED' THEN 100.0 ELSE s.progress END) AS mean
  FROM share s GROUP BY s.task_id
), st AS (  -- each task's state and the deadline in force at the cutoff
  SELECT p.completed, p.started,
         CASE WHEN p.completed THEN 100.0 ELSE coalesce(p.mean, 0) END AS progress,
         coalesce(d.previous_kind, t.deadline_kind) <> 'ONGOING' AS rated,
         CASE WHEN d.task_id IS NULL THEN t.deadline_end ELSE d.previous_end END AS due,
         t.weight
  FROM per_task p JOIN task t ON t.id = p.task_id
  LEFT JOIN LATERAL (
    SELECT x.task_id, x.previous_kind, x.previous_end FROM task_deadline_change x
    WHERE x.task_id = t.id AND x.changed_at >= $3
    ORDER BY x.changed_at, x.id LIMIT 1) d ON true
), rollup AS (
  SELECT json_build_object(
    'total', count(*),
    'completed', count(*) FILTER (WHERE completed),
    'inProgress', count(*) FILTER (WHERE NOT completed AND started),
    'notStarted', count(*) FILTER (WHERE NOT completed AND NOT started),
    'overdue', count(*) FILTER (WHERE NOT completed AND rated AND due < $2),
    'dueSoon', count(*) FILTER (WHERE NOT completed AND rated AND due >= $2
                                AND due <= $2 + 14),
    'ongoing', count(*) FILTER (WHERE NOT rated),
    'completionRate', (count(*) FILTER (WHERE completed AND rated))::float8
                      / nullif(count(*) FILTER (WHERE rated), 0),
    'weightedProgress', sum(weight * progress) FILTER (WHERE rated)
                        / nullif(sum(weight) FILTER (WHERE rated), 0)) AS r
  FROM st
)"""

CHILDREN_AND_SELF = "SELECT id FROM org_unit WHERE id = $1 OR parent_id = $1"

SUBTREE_TASK_IDS = """SELECT a.task_id FROM org_unit_closure c
  JOIN assignment a ON a.org_unit_id = c.descendant_id AND a.role = 'LEAD'
  WHERE c.ancestor_id = $1"""


def _units(role: str, task: str) -> str:
    return f"""(SELECT coalesce(json_agg(json_build_object('id', u.id, 'name', u.name)), '[]')
      FROM assignment a JOIN org_unit u ON u.id = a.org_unit_id
      WHERE a.task_id = {task} AND a.role = '{role}')"""


SQL: dict[str, str] = {
    "Q1": f"""WITH {bucket_rollup_ctes(CHILDREN_AND_SELF, "$2")},
-- The unit's shares overdue (some in-scope lead share not completed, rated, ended before
-- the day): the maintained rollup members' pending index, read in deadline order, as
-- govgraph reads it (the count: the buckets' overdue, as the rollup's).
overdue AS (
  SELECT t.* FROM (
    SELECT m.task_id FROM rollup_member m
    WHERE m.root_id = $1 AND m.rated AND NOT m.completed AND m.deadline_end IS NOT NULL
      AND m.deadline_end < $2
    ORDER BY m.deadline_end, m.task_id LIMIT 20) p
  CROSS JOIN LATERAL (SELECT * FROM task x WHERE x.id = p.task_id OFFSET 0) t
)
SELECT json_build_object('data', json_build_object('orgUnit', json_build_object(
  'id', u.id, 'name', u.name,
  'taskRollup', coalesce((SELECT r FROM rollup WHERE root = u.id), {ZERO}),
  'children', (SELECT coalesce(json_agg(json_build_object('id', c.id, 'name', c.name,
      'kind', c.kind, 'taskRollup', coalesce(r.r, {ZERO})) ORDER BY c.sort_order, c.code), '[]')
    FROM org_unit c LEFT JOIN rollup r ON r.root = c.id WHERE c.parent_id = u.id),
  'tasks', json_build_object(
    'totalCount', (SELECT coalesce(sum(b.tasks), 0) FROM rollup_bucket b
                   WHERE b.root_id = u.id AND b.dated AND b.due_on < $2),
    'edges', (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
        'id', o.id, 'code', o.code, 'title', o.title, 'status', o.status,
        'progress', o.progress,
        'deadline', json_build_object('end', o.deadline_end, 'text', o.deadline_text),
        'leadUnits', {_units("LEAD", "o.id")})) ORDER BY o.deadline_end, o.id), '[]')
      FROM overdue o)))))::text
FROM org_unit u WHERE u.id = $1""",
    "Q2": f"""WITH tasks AS (SELECT t.* FROM task t WHERE t.id IN ({SUBTREE_TASK_IDS})),
page AS (SELECT * FROM tasks ORDER BY coalesce(deadline_end, '9999-12-31'), id LIMIT 100)
SELECT json_build_object('data', json_build_object('orgUnit', json_build_object('tasks',
  json_build_object(
    'totalCount', (SELECT count(*) FROM tasks),
    'edges', (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
        'id', p.id, 'code', p.code, 'seq', p.seq, 'category', p.category, 'title', p.title,
        'status', p.status, 'progress', p.progress,
        'deadline', json_build_object('kind', p.deadline_kind, 'end', p.deadline_end,
                                      'text', p.deadline_text),
        'leadUnits', {_units("LEAD", "p.id")},
        'cooperatingUnits', {_units("COOPERATING", "p.id")},
        'reports', json_build_object('edges', (SELECT coalesce(json_agg(json_build_object(
            'node', json_build_object('reportedAt', r.reported_at, 'percent', r.percent,
                                      'status', r.status, 'narrative', r.narrative))), '[]')
          FROM (SELECT r.* FROM progress_report r
                JOIN assignment a ON a.id = r.assignment_id WHERE a.task_id = p.id
                AND ($2::uuid IS NULL OR a.org_unit_id IN (
                  SELECT descendant_id FROM org_unit_closure WHERE ancestor_id = $2))
                ORDER BY r.reported_at DESC, r.id DESC LIMIT 1) r))))
        ORDER BY coalesce(p.deadline_end, '9999-12-31'), p.id), '[]')
      FROM page p)))))::text""",
    "Q3": f"""WITH {bucket_rollup_ctes("SELECT $1::uuid AS id", "$2")}
SELECT json_build_object('data', json_build_object('orgUnit', json_build_object(
  'id', u.id, 'name', u.name,
  'taskRollup', coalesce((SELECT r FROM rollup WHERE root = u.id), {ZERO}))))::text
FROM org_unit u WHERE u.id = $1""",
    # The rollup as of a past date: live from the status and deadline history.
    "Q3past": f"""WITH {HISTORY_ROLLUP}
SELECT json_build_object('data', json_build_object('orgUnit', json_build_object(
  'id', u.id, 'name', u.name, 'taskRollup', (SELECT r FROM rollup))))::text
FROM org_unit u WHERE u.id = $1""",
    "Q4": """WITH towns AS (
  SELECT d.id, d.name, d.depth, d.sort_order, d.code
  FROM org_unit_closure c JOIN org_unit d ON d.id = c.descendant_id
  WHERE c.ancestor_id = $1 AND d.kind = 'TOWN'
  ORDER BY d.depth, d.sort_order, d.code, d.id LIMIT 50
)
SELECT json_build_object('data', json_build_object('orgUnits', json_build_object('edges',
  coalesce(json_agg(json_build_object('node', json_build_object('id', w.id, 'name', w.name,
    'tasks', json_build_object(
      'totalCount', (SELECT count(*) FROM assignment a
                     WHERE a.org_unit_id = w.id AND a.role = 'LEAD'),
      'edges', (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
          'id', k.id, 'code', k.code, 'title', k.title, 'status', k.status,
          'progress', k.progress, 'deadline', json_build_object('end', k.deadline_end)))
          ORDER BY k.code, k.id), '[]')
        FROM (SELECT t.* FROM assignment a JOIN task t ON t.id = a.task_id
              WHERE a.org_unit_id = w.id AND a.role = 'LEAD'
              ORDER BY t.code, t.id LIMIT 50) k))))
    ORDER BY w.depth, w.sort_order, w.code, w.id), '[]'))))::text
FROM towns w""",
    "W": """WITH upd AS (
  UPDATE assignment SET status = $3, progress = $2, version = version + 1,
    last_reported_at = now(), updated_at = now()
  WHERE id = $1 RETURNING id, task_id, org_unit_id
), rep AS (
  INSERT INTO progress_report (id, assignment_id, reported_by_unit_id, reported_by,
    reported_at, period, percent, status, narrative, evidence, created_at)
  SELECT gen_random_uuid(), id, org_unit_id, 'bench', now(), to_char(now(), 'YYYY-MM'),
    $2, $3, $4, '[]'::jsonb, now() FROM upd
  RETURNING id, assignment_id
), ev AS (
  INSERT INTO assignment_status_event (id, assignment_id, report_id, effective_at, status,
    progress)
  SELECT gen_random_uuid(), assignment_id, id, now(), $3, $2 FROM rep
), tk AS (
  UPDATE task t SET status = s.st, progress = s.pr, updated_at = now()
  FROM (SELECT
      CASE WHEN count(*) = count(*) FILTER (WHERE x.st = 'COMPLETED') THEN 'COMPLETED'
           WHEN count(*) FILTER (WHERE x.st <> 'NOT_STARTED') > 0 THEN 'IN_PROGRESS'
           ELSE 'NOT_STARTED' END AS st,
      CASE WHEN count(*) = count(*) FILTER (WHERE x.st = 'COMPLETED') THEN 100
           ELSE avg(CASE WHEN x.st = 'COMPLETED' THEN 100 ELSE x.pr END) END AS pr
    FROM (SELECT CASE WHEN l.id = $1 THEN $3 ELSE l.status END AS st,
                 CASE WHEN l.id = $1 THEN $2 ELSE l.progress END AS pr
          FROM assignment l
          WHERE l.task_id = (SELECT task_id FROM upd) AND l.role = 'LEAD') x) s
  WHERE t.id = (SELECT task_id FROM upd)
), au AS (
  INSERT INTO audit_event (id, actor, actor_unit_id, scope_unit_id, action, target_type,
    target_id, after, occurred_at)
  SELECT gen_random_uuid(), 'bench', u.org_unit_id, u.org_unit_id, 'reportProgress',
    'ProgressReport', r.id, jsonb_build_object('percent', $2::float8), now()
  FROM upd u, rep r
)
SELECT json_build_object('data', json_build_object('reportProgress', json_build_object(
  'report', (SELECT json_build_object('id', id, 'percent', $2::float8, 'status', $3::text)
             FROM rep),
  'errors', '[]'::json)))::text""",
}


def statement(name: str, variables: dict[str, Any]) -> tuple[str, list[Any]]:
    """The SQL of operation `name` and its arguments (Q3 before today: from the history)."""
    if name in ("Q1", "Q3"):
        day = date.fromisoformat(variables["today"])
        if name == "Q3" and day < calendar.today():
            return SQL["Q3past"], [variables["unit"], day, calendar.end_of_day(day)]
        return SQL[name], [variables["unit"], day]
    if name == "W":
        percent = float(variables["percent"])
        status = "COMPLETED" if percent >= 100 else "IN_PROGRESS"
        args = [variables["assignment"], min(percent, 100.0), status, variables.get("narrative")]
        return SQL[name], args
    if name == "Q2":  # viewer: a restricted viewer's unit (its own shares' reports only)
        return SQL[name], [variables["unit"], variables.get("viewer")]
    return SQL[name], [variables["unit"]]


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    url = os.environ["BENCH_DATABASE_URL"]
    size = int(os.environ.get("POOL_SIZE", "10"))
    app.state.pool = await asyncpg.create_pool(url, min_size=size, max_size=size)
    try:
        yield
    finally:
        await app.state.pool.close()


async def query(request: Request) -> Response:
    name = request.path_params["name"]
    body = json.loads(await request.body())
    sql, args = statement(name, body.get("variables") or {})
    async with request.app.state.pool.acquire() as conn:
        text = await conn.fetchval(sql, *args)
    return Response(text or '{"data":null}', media_type="application/json")


app = Starlette(routes=[Route("/q/{name}", query, methods=["POST"])], lifespan=lifespan)


def main() -> None:
    """Serve the floor like `govgraph serve` serves govgraph (same uvicorn protocol)."""
    import argparse

    import uvicorn

    from api.server import NoDelayHttpToolsProtocol

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8760)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--log-level", default="warning")
    parser.add_argument("--no-access-log", action="store_true")
    args = parser.parse_args()
    uvicorn.run(
        "bench.floor:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        access_log=not args.no_access_log,
        http=NoDelayHttpToolsProtocol,  # the same HTTP protocol and loop as govgraph serve
        loop="asyncio",
    )


if __name__ == "__main__":
    main()
