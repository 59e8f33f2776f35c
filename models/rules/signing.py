"""签收 (sign-for): an assigned unit signs for each new share within a set number of days.

A share (assignment) is *unsigned and late* as of day D when nobody has signed for it
(`assignment.acknowledged_at` is NULL) and D is past its sign-by day: the day it was assigned
(the local date of `assignment.created_at`, models/rules/calendar.py's zone) plus the plan's
`sign_within_days` (default DEFAULT_DAYS = 3). Days are calendar days: models/rules/calendar.py
keeps no working-day calendar (节假日 would need one per year), so 3 days is 3 calendar days.
`is_unsigned_late` is the rule in Python, `unsigned_late` its SQL twin (tests check they
agree); signFor is resolvers/task/signing.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from models.rules import calendar
from models.rules.health import day_number

DEFAULT_DAYS = 3


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
