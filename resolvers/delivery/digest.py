"""The daily digest per unit (每日督办摘要; issue 18, point 3), in Chinese.

For every unit with an active DAILY_DIGEST contact, once per day: what is due soon and what
is overdue in the unit's subtree (tasks with a lead share there, judged as taskRollup judges
them: models/rules/task_state.py's task_states, deadline_at, due_soon, overdue as of the
day), the escalations addressed to the unit that are not closed, and the reports returned
(退回) to the unit or a unit below it that the unit has not answered with a later report
(models/rules/report_review.py `still_returned`), per reporting unit, with the reason. Each
section is one grouped SQL statement over all the units at once.

Once per unit and day across workers and restarts: `digest_run` is unique per (unit, day);
`build_digests` inserts the day's rows ON CONFLICT DO NOTHING RETURNING and builds the
digests of the units it inserted, writing one notification per digest contact (dedup key
`digest:<day>`) in the same transaction. A worker that loses the race inserts nothing and
builds nothing; a worker killed before commit leaves nothing, and the next run builds it.
The notifications are then sent like any other (resolvers/delivery/people.py).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import models
from models.contact import ContactMode
from models.enums import EscalationStatus, RoleScope
from models.messages import message
from models.rules import calendar
from models.rules import task_state as rules
from models.rules.report_review import still_returned
from resolvers.delivery.people import PENDING, insert_ignoring_duplicates, level_word
from resolvers.delivery.transactions import write_transaction

contact_t = models.metadata.tables["contact"]
run_t = models.metadata.tables["digest_run"]
task_t = models.metadata.tables["task"]
rect_t = models.metadata.tables["rectification"]
escalation_t = models.metadata.tables["escalation"]
unit_t = models.metadata.tables["org_unit"]
report_t = models.metadata.tables["progress_report"]
assignment_t = models.metadata.tables["assignment"]

LINES = 10  # items listed per section (the count is always whole)


@dataclass
class Digest:
    """One unit's digest for one day."""

    unit: uuid.UUID
    unit_name: str
    day: date
    due_soon: list[dict[str, Any]] = field(default_factory=list)
    overdue: list[dict[str, Any]] = field(default_factory=list)
    escalations: list[dict[str, Any]] = field(default_factory=list)
    returned: list[dict[str, Any]] = field(default_factory=list)  # 被退回的报告

    @property
    def subject(self) -> str:
        return message("DIGEST_SUBJECT", unit=self.unit_name, day=self.day.isoformat()).render()

    def text(self) -> str:
        """The digest in Chinese."""
        out = [message("DIGEST_INTRO", unit=self.unit_name, day=self.day.isoformat()).render()]

        def section(heading: str, items: list[dict[str, Any]], line: Any) -> None:
            out.append("")
            out.append(message(heading, count=len(items)).render())
            out.extend(line(item) for item in items[:LINES])
            if len(items) > LINES:
                out.append(message("DIGEST_MORE", count=len(items) - LINES).render())
            if not items:
                out.append(message("DIGEST_NONE").render())

        section(
            "DIGEST_DUE_SOON",
            self.due_soon,
            lambda t: message("DIGEST_TASK_LINE", title=t["title"], deadline=t["end"]).render(),
        )
        section(
            "DIGEST_OVERDUE",
            self.overdue,
            lambda t: message(
                "DIGEST_OVERDUE_LINE",
                title=t["title"],
                deadline=t["end"],
                days=rules.days_overdue(t["end"], self.day),
            ).render(),
        )
        section(
            "DIGEST_ESCALATIONS",
            self.escalations,
            lambda e: message(
                "DIGEST_ESCALATION_LINE",
                level=level_word(e["level"]),
                title=e["title"] or "",
                issued=e["issued_on"],
            ).render(),
        )
        section(
            "DIGEST_RETURNED",
            self.returned,
            lambda r: message(
                "DIGEST_RETURNED_LINE",
                unit=r["unit"],
                title=r["title"],
                reported=calendar.local_date(r["reported_at"]).isoformat(),
                reason=r["reason"] or "",
            ).render(),
        )
        return "\n".join(out)


async def read_digests(conn: AsyncConnection, units: list[uuid.UUID], day: date) -> list[Digest]:
    """The digests of these units for `day` (as of the end of it; today: the present)."""
    if not units:
        return []
    found = await conn.execute(sa.select(unit_t.c.id, unit_t.c.name).where(unit_t.c.id.in_(units)))
    names = {row.id: row.name for row in found}
    digests = {u: Digest(u, names.get(u, ""), day) for u in units}
    cutoff = calendar.cutoff(day)
    scope = rules.unit_scope(units, True).cte("digest_units")
    scoped = rules.tasks_of_units(scope, RoleScope.LEAD, cutoff)
    states = rules.task_states(scoped, cutoff=cutoff, units=scope)
    kind, end = rules.deadline_at(task_t, cutoff)
    completed = states.c.completed
    late = rules.overdue(completed, kind, end, day)
    soon = rules.due_soon(completed, kind, end, day)
    tasks = await conn.execute(
        sa.select(
            states.c.root_id,
            task_t.c.id,
            task_t.c.title,
            end.label("end"),
            late.label("late"),
        )
        .select_from(states.join(task_t, task_t.c.id == states.c.task_id))
        .where(sa.or_(late, soon))
        .order_by(states.c.root_id, end, task_t.c.id)
    )
    for row in tasks.mappings():
        item = {"id": row["id"], "title": row["title"], "end": row["end"]}
        digest = digests[row["root_id"]]
        (digest.overdue if row["late"] else digest.due_soon).append(item)
    escalations = await conn.execute(
        sa.select(
            escalation_t.c.addressed_to_id,
            escalation_t.c.level,
            escalation_t.c.issued_on,
            sa.func.coalesce(task_t.c.title, rect_t.c.problem).label("title"),
        )
        .select_from(
            escalation_t.outerjoin(task_t, task_t.c.id == escalation_t.c.task_id).outerjoin(
                rect_t, rect_t.c.id == escalation_t.c.rectification_id
            )
        )
        .where(
            escalation_t.c.addressed_to_id.in_(units),
            escalation_t.c.status != EscalationStatus.CLOSED.value,
            escalation_t.c.issued_on <= day,
        )
        .order_by(escalation_t.c.issued_on.desc(), escalation_t.c.id)
    )
    for row in escalations.mappings():
        digests[row["addressed_to_id"]].escalations.append(dict(row))
    later = report_t.alias("later_report")
    reporter = unit_t.alias("reporting_unit")
    returned = await conn.execute(
        sa.select(
            scope.c.root_id,
            reporter.c.name.label("unit"),
            task_t.c.title,
            report_t.c.reported_at,
            report_t.c.review_reason.label("reason"),
        )
        .select_from(
            report_t.join(assignment_t, assignment_t.c.id == report_t.c.assignment_id)
            .join(scope, scope.c.unit_id == assignment_t.c.org_unit_id)
            .join(task_t, task_t.c.id == assignment_t.c.task_id)
            .join(reporter, reporter.c.id == assignment_t.c.org_unit_id)
        )
        .where(still_returned(report_t, later, cutoff))
        .order_by(scope.c.root_id, reporter.c.name, report_t.c.reviewed_at, report_t.c.id)
    )
    for row in returned.mappings():
        digests[row["root_id"]].returned.append(dict(row))
    return [digests[u] for u in units]


def _insert_runs(conn: AsyncConnection) -> Any:
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    return insert(run_t)


async def build_digests(engine: AsyncEngine, day: date, now: datetime) -> int:
    """Build the day's digests not yet built (once per unit and day); how many."""
    async with write_transaction(engine) as conn:
        contacts = (
            (
                await conn.execute(
                    sa.select(contact_t).where(
                        contact_t.c.active.is_(True),
                        contact_t.c.mode == ContactMode.DAILY_DIGEST.value,
                        ~sa.exists().where(
                            run_t.c.org_unit_id == contact_t.c.org_unit_id, run_t.c.day == day
                        ),
                    )
                )
            )
            .mappings()
            .all()
        )
        by_unit: dict[uuid.UUID, list[Any]] = defaultdict(list)
        for contact in contacts:
            by_unit[contact["org_unit_id"]].append(contact)
        if not by_unit:
            return 0
        runs = [
            {
                "id": uuid.uuid4(),
                "org_unit_id": unit,
                "day": day,
                "messages": len(unit_contacts),
                "created_at": now,
            }
            for unit, unit_contacts in by_unit.items()
        ]
        owned = list(
            (
                await conn.execute(
                    _insert_runs(conn)
                    .values(runs)
                    .on_conflict_do_nothing()
                    .returning(run_t.c.org_unit_id)
                )
            ).scalars()
        )
        if not owned:
            return 0
        digests = await read_digests(conn, sorted(owned), day)
        rows = [
            {
                "id": uuid.uuid4(),
                "contact_id": contact["id"],
                "dedup_key": f"digest:{day.isoformat()}",
                "event_id": None,
                "event_type": "digest",
                "channel": contact["channel"],
                "address": contact["address"],
                "subject": digest.subject[:300],
                "body": digest.text(),
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for digest in digests
            for contact in by_unit[digest.unit]
        ]
        if rows:
            await conn.execute(insert_ignoring_duplicates(conn, rows))
        return len(digests)
