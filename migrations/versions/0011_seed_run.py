"""seed runs: `govgraph seed` loads a database once; the change feed carries every snapshot type

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

seed_run (models/seed_run.py): the seed dataset a database was loaded with. Only the owner
(`govgraph seed`) reads or writes it: no grant to govgraph_app.

change_log.object_type: the change types of every object the snapshot carries (models/enums.py
ChangeType). SQLite cannot alter a CHECK constraint, and rebuilding change_log would cascade
into change_log_unit: its schema text is rewritten in place (the documented writable_schema
route for a constraint the existing rows satisfy).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


CHECK_NAME = 'ck_change_log_changetype'
OLD_TYPES = ('TASK', 'RECTIFICATION')
NEW_TYPES = (
    'ORG_UNIT', 'INDICATOR', 'MONITORING_SECTION', 'DOCUMENT', 'TASK', 'INSPECTION',
    'RECTIFICATION', 'TARGET', 'MEASUREMENT', 'ESCALATION', 'PROPOSAL',
)


def _check(types: Sequence[str]) -> str:
    return 'object_type IN (' + ', '.join(f"'{t}'" for t in types) + ')'


def _change_types(old: Sequence[str], new: Sequence[str]) -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute(f'ALTER TABLE change_log DROP CONSTRAINT {CHECK_NAME}')
        op.execute(f'ALTER TABLE change_log ADD CONSTRAINT {CHECK_NAME} CHECK ({_check(new)})')
        return
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'change_log'"
    ).scalar()
    old_check = _check(old)
    if old_check not in sql:
        raise RuntimeError(f'change_log has no {old_check}: {sql}')
    version = bind.exec_driver_sql('PRAGMA schema_version').scalar()
    bind.exec_driver_sql('PRAGMA writable_schema = ON')
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'change_log'",
        (sql.replace(old_check, _check(new)),),
    )
    bind.exec_driver_sql(f'PRAGMA schema_version = {int(version) + 1:d}')
    bind.exec_driver_sql('PRAGMA writable_schema = OFF')


def upgrade() -> None:
    _change_types(OLD_TYPES, NEW_TYPES)
    op.create_table('seed_run',
    sa.Column('dataset', sa.String(length=64), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('seeded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('dataset', name=op.f('pk_seed_run'))
    )


def downgrade() -> None:
    op.drop_table('seed_run')
    op.execute(f"DELETE FROM change_log WHERE object_type NOT IN {OLD_TYPES!r}")
    _change_types(NEW_TYPES, OLD_TYPES)
