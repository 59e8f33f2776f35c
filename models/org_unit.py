"""OrgUnit (组织单元): the 块 tree by `parent`, the 条 line by `line_parent`, aliases, closure,
and the tree's history: validity, past parent links, events (区划/机构调整), attestations."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, enum_type, id_field, updated_field, version_field
from models.enums import OrgUnitEventKind, OrgUnitEventRole, OrgUnitKind


class OrgUnit(SQLModel, table=True):
    """A unit: government level, department, town, enterprise or inspection team."""

    __tablename__ = "org_unit"
    __table_args__ = (
        sa.Index("ix_org_unit_path", "path"),
        sa.Index("ix_org_unit_parent_id_sort", "parent_id", "sort_order", "id"),
        sa.Index("ix_org_unit_kind_parent", "kind", "parent_id"),
        sa.CheckConstraint(
            "valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to", name="validity"
        ),
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
    # In force from valid_from (inclusive) to valid_to (exclusive); None: unknown, read as
    # open (models/org_unit_tree.py). An event ending a unit sets valid_to.
    valid_from: date | None = Field(default=None)
    valid_to: date | None = Field(default=None)
    # Since when parent_id is the parent (None: unknown, open); earlier links are in
    # org_unit_parent_link.
    parent_since: date | None = Field(default=None)
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


class OrgUnitParentLink(SQLModel, table=True):
    """A past parent link (块) of a unit: the parent it had from `valid_from` (None: unknown)
    until `valid_to` (exclusive). The current link is `org_unit.parent_id` since
    `org_unit.parent_since`; an org-unit event that moves a unit closes it into this table."""

    __tablename__ = "org_unit_parent_link"
    __table_args__ = (
        sa.Index("ix_org_unit_parent_link_parent", "parent_id", "valid_to", "org_unit_id"),
        sa.Index("ix_org_unit_parent_link_unit", "org_unit_id", "valid_to"),
        sa.CheckConstraint(
            "valid_from IS NULL OR valid_from < valid_to", name="parent_link_validity"
        ),
    )

    id: uuid.UUID = id_field()
    org_unit_id: uuid.UUID = Field(foreign_key="org_unit.id", ondelete="CASCADE")
    parent_id: uuid.UUID = Field(foreign_key="org_unit.id", ondelete="CASCADE")
    valid_from: date | None = Field(default=None)
    valid_to: date


class OrgUnitEvent(SQLModel, table=True):
    """A dated change of the tree (区划/机构调整): RENAME, MERGE, SPLIT, ESTABLISH, ABOLISH,
    with its basis (the document or decision it rests on, as text)."""

    __tablename__ = "org_unit_event"
    __table_args__ = (sa.Index("ix_org_unit_event_occurred_on", "occurred_on", "id"),)

    id: uuid.UUID = id_field()
    kind: OrgUnitEventKind = Field(sa_type=enum_type(OrgUnitEventKind))
    occurred_on: date
    basis: str | None = Field(default=None, max_length=2000)
    document_id: uuid.UUID | None = Field(
        default=None, foreign_key="document.id", ondelete="SET NULL"
    )
    created_at: datetime = created_field()


class OrgUnitEventUnit(SQLModel, table=True):
    """A unit's side of an event: PREDECESSOR (ends at the event) or SUCCESSOR (carries on).

    Every predecessor of a MERGE or RENAME links to its one successor, which then rolls up
    the predecessor's tasks (models/org_unit_tree.py)."""

    __tablename__ = "org_unit_event_unit"
    __table_args__ = (sa.Index("ix_org_unit_event_unit_unit", "org_unit_id", "role", "event_id"),)

    event_id: uuid.UUID = Field(
        foreign_key="org_unit_event.id", primary_key=True, ondelete="CASCADE"
    )
    org_unit_id: uuid.UUID = Field(foreign_key="org_unit.id", primary_key=True, ondelete="CASCADE")
    role: OrgUnitEventRole = Field(sa_type=enum_type(OrgUnitEventRole), primary_key=True)
    position: int = Field(default=0)


class OrgUnitAttestation(SQLModel, table=True):
    """A document attests that a unit existed on its date (it names it among its addressees
    or responsible units). Recorded for units whose validity is unknown: their attestations
    bound their group membership (models/org_unit_tree.py), no validity date is invented."""

    __tablename__ = "org_unit_attestation"
    __table_args__ = (
        sa.UniqueConstraint("org_unit_id", "document_id"),
        sa.Index("ix_org_unit_attestation_unit", "org_unit_id", "attested_on"),
    )

    id: uuid.UUID = id_field()
    org_unit_id: uuid.UUID = Field(foreign_key="org_unit.id", ondelete="CASCADE")
    document_id: uuid.UUID = Field(foreign_key="document.id", ondelete="CASCADE")
    attested_on: date
    text: str | None = Field(default=None, max_length=2000)
