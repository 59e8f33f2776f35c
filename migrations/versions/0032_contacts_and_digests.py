"""contacts, their notifications and daily digests

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07

Issue 18, point 3: people are told too. `contact` holds a unit's contacts (channel EMAIL or
HTTP_GATEWAY, address, event types, quiet hours, IMMEDIATE or DAILY_DIGEST); `notification`
is one message for one contact, unique per (contact, event id or digest day), sent by the
delivery worker with retries until SENT or DEAD; `digest_run` is unique per (unit, day), so a
unit's daily digest is built once across workers and restarts.

Point 4: `outbox_event.streamed_at` marks the events published to NATS JetStream (when
GOVGRAPH_NATS_URL is set), apart from their fan-out (`delivered_at`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision: str = '0032'
down_revision: str | None = '0031'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('outbox_event') as batch:
        batch.add_column(sa.Column('streamed_at', TIMESTAMP, nullable=True))
    op.create_index(
        'ix_outbox_event_streamed_at_seq', 'outbox_event', ['streamed_at', 'seq']
    )
    op.create_table(
        'contact',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('org_unit_id', sa.Uuid(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('address', sa.String(length=320), nullable=False),
        sa.Column('event_types', JSON_TYPE, nullable=False),
        sa.Column('quiet_start', sa.String(length=5), nullable=True),
        sa.Column('quiet_end', sa.String(length=5), nullable=True),
        sa.Column('mode', sa.String(length=16), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', TIMESTAMP, nullable=False),
        sa.Column('updated_at', TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_contact_org_unit_id', 'contact', ['org_unit_id'])
    op.create_table(
        'notification',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('contact_id', sa.Uuid(), nullable=False),
        sa.Column('dedup_key', sa.String(length=100), nullable=False),
        sa.Column('event_id', sa.Uuid(), nullable=True),
        sa.Column('event_type', sa.String(length=64), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('address', sa.String(length=320), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', TIMESTAMP, nullable=False),
        sa.Column('last_attempt_at', TIMESTAMP, nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('created_at', TIMESTAMP, nullable=False),
        sa.Column('sent_at', TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('contact_id', 'dedup_key', name='uq_notification_contact_key'),
    )
    op.create_index('ix_notification_due', 'notification', ['status', 'next_attempt_at'])
    op.create_table(
        'digest_run',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('org_unit_id', sa.Uuid(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('messages', sa.Integer(), nullable=False),
        sa.Column('created_at', TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('org_unit_id', 'day', name='uq_digest_run_unit_day'),
    )


def downgrade() -> None:
    op.drop_table('digest_run')
    op.drop_table('notification')
    op.drop_table('contact')
    op.drop_index('ix_outbox_event_streamed_at_seq', table_name='outbox_event')
    with op.batch_alter_table('outbox_event') as batch:
        batch.drop_column('streamed_at')
