"""seed runs: `govgraph seed` loads a database once

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

seed_run (models/seed_run.py): the seed dataset a database was loaded with. Only the owner
(`govgraph seed`) reads or writes it: no grant to govgraph_app.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('seed_run',
    sa.Column('dataset', sa.String(length=64), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('seeded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('dataset', name=op.f('pk_seed_run'))
    )


def downgrade() -> None:
    op.drop_table('seed_run')
