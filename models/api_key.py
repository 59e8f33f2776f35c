"""ApiKey: a sharing partner's read-only key, stored hashed, scoped to a unit subtree."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import id_field


class ApiKey(SQLModel, table=True):
    """A key for another agency's system: subtree, disclosure tier, expiry, revocation."""

    __tablename__ = "api_key"

    id: uuid.UUID = id_field()
    name: str = Field(max_length=200)
    # The first characters of the key, shown in listings and used to find the row.
    prefix: str = Field(max_length=16, unique=True)
    # sha256 of the whole key; the key itself is shown once, at creation, and never stored.
    key_hash: str = Field(max_length=64)
    org_unit_id: uuid.UUID = Field(foreign_key="org_unit.id", index=True)
    disclosure: str = Field(max_length=16, default="SHARED")
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    expires_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    last_used_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # The key's own rate limit ("120/minute", the `limits` notation); None: the server's
    # GOVGRAPH_RATE_LIMIT_KEY (api/rate_limit.py).
    rate_limit: str | None = Field(default=None, max_length=100)
