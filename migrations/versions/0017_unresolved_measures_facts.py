"""unresolved group references, plan measures and reported facts

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-07

Issue 16, points 4 and 5:
- task.responsibility_unresolved, rectification.responsibility_unresolved: group references
  the text cannot resolve (区直相关单位, 相关镇（街道）), kept as written instead of expanded to
  every unit;
- assignment.position, rectification_assignment.position: the order the text names the units
  in (the first-named unit is the first lead); NULL falls back to the tree order;
- plan_measure, plan_measure_unit: a plan's narrative measures with their responsible units;
- reported_fact: a document's sentences about a unit with the figures they state (news).
PostgreSQL: the row-level security functions and policies are installed again from
models/rules/scope.py (new set `measures`, new tables).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

from models.rules import scope_rls

revision: str = "0017"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _schema() -> str:
    return str(op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one())


def upgrade() -> None:
    for table in ("task", "rectification"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column(
                    "responsibility_unresolved",
                    _json(),
                    nullable=False,
                    server_default=sa.text("'[]'"),
                )
            )
        with op.batch_alter_table(table) as batch:
            batch.alter_column("responsibility_unresolved", server_default=None)
    for table in ("assignment", "rectification_assignment"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("position", sa.Integer(), nullable=True))

    op.create_table(
        "plan_measure",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("heading", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("responsibility_text", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("responsibility_unresolved", _json(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan.id"],
            name=op.f("fk_plan_measure_plan_id_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_measure")),
        sa.UniqueConstraint("plan_id", "seq", name="uq_plan_measure_plan_seq"),
    )
    op.create_table(
        "plan_measure_unit",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("measure_id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "LEAD",
                "COOPERATING",
                name="assignmentrole",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("via_group", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["plan_measure.id"],
            name=op.f("fk_plan_measure_unit_measure_id_plan_measure"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_unit.id"], name=op.f("fk_plan_measure_unit_org_unit_id_org_unit")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name=op.f("fk_plan_measure_unit_plan_id_plan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_measure_unit")),
        sa.UniqueConstraint("measure_id", "org_unit_id", "role", name="uq_plan_measure_unit"),
    )
    with op.batch_alter_table("plan_measure_unit") as batch:
        batch.create_index("ix_plan_measure_unit_unit", ["org_unit_id", "measure_id"])
        batch.create_index(batch.f("ix_plan_measure_unit_plan_id"), ["plan_id"])

    op.create_table(
        "reported_fact",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("remarks", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("figures", _json(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_reported_fact_document_id_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_unit.id"], name=op.f("fk_reported_fact_org_unit_id_org_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reported_fact")),
        sa.UniqueConstraint("document_id", "seq", name="uq_reported_fact_document_seq"),
    )
    with op.batch_alter_table("reported_fact") as batch:
        batch.create_index("ix_reported_fact_unit", ["org_unit_id", "year"])

    if op.get_bind().dialect.name == "postgresql":
        # The tables at this revision: scope.py may scope tables later revisions create.
        scope_rls.install(op.execute, _schema(), sa.inspect(op.get_bind()).get_table_names())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("plan_measure", "plan_measure_unit", "reported_fact"):
            for policy in scope_rls.POLICIES:
                op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {scope_rls.function_name('measures')}(uuid)")
    op.drop_table("reported_fact")
    op.drop_table("plan_measure_unit")
    op.drop_table("plan_measure")
    for table in ("assignment", "rectification_assignment"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("position")
    for table in ("task", "rectification"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("responsibility_unresolved")
