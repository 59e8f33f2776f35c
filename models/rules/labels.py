"""Display labels of tasks (2023水-1, 2023水-重点1): the one home of how a task is named in a list.

A label is its plan's **label stem**, a mark for the plan's kind and the 序号 path: water task
1 of the 2023 notice is 2023水-1 and water key project 1 (the 重点工程 annex, a PROJECT_LIST
plan of the same field) is 2023水-重点1; next year's air plan's task 1 is 2024大气-1. A plan's
narrative measures (PlanMeasure) are 2023大气-措施16 (a key-project list's 2023水-重点措施2).

The stem (`plan.label_stem`, migration 0023) is the plan's label year and field (2023大气),
chosen once when the plan is written and stored, so a label never changes afterwards: a label
a clerk wrote into a meeting's minutes stays valid when next year's plan, or another
government's plan of the same year and field, is registered, and it depends on no viewer. The
database holds the stems unique per kind (`uq_plan_label_stem` on (label_stem, kind)), so no
two tasks anywhere share a label, however many plans a view spans. The kind mark is not part
of the stem: a document's action plan and its 重点工程 annex share 2023水 (2023水-1,
2023水-重点1), told apart by the mark.

Allocation (`label_stem_candidates`, tried in order by resolvers/document/label_stems.py,
the one writer every plan writer calls, each candidate an insert the unique index may refuse):

1. the stem of a plan of the same document, label year and field of another kind (the
   annex takes its action plan's stem), if any;
2. the plain stem, 2023大气: the first plan of a (year, field, kind) anywhere;
3. the issuing government's short name inserted, 2023城区大气 (`names.short_name` of the
   issuer's nearest territorial unit: 晋城市 → 晋城, 城区 stays 城区);
4. then a counter, 2023城区大气(2), 2023城区大气(3) ….

The label year is the plan's `year`, or for a plan without one its document's issue year
(`label_year`); a plan with neither has no year in its stem (大气). Plans have no update
mutation: year, field, kind and document are fixed once written, so the stem is too.

The 序号 path (3.1) is stored on the task row (`seq_path`, set by `seq_path` below wherever a
task is written), never walked up through parents: a viewer who sees a subtask but not its
parent (a department given 3.1 of a town's task 3; PostgreSQL's row-level security hides the
parent outright) still reads 2023大气-3.1, so a label never depends on who reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import count
from typing import Any

import sqlalchemy as sa

from models.enums import PlanField, PlanKind

__all__ = [
    "FIELD_LABELS",
    "KIND_MARKS",
    "MAX_STEM",
    "label_stem_candidates",
    "label_year",
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

# plan.label_stem's length; a government's name is cut to fit (the counter keeps it unique).
MAX_STEM = 100
_MAX_NAME = 60


def seq_path(parent_path: str | None, seq: int) -> str:
    """A task's stored 序号 path: "3" for a plan's task 3, "3.1" for its subtask 1."""
    return str(seq) if parent_path is None else f"{parent_path}.{seq}"


def label_year(plan_year: int | None, issued_on: date | None) -> int | None:
    """The year a plan's labels carry: its own, else its document's issue year."""
    if plan_year is not None:
        return plan_year
    return issued_on.year if issued_on is not None else None


def label_stem_candidates(
    year: int | None,
    field: PlanField,
    government: str | None = None,
    preferred: Iterable[str] = (),
) -> Iterator[str]:
    """The stems a new plan tries, in order (endless): `preferred` (a sibling's stem), the
    plain 2023大气, 2023城区大气 with the issuing government's short name, then
    2023城区大气(2), (3) …. Never the same candidate twice."""
    shown = "" if year is None else str(year)
    plain = f"{shown}{FIELD_LABELS[field]}"
    # "-" separates the stem from the kind mark and 序号 path: a name never brings one.
    name = (government or "").replace("-", "")[:_MAX_NAME]
    named = f"{shown}{name}{FIELD_LABELS[field]}"
    seen: set[str] = set()
    for stem in (*preferred, plain, named):
        if stem not in seen:
            seen.add(stem)
            yield stem
    for n in count(2):
        yield f"{named}({n})"


def task_label(stem: str, kind: PlanKind, path: str) -> str:
    """2023水-1, 2023水-重点1, 2023大气-3.1 (a subtask): the plan's stored label stem, its
    kind mark and the task's stored 序号 path."""
    return f"{stem}-{KIND_MARKS[kind]}{path}"


def task_label_sql(
    stem: sa.ColumnElement[Any], kind: sa.ColumnElement[Any], path: sa.ColumnElement[str]
) -> sa.ColumnElement[str]:
    """task_label in SQL (the compiled read path), from the same columns.

    `stem` is plan.label_stem, `kind` the plan's stored enum value, `path` the 序号 path as
    text (3.1); an unknown kind gives NULL, as task_label would raise rather than invent one.
    """
    mark = sa.case({key.value: name for key, name in KIND_MARKS.items()}, value=kind)
    return stem + "-" + mark + path


def measure_label(stem: str, kind: PlanKind, seq: int) -> str:
    """2023大气-措施16: a plan's narrative measure, never a task's label (措施 before the
    number; the kind mark first, so a key-project list's measures never share its action
    plan's: 2023水-重点措施2)."""
    return f"{stem}-{KIND_MARKS[kind]}措施{seq}"
