"""rollup history: unit task rollups as of a past day from maintained tables

Revision ID: 0022
Revises: 0019
Create Date: 2026-12-07

Issue 15, deliverable 3: rollup_member_history (each member's state per span of days) and
rollup_bucket_history (the buckets' changes summed per day, month and year), models/rollup.py;
a past-asOf unit rollup (LEAD, whole subtree, no filter) becomes an index-backed sum instead
of a recomputation from the status history. Kept by the same refresh and rebuild as
rollup_member / rollup_bucket (resolvers/rollups/history.py); the upgrade fills them with the
rebuild's statements (SQLite: with the configured zone's day function registered first).

PostgreSQL: row-level secured like rollup_bucket (models/rules/scope.py, scope_rls.install).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.rules import scope_rls

revision: str = '0022'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('rollup_member_history', 'rollup_bucket_history')


def upgrade() -> None:
    op.create_table('rollup_member_history',
    sa.Column('task_id', sa.Uuid(), nullable=False),
    sa.Column('root_id', sa.Uuid(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('rated', sa.Boolean(), nullable=False),
    sa.Column('completed', sa.Boolean(), nullable=False),
    sa.Column('started', sa.Boolean(), nullable=False),
    sa.Column('dated', sa.Boolean(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['root_id'], ['org_unit.id'], name=op.f('fk_rollup_member_history_root_id_org_unit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_rollup_member_history_task_id_task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_id', 'root_id', 'valid_from', name=op.f('pk_rollup_member_history'))
    )
    with op.batch_alter_table('rollup_member_history', schema=None) as batch_op:
        batch_op.create_index('ix_rollup_member_history_task_id', ['task_id'], unique=False)
    op.create_table('rollup_bucket_history',
    sa.Column('root_id', sa.Uuid(), nullable=False),
    sa.Column('grain', sa.String(length=1), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('rated', sa.Boolean(), nullable=False),
    sa.Column('completed', sa.Boolean(), nullable=False),
    sa.Column('started', sa.Boolean(), nullable=False),
    sa.Column('dated', sa.Boolean(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('tasks', sa.Integer(), nullable=False),
    sa.Column('weight_sum', sa.Float(), nullable=False),
    sa.Column('weighted_progress_sum', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['root_id'], ['org_unit.id'], name=op.f('fk_rollup_bucket_history_root_id_org_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('root_id', 'grain', 'period', 'rated', 'completed', 'started', 'dated', 'due_on', name=op.f('pk_rollup_bucket_history'))
    )

    # The backfill: the rebuild's own statements (as of this revision).
    from resolvers.rollups import history

    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        history.register_local_day(bind.connection)
    for statement in history.rebuild_statements(bind.dialect.name):
        bind.execute(statement)
    if bind.dialect.name == 'postgresql':
        schema = str(bind.execute(sa.text('SELECT current_schema()')).scalar_one())
        scope_rls.install(op.execute, schema, sa.inspect(bind).get_table_names())


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in TABLES:
            for policy in scope_rls.POLICIES:
                op.execute(f'DROP POLICY IF EXISTS {policy} ON {table}')
    op.drop_table('rollup_bucket_history')
    with op.batch_alter_table('rollup_member_history', schema=None) as batch_op:
        batch_op.drop_index('ix_rollup_member_history_task_id')
    op.drop_table('rollup_member_history')
