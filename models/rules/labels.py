"""Display labels of tasks (水-1, 水-重点1): the one home of how a task is named in a list.

A label is the plan's field, a mark for its kind and the 序号 path: water task 1 is 水-1 and
water key project 1 (the 重点工程 annex, a PROJECT_LIST plan of the same field) is 水-重点1,
so the two never share a label in a unit's view. Action-plan labels keep their plain form.
A plan's narrative measures (PlanMeasure) are 大气-措施16.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from models.enums import PlanField, PlanKind

__all__ = ["FIELD_LABELS", "KIND_MARKS", "measure_label", "task_label", "task_label_sql"]

FIELD_LABELS = {
    PlanField.AIR: "大气",
    PlanField.WATER: "水",
    PlanField.SOIL: "土壤",
    PlanField.ECOLOGY: "生态",
    PlanField.OTHER: "其他",
}
KIND_MARKS = {PlanKind.ACTION_PLAN: "", PlanKind.PROJECT_LIST: "重点", PlanKind.OTHER: "其他"}


def task_label(field: PlanField, kind: PlanKind, path: Sequence[int]) -> str:
    """水-1, 水-重点1, 大气-3.1 (a subtask): field, kind mark and 序号 path."""
    return f"{FIELD_LABELS[field]}-{KIND_MARKS[kind]}{'.'.join(str(seq) for seq in path)}"


def task_label_sql(
    field: sa.ColumnElement[Any], kind: sa.ColumnElement[Any], path: sa.ColumnElement[str]
) -> sa.ColumnElement[str]:
    """task_label in SQL (the compiled read path), built from the same tables.

    `field` and `kind` are the plan's stored enum values, `path` the 序号 path as text (3.1);
    an unknown value gives NULL, as task_label would raise rather than invent a name.
    """

    def mapped(column: sa.ColumnElement[Any], names: dict[Any, str]) -> sa.ColumnElement[str]:
        return sa.case({key.value: name for key, name in names.items()}, value=column)

    return mapped(field, FIELD_LABELS) + "-" + mapped(kind, KIND_MARKS) + path


def measure_label(field: PlanField, seq: int) -> str:
    """大气-措施16: a plan's narrative measure, never a task's label."""
    return f"{FIELD_LABELS[field]}-措施{seq}"
