"""Shapes and helpers shared by the synthetic province's modules (seeds/synthetic.py)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from models.enums import OrgUnitKind, PlanField
from models.rules.deadline import ParsedDeadline

Row = dict[str, Any]
SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_AS_OF = date(2026, 6, 30)  # fixed, so a seed gives the same rows on any day
HISTORY_DAYS = 730  # reports span the two years before as_of
TASKS_PER_PLAN = 50
SUBTASK_SHARE = 0.12
NOT_STARTED, IN_PROGRESS, COMPLETED = 0, 1, 2
FIELDS = (PlanField.AIR, PlanField.WATER, PlanField.SOIL)


@dataclass(frozen=True)
class Sizes:
    """What to generate: units, tasks (subtasks included) and progress reports."""

    units: int
    tasks: int
    reports: int


@dataclass(eq=False)
class Gov:
    """A government (province, city or district) and the units that belong to it."""

    index: int  # into Province.units
    level: OrgUnitKind
    departments: list[int] = field(default_factory=list)
    by_key: dict[str, int] = field(default_factory=dict)
    children: list[Gov] = field(default_factory=list)  # cities / districts
    towns: list[int] = field(default_factory=list)
    enterprises: list[int] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class PlanSpec:
    """A plan of a document of a government."""

    id: uuid.UUID
    document_id: uuid.UUID
    gov: Gov
    issued: date
    code_prefix: str
    field: PlanField


@dataclass(eq=False, slots=True)
class TaskSpec:
    """A task's skeleton: everything phase 2 needs besides report times and texts."""

    index: int
    id: uuid.UUID
    plan: PlanSpec
    seq: int
    code: str
    category: str
    title: str
    deadline: ParsedDeadline
    created: datetime
    leads: list[int]
    coops: list[int]
    lead_group: str | None = None
    coop_group: str | None = None
    parent: TaskSpec | None = None
    origin: int | None = None  # the parent's lead unit whose share this splits
    first: int = 0  # offset of its assignments in Province.fates / counts


def split(total: int, parts: int, rng: random.Random, spread: float = 0.4) -> list[int]:
    """`total` shared among `parts` with random weights; the shares add up exactly."""
    if parts <= 0:
        return []
    weights = [int(1000 * (1 + spread * (2 * rng.random() - 1))) for _ in range(parts)]
    return cumulative_shares(total, weights)


def cumulative_shares(total: int, weights: list[int]) -> list[int]:
    """Integer shares of `total` proportional to `weights`, summing to `total` exactly."""
    whole = sum(weights)
    if whole <= 0:
        return [0] * len(weights)
    out, acc, given = [], 0, 0
    for w in weights:
        acc += w
        upto = acc * total // whole
        out.append(upto - given)
        given = upto
    return out


def start_of_day(day: date) -> datetime:
    """Midnight of `day` in Asia/Shanghai, in UTC."""
    return datetime.combine(day, time(0, 0), SHANGHAI).astimezone(UTC)


def add_months(day: date, months: int) -> date:
    """The last day of the month `months` after `day`'s."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)
