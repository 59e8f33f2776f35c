"""invariants held by the database

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

Unique indexes for what the services used to check in Python before inserting (a check that
concurrent writers pass together):
- a target per slot: indicator, the unit's own (no section) or the section, year, month
  (NULL = the year, compared as month 0) and kind (a year may hold 预控制 and 力争 targets);
- a measurement per indicator, unit-or-section and period (recording again corrects it);
- a document per issuer and normalised 文号, where a 文号 exists;
- a task's 序号 per plan, a subtask's per parent task (`code` is unique already).
Partial indexes with `coalesce(month, 0)` so that NULLs cannot escape uniqueness; both
SQLite and PostgreSQL build them, and INSERT … ON CONFLICT infers them.

Rows that break them (written by concurrent requests before this revision) are resolved
first, deterministically:
- targets: the first created (created_at, id) of a slot stays, the others are deleted;
- measurements: the latest recorded (recorded_at, id) stays, as attainment read it;
- documents: the first registered keeps its normalised 文号; later ones keep their row and
  the 文号 as written, but no longer match it (doc_number_normalized NULL);
- tasks: the first created keeps its 序号; the others move, in (created_at, id) order, to
  the next free 序号 after their siblings' highest, and their code (and their subtasks'
  codes) follow when the new code is free.
The downgrade drops the indexes; resolved rows stay as they are.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONTH_KEY = sa.text('coalesce(month, 0)')
OF_UNIT = 'section_id IS NULL'
OF_SECTION = 'section_id IS NOT NULL'
WITH_ISSUER = 'doc_number_normalized IS NOT NULL AND issuer_id IS NOT NULL'
WITHOUT_ISSUER = 'doc_number_normalized IS NOT NULL AND issuer_id IS NULL'
TOP_LEVEL = 'parent_id IS NULL'
SUBTASK = 'parent_id IS NOT NULL'

# (index, table, columns, where)
INDEXES: list[tuple[str, str, list[Any], str]] = [
    ('uq_target_unit_slot', 'target',
     ['indicator_id', 'org_unit_id', 'year', MONTH_KEY, 'kind'], OF_UNIT),
    ('uq_target_section_slot', 'target',
     ['indicator_id', 'section_id', 'year', MONTH_KEY, 'kind'], OF_SECTION),
    ('uq_measurement_unit_period', 'measurement',
     ['indicator_id', 'org_unit_id', 'year', MONTH_KEY], OF_UNIT),
    ('uq_measurement_section_period', 'measurement',
     ['indicator_id', 'section_id', 'year', MONTH_KEY], OF_SECTION),
    ('uq_document_issuer_doc_number', 'document',
     ['issuer_id', 'doc_number_normalized'], WITH_ISSUER),
    ('uq_document_doc_number_without_issuer', 'document',
     ['doc_number_normalized'], WITHOUT_ISSUER),
    ('uq_task_plan_seq', 'task', ['plan_id', 'seq'], TOP_LEVEL),
    ('uq_task_parent_seq', 'task', ['parent_id', 'seq'], SUBTASK),
]

# The slot of a target or measurement: a section's, or the unit's own.
SUBJECT = ('section_id IS NULL, coalesce(section_id, org_unit_id), indicator_id, year, '
           'coalesce(month, 0)')


def _later_rows(table: str, partition: str, order: str, where: str = '1 = 1') -> str:
    """Ids of the rows after the first of each partition, in `order`."""
    return f"""
        SELECT id FROM (
            SELECT id, row_number() OVER (PARTITION BY {partition} ORDER BY {order}) AS n
            FROM {table} WHERE {where}
        ) ranked WHERE n > 1
    """


def _resolve_duplicates() -> None:
    bind = op.get_bind()
    bind.execute(sa.text(
        f"DELETE FROM target WHERE id IN ({_later_rows('target', SUBJECT + ', kind', 'created_at, id')})"
    ))
    bind.execute(sa.text(
        'DELETE FROM measurement WHERE id IN '
        f"({_later_rows('measurement', SUBJECT, 'recorded_at DESC, id DESC')})"
    ))
    later_documents = _later_rows(
        'document', 'issuer_id, doc_number_normalized', 'created_at, id',
        'doc_number_normalized IS NOT NULL',
    )
    bind.execute(sa.text(
        f'UPDATE document SET doc_number_normalized = NULL WHERE id IN ({later_documents})'
    ))
    _renumber_duplicate_tasks(bind)


def _renumber_duplicate_tasks(bind: sa.Connection) -> None:
    """Later holders of a taken 序号 move to the next free one; codes follow where free."""
    partition = 'CASE WHEN parent_id IS NULL THEN plan_id ELSE parent_id END, seq'
    moved = bind.execute(sa.text(f"""
        SELECT id, plan_id, parent_id, code FROM task
        WHERE id IN ({_later_rows('task', 'parent_id IS NULL, ' + partition, 'created_at, id')})
        ORDER BY created_at, id
    """)).all()
    for row in moved:
        siblings = (
            sa.text('SELECT max(seq) FROM task WHERE plan_id = :p AND parent_id IS NULL')
            if row.parent_id is None
            else sa.text('SELECT max(seq) FROM task WHERE parent_id = :q')
        )
        top = bind.execute(siblings, {'p': row.plan_id, 'q': row.parent_id}).scalar() or 0
        seq = int(top) + 1
        code = row.code
        if '/' in row.code:
            width = '03d' if row.parent_id is None else '02d'
            candidate = f"{row.code.rsplit('/', 1)[0]}/{seq:{width}}"
            taken = bind.execute(
                sa.text('SELECT 1 FROM task WHERE code = :c'), {'c': candidate}
            ).first()
            if taken is None:
                code = candidate
        bind.execute(
            sa.text(
                'UPDATE task SET seq = :seq, code = :code, version = version + 1 WHERE id = :id'
            ),
            {'seq': seq, 'code': code, 'id': row.id},
        )
        if code != row.code:
            _recode_subtasks(bind, row.id, row.code, code)


def _recode_subtasks(bind: sa.Connection, parent: Any, old: str, new: str) -> None:
    children = bind.execute(
        sa.text('SELECT id, code FROM task WHERE parent_id = :p'), {'p': parent}
    ).all()
    for child in children:
        if not child.code.startswith(old + '/'):
            continue
        code = new + child.code[len(old):]
        bind.execute(
            sa.text('UPDATE task SET code = :code WHERE id = :id'), {'code': code, 'id': child.id}
        )
        _recode_subtasks(bind, child.id, child.code, code)


def upgrade() -> None:
    _resolve_duplicates()
    for name, table, columns, where in INDEXES:
        op.create_index(
            name,
            table,
            columns,
            unique=True,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def downgrade() -> None:
    for name, table, _columns, _where in reversed(INDEXES):
        op.drop_index(name, table_name=table)
