"""evidence files

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07

Issue 17, point 2: evidence files (佐证材料) on progress reports and rectification events.
The bytes live in the file storage (GOVGRAPH_STORAGE_URL); this table holds their metadata
and the object whose scope reads them. PostgreSQL: row-level secured like the report (its
share, own_shares) or the rectification; the policy is frozen here as models/rules/scope.py
row_condition wrote it at this revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0027'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNRESTRICTED = 'govgraph_scope_root() IS NULL'
READ_CONDITION = (
    'assignment_id IN (SELECT govgraph_scope_own_shares(govgraph_scope_root()))'
    ' OR rectification_id IN (SELECT govgraph_scope_rectifications(govgraph_scope_root()))'
)


def upgrade() -> None:
    op.create_table('evidence_file',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('progress_report_id', sa.Uuid(), nullable=True),
    sa.Column('assignment_id', sa.Uuid(), nullable=True),
    sa.Column('rectification_event_id', sa.Uuid(), nullable=True),
    sa.Column('rectification_id', sa.Uuid(), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('caption', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('storage_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('uploaded_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('uploaded_by_unit_id', sa.Uuid(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(progress_report_id IS NOT NULL AND assignment_id IS NOT NULL AND rectification_event_id IS NULL AND rectification_id IS NULL) OR (progress_report_id IS NULL AND assignment_id IS NULL AND rectification_event_id IS NOT NULL AND rectification_id IS NOT NULL)', name=op.f('ck_evidence_file_one_owner')),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_evidence_file_sha256')),
    sa.CheckConstraint('size > 0', name=op.f('ck_evidence_file_size')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_evidence_file_assignment_id_assignment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['progress_report_id'], ['progress_report.id'], name=op.f('fk_evidence_file_progress_report_id_progress_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rectification_event_id'], ['rectification_event.id'], name=op.f('fk_evidence_file_rectification_event_id_rectification_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rectification_id'], ['rectification.id'], name=op.f('fk_evidence_file_rectification_id_rectification'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_unit_id'], ['org_unit.id'], name=op.f('fk_evidence_file_uploaded_by_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_file'))
    )
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_file_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index('ix_evidence_file_event', ['rectification_event_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_file_rectification_id'), ['rectification_id'], unique=False)
        batch_op.create_index('ix_evidence_file_report', ['progress_report_id', 'id'], unique=False)
        batch_op.create_index('uq_evidence_file_event_sha256', ['rectification_event_id', 'sha256'], unique=True)
        batch_op.create_index('uq_evidence_file_report_sha256', ['progress_report_id', 'sha256'], unique=True)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE evidence_file ENABLE ROW LEVEL SECURITY')
        op.execute(
            'CREATE POLICY govgraph_read ON evidence_file FOR SELECT USING ('
            f'{UNRESTRICTED} OR {READ_CONDITION})'
        )
        op.execute(
            f'CREATE POLICY govgraph_insert ON evidence_file FOR INSERT WITH CHECK ({UNRESTRICTED})'
        )
        op.execute(
            'CREATE POLICY govgraph_update ON evidence_file FOR UPDATE'
            f' USING ({UNRESTRICTED}) WITH CHECK ({UNRESTRICTED})'
        )
        op.execute(
            f'CREATE POLICY govgraph_delete ON evidence_file FOR DELETE USING ({UNRESTRICTED})'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for policy in ('govgraph_read', 'govgraph_insert', 'govgraph_update', 'govgraph_delete'):
            op.execute(f'DROP POLICY IF EXISTS {policy} ON evidence_file')
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.drop_index('uq_evidence_file_report_sha256')
        batch_op.drop_index('uq_evidence_file_event_sha256')
        batch_op.drop_index('ix_evidence_file_report')
        batch_op.drop_index(batch_op.f('ix_evidence_file_rectification_id'))
        batch_op.drop_index('ix_evidence_file_event')
        batch_op.drop_index(batch_op.f('ix_evidence_file_assignment_id'))

    op.drop_table('evidence_file')
