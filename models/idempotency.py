"""IdempotencyKey: a mutation request's stored response, replayed for 24 hours."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class IdempotencyKey(SQLModel, table=True):
    """The response to a request sent with `Idempotency-Key`, per viewer and key."""

    __tablename__ = "idempotency_key"
    __table_args__ = (sa.Index("ix_idempotency_key_expires_at", "expires_at"),)

    # The viewer's subject and the client's key: keys are per client, not global.
    key: str = Field(primary_key=True, max_length=300)
    request_hash: str = Field(max_length=64)
    status_code: int | None = Field(default=None)
    response: bytes | None = Field(default=None, sa_type=sa.LargeBinary())
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
