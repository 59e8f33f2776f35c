"""考核 rubrics as data: a rubric is a list of scoring lines (models/rules/score.py says what
each kind counts); scores per unit and period are computed from them as of a date
(resolvers/score/service.py), never stored.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, enum_type, id_field
from models.enums import EscalationLevel, ScoreRuleKind


class ScoreRubric(SQLModel, table=True):
    """A 考核 rubric (考核细则): a named, versioned list of scoring lines, owned by the unit
    that assesses with it (its subtree is what it ranks); null owner: a shared rubric."""

    __tablename__ = "score_rubric"
    __table_args__ = (sa.UniqueConstraint("name", name="uq_score_rubric_name"),)

    id: uuid.UUID = id_field()
    name: str = Field(max_length=200)
    description: str | None = Field(default=None)
    owner_unit_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id", index=True)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = Field(default=1, nullable=False, sa_column_kwargs={"server_default": "1"})


class ScoreRule(SQLModel, table=True):
    """One line of a rubric: `points` per counted item (negative: a deduction), per day for
    OVERDUE_DAY; `cap` bounds one item's points in absolute value; `level` narrows an
    ESCALATION line to one rung of the ladder (null: any)."""

    __tablename__ = "score_rule"
    __table_args__ = (
        sa.UniqueConstraint("rubric_id", "seq", name="uq_score_rule_seq"),
        sa.CheckConstraint("cap IS NULL OR cap > 0", name="cap_positive"),
        sa.CheckConstraint("level IS NULL OR kind = 'ESCALATION'", name="level_on_escalation"),
    )

    id: uuid.UUID = id_field()
    rubric_id: uuid.UUID = Field(foreign_key="score_rubric.id", ondelete="CASCADE")
    seq: int
    kind: ScoreRuleKind = Field(sa_type=enum_type(ScoreRuleKind))
    level: EscalationLevel | None = Field(
        default=None, sa_type=enum_type(EscalationLevel, "score_rule_level"), nullable=True
    )
    points: float
    cap: float | None = Field(default=None)
    description: str = Field(max_length=500)
