"""Display labels of tasks (2023水-1, 2023水-重点1): the one home of how a task is named in a list.

A label is the plan's year, its field, a mark for its kind and the 序号 path: water task 1 of
the 2023 notice is 2023水-1 and water key project 1 (the 重点工程 annex, a PROJECT_LIST plan of
the same field) is 2023水-重点1, so the two never share a label in a unit's view; next year's
air plan's task 1 is 2024大气-1, never a second 2023大气-1. Action-plan labels keep their
plain form after the year. A plan's narrative measures (PlanMeasure) are 2023大气-措施16.

The year is always there, not only once a second plan of the field comes: a label a clerk
wrote into a meeting's minutes never changes when next year's plan is registered, and it
depends on the plan's own rows only (never on which other plans a viewer can see). It is the
plan's `year`, or for a plan without one its document's issue year (`label_year`); a plan
with neither has no year in its labels.

The 序号 path (3.1) is stored on the task row (`seq_path`, set by `seq_path` below wherever a
task is written), never walked up through parents: a viewer who sees a subtask but not its
parent (a department given 3.1 of a town's task 3; PostgreSQL's row-level security hides the
parent outright) still reads 2023大气-3.1, so a label never depends on who reads it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from models.enums import PlanField, PlanKind

__all__ = [
    "FIELD_LABELS",
    "KIND_MARKS",
    "label_year",
    "label_year_sql",
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


def label_year(plan_year: int | None, issued_on: date | None) -> int | None:
    """The year a plan's labels carry: its own, else its document's issue year."""
    if plan_year is not None:
        return plan_year
    return issued_on.year if issued_on is not None else None


def label_year_sql(
    plan_year: sa.ColumnElement[Any], issued_on: sa.ColumnElement[Any]
) -> sa.ColumnElement[Any]:
    """label_year in SQL: the plan's year, else its document's issue year (NULL: neither)."""
    return sa.func.coalesce(plan_year, sa.cast(sa.extract("year", issued_on), sa.Integer))


def _year(year: int | None) -> str:
    return "" if year is None else str(year)


def task_label(field: PlanField, kind: PlanKind, path: str, year: int | None) -> str:
    """2023水-1, 2023水-重点1, 2023大气-3.1 (a subtask): the plan's label year, field, kind mark
    and the stored 序号 path."""
    return f"{_year(year)}{FIELD_LABELS[field]}-{KIND_MARKS[kind]}{path}"


def task_label_sql(
    field: sa.ColumnElement[Any],
    kind: sa.ColumnElement[Any],
    path: sa.ColumnElement[str],
    year: sa.ColumnElement[Any],
) -> sa.ColumnElement[str]:
    """task_label in SQL (the compiled read path), built from the same tables.

    `field` and `kind` are the plan's stored enum values, `path` the 序号 path as text (3.1),
    `year` the label year (label_year_sql); an unknown field or kind gives NULL, as
    task_label would raise rather than invent a name.
    """

    def mapped(column: sa.ColumnElement[Any], names: dict[Any, str]) -> sa.ColumnElement[str]:
        return sa.case({key.value: name for key, name in names.items()}, value=column)

    shown = sa.func.coalesce(sa.cast(year, sa.String), "")
    return shown + mapped(field, FIELD_LABELS) + "-" + mapped(kind, KIND_MARKS) + path


def measure_label(field: PlanField, seq: int, year: int | None) -> str:
    """2023大气-措施16: a plan's narrative measure, never a task's label."""
    return f"{_year(year)}{FIELD_LABELS[field]}-措施{seq}"
