"""考核 scoring: the one home of what a rubric line counts (issue 17, point 9).

A unit is scored for a period [start, end] as of a day D, from its own LEAD shares (and,
with descendants, those of the units below it) and the escalations addressed to it:

- a share is *assessed* in the period when its task's deadline is rated (not 长期坚持) and
  the deadline's end E, as in force as of D (models/rules/task_state.py `deadline_at`: an
  approved extension moves E), lies in the period, and by D the share is either completed
  or past E. A share neither done nor due yet is not judged;
- it is *completed* when its state as of D is COMPLETED; its *completion day* C is the day
  of the first COMPLETED event after its last non-completed one (a reopened share completes
  again later);
- *days late*: C − E for a completed share (0 when C ≤ E), D − E for an open one (the
  days_overdue of task_state: 1 on the day after E);
- an escalation counts in the period when it was issued within [start, min(end, D)];
- a returned progress report (退回, models/rules/report_review.py) of one of the unit's LEAD
  shares counts in the period when it was returned within [start, min(end, D)];
- a LEAD share of a rectification item (整改, models/rules/rectification_state.py: the unit's
  own share, never its co-responsible units') is assessed like a task share, with the item's
  deadline (not 长期坚持), *done* for completed (COMPLETED, VERIFIED or CLOSED as of D: the
  unit finished its part, 验收/销号 follow) and its *done day* the first done event (its
  own, or a move of the item as a whole) after its last not-done one.

A rubric line (models/score.py) of kind
- COMPLETED_ON_TIME scores `points` per completed share with 0 days late,
- COMPLETED_LATE scores `points` per completed share with days late > 0,
- OVERDUE_DAY scores `points` × days late per share with days late > 0 (open or done),
- ESCALATION scores `points` per escalation of its `level` (any level when null),
- RETURNED_REPORT scores `points` per returned report,
- RECTIFICATION_COMPLETED_ON_TIME, RECTIFICATION_COMPLETED_LATE, RECTIFICATION_OVERDUE_DAY
  score a rectification share as the three share kinds score a task share,
and `cap` bounds one item's points in absolute value. A unit's score is the sum of its
items' points: every point of it is one (line, item) row, so the breakdown explains it.

Each rule is here twice, in Python and as SQL expressions over columns; the property test
(tests/models/rules/test_score.py) proves the twins agree on both databases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from models.enums import ScoreRuleKind

ON_TIME = ScoreRuleKind.COMPLETED_ON_TIME.value
LATE = ScoreRuleKind.COMPLETED_LATE.value
OVERDUE_DAY = ScoreRuleKind.OVERDUE_DAY.value
ESCALATION = ScoreRuleKind.ESCALATION.value
RETURNED_REPORT = ScoreRuleKind.RETURNED_REPORT.value
SHARE_KINDS = (ON_TIME, LATE, OVERDUE_DAY)
RECT_ON_TIME = ScoreRuleKind.RECTIFICATION_COMPLETED_ON_TIME.value
RECT_LATE = ScoreRuleKind.RECTIFICATION_COMPLETED_LATE.value
RECT_OVERDUE_DAY = ScoreRuleKind.RECTIFICATION_OVERDUE_DAY.value
RECTIFICATION_KINDS = (RECT_ON_TIME, RECT_LATE, RECT_OVERDUE_DAY)
# A rectification kind judges its share as the task kind judges a task share.
AS_SHARE_KIND = {
    ScoreRuleKind.RECTIFICATION_COMPLETED_ON_TIME: ScoreRuleKind.COMPLETED_ON_TIME,
    ScoreRuleKind.RECTIFICATION_COMPLETED_LATE: ScoreRuleKind.COMPLETED_LATE,
    ScoreRuleKind.RECTIFICATION_OVERDUE_DAY: ScoreRuleKind.OVERDUE_DAY,
}


@dataclass(frozen=True, slots=True)
class Assessment:
    """A share as the rubric judges it: completed or not, and whole days late (≥ 0)."""

    completed: bool
    days_late: int


# -- the rules in Python --------------------------------------------------------------------


def assess(
    rated: bool,
    deadline_end: date | None,
    completed_on: date | None,
    as_of: date,
    start: date,
    end: date,
) -> Assessment | None:
    """The share's assessment in [start, end] as of `as_of`, or None when it is not judged.
    `completed_on`: its completion day when its state as of `as_of` is COMPLETED, else None."""
    if not rated or deadline_end is None or not start <= deadline_end <= end:
        return None
    if completed_on is not None:
        return Assessment(True, max(0, (completed_on - deadline_end).days))
    if deadline_end < as_of:
        return Assessment(False, (as_of - deadline_end).days)
    return None


def capped(points: float, cap: float | None) -> float:
    """One item's points bounded by `cap` in absolute value."""
    if cap is not None and abs(points) > cap:
        return math.copysign(cap, points)
    return points


def share_points(
    kind: ScoreRuleKind | str, points: float, cap: float | None, assessment: Assessment
) -> float | None:
    """What a share-kind line scores for one assessed share (of a task, or of a rectification
    item for the RECTIFICATION_ kinds), or None when it does not count."""
    kind = ScoreRuleKind(kind)
    kind = AS_SHARE_KIND.get(kind, kind)
    if kind is ScoreRuleKind.COMPLETED_ON_TIME:
        counts, raw = assessment.completed and assessment.days_late == 0, points
    elif kind is ScoreRuleKind.COMPLETED_LATE:
        counts, raw = assessment.completed and assessment.days_late > 0, points
    elif kind is ScoreRuleKind.OVERDUE_DAY:
        counts, raw = assessment.days_late > 0, points * assessment.days_late
    else:
        return None
    return capped(raw, cap) if counts else None


def escalation_counts(level: str | None, escalation_level: str) -> bool:
    """An ESCALATION line of `level` counts an escalation of `escalation_level`."""
    return level is None or level == escalation_level


# -- the same rules as SQL expressions ------------------------------------------------------


def day_difference(dialect: str, later: Any, earlier: Any) -> sa.ColumnElement[int]:
    """Whole days from `earlier` to `later` (dates; SQL twin of `(later - earlier).days`)."""
    if dialect == "postgresql":
        difference: Any = sa.cast(later, sa.Date) - sa.cast(earlier, sa.Date)
        return sa.type_coerce(difference, sa.Integer)
    return sa.cast(sa.func.julianday(later) - sa.func.julianday(earlier), sa.Integer)


def assessed_sql(
    rated: Any, deadline_end: Any, completed: Any, as_of: Any, start: Any, end: Any
) -> sa.ColumnElement[bool]:
    """SQL twin of `assess(...) is not None` (`completed`: the share's state as of D is
    COMPLETED)."""
    return sa.and_(
        rated,
        deadline_end.is_not(None),
        deadline_end >= start,
        deadline_end <= end,
        sa.or_(completed, deadline_end < as_of),
    )


def days_late_sql(
    dialect: str, deadline_end: Any, completed: Any, completed_on: Any, as_of: Any
) -> sa.ColumnElement[int]:
    """SQL twin of `assess(...).days_late` for an assessed share."""
    done_late = day_difference(dialect, completed_on, deadline_end)
    return sa.case(
        (completed, sa.case((done_late > 0, done_late), else_=0)),
        else_=day_difference(dialect, as_of, deadline_end),
    )


def capped_sql(points: Any, cap: Any) -> sa.ColumnElement[float]:
    """SQL twin of `capped`."""
    return sa.case(
        (sa.and_(cap.is_not(None), points > cap), cap),
        (sa.and_(cap.is_not(None), points < -cap), -cap),
        else_=points,
    )


def share_points_sql(
    kind: Any, points: Any, cap: Any, completed: Any, days_late: Any
) -> sa.ColumnElement[float]:
    """SQL twin of `share_points` (NULL where the line does not count the share)."""
    raw = sa.case(
        (sa.and_(kind.in_((ON_TIME, RECT_ON_TIME)), completed, days_late == 0), points),
        (sa.and_(kind.in_((LATE, RECT_LATE)), completed, days_late > 0), points),
        (sa.and_(kind.in_((OVERDUE_DAY, RECT_OVERDUE_DAY)), days_late > 0), points * days_late),
    )
    return sa.case((raw.is_not(None), capped_sql(raw, cap)))


def escalation_counts_sql(level: Any, escalation_level: Any) -> sa.ColumnElement[bool]:
    """SQL twin of `escalation_counts`."""
    return sa.or_(level.is_(None), level == escalation_level)
