"""task deadline history

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

Issue 16, point 2: task_deadline_change records each change of a task's deadline (who, when,
why, what it replaced), so as-of views use the deadline in force that day and the original
deadline stays queryable. PostgreSQL: the row-level security policies are installed again
from models/rules/scope.py (the new table follows its task).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from models.rules import scope_rls

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("BY_DATE", "FROM_DATE", "PERIOD", "ONGOING", "UNSPECIFIED")


def _kind(name: str) -> sa.Column[str]:
    return sa.Column(
        name,
        sa.Enum(*KINDS, name=name, native_enum=False, create_constraint=True, length=32),
        nullable=False,
    )


def _schema() -> str:
    return str(op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one())


def upgrade() -> None:
    op.create_table(
        "task_deadline_change",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_unit_id", sa.Uuid(), nullable=True),
        sa.Column("changed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        _kind("previous_kind"),
        sa.Column("previous_start", sa.Date(), nullable=True),
        sa.Column("previous_end", sa.Date(), nullable=True),
        sa.Column("previous_text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        _kind("new_kind"),
        sa.Column("new_start", sa.Date(), nullable=True),
        sa.Column("new_end", sa.Date(), nullable=True),
        sa.Column("new_text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["task.id"],
            name=op.f("fk_task_deadline_change_task_id_task"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_unit_id"],
            ["org_unit.id"],
            name=op.f("fk_task_deadline_change_changed_by_unit_id_org_unit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_deadline_change")),
    )
    with op.batch_alter_table("task_deadline_change") as batch:
        batch.create_index("ix_task_deadline_change_task_time", ["task_id", "changed_at", "id"])
    if op.get_bind().dialect.name == "postgresql":
        scope_rls.install(op.execute, _schema(), sa.inspect(op.get_bind()).get_table_names())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for policy in scope_rls.POLICIES:
            op.execute(f"DROP POLICY IF EXISTS {policy} ON task_deadline_change")
    op.drop_table("task_deadline_change")
