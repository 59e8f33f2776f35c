"""Display labels of tasks (水-1, 水-重点1): the one home of how a task is named in a list.

A label is the plan's field, a mark for its kind and the 序号 path: water task 1 is 水-1 and
water key project 1 (the 重点工程 annex, a PROJECT_LIST plan of the same field) is 水-重点1,
so the two never share a label in a unit's view. Action-plan labels keep their plain form.
A plan's narrative measures (PlanMeasure) are 大气-措施16.

The 序号 path (3.1) is stored on the task row (`seq_path`, set by `seq_path` below wherever a
task is written), never walked up through parents: a viewer who sees a subtask but not its
parent (a department given 3.1 of a town's task 3; PostgreSQL's row-level security hides the
parent outright) still reads 大气-3.1, so a label never depends on who reads it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from models.enums import PlanField, PlanKind

__all__ = [
    "FIELD_LABELS",
    "KIND_MARKS",
    "measure_label",
    "seq_path",
    "task_label",
    "task_label_sql",
]

FIELD_LABELS = {
    PlanField.AIR: "大气",
    PlanField.WATER: "水",
    PlanField.SOIL: "土壤",
    PlanField.ECOLOGY: "生态",
    PlanField.OTHER: "其他",
}
KIND_MARKS = {PlanKind.ACTION_PLAN: "", PlanKind.PROJECT_LIST: "重点", PlanKind.OTHER: "其他"}


def seq_path(parent_path: str | None, seq: int) -> str:
    """A task's stored 序号 path: "3" for a plan's task 3, "3.1" for its subtask 1."""
    return str(seq) if parent_path is None else f"{parent_path}.{seq}"


def task_label(field: PlanField, kind: PlanKind, path: str) -> str:
    """水-1, 水-重点1, 大气-3.1 (a subtask): field, kind mark and the stored 序号 path."""
    return f"{FIELD_LABELS[field]}-{KIND_MARKS[kind]}{path}"


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
