"""bucket history's key covers its counts: past-day rollups as index-only reads

Revision ID: 0048
Revises: 0047
Create Date: 2026-12-07

A unit's rollup as of a past day sums its rollup_bucket_history rows of ~45 periods (years,
months, days: resolvers/rollups/history.py `periods_up_to`). The key orders those rows
together, but the table holds them where each change was written, one page per row: a
province's screen as of a past day read ~18,000 pages for its cities' rollups. On
PostgreSQL the primary key now INCLUDEs the counts and sums, so the read is index-only.
SQLite keeps its key: it has no INCLUDE (the embedded default is for a city or less).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0048"
down_revision: str | None = "0047"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "root_id, grain, period, rated, completed, started, dated, due_on"


def _key(include: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE rollup_bucket_history DROP CONSTRAINT pk_rollup_bucket_history, "
        f"ADD CONSTRAINT pk_rollup_bucket_history PRIMARY KEY ({KEY}){include}"
    )


def upgrade() -> None:
    _key(" INCLUDE (tasks, weight_sum, weighted_progress_sum)")


def downgrade() -> None:
    _key("")
