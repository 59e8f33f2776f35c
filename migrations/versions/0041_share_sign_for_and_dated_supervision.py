"""签收 of rectification shares, the 逾期未签收 催办, dated supervision

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-07

Issue 17. `rectification_assignment.assigned_at` (backfilled from its item's creation),
`acknowledged_at/by`: a responsible unit signs for its share (signFor(share:)).
`escalation.cause` (MANUAL / OVERDUE / UNSIGNED; NULL for older rows) and
`escalation.rectification_assignment_id`; partial unique indexes allow one UNSIGNED 催办 per
task share and per rectification share, and each OVERDUE rung once per share (item and
unit), so concurrent `govgraph escalate-overdue` runs issue each once. `score_rule.kind`
admits RECTIFICATION_COMPLETED_ON_TIME / _COMPLETED_LATE / _OVERDUE_DAY (整改考核). `supervision.ended_at/by`: revoking ends a supervision instead of deleting it; the
unique (target, unit) constraints become partial unique indexes over the current rows.
PostgreSQL: the scope functions (which read only current supervisions now) are installed
again from models/rules/scope.py.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from models.rules import scope_rls
from models.rules.scope import DATED_SUPERVISION

revision: str = '0041'
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CAUSES = ('MANUAL', 'OVERDUE', 'UNSIGNED')
KINDS = ('COMPLETED_ON_TIME', 'COMPLETED_LATE', 'OVERDUE_DAY', 'ESCALATION', 'RETURNED_REPORT')
RECTIFICATION_KINDS = (
    'RECTIFICATION_COMPLETED_ON_TIME',
    'RECTIFICATION_COMPLETED_LATE',
    'RECTIFICATION_OVERDUE_DAY',
)


def _kinds_check(kinds: Sequence[str]) -> None:
    """score_rule.kind's CHECK (an enum stored as VARCHAR) with `kinds`."""
    with op.batch_alter_table('score_rule', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_score_rule_scorerulekind'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_score_rule_scorerulekind'), 'kind IN (' + ', '.join(f"'{k}'" for k in kinds) + ')'
        )


def _reinstall_rls(dated: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        schema = str(bind.execute(sa.text('SELECT current_schema()')).scalar_one())
        tables = list(sa.inspect(bind).get_table_names())
        # supervision.ended_at exists from here on (scope.py current_supervision).
        scope_rls.install(op.execute, schema, tables + ([DATED_SUPERVISION] if dated else []))


def upgrade() -> None:
    with op.batch_alter_table('rectification_assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('acknowledged_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
    op.execute(
        'UPDATE rectification_assignment SET assigned_at = (SELECT r.created_at FROM'
        ' rectification r WHERE r.id = rectification_assignment.rectification_id)'
    )

    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rectification_assignment_id', sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column(
                'cause',
                sa.Enum(*CAUSES, name='escalationcause', native_enum=False, create_constraint=True, length=32),
                nullable=True,
            )
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_escalation_rectification_assignment_id_rectification_assignment'),
            'rectification_assignment',
            ['rectification_assignment_id'],
            ['id'],
            ondelete='CASCADE',
        )
        batch_op.create_index(
            'ux_escalation_unsigned_assignment',
            ['assignment_id'],
            unique=True,
            sqlite_where=sa.text("cause = 'UNSIGNED' AND assignment_id IS NOT NULL"),
            postgresql_where=sa.text("cause = 'UNSIGNED' AND assignment_id IS NOT NULL"),
        )
        batch_op.create_index(
            'ux_escalation_overdue_assignment',
            ['assignment_id', 'level'],
            unique=True,
            sqlite_where=sa.text("cause = 'OVERDUE' AND assignment_id IS NOT NULL"),
            postgresql_where=sa.text("cause = 'OVERDUE' AND assignment_id IS NOT NULL"),
        )
        batch_op.create_index(
            'ux_escalation_overdue_rectification',
            ['rectification_id', 'addressed_to_id', 'level'],
            unique=True,
            sqlite_where=sa.text("cause = 'OVERDUE' AND rectification_id IS NOT NULL"),
            postgresql_where=sa.text("cause = 'OVERDUE' AND rectification_id IS NOT NULL"),
        )
        batch_op.create_index(
            'ux_escalation_unsigned_share',
            ['rectification_assignment_id'],
            unique=True,
            sqlite_where=sa.text("cause = 'UNSIGNED' AND rectification_assignment_id IS NOT NULL"),
            postgresql_where=sa.text(
                "cause = 'UNSIGNED' AND rectification_assignment_id IS NOT NULL"
            ),
        )

    with op.batch_alter_table('supervision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('ended_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
        batch_op.drop_constraint('uq_supervision_plan_id_org_unit_id', type_='unique')
        batch_op.drop_constraint('uq_supervision_inspection_id_org_unit_id', type_='unique')
        batch_op.create_index(
            'ux_supervision_plan_current',
            ['plan_id', 'org_unit_id'],
            unique=True,
            sqlite_where=sa.text('ended_at IS NULL AND plan_id IS NOT NULL'),
            postgresql_where=sa.text('ended_at IS NULL AND plan_id IS NOT NULL'),
        )
        batch_op.create_index(
            'ux_supervision_inspection_current',
            ['inspection_id', 'org_unit_id'],
            unique=True,
            sqlite_where=sa.text('ended_at IS NULL AND inspection_id IS NOT NULL'),
            postgresql_where=sa.text('ended_at IS NULL AND inspection_id IS NOT NULL'),
        )
    # 整改考核: three rubric line kinds for rectification shares.
    _kinds_check(KINDS + RECTIFICATION_KINDS)
    _reinstall_rls(dated=True)


def downgrade() -> None:
    op.execute(
        'DELETE FROM score_rule WHERE kind IN ('
        + ', '.join(f"'{k}'" for k in RECTIFICATION_KINDS)
        + ')'
    )
    _kinds_check(KINDS)
    # Ended supervisions did not exist before: they go (the audit log keeps them).
    op.execute('DELETE FROM supervision WHERE ended_at IS NOT NULL')
    # Indexes first, in their own batches: SQLite's copy of a table keeps an index whose
    # WHERE names a column the same batch drops.
    with op.batch_alter_table('supervision', schema=None) as batch_op:
        batch_op.drop_index('ux_supervision_inspection_current')
        batch_op.drop_index('ux_supervision_plan_current')
    with op.batch_alter_table('supervision', schema=None) as batch_op:
        batch_op.create_unique_constraint(
            'uq_supervision_inspection_id_org_unit_id', ['inspection_id', 'org_unit_id']
        )
        batch_op.create_unique_constraint('uq_supervision_plan_id_org_unit_id', ['plan_id', 'org_unit_id'])
        batch_op.drop_column('ended_by')
        batch_op.drop_column('ended_at')
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_index('ux_escalation_unsigned_share')
        batch_op.drop_index('ux_escalation_unsigned_assignment')
        batch_op.drop_index('ux_escalation_overdue_rectification')
        batch_op.drop_index('ux_escalation_overdue_assignment')
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_escalation_rectification_assignment_id_rectification_assignment'),
            type_='foreignkey',
        )
        batch_op.drop_constraint(batch_op.f('ck_escalation_escalationcause'), type_='check')
        batch_op.drop_column('cause')
        batch_op.drop_column('rectification_assignment_id')
    with op.batch_alter_table('rectification_assignment', schema=None) as batch_op:
        batch_op.drop_column('acknowledged_by')
        batch_op.drop_column('acknowledged_at')
        batch_op.drop_column('assigned_at')
    _reinstall_rls(dated=False)
