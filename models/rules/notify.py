"""Rules of telling people (issue 18, point 3): which events they may hear of, quiet hours.

Quiet hours are a local-time window "HH:MM"–"HH:MM" in the configured zone
(models/rules/calendar.py); a window whose end is before its start runs past midnight
(22:00–07:00). An IMMEDIATE message that falls inside it waits until the window ends.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from models.rules import calendar

# The outbox event types people are told of (a contact may name a subset; empty: all).
PERSON_EVENTS = frozenset(
    {
        "task.due_soon",
        "task.overdue",
        "task.changed",
        "rectification.changed",
        "rectification.due_soon",
        "rectification.overdue",
        "escalation.issued",
        "escalation.acknowledged",
        "escalation.replied",
        "escalation.closed",
        # told to the units concerned only (resolvers/delivery/people.py RECIPIENTS)
        "report.returned",
        "extension.decided",
        "comment.added",
    }
)
# Who hears of a workflow event (not every unit that sees the object: the one it is for):
# a returned report its reporting unit (the share's unit); an extension decision the unit
# that asked; a 批示 (an INSTRUCTION comment) the lead units of its task or rectification (on
# a report: the report's unit). A plain comment is told to nobody.
RECIPIENTS = {
    "report.returned": "the report's share's unit",
    "extension.decided": "the requesting unit",
    "comment.added": "the lead units (INSTRUCTION only)",
}

_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_clock(text: str) -> time | None:
    """ "HH:MM" (00:00–23:59) as a time; None when malformed."""
    match = _CLOCK.match(text)
    if match is None:
        return None
    return time(int(match.group(1)), int(match.group(2)))


def in_quiet_hours(local: time, start: time, end: time) -> bool:
    """Whether the local clock time lies in [start, end) (across midnight when end < start;
    an empty window when they are equal)."""
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_until(now: datetime, start: str | None, end: str | None) -> datetime:
    """When a message due `now` may go: `now` outside the window, else the window's end (UTC)."""
    if not start or not end:
        return now
    begin, finish = parse_clock(start), parse_clock(end)
    if begin is None or finish is None:
        return now
    local = now.astimezone(calendar.zone())
    if not in_quiet_hours(local.time(), begin, finish):
        return now
    release = local.replace(hour=finish.hour, minute=finish.minute, second=0, microsecond=0)
    if release <= local:
        release += timedelta(days=1)
    return release.astimezone(UTC)
