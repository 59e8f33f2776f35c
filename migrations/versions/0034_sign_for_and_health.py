"""签收 and 亮灯: assignment sign-for, per-plan sign-for days and health tolerance

Revision ID: 0034
Revises: 0032
Create Date: 2026-12-07

Issue 17, point 8. `assignment.acknowledged_at/by`: when the assigned unit signed for its
share (签收; signFor). `plan.sign_within_days` (default 3 calendar days): how long a unit has
to sign for a new task of the plan before it shows as unsigned and late. `plan.health_tolerance`
(default 10 points): how far below the pro-rata expected progress (序时进度) a task still shows
green (models/rules/health.py). No new table: row-level security is unchanged.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0034'
down_revision: str | None = '0032'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('assignment') as batch:
        batch.add_column(sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column('acknowledged_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
    with op.batch_alter_table('plan') as batch:
        batch.add_column(
            sa.Column('health_tolerance', sa.Float(), server_default='10', nullable=False)
        )
        batch.add_column(
            sa.Column('sign_within_days', sa.Integer(), server_default='3', nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('plan') as batch:
        batch.drop_column('sign_within_days')
        batch.drop_column('health_tolerance')
    with op.batch_alter_table('assignment') as batch:
        batch.drop_column('acknowledged_by')
        batch.drop_column('acknowledged_at')
