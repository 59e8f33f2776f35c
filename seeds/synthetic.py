"""Synthetic province-scale data (`govgraph generate`), deterministic for a seed.

A province with cities, districts/counties and towns/streets, departments at each level
joined by the 条 line, enterprises and an inspection team; documents and plans of every
government; tasks with 任务类别, 序号 and 完成时限 in realistic proportions, single and
multi-lead and group (各镇（街道）) assignments, cooperating units and subtasks decomposed
from a district's share of a city task; two years of progress reports with the matching
status history, and the assignments' and tasks' present state derived from it exactly as
reportProgress derives it. Targets, monthly measurements and inspections with
rectifications in every workflow state come from seeds/synthetic_extras.py.

Generation is in two phases so the province fits in memory while two million reports do
not have to: `plan_province` draws the tree, the documents and every task's skeleton
(units, deadline, fate) and shares the report budget exactly among the assignments;
`task_batches` then streams the task, assignment, report and event rows in chunks, parents
before children. Every id is a uuid5 of the seed and a natural key; every random choice
comes from `random.Random(seed)`, so the same arguments give the same rows.
"""

from __future__ import annotations

import random
import uuid
from array import array
from dataclasses import dataclass
from datetime import date, timedelta

from models import stable_id
from models.enums import OrgUnitKind
from models.rules.deadline import ParsedDeadline
from models.rules.names import normalize_name
from seeds.synthetic_model import (
    COMPLETED,
    DEFAULT_AS_OF,
    IN_PROGRESS,
    NOT_STARTED,
    SHANGHAI,
    Gov,
    PlanSpec,
    Row,
    Sizes,
    TaskSpec,
    add_months,
    split,
    start_of_day,
)
from seeds.synthetic_names import (
    DEPARTMENTS,
    INDUSTRIES,
    PROVINCE_NAME,
    TOWN_SUFFIXES,
    NamePool,
    weighted_choice,
)
from seeds.synthetic_tasks import TaskPlanner

__all__ = [
    "COMPLETED",
    "DEFAULT_AS_OF",
    "IN_PROGRESS",
    "NOT_STARTED",
    "SHANGHAI",
    "Gov",
    "PlanSpec",
    "Province",
    "Row",
    "Sizes",
    "TaskSpec",
    "add_months",
    "start_of_day",
    "tree_shape",
]


@dataclass(frozen=True)
class Shape:
    """How many units of each kind a budget of units buys."""

    cities: int
    districts: int
    towns: int
    province_departments: int
    city_departments: int  # per city
    district_departments: int  # per district
    enterprises: int


def tree_shape(units: int) -> Shape:
    """Proportions of a real province (≈11 cities, 117 counties, 1,200 towns per 5,000)."""
    per_level = [sum(1 for d in DEPARTMENTS if d[level]) for level in (1, 2, 3)]
    cities = max(1, round(units * 11 / 5000))
    districts = max(cities, round(units * 117 / 5000))
    towns = max(districts, round(units * 0.24))
    prov = max(3, min(per_level[0], round(units * 0.008)))
    city = max(3, min(per_level[1], round(units * 0.077 / cities)))
    dist = max(3, min(per_level[2], round(units * 0.585 / districts)))
    enterprises = max(1, round(units * 0.064))

    def fixed() -> int:
        return 2 + cities + districts + towns + prov + cities * city + districts * dist

    while fixed() + enterprises > units:
        if dist > 3:
            dist -= 1
        elif towns > districts:
            towns -= 1
        elif city > 3:
            city -= 1
        elif enterprises > 0:
            enterprises -= 1
        else:
            raise ValueError(f"--units must be at least {fixed()}")
    return Shape(cities, districts, towns, prov, city, dist, units - fixed())


class Province(TaskPlanner):
    """Phase 1: units, documents, plans and task skeletons, with the report budget shared."""

    def __init__(self, sizes: Sizes, seed: int, as_of: date = DEFAULT_AS_OF) -> None:
        self.sizes, self.seed, self.as_of = sizes, seed, as_of
        self.rng = random.Random(seed)
        self.names = NamePool(self.rng)
        self.units: list[Row] = []
        self.aliases: list[Row] = []
        self.documents: list[Row] = []
        self.plans: list[Row] = []
        self.tasks: list[TaskSpec] = []
        self.assignment_units: array[int] = array("i")
        self.fates = array("b")
        self.counts = array("i")
        self.stamp = start_of_day(as_of - timedelta(days=3 * 365))
        self._deadlines: dict[str, ParsedDeadline] = {}
        self.province = self._build_tree()
        self.team = self._unit(
            "省第一生态环境保护督察组", OrgUnitKind.INSPECTION_TEAM, self.province.index, "G01"
        )
        self._build_tasks()
        self._share_reports()

    def id(self, *parts: object) -> uuid.UUID:
        """The deterministic id of a row of this dataset."""
        return stable_id("synthetic", self.seed, *parts)

    # -- the tree ----------------------------------------------------------------------------
    def _unit(
        self,
        name: str,
        kind: OrgUnitKind,
        parent: int | None,
        code: str,
        line_parent: int | None = None,
    ) -> int:
        unit_id = self.id("org_unit", code)
        up = self.units[parent] if parent is not None else None
        self.units.append(
            {
                "id": unit_id,
                "code": code,
                "name": name,
                "kind": kind.value,
                "parent_id": up["id"] if up else None,
                "line_parent_id": self.units[line_parent]["id"]
                if line_parent is not None
                else None,
                "path": (up["path"] if up else "/") + unit_id.hex + "/",
                "depth": up["depth"] + 1 if up else 0,
                "sort_order": len(self.units),
                "remarks": None,
                "created_at": self.stamp,
                "updated_at": self.stamp,
                "version": 1,
            }
        )
        return len(self.units) - 1

    def _alias(self, unit: int, alias: str) -> None:
        unit_id = self.units[unit]["id"]
        normalized = normalize_name(alias)
        self.aliases.append(
            {
                "id": self.id("org_unit_alias", unit_id, normalized),
                "org_unit_id": unit_id,
                "alias": alias,
                "normalized": normalized,
            }
        )

    def _departments(self, gov: Gov, count: int, level: int, line: Gov | None) -> None:
        """The first `count` departments the catalogue has at this level."""
        code, name = self.units[gov.index]["code"], self.units[gov.index]["name"]
        for spec in [d for d in DEPARTMENTS if d[level]][:count]:
            key, suffix, alias = spec[0], spec[level], spec[4]
            assert suffix is not None
            line_parent = line.by_key.get(key) if line else None
            index = self._unit(
                self.names.reserve(name + suffix),
                OrgUnitKind.DEPARTMENT,
                gov.index,
                f"{code}-{key}",
                line_parent=line_parent,
            )
            gov.departments.append(index)
            gov.by_key[key] = index
            if alias:
                self._alias(index, name + alias)

    def _build_tree(self) -> Gov:
        shape = tree_shape(self.sizes.units)
        rng = self.rng
        province = Gov(
            self._unit(PROVINCE_NAME, OrgUnitKind.PROVINCE, None, "910000"), OrgUnitKind.PROVINCE
        )
        self._alias(province.index, PROVINCE_NAME + "人民政府")
        self._departments(province, shape.province_departments, 1, None)
        districts_per_city = split(shape.districts - shape.cities, shape.cities, rng)
        for c in range(shape.cities):
            name = self.names.take("市")
            city = Gov(
                self._unit(name, OrgUnitKind.CITY, province.index, f"91{c + 1:02d}00"),
                OrgUnitKind.CITY,
            )
            self._alias(city.index, name + "人民政府")
            self._departments(city, shape.city_departments, 2, province)
            province.children.append(city)
            for d in range(districts_per_city[c] + 1):
                suffix = weighted_choice(rng, (("区", 35), ("县", 55), ("市", 10)))
                dname = self.names.take(suffix)
                district = Gov(
                    self._unit(
                        dname, OrgUnitKind.DISTRICT, city.index, f"91{c + 1:02d}{d + 1:02d}"
                    ),
                    OrgUnitKind.DISTRICT,
                )
                self._alias(district.index, dname + "人民政府")
                self._departments(district, shape.district_departments, 3, city)
                city.children.append(district)
        districts = [d for c in province.children for d in c.children]
        towns = split(shape.towns - len(districts), len(districts), rng)
        firms = split(shape.enterprises, len(districts), rng)
        for district, n_towns, n_firms in zip(districts, towns, firms, strict=True):
            code = self.units[district.index]["code"]
            for t in range(n_towns + 1):
                tname = self.names.take(weighted_choice(rng, TOWN_SUFFIXES))
                district.towns.append(
                    self._unit(tname, OrgUnitKind.TOWN, district.index, f"{code}{t + 1:03d}")
                )
            for e in range(n_firms):
                firm = self.names.take(rng.choice(INDUSTRIES) + "有限公司")
                district.enterprises.append(
                    self._unit(firm, OrgUnitKind.ENTERPRISE, district.index, f"{code}-E{e + 1:03d}")
                )
        return province

    def closure(self) -> list[Row]:
        """org_unit_closure: (ancestor, descendant, depth) for every unit and its ancestors."""
        by_id = {u["id"]: u for u in self.units}
        rows: list[Row] = []
        for unit in self.units:
            current: Row | None = unit
            depth = 0
            while current is not None:
                rows.append(
                    {"ancestor_id": current["id"], "descendant_id": unit["id"], "depth": depth}
                )
                current = by_id.get(current["parent_id"])
                depth += 1
        return rows

    # -- documents, plans and tasks -------------------------------------------------------------
