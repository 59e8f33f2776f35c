"""The day boundary: one time zone for every date the product shows or compares.

Dates (asOf, deadlines, 最新进展 in exports, escalation days) are days in the configured time
zone, Asia/Shanghai unless GOVGRAPH_TIMEZONE says otherwise; instants are stored in UTC. "As
of D" means up to the end of day D there: an event counts when it happened before
`end_of_day(D)`.

Accepted dates run from MIN_DATE to MAX_DATE (1900-01-01..2199-12-31): every date a client
sends (asOf, filters, deadlines, issue dates, export parameters, command-line options) is
checked here, so no cutoff, "due soon" window or sort key overflows Python's or the database's
range, whatever the zone. The ledger's own 完成时限 text is parsed apart (models/rules/deadline).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models.messages import Message, message

DEFAULT_TIMEZONE = "Asia/Shanghai"

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2199, 12, 31)
DATE_RANGE = f"{MIN_DATE.isoformat()}..{MAX_DATE.isoformat()}"

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


class DateOutOfRange(ValueError):
    """A date outside MIN_DATE..MAX_DATE, or text that is not a date; `text` the catalogue
    message (models/messages.py)."""

    def __init__(self, text: Message) -> None:
        super().__init__(str(text))
        self.text = text


def check_date(day: date) -> date:
    """`day` when it lies in the accepted range; DateOutOfRange (a ValueError) otherwise."""
    if not MIN_DATE <= day <= MAX_DATE:
        raise DateOutOfRange(message("DATE_OUT_OF_RANGE", day=day.isoformat(), range=DATE_RANGE))
    return day


def check_datetime(moment: datetime) -> datetime:
    """`moment` when its day lies in the accepted range (see check_date)."""
    check_date(moment.date())
    return moment


def parse_date(text: str) -> date:
    """A YYYY-MM-DD date in the accepted range; DateOutOfRange (a ValueError) otherwise."""
    try:
        day = date.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise DateOutOfRange(message("DATE_NOT_ISO", range=DATE_RANGE)) from exc
    return check_date(day)
