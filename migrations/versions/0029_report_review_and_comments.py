"""report review and comments

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07

Issue 17, point 1: report review (审核 / 退回). A plan's policy says which reports of its
tasks wait for review (`plan.report_review`: NONE, the default, so existing plans keep
counting every report when made); a progress report gets its review state (NOT_REQUIRED for
every existing report), who reviewed it, when and why, and a version for expectedVersion
(models/rules/report_review.py).

Issue 17, point 7: comments and 批示 on tasks, rectifications and progress reports
(`comment`). PostgreSQL: row-level secured like its target; the policy is frozen here as
models/rules/scope.py row_condition wrote it at this revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0029'
down_revision: str | None = '0028'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNRESTRICTED = 'govgraph_scope_root() IS NULL'
READ_CONDITION = (
    'task_id IN (SELECT govgraph_scope_tasks(govgraph_scope_root()))'
    ' OR rectification_id IN (SELECT govgraph_scope_rectifications(govgraph_scope_root()))'
    ' OR assignment_id IN (SELECT govgraph_scope_own_shares(govgraph_scope_root()))'
)


def upgrade() -> None:
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_review', sa.Enum('NONE', 'FINAL', 'ALL', name='reportreviewpolicy', native_enum=False, create_constraint=True, length=32), server_default='NONE', nullable=False))

    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_state', sa.Enum('NOT_REQUIRED', 'SUBMITTED', 'ACCEPTED', 'RETURNED', name='reportreviewstate', native_enum=False, create_constraint=True, length=32), server_default='NOT_REQUIRED', nullable=False))
        batch_op.add_column(sa.Column('review_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by_unit_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_progress_report_reviewed_by_unit_id_org_unit'), 'org_unit', ['reviewed_by_unit_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_progress_report_reviewed_when'), "review_state NOT IN ('ACCEPTED', 'RETURNED') OR reviewed_at IS NOT NULL")
        batch_op.create_index('ix_progress_report_review', ['review_state', 'reported_at', 'id'], unique=False)

    op.create_table('comment',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('task_id', sa.Uuid(), nullable=True),
    sa.Column('rectification_id', sa.Uuid(), nullable=True),
    sa.Column('progress_report_id', sa.Uuid(), nullable=True),
    sa.Column('assignment_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sa.Enum('COMMENT', 'INSTRUCTION', name='commentkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('author', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('author_unit_id', sa.Uuid(), nullable=False),
    sa.Column('author_role', sa.Enum('VIEWER', 'REPORTER', 'COORDINATOR', 'ADMIN', name='author_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(task_id IS NOT NULL AND rectification_id IS NULL AND progress_report_id IS NULL AND assignment_id IS NULL) OR (task_id IS NULL AND rectification_id IS NOT NULL AND progress_report_id IS NULL AND assignment_id IS NULL) OR (task_id IS NULL AND rectification_id IS NULL AND progress_report_id IS NOT NULL AND assignment_id IS NOT NULL)', name=op.f('ck_comment_one_target')),
    sa.CheckConstraint('length(body) > 0', name=op.f('ck_comment_body_not_empty')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_comment_assignment_id_assignment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_unit_id'], ['org_unit.id'], name=op.f('fk_comment_author_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['progress_report_id'], ['progress_report.id'], name=op.f('fk_comment_progress_report_id_progress_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rectification_id'], ['rectification.id'], name=op.f('fk_comment_rectification_id_rectification'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_comment_task_id_task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment'))
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index('ix_comment_assignment', ['assignment_id'], unique=False)
        batch_op.create_index('ix_comment_rectification', ['rectification_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_comment_report', ['progress_report_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_comment_task', ['task_id', 'created_at', 'id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE comment ENABLE ROW LEVEL SECURITY')
        op.execute(
            'CREATE POLICY govgraph_read ON comment FOR SELECT USING ('
            f'{UNRESTRICTED} OR {READ_CONDITION})'
        )
        op.execute(
            f'CREATE POLICY govgraph_insert ON comment FOR INSERT WITH CHECK ({UNRESTRICTED})'
        )
        op.execute(
            'CREATE POLICY govgraph_update ON comment FOR UPDATE'
            f' USING ({UNRESTRICTED}) WITH CHECK ({UNRESTRICTED})'
        )
        op.execute(
            f'CREATE POLICY govgraph_delete ON comment FOR DELETE USING ({UNRESTRICTED})'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for policy in ('govgraph_read', 'govgraph_insert', 'govgraph_update', 'govgraph_delete'):
            op.execute(f'DROP POLICY IF EXISTS {policy} ON comment')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_task')
        batch_op.drop_index('ix_comment_report')
        batch_op.drop_index('ix_comment_rectification')
        batch_op.drop_index('ix_comment_assignment')
    op.drop_table('comment')
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.drop_index('ix_progress_report_review')
        batch_op.drop_constraint(batch_op.f('ck_progress_report_reviewed_when'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_progress_report_reviewed_by_unit_id_org_unit'), type_='foreignkey')
        batch_op.drop_column('version')
        batch_op.drop_column('reviewed_by_unit_id')
        batch_op.drop_column('reviewed_by')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('review_reason')
        batch_op.drop_constraint(batch_op.f('ck_progress_report_reportreviewstate'), type_='check')
        batch_op.drop_column('review_state')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_plan_reportreviewpolicy'), type_='check')
        batch_op.drop_column('report_review')
