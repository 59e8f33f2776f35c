"""evidence files and the escalation inbox

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07

Issue 17, point 2: evidence files (佐证材料) on progress reports and rectification events.
The bytes live in the file storage (GOVGRAPH_STORAGE_URL); this table holds their metadata
and the object whose scope reads them. PostgreSQL: row-level secured like the report (its
share, own_shares) or the rectification; the policy is frozen here as models/rules/scope.py
row_condition wrote it at this revision.

Issue 17, point 4: the 督办 inbox. An escalation gets a state held by the database (ISSUED →
ACKNOWLEDGED → REPLIED → CLOSED; models/rules/escalation_state.py), who signed for and closed
it, and a version; `escalation_reply` keeps the addressee's answers (说明 / 整改承诺), read in
the addressee's scope like the escalation.
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
REPLY_CONDITION = 'addressed_to_id IN (SELECT govgraph_scope_subtree(govgraph_scope_root()))'
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

    op.create_table('escalation_reply',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('escalation_id', sa.Uuid(), nullable=False),
    sa.Column('addressed_to_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('EXPLANATION', 'COMMITMENT', name='escalationreplykind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('promised_by', sa.Date(), nullable=True),
    sa.Column('replied_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('replied_by_unit_id', sa.Uuid(), nullable=True),
    sa.Column('replied_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['addressed_to_id'], ['org_unit.id'], name=op.f('fk_escalation_reply_addressed_to_id_org_unit')),
    sa.ForeignKeyConstraint(['escalation_id'], ['escalation.id'], name=op.f('fk_escalation_reply_escalation_id_escalation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replied_by_unit_id'], ['org_unit.id'], name=op.f('fk_escalation_reply_replied_by_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_reply'))
    )
    with op.batch_alter_table('escalation_reply', schema=None) as batch_op:
        batch_op.create_index('ix_escalation_reply_escalation', ['escalation_id', 'replied_at'], unique=False)

    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum('ISSUED', 'ACKNOWLEDGED', 'REPLIED', 'CLOSED', name='escalationstatus', native_enum=False, create_constraint=True, length=32), server_default='ISSUED', nullable=False))
        batch_op.add_column(sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('closing_note', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_index('ix_escalation_inbox', ['addressed_to_id', 'status', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_escalation_issued_by', ['issued_by_id', 'status', 'created_at', 'id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        # Replies are read where their escalation is: the addressee's subtree.
        op.execute('ALTER TABLE escalation_reply ENABLE ROW LEVEL SECURITY')
        op.execute(
            'CREATE POLICY govgraph_read ON escalation_reply FOR SELECT USING ('
            f'{UNRESTRICTED} OR {REPLY_CONDITION})'
        )
        op.execute(
            f'CREATE POLICY govgraph_insert ON escalation_reply FOR INSERT WITH CHECK ({UNRESTRICTED})'
        )
        op.execute(
            'CREATE POLICY govgraph_update ON escalation_reply FOR UPDATE'
            f' USING ({UNRESTRICTED}) WITH CHECK ({UNRESTRICTED})'
        )
        op.execute(
            f'CREATE POLICY govgraph_delete ON escalation_reply FOR DELETE USING ({UNRESTRICTED})'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in ('evidence_file', 'escalation_reply'):
            for policy in ('govgraph_read', 'govgraph_insert', 'govgraph_update', 'govgraph_delete'):
                op.execute(f'DROP POLICY IF EXISTS {policy} ON {table}')
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_index('ix_escalation_issued_by')
        batch_op.drop_index('ix_escalation_inbox')
        batch_op.drop_column('version')
        batch_op.drop_constraint(batch_op.f('ck_escalation_escalationstatus'), type_='check')
        batch_op.drop_column('closing_note')
        batch_op.drop_column('closed_by')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('acknowledged_by')
        batch_op.drop_column('acknowledged_at')
        batch_op.drop_column('status')
    with op.batch_alter_table('escalation_reply', schema=None) as batch_op:
        batch_op.drop_index('ix_escalation_reply_escalation')
    op.drop_table('escalation_reply')
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.drop_index('uq_evidence_file_report_sha256')
        batch_op.drop_index('uq_evidence_file_event_sha256')
        batch_op.drop_index('ix_evidence_file_report')
        batch_op.drop_index(batch_op.f('ix_evidence_file_rectification_id'))
        batch_op.drop_index('ix_evidence_file_event')
        batch_op.drop_index(batch_op.f('ix_evidence_file_assignment_id'))

    op.drop_table('evidence_file')
