"""rollup member indexes: overdue lists and past members as index reads

Revision ID: 0038
Revises: 0034
Create Date: 2026-12-07

Issue 15 (every dashboard and docs query fast at province scale): a unit's overdue (or due
soon) task list over its subtree reads its rollup members (rollup_member: each task's state in
the unit's scope) instead of judging every candidate's shares. `ix_rollup_member_pending`
holds the members that can be overdue or due soon (the rules' `pending`: rated, not completed,
with an end) by deadline, so the list's count and its first page by deadline are index reads.
`ix_rollup_member_history_root` finds a unit's members as of a past day (the spans ending
after it, or never) without reading every unit's history.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0038'
down_revision: str | None = '0034'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = 'rated AND NOT completed AND deadline_end IS NOT NULL'


def upgrade() -> None:
    op.create_index(
        'ix_rollup_member_pending',
        'rollup_member',
        ['root_id', 'deadline_end', 'task_id'],
        sqlite_where=sa.text(PENDING),
        postgresql_where=sa.text(PENDING),
    )
    op.create_index(
        'ix_rollup_member_history_root', 'rollup_member_history', ['root_id', 'valid_until']
    )


def downgrade() -> None:
    op.drop_index('ix_rollup_member_history_root', table_name='rollup_member_history')
    op.drop_index('ix_rollup_member_pending', table_name='rollup_member')
