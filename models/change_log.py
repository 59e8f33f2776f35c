"""ChangeLogEntry: the change feed's log of committed writes, for partners that mirror data.

Every write appends one entry per object it changed (in the write's transaction, from the
notes of resolvers/events.py), with the units the object hangs on before and after the
write (ChangeLogUnit): a viewer whose subtree lost an object still gets its tombstone.
`seq` order is commit order (resolvers/changes/log.py serialises appends until commit).
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import enum_type
from models.enums import ChangeType

# BIGINT on PostgreSQL; SQLite's INTEGER PRIMARY KEY (AUTOINCREMENT: numbers never reused).
SEQUENCE_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class ChangeLogEntry(SQLModel, table=True):
    """One changed object of one committed transaction."""

    __tablename__ = "change_log"
    __table_args__ = ({"sqlite_autoincrement": True},)

    seq: int | None = Field(
        default=None,
        sa_column=sa.Column(SEQUENCE_TYPE, primary_key=True, autoincrement=True),
    )
    object_type: ChangeType = Field(sa_type=enum_type(ChangeType))
    object_id: uuid.UUID
    changed_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class ChangeLogUnit(SQLModel, table=True):
    """A unit the changed object was attached to, before or after the change."""

    __tablename__ = "change_log_unit"
    __table_args__ = (sa.Index("ix_change_log_unit_org_unit_seq", "org_unit_id", "seq"),)

    seq: int = Field(
        sa_column=sa.Column(
            SEQUENCE_TYPE,
            sa.ForeignKey("change_log.seq", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    org_unit_id: uuid.UUID = Field(foreign_key="org_unit.id", primary_key=True, ondelete="CASCADE")
