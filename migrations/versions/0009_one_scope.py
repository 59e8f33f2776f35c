"""one scope: row-level security generated from models/rules/scope.py

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

PostgreSQL only (nothing happens on SQLite).

The policies of 0006 and 0007 restated resolvers/scope.py in hand-written SQL. From here they
are generated from models/rules/scope.py (models/rules/scope_rls.py): one SQL function per
named id set, one SELECT policy per scoped table. This revision also brings the decisions of
issue 13: the units co-assigned on a visible task and the 条 superiors (line parents) of the
visible units are visible as units; every share of a visible task is visible, progress reports
only for shares in the subtree. A later change of scope.py adds a migration that calls
`install` again.
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import op

from models.rules import scope_rls

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# 0007's policy of the rollup tables, restored by downgrade.
ROLLUP_POLICY = "root_id IN (SELECT govgraph_subtree(govgraph_scope_root()))"


def _schema() -> str:
    return str(op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one())


def _tables() -> list[str]:
    """Tables at this revision: scope.py may scope tables later revisions create."""
    return sa.inspect(op.get_bind()).get_table_names()


def _revision(filename: str) -> Any:
    spec = importlib.util.spec_from_file_location(filename, Path(__file__).with_name(filename))
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    scope_rls.install(op.execute, _schema(), _tables())
    # 0006's hand-written functions: no policy calls them any more.
    old = _revision("0006_row_level_security.py")
    for name in reversed(list(old.FUNCTIONS)):
        op.execute(f"DROP FUNCTION IF EXISTS {name}(uuid)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = _schema()
    scope_rls.uninstall(op.execute, _tables())
    old = _revision("0006_row_level_security.py")
    search_path = f'SET search_path = "{schema}", pg_temp'
    for name, body in old.FUNCTIONS.items():
        op.execute(f"""
            CREATE FUNCTION {name}(root uuid) RETURNS SETOF uuid
            LANGUAGE sql STABLE SECURITY DEFINER {search_path}
            AS $$ {body} $$
        """)
        op.execute(f"REVOKE ALL ON FUNCTION {name}(uuid) FROM PUBLIC")
        op.execute(f"""
            DO $$
            BEGIN
                IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{old.ROLE}') THEN
                    GRANT EXECUTE ON FUNCTION {name}(uuid) TO {old.ROLE};
                END IF;
            EXCEPTION WHEN insufficient_privilege THEN NULL;
            END $$
        """)
    policies = {
        **old.POLICIES,
        **{t: ROLLUP_POLICY for t in ("rollup_member", "rollup_bucket")},
    }
    for table, condition in policies.items():
        op.execute(
            f"CREATE POLICY govgraph_read ON {table} FOR SELECT"
            f" USING ({old.UNRESTRICTED} OR {condition})"
        )
        op.execute(
            f"CREATE POLICY govgraph_insert ON {table} FOR INSERT WITH CHECK ({old.UNRESTRICTED})"
        )
        op.execute(
            f"CREATE POLICY govgraph_update ON {table} FOR UPDATE"
            f" USING ({old.UNRESTRICTED}) WITH CHECK ({old.UNRESTRICTED})"
        )
        op.execute(
            f"CREATE POLICY govgraph_delete ON {table} FOR DELETE USING ({old.UNRESTRICTED})"
        )
