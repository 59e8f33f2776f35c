"""review anchors by index: the scope functions of row-level security reinstalled

Revision ID: 0047
Revises: 0046
Create Date: 2026-12-07

A task's reviewers (models/rules/scope.py `review_anchors`: its issuer, the origin share's
unit for a subtask, else its document's issuer) were one anchor over coalesce() of the two,
which no index serves: a restricted viewer's report visibility read every task. They are now
two anchors with plain unit columns. The rule is the same; the installed scope functions of
row-level security (PostgreSQL) are rebuilt from it, keeping every other feature present.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.rules import scope_rls


revision: str = '0047'
down_revision: str | None = "0046"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        schema = str(bind.execute(sa.text('SELECT current_schema()')).scalar_one())
        scope_rls.install(op.execute, schema, scope_rls.present(bind))


def downgrade() -> None:
    # The functions compile the same rule either way (only its SQL's shape changed).
    pass
