"""transactional outbox

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

outbox_event (models/outbox.py): one row per event of a committed write, written by the unit of
work (resolvers/unit_of_work.py) in the writing transaction; delivery marks `delivered_at`.

PostgreSQL: granted to govgraph_app like every table; row-level security lets only the
unrestricted scope (writes lift the viewer's scope, delivery runs as the system) read or write.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = 'govgraph_app'
TABLE = 'outbox_event'
UNRESTRICTED = 'govgraph_scope_root() IS NULL'
# Its own policy names: the generated govgraph_read policies (models/rules/scope_rls.py) are
# the scoped tables'; the outbox is the unrestricted scope's only.
POLICIES = (
    'govgraph_outbox_read',
    'govgraph_outbox_insert',
    'govgraph_outbox_update',
    'govgraph_outbox_delete',
)


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
    op.create_table(TABLE,
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=64), nullable=False),
    sa.Column('object_id', sa.Uuid(), nullable=True),
    sa.Column('units', json, nullable=False),
    sa.Column('payload', json, nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_outbox_event')),
    sa.UniqueConstraint('id', name=op.f('uq_outbox_event_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index('ix_outbox_event_delivered_at_seq', ['delivered_at', 'seq'], unique=False)

    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(f"""
        DO $$
        BEGIN
            IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') THEN
                GRANT SELECT, INSERT, UPDATE, DELETE ON {TABLE} TO {ROLE};
            END IF;
        EXCEPTION WHEN insufficient_privilege THEN NULL;
        END $$
    """)
    op.execute(f'ALTER TABLE {TABLE} ENABLE ROW LEVEL SECURITY')
    op.execute(f'CREATE POLICY govgraph_outbox_read ON {TABLE} FOR SELECT USING ({UNRESTRICTED})')
    op.execute(f'CREATE POLICY govgraph_outbox_insert ON {TABLE} FOR INSERT WITH CHECK ({UNRESTRICTED})')
    op.execute(
        f'CREATE POLICY govgraph_outbox_update ON {TABLE} FOR UPDATE'
        f' USING ({UNRESTRICTED}) WITH CHECK ({UNRESTRICTED})'
    )
    op.execute(f'CREATE POLICY govgraph_outbox_delete ON {TABLE} FOR DELETE USING ({UNRESTRICTED})')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for policy in POLICIES:
            op.execute(f'DROP POLICY IF EXISTS {policy} ON {TABLE}')
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_event_delivered_at_seq')
    op.drop_table(TABLE)
