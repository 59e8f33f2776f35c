"""webhook subscriptions and deliveries of the outbox

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07

Issue 18, points 1 and 2: the outbox's events are delivered after commit by `govgraph
deliver` to sharing partners' webhook subscriptions; each (event, subscription) is one
delivery row with its attempts, next attempt, and state (PENDING, DELIVERED, DEAD).
Point 5: `deadline_notice` makes the scheduler's due-soon/overdue events once per task,
threshold and deadline end (unique; inserted ON CONFLICT DO NOTHING).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision: str = '0028'
down_revision: str | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
SEQUENCE_TYPE = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'webhook_subscription',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('api_key_id', sa.Uuid(), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('event_types', JSON_TYPE, nullable=False),
        sa.Column('org_unit_id', sa.Uuid(), nullable=False),
        sa.Column('secret', sa.String(length=100), nullable=False),
        sa.Column('previous_secret', sa.String(length=100), nullable=True),
        sa.Column('previous_secret_expires_at', TIMESTAMP, nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('disabled_at', TIMESTAMP, nullable=True),
        sa.Column('disabled_reason', sa.String(length=500), nullable=True),
        sa.Column('consecutive_dead', sa.Integer(), nullable=False),
        sa.Column('failing_since', TIMESTAMP, nullable=True),
        sa.Column('created_at', TIMESTAMP, nullable=False),
        sa.Column('updated_at', TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(['api_key_id'], ['api_key.id']),
        sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_webhook_subscription_api_key_id', 'webhook_subscription', ['api_key_id']
    )
    op.create_table(
        'webhook_delivery',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('event_id', sa.Uuid(), nullable=False),
        sa.Column('event_seq', SEQUENCE_TYPE, nullable=False),
        sa.Column('subscription_id', sa.Uuid(), nullable=False),
        sa.Column('object_key', sa.String(length=200), nullable=False),
        sa.Column('event_type', sa.String(length=64), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', TIMESTAMP, nullable=False),
        sa.Column('last_attempt_at', TIMESTAMP, nullable=True),
        sa.Column('last_status_code', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('created_at', TIMESTAMP, nullable=False),
        sa.Column('delivered_at', TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['outbox_event.id']),
        sa.ForeignKeyConstraint(['subscription_id'], ['webhook_subscription.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('event_id', 'subscription_id', name='uq_webhook_delivery_event'),
    )
    op.create_index('ix_webhook_delivery_due', 'webhook_delivery', ['status', 'next_attempt_at'])
    op.create_index(
        'ix_webhook_delivery_object',
        'webhook_delivery',
        ['subscription_id', 'object_key', 'event_seq'],
    )

    op.create_table(
        'deadline_notice',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('task_id', sa.Uuid(), nullable=False),
        sa.Column('threshold', sa.String(length=16), nullable=False),
        sa.Column('deadline_end', sa.Date(), nullable=False),
        sa.Column('emitted_at', TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(['task_id'], ['task.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint(
            'task_id', 'threshold', 'deadline_end', name='uq_deadline_notice_task'
        ),
    )


def downgrade() -> None:
    op.drop_table('deadline_notice')
    op.drop_table('webhook_delivery')
    op.drop_table('webhook_subscription')
