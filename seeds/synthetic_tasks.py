"""Documents, plans and task skeletons of the synthetic province (phase 1, after the tree).

`TaskPlanner` is mixed into `Province` (seeds/synthetic.py): it draws every government's
documents and plans, each plan's tasks with their 任务类别, 序号, 完成时限, lead and cooperating
units (or groups) and the state each share ends in, splits some shares into subtasks, and shares
the report budget exactly among the shares that started.
"""

from __future__ import annotations

import random
import uuid
from array import array
from datetime import date, datetime, timedelta

from models.enums import DeadlineKind, OrgUnitKind
from models.rules.deadline import ParsedDeadline, parse_deadline
from seeds.synthetic_model import (
    COMPLETED,
    FIELDS,
    HISTORY_DAYS,
    IN_PROGRESS,
    NOT_STARTED,
    SHANGHAI,
    SUBTASK_SHARE,
    TASKS_PER_PLAN,
    Gov,
    PlanSpec,
    Row,
    Sizes,
    TaskSpec,
    add_months,
    cumulative_shares,
    split,
    start_of_day,
)
from seeds.synthetic_names import (
    CATEGORIES,
    OBJECTS,
    PLAN_TITLES,
    VERBS,
    weighted_choice,
)


class TaskPlanner:
    """The task half of `Province`; the tree half provides these attributes."""

    sizes: Sizes
    seed: int
    as_of: date
    rng: random.Random
    units: list[Row]
    documents: list[Row]
    plans: list[Row]
    tasks: list[TaskSpec]
    assignment_units: array[int]
    fates: array[int]
    counts: array[int]
    province: Gov
    _deadlines: dict[str, ParsedDeadline]

    def id(self, *parts: object) -> uuid.UUID:
        """The deterministic id of a row of this dataset."""
        raise NotImplementedError

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
