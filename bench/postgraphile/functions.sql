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

-- A unit's rollup, as govgraph answers it (resolvers/rollups/maintained.py and
-- models/rules/task_state.py): for asOf today or later (Asia/Shanghai) a sum over the
-- `rollup_bucket` rows govgraph maintains on write (the same table govgraph reads); for a
-- past date, live from the history (each in-scope lead share's latest status event before
-- the end of that day, the deadline in force then), as govgraph computes it.
CREATE OR REPLACE FUNCTION org_unit_task_rollup(u org_unit, as_of date) RETURNS task_rollup
LANGUAGE plpgsql STABLE AS $$
DECLARE
  r task_rollup;
  cutoff timestamptz;
BEGIN
  IF as_of >= (now() AT TIME ZONE 'Asia/Shanghai')::date THEN
    SELECT coalesce(sum(b.tasks), 0)::int,
           coalesce(sum(b.tasks) FILTER (WHERE b.completed), 0)::int,
           coalesce(sum(b.tasks) FILTER (WHERE NOT b.completed AND b.started), 0)::int,
           coalesce(sum(b.tasks) FILTER (WHERE NOT b.completed AND NOT b.started), 0)::int,
           coalesce(sum(b.tasks) FILTER (WHERE b.dated AND b.due_on < as_of), 0)::int,
           coalesce(sum(b.tasks) FILTER (WHERE b.dated AND b.due_on >= as_of
                                         AND b.due_on <= as_of + 14), 0)::int,
           coalesce(sum(b.tasks) FILTER (WHERE NOT b.rated), 0)::int,
           coalesce(sum(b.tasks) FILTER (WHERE b.completed AND b.rated), 0)::float8
             / nullif(coalesce(sum(b.tasks) FILTER (WHERE b.rated), 0), 0),
           CASE WHEN coalesce(sum(b.weight_sum) FILTER (WHERE b.rated), 0) > 0 THEN
             sum(b.weighted_progress_sum) FILTER (WHERE b.rated)
               / sum(b.weight_sum) FILTER (WHERE b.rated) END
      INTO r
      FROM rollup_bucket b WHERE b.root_id = u.id;
    RETURN r;
  END IF;
  cutoff := ((as_of + 1)::timestamp AT TIME ZONE 'Asia/Shanghai');
  WITH share AS (  -- in-scope lead shares with their state at the cutoff
    SELECT a.task_id, e.status, e.progress
    FROM org_unit_closure c
    JOIN assignment a ON a.org_unit_id = c.descendant_id AND a.role = 'LEAD'
    CROSS JOIN LATERAL (
      SELECT ev.status, ev.progress FROM assignment_status_event ev
      WHERE ev.assignment_id = a.id AND ev.effective_at < cutoff
      ORDER BY ev.effective_at DESC, ev.id DESC LIMIT 1) e
    WHERE c.ancestor_id = u.id
  ), per_task AS (
    SELECT s.task_id, count(*) = count(*) FILTER (WHERE s.status = 'COMPLETED') AS completed,
           count(*) FILTER (WHERE s.status <> 'NOT_STARTED') > 0 AS started,
           avg(CASE WHEN s.status = 'COMPLETED' THEN 100.0 ELSE s.progress END) AS mean
    FROM share s GROUP BY s.task_id
  ), st AS (
    SELECT p.completed, p.started,
           CASE WHEN p.completed THEN 100.0 ELSE coalesce(p.mean, 0) END AS progress,
           coalesce(d.previous_kind, t.deadline_kind) <> 'ONGOING' AS rated,
           CASE WHEN d.task_id IS NULL THEN t.deadline_end ELSE d.previous_end END AS due,
           t.weight
    FROM per_task p JOIN task t ON t.id = p.task_id
    LEFT JOIN LATERAL (
      SELECT x.task_id, x.previous_kind, x.previous_end FROM task_deadline_change x
      WHERE x.task_id = t.id AND x.changed_at >= cutoff
      ORDER BY x.changed_at, x.id LIMIT 1) d ON true
  )
  SELECT count(*)::int,
         count(*) FILTER (WHERE completed)::int,
         count(*) FILTER (WHERE NOT completed AND started)::int,
         count(*) FILTER (WHERE NOT completed AND NOT started)::int,
         count(*) FILTER (WHERE NOT completed AND rated AND due < as_of)::int,
         count(*) FILTER (WHERE NOT completed AND rated AND due >= as_of
                          AND due <= as_of + 14)::int,
         count(*) FILTER (WHERE NOT rated)::int,
         (count(*) FILTER (WHERE completed AND rated))::float8
           / nullif(count(*) FILTER (WHERE rated), 0),
         CASE WHEN coalesce(sum(weight) FILTER (WHERE rated), 0) > 0 THEN
           sum(weight * progress) FILTER (WHERE rated) / sum(weight) FILTER (WHERE rated) END
    INTO r
    FROM st;
  RETURN r;
END
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

-- The unit's shares overdue (as govgraph's OrgUnit.tasks(overdueAsOf)): tasks led in the
-- subtree whose in-scope lead shares are not all completed, rated, ended before as_of. Read
-- from the maintained rollup members' pending index (root, deadline, task), as govgraph reads
-- them: each member row holds the task's state in that root.
CREATE OR REPLACE FUNCTION org_unit_overdue_tasks(u org_unit, as_of date) RETURNS SETOF task
LANGUAGE sql STABLE AS $$
  SELECT t.* FROM rollup_member m JOIN task t ON t.id = m.task_id
  WHERE m.root_id = u.id AND m.rated AND NOT m.completed AND m.deadline_end IS NOT NULL
    AND m.deadline_end < as_of
  ORDER BY m.deadline_end, m.task_id
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

-- The task's latest report; `within` (a restricted viewer's unit, as govgraph's own_share):
-- only the reports of shares of units in that unit's subtree.
DROP FUNCTION IF EXISTS task_latest_report(task);
CREATE OR REPLACE FUNCTION task_latest_report(t task, within uuid DEFAULT NULL)
RETURNS progress_report LANGUAGE sql STABLE AS $$
  SELECT r.* FROM progress_report r JOIN assignment a ON a.id = r.assignment_id
  WHERE a.task_id = t.id
    AND (within IS NULL OR a.org_unit_id IN (
      SELECT descendant_id FROM org_unit_closure WHERE ancestor_id = within))
  ORDER BY r.reported_at DESC, r.id DESC LIMIT 1
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
