"""trusted operations

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07

Issue 19, point 2: the trusted-documents list. `govgraph operations register` stores the
dashboard's and the docs' operations (and any others given) by SHA-256; with
GOVGRAPH_PERSISTED_QUERIES=trusted only those run (api/persisted.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trusted_operation",
        sa.Column("sha256", sa.String(length=64), primary_key=True),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(sha256) = 64", name="ck_trusted_operation_sha256"),
    )


def downgrade() -> None:
    op.drop_table("trusted_operation")
