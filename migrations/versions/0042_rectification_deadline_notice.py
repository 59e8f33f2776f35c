"""rectification deadline notices: due-soon/overdue once per share and threshold

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-07

Issue 18, point 5 for rectifications: the delivery worker's scheduler emits
`rectification.due_soon` and `rectification.overdue` once per rectification share
(责任单位: rectification_assignment), threshold and deadline end. Like `deadline_notice` for
tasks, the unique row is inserted ON CONFLICT DO NOTHING and the outbox event written only
for a row inserted, in the same transaction.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0042"
down_revision: str | None = "0041"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rectification_deadline_notice",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("share_id", sa.Uuid(), nullable=False),
        sa.Column("rectification_id", sa.Uuid(), nullable=False),
        sa.Column("threshold", sa.String(length=16), nullable=False),
        sa.Column("deadline_end", sa.Date(), nullable=False),
        sa.Column("emitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["share_id"], ["rectification_assignment.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rectification_id"], ["rectification.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "share_id", "threshold", "deadline_end", name="uq_rectification_deadline_notice"
        ),
    )


def downgrade() -> None:
    op.drop_table("rectification_deadline_notice")
