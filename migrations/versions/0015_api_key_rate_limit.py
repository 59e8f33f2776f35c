"""a partner key's own rate limit

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-07

api_key.rate_limit (models/api_key.py): the key's budget in the `limits` notation
("120/minute"), set by `govgraph key create --rate-limit`; NULL: GOVGRAPH_RATE_LIMIT_KEY
(api/rate_limit.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0015'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('api_key') as batch:
        batch.add_column(
            sa.Column('rate_limit', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('api_key') as batch:
        batch.drop_column('rate_limit')
