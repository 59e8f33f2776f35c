"""Row-level security generated from models/rules/scope.py (PostgreSQL; migration 0009).

The policies are not a second statement of scope: each named id set of `scope.SETS` becomes
one SQL function `govgraph_scope_<name>(root uuid) RETURNS SETOF uuid`, whose body is that
set's predicate compiled with the root as the function's argument, and each table's SELECT
policy is `scope.row_condition` with membership written as a call of those functions:

    USING (govgraph_scope_root() IS NULL OR <row_condition>)

The functions are SECURITY DEFINER (owned by the migrating role, which row-level security
does not bind), so a policy that reads its own table through them does not recurse, and they
compute the sets over whole tables exactly as the predicates do. A change of scope.py needs a
migration that calls `install(op)` again (0009 is the first); tests/models/test_scope_rls.py
checks, over a matrix of viewers, that the rows each table shows under RLS are the rows
`scope.visibility` selects.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.util import find_tables

from models import metadata
from models.rules.scope import FEATURES, SETS, Scope, row_condition, without_tables

ROLE = "govgraph_app"
UNRESTRICTED = "govgraph_scope_root() IS NULL"
POLICIES = ("govgraph_read", "govgraph_insert", "govgraph_update", "govgraph_delete")
# Stands for the function's argument while a predicate is compiled.
_ROOT = uuid.UUID("00000000-0000-4000-8000-00000000a11d")


def function_name(name: str) -> str:
    """The SQL function of the set `name`."""
    return f"govgraph_scope_{name}"


_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


def _sql(expression: sa.ClauseElement) -> str:
    text = str(expression.compile(dialect=_DIALECT, compile_kwargs={"literal_binds": True}))
    return text.replace(f"'{_ROOT}'", "root")


def function_bodies(tables: Collection[str] | None = None) -> dict[str, str]:
    """Set name -> the body of its function (`root` is the argument).

    `tables`: the tables the database has (None: all of the models'); a set reading a table
    a later migration creates is left out, as migrations before it run today's scope.py.
    A migration names the non-table FEATURES it has (scope.py DATED_SUPERVISION) among them.
    """
    scope = Scope(root=_ROOT)
    bodies: dict[str, str] = {}
    absent = (
        frozenset() if tables is None else (frozenset(metadata.tables) | FEATURES) - set(tables)
    )
    with without_tables(absent):  # anchors on tables of later migrations are left out
        for name, (table, predicate) in SETS.items():
            select = sa.select(table.c.id).where(predicate(scope, table.c.id))
            used = {found.name for found in find_tables(select, include_crud=True)}
            if tables is None or used <= set(tables):
                bodies[function_name(name)] = _sql(select)
    return bodies


def _member(column: sa.ColumnElement[uuid.UUID], name: str) -> sa.ColumnElement[bool]:
    call: sa.ColumnElement[uuid.UUID] = sa.literal_column(
        f"{function_name(name)}(govgraph_scope_root())"
    )
    return column.in_(sa.select(call))


def policy_conditions(tables: Collection[str] | None = None) -> dict[str, str]:
    """Table -> the SELECT policy's condition for a restricted scope (of `tables` if given)."""
    out: dict[str, str] = {}
    for table in metadata.sorted_tables:
        if tables is not None and table.name not in tables:
            continue
        condition = row_condition(table, _member)
        if condition is not None:
            # Unqualified columns: the policy's own table is implied.
            out[table.name] = _sql(condition).replace(f"{table.name}.", "")
    return out


def present(bind: sa.Connection) -> list[str]:
    """What a migration passes to `install` as `tables`: the database's tables and the
    non-table FEATURES it has (a feature "table.column" is there when the column is), so a
    later migration reinstalling the policies keeps every earlier migration's feature."""
    inspector = sa.inspect(bind)
    tables = list(inspector.get_table_names())
    names = list(tables)
    for feature in sorted(FEATURES):
        table, column = feature.split(".", 1)
        if table in tables and column in {c["name"] for c in inspector.get_columns(table)}:
            names.append(feature)
    return names


def install(
    execute: Callable[[str], object], schema: str, tables: Collection[str] | None = None
) -> None:
    """Create (or replace) the functions and every scoped table's four policies.

    `tables`: the tables the database has at this revision (None: every model's table).
    """
    search_path = f'SET search_path = "{schema}", pg_temp'
    bodies = function_bodies(tables)
    for name, body in bodies.items():
        execute(
            f"CREATE OR REPLACE FUNCTION {name}(root uuid) RETURNS SETOF uuid"
            f" LANGUAGE sql STABLE SECURITY DEFINER {search_path} AS $$ {body} $$"
        )
        execute(f"REVOKE ALL ON FUNCTION {name}(uuid) FROM PUBLIC")
    grants = "; ".join(f"GRANT EXECUTE ON FUNCTION {name}(uuid) TO {ROLE}" for name in bodies)
    execute(f"""
        DO $$
        BEGIN
            IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') THEN
                {grants};
            END IF;
        EXCEPTION WHEN insufficient_privilege THEN NULL;
        END $$
    """)
    for table, condition in policy_conditions(tables).items():
        for policy in POLICIES:
            execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
        execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        execute(
            f"CREATE POLICY govgraph_read ON {table} FOR SELECT"
            f" USING ({UNRESTRICTED} OR {condition})"
        )
        # Writes only while the scope is lifted (run_mutation checks with scope.py itself).
        execute(f"CREATE POLICY govgraph_insert ON {table} FOR INSERT WITH CHECK ({UNRESTRICTED})")
        execute(
            f"CREATE POLICY govgraph_update ON {table} FOR UPDATE"
            f" USING ({UNRESTRICTED}) WITH CHECK ({UNRESTRICTED})"
        )
        execute(f"CREATE POLICY govgraph_delete ON {table} FOR DELETE USING ({UNRESTRICTED})")


def uninstall(execute: Callable[[str], object], tables: Collection[str] | None = None) -> None:
    """Drop the policies and functions `install` made (RLS stays enabled on the tables)."""
    for table in policy_conditions(tables):
        for policy in POLICIES:
            execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
    for name in function_bodies():
        execute(f"DROP FUNCTION IF EXISTS {name}(uuid)")
