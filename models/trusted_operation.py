"""TrustedOperation: a GraphQL operation registered by `govgraph operations register`.

The trusted-documents list (api/persisted.py): with GOVGRAPH_PERSISTED_QUERIES=trusted only
these operations run, by their hash (a persisted-query request) or by their text.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class TrustedOperation(SQLModel, table=True):
    """One registered operation: its text and the SHA-256 that names it (64 hex digits)."""

    __tablename__ = "trusted_operation"

    sha256: str = Field(primary_key=True, min_length=64, max_length=64)
    # The operation's own name (`query Screen`), or the file it came from when unnamed.
    name: str | None = Field(default=None, max_length=300)
    body: str = Field(sa_type=sa.Text())
    # Where it was registered from (a file path relative to the project, or "stdin").
    source: str = Field(max_length=500)
    registered_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
