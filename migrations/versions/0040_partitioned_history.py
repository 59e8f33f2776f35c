"""history tables partitioned on PostgreSQL: progress_report by year, audit_event and change_log by month

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-07

Issue 20, point 3. PostgreSQL only: SQLite keeps its plain tables (nothing happens there).

Each table becomes a declarative RANGE partitioned table on its timestamp
(models/partitioning.py names them: progress_report.reported_at, audit_event.occurred_at,
change_log.changed_at), audit and change log one partition per calendar month, progress
reports one per calendar year (GOVGRAPH_TIMEZONE's months, as the "as of" day boundary; why
years for reports: models/partitioning.py), plus a DEFAULT partition that catches rows outside
the existing ones (`govgraph partitions ensure` splits it).

The conversion is generic, so that columns other migrations add before this one come along:
the new table is created `LIKE` the old one `INCLUDING ALL EXCLUDING INDEXES` (columns, defaults,
NOT NULL and CHECK constraints, identity, storage, comments), every row is copied, the old table
dropped and the new one renamed; then the primary key is recreated with the partition key
appended (a unique index on a partitioned table must contain the partition key), every other
index is recreated from its old definition, the outgoing foreign keys, the grants, the
row-level security policies and the ownership of sequences (change_log.seq keeps counting from
where it was) are carried over.

Foreign keys INTO these tables (evidence_file.progress_report_id → progress_report.id ON DELETE
CASCADE, assignment_status_event.report_id → progress_report.id, change_log_unit.seq →
change_log.seq ON DELETE CASCADE, and any other found in the catalogue) cannot stay: PostgreSQL
can only reference a unique constraint, and `id` alone is no longer one. They are replaced by
triggers that hold the same integrity:
- on the referencing table, a DEFERRABLE INITIALLY DEFERRED constraint trigger refuses (at
  commit, error 23503 foreign_key_violation) a row whose reference names no row, taking
  `FOR KEY SHARE` on the referenced row as a foreign key would;
- on the partitioned table, an AFTER DELETE row trigger does the ON DELETE action (CASCADE
  deletes the referencing rows, SET NULL clears them) and a deferred constraint trigger refuses
  NO ACTION deletes that leave references behind. Both act only when no row with the deleted
  key is left (keys are unique in practice: UUIDs and a sequence).
Dropping a whole partition (`govgraph partitions prune`) fires no trigger: the prune does the
referencing tables' part itself (resolvers/partitions.py).
"""

from collections.abc import Sequence
from typing import Any
from datetime import date, datetime
from zoneinfo import ZoneInfo
import json
import os

import sqlalchemy as sa
from alembic import op


revision: str = '0040'
down_revision: str | None = '0039'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> (its partition key column, months per partition). Frozen here
# (models/partitioning.py holds the same for the running code).
TABLES = {
    'progress_report': ('reported_at', 12),
    'audit_event': ('occurred_at', 1),
    'change_log': ('changed_at', 1),
}
MONTHS_AHEAD = 3
SUFFIX = '__partitioned'


def _zone() -> ZoneInfo:
    return ZoneInfo(os.environ.get('GOVGRAPH_TIMEZONE') or 'Asia/Shanghai')


def _next_month(day: date, months: int = 1) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _period(day: date, months: int) -> date:
    index = (day.year * 12 + day.month - 1) // months * months
    return date(index // 12, index % 12 + 1, 1)


def _bound(day: date) -> str:
    return datetime(day.year, day.month, 1, tzinfo=_zone()).isoformat()


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _rows(sql: str, **params: object) -> list[sa.Row]:
    return list(op.get_bind().execute(sa.text(sql), params).all())


def _pk_columns(table: str) -> tuple[str, list[str]]:
    row = _rows(
        """
        SELECT c.conname, array_agg(a.attname ORDER BY k.ord) AS columns
        FROM pg_constraint c
        CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
        WHERE c.conrelid = CAST(:t AS regclass) AND c.contype = 'p'
        GROUP BY c.conname
        """,
        t=table,
    )[0]
    return row.conname, list(row.columns)


def _incoming(table: str) -> list[sa.Row]:
    """Single-column foreign keys from other tables into `table`."""
    return _rows(
        """
        SELECT c.conname, c.conrelid::regclass::text AS child, ca.attname AS child_column,
               pa.attname AS parent_column, c.confdeltype::text AS on_delete,
               pg_get_constraintdef(c.oid) AS definition
        FROM pg_constraint c
        JOIN pg_attribute ca ON ca.attrelid = c.conrelid AND ca.attnum = c.conkey[1]
        JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1]
        WHERE c.confrelid = CAST(:t AS regclass) AND c.contype = 'f'
          AND c.conrelid <> c.confrelid AND cardinality(c.conkey) = 1
        ORDER BY c.conname
        """,
        t=table,
    )


def _search_path() -> str:
    """Trigger functions run as the owner, as a foreign key's checks do (row-level security
    does not hide the rows they look for), with a fixed search path."""
    schema = op.get_bind().execute(sa.text('SELECT current_schema()')).scalar_one()
    return f'SET search_path = {_q(schema)}, pg_temp'


def _trigger_names(child: str, column: str) -> tuple[str, str, str]:
    base = f'{child}_{column}'[:40]
    return f'gg_fk_check_{base}', f'gg_fk_delete_{base}', f'gg_fk_restrict_{base}'


def _replace_foreign_key(table: str, fk: sa.Row) -> None:
    """Drop a foreign key into `table`; a trigger on the referencing table checks instead."""
    child, column, parent_column = fk.child, fk.child_column, fk.parent_column
    check, delete, restrict = _trigger_names(child, column)
    op.execute(f'ALTER TABLE {_q(child)} DROP CONSTRAINT {_q(fk.conname)}')
    op.execute(f"""
        CREATE FUNCTION {check}() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER {_search_path()} AS $$
        BEGIN
            IF NEW.{_q(column)} IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM {_q(table)} WHERE {_q(parent_column)} = NEW.{_q(column)}
                FOR KEY SHARE
            ) THEN
                RAISE EXCEPTION 'insert or update on table "{child}" violates foreign key '
                    '"{fk.conname}": {column} % is not present in table "{table}"',
                    NEW.{_q(column)} USING ERRCODE = 'foreign_key_violation';
            END IF;
            RETURN NULL;
        END $$""")
    op.execute(
        f'CREATE CONSTRAINT TRIGGER {check} AFTER INSERT OR UPDATE OF {_q(column)}'
        f' ON {_q(child)} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {check}()'
    )
    saved = json.dumps(
        {'table': table, 'column': column, 'name': fk.conname, 'definition': fk.definition}
    )
    op.execute(
        f'COMMENT ON TRIGGER {check} ON {_q(child)} IS '
        + "'" + saved.replace("'", "''") + "'"
    )


def _referenced_side(table: str, fk: sa.Row) -> None:
    """The foreign key's ON DELETE, as triggers on the (partitioned) referenced table."""
    child, column, parent_column = fk.child, fk.child_column, fk.parent_column
    _check, delete, restrict = _trigger_names(child, column)
    if fk.on_delete in ('c', 'n', 'd'):  # CASCADE, SET NULL, SET DEFAULT
        action = (
            f'DELETE FROM {_q(child)} WHERE {_q(column)} = OLD.{_q(parent_column)}'
            if fk.on_delete == 'c'
            else f'UPDATE {_q(child)} SET {_q(column)} = '
            f"{'NULL' if fk.on_delete == 'n' else 'DEFAULT'}"
            f' WHERE {_q(column)} = OLD.{_q(parent_column)}'
        )
        op.execute(f"""
            CREATE FUNCTION {delete}() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER {_search_path()} AS $$
            BEGIN
                IF NOT EXISTS (
                    SELECT 1 FROM {_q(table)} WHERE {_q(parent_column)} = OLD.{_q(parent_column)}
                ) THEN
                    {action};
                END IF;
                RETURN NULL;
            END $$""")
        op.execute(
            f'CREATE TRIGGER {delete} AFTER DELETE ON {_q(table)}'
            f' FOR EACH ROW EXECUTE FUNCTION {delete}()'
        )
    else:  # NO ACTION / RESTRICT: refused at commit when references are left
        op.execute(f"""
            CREATE FUNCTION {restrict}() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER {_search_path()} AS $$
            BEGIN
                IF EXISTS (
                    SELECT 1 FROM {_q(child)} WHERE {_q(column)} = OLD.{_q(parent_column)}
                ) AND NOT EXISTS (
                    SELECT 1 FROM {_q(table)} WHERE {_q(parent_column)} = OLD.{_q(parent_column)}
                ) THEN
                    RAISE EXCEPTION 'update or delete on table "{table}" violates foreign key '
                        '"{fk.conname}" on table "{child}": % is still referenced',
                        OLD.{_q(parent_column)} USING ERRCODE = 'foreign_key_violation';
                END IF;
                RETURN NULL;
            END $$""")
        op.execute(
            f'CREATE CONSTRAINT TRIGGER {restrict} AFTER DELETE ON {_q(table)}'
            f' DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {restrict}()'
        )


def _restore_foreign_keys(table: str) -> None:
    """Put back the foreign keys into `table` that the upgrade replaced with triggers (each
    check trigger's comment holds its constraint)."""
    for row in _rows(
        """
        SELECT t.tgrelid::regclass::text AS child, t.tgname,
               obj_description(t.oid, 'pg_trigger') AS saved
        FROM pg_trigger t WHERE t.tgname LIKE 'gg_fk_check_%' AND NOT t.tgisinternal
        """
    ):
        saved = json.loads(row.saved)
        if saved['table'] != table:
            continue
        check, delete, restrict = _trigger_names(row.child, saved['column'])
        op.execute(f'DROP TRIGGER IF EXISTS {check} ON {_q(row.child)}')
        op.execute(f'DROP TRIGGER IF EXISTS {delete} ON {_q(table)}')
        op.execute(f'DROP TRIGGER IF EXISTS {restrict} ON {_q(table)}')
        for name in (check, delete, restrict):
            op.execute(f'DROP FUNCTION IF EXISTS {name}()')
        op.execute(
            f'ALTER TABLE {_q(row.child)} ADD CONSTRAINT {_q(saved["name"])} {saved["definition"]}'
        )


def _carried(table: str) -> dict[str, Any]:
    """What the table's replacement must get back: indexes (the primary key with its
    columns), outgoing foreign keys, grants, row-level security and its policies, owned
    sequences."""
    primary_name, primary_columns = _pk_columns(table)
    return {
        'primary': (primary_name, primary_columns),
        'indexes': _rows(
            """
            SELECT pg_get_indexdef(i.indexrelid) AS definition, i.indisunique AS is_unique,
                   i.indexrelid::regclass::text AS name
            FROM pg_index i WHERE i.indrelid = CAST(:t AS regclass) AND NOT i.indisprimary
            """,
            t=table,
        ),
        'foreign_keys': _rows(
            """
            SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint
            WHERE conrelid = CAST(:t AS regclass) AND contype = 'f'
            """,
            t=table,
        ),
        'grants': _rows(
            """
            SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END
                   AS grantee, a.privilege_type
            FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
            LEFT JOIN pg_roles r ON r.oid = a.grantee
            WHERE c.oid = CAST(:t AS regclass) AND a.grantee <> c.relowner
            """,
            t=table,
        ),
        'security': _rows(
            """
            SELECT relrowsecurity, relforcerowsecurity FROM pg_class
            WHERE oid = CAST(:t AS regclass)
            """,
            t=table,
        )[0],
        'policies': _rows(
            """
            SELECT policyname, permissive, roles, cmd, qual, with_check FROM pg_policies
            WHERE schemaname = current_schema() AND tablename = :t
            """,
            t=table,
        ),
        'sequences': _rows(
            """
            SELECT s.oid::regclass::text AS sequence, a.attname AS column
            FROM pg_depend d
            JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
            JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
            WHERE d.refobjid = CAST(:t AS regclass) AND d.deptype = 'a'
            """,
            t=table,
        ),
    }


def _swap(table: str, new: str, carried: dict[str, Any], primary_columns: list[str]) -> None:
    """Copy `table` into `new`, drop it, rename `new` to its name and give back what the old
    table had, with `primary_columns` as the primary key."""
    op.execute(f'INSERT INTO {_q(new)} SELECT * FROM {_q(table)}')
    for seq in carried['sequences']:  # keep the sequence: it belongs to the old column
        op.execute(f'ALTER SEQUENCE {seq.sequence} OWNED BY {_q(new)}.{_q(seq.column)}')
    op.execute(f'DROP TABLE {_q(table)}')
    op.execute(f'ALTER TABLE {_q(new)} RENAME TO {_q(table)}')
    op.execute(
        f'ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(carried["primary"][0])} PRIMARY KEY'
        f' ({", ".join(map(_q, primary_columns))})'
    )
    for index in carried['indexes']:  # a partitioned index's definition says ON ONLY
        op.execute(index.definition.replace(' ON ONLY ', ' ON ', 1))
    for fk in carried['foreign_keys']:
        op.execute(f'ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(fk.conname)} {fk.definition}')
    for grant in carried['grants']:
        op.execute(f'GRANT {grant.privilege_type} ON {_q(table)} TO {grant.grantee}')
    security = carried['security']
    if security.relrowsecurity:
        op.execute(f'ALTER TABLE {_q(table)} ENABLE ROW LEVEL SECURITY')
    if security.relforcerowsecurity:
        op.execute(f'ALTER TABLE {_q(table)} FORCE ROW LEVEL SECURITY')
    if security.relrowsecurity:
        # The partitions deny direct access to all but the owner (no policy of their own):
        # reads and writes go through the parent and its policies.
        for (partition,) in _rows(
            "SELECT inhrelid::regclass::text FROM pg_inherits"
            " WHERE inhparent = CAST(:t AS regclass)",
            t=table,
        ):
            op.execute(f'ALTER TABLE {partition} ENABLE ROW LEVEL SECURITY')
    for policy in carried['policies']:
        roles = ', '.join(r if r == 'public' else _q(r) for r in policy.roles)
        sql = (
            f'CREATE POLICY {_q(policy.policyname)} ON {_q(table)} AS {policy.permissive}'
            f' FOR {policy.cmd} TO {roles}'
        )
        if policy.qual is not None:
            sql += f' USING ({policy.qual})'
        if policy.with_check is not None:
            sql += f' WITH CHECK ({policy.with_check})'
        op.execute(sql)
    op.execute(f'ANALYZE {_q(table)}')


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    zone = _zone()
    this_month = datetime.now(zone).date().replace(day=1)
    for table, (key, months) in TABLES.items():
        new = table + SUFFIX
        incoming = _incoming(table)
        for fk in incoming:
            _replace_foreign_key(table, fk)
        carried = _carried(table)
        for index in carried['indexes']:
            if index.is_unique:
                raise RuntimeError(
                    f'{table}: unique index {index.name} cannot stay unique on a table '
                    f'partitioned by {key} unless it contains {key}'
                )
        op.execute(
            f'CREATE TABLE {_q(new)} (LIKE {_q(table)} INCLUDING ALL EXCLUDING INDEXES)'
            f' PARTITION BY RANGE ({_q(key)})'
        )
        oldest = bind.execute(sa.text(f'SELECT min({_q(key)}) FROM {_q(table)}')).scalar()
        month = this_month if oldest is None else oldest.astimezone(zone).date().replace(day=1)
        month = _period(min(month, this_month), months)
        last = _next_month(this_month, MONTHS_AHEAD)
        while month <= last:
            upper = _next_month(month, months)
            suffix = f'{month.year:04d}' if months == 12 else f'{month.year:04d}_{month.month:02d}'
            op.execute(
                f'CREATE TABLE {_q(f"{table}_p{suffix}")}'
                f" PARTITION OF {_q(new)} FOR VALUES FROM ('{_bound(month)}')"
                f" TO ('{_bound(upper)}')"
            )
            month = upper
        op.execute(f'CREATE TABLE {_q(f"{table}_default")} PARTITION OF {_q(new)} DEFAULT')
        primary = carried['primary'][1]
        _swap(table, new, carried, primary if key in primary else [*primary, key])
        for fk in incoming:
            _referenced_side(table, fk)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    for table, (key, _months) in TABLES.items():
        new = table + SUFFIX
        carried = _carried(table)
        op.execute(f'CREATE TABLE {_q(new)} (LIKE {_q(table)} INCLUDING ALL EXCLUDING INDEXES)')
        _swap(table, new, carried, [c for c in carried['primary'][1] if c != key])
        _restore_foreign_keys(table)
