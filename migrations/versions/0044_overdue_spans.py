"""rollup overdue spans: a unit's overdue list as of a past day walked by deadline

Revision ID: 0044
Revises: 0042
Create Date: 2026-12-07

Issue 15 (a past day as cheap as today): `rollup_overdue_span` holds, per member of a unit's
rollup (role LEAD), the days it was overdue as spans (overdue_from, overdue_until), derived
from rollup_member_history by the same refresh and rebuild, with the task's present DEADLINE
sort key. `ix_rollup_overdue_span_walk` (root, deadline_sort, task, span) serves an overdue
list as of a past day in its own order: the page is the first rows whose span holds on the
day, tested inside the index, instead of reading every member span that ends after the day.
The backfill is the rebuild's own statement (as of this revision).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.rules import scope_rls


revision: str = '0044'
down_revision: str | None = "0042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rollup_overdue_span',
    sa.Column('root_id', sa.Uuid(), nullable=False),
    sa.Column('task_id', sa.Uuid(), nullable=False),
    sa.Column('overdue_from', sa.Date(), nullable=False),
    sa.Column('overdue_until', sa.Date(), nullable=True),
    sa.Column('deadline_sort', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['root_id'], ['org_unit.id'], name=op.f('fk_rollup_overdue_span_root_id_org_unit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_rollup_overdue_span_task_id_task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('root_id', 'task_id', 'overdue_from', name=op.f('pk_rollup_overdue_span'))
    )
    op.create_index('ix_rollup_overdue_span_task_id', 'rollup_overdue_span', ['task_id'])
    op.create_index(
        'ix_rollup_overdue_span_walk',
        'rollup_overdue_span',
        ['root_id', 'deadline_sort', 'task_id', 'overdue_from', 'overdue_until'],
    )

    from resolvers.rollups import history

    bind = op.get_bind()
    for statement in history.overdue_rebuild_statements(bind.dialect.name):
        bind.execute(statement)
    if bind.dialect.name == 'postgresql':
        # Statistics now: the walk's plan depends on them, autovacuum would come later.
        op.execute('ANALYZE rollup_overdue_span')
        schema = str(bind.execute(sa.text('SELECT current_schema()')).scalar_one())
        scope_rls.install(op.execute, schema, scope_rls.present(bind))


def downgrade() -> None:
    op.drop_index('ix_rollup_overdue_span_walk', table_name='rollup_overdue_span')
    op.drop_index('ix_rollup_overdue_span_task_id', table_name='rollup_overdue_span')
    op.drop_table('rollup_overdue_span')
