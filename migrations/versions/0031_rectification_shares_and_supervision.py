"""rectification shares and supervising offices

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07

Issue 17, point 5: each responsible unit of a rectification item has its own share with its
own workflow state and version (rectification_assignment.status, .version); an event names
the share it moved or noted (rectification_event.assignment_id; NULL: a move of the item as a
whole, which applies to every share). The item's state derives from its shares
(models/rules/rectification_state.py). Backfill: every existing share takes its item's
current state and version, and the existing events stay item-wide (assignment_id NULL), so
every share's history as of any day is its item's: nothing changes for existing data.

Point 6: `supervision` designates a unit supervisor of a plan or of an inspection's
rectification list (区环委办 for 城区). PostgreSQL: the scope functions and policies are
installed again from models/rules/scope.py (a supervision is one more anchor of tasks and
rectifications; supervision rows are read with their plan or inspection).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from models.rules import scope_rls


revision: str = '0031'
down_revision: str | None = '0030'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ('NOT_STARTED', 'IN_PROGRESS', 'COMPLETED', 'VERIFIED', 'CLOSED', 'REOPENED')


def upgrade() -> None:
    with op.batch_alter_table('rectification_assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum(*STATES, name='rectificationstatus', native_enum=False, create_constraint=True, length=32), server_default='NOT_STARTED', nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('rectification_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignment_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_rectification_event_assignment_id_rectification_assignment'), 'rectification_assignment', ['assignment_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index('ix_rectification_event_share_time', ['assignment_id', 'occurred_at'], unique=False)

    op.create_table('supervision',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('plan_id', sa.Uuid(), nullable=True),
    sa.Column('inspection_id', sa.Uuid(), nullable=True),
    sa.Column('org_unit_id', sa.Uuid(), nullable=False),
    sa.Column('designated_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('designated_by_unit_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(plan_id IS NULL) <> (inspection_id IS NULL)', name=op.f('ck_supervision_one_target')),
    sa.ForeignKeyConstraint(['designated_by_unit_id'], ['org_unit.id'], name=op.f('fk_supervision_designated_by_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_supervision_inspection_id_inspection'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_supervision_org_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_supervision_plan_id_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision')),
    sa.UniqueConstraint('inspection_id', 'org_unit_id', name=op.f('uq_supervision_inspection_id_org_unit_id')),
    sa.UniqueConstraint('plan_id', 'org_unit_id', name=op.f('uq_supervision_plan_id_org_unit_id'))
    )
    with op.batch_alter_table('supervision', schema=None) as batch_op:
        batch_op.create_index('ix_supervision_unit', ['org_unit_id'], unique=False)

    # Every share starts where its item is (state and version).
    op.execute(
        'UPDATE rectification_assignment SET'
        ' status = (SELECT r.status FROM rectification r'
        ' WHERE r.id = rectification_assignment.rectification_id),'
        ' version = (SELECT r.version FROM rectification r'
        ' WHERE r.id = rectification_assignment.rectification_id)'
    )

    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        schema = str(bind.execute(sa.text('SELECT current_schema()')).scalar_one())
        scope_rls.install(op.execute, schema, sa.inspect(bind).get_table_names())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        for policy in scope_rls.POLICIES:
            op.execute(f'DROP POLICY IF EXISTS {policy} ON supervision')
    with op.batch_alter_table('supervision', schema=None) as batch_op:
        batch_op.drop_index('ix_supervision_unit')
    op.drop_table('supervision')
    with op.batch_alter_table('rectification_event', schema=None) as batch_op:
        batch_op.drop_index('ix_rectification_event_share_time')
        batch_op.drop_constraint(batch_op.f('fk_rectification_event_assignment_id_rectification_assignment'), type_='foreignkey')
        batch_op.drop_column('assignment_id')
    with op.batch_alter_table('rectification_assignment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_rectification_assignment_rectificationstatus'), type_='check')
        batch_op.drop_column('version')
        batch_op.drop_column('status')
    if bind.dialect.name == 'postgresql':
        # The scope functions as the revision below had them (without supervision).
        schema = str(bind.execute(sa.text('SELECT current_schema()')).scalar_one())
        scope_rls.install(op.execute, schema, sa.inspect(bind).get_table_names())
