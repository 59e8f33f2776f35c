"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('indicator',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
    sa.Column('direction', sa.Enum('LOWER_IS_BETTER', 'HIGHER_IS_BETTER', name='indicatordirection', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('kind', sa.Enum('NUMERIC', 'WATER_CLASS', name='indicatorkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator')),
    sa.UniqueConstraint('code', name=op.f('uq_indicator_code'))
    )
    op.create_table('org_unit',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sa.Enum('PROVINCE', 'CITY', 'DISTRICT', 'TOWN', 'DEPARTMENT', 'ENTERPRISE', 'INSPECTION_TEAM', 'OTHER', name='orgunitkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('parent_id', sa.Uuid(), nullable=True),
    sa.Column('line_parent_id', sa.Uuid(), nullable=True),
    sa.Column('path', sa.String(length=2000).with_variant(sa.String(length=2000, collation='C'), 'postgresql'), nullable=False),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('remarks', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['line_parent_id'], ['org_unit.id'], name=op.f('fk_org_unit_line_parent_id_org_unit')),
    sa.ForeignKeyConstraint(['parent_id'], ['org_unit.id'], name=op.f('fk_org_unit_parent_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_unit')),
    sa.UniqueConstraint('code', name=op.f('uq_org_unit_code')),
    sa.UniqueConstraint('name', name=op.f('uq_org_unit_name'))
    )
    with op.batch_alter_table('org_unit', schema=None) as batch_op:
        batch_op.create_index('ix_org_unit_kind_parent', ['kind', 'parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_org_unit_line_parent_id'), ['line_parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_org_unit_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index('ix_org_unit_parent_id_sort', ['parent_id', 'sort_order', 'id'], unique=False)
        batch_op.create_index('ix_org_unit_path', ['path'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('actor_unit_id', sa.Uuid(), nullable=True),
    sa.Column('scope_unit_id', sa.Uuid(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('target_type', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('target_id', sa.Uuid(), nullable=True),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.ForeignKeyConstraint(['actor_unit_id'], ['org_unit.id'], name=op.f('fk_audit_event_actor_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['scope_unit_id'], ['org_unit.id'], name=op.f('fk_audit_event_scope_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_occurred_at', ['occurred_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_scope_unit_id'), ['scope_unit_id'], unique=False)
        batch_op.create_index('ix_audit_event_target', ['target_type', 'target_id'], unique=False)

    op.create_table('document',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('doc_number', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('doc_number_normalized', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sa.Enum('NOTICE', 'RECTIFICATION_PLAN', 'PROPOSAL_REPLY', 'NEWS', 'OTHER', name='documentkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('issuer_id', sa.Uuid(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('based_on', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('attributes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('remarks', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['issuer_id'], ['org_unit.id'], name=op.f('fk_document_issuer_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index('ix_document_doc_number_normalized', ['doc_number_normalized'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_issuer_id'), ['issuer_id'], unique=False)

    op.create_table('monitoring_section',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('org_unit_id', sa.Uuid(), nullable=False),
    sa.Column('river', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('assessment_level', sa.Enum('NATIONAL', 'PROVINCIAL', 'MUNICIPAL', 'COUNTY', name='assessmentlevel', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('target_text', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('remarks', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_monitoring_section_org_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_section'))
    )
    with op.batch_alter_table('monitoring_section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_section_org_unit_id'), ['org_unit_id'], unique=False)

    op.create_table('org_unit_alias',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_unit_id', sa.Uuid(), nullable=False),
    sa.Column('alias', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('normalized', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_org_unit_alias_org_unit_id_org_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_unit_alias')),
    sa.UniqueConstraint('org_unit_id', 'normalized', name=op.f('uq_org_unit_alias_org_unit_id_normalized'))
    )
    with op.batch_alter_table('org_unit_alias', schema=None) as batch_op:
        batch_op.create_index('ix_org_unit_alias_normalized', ['normalized'], unique=False)

    op.create_table('org_unit_closure',
    sa.Column('ancestor_id', sa.Uuid(), nullable=False),
    sa.Column('descendant_id', sa.Uuid(), nullable=False),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ancestor_id'], ['org_unit.id'], name=op.f('fk_org_unit_closure_ancestor_id_org_unit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['descendant_id'], ['org_unit.id'], name=op.f('fk_org_unit_closure_descendant_id_org_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ancestor_id', 'descendant_id', name=op.f('pk_org_unit_closure'))
    )
    with op.batch_alter_table('org_unit_closure', schema=None) as batch_op:
        batch_op.create_index('ix_org_unit_closure_descendant', ['descendant_id', 'ancestor_id'], unique=False)

    op.create_table('inspection',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('inspector_id', sa.Uuid(), nullable=True),
    sa.Column('subject_unit_id', sa.Uuid(), nullable=True),
    sa.Column('sunk_unit_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('on_site_from', sa.Date(), nullable=True),
    sa.Column('on_site_to', sa.Date(), nullable=True),
    sa.Column('feedback_on', sa.Date(), nullable=True),
    sa.Column('document_id', sa.Uuid(), nullable=True),
    sa.Column('remarks', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_inspection_document_id_document')),
    sa.ForeignKeyConstraint(['inspector_id'], ['org_unit.id'], name=op.f('fk_inspection_inspector_id_org_unit')),
    sa.ForeignKeyConstraint(['subject_unit_id'], ['org_unit.id'], name=op.f('fk_inspection_subject_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection'))
    )
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_inspector_id'), ['inspector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_subject_unit_id'), ['subject_unit_id'], unique=False)

    op.create_table('measurement',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('indicator_id', sa.Uuid(), nullable=False),
    sa.Column('org_unit_id', sa.Uuid(), nullable=True),
    sa.Column('section_id', sa.Uuid(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=True),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('document_id', sa.Uuid(), nullable=True),
    sa.Column('remarks', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('month IS NULL OR (month >= 1 AND month <= 12)', name=op.f('ck_measurement_month_range')),
    sa.CheckConstraint('org_unit_id IS NOT NULL OR section_id IS NOT NULL', name=op.f('ck_measurement_unit_or_section')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_measurement_document_id_document')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_measurement_indicator_id_indicator')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_measurement_org_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['section_id'], ['monitoring_section.id'], name=op.f('fk_measurement_section_id_monitoring_section')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measurement'))
    )
    with op.batch_alter_table('measurement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measurement_document_id'), ['document_id'], unique=False)
        batch_op.create_index('ix_measurement_indicator_year', ['indicator_id', 'year', 'month'], unique=False)
        batch_op.create_index(batch_op.f('ix_measurement_section_id'), ['section_id'], unique=False)
        batch_op.create_index('ix_measurement_unit_year', ['org_unit_id', 'indicator_id', 'year', 'month'], unique=False)

    op.create_table('plan',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('parent_id', sa.Uuid(), nullable=True),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sa.Enum('ACTION_PLAN', 'PROJECT_LIST', 'OTHER', name='plankind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('field', sa.Enum('AIR', 'WATER', 'SOIL', 'ECOLOGY', 'OTHER', name='planfield', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('objectives', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('narrative', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_plan_document_id_document')),
    sa.ForeignKeyConstraint(['parent_id'], ['plan.id'], name=op.f('fk_plan_parent_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan'))
    )
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.create_index('ix_plan_document_seq', ['document_id', 'seq', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_parent_id'), ['parent_id'], unique=False)

    op.create_table('proposal',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('session', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('proposer', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('handling_unit_id', sa.Uuid(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('reply_category', sa.Enum('A', 'B', 'C', name='replycategory', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('reply_document_id', sa.Uuid(), nullable=True),
    sa.Column('reply_text', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('replied_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['handling_unit_id'], ['org_unit.id'], name=op.f('fk_proposal_handling_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['reply_document_id'], ['document.id'], name=op.f('fk_proposal_reply_document_id_document')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal')),
    sa.UniqueConstraint('code', name=op.f('uq_proposal_code'))
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_handling_unit_id'), ['handling_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_reply_document_id'), ['reply_document_id'], unique=False)

    op.create_table('target',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('indicator_id', sa.Uuid(), nullable=False),
    sa.Column('org_unit_id', sa.Uuid(), nullable=True),
    sa.Column('section_id', sa.Uuid(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('BINDING', 'PRE_CONTROL', 'STRIVING', name='targetkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('value_text', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('baseline', sa.Float(), nullable=True),
    sa.Column('baseline_year', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Uuid(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('remarks', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('month IS NULL OR (month >= 1 AND month <= 12)', name=op.f('ck_target_month_range')),
    sa.CheckConstraint('org_unit_id IS NOT NULL OR section_id IS NOT NULL', name=op.f('ck_target_unit_or_section')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_target_document_id_document')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_target_indicator_id_indicator')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_target_org_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['section_id'], ['monitoring_section.id'], name=op.f('fk_target_section_id_monitoring_section')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target'))
    )
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_document_id'), ['document_id'], unique=False)
        batch_op.create_index('ix_target_indicator_year', ['indicator_id', 'year', 'month'], unique=False)
        batch_op.create_index(batch_op.f('ix_target_section_id'), ['section_id'], unique=False)
        batch_op.create_index('ix_target_unit_year', ['org_unit_id', 'year', 'month'], unique=False)

    op.create_table('finding',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('inspection_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('section', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('subsection', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_finding_inspection_id_inspection')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding')),
    sa.UniqueConstraint('inspection_id', 'number', name=op.f('uq_finding_inspection_id_number'))
    )
    op.create_table('rectification',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('inspection_id', sa.Uuid(), nullable=False),
    sa.Column('document_id', sa.Uuid(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('problem', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('goal', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('measures', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('responsibility_text', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('responsible_persons', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('deadline_kind', sa.Enum('BY_DATE', 'FROM_DATE', 'PERIOD', 'ONGOING', 'UNSPECIFIED', name='deadlinekind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('deadline_start', sa.Date(), nullable=True),
    sa.Column('deadline_end', sa.Date(), nullable=True),
    sa.Column('deadline_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sa.Enum('NOT_STARTED', 'IN_PROGRESS', 'COMPLETED', 'VERIFIED', 'CLOSED', 'REOPENED', name='rectificationstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_rectification_document_id_document')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_rectification_inspection_id_inspection')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification')),
    sa.UniqueConstraint('inspection_id', 'document_id', 'seq', name=op.f('uq_rectification_inspection_id_document_id_seq'))
    )
    with op.batch_alter_table('rectification', schema=None) as batch_op:
        batch_op.create_index('ix_rectification_deadline_end', ['deadline_end', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index('ix_rectification_status', ['status', 'id'], unique=False)

    op.create_table('task',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('parent_id', sa.Uuid(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('remarks', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('responsibility_text', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('deadline_kind', sa.Enum('BY_DATE', 'FROM_DATE', 'PERIOD', 'ONGOING', 'UNSPECIFIED', name='deadlinekind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('deadline_start', sa.Date(), nullable=True),
    sa.Column('deadline_end', sa.Date(), nullable=True),
    sa.Column('deadline_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('status', sa.Enum('NOT_STARTED', 'IN_PROGRESS', 'COMPLETED', name='taskstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_task_progress_range')),
    sa.CheckConstraint('weight >= 0', name=op.f('ck_task_weight_nonnegative')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_task_document_id_document')),
    sa.ForeignKeyConstraint(['parent_id'], ['task.id'], name=op.f('fk_task_parent_id_task')),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_task_plan_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task')),
    sa.UniqueConstraint('code', name=op.f('uq_task_code'))
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index('ix_task_deadline_end', ['deadline_end', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index('ix_task_plan_seq', ['plan_id', 'seq', 'id'], unique=False)
        batch_op.create_index('ix_task_status', ['status', 'id'], unique=False)
        batch_op.create_index('ix_task_updated_at', ['updated_at', 'id'], unique=False)

    op.create_table('assignment',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('task_id', sa.Uuid(), nullable=False),
    sa.Column('org_unit_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.Enum('LEAD', 'COOPERATING', name='assignmentrole', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('via_group', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('status', sa.Enum('NOT_STARTED', 'IN_PROGRESS', 'COMPLETED', name='taskstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('last_reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_assignment_progress_range')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_assignment_org_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_assignment_task_id_task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment')),
    sa.UniqueConstraint('task_id', 'org_unit_id', 'role', name=op.f('uq_assignment_task_id_org_unit_id_role'))
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index('ix_assignment_task_role', ['task_id', 'role'], unique=False)
        batch_op.create_index('ix_assignment_unit_role_task', ['org_unit_id', 'role', 'task_id'], unique=False)

    op.create_table('rectification_assignment',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('rectification_id', sa.Uuid(), nullable=False),
    sa.Column('org_unit_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.Enum('LEAD', 'COOPERATING', name='assignmentrole', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('via_group', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_rectification_assignment_org_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['rectification_id'], ['rectification.id'], name=op.f('fk_rectification_assignment_rectification_id_rectification'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_assignment')),
    sa.UniqueConstraint('rectification_id', 'org_unit_id', 'role', name=op.f('uq_rectification_assignment_rectification_id_org_unit_id_role'))
    )
    with op.batch_alter_table('rectification_assignment', schema=None) as batch_op:
        batch_op.create_index('ix_rectification_assignment_unit', ['org_unit_id', 'role', 'rectification_id'], unique=False)

    op.create_table('rectification_event',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('rectification_id', sa.Uuid(), nullable=False),
    sa.Column('from_status', sa.Enum('NOT_STARTED', 'IN_PROGRESS', 'COMPLETED', 'VERIFIED', 'CLOSED', 'REOPENED', name='from_status', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('to_status', sa.Enum('NOT_STARTED', 'IN_PROGRESS', 'COMPLETED', 'VERIFIED', 'CLOSED', 'REOPENED', name='to_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('actor_unit_id', sa.Uuid(), nullable=True),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('evidence', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['actor_unit_id'], ['org_unit.id'], name=op.f('fk_rectification_event_actor_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['rectification_id'], ['rectification.id'], name=op.f('fk_rectification_event_rectification_id_rectification'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_event'))
    )
    with op.batch_alter_table('rectification_event', schema=None) as batch_op:
        batch_op.create_index('ix_rectification_event_rectification_time', ['rectification_id', 'occurred_at'], unique=False)

    op.create_table('rectification_finding',
    sa.Column('rectification_id', sa.Uuid(), nullable=False),
    sa.Column('finding_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], name=op.f('fk_rectification_finding_finding_id_finding'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rectification_id'], ['rectification.id'], name=op.f('fk_rectification_finding_rectification_id_rectification'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rectification_id', 'finding_id', name=op.f('pk_rectification_finding'))
    )
    with op.batch_alter_table('rectification_finding', schema=None) as batch_op:
        batch_op.create_index('ix_rectification_finding_finding', ['finding_id'], unique=False)

    op.create_table('escalation',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('level', sa.Enum('REMINDER', 'URGE', 'WARNING_LETTER', 'INTERVIEW', 'PUBLIC_NOTICE', name='escalationlevel', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('task_id', sa.Uuid(), nullable=True),
    sa.Column('assignment_id', sa.Uuid(), nullable=True),
    sa.Column('rectification_id', sa.Uuid(), nullable=True),
    sa.Column('issued_by_id', sa.Uuid(), nullable=False),
    sa.Column('addressed_to_id', sa.Uuid(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('task_id IS NOT NULL OR rectification_id IS NOT NULL', name=op.f('ck_escalation_task_or_rectification')),
    sa.ForeignKeyConstraint(['addressed_to_id'], ['org_unit.id'], name=op.f('fk_escalation_addressed_to_id_org_unit')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_escalation_assignment_id_assignment')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['org_unit.id'], name=op.f('fk_escalation_issued_by_id_org_unit')),
    sa.ForeignKeyConstraint(['rectification_id'], ['rectification.id'], name=op.f('fk_escalation_rectification_id_rectification')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_escalation_task_id_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation'))
    )
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.create_index('ix_escalation_addressed_to', ['addressed_to_id', 'issued_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_escalation_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_escalation_rectification_id'), ['rectification_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_escalation_task_id'), ['task_id'], unique=False)

    op.create_table('progress_report',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('assignment_id', sa.Uuid(), nullable=False),
    sa.Column('reported_by_unit_id', sa.Uuid(), nullable=True),
    sa.Column('reported_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('percent', sa.Float(), nullable=False),
    sa.Column('status', sa.Enum('NOT_STARTED', 'IN_PROGRESS', 'COMPLETED', name='taskstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('narrative', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('evidence', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('percent >= 0 AND percent <= 100', name=op.f('ck_progress_report_percent_range')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_progress_report_assignment_id_assignment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by_unit_id'], ['org_unit.id'], name=op.f('fk_progress_report_reported_by_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_report'))
    )
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.create_index('ix_progress_report_assignment_time', ['assignment_id', 'reported_at', 'id'], unique=False)

    op.create_table('assignment_status_event',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('assignment_id', sa.Uuid(), nullable=False),
    sa.Column('report_id', sa.Uuid(), nullable=True),
    sa.Column('effective_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('NOT_STARTED', 'IN_PROGRESS', 'COMPLETED', name='taskstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_assignment_status_event_assignment_id_assignment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['progress_report.id'], name=op.f('fk_assignment_status_event_report_id_progress_report')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_status_event'))
    )
    with op.batch_alter_table('assignment_status_event', schema=None) as batch_op:
        batch_op.create_index('ix_assignment_status_event_assignment_time', ['assignment_id', 'effective_at'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('assignment_status_event', schema=None) as batch_op:
        batch_op.drop_index('ix_assignment_status_event_assignment_time')

    op.drop_table('assignment_status_event')
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.drop_index('ix_progress_report_assignment_time')

    op.drop_table('progress_report')
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalation_task_id'))
        batch_op.drop_index(batch_op.f('ix_escalation_rectification_id'))
        batch_op.drop_index(batch_op.f('ix_escalation_assignment_id'))
        batch_op.drop_index('ix_escalation_addressed_to')

    op.drop_table('escalation')
    with op.batch_alter_table('rectification_finding', schema=None) as batch_op:
        batch_op.drop_index('ix_rectification_finding_finding')

    op.drop_table('rectification_finding')
    with op.batch_alter_table('rectification_event', schema=None) as batch_op:
        batch_op.drop_index('ix_rectification_event_rectification_time')

    op.drop_table('rectification_event')
    with op.batch_alter_table('rectification_assignment', schema=None) as batch_op:
        batch_op.drop_index('ix_rectification_assignment_unit')

    op.drop_table('rectification_assignment')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index('ix_assignment_unit_role_task')
        batch_op.drop_index('ix_assignment_task_role')

    op.drop_table('assignment')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_updated_at')
        batch_op.drop_index('ix_task_status')
        batch_op.drop_index('ix_task_plan_seq')
        batch_op.drop_index(batch_op.f('ix_task_parent_id'))
        batch_op.drop_index(batch_op.f('ix_task_document_id'))
        batch_op.drop_index('ix_task_deadline_end')

    op.drop_table('task')
    with op.batch_alter_table('rectification', schema=None) as batch_op:
        batch_op.drop_index('ix_rectification_status')
        batch_op.drop_index(batch_op.f('ix_rectification_inspection_id'))
        batch_op.drop_index(batch_op.f('ix_rectification_document_id'))
        batch_op.drop_index('ix_rectification_deadline_end')

    op.drop_table('rectification')
    op.drop_table('finding')
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_index('ix_target_unit_year')
        batch_op.drop_index(batch_op.f('ix_target_section_id'))
        batch_op.drop_index('ix_target_indicator_year')
        batch_op.drop_index(batch_op.f('ix_target_document_id'))

    op.drop_table('target')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_reply_document_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_handling_unit_id'))

    op.drop_table('proposal')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_parent_id'))
        batch_op.drop_index('ix_plan_document_seq')

    op.drop_table('plan')
    with op.batch_alter_table('measurement', schema=None) as batch_op:
        batch_op.drop_index('ix_measurement_unit_year')
        batch_op.drop_index(batch_op.f('ix_measurement_section_id'))
        batch_op.drop_index('ix_measurement_indicator_year')
        batch_op.drop_index(batch_op.f('ix_measurement_document_id'))

    op.drop_table('measurement')
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_subject_unit_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_inspector_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_document_id'))

    op.drop_table('inspection')
    with op.batch_alter_table('org_unit_closure', schema=None) as batch_op:
        batch_op.drop_index('ix_org_unit_closure_descendant')

    op.drop_table('org_unit_closure')
    with op.batch_alter_table('org_unit_alias', schema=None) as batch_op:
        batch_op.drop_index('ix_org_unit_alias_normalized')

    op.drop_table('org_unit_alias')
    with op.batch_alter_table('monitoring_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoring_section_org_unit_id'))

    op.drop_table('monitoring_section')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_issuer_id'))
        batch_op.drop_index('ix_document_doc_number_normalized')

    op.drop_table('document')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_target')
        batch_op.drop_index(batch_op.f('ix_audit_event_scope_unit_id'))
        batch_op.drop_index('ix_audit_event_occurred_at')

    op.drop_table('audit_event')
    with op.batch_alter_table('org_unit', schema=None) as batch_op:
        batch_op.drop_index('ix_org_unit_path')
        batch_op.drop_index('ix_org_unit_parent_id_sort')
        batch_op.drop_index(batch_op.f('ix_org_unit_parent_id'))
        batch_op.drop_index(batch_op.f('ix_org_unit_line_parent_id'))
        batch_op.drop_index('ix_org_unit_kind_parent')

    op.drop_table('org_unit')
    op.drop_table('indicator')

