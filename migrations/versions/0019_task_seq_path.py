"""task seq path

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07

Issue 16, point 5 (labels unique within a unit's view): task.seq_path stores the 序号 path
("3", "3.1") that Task.label shows, so a label no longer walks the parents through the
viewer's scope (a viewer who sees subtask 3.1 but not task 3 read 大气-1; row-level security
hides such parents outright). Backfilled from the parent links with a recursive CTE (both
dialects), then NOT NULL; new rows get it from models/rules/labels.py seq_path.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A guard against a cycle of parents, far beyond any document's 3.1.2.
MAX_DEPTH = 100

BACKFILL = f"""
WITH RECURSIVE paths (id, path, depth) AS (
    SELECT id, CAST(seq AS TEXT), 1 FROM task WHERE parent_id IS NULL
    UNION ALL
    SELECT t.id, p.path || '.' || CAST(t.seq AS TEXT), p.depth + 1
    FROM task t JOIN paths p ON t.parent_id = p.id
    WHERE p.depth < {MAX_DEPTH}
)
UPDATE task SET seq_path = COALESCE(
    (SELECT paths.path FROM paths WHERE paths.id = task.id), CAST(seq AS TEXT)
)
"""


def upgrade() -> None:
    with op.batch_alter_table("task") as batch:
        batch.add_column(
            sa.Column("seq_path", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
    op.execute(BACKFILL)
    with op.batch_alter_table("task") as batch:
        batch.alter_column(
            "seq_path",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=200),
            nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("task") as batch:
        batch.drop_column("seq_path")
