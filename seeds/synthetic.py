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
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from models import stable_id
from models.enums import AssignmentRole, DeadlineKind, OrgUnitKind, PlanField
from seeds.parsing.deadline import ParsedDeadline, parse_deadline
from seeds.parsing.names import normalize_name
from seeds.synthetic_names import (
    CATEGORIES,
    DEPARTMENTS,
    INDUSTRIES,
    OBJECTS,
    PLAN_TITLES,
    PROVINCE_NAME,
    TOWN_SUFFIXES,
    VERBS,
    NamePool,
    weighted_choice,
)

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


class Province:
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
    def _governments(self) -> list[Gov]:
        cities = self.province.children
        return [self.province, *cities, *(d for c in cities for d in c.children)]

    def _plans(self, gov: Gov, n_tasks: int) -> list[tuple[PlanSpec, int]]:
        """Documents of a government, each with one to three plans, sharing its tasks."""
        rng = self.rng
        n_plans = max(1, round(n_tasks / TASKS_PER_PLAN))
        gov_row = self.units[gov.index]
        out: list[PlanSpec] = []
        number = 0
        while len(out) < n_plans:
            number += 1
            issued = self.as_of - timedelta(days=rng.randint(60, HISTORY_DAYS))
            doc_number = f"{gov_row['name']}政办发〔{issued.year}〕{number}号"
            doc_id = self.id("document", gov_row["code"], number)
            fields = FIELDS[: min(rng.randint(1, 3), n_plans - len(out))]
            self.documents.append(
                {
                    "id": doc_id,
                    "doc_number": doc_number,
                    "doc_number_normalized": doc_number,
                    "title": f"关于印发{gov_row['name']}{issued.year}年污染防治攻坚行动计划的通知",
                    "kind": "NOTICE",
                    "issuer_id": gov_row["id"],
                    "issued_on": issued,
                    "based_on": None,
                    "summary": None,
                    "body": None,
                    "attributes": {},
                    "remarks": None,
                    "created_at": start_of_day(issued),
                    "updated_at": start_of_day(issued),
                    "version": 1,
                }
            )
            for seq, plan_field in enumerate(fields, start=1):
                plan_id = self.id("plan", doc_id, plan_field.value)
                self.plans.append(
                    {
                        "id": plan_id,
                        "document_id": doc_id,
                        "parent_id": None,
                        "key": plan_field.value.lower(),
                        "title": f"{gov_row['name']}{issued.year}年{PLAN_TITLES[plan_field]}",
                        "kind": "ACTION_PLAN",
                        "field": plan_field.value,
                        "year": issued.year,
                        "seq": seq,
                        "objectives": None,
                        "source": None,
                        "narrative": [],
                        "created_at": start_of_day(issued),
                        "updated_at": start_of_day(issued),
                        "version": 1,
                    }
                )
                out.append(
                    PlanSpec(
                        plan_id, doc_id, gov, issued, f"{doc_number}/{plan_field.value}", plan_field
                    )
                )
        return list(zip(out, split(n_tasks, len(out), self.rng), strict=True))

    def _deadline(self, issued: date, kind: str) -> ParsedDeadline:
        rng = self.rng
        if kind == "BY_DATE":
            end = add_months(issued, rng.randint(2, 22))
            text = f"{end.year}年{end.month}月底前"
        elif kind == "PERIOD":
            # The coming May–September: this year's if it has not begun yet.
            text = f"{issued.year + (issued.month >= 5) + rng.randint(0, 1)}年5-9月"
        elif kind == "FROM_DATE":
            start = add_months(issued, rng.randint(0, 3)) + timedelta(days=1)
            text = f"{start.year}年{start.month}月起"
        elif kind == "ONGOING":
            text = rng.choice(("长期坚持", "长期坚持", "常态化推进"))
        else:
            text = rng.choice(("按上级要求", "按省市统一部署"))
        parsed = self._deadlines.get(text)
        if parsed is None:
            parsed = self._deadlines[text] = parse_deadline(text, default_year=issued.year)
        return parsed

    def _fate(self, deadline: ParsedDeadline) -> int:
        """The state a share ends in: most past-due work done, some overdue, some idle."""
        roll = self.rng.random()
        if deadline.kind is DeadlineKind.ONGOING:
            return IN_PROGRESS if roll < 0.8 else NOT_STARTED
        if deadline.end is not None and deadline.end < self.as_of:
            return COMPLETED if roll < 0.6 else IN_PROGRESS if roll < 0.9 else NOT_STARTED
        return COMPLETED if roll < 0.15 else IN_PROGRESS if roll < 0.75 else NOT_STARTED

    def _responsible(self, gov: Gov) -> tuple[list[int], str | None, list[int], str | None]:
        """Lead units (or a group), cooperating units (or a group) of a task of `gov`."""
        rng = self.rng
        leads: list[int]
        lead_group: str | None = None
        coop_group: str | None = None
        if gov.level is OrgUnitKind.DISTRICT:
            pool, group, members = gov.departments, "各镇（街道）", gov.towns
        elif gov.level is OrgUnitKind.CITY:
            pool, group = gov.departments, "各县（市、区）人民政府"
            members = [d.index for d in gov.children]
        else:
            pool, group = gov.departments, "各市人民政府"
            members = [c.index for c in gov.children]
        roll = rng.random()
        if roll < 0.18 and members:
            leads, lead_group = list(members), group
        elif roll < 0.21 and gov.enterprises:
            leads = [rng.choice(gov.enterprises)]
        else:
            n = 1 if roll < 0.72 else 2 if roll < 0.93 else 3
            leads = rng.sample(pool, min(n, len(pool)))
        roll = rng.random()
        if roll < 0.05 and members and lead_group is None:
            coops, coop_group = list(members), group
        else:
            n = 0 if roll < 0.4 else 1 if roll < 0.7 else 2 if roll < 0.9 else 3
            coops = [u for u in rng.sample(pool, min(n, len(pool))) if u not in leads]
        return leads, lead_group, coops, coop_group

    def _task(
        self,
        plan: PlanSpec,
        seq: int,
        code: str,
        category: str,
        created: datetime,
        deadline: ParsedDeadline,
        responsible: tuple[list[int], str | None, list[int], str | None],
        parent: TaskSpec | None = None,
        origin: int | None = None,
    ) -> TaskSpec:
        rng = self.rng
        leads, lead_group, coops, coop_group = responsible
        title = f"{rng.choice(VERBS)}{rng.choice(OBJECTS[plan.field])}"
        task = TaskSpec(
            index=len(self.tasks),
            id=self.id("task", code),
            plan=plan,
            seq=seq,
            code=code,
            category=category,
            title=title,
            deadline=deadline,
            created=created,
            leads=leads,
            coops=coops,
            lead_group=lead_group,
            coop_group=coop_group,
            parent=parent,
            origin=origin,
            first=len(self.fates),
        )
        self.tasks.append(task)
        task_fate = self._fate(deadline)
        for unit in leads:
            self.assignment_units.append(unit)
            self.fates.append(task_fate if rng.random() < 0.8 else self._fate(deadline))
        for unit in coops:
            self.assignment_units.append(unit)
            self.fates.append(IN_PROGRESS if rng.random() < 0.25 else NOT_STARTED)
        return task

    def _build_tasks(self) -> None:
        rng = self.rng
        total = self.sizes.tasks
        subtasks = round(total * SUBTASK_SHARE)
        top = total - subtasks
        govs = self._governments()
        levels = {
            OrgUnitKind.PROVINCE: 0.03,
            OrgUnitKind.CITY: 0.22,
            OrgUnitKind.DISTRICT: 0.75,
        }
        weights = [
            int(10000 * levels[g.level] / sum(1 for h in govs if h.level is g.level)) for g in govs
        ]
        for gov, n_tasks in zip(govs, cumulative_shares(top, weights), strict=True):
            for plan, n_plan in self._plans(gov, n_tasks) if n_tasks else []:
                categories = CATEGORIES[plan.field]
                per_category = split(n_plan, len(categories), rng, spread=0.8)
                seq = 0
                for category, n_cat in zip(categories, per_category, strict=True):
                    for _ in range(n_cat):
                        seq += 1
                        kind = weighted_choice(rng, _DEADLINE_KINDS)
                        self._task(
                            plan,
                            seq,
                            f"{plan.code_prefix}/{seq:03d}",
                            category,
                            start_of_day(plan.issued),
                            self._deadline(plan.issued, kind),
                            self._responsible(gov),
                        )
        self._decompose(subtasks)

    def _decompose(self, budget: int) -> None:
        """Subtasks: a district (or city) splits its share of a superior's task (decomposeTask)."""
        rng = self.rng
        by_index = {g.index: g for g in self._governments()}
        shares = [
            (task, unit)
            for task in self.tasks
            if task.lead_group is not None and task.plan.gov.level is not OrgUnitKind.DISTRICT
            for unit in task.leads
        ]
        rng.shuffle(shares)
        made = 0
        seqs: dict[int, int] = {}
        while made < budget:
            if not shares:
                # No superior task to split (a tiny province): split a district task instead.
                shares = [(self.tasks[0], self.tasks[0].leads[0])]
            for parent, unit in shares:
                if made >= budget:
                    break
                gov = by_index.get(unit)
                for _ in range(min(budget - made, rng.randint(2, 3))):
                    seq = seqs[parent.index] = seqs.get(parent.index, 0) + 1
                    created = min(
                        parent.created + timedelta(days=rng.randint(10, 60)),
                        max(parent.created, start_of_day(self.as_of - timedelta(days=7))),
                    )
                    issued = created.astimezone(SHANGHAI).date()
                    kind = "BY_DATE" if parent.deadline.end else parent.deadline.kind.value
                    if gov is not None and gov.departments:
                        n_leads = min(rng.randint(1, 2), len(gov.departments))
                        leads = rng.sample(gov.departments, n_leads)
                        coops = [u for u in rng.sample(gov.departments, 1) if u not in leads]
                    else:
                        leads, coops = [unit], []
                    self._task(
                        parent.plan,
                        seq,
                        f"{parent.code}/{seq:02d}",
                        parent.category,
                        created,
                        self._deadline(issued, kind),
                        (leads, None, coops, None),
                        parent=parent,
                        origin=unit,
                    )
                    made += 1

    # -- the report budget ---------------------------------------------------------------------
    def _share_reports(self) -> None:
        """Exactly `sizes.reports` reports: one for every share that started, the rest by weight.

        A share that started needs at least one report; with too few reports the last ones
        in order stay NOT_STARTED instead (their state always follows their reports).
        """
        rng = self.rng
        budget = self.sizes.reports
        self.counts = array("i", bytes(4 * len(self.fates)))
        weights: list[int] = []
        started = [i for i, fate in enumerate(self.fates) if fate != NOT_STARTED]
        if budget < len(started):
            for i in started[budget:]:
                self.fates[i] = NOT_STARTED
            started = started[:budget]
        for i in started:
            self.counts[i] = 1
            weights.append((1 + self.fates[i]) * rng.randint(3, 17))
        for i, extra in zip(
            started, cumulative_shares(budget - len(started), weights), strict=True
        ):
            self.counts[i] += extra


_DEADLINE_KINDS = (
    ("BY_DATE", 55),
    ("ONGOING", 18),
    ("PERIOD", 10),
    ("FROM_DATE", 5),
    ("UNSPECIFIED", 12),
)
ROLES = (AssignmentRole.LEAD.value, AssignmentRole.COOPERATING.value)
