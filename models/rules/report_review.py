"""Report review (审核 / 退回): which progress reports count, and from when. The one home of
"the assignment's current state is its latest report" (DESIGN.md, "Model").

A plan's policy (Plan.report_review) says which reports of its tasks the supervising unit
reviews before they count:
- NONE (the default): none; every report counts when it is made (review state NOT_REQUIRED);
- FINAL: a report of COMPLETED (a share's 100%) is SUBMITTED and counts once ACCEPTED; the
  others count when made. Completion thus needs an accepted final report;
- ALL: every report is SUBMITTED and counts once ACCEPTED.
A submitted report moves once: ACCEPTED, or RETURNED with a reason (it never counts; the
reporter reports again). Accepted and returned are final.

The rule, used by every surface:
- a report *counts* when its review state is NOT_REQUIRED or ACCEPTED (`counts`, `counting`);
- a share's state is its *latest counting report* (by reported_at, then id), and it holds
  from the moment the report began to count: when made (NOT_REQUIRED) or when accepted
  (ACCEPTED, `reviewed_at`). So the state as of a day is reproducible: a report accepted on
  day D counts from D, not from the day it was written, and one that was never accepted
  never counted.
The services write that moment as an assignment status event (effective at it) and the
share's row (models/task.py): present state, maintained rollups and their history, as-of
rollups, overdue, both read paths and exports read those, so they all count accepted state
and nothing else. A report accepted after a later report already counts (by reported_at)
changes no state: the later one stays the latest counting report (`latest_counting`).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from models.enums import ReportReviewDecision, ReportReviewPolicy, ReportReviewState, TaskStatus

COUNTING = frozenset({ReportReviewState.NOT_REQUIRED, ReportReviewState.ACCEPTED})
COUNTING_VALUES = tuple(sorted(s.value for s in COUNTING))

# decision -> the state it moves a SUBMITTED report to
DECISIONS: dict[ReportReviewDecision, ReportReviewState] = {
    ReportReviewDecision.ACCEPT: ReportReviewState.ACCEPTED,
    ReportReviewDecision.RETURN: ReportReviewState.RETURNED,
}
REVIEWABLE = ReportReviewState.SUBMITTED


def needs_review(policy: ReportReviewPolicy | str, status: TaskStatus | str) -> bool:
    """Whether a report of `status` under the plan's `policy` waits for review to count."""
    match ReportReviewPolicy(policy):
        case ReportReviewPolicy.ALL:
            return True
        case ReportReviewPolicy.FINAL:
            return TaskStatus(status) is TaskStatus.COMPLETED
    return False


def initial_state(policy: ReportReviewPolicy | str, status: TaskStatus | str) -> ReportReviewState:
    """A new report's review state: SUBMITTED when it needs review, else NOT_REQUIRED."""
    if needs_review(policy, status):
        return ReportReviewState.SUBMITTED
    return ReportReviewState.NOT_REQUIRED


def counts(state: ReportReviewState | str) -> bool:
    """Whether a report in review state `state` counts toward its share's state."""
    return ReportReviewState(state) in COUNTING


def decided(decision: ReportReviewDecision | str) -> ReportReviewState:
    """The state a decision moves a SUBMITTED report to."""
    return DECISIONS[ReportReviewDecision(decision)]


def needs_reason(decision: ReportReviewDecision | str) -> bool:
    """A return says why (退回原因); an acceptance may."""
    return ReportReviewDecision(decision) is ReportReviewDecision.RETURN


# -- the same rules in SQL -----------------------------------------------------------------


def counting(report: Any) -> sa.ColumnElement[bool]:
    """SQL twin of `counts` on a progress_report table (or alias)."""
    condition: sa.ColumnElement[bool] = report.c.review_state.in_(COUNTING_VALUES)
    return condition


def latest_counting(report: Any, assignment_id: Any) -> sa.Select[Any]:
    """The id of the share's latest counting report (by reported_at, then id): its state."""
    return (
        sa.select(report.c.id)
        .where(report.c.assignment_id == assignment_id, counting(report))
        .order_by(report.c.reported_at.desc(), report.c.id.desc())
        .limit(1)
    )


def still_returned(report: Any, later: Any, cutoff: Any = None) -> sa.ColumnElement[bool]:
    """A RETURNED report (退回) its unit has not answered yet: no later report on its share
    (`later`: another alias of progress_report). With `cutoff` (a datetime), as of then:
    returned before it, and no later report made before it. The digest's "returned reports"."""
    answered = sa.exists().where(
        later.c.assignment_id == report.c.assignment_id,
        sa.or_(
            later.c.reported_at > report.c.reported_at,
            sa.and_(later.c.reported_at == report.c.reported_at, later.c.id > report.c.id),
        ),
        *([later.c.reported_at < cutoff] if cutoff is not None else []),
    )
    condition = sa.and_(
        report.c.review_state == ReportReviewState.RETURNED.value,
        *([report.c.reviewed_at < cutoff] if cutoff is not None else []),
        ~answered,
    )
    return condition
