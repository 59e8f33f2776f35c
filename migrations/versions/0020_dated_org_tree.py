"""dated org tree

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07

Issue 16, point 1 (an effective-dated org tree): org_unit gets valid_from / valid_to and
parent_since (None: unknown, read as open); org_unit_parent_link keeps the parent links an
event closed; org_unit_event and org_unit_event_unit record renames, merges, splits,
establishments and abolitions with predecessor → successor links; org_unit_attestation records
which document attests a unit on its date (models/org_unit_tree.py). Existing rows keep
unknown bounds, so today's tree and every rollup stay as they were.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENT_KINDS = ("RENAME", "MERGE", "SPLIT", "ESTABLISH", "ABOLISH")
EVENT_ROLES = ("PREDECESSOR", "SUCCESSOR")


def upgrade() -> None:
    with op.batch_alter_table("org_unit") as batch:
        batch.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("valid_to", sa.Date(), nullable=True))
        batch.add_column(sa.Column("parent_since", sa.Date(), nullable=True))
        batch.create_check_constraint(
            "validity", "valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to"
        )
    op.create_table(
        "org_unit_parent_link",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "valid_from IS NULL OR valid_from < valid_to", name="parent_link_validity"
        ),
        sa.ForeignKeyConstraint(["org_unit_id"], ["org_unit.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["parent_id"], ["org_unit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_org_unit_parent_link_parent",
        "org_unit_parent_link",
        ["parent_id", "valid_to", "org_unit_id"],
    )
    op.create_index(
        "ix_org_unit_parent_link_unit", "org_unit_parent_link", ["org_unit_id", "valid_to"]
    )
    op.create_table(
        "org_unit_event",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                *EVENT_KINDS,
                name="orguniteventkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("basis", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_org_unit_event_occurred_on", "org_unit_event", ["occurred_on", "id"])
    op.create_table(
        "org_unit_event_unit",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                *EVENT_ROLES,
                name="orguniteventrole",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["org_unit_event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["org_unit_id"], ["org_unit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "org_unit_id", "role"),
    )
    op.create_index(
        "ix_org_unit_event_unit_unit",
        "org_unit_event_unit",
        ["org_unit_id", "role", "event_id"],
    )
    op.create_table(
        "org_unit_attestation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("attested_on", sa.Date(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.ForeignKeyConstraint(["org_unit_id"], ["org_unit.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_unit_id", "document_id"),
    )
    op.create_index(
        "ix_org_unit_attestation_unit", "org_unit_attestation", ["org_unit_id", "attested_on"]
    )


def downgrade() -> None:
    op.drop_table("org_unit_attestation")
    op.drop_table("org_unit_event_unit")
    op.drop_table("org_unit_event")
    op.drop_table("org_unit_parent_link")
    with op.batch_alter_table("org_unit") as batch:
        batch.drop_constraint("validity", type_="check")
        batch.drop_column("parent_since")
        batch.drop_column("valid_to")
        batch.drop_column("valid_from")
