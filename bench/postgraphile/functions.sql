-- What a PostGraphile user adds to expose govgraph's dashboard queries: computed columns
-- (functions taking a table row) and one mutation function, all plain SQL/PLpgSQL.
-- Same semantics as govgraph's rollup (DESIGN.md "Rollup semantics", present state):
-- a task is in scope when it has a LEAD assignment to a unit of the subtree; its state comes
-- from its in-scope LEAD assignments. Loaded into the benchmark database only.

DROP TYPE IF EXISTS task_rollup CASCADE;
CREATE TYPE task_rollup AS (
  total int,
  completed int,
  in_progress int,
  not_started int,
  overdue int,
  due_soon int,
  ongoing int,
  completion_rate float8,
  weighted_progress float8
);

CREATE OR REPLACE FUNCTION org_unit_task_rollup(u org_unit, as_of date) RETURNS task_rollup
LANGUAGE sql STABLE AS $$
  WITH scope AS (
    SELECT descendant_id AS unit_id FROM org_unit_closure WHERE ancestor_id = u.id
  ), per_task AS (
    SELECT a.task_id,
           count(*) AS n,
           count(*) FILTER (WHERE a.status = 'COMPLETED') AS done,
           count(*) FILTER (WHERE a.status <> 'NOT_STARTED') AS started,
           avg(CASE WHEN a.status = 'COMPLETED' THEN 100.0 ELSE a.progress END) AS mean
    FROM scope s JOIN assignment a ON a.org_unit_id = s.unit_id AND a.role = 'LEAD'
    GROUP BY a.task_id
  ), st AS (
    SELECT p.n = p.done AS completed, p.started > 0 AS started,
           CASE WHEN p.n = p.done THEN 100.0 ELSE coalesce(p.mean, 0) END AS progress,
           t.deadline_kind = 'ONGOING' AS ongoing, t.deadline_end, t.weight
    FROM per_task p JOIN task t ON t.id = p.task_id
  )
  SELECT count(*)::int,
         count(*) FILTER (WHERE completed)::int,
         count(*) FILTER (WHERE NOT completed AND started)::int,
         count(*) FILTER (WHERE NOT completed AND NOT started)::int,
         count(*) FILTER (WHERE NOT completed AND NOT ongoing AND deadline_end < as_of)::int,
         count(*) FILTER (WHERE NOT completed AND NOT ongoing
                          AND deadline_end BETWEEN as_of AND as_of + 14)::int,
         count(*) FILTER (WHERE ongoing)::int,
         (count(*) FILTER (WHERE completed AND NOT ongoing))::float8
           / nullif(count(*) FILTER (WHERE NOT ongoing), 0),
         sum(CASE WHEN ongoing THEN 0 ELSE weight * progress END)
           / nullif(sum(CASE WHEN ongoing THEN 0 ELSE weight END), 0)
  FROM st
$$;

-- Tasks led by a unit of the subtree, by deadline (undated last), then id.
CREATE OR REPLACE FUNCTION org_unit_subtree_tasks(u org_unit) RETURNS SETOF task
LANGUAGE sql STABLE AS $$
  SELECT t.* FROM task t
  WHERE t.id IN (
    SELECT a.task_id FROM org_unit_closure c
    JOIN assignment a ON a.org_unit_id = c.descendant_id AND a.role = 'LEAD'
    WHERE c.ancestor_id = u.id)
  ORDER BY coalesce(t.deadline_end, '9999-12-31'::date), t.id
$$;

CREATE OR REPLACE FUNCTION org_unit_overdue_tasks(u org_unit, as_of date) RETURNS SETOF task
LANGUAGE sql STABLE AS $$
  SELECT t.* FROM task t
  WHERE t.id IN (
    SELECT a.task_id FROM org_unit_closure c
    JOIN assignment a ON a.org_unit_id = c.descendant_id AND a.role = 'LEAD'
    WHERE c.ancestor_id = u.id)
  AND t.status <> 'COMPLETED' AND t.deadline_kind <> 'ONGOING' AND t.deadline_end < as_of
  ORDER BY t.deadline_end, t.id
$$;

-- Units of the subtree of a kind, in tree order.
CREATE OR REPLACE FUNCTION org_unit_descendants(u org_unit, of_kind text) RETURNS SETOF org_unit
LANGUAGE sql STABLE AS $$
  SELECT d.* FROM org_unit_closure c JOIN org_unit d ON d.id = c.descendant_id
  WHERE c.ancestor_id = u.id AND d.kind = of_kind
  ORDER BY d.depth, d.sort_order, d.code, d.id
$$;

-- Tasks a unit leads, by code (document / plan / 序号), then id.
CREATE OR REPLACE FUNCTION org_unit_led_tasks(u org_unit) RETURNS SETOF task
LANGUAGE sql STABLE AS $$
  SELECT t.* FROM task t JOIN assignment a ON a.task_id = t.id
  WHERE a.org_unit_id = u.id AND a.role = 'LEAD'
  ORDER BY t.code, t.id
$$;

CREATE OR REPLACE FUNCTION task_latest_report(t task) RETURNS progress_report
LANGUAGE sql STABLE AS $$
  SELECT r.* FROM progress_report r JOIN assignment a ON a.id = r.assignment_id
  WHERE a.task_id = t.id ORDER BY r.reported_at DESC, r.id DESC LIMIT 1
$$;

-- reportProgress: the report, the assignment's new state and version, its status event, the
-- task's state from its leads, and an audit event, as govgraph's service writes them.
CREATE OR REPLACE FUNCTION report_progress(assignment_id uuid, percent float8, narrative text)
RETURNS progress_report LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  a assignment;
  r progress_report;
  new_status text := CASE WHEN percent >= 100 THEN 'COMPLETED' ELSE 'IN_PROGRESS' END;
BEGIN
  UPDATE assignment SET status = new_status,
    progress = CASE WHEN percent >= 100 THEN 100 ELSE percent END,
    version = version + 1, last_reported_at = now(), updated_at = now()
  WHERE id = report_progress.assignment_id RETURNING * INTO a;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such assignment';
  END IF;
  INSERT INTO progress_report (id, assignment_id, reported_by_unit_id, reported_by, reported_at,
    period, percent, status, narrative, evidence, created_at)
  VALUES (gen_random_uuid(), a.id, a.org_unit_id, 'bench', now(), to_char(now(), 'YYYY-MM'),
    percent, new_status, narrative, '[]', now())
  RETURNING * INTO r;
  INSERT INTO assignment_status_event (id, assignment_id, report_id, effective_at, status, progress)
  VALUES (gen_random_uuid(), a.id, r.id, now(), new_status, a.progress);
  UPDATE task t SET
    status = CASE WHEN s.n = s.done THEN 'COMPLETED'
                  WHEN s.started > 0 THEN 'IN_PROGRESS' ELSE 'NOT_STARTED' END,
    progress = CASE WHEN s.n = s.done THEN 100 ELSE coalesce(s.mean, 0) END,
    updated_at = now()
  FROM (SELECT count(*) AS n,
               count(*) FILTER (WHERE l.status = 'COMPLETED') AS done,
               count(*) FILTER (WHERE l.status <> 'NOT_STARTED') AS started,
               avg(CASE WHEN l.status = 'COMPLETED' THEN 100 ELSE l.progress END) AS mean
        FROM assignment l WHERE l.task_id = a.task_id AND l.role = 'LEAD') s
  WHERE t.id = a.task_id;
  INSERT INTO audit_event (id, actor, actor_unit_id, scope_unit_id, action, target_type,
    target_id, before, after, occurred_at, request_id)
  VALUES (gen_random_uuid(), 'bench', a.org_unit_id, a.org_unit_id, 'reportProgress',
    'ProgressReport', r.id, NULL, jsonb_build_object('percent', percent), now(), NULL);
  RETURN r;
END
$$;
