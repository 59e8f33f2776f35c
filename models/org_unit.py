"""OrgUnit (组织单元): the 块 tree by `parent`, the 条 line by `line_parent`, aliases, closure."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, enum_type, id_field, updated_field, version_field
from models.enums import OrgUnitKind


class OrgUnit(SQLModel, table=True):
    """A unit: government level, department, town, enterprise or inspection team."""

    __tablename__ = "org_unit"
    __table_args__ = (
        sa.Index("ix_org_unit_path", "path"),
        sa.Index("ix_org_unit_parent_id_sort", "parent_id", "sort_order", "id"),
        sa.Index("ix_org_unit_kind_parent", "kind", "parent_id"),
    )

    id: uuid.UUID = id_field()
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200, unique=True)
    kind: OrgUnitKind = Field(sa_type=enum_type(OrgUnitKind))
    parent_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id", index=True)
    line_parent_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id", index=True)
    # Materialised path of ids, "/<root id>/…/<own id>/": the subtree is one prefix range.
    path: str = Field(
        sa_type=sa.String(2000).with_variant(sa.String(2000, collation="C"), "postgresql")
    )
    depth: int = Field(default=0)
    sort_order: int = Field(default=0)
    remarks: str | None = Field(default=None)
    created_at: datetime = created_field()
    updated_at: datetime = updated_field()
    version: int = version_field()


class OrgUnitAlias(SQLModel, table=True):
    """Another spelling of a unit's name (别名), as documents write it."""

    __tablename__ = "org_unit_alias"
    __table_args__ = (
        sa.UniqueConstraint("org_unit_id", "normalized"),
        sa.Index("ix_org_unit_alias_normalized", "normalized"),
    )

    id: uuid.UUID = id_field()
    org_unit_id: uuid.UUID = Field(foreign_key="org_unit.id", ondelete="CASCADE")
    alias: str = Field(max_length=200)
    normalized: str = Field(max_length=200)


class OrgUnitClosure(SQLModel, table=True):
    """Closure of the 块 tree: one row per (ancestor, descendant), including (unit, unit)."""

    __tablename__ = "org_unit_closure"
    __table_args__ = (sa.Index("ix_org_unit_closure_descendant", "descendant_id", "ancestor_id"),)

    ancestor_id: uuid.UUID = Field(foreign_key="org_unit.id", primary_key=True, ondelete="CASCADE")
    descendant_id: uuid.UUID = Field(
        foreign_key="org_unit.id", primary_key=True, ondelete="CASCADE"
    )
    depth: int = Field(default=0)
