"""Shared table base: naming convention, UUID ids, timestamps and row versions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Field, SQLModel

# Stable constraint names so Alembic migrations diff cleanly on SQLite and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = SQLModel.metadata

# Deterministic ids for seeded rows: uuid5(NAMESPACE, natural key). Re-seeding yields the same ids.
NAMESPACE = uuid.UUID("6f1c2a4e-2b7d-5c58-9a0e-4c6b8f0d2e11")


def stable_id(*parts: object) -> uuid.UUID:
    """A deterministic UUID for a natural key, so seeds and imports are idempotent."""
    return uuid.uuid5(NAMESPACE, "\x1f".join(str(p) for p in parts))


def utcnow() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(UTC)


def enum_type(enum: type[StrEnum], name: str | None = None) -> sa.Enum:
    """Enums are stored as VARCHAR with a CHECK, never as native PostgreSQL enum types."""
    return sa.Enum(
        enum,
        native_enum=False,
        length=32,
        create_constraint=True,
        name=name or enum.__name__.lower(),
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


def id_field() -> Any:
    """Primary key: a UUID generated in Python (stable ids are passed explicitly by seeds)."""
    return Field(default_factory=uuid.uuid4, primary_key=True)


def created_field() -> Any:
    """Creation timestamp."""
    return Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), nullable=False)


def updated_field() -> Any:
    """Last-change timestamp."""
    return Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), nullable=False)


def version_field() -> Any:
    """Optimistic-concurrency version; writes pass `expectedVersion` and bump it."""
    return Field(default=1, nullable=False)


def json_field(default_factory: Any = list) -> Any:
    """A JSON column (JSONB on PostgreSQL, TEXT on SQLite)."""
    return Field(
        default_factory=default_factory,
        sa_type=sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
        nullable=False,
    )
