"""Phase 2 of the synthetic province: task, assignment, report and status-event rows, streamed.

Each assignment's history is its reports in time order, each with its status event after
the NOT_STARTED event of its creation; its present state is its last report's, and the
task's state is derived from its LEAD assignments as reportProgress derives it (COMPLETED
when all are, IN_PROGRESS when any started, progress their mean with completed ones at 100).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from models.enums import AssignmentRole, TaskStatus
from models.rules import task_state as task_rules
from models.rules.labels import seq_path
from seeds.synthetic import COMPLETED, SHANGHAI, Province, Row, TaskSpec, start_of_day
from seeds.synthetic_names import REPORT_PHRASES

LEAD = AssignmentRole.LEAD.value
COOPERATING = AssignmentRole.COOPERATING.value
Batch = list[tuple[str, list[Row]]]


def task_path(task: TaskSpec) -> str:
    """The task's stored 序号 path (3.1): labels.seq_path under its parents' paths."""
    parent = task_path(task.parent) if task.parent is not None else None
    return seq_path(parent, task.seq)


def task_batches(province: Province, chunk: int = 2000) -> Iterator[Batch]:
    """Rows of `chunk` tasks at a time, in an order the foreign keys accept.

    Top-level tasks and their assignments come before subtasks (whose origin assignment
    must exist), reports before the status events that point at them.
    """
    rng = random.Random(province.seed * 7919 + 1)
    for start in range(0, len(province.tasks), chunk):
        parts: dict[str, list[Row]] = {
            "top": [],
            "top_assignments": [],
            "sub": [],
            "sub_assignments": [],
            "progress_report": [],
            "assignment_status_event": [],
        }
        for task in province.tasks[start : start + chunk]:
            _task_rows(province, task, rng, parts)
        yield [
            ("task", parts["top"]),
            ("assignment", parts["top_assignments"]),
            ("task", parts["sub"]),
            ("assignment", parts["sub_assignments"]),
            ("progress_report", parts["progress_report"]),
            ("assignment_status_event", parts["assignment_status_event"]),
        ]


def assignment_id(province: Province, task: TaskSpec, unit: int, role: str) -> Any:
    """The id of a task's assignment to a unit in a role."""
    return province.id("assignment", task.id, province.units[unit]["id"], role)


def _times(
    rng: random.Random, n: int, low: datetime, high: datetime, ceiling: datetime
) -> list[datetime]:
    """`n` strictly increasing report times between `low` and `high` (at most `ceiling`)."""
    a = int(low.timestamp())
    b = max(a + 60 * n, min(int(high.timestamp()), int(ceiling.timestamp())))
    stamps = sorted(a + int(rng.random() * (b - a)) for _ in range(n))
    for i in range(1, n):
        if stamps[i] <= stamps[i - 1]:
            stamps[i] = stamps[i - 1] + 1
    return [datetime.fromtimestamp(s, UTC) for s in stamps]


def _task_rows(
    province: Province, task: TaskSpec, rng: random.Random, out: dict[str, list[Row]]
) -> None:
    units = province.units
    ceiling = start_of_day(province.as_of + timedelta(days=1)) - timedelta(seconds=1)
    sub = task.parent is not None
    assignments = out["sub_assignments" if sub else "top_assignments"]
    updated = task.created
    lead_states: list[tuple[str, float]] = []
    members = [(u, LEAD, task.lead_group) for u in task.leads]
    members += [(u, COOPERATING, task.coop_group) for u in task.coops]
    for k, (unit, role, group) in enumerate(members):
        position = task.first + k
        n, fate = province.counts[position], province.fates[position]
        unit_row = units[unit]
        aid = assignment_id(province, task, unit, role)
        out["assignment_status_event"].append(
            {
                "id": province.id("assignment_status_event", aid, 0),
                "assignment_id": aid,
                "report_id": None,
                "effective_at": task.created,
                "status": TaskStatus.NOT_STARTED.value,
                "progress": 0.0,
            }
        )
        status, progress, last = TaskStatus.NOT_STARTED.value, 0.0, None
        if n:
            low = task.created + timedelta(hours=20)
            if fate == COMPLETED:
                end = task.deadline.end or province.as_of
                high = start_of_day(end + timedelta(days=rng.randint(-40, 25)))
                percents = [*sorted(rng.randint(1, 99) for _ in range(n - 1)), 100]
            else:
                high = ceiling - timedelta(days=rng.randint(0, 45))
                percents = sorted(rng.randint(1, 95) for _ in range(n))
            for i, (at, percent) in enumerate(
                zip(_times(rng, n, low, high, ceiling), percents, strict=True)
            ):
                state = (
                    TaskStatus.COMPLETED.value if percent == 100 else TaskStatus.IN_PROGRESS.value
                )
                report_id = province.id("progress_report", aid, i)
                local = at.astimezone(SHANGHAI)
                out["progress_report"].append(
                    {
                        "id": report_id,
                        "assignment_id": aid,
                        "reported_by_unit_id": unit_row["id"],
                        "reported_by": f"{unit_row['name']}联络员",
                        "reported_at": at,
                        "period": f"{local.year}-{local.month:02d}",
                        "percent": float(percent),
                        "status": state,
                        "narrative": rng.choice(REPORT_PHRASES),
                        "evidence": (
                            [{"url": f"https://evidence.example.org/{report_id.hex}.pdf"}]
                            if rng.random() < 0.1
                            else []
                        ),
                        "created_at": at,
                    }
                )
                out["assignment_status_event"].append(
                    {
                        "id": province.id("assignment_status_event", aid, i + 1),
                        "assignment_id": aid,
                        "report_id": report_id,
                        "effective_at": at,
                        "status": state,
                        "progress": float(percent),
                    }
                )
                status, progress, last = state, float(percent), at
            updated = max(updated, at)
        if role == LEAD:
            lead_states.append((status, progress))
        assignments.append(
            {
                "id": aid,
                "task_id": task.id,
                "org_unit_id": unit_row["id"],
                "role": role,
                "via_group": group,
                "status": status,
                "progress": progress,
                "last_reported_at": last,
                "created_at": task.created,
                "updated_at": last or task.created,
                "version": 1 + n,
            }
        )
    out["sub" if sub else "top"].append(_task_row(province, task, lead_states, updated, rng))


def derived_state(leads: list[tuple[str, float]]) -> tuple[str, float]:
    """A task's (status, progress) from its leads' (status, progress), as recompute_task."""
    status = task_rules.state_from_shares(s for s, _ in leads)
    return status.value, task_rules.progress_from_shares(leads)


def _task_row(
    province: Province,
    task: TaskSpec,
    leads: list[tuple[str, float]],
    updated: datetime,
    rng: random.Random,
) -> Row:
    status, progress = derived_state(leads)
    names = [province.units[u]["name"] for u in task.leads]
    responsibility = task.lead_group or "、".join(names)
    origin = (
        assignment_id(province, task.parent, task.origin, LEAD)
        if task.parent is not None and task.origin is not None
        else None
    )
    weight = 2.0 if rng.random() < 0.08 else 0.5 if rng.random() < 0.05 else 1.0
    return {
        "id": task.id,
        "code": task.code,
        "plan_id": task.plan.id,
        "document_id": task.plan.document_id,
        "parent_id": task.parent.id if task.parent is not None else None,
        "origin_assignment_id": origin,
        "seq": task.seq,
        "seq_path": task_path(task),
        "category": task.category,
        "title": task.title,
        "description": f"{task.title}，明确责任分工，{task.deadline.text}完成并报送进展。",
        "remarks": None,
        "responsibility_text": responsibility,
        "responsibility_unresolved": [],
        "deadline_kind": task.deadline.kind.value,
        "deadline_start": task.deadline.start,
        "deadline_end": task.deadline.end,
        "deadline_text": task.deadline.text,
        "weight": weight,
        "status": status,
        "progress": progress,
        "created_at": task.created,
        "updated_at": updated,
        "version": 1,
    }
