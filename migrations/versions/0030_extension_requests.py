"""extension requests (延期申请)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07

Issue 17, point 3: a lead unit asks for a later deadline of a task (`extension_request`); the
plan's issuer, or a unit above it or above the lead unit, approves or rejects it; an approval
is a dated deadline change (task_deadline_change). One PENDING request per task at a time,
held by a partial unique index. Evidence files (佐证材料) may go on a request: evidence_file
gets `extension_request_id` and the request's `task_id`, read with the task.

PostgreSQL: the new table is row-level secured with its task, and evidence_file's read policy
learns the request's files; the policies are frozen here as models/rules/scope.py
row_condition wrote them at this revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0030'
down_revision: str | None = '0029'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNRESTRICTED = 'govgraph_scope_root() IS NULL'
TASKS = 'task_id IN (SELECT govgraph_scope_tasks(govgraph_scope_root()))'
EVIDENCE_BEFORE = (
    'assignment_id IN (SELECT govgraph_scope_own_shares(govgraph_scope_root()))'
    ' OR rectification_id IN (SELECT govgraph_scope_rectifications(govgraph_scope_root()))'
)
EVIDENCE_AFTER = f'{EVIDENCE_BEFORE} OR {TASKS}'
ONE_OWNER_BEFORE = (
    '(progress_report_id IS NOT NULL AND assignment_id IS NOT NULL'
    ' AND rectification_event_id IS NULL AND rectification_id IS NULL)'
    ' OR (progress_report_id IS NULL AND assignment_id IS NULL'
    ' AND rectification_event_id IS NOT NULL AND rectification_id IS NOT NULL)'
)
ONE_OWNER_AFTER = (
    '(progress_report_id IS NOT NULL AND assignment_id IS NOT NULL'
    ' AND rectification_event_id IS NULL AND rectification_id IS NULL'
    ' AND extension_request_id IS NULL AND task_id IS NULL)'
    ' OR (progress_report_id IS NULL AND assignment_id IS NULL'
    ' AND rectification_event_id IS NOT NULL AND rectification_id IS NOT NULL'
    ' AND extension_request_id IS NULL AND task_id IS NULL)'
    ' OR (progress_report_id IS NULL AND assignment_id IS NULL'
    ' AND rectification_event_id IS NULL AND rectification_id IS NULL'
    ' AND extension_request_id IS NOT NULL AND task_id IS NOT NULL)'
)
STATES = ('PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN')


def _policies(table: str, condition: str) -> None:
    for policy in ('govgraph_read', 'govgraph_insert', 'govgraph_update', 'govgraph_delete'):
        op.execute(f'DROP POLICY IF EXISTS {policy} ON {table}')
    op.execute(f'ALTER TABLE {table} ENABLE ROW LEVEL SECURITY')
    op.execute(
        f'CREATE POLICY govgraph_read ON {table} FOR SELECT USING ({UNRESTRICTED} OR {condition})'
    )
    op.execute(f'CREATE POLICY govgraph_insert ON {table} FOR INSERT WITH CHECK ({UNRESTRICTED})')
    op.execute(
        f'CREATE POLICY govgraph_update ON {table} FOR UPDATE'
        f' USING ({UNRESTRICTED}) WITH CHECK ({UNRESTRICTED})'
    )
    op.execute(f'CREATE POLICY govgraph_delete ON {table} FOR DELETE USING ({UNRESTRICTED})')


def upgrade() -> None:
    op.create_table(
        'extension_request',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('task_id', sa.Uuid(), nullable=False),
        sa.Column('assignment_id', sa.Uuid(), nullable=False),
        sa.Column('requested_by_unit_id', sa.Uuid(), nullable=False),
        sa.Column('addressed_to_id', sa.Uuid(), nullable=True),
        sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('current_end', sa.Date(), nullable=True),
        sa.Column('requested_end', sa.Date(), nullable=False),
        sa.Column(
            'status',
            sa.Enum(
                *STATES,
                name='extensionstatus',
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column('decided_by_unit_id', sa.Uuid(), nullable=True),
        sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column('deadline_change_id', sa.Uuid(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['task_id'],
            ['task.id'],
            name=op.f('fk_extension_request_task_id_task'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['assignment_id'],
            ['assignment.id'],
            name=op.f('fk_extension_request_assignment_id_assignment'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['requested_by_unit_id'],
            ['org_unit.id'],
            name=op.f('fk_extension_request_requested_by_unit_id_org_unit'),
        ),
        sa.ForeignKeyConstraint(
            ['addressed_to_id'],
            ['org_unit.id'],
            name=op.f('fk_extension_request_addressed_to_id_org_unit'),
        ),
        sa.ForeignKeyConstraint(
            ['decided_by_unit_id'],
            ['org_unit.id'],
            name=op.f('fk_extension_request_decided_by_unit_id_org_unit'),
        ),
        sa.ForeignKeyConstraint(
            ['deadline_change_id'],
            ['task_deadline_change.id'],
            name=op.f('fk_extension_request_deadline_change_id_task_deadline_change'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_extension_request')),
    )
    with op.batch_alter_table('extension_request') as batch:
        batch.create_index(
            'uq_extension_request_pending',
            ['task_id'],
            unique=True,
            sqlite_where=sa.text("status = 'PENDING'"),
            postgresql_where=sa.text("status = 'PENDING'"),
        )
        batch.create_index('ix_extension_request_task', ['task_id', 'requested_at', 'id'])
        batch.create_index(
            'ix_extension_request_addressed',
            ['addressed_to_id', 'status', 'requested_at', 'id'],
        )
        batch.create_index(
            'ix_extension_request_requested_by',
            ['requested_by_unit_id', 'status', 'requested_at', 'id'],
        )

    with op.batch_alter_table('evidence_file') as batch:
        batch.add_column(sa.Column('extension_request_id', sa.Uuid(), nullable=True))
        batch.add_column(sa.Column('task_id', sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            op.f('fk_evidence_file_extension_request_id_extension_request'),
            'extension_request',
            ['extension_request_id'],
            ['id'],
            ondelete='CASCADE',
        )
        batch.create_foreign_key(
            op.f('fk_evidence_file_task_id_task'), 'task', ['task_id'], ['id'], ondelete='CASCADE'
        )
        batch.drop_constraint(op.f('ck_evidence_file_one_owner'), type_='check')
        batch.create_check_constraint(op.f('ck_evidence_file_one_owner'), ONE_OWNER_AFTER)
        batch.create_index('ix_evidence_file_extension', ['extension_request_id', 'id'])
        batch.create_index(
            'uq_evidence_file_extension_sha256', ['extension_request_id', 'sha256'], unique=True
        )
        batch.create_index(op.f('ix_evidence_file_task_id'), ['task_id'])

    if op.get_bind().dialect.name == 'postgresql':
        _policies('extension_request', TASKS)
        _policies('evidence_file', EVIDENCE_AFTER)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        _policies('evidence_file', EVIDENCE_BEFORE)
        for policy in ('govgraph_read', 'govgraph_insert', 'govgraph_update', 'govgraph_delete'):
            op.execute(f'DROP POLICY IF EXISTS {policy} ON extension_request')
    op.execute('DELETE FROM evidence_file WHERE extension_request_id IS NOT NULL')
    with op.batch_alter_table('evidence_file') as batch:
        batch.drop_index(op.f('ix_evidence_file_task_id'))
        batch.drop_index('uq_evidence_file_extension_sha256')
        batch.drop_index('ix_evidence_file_extension')
        batch.drop_constraint(op.f('ck_evidence_file_one_owner'), type_='check')
        batch.create_check_constraint(op.f('ck_evidence_file_one_owner'), ONE_OWNER_BEFORE)
        batch.drop_constraint(op.f('fk_evidence_file_task_id_task'), type_='foreignkey')
        batch.drop_constraint(
            op.f('fk_evidence_file_extension_request_id_extension_request'), type_='foreignkey'
        )
        batch.drop_column('task_id')
        batch.drop_column('extension_request_id')
    with op.batch_alter_table('extension_request') as batch:
        batch.drop_index('ix_extension_request_requested_by')
        batch.drop_index('ix_extension_request_addressed')
        batch.drop_index('ix_extension_request_task')
        batch.drop_index('uq_extension_request_pending')
    op.drop_table('extension_request')
