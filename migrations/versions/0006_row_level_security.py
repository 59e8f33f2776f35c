"""row-level security: the viewer's scope enforced by PostgreSQL (GOVGRAPH_RLS=1)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24

PostgreSQL only (SQLite has no row-level security; nothing happens there).

The second wall behind resolvers/scope.py. The server, with GOVGRAPH_RLS=1, runs its
statements as the role `govgraph_app` (the `role` setting from each connection's start, as
SET ROLE would; api/db.py) and starts each
request's transaction with `set_config('govgraph.scope_root', <unit id or ''>, true)`
(api/database.py). The policies below then return only the rows resolvers/scope.py lets that
viewer see; '' (ADMIN, the demo viewer) or no setting at all sees everything.

- `govgraph_app` is created here (NOLOGIN, without BYPASSRLS) and granted the tables. The tables
  keep their owner (whoever migrates), and row-level security is ENABLEd, not FORCEd: the owner
  (migrations, `govgraph seed`, the CLI's batch jobs) is not subject to it, and neither are the
  SECURITY DEFINER helper functions the policies call, which compute the visible sets over whole
  tables exactly as scope.py does (a policy querying its own table through them does not
  recurse).
- Reads are filtered (FOR SELECT). Writes (INSERT, UPDATE, DELETE) are accepted only while the
  scope is unrestricted: every write goes through resolvers/writes.py's run_mutation, which
  checks role and scope itself and lifts the database scope for the duration of its savepoint
  (services read whole tables to keep derived state right, e.g. a task's progress from all of
  its leads); a write attempted while a viewer's scope is in force is refused.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = 'govgraph_app'

SUBTREE = 'SELECT descendant_id FROM org_unit_closure WHERE ancestor_id = root'

# name -> body: the ids visible from the subtree of `root` (mirrors resolvers/scope.py).
FUNCTIONS = {
    'govgraph_subtree': SUBTREE,
    # unit_visible: the subtree and its ancestors.
    'govgraph_visible_units': f"""
        {SUBTREE}
        UNION SELECT ancestor_id FROM org_unit_closure WHERE descendant_id = root""",
    # task_visible: assigned (any role) to a unit in the subtree, or issued inside it.
    'govgraph_visible_tasks': f"""
        SELECT a.task_id FROM assignment a WHERE a.org_unit_id IN ({SUBTREE})
        UNION
        SELECT t.id FROM task t JOIN document d ON d.id = t.document_id
        WHERE d.issuer_id IN ({SUBTREE})""",
    # document_visible: issued in the subtree, or holding a visible task.
    'govgraph_visible_documents': f"""
        SELECT d.id FROM document d WHERE d.issuer_id IN ({SUBTREE})
        UNION
        SELECT t.document_id FROM task t WHERE t.id IN (SELECT govgraph_visible_tasks(root))""",
    # plan_visible: its document is visible.
    'govgraph_visible_plans': """
        SELECT p.id FROM plan p
        WHERE p.document_id IN (SELECT govgraph_visible_documents(root))""",
    # Assignments of visible tasks, to any unit (a task's state comes from all of its leads).
    'govgraph_visible_assignments': """
        SELECT a.id FROM assignment a WHERE a.task_id IN (SELECT govgraph_visible_tasks(root))""",
    # progress_report: the assignment is to a unit in the subtree (so its task is visible).
    'govgraph_reporting_assignments': f"""
        SELECT a.id FROM assignment a WHERE a.org_unit_id IN ({SUBTREE})""",
    # rectification_visible: a responsible unit in the subtree, or inspected by the subtree.
    'govgraph_visible_rectifications': f"""
        SELECT ra.rectification_id FROM rectification_assignment ra
        WHERE ra.org_unit_id IN ({SUBTREE})
        UNION
        SELECT r.id FROM rectification r JOIN inspection i ON i.id = r.inspection_id
        WHERE i.inspector_id IN ({SUBTREE})""",
    # inspection_visible: with a visible rectification, or of (or by) a unit in the subtree.
    'govgraph_visible_inspections': f"""
        SELECT r.inspection_id FROM rectification r
        WHERE r.id IN (SELECT govgraph_visible_rectifications(root))
        UNION
        SELECT i.id FROM inspection i
        WHERE i.subject_unit_id IN ({SUBTREE}) OR i.inspector_id IN ({SUBTREE})""",
    # monitoring sections of units in the subtree (targets and measurements follow them).
    'govgraph_visible_sections': f"""
        SELECT s.id FROM monitoring_section s WHERE s.org_unit_id IN ({SUBTREE})""",
}


def _in(column: str, function: str) -> str:
    return f'{column} IN (SELECT {function}(govgraph_scope_root()))'


# table -> the SELECT policy's condition for a restricted scope (resolvers/scope.visibility).
POLICIES = {
    'org_unit': _in('id', 'govgraph_visible_units'),
    'org_unit_alias': _in('org_unit_id', 'govgraph_visible_units'),
    'task': _in('id', 'govgraph_visible_tasks'),
    # scope.visibility also hides the assignments of units outside the subtree and its
    # ancestors, but rollups legitimately read every LEAD share of a visible task (a task in
    # scope only as COOPERATING takes its state from all of its leads): the wall is the task.
    # The other branch's org_unit rows stay hidden.
    'assignment': _in('task_id', 'govgraph_visible_tasks'),
    'assignment_status_event': _in('assignment_id', 'govgraph_visible_assignments'),
    'progress_report': _in('assignment_id', 'govgraph_reporting_assignments'),
    'plan': _in('id', 'govgraph_visible_plans'),
    'document': _in('id', 'govgraph_visible_documents'),
    'rectification': _in('id', 'govgraph_visible_rectifications'),
    'rectification_event': _in('rectification_id', 'govgraph_visible_rectifications'),
    'rectification_finding': _in('rectification_id', 'govgraph_visible_rectifications'),
    'rectification_assignment': (
        f"{_in('rectification_id', 'govgraph_visible_rectifications')}"
        f" AND {_in('org_unit_id', 'govgraph_visible_units')}"
    ),
    'inspection': _in('id', 'govgraph_visible_inspections'),
    'finding': _in('inspection_id', 'govgraph_visible_inspections'),
    'target': (
        f"{_in('org_unit_id', 'govgraph_subtree')}"
        f" OR {_in('section_id', 'govgraph_visible_sections')}"
    ),
    'measurement': (
        f"{_in('org_unit_id', 'govgraph_subtree')}"
        f" OR {_in('section_id', 'govgraph_visible_sections')}"
    ),
    'monitoring_section': _in('org_unit_id', 'govgraph_subtree'),
    'proposal': _in('handling_unit_id', 'govgraph_subtree'),
    'escalation': _in('addressed_to_id', 'govgraph_subtree'),
    # auditEvents (resolvers/audit.py): writes scoped to a unit in the subtree.
    'audit_event': _in('scope_unit_id', 'govgraph_subtree'),
}

UNRESTRICTED = 'govgraph_scope_root() IS NULL'


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    schema = bind.execute(sa.text('SELECT current_schema()')).scalar_one()
    search_path = f'SET search_path = "{schema}", pg_temp'
    # The scope of the current transaction: NULL (unrestricted) when unset or ''.
    op.execute("""
        CREATE FUNCTION govgraph_scope_root() RETURNS uuid
        LANGUAGE sql STABLE PARALLEL SAFE
        AS $$ SELECT NULLIF(current_setting('govgraph.scope_root', true), '')::uuid $$
    """)
    for name, body in FUNCTIONS.items():
        op.execute(f"""
            CREATE FUNCTION {name}(root uuid) RETURNS SETOF uuid
            LANGUAGE sql STABLE SECURITY DEFINER {search_path}
            AS $$ {body} $$
        """)
        op.execute(f'REVOKE ALL ON FUNCTION {name}(uuid) FROM PUBLIC')

    # Roles are per cluster: another database may have created it (or be creating it now).
    # Without the right to create or grant it, the schema is still migrated and a warning
    # says what a superuser must do before GOVGRAPH_RLS=1 can be used.
    grants = '; '.join([
        f'GRANT USAGE ON SCHEMA "{schema}" TO {ROLE}',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO {ROLE}',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO {ROLE}',
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}"'
        f' GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {ROLE}',
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" GRANT USAGE, SELECT ON SEQUENCES TO {ROLE}',
        *(f'GRANT EXECUTE ON FUNCTION {name}(uuid) TO {ROLE}' for name in FUNCTIONS),
    ])
    op.execute(f"""
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') THEN
                BEGIN
                    CREATE ROLE {ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS;
                EXCEPTION
                    WHEN duplicate_object OR unique_violation THEN NULL;
                    WHEN insufficient_privilege THEN
                        RAISE WARNING 'govgraph: role {ROLE} not created (%); GOVGRAPH_RLS=1 '
                            'needs it: as a superuser, CREATE ROLE {ROLE} NOLOGIN, GRANT {ROLE} '
                            'TO %, and grant it the tables (see migration 0006)',
                            SQLERRM, current_user;
                        RETURN;
                END;
            END IF;
            -- The migrating (owner) role switches to it when GOVGRAPH_RLS=1 (api/db.py).
            IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
               AND NOT pg_has_role(current_user, '{ROLE}', 'MEMBER') THEN
                BEGIN
                    EXECUTE format('GRANT {ROLE} TO %I', current_user);
                EXCEPTION WHEN insufficient_privilege THEN
                    RAISE WARNING 'govgraph: % cannot be granted {ROLE} (%): a superuser must '
                        'GRANT {ROLE} TO it before GOVGRAPH_RLS=1 can be used', current_user,
                        SQLERRM;
                END;
            END IF;
            {grants};
        END $$
    """)

    for table, condition in POLICIES.items():
        op.execute(f'ALTER TABLE {table} ENABLE ROW LEVEL SECURITY')
        op.execute(
            f'CREATE POLICY govgraph_read ON {table} FOR SELECT'
            f' USING ({UNRESTRICTED} OR {condition})'
        )
        op.execute(
            f'CREATE POLICY govgraph_insert ON {table} FOR INSERT WITH CHECK ({UNRESTRICTED})'
        )
        op.execute(
            f'CREATE POLICY govgraph_update ON {table} FOR UPDATE'
            f' USING ({UNRESTRICTED}) WITH CHECK ({UNRESTRICTED})'
        )
        op.execute(f'CREATE POLICY govgraph_delete ON {table} FOR DELETE USING ({UNRESTRICTED})')


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    schema = bind.execute(sa.text('SELECT current_schema()')).scalar_one()
    for table in POLICIES:
        for policy in ('govgraph_read', 'govgraph_insert', 'govgraph_update', 'govgraph_delete'):
            op.execute(f'DROP POLICY IF EXISTS {policy} ON {table}')
        op.execute(f'ALTER TABLE {table} DISABLE ROW LEVEL SECURITY')
    for name in reversed(list(FUNCTIONS)):
        op.execute(f'DROP FUNCTION IF EXISTS {name}(uuid)')
    op.execute('DROP FUNCTION IF EXISTS govgraph_scope_root()')
    op.execute(
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" REVOKE USAGE, SELECT ON SEQUENCES FROM {ROLE}'
    )
    op.execute(
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}"'
        f' REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {ROLE}'
    )
    op.execute(f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA "{schema}" FROM {ROLE}')
    op.execute(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM {ROLE}')
    op.execute(f'REVOKE ALL ON SCHEMA "{schema}" FROM {ROLE}')
    # The role is the cluster's: dropped only when no other database still grants it anything.
    op.execute(f"""
        DO $$
        BEGIN
            DROP ROLE IF EXISTS {ROLE};
        EXCEPTION WHEN dependent_objects_still_exist OR insufficient_privilege THEN NULL;
        END $$
    """)
