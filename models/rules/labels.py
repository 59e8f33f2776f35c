"""Display labels of tasks (水-1, 水-重点1): the one home of how a task is named in a list.

A label is the plan's field, a mark for its kind and the 序号 path: water task 1 is 水-1 and
water key project 1 (the 重点工程 annex, a PROJECT_LIST plan of the same field) is 水-重点1,
so the two never share a label in a unit's view. Action-plan labels keep their plain form.
A plan's narrative measures (PlanMeasure) are 大气-措施16.
"""

from __future__ import annotations

from collections.abc import Sequence

from models.enums import PlanField, PlanKind

__all__ = ["FIELD_LABELS", "KIND_MARKS", "measure_label", "task_label"]

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


def measure_label(field: PlanField, seq: int) -> str:
    """大气-措施16: a plan's narrative measure, never a task's label."""
    return f"{FIELD_LABELS[field]}-措施{seq}"
