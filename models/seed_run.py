"""SeedRun: which seed dataset a database was loaded with, so `govgraph seed` runs once.

`make run` calls `govgraph seed` on every start. Re-inserting the dataset would bring back
seeded rows that users deleted or changed since (a lead a ledger import removed) behind the
change feed's back; so the seed records itself here and a later run writes nothing.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class SeedRun(SQLModel, table=True):
    """One dataset loaded into this database: when, and a digest of its rows then."""

    __tablename__ = "seed_run"

    dataset: str = Field(primary_key=True, max_length=64)
    digest: str = Field(max_length=64)  # sha256 of the dataset's rows as loaded
    rows: int
    seeded_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
