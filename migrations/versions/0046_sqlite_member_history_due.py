"""SQLite: a unit's members overdue or due soon on a past day as a covering index read

Revision ID: 0046
Revises: 0044
Create Date: 2026-12-07

Issue 15.4 (the embedded default as fast): the dashboard's overdue list as of a past day
judges a unit's members by their spans holding on that day (rollup_member_history). SQLite
read every span of the unit (ix_rollup_member_history_root: its planner cannot use the
"ends after the day, or never" range), some 90,000 for a city of a 10,000-task province;
`ix_rollup_member_history_due` reads the dated spans due before the day only, from the index
alone. PostgreSQL does without (bitmap scans of the existing index): SQLite only, as the
model declares it (models/rollup.py, Index.ddl_if).
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0046'
down_revision: str | None = "0044"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ['root_id', 'dated', 'due_on', 'valid_from', 'valid_until', 'task_id']


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.create_index('ix_rollup_member_history_due', 'rollup_member_history', COLUMNS)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.drop_index('ix_rollup_member_history_due', table_name='rollup_member_history')
