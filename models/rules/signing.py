"""签收 (sign-for): an assigned unit signs for each new share within a set number of days.

A share (assignment) is *unsigned and late* as of day D when nobody has signed for it
(`assignment.acknowledged_at` is NULL) and D is past its sign-by day: the day it was assigned
(the local date of `assignment.created_at`, models/rules/calendar.py's zone) plus the plan's
`sign_within_days` (default DEFAULT_DAYS = 3). Days are calendar days: models/rules/calendar.py
keeps no working-day calendar (节假日 would need one per year), so 3 days is 3 calendar days.
`is_unsigned_late` is the rule in Python, `unsigned_late` its SQL twin (tests check they
agree); signFor is resolvers/task/signing.py.

Rectification shares (责任单位的份额, `rectification_assignment`) are signed for the same way:
assigned at `rectification_assignment.assigned_at` (rows from before migration 0041: the
item's creation, `share_assigned_at`), within INSPECTION_DAYS (an inspection holds no
per-list setting; the plans' default). A share unsigned and late is issued one 催办 by
`govgraph escalate-overdue` (resolvers/escalation/service.py `unsigned_items`; the database
holds "once per share" with a partial unique index, models/escalation.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from models.enums import EscalationLevel
from models.rules import calendar
from models.rules.health import day_number

DEFAULT_DAYS = 3
# Sign-for days of an inspection's rectification shares (calendar days, as plans' default).
INSPECTION_DAYS = DEFAULT_DAYS
# The rung a late 签收 is escalated with (once per share): 催办.
UNSIGNED_LEVEL = EscalationLevel.URGE


def sign_by(assigned_at: datetime, days: int = DEFAULT_DAYS) -> date:
    """The last day to sign for a share assigned at `assigned_at`."""
    return calendar.local_date(assigned_at) + timedelta(days=days)


def is_unsigned_late(
    acknowledged_at: datetime | None, assigned_at: datetime, days: int, as_of: date
) -> bool:
    """Not signed for, and `as_of` is past the sign-by day."""
    return acknowledged_at is None and as_of > sign_by(assigned_at, days)


class LocalDayNumber(FunctionElement[int]):
    """SQL: whole days from 1970-01-01 to the local date (calendar.zone()) of a timestamp."""

    type = sa.Integer()
    inherit_cache = True
    name = "local_day_number"


@compiles(LocalDayNumber)
def _local_day_default(element: LocalDayNumber, compiler: Any, **kw: Any) -> str:
    # SQLite keeps UTC wall times: shift by the zone's offset (Asia/Shanghai has no DST).
    (arg,) = list(element.clauses)
    offset = datetime(2000, 1, 1, tzinfo=UTC).astimezone(calendar.zone()).utcoffset() or timedelta(
        0
    )
    minutes = int(offset.total_seconds() // 60)
    return (
        f"CAST(julianday(date({compiler.process(arg, **kw)}, '{minutes:+d} minutes'))"
        " - 2440587.5 AS INTEGER)"
    )


@compiles(LocalDayNumber, "postgresql")
def _local_day_postgresql(element: LocalDayNumber, compiler: Any, **kw: Any) -> str:
    (arg,) = list(element.clauses)
    zone = calendar.zone().key.replace("'", "")
    return (
        f"(CAST(({compiler.process(arg, **kw)} AT TIME ZONE '{zone}') AS DATE) - DATE '1970-01-01')"
    )


def unsigned_late(
    acknowledged_at: sa.ColumnElement[Any],
    assigned_at: sa.ColumnElement[Any],
    days: Any,
    as_of: date,
) -> sa.ColumnElement[bool]:
    """SQL twin of `is_unsigned_late` (`days`: a number or a column)."""
    return sa.and_(
        acknowledged_at.is_(None), LocalDayNumber(assigned_at) + days < day_number(as_of)
    )


def share_assigned_at(share: Any, item: Any) -> sa.ColumnElement[Any]:
    """SQL: when a rectification share was assigned (`share`: rectification_assignment,
    `item`: its rectification): its own stamp, else its item's creation."""
    return sa.func.coalesce(share.c.assigned_at, item.c.created_at)


def rectification_issuer(item: Any, document: Any, inspection: Any) -> sa.ColumnElement[Any]:
    """SQL: who issued a rectification item (its `unsignedShares(issuedBy:)` party): its
    document's issuer (the 整改方案's, e.g. 城区人民政府), else its inspection's document's.
    Both lookups correlate to `item` in the enclosing statement."""
    own = (
        sa.select(document.c.issuer_id)
        .where(document.c.id == item.c.document_id)
        .correlate(item)
        .scalar_subquery()
    )
    via_inspection = (
        sa.select(document.c.issuer_id)
        .select_from(inspection.join(document, document.c.id == inspection.c.document_id))
        .where(inspection.c.id == item.c.inspection_id)
        .correlate(item)
        .scalar_subquery()
    )
    return sa.func.coalesce(own, via_inspection)
