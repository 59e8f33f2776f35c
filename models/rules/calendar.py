"""The day boundary: one time zone for every date the product shows or compares.

Dates (asOf, deadlines, 最新进展 in exports, escalation days) are days in the configured time
zone, Asia/Shanghai unless GOVGRAPH_TIMEZONE says otherwise; instants are stored in UTC. "As
of D" means up to the end of day D there: an event counts when it happened before
`end_of_day(D)`.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"

_zone = ZoneInfo(os.environ.get("GOVGRAPH_TIMEZONE") or DEFAULT_TIMEZONE)


def configure(name: str) -> None:
    """Set the process's time zone (the server does this once from its settings)."""
    global _zone
    _zone = ZoneInfo(name)


def zone() -> ZoneInfo:
    """The configured time zone."""
    return _zone


def local_date(moment: datetime) -> date:
    """The day `moment` falls on in the configured zone (a naive moment is UTC, as SQLite
    hands back what was stored in UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_zone).date()


def today(now: datetime | None = None) -> date:
    """Today in the configured zone (at `now`, default the clock)."""
    return local_date(now or datetime.now(UTC))


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day` in the configured zone, in UTC."""
    return datetime.combine(day, time(0, 0), _zone).astimezone(UTC)


def end_of_day(day: date) -> datetime:
    """The first instant after `day` in the configured zone, in UTC: events before it count."""
    return start_of_day(day + timedelta(days=1))


def cutoff(as_of: date, now: datetime | None = None) -> datetime | None:
    """How to read state as of `as_of`: None (the present state) for today or later, else the
    end of that day (the history up to it)."""
    return None if as_of >= today(now) else end_of_day(as_of)
