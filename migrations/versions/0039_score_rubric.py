"""考核 rubrics as data: score_rubric and its lines, score_rule

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-07

Issue 17, point 9: a scoring rubric is data (lines of a kind, points, an optional per-item
cap and escalation level); scores per unit and period are computed as of a date from the
status history and escalations (resolvers/score/service.py), never stored.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0039'
down_revision: str | None = '0038'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
KINDS = ('COMPLETED_ON_TIME', 'COMPLETED_LATE', 'OVERDUE_DAY', 'ESCALATION', 'RETURNED_REPORT')
LEVELS = ('REMINDER', 'URGE', 'WARNING_LETTER', 'INTERVIEW', 'PUBLIC_NOTICE')


def upgrade() -> None:
    op.create_table(
        'score_rubric',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('description', sa.String(), nullable=True),
        sa.Column('owner_unit_id', sa.Uuid(), nullable=True),
        sa.Column('created_at', TIMESTAMP, nullable=False),
        sa.Column('updated_at', TIMESTAMP, nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(
            ['owner_unit_id'], ['org_unit.id'], name=op.f('fk_score_rubric_owner_unit_id_org_unit')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_score_rubric')),
        sa.UniqueConstraint('name', name='uq_score_rubric_name'),
    )
    op.create_index(
        op.f('ix_score_rubric_owner_unit_id'), 'score_rubric', ['owner_unit_id'], unique=False
    )
    op.create_table(
        'score_rule',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('rubric_id', sa.Uuid(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column(
            'kind',
            sa.Enum(*KINDS, name='scorerulekind', native_enum=False, create_constraint=True,
                    length=32),
            nullable=False,
        ),
        sa.Column(
            'level',
            sa.Enum(*LEVELS, name='score_rule_level', native_enum=False, create_constraint=True,
                    length=32),
            nullable=True,
        ),
        sa.Column('points', sa.Float(), nullable=False),
        sa.Column('cap', sa.Float(), nullable=True),
        sa.Column('description', sa.String(length=500), nullable=False),
        sa.CheckConstraint('cap IS NULL OR cap > 0', name=op.f('ck_score_rule_cap_positive')),
        sa.CheckConstraint(
            "level IS NULL OR kind = 'ESCALATION'", name=op.f('ck_score_rule_level_on_escalation')
        ),
        sa.ForeignKeyConstraint(
            ['rubric_id'], ['score_rubric.id'], name=op.f('fk_score_rule_rubric_id_score_rubric'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_score_rule')),
        sa.UniqueConstraint('rubric_id', 'seq', name='uq_score_rule_seq'),
    )


def downgrade() -> None:
    op.drop_table('score_rule')
    op.drop_index(op.f('ix_score_rubric_owner_unit_id'), table_name='score_rubric')
    op.drop_table('score_rubric')
